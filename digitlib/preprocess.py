"""Turn raw digits into what the networks expect, and measure where the ink is."""

from __future__ import annotations

import numpy as np

from digitlib.startup import quiet_tensorflow_startup
from digitlib.validation import (
    IMAGE_SIZE,
    check_array,
    check_choice,
    check_inked,
    check_pixels,
    check_same_length,
    check_scalar,
    check_sequence,
)


def to_model_input(images: np.ndarray) -> np.ndarray:
    """Scale uint8 digits ``(N, 28, 28)`` to float32 in [0, 1] and add the channel axis: ``(N, 28, 28, 1)``."""
    images = check_pixels(images)
    check_array(images, name="images", shape=(None, IMAGE_SIZE, IMAGE_SIZE))
    return (images.astype(np.float32) / 255.0)[..., np.newaxis]


def centers_of_mass(images: np.ndarray) -> np.ndarray:
    """Centre of mass of each image's ink as ``(row, column)`` in pixel-index coordinates: ``(N, 2)``.

    Rows and columns are numbered from 0, so the middle of a 28x28 image is (13.5, 13.5).
    """
    images = check_array(images, name="images (amounts of ink)", ndim=3, low=0)
    images = check_inked(images).astype(np.float64)
    ink = images.sum(axis=(1, 2))
    rows = (images.sum(axis=2) * np.arange(images.shape[1])).sum(axis=1) / ink
    columns = (images.sum(axis=1) * np.arange(images.shape[2])).sum(axis=1) / ink
    return np.stack([rows, columns], axis=1)


def ink_bounding_boxes(images: np.ndarray) -> np.ndarray:
    """The smallest box around each image's ink, as ``(top, left, height, width)`` in pixels: ``(N, 4)``."""
    ink = check_inked(images) > 0
    rows, columns = ink.any(axis=2), ink.any(axis=1)
    top, left = rows.argmax(axis=1), columns.argmax(axis=1)
    height = rows.shape[1] - rows[:, ::-1].argmax(axis=1) - top
    width = columns.shape[1] - columns[:, ::-1].argmax(axis=1) - left
    return np.stack([top, left, height, width], axis=1)


def make_dataset(
    images: np.ndarray, labels: np.ndarray, *, batch_size: int = 128, shuffle: bool = False, seed: int = 0
):
    """A ``tf.data`` pipeline over model inputs and labels: optionally shuffled, batched, prefetched."""
    with quiet_tensorflow_startup():
        import tensorflow as tf

    check_same_length(images=images, labels=labels)
    check_scalar(batch_size, name="batch_size", kind="integer", low=1)
    dataset = tf.data.Dataset.from_tensor_slices((images, labels))
    if shuffle:
        dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)


# --- drawings: from a canvas to what MNIST looks like --------------------------------

#: MNIST's recipe: the longest side of the ink fits 20 pixels, in a 28x28 image, with the
#: centre of mass at (14, 14) in pixel-index coordinates (see "Exploring the digits").
DIGIT_BOX = 20
CENTRE = 14.0
#: Stroke width of MNIST's digits, in pixels of the 28x28 image.
MNIST_STROKE = 2.8


class EmptyDrawingError(ValueError):
    """The drawing holds no ink, so there is no digit to recognise."""


def _grey_drawing(image: np.ndarray) -> np.ndarray:
    image = check_array(image, name="the drawing (white ink on black)", dtype=np.uint8, ndim=(2, 3))
    if image.ndim == 2:
        grey = image.astype(np.float32)
    else:
        check_choice(image.shape[2], name="the drawing's channels (3: RGB, 4: RGBA)", choices=(3, 4))
        grey = image[..., :3].astype(np.float32) @ np.array([0.299, 0.587, 0.114], np.float32)
        if image.shape[2] == 4:  # transparent pixels hold no ink
            grey *= image[..., 3] / np.float32(255)
    height, width = grey.shape
    check_scalar(min(height, width), name=f"the shorter side of the drawing ({height}x{width} pixels)", low=IMAGE_SIZE)
    return grey / 255


def stroke_width(mask: np.ndarray) -> float:
    """Typical width in pixels of the strokes in a boolean ink mask (1 for a one-pixel line)."""
    from scipy import ndimage

    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        raise EmptyDrawingError("the mask holds no ink")
    depth = ndimage.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1]
    ridge = mask & (depth >= ndimage.maximum_filter(depth, size=3))  # the middle of each stroke
    return float(2 * np.median(depth[ridge]) - 1)


def set_stroke_width(mask: np.ndarray, width: float) -> np.ndarray:
    """The strokes of a boolean ink ``mask`` redrawn ``width`` pixels wide.

    A fat pen keeps the middle of each stroke; a thin pen has every stroke widened
    (the mask grows by a margin on each side for that).  The one place where the
    course thickens or thins strokes drawn as masks.
    """
    from scipy import ndimage

    mask = check_array(mask, name="mask", ndim=2, dtype=bool)
    now = stroke_width(mask)
    if now > width:  # keep the middle of each stroke
        depth = ndimage.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1]
        thinner = depth > (now - width) / 2
        return thinner if thinner.any() else mask
    margin = int(np.ceil(max(width - now, 0) / 2)) + 1
    return ndimage.distance_transform_edt(~np.pad(mask, margin)) <= (width - now) / 2


def _fit_and_centre(ink: np.ndarray) -> np.ndarray:
    """Scale cropped ink (values in [0, 1]) so its longest side is 20 px, anti-aliased, and place it
    in 28x28 with its centre of mass at (14, 14), as MNIST did (to a fraction of a pixel here, so
    that a drawing's prediction does not jump as its centre crosses a pixel boundary)."""
    from PIL import Image
    from scipy import ndimage

    height, width = ink.shape
    factor = DIGIT_BOX / max(height, width)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    method = Image.Resampling.BOX if factor < 1 else Image.Resampling.BILINEAR
    small = np.asarray(Image.fromarray(ink.astype(np.float32), mode="F").resize(size, method), dtype=np.float32)
    small = np.clip(small, 0, 1)
    out = np.zeros((IMAGE_SIZE, IMAGE_SIZE), np.float32)
    top, left = (IMAGE_SIZE - small.shape[0]) // 2, (IMAGE_SIZE - small.shape[1]) // 2
    out[top : top + small.shape[0], left : left + small.shape[1]] = small
    offset = CENTRE - np.array(ndimage.center_of_mass(out))
    offset = np.clip(offset, [-top, -left], [IMAGE_SIZE - top - small.shape[0], IMAGE_SIZE - left - small.shape[1]])
    return np.clip(ndimage.shift(out, offset, order=1, mode="constant"), 0, 1).astype(np.float32)


def _crop(mask: np.ndarray) -> tuple[slice, slice]:
    rows, columns = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return slice(rows[0], rows[-1] + 1), slice(columns[0], columns[-1] + 1)


def canvas_to_mnist(image: np.ndarray) -> np.ndarray:
    """Turn a drawing into what an MNIST digit looks like: a (28, 28) float32 array in [0, 1].

    ``image``: uint8 of shape (H, W), (H, W, 3) or (H, W, 4), at least 28x28, white ink on black.
    Crops to the ink, redraws the strokes at MNIST's width (so thin and fat pens give the same
    digit), fits the longest side into 20 px with anti-aliasing, and centres the result by its
    centre of mass in 28x28.  Raises :class:`EmptyDrawingError` for a drawing without ink.
    """
    grey = _grey_drawing(image)
    if grey.max() == 0:
        raise EmptyDrawingError("the drawing is empty: draw a digit first")
    mask = grey >= 0.5 * grey.max()
    mask = mask[_crop(mask)]
    scale = DIGIT_BOX / max(mask.shape)  # from drawing pixels to MNIST pixels
    target = MNIST_STROKE / scale  # MNIST's stroke width, in drawing pixels
    mask = set_stroke_width(mask, target)
    return _fit_and_centre(mask[_crop(mask)].astype(np.float32))


def naive_resize(canvas: np.ndarray) -> np.ndarray:
    """The original demo's preprocessing: the whole canvas shrunk to 28x28, nothing else."""
    from PIL import Image

    canvas = check_array(canvas, name="canvas", ndim=2, dtype=np.uint8)
    small = Image.fromarray(canvas).resize((IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.BOX)
    return np.asarray(small, dtype=np.float32) / 255


#: A point of a drawing: (x, y), in canvas pixels or a tablet's units.
Point = tuple[float, float]

#: The largest coordinate a drawing may have, in its own units: room for any canvas, and for
#: pen tablets' units (UNIPEN's reach about 17,000), but not for numbers that are no drawing.
MAX_COORDINATE = 1_000_000


def check_strokes(strokes) -> list[np.ndarray]:
    """The strokes of a drawing as ``(n, 2)`` arrays of (x, y) points, empty ones left out.

    Raises ``ValueError`` for strokes that are not a list of sequences of (x, y) points with
    finite numeric coordinates of at most :data:`MAX_COORDINATE` in size, and
    :class:`EmptyDrawingError` when no stroke has a point.  The pad, the drawings file and
    :func:`strokes_to_mnist` all check drawings with it.
    """
    check_sequence(strokes, name="strokes", of="strokes")
    checked = []
    for index, stroke in enumerate(strokes):
        name = f"stroke {index} (a sequence of (x, y) points)"
        points = check_array(check_sequence(stroke, name=name, of="points"), name=name, dtype="number", non_empty=False)
        if points.size == 0:
            continue
        points = check_array(points.astype(np.float64), name=name, shape=(None, 2), finite=True)
        check_scalar(
            float(np.abs(points).max()), name=f"the largest coordinate (in size) of {name}", high=MAX_COORDINATE
        )
        checked.append(points)
    if not checked:
        raise EmptyDrawingError("the drawing is empty: draw a digit first")
    return checked


def strokes_to_mnist(strokes, *, supersample: int = 8) -> np.ndarray:
    """Redraw recorded pen strokes as an MNIST digit: a (28, 28) float32 array in [0, 1].

    ``strokes``: a list of strokes, each a sequence of (x, y) points in any pixel coordinates.
    The strokes are scaled so the digit's longest side is 20 px and redrawn with MNIST's
    stroke width (2.8 px) at ``supersample`` times the resolution, then averaged down
    (anti-aliasing) and centred by centre of mass.  Whatever pen drew them, size and position
    no longer matter.  Raises :class:`EmptyDrawingError` when there is no point at all.
    """
    from PIL import Image, ImageDraw

    points = check_strokes(strokes)
    everything = np.concatenate(points)
    low = everything.min(axis=0)
    extent = float((everything.max(axis=0) - low).max())
    pen = MNIST_STROKE * supersample
    box = DIGIT_BOX * supersample
    factor = (box - pen) / extent if extent > 0 else 0.0
    size = np.ceil((everything.max(axis=0) - low) * factor + pen).astype(int) + 1
    canvas = Image.new("L", (int(size[0]), int(size[1])), 0)
    draw = ImageDraw.Draw(canvas)
    radius = pen / 2
    for stroke in points:
        xy = (stroke - low) * factor + radius
        if len(xy) > 1:
            draw.line(xy.ravel().tolist(), fill=255, width=round(pen))
        for x, y in xy:  # round caps and joints (PIL's own curved joints are slow)
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    ink = np.asarray(canvas, dtype=np.float32) / 255
    return _fit_and_centre(ink[_crop(ink > 0)])


# --- drawings recorded as UCI's digits were: ink counted in 4x4 blocks ---------------


def from_block_counts(counts: np.ndarray) -> np.ndarray:
    """An 8x8 image of ink counts (0-16), as the UCI digits are stored, enlarged to 64x64
    (bicubic) and prepared by ``canvas_to_mnist``: a (28, 28) float32 image."""
    from PIL import Image

    small = Image.fromarray((np.asarray(counts, np.float64) / 16 * 255).astype(np.float32), mode="F")
    big = np.asarray(small.resize((64, 64), Image.Resampling.BICUBIC))
    return canvas_to_mnist(np.clip(big, 0, 255).astype(np.uint8))


def as_block_counts(images: np.ndarray) -> np.ndarray:
    """Images (N, 28, 28) in [0, 1] recorded as the UCI digits were, then prepared like
    them: inked where at least half grey, cropped to the ink and scaled to fill 32x32
    (its longest side), counted in 4x4 blocks (0-16), and enlarged by :func:`from_block_counts`."""
    from PIL import Image

    prepared = []
    for image in check_inked(images, low=0.5, closed="both"):
        ink = image >= 0.5
        crop = ink[_crop(ink)].astype(np.float32)
        side = max(crop.shape)  # a square around the ink keeps its shape
        top, left = (side - crop.shape[0]) // 2, (side - crop.shape[1]) // 2
        crop = np.pad(crop, ((top, side - crop.shape[0] - top), (left, side - crop.shape[1] - left)))
        bitmap = np.asarray(Image.fromarray(crop, mode="F").resize((32, 32), Image.Resampling.NEAREST)) >= 0.5
        prepared.append(from_block_counts(bitmap.reshape(8, 4, 8, 4).sum(axis=(1, 3))))
    return np.stack(prepared)
