"""Latency of the drawing pad's path against the naive one, over 300 drawings, in one run.

Pad path: recorded strokes -> strokes_to_mnist -> the traced single-image predictor.
Naive path (the original demo's): strokes rasterized on the 280x280 canvas -> whole canvas
resized to 28x28 -> model.predict.  Both are timed on the same drawings in one run, so their
ratio holds on a noisy machine.

Run: .venv/bin/python benchmarks/pad_latency.py
"""

import time

import numpy as np
from PIL import Image, ImageDraw
from report import report

from digitlib.draw import PEN, SIZE, DigitPad, example_strokes
from digitlib.evaluate import naive_resize
from digitlib.models import load_pretrained, single_image_predictor
from digitlib.preprocess import strokes_to_mnist

DRAWINGS = 300


def random_drawings(count: int, rng: np.random.Generator):
    """Example digits at random sizes, angles and places on the canvas, with a little jitter."""
    examples = example_strokes()
    drawings = []
    for index in range(count):
        digit = index % 10
        scale, angle = rng.uniform(0.25, 1.0), np.radians(rng.uniform(-15, 15))
        rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        centre = rng.uniform(SIZE * scale / 2, SIZE - SIZE * scale / 2, size=2)
        strokes = [
            [
                tuple(p)
                for p in ((np.asarray(s) - SIZE / 2) @ rotation.T * scale + centre + rng.normal(0, 1, (len(s), 2)))
            ]
            for s in examples[digit]
        ]
        drawings.append((digit, strokes))
    return drawings


def rasterize(strokes) -> np.ndarray:
    canvas = Image.new("L", (SIZE, SIZE), 0)
    draw = ImageDraw.Draw(canvas)
    for stroke in strokes:
        draw.line(stroke, fill=255, width=PEN, joint="curve")
    return np.asarray(canvas)


def main() -> None:
    model = load_pretrained()
    predict = single_image_predictor(model)
    pad = DigitPad(model)
    drawings = random_drawings(DRAWINGS, np.random.default_rng(0))
    times = {"pad path": [], "pad path + widget update": [], "naive path": []}
    correct = {"pad path": 0, "naive path": 0}
    predict(strokes_to_mnist(drawings[0][1]))  # trace once before timing
    model.predict(np.zeros((1, 28, 28, 1), np.float32), verbose=0)
    # One path at a time over all drawings: interleaving them lets model.predict's busy thread
    # pools slow down the next call of the other path.
    for digit, strokes in drawings:
        start = time.perf_counter()
        probabilities = predict(strokes_to_mnist(strokes))
        times["pad path"].append(time.perf_counter() - start)
        correct["pad path"] += int(np.argmax(probabilities) == digit)
    for digit, strokes in drawings:
        pad._strokes = [list(s) for s in strokes]
        start = time.perf_counter()
        pad._predict()
        times["pad path + widget update"].append(time.perf_counter() - start)
    for digit, strokes in drawings:
        start = time.perf_counter()
        probabilities = model.predict(naive_resize(rasterize(strokes))[None, :, :, None], verbose=0)[0]
        times["naive path"].append(time.perf_counter() - start)
        correct["naive path"] += int(np.argmax(probabilities) == digit)

    rows = [
        [name, f"{np.percentile(seconds, 50) * 1000:.2f}", f"{np.percentile(seconds, 95) * 1000:.2f}",
         f"{correct[name] / DRAWINGS:.1%}" if name in correct else ""]
        for name, seconds in times.items()
    ]  # fmt: skip
    ratio = np.median(times["naive path"]) / np.median(times["pad path"])
    report("pad_latency", f"Prediction latency over {DRAWINGS} drawings (milliseconds)",
           ["path", "p50 ms", "p95 ms", "accuracy"], rows,
           f"The pad path is {ratio:.0f} times faster at the median.")  # fmt: skip


if __name__ == "__main__":
    main()
