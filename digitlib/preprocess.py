"""Turn raw digits into what the networks expect, and measure where the ink is."""

from __future__ import annotations

import numpy as np


def _check_digits(images: np.ndarray, *, dtype: type | None = np.uint8) -> np.ndarray:
    images = np.asarray(images)
    if dtype is not None and images.dtype != dtype:
        raise ValueError(f"images must be uint8 pixels 0-255 (as MNIST stores them), got dtype {images.dtype}")
    if images.ndim != 3 or images.shape[0] == 0:
        raise ValueError(f"images must have shape (N, H, W) with N >= 1, got shape {images.shape}")
    return images


def to_model_input(images: np.ndarray) -> np.ndarray:
    """Scale uint8 digits ``(N, 28, 28)`` to float32 in [0, 1] and add the channel axis: ``(N, 28, 28, 1)``."""
    images = _check_digits(images)
    if images.shape[1:] != (28, 28):
        raise ValueError(f"images must have shape (N, 28, 28), got shape {images.shape}")
    return (images.astype(np.float32) / 255.0)[..., np.newaxis]


def centers_of_mass(images: np.ndarray) -> np.ndarray:
    """Centre of mass of each image's ink as ``(row, column)`` in pixel-index coordinates: ``(N, 2)``.

    Rows and columns are numbered from 0, so the middle of a 28x28 image is (13.5, 13.5).
    """
    images = _check_digits(images, dtype=None).astype(np.float64)
    if images.min() < 0:
        raise ValueError("images must not hold negative values (they are amounts of ink)")
    ink = images.sum(axis=(1, 2))
    if np.any(ink == 0):
        raise ValueError(f"image {int(np.argmax(ink == 0))} is blank: a blank image has no centre of mass")
    rows = (images.sum(axis=2) * np.arange(images.shape[1])).sum(axis=1) / ink
    columns = (images.sum(axis=1) * np.arange(images.shape[2])).sum(axis=1) / ink
    return np.stack([rows, columns], axis=1)


def ink_bounding_boxes(images: np.ndarray) -> np.ndarray:
    """The smallest box around each image's ink, as ``(top, left, height, width)`` in pixels: ``(N, 4)``."""
    ink = _check_digits(images, dtype=None) > 0
    rows, columns = ink.any(axis=2), ink.any(axis=1)
    blank = ~rows.any(axis=1)
    if np.any(blank):
        raise ValueError(f"image {int(np.argmax(blank))} is blank: a blank image has no bounding box")
    top, left = rows.argmax(axis=1), columns.argmax(axis=1)
    height = rows.shape[1] - rows[:, ::-1].argmax(axis=1) - top
    width = columns.shape[1] - columns[:, ::-1].argmax(axis=1) - left
    return np.stack([top, left, height, width], axis=1)


def make_dataset(
    images: np.ndarray, labels: np.ndarray, *, batch_size: int = 128, shuffle: bool = False, seed: int = 0
):
    """A ``tf.data`` pipeline over model inputs and labels: optionally shuffled, batched, prefetched."""
    import tensorflow as tf

    if len(images) != len(labels):
        raise ValueError(f"images and labels must have the same length, got {len(images)} and {len(labels)}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size}")
    dataset = tf.data.Dataset.from_tensor_slices((images, labels))
    if shuffle:
        dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)
