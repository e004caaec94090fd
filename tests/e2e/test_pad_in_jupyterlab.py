"""The drawing pad in a real browser, drawn on with a real mouse: in JupyterLab and in the Voila app."""

from tests.e2e.conftest import ARTIFACTS, open_and_run_all_cells

CHAPTER = "notebooks/10_drawing_pad.ipynb"
PREDICTION = ".digit-pad-prediction"
# Drawings in canvas pixels: a digit, where and how big (the pad is 280x280), and a
# letter, which the pad shows as "?" (not a digit).
DRAWINGS = [
    ("1", [[(140, 30), (140, 250)]]),
    ("0", [[(40 + 30 * s, 200 + 45 * c) for s, c in zip(
        [0, .5, .87, 1, .87, .5, 0, -.5, -.87, -1, -.87, -.5, 0],
        [-1, -.87, -.5, 0, .5, .87, 1, .87, .5, 0, -.5, -.87, -1])]]),
    ("7", [[(150, 40), (260, 40), (190, 200)]]),
    ("?", [[(80, 30), (80, 250)], [(210, 30), (80, 150), (210, 250)]]),  # a K
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
