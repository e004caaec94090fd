"""Measuring models: accuracy with its uncertainty, confusions, calibration, and robustness to
digits distorted the way people's drawings differ from MNIST."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from digitlib.startup import quiet_tensorflow_startup


def _check_inputs(inputs: np.ndarray) -> np.ndarray:
    inputs = np.asarray(inputs)
    if inputs.ndim != 4 or inputs.shape[1:] != (28, 28, 1) or inputs.dtype != np.float32:
        raise ValueError(
            f"inputs must be float32 of shape (N, 28, 28, 1), as to_model_input returns; "
            f"got {inputs.dtype} of shape {inputs.shape}"
        )
    return inputs


def distort(
    inputs: np.ndarray,
    *,
    shift: tuple[int, int] = (0, 0),
    rotate_degrees: float = 0.0,
    scale: float = 1.0,
    thicken: float = 0.0,
) -> np.ndarray:
    """The same digits moved by ``shift`` = (down, right) pixels, turned anticlockwise by
    ``rotate_degrees``, resized by ``scale`` about the image centre (borders fill with black),
    and with strokes made thicker (``thicken`` up to 1: a full 3x3 grey dilation) or thinner
    (down to -1: a full grey erosion)."""
    with quiet_tensorflow_startup():
        import keras

    inputs = _check_inputs(inputs)
    if not -1 <= thicken <= 1:
        raise ValueError(f"thicken must be between -1 and 1, got {thicken}")
    if not 0.2 <= scale <= 2.0:
        raise ValueError(f"scale must be between 0.2 and 2.0, got {scale}")
    if not -180 <= rotate_degrees <= 180:
        raise ValueError(f"rotate_degrees must be between -180 and 180, got {rotate_degrees}")
    steps = []
    if scale != 1.0:
        zoom = 1.0 / scale - 1.0  # Keras: a positive zoom factor zooms out (the digit shrinks)
        steps.append(keras.layers.RandomZoom((zoom, zoom), fill_mode="constant", interpolation="bilinear"))
    if rotate_degrees:
        turn = rotate_degrees / 360.0
        steps.append(keras.layers.RandomRotation((turn, turn), fill_mode="constant"))
    if shift != (0, 0):
        down, right = (float(v) / 28 for v in shift)
        steps.append(keras.layers.RandomTranslation((down, down), (right, right), fill_mode="constant"))
    out = inputs
    for step in steps:
        out = step(out, training=True)  # the factors are fixed, so "random" layers act deterministically
    if thicken:
        sign = 1 if thicken > 0 else -1
        target = sign * keras.ops.max_pool(sign * out, 3, strides=1, padding="same")
        out = out + abs(thicken) * (target - out)
    return np.clip(np.asarray(out, dtype=np.float32), 0.0, 1.0)


def accuracy(model, inputs: np.ndarray, labels: np.ndarray, *, batch_size: int = 500) -> float:
    """Share of ``inputs`` whose most probable class under ``model`` equals ``labels``."""
    inputs = _check_inputs(inputs)
    labels = np.asarray(labels)
    if labels.shape != (len(inputs),):
        raise ValueError(f"labels must have shape ({len(inputs)},), one per input, got {labels.shape}")
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
    labels, predictions = np.asarray(labels), np.asarray(predictions)
    if labels.ndim != 1 or labels.shape != predictions.shape or labels.size == 0:
        raise ValueError(
            f"labels and predictions must be 1-D arrays of the same non-zero length, got shapes "
            f"{labels.shape} and {predictions.shape}"
        )
    return labels, predictions


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray) -> np.ndarray:
    """10x10 counts: row = true digit, column = predicted digit (scikit-learn's convention)."""
    from sklearn.metrics import confusion_matrix as sklearn_confusion_matrix

    labels, predictions = _check_labels_and_predictions(labels, predictions)
    return sklearn_confusion_matrix(labels, predictions, labels=np.arange(10))


def most_confused_pairs(matrix: np.ndarray, count: int = 5) -> list[tuple[int, int, int]]:
    """The ``count`` largest off-diagonal cells as (true digit, predicted digit, how often)."""
    matrix = np.asarray(matrix)
    if matrix.shape != (10, 10):
        raise ValueError(f"matrix must be a 10x10 confusion matrix, got shape {matrix.shape}")
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
    probabilities, labels = np.asarray(probabilities), np.asarray(labels)
    if probabilities.ndim != 2 or probabilities.shape[1] != 10 or probabilities.shape[0] != len(labels):
        raise ValueError(
            f"probabilities must have shape (N, 10) with N = len(labels) = {len(labels)}, got {probabilities.shape}"
        )
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
    from scipy import ndimage

    from digitlib.preprocess import DIGIT_BOX, stroke_width

    digit = np.asarray(digit)
    if digit.shape != (28, 28) or digit.dtype != np.uint8:
        raise ValueError(f"digit must be a uint8 MNIST digit of shape (28, 28), got {digit.dtype} {digit.shape}")
    if not 4 <= size <= canvas_size or pen <= 0:
        raise ValueError(f"size must be between 4 and {canvas_size} and pen positive, got size={size}, pen={pen}")
    factor = size / DIGIT_BOX
    side = max(1, round(28 * factor))
    big = np.asarray(Image.fromarray(digit).resize((side, side), Image.Resampling.BILINEAR)) >= 128
    width = stroke_width(big)
    margin = int(np.ceil(max(pen - width, 0) / 2)) + 1
    big = np.pad(big, margin)
    if width > pen:
        thinner = ndimage.distance_transform_edt(big) > (width - pen) / 2
        big = thinner if thinner.any() else big
    else:
        big = ndimage.distance_transform_edt(~big) <= (pen - width) / 2
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

    canvas = np.asarray(canvas)
    if canvas.ndim != 2 or canvas.dtype != np.uint8:
        raise ValueError(f"canvas must be a 2-D uint8 image, got {canvas.dtype} of shape {canvas.shape}")
    small = Image.fromarray(canvas).resize((28, 28), Image.Resampling.BOX)
    return np.asarray(small, dtype=np.float32) / 255
