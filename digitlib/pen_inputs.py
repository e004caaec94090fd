"""Real handwriting as the pad's model sees it: pen-written characters prepared both ways the pad
prepares a drawing, and UCI's digits written on paper, prepared the pixel way.

The pad turns a drawing into an MNIST-like digit either from the strokes it recorded
(:func:`~digitlib.preprocess.strokes_to_mnist`) or from the canvas' pixels
(:func:`~digitlib.preprocess.canvas_to_mnist`).  A UNIPEN character (:mod:`digitlib.unipen`)
goes both ways here: its strokes as the tablet recorded them, and the same strokes drawn on a
280-pixel canvas, at a random size and place, with a random pen of 8 to 24 pixels (the pad's
own pen is 18 px wide; the rare styles use the same range).

The UCI digits (:func:`uci_handwriting`) were written on paper and scanned, so they have no
strokes: only the pixel path can prepare them.

Preparing a few thousand characters takes tens of seconds, so :func:`pen_inputs` keeps what it
made in the user's cache (``$DIGITLIB_DATA_DIR`` or ``~/.cache/digitlib``), never in the source
tree, keyed by what it was made from.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitlib.data import default_cache_path
from digitlib.preprocess import canvas_to_mnist, from_block_counts, strokes_to_mnist
from digitlib.unipen import ARRAY_SHA256, SPLITS, PenCharacters, load_pen_characters
from digitlib.validation import check_choice

#: The side of the square canvas drawings are drawn on, in pixels (the pad's canvas).
CANVAS = 280
#: The range of pen widths, in pixels, the pixel path draws real strokes with.
PEN_WIDTHS = (8.0, 24.0)
#: The range of a character's longest side on the canvas, as a share of the canvas.
SIZES = (0.4, 0.85)
#: Bump when the way characters are prepared changes: caches made before are then ignored.
PREPARATION_VERSION = 1


def rasterize_strokes(strokes, *, pen: float, size: int = CANVAS) -> np.ndarray:
    """Strokes drawn on a black ``size`` square canvas with a white pen ``pen`` pixels
    wide, round at the ends: a uint8 image, as a browser canvas would hold it."""
    from PIL import Image, ImageDraw

    canvas = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(canvas)
    radius = pen / 2
    for stroke in strokes:
        if len(stroke) > 1:
            draw.line([tuple(p) for p in stroke], fill=255, width=max(1, round(pen)), joint="curve")
        for x, y in (stroke[0], stroke[-1]):
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    return np.asarray(canvas)


def on_canvas(strokes: list[np.ndarray], rng: np.random.Generator, size: int = CANVAS) -> list[np.ndarray]:
    """A pen character moved onto a ``size`` square canvas as a reader might draw it: its
    longest side a random share (:data:`SIZES`) of the canvas, its shape kept, at a random
    place where it fits."""
    points = np.concatenate(strokes)
    low, extent = points.min(axis=0), points.max(axis=0) - points.min(axis=0)
    factor = rng.uniform(*SIZES) * size / max(float(extent.max()), 1e-9)
    room = size - extent * factor - 2 * PEN_WIDTHS[1]
    corner = PEN_WIDTHS[1] + rng.uniform(0, 1, 2) * np.maximum(room, 0)
    return [(stroke - low) * factor + corner for stroke in strokes]


@dataclass(frozen=True)
class PenInputs:
    """Pen characters prepared both ways, each (N, 28, 28, 1) float32 in [0, 1]:
    ``strokes`` through the pad's stroke path and ``pixels`` drawn on a canvas through the
    pixel path; ``labels`` (N,) and ``writers`` (N,) as in
    :class:`~digitlib.unipen.PenCharacters`, and ``pens`` (N,) the pen width of each canvas."""

    strokes: np.ndarray
    pixels: np.ndarray
    labels: np.ndarray
    writers: np.ndarray
    pens: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)


def prepare(characters: PenCharacters, *, seed: int = 0) -> PenInputs:
    """Prepare ``characters`` both ways; ``seed`` draws each canvas' size, place and pen."""
    rng = np.random.default_rng(seed)
    strokes, pixels, pens = [], [], []
    for character in characters.strokes:
        pen = rng.uniform(*PEN_WIDTHS)
        strokes.append(strokes_to_mnist(character))
        pixels.append(canvas_to_mnist(rasterize_strokes(on_canvas(character, rng), pen=pen)))
        pens.append(pen)
    return PenInputs(
        np.stack(strokes)[..., None],
        np.stack(pixels)[..., None],
        characters.labels,
        characters.writers,
        np.array(pens, np.float32),
    )


def _cache_file(kind: str, split: str, seed: int) -> Path:
    key = hashlib.sha256(repr((sorted(ARRAY_SHA256.items()), PREPARATION_VERSION, CANVAS, PEN_WIDTHS, SIZES))
                         .encode()).hexdigest()[:12]  # fmt: skip
    return default_cache_path().with_name(f"pen_{kind}_{split}_seed{seed}_{key}.npz")


def pen_inputs(kind: str = "digits", split: str = "test", *, seed: int = 0) -> PenInputs:
    """One side of the writers' split (:data:`~digitlib.unipen.SPLITS`) of the shipped pen
    ``kind`` (``"digits"`` or ``"letters"``), prepared both ways by :func:`prepare` and cached.

    A damaged cache file is made again; nothing in it is unpickled.
    """
    check_choice(split, name="split", choices=SPLITS)
    path = _cache_file(kind, split, seed)
    fields = list(PenInputs.__dataclass_fields__)
    try:
        with np.load(path, allow_pickle=False) as npz:
            return PenInputs(**{name: npz[name] for name in fields})
    except (OSError, ValueError, KeyError):
        pass  # not made yet, or damaged: make it again
    inputs = prepare(load_pen_characters(kind, split), seed=seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + f".{os.getpid()}.tmp.npz")
    np.savez(partial, **{name: getattr(inputs, name) for name in fields})
    partial.replace(path)
    return inputs


def uci_handwriting() -> tuple[np.ndarray, np.ndarray]:
    """Real handwriting that is not MNIST: scikit-learn's bundled copy of the UCI "optical
    recognition of handwritten digits" test set, 1,797 digits written by 13 people (Alpaydin
    and Kaynak, 1998; of the 43 who took part, 30 wrote the training set and 13 others the test
    set, as ``load_digits().DESCR`` says), prepared like a drawing on the pad.

    Each digit ships as 8x8 counts (0-16) of ink in 4x4 blocks of a 32x32 bitmap; it is
    enlarged by :func:`~digitlib.preprocess.from_block_counts`.  Returns the model inputs
    (N, 28, 28, 1) float32 and the labels (N,).
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    prepared = [from_block_counts(image) for image in digits.images]
    return np.stack(prepared)[..., None], digits.target.astype(np.int64)
