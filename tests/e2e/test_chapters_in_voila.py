"""Chapters opened as Voila pages: on their own (voila notebooks/NAME.ipynb) and at Binder's Voila URL.

Voila refuses any file outside the folder it serves (a figure at ../book/images/... left the page
loading for ever, with no error shown), so the chapters keep their images beside them; the unit test
tests/test_book.py::test_chapter_images_stay_beside_the_chapters checks every chapter for that.
"""

from tests.e2e.conftest import chapter_file

PREDICTION = ".digit-pad-prediction"
SCREENSHOT_ALT = "The drawing pad in JupyterLab"


def check_drawing_chapter(page) -> None:
    pad = page.locator(".digit-pad").first
    pad.wait_for(timeout=300_000)  # Voila shows the page once every cell has run
    page.wait_for_function(f"document.querySelector('{PREDICTION}').textContent.trim() !== ''", timeout=60_000)
    image = page.locator(f"img[alt^='{SCREENSHOT_ALT}']").first
    image.wait_for(timeout=30_000)
    assert image.evaluate("img => img.complete && img.naturalWidth > 0"), "the chapter's screenshot did not load"


def test_drawing_chapter_opens_in_voila(page, voila_drawing_chapter):
    page.goto(voila_drawing_chapter, timeout=300_000)  # Voila runs the chapter first
    check_drawing_chapter(page)


def test_drawing_chapter_opens_at_binders_voila_url(page, jupyter_server_with_voila):
    url, token = jupyter_server_with_voila
    page.goto(f"{url}/voila/render/notebooks/{chapter_file('drawing_pad').name}?token={token}", timeout=300_000)
    check_drawing_chapter(page)
