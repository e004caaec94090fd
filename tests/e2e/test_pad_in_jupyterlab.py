"""The drawing pad in a real browser, drawn on with a real mouse: in JupyterLab and in the Voila app."""

from tests.e2e.conftest import ARTIFACTS, chapter_file, open_and_run_all_cells
from tests.e2e.drawing import DRAWINGS, draw

CHAPTER = f"notebooks/{chapter_file('drawing_pad').name}"
PREDICTION = ".digit-pad-prediction"


def draw_digits_and_clear(page, pad, screenshot: str) -> None:
    canvas = pad.locator("canvas").first
    bars = pad.locator(".digit-pad-probabilities")
    for expected, strokes in DRAWINGS:
        before = bars.inner_html()
        draw(page, canvas, strokes)
        page.wait_for_function(
            f"document.querySelector('{PREDICTION}').textContent.trim() === '{expected}'", timeout=30_000
        )
        page.wait_for_function(
            "before => document.querySelector('.digit-pad-probabilities').innerHTML !== before",
            arg=before,
            timeout=10_000,
        )  # the probability chart changed too
        if expected == "?":
            assert "does not look like a digit" in pad.inner_text()
        if expected in "7?":
            ARTIFACTS.mkdir(exist_ok=True)
            pad.screenshot(
                path=str(ARTIFACTS / screenshot.replace(".png", "-not-a-digit.png" if expected == "?" else ".png"))
            )
        pad.get_by_role("button", name="Clear").click()
        page.wait_for_function(f"document.querySelector('{PREDICTION}').textContent.trim() === ''", timeout=30_000)


def test_draw_digits_on_the_pad_in_jupyterlab(page, jupyterlab):
    url, token = jupyterlab
    open_and_run_all_cells(page, f"{url}/lab/tree/{CHAPTER}?token={token}")
    pad = page.locator(".digit-pad").first
    pad.wait_for(timeout=300_000)
    page.wait_for_function(
        f"document.querySelector('{PREDICTION}') && document.querySelector('{PREDICTION}').textContent.trim() !== ''",
        timeout=300_000,
    )  # the chapter drew on the pad from code; now clear it and draw by hand
    pad.get_by_role("button", name="Clear").click()
    page.wait_for_function(f"document.querySelector('{PREDICTION}').textContent.trim() === ''", timeout=30_000)
    draw_digits_and_clear(page, pad, "pad-in-jupyterlab.png")


def test_draw_digits_in_the_voila_app(page, voila_app):
    page.goto(voila_app)
    pad = page.locator(".digit-pad").first
    pad.wait_for(timeout=180_000)
    assert page.get_by_text("from digitlib.draw import DigitPad").count() == 0  # no code shown
    assert pad.locator(PREDICTION).inner_text().strip() == ""
    draw_digits_and_clear(page, pad, "pad-in-voila.png")
