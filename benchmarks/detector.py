"""The digit detector on drawings it never saw, against the softmax's top probability.

Both refuse a drawing whose score falls below a threshold that keeps 99 % of the validation
digits (MNIST's 5,000 validation digits, as they are and recorded as the UCI digits were): the
detector's score (``digitlib.detector``, trained by ``make detector``) or the shipped model's
top probability.  A last column gives the top probability a fairer chance: its threshold set,
after the fact, to keep as many real pen-written (UCI) digits as the detector keeps.
Letters: fonts the detector never saw; digits: real pen-written ones (UCI), styles MNIST has
few of, the sample writer, MNIST's test set.

Run: .venv/bin/python benchmarks/detector.py
"""

import numpy as np
from report import report

from digitlib.data import load_mnist, split_validation
from digitlib.detector import KEEP, RECIPE, feature_model, held_out_digits, load_detector, threshold_keeping
from digitlib.models import load_pretrained
from digitlib.nondigits import held_out_letters, validation_set
from digitlib.preprocess import to_model_input


def main() -> None:
    model = load_pretrained()
    detector = load_detector()
    probe = feature_model(model)
    (x_train, y_train), (x_test, y_test) = load_mnist(verbose=False)
    _, (x_validation, _) = split_validation(x_train, y_train)
    val_digits, _ = validation_set(x_validation, np.random.default_rng(RECIPE["seed"] + 1))
    top_validation = probe.predict(np.concatenate(list(val_digits.values()))[..., None], verbose=0)[0].max(axis=1)
    softmax_threshold = threshold_keeping(top_validation, KEEP)

    digits = {**held_out_digits(), "MNIST test digits": (to_model_input(x_test), y_test)}
    letters = held_out_letters(np.random.default_rng(RECIPE["seed"] + 2))
    read = {name: probe.predict(images, verbose=0) for name, (images, _) in digits.items()}
    read.update({name: probe.predict(images[..., None], verbose=0) for name, (images, _) in letters.items()})
    uci_probabilities, uci_features = read["real pen-written digits (UCI)"]
    matched = threshold_keeping(uci_probabilities.max(axis=1), detector.is_digit(uci_features).mean())

    rows = []
    for name, (probabilities, features) in read.items():
        top = probabilities.max(axis=1)
        kept = [detector.is_digit(features), top >= softmax_threshold, top >= matched]
        if name in letters:
            rows.append([f"letters, {name}", "refused", len(top), *(f"{1 - k.mean():.1%}" for k in kept)])
        else:
            rows.append([f"digits, {name}", "kept", len(top), *(f"{k.mean():.1%}" for k in kept)])
    report(
        "detector",
        "Is it a digit? The detector on drawings it never saw",
        ["drawings", "share", "count", "detector", "top probability", "top probability, matched"],
        rows,
        "Each column refuses a drawing whose score falls below a threshold. The thresholds of the "
        f'"detector" and "top probability" columns keep {KEEP:.0%} of the validation digits; '
        'that of "top probability, matched" keeps as many UCI digits as the detector. Targets: at '
        "least 80 % of the letters refused, at least 97 % of real pen-written digits (UCI) kept.",
    )


if __name__ == "__main__":
    main()
