"""The pad on the book's pages (no kernel): mouse-up to the prediction shown, and the bytes it adds.

Opens the built drawing chapter from file:// in Debian's Chromium with every network request
refused, draws 100 jittered digits with the mouse, and reads the times the page itself measured
(window.digitPadWeb.timings, which keeps the latest 1,000: from the pointerup event to the
prediction written into the page, preparation and ONNX Runtime Web included; window.digitPadWeb.lifts
counts them).  Then lists the files the pad loads, raw and gzip-compressed (what a static host
would send).

Run: .venv/bin/python benchmarks/web_pad_latency.py [--html _build/quick/_build/html]
(`make book-quick` or `make book` builds the pages first.)
"""

import argparse
import gzip
from pathlib import Path

import numpy as np
from report import report

from digitlib.made_drawings import example_strokes, jittered

ROOT = Path(__file__).resolve().parents[1]
DRAWINGS = 100
WARM_UP = 3
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
PREDICTION = ".digit-pad-web .digit-pad-prediction"


def draw(page, box, strokes) -> None:
    """Draw with the mouse as a hand would, each segment in eight moves; after each stroke, wait
    for the page to time the prediction that lifting the pen asked for."""
    for stroke in strokes:
        lifted = page.evaluate("window.digitPadWeb.lifts")
        page.mouse.move(box["x"] + stroke[0][0], box["y"] + stroke[0][1])
        page.mouse.down()
        for (ax, ay), (bx, by) in zip(stroke, stroke[1:]):
            for step in range(1, 9):
                page.mouse.move(box["x"] + ax + (bx - ax) * step / 8, box["y"] + ay + (by - ay) * step / 8)
        page.mouse.up()
        page.wait_for_function(f"window.digitPadWeb.lifts > {lifted}", timeout=10_000)


def size(count: int) -> str:
    return f"{count / 1e6:.2f} MB" if count >= 1e6 else f"{count / 1e3:.1f} kB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "quick" / "_build" / "html")
    args = parser.parse_args()
    chapter = args.html / "notebooks" / "11_drawing_pad.html"
    if not chapter.exists():
        raise SystemExit(f"no built chapter at {chapter}: run `make book-quick` first")
    from playwright.sync_api import sync_playwright

    rng = np.random.default_rng(0)
    examples = example_strokes()
    drawings = [(i % 10, jittered(examples[i % 10], rng)) for i in range(WARM_UP + DRAWINGS)]
    right = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "blob:")) else r.abort())
        page.goto(chapter.as_uri())
        page.wait_for_function("window.digitPadWeb && window.digitPadWeb.ready", timeout=60_000)
        if page.evaluate("window.digitPadWeb.ready") is not True:
            raise SystemExit("the pad did not load: " + page.locator(".digit-pad-web").inner_text())
        canvas = page.locator(".digit-pad-web canvas.digit-pad-canvas")
        canvas.scroll_into_view_if_needed()
        for index, (digit, strokes) in enumerate(drawings):
            if index == WARM_UP:
                page.evaluate("window.digitPadWeb.timings.length = 0")
            draw(page, canvas.bounding_box(), strokes)
            right += index >= WARM_UP and page.locator(PREDICTION).inner_text().strip() == str(digit)
            page.get_by_role("button", name="Clear").click()
        timings = np.array(page.evaluate("window.digitPadWeb.timings"))
        browser.close()

    files = sorted((args.html / "_static" / "digit-pad").iterdir())
    sizes = [(f.name, f.stat().st_size, len(gzip.compress(f.read_bytes(), 9))) for f in files]
    rows = [["mouse-up to prediction shown, p50", f"{np.percentile(timings, 50):.1f} ms", ""],
            ["mouse-up to prediction shown, p90", f"{np.percentile(timings, 90):.1f} ms", ""],
            ["digits read right", f"{right / DRAWINGS:.0%} of {DRAWINGS}", ""]]  # fmt: skip
    rows += [[f"bytes: {name}", size(raw), size(packed) + " gzip"] for name, raw, packed in sizes]
    rows.append(["bytes: all of the above", size(sum(s[1] for s in sizes)), size(sum(s[2] for s in sizes)) + " gzip"])
    report(
        "web_pad_latency",
        "The pad on the book's pages: speed in Chromium, and what it loads",
        ["measure", "value", "compressed"],
        rows,
        f"{len(timings)} pen lifts over {DRAWINGS} drawings, timed by the page (performance.now) from the pointerup "
        "event to the prediction written into the page. ort-wasm.js is ONNX Runtime Web's WebAssembly, base64 in a "
        "script so that the page also works from file://; digit-cnn.js the model (ONNX, base64); "
        "digit-detector.js the digit detector's parameters (JSON); digit-pad.png is "
        "loaded only when the pad cannot run. Pages without a pad load only digit-pad.js and digit-pad.css.",
    )


if __name__ == "__main__":
    main()
