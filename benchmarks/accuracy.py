"""Test accuracy of the shipped model, `digitlib.models.load_pretrained()`, on all 10,000 MNIST test digits.

Run: .venv/bin/python benchmarks/pretrained_accuracy.py
"""

import os
import platform
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from digitlib.data import load_mnist  # noqa: E402
from digitlib.evaluate import accuracy  # noqa: E402
from digitlib.models import load_pretrained  # noqa: E402
from digitlib.preprocess import to_model_input  # noqa: E402


def main() -> None:
    _, (x_test, y_test) = load_mnist(verbose=False)
    model = load_pretrained()
    started = time.perf_counter()
    value = accuracy(model, to_model_input(x_test), y_test)
    seconds = time.perf_counter() - started
    print(f"{'model':32} {'weights':>9} {'test accuracy':>14} {'wrong':>6} {'seconds':>8}")
    print(f"{'load_pretrained() (enhanced)':32} {model.count_params():>9,} {value:>14.2%} "
          f"{round((1 - value) * len(y_test)):>6} {seconds:>8.1f}")
    print(f"on {platform.machine()} with {os.cpu_count()} CPU cores")


if __name__ == "__main__":
    main()
