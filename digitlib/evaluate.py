"""Measuring models: accuracy with its uncertainty, confusions, calibration, and robustness to
digits distorted the way people's drawings differ from MNIST."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from digitlib.pen_inputs import CANVAS, rasterize_strokes
from digitlib.startup import quiet_tensorflow_startup
from digitlib.validation import (
    INPUT_SHAPE,
    check_array,
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
    if total < 1 or not 0 <= correct <= total:
        raise ValueError(f"need 0 <= correct <= total and total >= 1, got correct={correct}, total={total}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
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
    canvas[rows, columns] = np.where(
        big[rows.start - top : rows.stop - top, columns.start - left : columns.stop - left], 255, 0
    )
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


# --- handwriting that is not MNIST --------------------------------------------------------

Point = tuple[float, float]


def _loop(cx: float, cy: float, rx: float, ry: float, start: float = 0.0, end: float = 2 * np.pi,
          points: int = 32) -> list[Point]:  # fmt: skip
    """An ellipse (or part of one) drawn clockwise from ``start`` radians (0: the top)."""
    angles = np.linspace(start, end, points)
    return [(cx + rx * float(np.sin(a)), cy - ry * float(np.cos(a))) for a in angles]


def example_strokes() -> dict[int, list[list[Point]]]:
    """One hand-made drawing of each digit, as strokes on a 280x280 canvas, for demos and tests."""
    return {
        0: [_loop(140, 145, 70, 105)],
        1: [[(115, 75), (150, 40), (150, 250)]],
        2: [[(80, 95), (110, 50), (170, 48), (200, 90), (190, 140), (80, 250), (215, 250)]],
        3: [[(80, 60), (190, 60), (125, 130), (190, 170), (185, 230), (130, 255), (75, 230)]],
        4: [[(170, 250), (170, 40), (60, 175), (220, 175)]],
        5: [[(200, 45), (95, 45), (85, 130), (160, 118), (200, 170), (180, 235), (120, 255), (75, 230)]],
        6: [[(185, 45), (120, 85), (88, 170), (100, 240), (160, 252), (195, 200), (170, 150), (110, 150), (88, 195)]],
        7: [[(70, 50), (210, 50), (120, 250)]],
        8: [_loop(140, 88, 45, 45, np.pi, 3 * np.pi), _loop(140, 190, 58, 60)],
        9: [_loop(140, 95, 50, 50, np.pi / 2, 2.5 * np.pi) + [(190, 95), (185, 250)]],
    }


def slanted(strokes, amount: float) -> list[list[Point]]:
    """The strokes leaning right by ``amount`` (the tangent of the angle; negative: left),
    each point moved sideways by ``amount`` times its height above the canvas' middle."""
    return [[(x + amount * (CANVAS / 2 - y), y) for x, y in stroke] for stroke in strokes]


def _narrowed(strokes, factor: float) -> list[list[Point]]:
    return [[(CANVAS / 2 + factor * (x - CANVAS / 2), y) for x, y in stroke] for stroke in strokes]


def rare_styles() -> dict[str, list[tuple[int, list[list[Point]]]]]:
    """Digits written in styles MNIST has few of, as strokes on a 280x280 canvas:
    ``{style: [(digit, strokes), ...]}``."""
    examples = example_strokes()
    return {
        "1 with a flag and a base": [(1, [[(110, 80), (150, 40), (150, 240)], [(105, 240), (195, 240)]])],
        "1 with a long flag": [(1, [[(70, 115), (155, 40), (155, 250)]])],
        "crossed 7": [(7, [[(70, 50), (210, 50), (120, 250)], [(100, 150), (195, 150)]])],
        "4 with an open top": [(4, [[(105, 40), (75, 170), (215, 170)], [(180, 70), (180, 250)]])],
        "0 whose ends overlap": [(0, [_loop(140, 145, 70, 105, -0.4, 2 * np.pi + 0.4, 40)])],
        "0 open at the top": [(0, [_loop(140, 145, 70, 105, 0.7, 2 * np.pi - 0.3, 40)])],
        "slanted 35° right": [(d, slanted(s, np.tan(np.radians(35)))) for d, s in examples.items()],
        "slanted 25° left": [(d, slanted(s, -np.tan(np.radians(25)))) for d, s in examples.items()],
        "narrow (a third as wide)": [(d, _narrowed(s, 1 / 3)) for d, s in examples.items()],
    }


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
    if not candidates:
        raise ValueError(f"no writer wrote at least {at_least} of every digit")
    return min(candidates)[1]


def jittered(strokes, rng: np.random.Generator) -> list[list[Point]]:
    """The same drawing as another hand might make it: resized to 25-85 % of the canvas,
    turned by up to 6°, stretched by up to 10 % either way, moved, and every point
    wobbling by about 2.5 % of the digit's size."""
    points = np.concatenate([np.asarray(s, float) for s in strokes])
    low, high = points.min(axis=0), points.max(axis=0)
    size = rng.uniform(0.25, 0.85) * CANVAS
    angle = np.radians(rng.uniform(-6, 6))
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    stretch = np.diag([rng.uniform(0.9, 1.1), 1.0]) * size / max(high - low)
    half = (high - low) / 2 * size / max(high - low)
    centre = rng.uniform(half + 5, CANVAS - half - 5)
    return [
        [tuple(p) for p in (np.asarray(s, float) - (low + high) / 2) @ (turn @ stretch).T + centre
         + rng.normal(0, 0.025 * size, (len(s), 2))]
        for s in strokes
    ]  # fmt: skip


@dataclass(frozen=True)
class DrawnDigits:
    """Drawings prepared both ways the course prepares them: ``strokes`` (the pad's path,
    :func:`~digitlib.preprocess.strokes_to_mnist`) and ``pixels`` (a canvas image through
    :func:`~digitlib.preprocess.canvas_to_mnist`), each (N, 28, 28, 1) float32;
    ``labels`` (N,) and ``groups`` (N,), the style of each."""

    strokes: np.ndarray
    pixels: np.ndarray
    labels: np.ndarray
    groups: np.ndarray


def rare_style_digits(*, per_style: int = 60, seed: int = 0) -> DrawnDigits:
    """``per_style`` drawings of each of :func:`rare_styles`, each jittered by
    :func:`jittered`, plus the ten example digits drawn with a 2-pixel and a
    40-pixel pen (the pixel path measures the pen; the stroke path ignores it)."""
    from digitlib.preprocess import canvas_to_mnist, strokes_to_mnist

    rng = np.random.default_rng(seed)
    styles = {**rare_styles(), "very thin pen": [*example_strokes().items()],
              "very thick pen": [*example_strokes().items()]}  # fmt: skip
    strokes, pixels, labels, groups = [], [], [], []
    for style, drawings in styles.items():
        pen = {"very thin pen": 2.0, "very thick pen": 40.0}.get(style)
        for index in range(per_style):
            digit, template = drawings[index % len(drawings)]
            drawing = jittered(template, rng)
            width = pen if pen is not None else rng.uniform(8, 24)
            strokes.append(strokes_to_mnist(drawing))
            pixels.append(canvas_to_mnist(rasterize_strokes(drawing, pen=width)))
            labels.append(digit)
            groups.append(style)
    return DrawnDigits(np.stack(strokes)[..., None], np.stack(pixels)[..., None], np.array(labels),
                       np.array(groups))  # fmt: skip


def uci_handwriting() -> tuple[np.ndarray, np.ndarray]:
    """Real handwriting that is not MNIST: scikit-learn's bundled copy of the UCI "optical
    recognition of handwritten digits" test set, 1,797 digits written by 13 people (Alpaydin
    and Kaynak, 1998; of the 43 who took part, 30 wrote the training set and 13 others the test
    set, as ``load_digits().DESCR`` says), prepared like a drawing on the pad.

    Each digit ships as 8x8 counts (0-16) of ink in 4x4 blocks of a 32x32 bitmap; it is
    enlarged by :func:`from_block_counts`.  Returns the model inputs (N, 28, 28, 1) float32
    and the labels (N,).
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    prepared = [from_block_counts(image) for image in digits.images]
    return np.stack(prepared)[..., None], digits.target.astype(np.int64)


def from_block_counts(counts: np.ndarray) -> np.ndarray:
    """An 8x8 image of ink counts (0-16), as the UCI digits are stored, enlarged to 64x64
    (bicubic) and prepared by ``canvas_to_mnist``: a (28, 28) float32 image."""
    from PIL import Image

    from digitlib.preprocess import canvas_to_mnist

    small = Image.fromarray((np.asarray(counts, np.float64) / 16 * 255).astype(np.float32), mode="F")
    big = np.asarray(small.resize((64, 64), Image.Resampling.BICUBIC))
    return canvas_to_mnist(np.clip(big, 0, 255).astype(np.uint8))


def as_block_counts(images: np.ndarray) -> np.ndarray:
    """Images (N, 28, 28) in [0, 1] recorded as the UCI digits were, then prepared like
    them: inked where at least half grey, cropped to the ink and scaled to fill 32x32
    (its longest side), counted in 4x4 blocks (0-16), and enlarged by :func:`from_block_counts`."""
    from PIL import Image

    prepared = []
    for image in check_array(images, name="images", ndim=3):
        ink = image >= 0.5
        rows, columns = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
        if rows.size == 0:
            raise ValueError("an image without ink (no pixel at least half grey) has no block counts")
        crop = ink[rows[0] : rows[-1] + 1, columns[0] : columns[-1] + 1].astype(np.float32)
        side = max(crop.shape)  # a square around the ink keeps its shape
        top, left = (side - crop.shape[0]) // 2, (side - crop.shape[1]) // 2
        crop = np.pad(crop, ((top, side - crop.shape[0] - top), (left, side - crop.shape[1] - left)))
        bitmap = np.asarray(Image.fromarray(crop, mode="F").resize((32, 32), Image.Resampling.NEAREST)) >= 0.5
        prepared.append(from_block_counts(bitmap.reshape(8, 4, 8, 4).sum(axis=(1, 3))))
    return np.stack(prepared)
