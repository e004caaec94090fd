"""Accuracy on MNIST test digits redrawn on a 280x280 canvas at random sizes, places and pen widths,
through the pixel path (canvas_to_mnist) and through the naive one (shrink the whole canvas).
The digits are a seeded random sample of the test set (its first digits are easier than the rest).

Run: .venv/bin/python benchmarks/redrawn_accuracy.py
"""

import numpy as np
from report import report

from digitlib.data import load_mnist
from digitlib.evaluate import accuracy_interval
from digitlib.made_drawings import random_redraws
from digitlib.models import load_pretrained
from digitlib.preprocess import canvas_to_mnist, naive_resize

DIGITS = 2000


def main() -> None:
    _, (x_test, y_test) = load_mnist(verbose=False)
    rng = np.random.default_rng(0)
    chosen = rng.choice(len(y_test), size=DIGITS, replace=False)
    digits, labels = x_test[chosen], y_test[chosen]
    canvases = random_redraws(digits, rng)
    model = load_pretrained()
    prepared = {
        "pixel path (canvas_to_mnist)": np.stack([canvas_to_mnist(c) for c in canvases]),
        "naive (whole canvas shrunk)": np.stack([naive_resize(c) for c in canvases]),
    }
    rows = []
    for name, images in prepared.items():
        predicted = model.predict(images[..., None], batch_size=500, verbose=0).argmax(axis=1)
        correct = int(np.sum(predicted == labels))
        low, high = accuracy_interval(correct, DIGITS)
        rows.append([name, f"{correct / DIGITS:.2%}", f"{low:.2%} to {high:.2%}"])
    report("redrawn_accuracy", f"The shipped model on {DIGITS:,} test digits redrawn on a canvas",
           ["preparation", "accuracy", "95 % interval"], rows,
           "A random sample of the test set (seed 0). Sizes 15-65 % of the canvas, random places, "
           "pens 3-20 % of the digit's size.")  # fmt: skip


if __name__ == "__main__":
    main()
