"""The pad on the book's pages (no kernel): what it loads, how soon it wakes, how fast it answers.

Serves the built book over http (Python's static file server, in a thread; it sends files
uncompressed) and opens the two pages with a pad in Debian's Chromium, each time in a fresh
browser context, so with the cache empty:
- the pad's files the page fetches before the first touch, and those of a reader who draws, raw
  and gzip-compressed (what a static host that compresses would send);
- the time from the first touch (the pointerdown that starts drawing a 7 with the mouse) to the
  first prediction shown, as the page measures it (window.digitPadWeb.wokenAt and firstShownAt),
  over http and from file://, the median of RUNS loads each;
- then 100 jittered digits drawn with the mouse on the chapter over http, each timed by the page
  from the pointerup event to the prediction written into the page (window.digitPadWeb.timings).
The load average of the machine is recorded with the times: they depend on what else runs.

Run: .venv/bin/python benchmarks/web_pad_latency.py [--html _build/quick/_build/html]
(`make book-quick` or `make book` builds the pages first.)
"""

import argparse
import functools
import gzip
import http.server
import os
import threading
from pathlib import Path

import numpy as np
from report import report

from digitlib.made_drawings import example_strokes, jittered

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5
DRAWINGS = 100
WARM_UP = 3
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
PREDICTION = ".digit-pad-web .digit-pad-prediction"
CANVAS = ".digit-pad-web canvas.digit-pad-canvas"
SEVEN = [[(150, 40), (260, 40), (190, 200)]]
FOLDER = "/_static/digit-pad/"


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
        page.wait_for_function(f"window.digitPadWeb.lifts > {lifted}", timeout=60_000)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def open_pad(browser, url: str):
    """A fresh context (empty cache) on ``url``, recording the pad's files it asks for; returns the
    page, the names fetched so far (a live list), and those fetched before the first touch."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    fetched = []
    page.on("request", lambda r: FOLDER in r.url and fetched.append(r.url.split(FOLDER)[1].split("?")[0]))
    page.goto(url)
    page.wait_for_function("window.digitPadWeb && window.digitPadWeb.pads.length > 0", timeout=60_000)
    page.wait_for_load_state("load")
    page.wait_for_timeout(1000)  # anything the page would still fetch untouched
    return page, fetched, list(fetched)


def first_reading(browser, url: str) -> tuple[float, list[str], list[str]]:
    """Open ``url`` with the cache empty, draw a 7: ms from the first touch to the first prediction
    shown, the pad's files fetched before the touch, and all it fetched."""
    page, fetched, before = open_pad(browser, url)
    canvas = page.locator(CANVAS)
    canvas.scroll_into_view_if_needed()
    draw(page, canvas.bounding_box(), SEVEN)
    if page.locator(PREDICTION).inner_text().strip() != "7":
        raise SystemExit(f"the pad at {url} did not read the 7: " + page.locator(".digit-pad-web").inner_text())
    milliseconds = page.evaluate("window.digitPadWeb.firstShownAt - window.digitPadWeb.wokenAt")
    page.context.close()
    return milliseconds, before, list(fetched)


def mouse_up_timings(browser, url: str) -> tuple[np.ndarray, int]:
    """Draw WARM_UP + DRAWINGS jittered digits; the page's timings after the warm-up, and how many
    of the digits it read right."""
    rng = np.random.default_rng(0)
    examples = example_strokes()
    drawings = [(i % 10, jittered(examples[i % 10], rng)) for i in range(WARM_UP + DRAWINGS)]
    page, _, _ = open_pad(browser, url)
    canvas = page.locator(CANVAS)
    canvas.scroll_into_view_if_needed()
    right = 0
    for index, (digit, strokes) in enumerate(drawings):
        if index == WARM_UP:
            page.evaluate("window.digitPadWeb.timings.length = 0")
        draw(page, canvas.bounding_box(), strokes)
        right += index >= WARM_UP and page.locator(PREDICTION).inner_text().strip() == str(digit)
        page.get_by_role("button", name="Clear").click()
    timings = np.array(page.evaluate("window.digitPadWeb.timings"))
    page.context.close()
    return timings, right


def size(count: float) -> str:
    return f"{count / 1e6:.2f} MB" if count >= 1e6 else f"{count / 1e3:.1f} kB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "quick" / "_build" / "html")
    args = parser.parse_args()
    chapter = next(args.html.glob("notebooks/*_drawing_pad.html"), None)
    if chapter is None or not (args.html / "book" / "intro.html").exists():
        raise SystemExit(f"no built drawing chapter or landing page in {args.html}: run `make book-quick` first")
    pages = {"the drawing chapter": chapter.relative_to(args.html).as_posix(), "the landing page": "book/intro.html"}
    files = args.html / "_static" / "digit-pad"
    raw = {f.name: f.stat().st_size for f in files.iterdir()}
    packed = {f.name: len(gzip.compress(f.read_bytes(), 9)) for f in files.iterdir()}
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=args.html))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    served = f"http://127.0.0.1:{server.server_port}"
    load_before = os.getloadavg()[0]
    wakes, before, drawn = {}, {}, {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for over, base in [("http", served), ("file://", args.html.resolve().as_uri())]:
            for name, page_path in pages.items():
                runs = [first_reading(browser, f"{base}/{page_path}") for _ in range(RUNS)]
                wakes[over, name] = [milliseconds for milliseconds, _, _ in runs]
                before[over, name] = set(runs[0][1])
                drawn[over] = set(runs[0][2])
        timings, right = mouse_up_timings(browser, f"{served}/{pages['the drawing chapter']}")
        browser.close()
    server.shutdown()
    load_after = os.getloadavg()[0]

    def weight(names) -> list[str]:
        return [size(sum(raw[n] for n in names)), size(sum(packed[n] for n in names)) + " gzip"]

    light = set.union(*before.values())
    rows = [[f"bytes before the first touch ({', '.join(sorted(light))})", *weight(light)]]
    rows += [
        [f"bytes of a reader who draws, {over} ({len(names)} files)", *weight(names)] for over, names in drawn.items()
    ]
    rows += [
        [f"first touch to first prediction, {over}, {name}, median of {RUNS}", f"{np.median(ms):.0f} ms",
         f"{min(ms):.0f}-{max(ms):.0f} ms"]
        for (over, name), ms in wakes.items()
    ]  # fmt: skip
    rows += [["mouse-up to prediction shown, p50", f"{np.percentile(timings, 50):.1f} ms", ""],
             ["mouse-up to prediction shown, p90", f"{np.percentile(timings, 90):.1f} ms", ""],
             ["digits read right", f"{right / DRAWINGS:.0%} of {DRAWINGS}", ""]]  # fmt: skip
    rows += [[f"bytes: {name}", size(raw[name]), size(packed[name]) + " gzip"] for name in sorted(raw)]
    report(
        "web_pad_latency",
        "The pad on the book's pages: what it loads, how soon it wakes, how fast it answers",
        ["measure", "value", "compressed or range"],
        rows,
        f"Each page opened in a fresh Chromium context (empty cache), served over http by Python's static file "
        f"server on the same machine, or from file://. The pad's runtime, model and detector load on the first "
        f"touch: the time runs from the pointerdown that starts a 7 drawn with the mouse to its first prediction "
        f"shown, as the page measures it. Over http ONNX Runtime fetches its WebAssembly "
        f"(ort-wasm-simd-threaded.wasm) itself and the pad the model (digit-cnn.onnx, large weights in float16); "
        f"from file:// both come base64 in classic scripts (ort-wasm.js, digit-cnn.js). Mouse-up: {len(timings)} "
        f"pen lifts over {DRAWINGS} drawings, over http, timed from the pointerup event to the prediction written "
        f"into the page. Compressed sizes are gzip -9 of each file (this server sends them raw). digit-pad.png is "
        f"loaded only when the pad cannot run. Load average (1 min) {load_before:.1f} before, {load_after:.1f} "
        f"after, on {os.cpu_count()} cores shared with other work.",
    )


if __name__ == "__main__":
    main()
