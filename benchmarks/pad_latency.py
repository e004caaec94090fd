"""Latency of the drawing pad's path against the naive one, over 300 drawings, in one run.

Pad path: recorded strokes -> strokes_to_mnist -> the traced single-image reader (probabilities
and the detector's features in one call) -> the digit detector's verdict; then the
same with the widget's update, plain and with internals shown (DigitPad(show_internals=True):
saliency map and feature maps, computed in one traced call).
Naive path (the original demo's): strokes rasterized on the 280x280 canvas -> whole canvas
resized to 28x28 -> model.predict.  Both are timed on the same drawings in one run, so their
ratio holds on a noisy machine.

Run: .venv/bin/python benchmarks/pad_latency.py
"""

import time

import numpy as np
from report import report

from digitlib.detector import load_detector, single_image_reader
from digitlib.draw import PEN, DigitPad
from digitlib.made_drawings import example_strokes, jittered
from digitlib.models import load_pretrained
from digitlib.pen_inputs import rasterize_strokes
from digitlib.preprocess import naive_resize, strokes_to_mnist

DRAWINGS = 300


def random_drawings(count: int, rng: np.random.Generator):
    """The example digits, each drawn again as another hand might (jittered: size, place, tilt, wobble)."""
    examples = example_strokes()
    return [(index % 10, jittered(examples[index % 10], rng)) for index in range(count)]


def main() -> None:
    model = load_pretrained()
    read = single_image_reader(model)
    detector = load_detector()

    def predict(image):
        probabilities, features = read(image)
        detector.is_digit(features)
        return probabilities

    pad = DigitPad(model)
    inside = DigitPad(model, show_internals=True)
    drawings = random_drawings(DRAWINGS, np.random.default_rng(0))
    times = {"pad path": [], "pad path + widget update": [], "... with internals shown": [], "naive path": []}
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
        pad.clear()
        pad.draw(strokes)  # what the hand does; then time what lifting the pen does once more
        start = time.perf_counter()
        pad.update()
        times["pad path + widget update"].append(time.perf_counter() - start)
    for digit, strokes in drawings:
        inside.clear()
        inside.draw(strokes)
        start = time.perf_counter()
        inside.update()  # also the saliency map and the first block's feature maps
        times["... with internals shown"].append(time.perf_counter() - start)
    for digit, strokes in drawings:
        start = time.perf_counter()
        probabilities = model.predict(naive_resize(rasterize_strokes(strokes, pen=PEN))[None, :, :, None], verbose=0)[0]
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
