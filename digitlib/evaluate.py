"""Measuring models: accuracy with its uncertainty, paired comparisons, the writers a model
serves, confusions, calibration, and robustness to digits distorted the way people's drawings
differ from MNIST."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from digitlib.startup import quiet_tensorflow_startup
from digitlib.validation import (
    check_array,
    check_choice,
    check_labels,
    check_model_input,
    check_same_length,
    check_scalar,
)


def distort(
    inputs: np.ndarray,
    *,
    shift: tuple[int, int] = (0, 0),
    rotate_degrees: float = 0.0,
    scale: float = 1.0,
    thicken: float = 0.0,
) -> np.ndarray:
    """The same digits resized by ``scale`` and turned anticlockwise by ``rotate_degrees``
    about the image centre, moved by ``shift`` = (down, right) pixels (in one
    interpolation, with :func:`digitlib.models.affine_transforms`; borders fill with
    black), and with strokes made thicker (``thicken`` up to 1: a full 3x3 grey
    dilation) or thinner (down to -1: a full grey erosion)."""
    with quiet_tensorflow_startup():
        import keras

    from digitlib.models import affine_transforms, change_stroke_width

    inputs = check_model_input(inputs)
    check_scalar(thicken, name="thicken", low=-1, high=1)
    check_scalar(scale, name="scale", low=0.2, high=2.0)
    check_scalar(rotate_degrees, name="rotate_degrees", low=-180, high=180)
    out = inputs
    if shift != (0, 0) or rotate_degrees or scale != 1.0:
        each = [np.full(len(inputs), v, np.float32) for v in
                (rotate_degrees, 0.0, scale - 1, scale - 1, *shift)]  # fmt: skip
        out = keras.ops.image.affine_transform(out, affine_transforms(*each), fill_mode="constant")
    if thicken:
        out = change_stroke_width(out, thicken)
    return np.clip(np.asarray(out, dtype=np.float32), 0.0, 1.0)


def accuracy(model, inputs: np.ndarray, labels: np.ndarray, *, batch_size: int = 500) -> float:
    """Share of ``inputs`` whose most probable class under ``model`` equals ``labels``."""
    inputs = check_model_input(inputs)
    check_same_length(inputs=inputs, labels=check_labels(labels))
    predictions = model.predict(inputs, batch_size=batch_size, verbose=0).argmax(axis=1)
    return float(np.mean(predictions == labels))


def accuracy_interval(correct: int, total: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for an accuracy of ``correct`` out of ``total``."""
    check_scalar(total, name="total", kind="integer", low=1)
    check_scalar(correct, name="correct", kind="integer", low=0, high=total)
    check_scalar(confidence, name="confidence", low=0, high=1, closed="neither")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = correct / total
    centre = (p + z**2 / (2 * total)) / (1 + z**2 / total)
    half = z / (1 + z**2 / total) * np.sqrt(p * (1 - p) / total + z**2 / (4 * total**2))
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


@dataclass(frozen=True)
class PairedComparison:
    """Two models on the same digits: ``only_first`` digits only the first got right,
    ``only_second`` only the second, and McNemar's exact two-sided ``p_value``."""

    only_first: int
    only_second: int
    p_value: float


def mcnemar(correct_first: np.ndarray, correct_second: np.ndarray) -> PairedComparison:
    """McNemar's exact test on two models' right (True) and wrong answers to the same digits.

    Only the digits on which they disagree count: if neither model were better, each of
    those would be equally likely to favour either, and the p-value says how surprising
    the split is under that assumption (a binomial test with probability 1/2).
    """
    from scipy.stats import binomtest

    first = check_array(correct_first, name="correct_first", ndim=1, dtype=bool)
    second = check_array(correct_second, name="correct_second", ndim=1, dtype=bool)
    check_same_length(correct_first=first, correct_second=second)
    only_first, only_second = int(np.sum(first & ~second)), int(np.sum(~first & second))
    disagreements = only_first + only_second
    p_value = 1.0 if disagreements == 0 else binomtest(only_first, disagreements, 0.5).pvalue
    return PairedComparison(only_first, only_second, float(p_value))


@dataclass(frozen=True)
class WritersServed:
    """Writers of at least ``min_digits`` digits, by name: how many ``digits`` each wrote, how
    many of them were read wrong (``errors``) and whether the writer was ``served``."""

    writers: np.ndarray
    digits: np.ndarray
    errors: np.ndarray
    served: np.ndarray


def errors_allowed(digits: np.ndarray) -> np.ndarray:
    """A writer of ``digits`` digits is served with at most one wrong in 20, rounded up, one
    slip always forgiven: max(1, ceil(digits / 20))."""
    return np.maximum(1, np.ceil(np.asarray(digits) / 20)).astype(int)


def writers_served(right: np.ndarray, writers: np.ndarray, *, min_digits: int = 10) -> WritersServed:
    """Which writers a model serves, from whether it read each of their digits right
    (``right``, bool) and who wrote each (``writers``); writers of fewer than ``min_digits``
    digits are left out (too few to tell)."""
    check_same_length(right=right, writers=writers)
    right = np.asarray(right, dtype=bool)
    names, index, digits = np.unique(writers, return_inverse=True, return_counts=True)
    errors = np.bincount(index, weights=~right, minlength=len(names)).astype(int)
    kept = digits >= min_digits
    return WritersServed(names[kept], digits[kept], errors[kept], errors[kept] <= errors_allowed(digits[kept]))


def worst_read_writer(model, digits, *, at_least: int = 3) -> str:
    """The writer of ``digits`` (:class:`~digitlib.pen_inputs.PenInputs`) who wrote at
    least ``at_least`` of every digit and whose digits ``model`` reads worst: the fewest
    read right, both paths together, as a share of the writer's digits (ties by name)."""
    right = sum(
        model.predict(getattr(digits, path), batch_size=500, verbose=0).argmax(axis=1) == digits.labels
        for path in ("strokes", "pixels")
    )
    candidates = []
    for writer in sorted(set(digits.writers)):
        mine = digits.writers == writer
        if np.bincount(digits.labels[mine], minlength=10).min() >= at_least:
            candidates.append((float(right[mine].mean()), writer))
    check_scalar(len(candidates), name=f"the number of writers with at least {at_least} of every digit", low=1)
    return min(candidates)[1]


def _check_labels_and_predictions(labels: np.ndarray, predictions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    labels = check_labels(labels)
    predictions = check_labels(predictions, name="predictions")
    check_same_length(labels=labels, predictions=predictions)
    return labels, predictions


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray) -> np.ndarray:
    """10x10 counts: row = true digit, column = predicted digit (scikit-learn's convention)."""
    from sklearn.metrics import confusion_matrix as sklearn_confusion_matrix

    labels, predictions = _check_labels_and_predictions(labels, predictions)
    return sklearn_confusion_matrix(labels, predictions, labels=np.arange(10))


def most_confused_pairs(matrix: np.ndarray, count: int = 5) -> list[tuple[int, int, int]]:
    """The ``count`` largest off-diagonal cells as (true digit, predicted digit, how often)."""
    matrix = check_array(matrix, name="matrix (a 10x10 confusion matrix)", shape=(10, 10))
    off_diagonal = [(int(matrix[t, p]), t, p) for t in range(10) for p in range(10) if t != p and matrix[t, p]]
    return [(t, p, n) for n, t, p in sorted(off_diagonal, key=lambda cell: (-cell[0], cell[1], cell[2]))[:count]]


def per_class_report(labels: np.ndarray, predictions: np.ndarray):
    """Precision, recall, F1 and support of each digit (scikit-learn's metrics) as a pandas DataFrame."""
    import pandas as pd
    from sklearn.metrics import precision_recall_fscore_support

    labels, predictions = _check_labels_and_predictions(labels, predictions)
    precision, recall, f1, support = precision_recall_fscore_support(
        labels, predictions, labels=np.arange(10), zero_division=0
    )
    return pd.DataFrame(
        {"precision": precision, "recall": recall, "f1": f1, "support": support},
        index=pd.Index(np.arange(10), name="digit"),
    )


@dataclass(frozen=True)
class Calibration:
    """Confidence (the top probability) against accuracy, in equal-width confidence bins."""

    bin_edges: np.ndarray  # (bins + 1,)
    confidence: np.ndarray  # mean confidence per bin (NaN for an empty bin)
    accuracy: np.ndarray  # accuracy per bin (NaN for an empty bin)
    counts: np.ndarray  # digits per bin
    expected_calibration_error: float  # sum over bins of |accuracy - confidence| weighted by count


def calibration(probabilities: np.ndarray, labels: np.ndarray, bins: int = 10) -> Calibration:
    """Reliability of a model's confidence over all given digits (the expected calibration error)."""
    labels = check_labels(labels)
    probabilities = check_array(probabilities, name="probabilities", shape=(len(labels), 10))
    check_scalar(bins, name="bins", kind="integer", low=1)
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == labels
    edges = np.linspace(0, 1, bins + 1)
    index = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    counts = np.bincount(index, minlength=bins)
    with np.errstate(invalid="ignore"):
        mean_confidence = np.bincount(index, weights=confidence, minlength=bins) / counts
        bin_accuracy = np.bincount(index, weights=correct, minlength=bins) / counts
    gaps = np.where(counts > 0, np.abs(bin_accuracy - mean_confidence), 0.0)
    return Calibration(edges, mean_confidence, bin_accuracy, counts, float(np.sum(gaps * counts) / len(labels)))


#: The distortions a robustness sweep can vary, with the argument of :func:`distort` each sets.
SWEEPS = {
    "shift (pixels right)": lambda v: {"shift": (0, int(v))},
    "rotation (degrees)": lambda v: {"rotate_degrees": float(v)},
    "scale (digit size)": lambda v: {"scale": float(v)},
    "stroke (thinner < 0 < thicker)": lambda v: {"thicken": float(v)},
}


def robustness_sweep(model, inputs: np.ndarray, labels: np.ndarray, kind: str, values) -> np.ndarray:
    """Accuracy of ``model`` on ``inputs`` distorted by each of ``values`` of one ``kind`` in SWEEPS."""
    check_choice(kind, name="kind", choices=SWEEPS)
    return np.array([accuracy(model, distort(inputs, **SWEEPS[kind](v)), labels) for v in values])
