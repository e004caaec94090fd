"""Measuring models: accuracy with its uncertainty, confusions, calibration, and robustness to
digits distorted the way people's drawings differ from MNIST."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from digitlib.startup import quiet_tensorflow_startup
from digitlib.validation import (
    check_array,
    check_in_range,
    check_labels,
    check_model_input,
    INPUT_SHAPE,
    check_same_length,
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
    check_in_range(thicken, name="thicken", low=-1, high=1)
    check_in_range(scale, name="scale", low=0.2, high=2.0)
    check_in_range(rotate_degrees, name="rotate_degrees", low=-180, high=180)
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
    if total < 1 or not 0 <= correct <= total:
        raise ValueError(f"need 0 <= correct <= total and total >= 1, got correct={correct}, total={total}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = correct / total
    centre = (p + z**2 / (2 * total)) / (1 + z**2 / total)
    half = z / (1 + z**2 / total) * np.sqrt(p * (1 - p) / total + z**2 / (4 * total**2))
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


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
    if bins < 1:
        raise ValueError(f"bins must be a positive integer, got {bins}")
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
    if kind not in SWEEPS:
        raise ValueError(f"kind must be one of {list(SWEEPS)}, got {kind!r}")
    return np.array([accuracy(model, distort(inputs, **SWEEPS[kind](v)), labels) for v in values])


# --- digits as people draw them ---------------------------------------------------------


def redraw_on_canvas(
    digit: np.ndarray, *, size: float, centre: tuple[float, float], pen: float, canvas_size: int = 280
) -> np.ndarray:
    """An MNIST digit drawn again on a black ``canvas_size`` square canvas: its longest side
    ``size`` pixels, centred at ``centre`` = (x, y), with strokes ``pen`` pixels wide."""
    from PIL import Image

    from digitlib.preprocess import DIGIT_BOX, set_stroke_width

    digit = check_array(digit, name="digit (an MNIST digit)", shape=INPUT_SHAPE[:2], dtype=np.uint8)
    if not 4 <= size <= canvas_size or pen <= 0:
        raise ValueError(f"size must be between 4 and {canvas_size} and pen positive, got size={size}, pen={pen}")
    factor = size / DIGIT_BOX
    side = max(1, round(28 * factor))
    big = np.asarray(Image.fromarray(digit).resize((side, side), Image.Resampling.BILINEAR)) >= 128
    big = set_stroke_width(big, pen)
    canvas = np.zeros((canvas_size, canvas_size), np.uint8)
    top, left = round(centre[1] - big.shape[0] / 2), round(centre[0] - big.shape[1] / 2)
    rows = slice(max(top, 0), min(top + big.shape[0], canvas_size))
    columns = slice(max(left, 0), min(left + big.shape[1], canvas_size))
    canvas[rows, columns] = np.where(big[rows.start - top : rows.stop - top, columns.start - left : columns.stop - left], 255, 0)
    return canvas


def random_redraws(digits: np.ndarray, rng: np.random.Generator, canvas_size: int = 280) -> list[np.ndarray]:
    """Each digit redrawn at a random size (15 % to 65 % of the canvas), a random place where it
    fits, and a random pen (3 % to 20 % of the digit's size, at least 2 px)."""
    canvases = []
    for digit in digits:
        size = rng.uniform(0.15, 0.65) * canvas_size
        pen = max(2.0, rng.uniform(0.03, 0.2) * size)
        half = (size + pen) / 2 * 1.2  # room for the digit's width and the pen
        centre = rng.uniform(half, max(half, canvas_size - half), size=2)
        canvases.append(redraw_on_canvas(digit, size=size, centre=tuple(centre), pen=pen, canvas_size=canvas_size))
    return canvases


def naive_resize(canvas: np.ndarray) -> np.ndarray:
    """The original demo's preprocessing: the whole canvas shrunk to 28x28, nothing else."""
    from PIL import Image

    canvas = check_array(canvas, name="canvas", ndim=2, dtype=np.uint8)
    small = Image.fromarray(canvas).resize(INPUT_SHAPE[:2], Image.Resampling.BOX)
    return np.asarray(small, dtype=np.float32) / 255
