"""The pad on the built book's pages, without a kernel: opened from file:// with every network
request refused, drawn on with a real mouse, and its preparation of strokes checked against Python's."""

import numpy as np
import pytest

from digitlib.detector import features_of, load_detector
from digitlib.made_drawings import example_strokes, jittered, rare_styles
from digitlib.models import load_pretrained
from digitlib.nondigits import HELD_OUT_STROKE_FONTS, LETTERS, stroke_characters
from digitlib.preprocess import strokes_to_mnist
from tests.e2e.conftest import ARTIFACTS, ROOT
from tests.e2e.drawing import DRAWINGS, draw

HTML = ROOT / "_build" / "quick" / "_build" / "html"
CHAPTER = HTML / "notebooks" / "11_drawing_pad.html"
LANDING = HTML / "book" / "intro.html"
PAD = ".digit-pad-web .digit-pad"
PREDICTION = f"{PAD} .digit-pad-prediction"


def open_offline(page, path):
    """Open a built page from file://, refusing every request that would leave the machine."""
    if not path.exists():
        pytest.fail(f"no built page at {path}: run `make book-quick` first (`make e2e` does it)")
    refused = []

    def only_local(route):
        if route.request.url.startswith(("file:", "blob:", "data:")):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    errors = []  # the pad's own (the theme's scripts raise one of their own on file:// pages)
    page.on("pageerror", lambda error: "digit-pad/" in (error.stack or "") and errors.append(error.stack))
    page.goto(path.as_uri())
    page.wait_for_function("window.digitPadWeb && window.digitPadWeb.ready", timeout=30_000)
    return refused, errors


def prediction(page) -> str:
    return page.locator(PREDICTION).inner_text().strip()


def test_draw_on_the_drawing_chapter_offline(page):
    refused, errors = open_offline(page, CHAPTER)
    assert page.evaluate("window.digitPadWeb.ready") is True, page.locator(".digit-pad-web").inner_text()
    pad = page.locator(PAD)
    assert prediction(page) == ""
    canvas = pad.locator("canvas.digit-pad-canvas")
    for expected, strokes in DRAWINGS:
        draw(page, canvas, strokes)
        page.wait_for_function(
            f"document.querySelector('{PREDICTION}').textContent.trim() === '{expected}'", timeout=10_000
        )
        if expected == "?":  # a letter
            assert "does not look like a digit" in pad.inner_text()
        if expected in "7?":
            ARTIFACTS.mkdir(exist_ok=True)
            pad.screenshot(
                path=str(ARTIFACTS / ("pad-on-the-page.png" if expected == "7" else "pad-on-the-page-not-a-digit.png"))
            )
        pad.get_by_role("button", name="Clear").click()
        assert prediction(page) == ""
    assert page.evaluate("window.digitPadWeb.lifts") >= len(DRAWINGS)  # one per lifted pen
    assert page.evaluate("window.digitPadWeb.timings.length") == page.evaluate("window.digitPadWeb.lifts")
    assert refused == [] and errors == []


def test_the_landing_page_has_a_pad_that_works_offline(page):
    refused, errors = open_offline(page, LANDING)
    draw(page, page.locator(f"{PAD} canvas.digit-pad-canvas"), DRAWINGS[2][1])
    page.wait_for_function(f"document.querySelector('{PREDICTION}').textContent.trim() === '7'", timeout=10_000)
    assert refused == [] and errors == []


def test_the_pads_javascript_api_draws_as_a_hand_and_keeps_few_timings(page):
    """pad.draw(strokes) goes the way of the mouse; the timings kept stay bounded, the lifts counted."""
    refused, errors = open_offline(page, CHAPTER)
    expected, strokes = DRAWINGS[2]
    page.evaluate("window.digitPadWeb.timingsKept = 3")
    kept = page.evaluate(
        "async strokes => { const pad = window.digitPadWeb.pads[0]; for (let i = 0; i < 5; i++) "
        "{ pad.clear(); await pad.draw(strokes); } return pad.reader.toData(); }",
        strokes,
    )
    assert kept == [[[float(x), float(y)] for x, y in stroke] for stroke in strokes]
    assert prediction(page) == expected
    assert page.evaluate("[window.digitPadWeb.lifts, window.digitPadWeb.timings.length]") == [5, 3]
    assert refused == [] and errors == []


def test_without_webassembly_the_page_says_so_and_shows_the_screenshot(page):
    page.add_init_script("delete window.WebAssembly")
    open_offline(page, CHAPTER)
    assert page.evaluate("window.digitPadWeb.ready") is False
    placeholder = page.locator(".digit-pad-web")
    assert "cannot run in this browser" in placeholder.inner_text()
    assert "WebAssembly" in placeholder.inner_text()
    screenshot = placeholder.locator("img")
    screenshot.wait_for()
    assert page.evaluate("img => img.complete && img.naturalWidth > 0", screenshot.element_handle())
    assert page.locator(PAD).count() == 0


def drawings_of_every_kind(count: int) -> list[tuple[int, list]]:
    """Drawings of different sizes, places and digits: the example digits and the styles MNIST has
    few of, each jittered (25-85 % of the canvas, anywhere on it, turned, wobbling)."""
    rng = np.random.default_rng(7)
    templates = [*example_strokes().items()] + [drawing for style in rare_styles().values() for drawing in style]
    chosen = [templates[i % len(templates)] for i in range(count)]
    as_lists = [(digit, jittered(strokes, rng)) for digit, strokes in chosen]
    return [(digit, [[[float(x), float(y)] for x, y in s] for s in strokes]) for digit, strokes in as_lists]


def test_the_page_prepares_strokes_as_python_does(page):
    open_offline(page, CHAPTER)
    drawings = drawings_of_every_kind(240)
    strokes = [s for _, s in drawings]
    in_browser = np.array(
        page.evaluate("all => all.map(s => Array.from(window.digitPadWeb.strokesToMnist(s)))", strokes)
    ).reshape(-1, 28, 28)
    in_python = np.stack([strokes_to_mnist(s) for s in strokes])
    difference = np.abs(in_browser - in_python).mean(axis=(1, 2))
    print(f"mean absolute difference per pixel: {difference.mean():.4f} (largest drawing {difference.max():.4f})")
    assert difference.mean() < 0.02
    browser_reads = page.evaluate(
        "async images => { const out = []; for (const image of images) "
        "out.push(await window.digitPadWeb.predict(new Float32Array(image))); return out; }",
        in_browser.reshape(len(strokes), -1).tolist(),
    )
    browser_says = np.array([read["probabilities"] for read in browser_reads]).argmax(axis=1)
    python_says = load_pretrained().predict(in_python[..., None], verbose=0).argmax(axis=1)
    agreement = np.mean(browser_says == python_says)
    print(f"the same prediction for {agreement:.1%} of {len(strokes)} drawings")
    assert agreement >= 0.99


def test_the_pages_detector_scores_as_pythons_does(page):
    """The same images in both: the network's features and the detector's score, on digits and letters."""
    open_offline(page, CHAPTER)
    rng = np.random.default_rng(3)
    letters, _ = stroke_characters(HELD_OUT_STROKE_FONTS, LETTERS, per_glyph=2, rng=rng)
    digits = np.stack([strokes_to_mnist(s) for _, s in drawings_of_every_kind(60)])
    images = np.concatenate([digits, letters])
    browser_reads = page.evaluate(
        "async images => { const out = []; for (const image of images) "
        "out.push(await window.digitPadWeb.predict(new Float32Array(image))); return out; }",
        images.reshape(len(images), -1).tolist(),
    )
    detector = load_detector()
    python_scores = detector.scores(features_of(load_pretrained(), images))
    browser_scores = np.array([read["score"] for read in browser_reads])
    np.testing.assert_allclose(browser_scores, python_scores, atol=1e-3 * np.abs(python_scores).max())
    assert [read["isDigit"] for read in browser_reads] == list(python_scores >= detector.threshold)
    print(f"digits kept {np.mean(python_scores[:60] >= detector.threshold):.0%}, "
          f"letters refused {np.mean(python_scores[60:] < detector.threshold):.0%}")  # fmt: skip
