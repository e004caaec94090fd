"""The drawing chapter in a real JupyterLab, drawn on with a real mouse."""

from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS

CHAPTER = "notebooks/08_drawing_pad.ipynb"
PREDICTION = ".digit-pad-prediction"
# Drawings in canvas pixels: a digit, where and how big (the pad is 280x280).
DRAWINGS = [
    ("1", [[(140, 30), (140, 250)]]),
    ("0", [[(40 + 30 * s, 200 + 45 * c) for s, c in zip(
        [0, .5, .87, 1, .87, .5, 0, -.5, -.87, -1, -.87, -.5, 0], [-1, -.87, -.5, 0, .5, .87, 1, .87, .5, 0, -.5, -.87, -1])]]),
    ("7", [[(150, 40), (260, 40), (190, 200)]]),
]  # fmt: skip


def draw(page, canvas, strokes) -> None:
    box = canvas.bounding_box()
    for stroke in strokes:
        x, y = stroke[0]
        page.mouse.move(box["x"] + x, box["y"] + y)
        page.mouse.down()
        for (ax, ay), (bx, by) in zip(stroke, stroke[1:]):
            for step in range(1, 9):
                t = step / 8
                page.mouse.move(box["x"] + ax + (bx - ax) * t, box["y"] + ay + (by - ay) * t)
        page.mouse.up()


def test_draw_digits_on_the_pad_in_jupyterlab(page, jupyterlab):
    url, token = jupyterlab
    page.goto(f"{url}/lab/tree/{CHAPTER}?token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell .cm-content", timeout=120_000)
    page.locator(".jp-Notebook").first.click()
    page.click("text=Run", timeout=30_000)  # the Run menu, as a reader would use it
    page.click("text=Run All Cells", timeout=30_000)
    pad = page.locator(".digit-pad").first
    pad.wait_for(timeout=300_000)
    canvas = pad.locator("canvas").first
    page.wait_for_function(
        f"document.querySelector('{PREDICTION}') && document.querySelector('{PREDICTION}').textContent.trim() !== ''",
        timeout=300_000,
    )  # the chapter drew on the pad from code; now clear it and draw by hand
    pad.get_by_role("button", name="Clear").click()
    page.wait_for_function(f"document.querySelector('{PREDICTION}').textContent.trim() === ''", timeout=30_000)
    bars = pad.locator(".digit-pad-probabilities")
    for expected, strokes in DRAWINGS:
        before = bars.inner_html()
        draw(page, canvas, strokes)
        page.wait_for_function(
            f"document.querySelector('{PREDICTION}').textContent.trim() === '{expected}'", timeout=30_000
        )
        assert bars.inner_html() != before, "the probability chart did not change"
        if expected == "7":
            ARTIFACTS.mkdir(exist_ok=True)
            pad.screenshot(path=str(ARTIFACTS / "pad-in-jupyterlab.png"))
        pad.get_by_role("button", name="Clear").click()
        page.wait_for_function(f"document.querySelector('{PREDICTION}').textContent.trim() === ''", timeout=30_000)
