"""The digit detector on drawings it never saw, against the softmax's top probability.

Both refuse a drawing whose score falls below a threshold that keeps ``KEEP`` (98.5 %) of the
validation digits (MNIST's 5,000 validation digits, as they are and recorded as the UCI digits were, and the
validation writers' pen-written digits, both ways): the
detector's score (``digitlib.detector``, trained by ``make detector``) or the shipped model's
top probability.  A last column gives the top probability a fairer chance: its threshold set,
after the fact, to keep as many real pen-written (UCI) digits as the detector keeps.
Letters: fonts the detector never saw, and the test writers' pen-written letters (UNIPEN, both
ways); digits: real pen-written ones (UCI, and the test writers'), styles MNIST has few of,
MNIST's test set.

Run: .venv/bin/python benchmarks/detector.py
"""

import numpy as np
from report import report

from digitlib.data import load_mnist, split_validation
from digitlib.detector import KEEP, RECIPE, feature_model, held_out_digits, load_detector, threshold_keeping
from digitlib.models import load_pretrained
from digitlib.nondigits import held_out_letters, validation_set
from digitlib.pen_inputs import pen_inputs
from digitlib.preprocess import to_model_input


def main() -> None:
    model = load_pretrained()
    detector = load_detector()
    probe = feature_model(model)
    (x_train, y_train), (x_test, y_test) = load_mnist(verbose=False)
    _, (x_validation, _) = split_validation(x_train, y_train)
    val_digits, _ = validation_set(x_validation, np.random.default_rng(RECIPE["seed"] + 1))
    pen_validation = pen_inputs("digits", "validation")
    val_images = np.concatenate([*(v[..., None] for v in val_digits.values()), pen_validation.strokes,
                                 pen_validation.pixels])  # fmt: skip
    top_validation = probe.predict(val_images, verbose=0)[0].max(axis=1)
    softmax_threshold = threshold_keeping(top_validation, KEEP)

    pen = {kind: pen_inputs(kind, "test") for kind in ("digits", "letters")}
    pen_digits = (np.concatenate([pen["digits"].strokes, pen["digits"].pixels]), np.tile(pen["digits"].labels, 2))
    digits = {**held_out_digits(), "pen-written, test writers": pen_digits,
              "MNIST test digits": (to_model_input(x_test), y_test)}  # fmt: skip
    letters = held_out_letters(np.random.default_rng(RECIPE["seed"] + 2))
    letters["pen-written, test writers"] = (np.concatenate([pen["letters"].strokes, pen["letters"].pixels])[..., 0],
                                            np.tile(pen["letters"].labels, 2))  # fmt: skip
    read = {("digits", name): probe.predict(images, verbose=0) for name, (images, _) in digits.items()}
    read.update(
        {("letters", name): probe.predict(images[..., None], verbose=0) for name, (images, _) in letters.items()}
    )
    uci_probabilities, uci_features = read["digits", "real pen-written digits (UCI)"]
    matched = threshold_keeping(uci_probabilities.max(axis=1), detector.is_digit(uci_features).mean())

    rows = []
    for (kind, name), (probabilities, features) in read.items():
        top = probabilities.max(axis=1)
        kept = [detector.is_digit(features), top >= softmax_threshold, top >= matched]
        if kind == "letters":
            rows.append([f"letters, {name}", "refused", len(top), *(f"{1 - k.mean():.1%}" for k in kept)])
            continue
        rows.append([f"digits, {name}", "kept", len(top), *(f"{k.mean():.1%}" for k in kept)])
        if name.startswith("pen-written"):
            right = probabilities.argmax(axis=1) == digits[name][1]
            rows.append(["  of them kept, read right", "right", "",
                         *(f"{right[k].mean():.1%} of {k.sum():,}" for k in kept)])  # fmt: skip
    shares = {(kind, name): k for (kind, name), (p, f) in read.items() for k in [detector.is_digit(f)]}
    pen_right = read["digits", "pen-written, test writers"][0].argmax(axis=1) == digits["pen-written, test writers"][1]
    pen_kept = shares["digits", "pen-written, test writers"]
    targets = [
        (
            "font letters refused",
            min(1 - shares["letters", n].mean() for n in letters if n != "pen-written, test writers"),
            0.8,
        ),
        ("UCI digits kept", shares["digits", "real pen-written digits (UCI)"].mean(), 0.97),
        ("test writers' letters refused", 1 - shares["letters", "pen-written, test writers"].mean(), 0.95),
        ("test writers' digits kept", pen_kept.mean(), 0.98),
        ("their kept digits read right", pen_right[pen_kept].mean(), 0.99),
    ]
    met = [name for name, share, target in targets if share >= target]
    missed = [f"{name} ({share:.1%}, target {target:.0%})" for name, share, target in targets if share < target]
    verdict = f" The detector meets {len(met)} of these {len(targets)} targets" + (
        f"; it misses: {'; '.join(missed)}." if missed else "."
    )
    report(
        "detector",
        "Is it a digit? The detector on drawings it never saw",
        ["drawings", "share", "count", "detector", "top probability", "top probability, matched"],
        rows,
        "Each column refuses a drawing whose score falls below a threshold. The thresholds of the "
        f'"detector" and "top probability" columns keep {KEEP:.1%} of the validation digits; '
        'that of "top probability, matched" keeps as many UCI digits as the detector. Targets: at '
        "least 80 % of the font letters refused, at least 97 % of the UCI digits kept; on the test "
        "writers (pen-written, each through the stroke and the pixel path), at least 95 % of the letters "
        "refused, 98 % of the digits kept, and 99 % of those kept read right." + verdict,
    )


if __name__ == "__main__":
    main()
