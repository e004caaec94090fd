"""Measuring models: accuracy on digits distorted the way people's drawings differ from MNIST."""

from __future__ import annotations

import numpy as np


def _check_inputs(inputs: np.ndarray) -> np.ndarray:
    inputs = np.asarray(inputs)
    if inputs.ndim != 4 or inputs.shape[1:] != (28, 28, 1) or inputs.dtype != np.float32:
        raise ValueError(
            f"inputs must be float32 of shape (N, 28, 28, 1), as to_model_input returns; "
            f"got {inputs.dtype} of shape {inputs.shape}"
        )
    return inputs


def distort(
    inputs: np.ndarray, *, shift: tuple[int, int] = (0, 0), rotate_degrees: float = 0.0, scale: float = 1.0
) -> np.ndarray:
    """The same digits moved by ``shift`` = (down, right) pixels, turned anticlockwise by
    ``rotate_degrees`` and resized by ``scale`` about the image centre; borders fill with black."""
    import keras

    inputs = _check_inputs(inputs)
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
    return np.clip(np.asarray(out, dtype=np.float32), 0.0, 1.0)


def accuracy(model, inputs: np.ndarray, labels: np.ndarray, *, batch_size: int = 500) -> float:
    """Share of ``inputs`` whose most probable class under ``model`` equals ``labels``."""
    inputs = _check_inputs(inputs)
    labels = np.asarray(labels)
    if labels.shape != (len(inputs),):
        raise ValueError(f"labels must have shape ({len(inputs)},), one per input, got {labels.shape}")
    predictions = model.predict(inputs, batch_size=batch_size, verbose=0).argmax(axis=1)
    return float(np.mean(predictions == labels))
