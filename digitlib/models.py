"""The course's convolutional networks, built from code; the best one ships as weights.

Every model takes ``(N, 28, 28, 1)`` float32 images in [0, 1], white ink on black as in MNIST,
and returns ``(N, 10)`` class probabilities.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

from digitlib.startup import quiet_tensorflow_startup

with quiet_tensorflow_startup():
    import keras
from keras import layers, ops

INPUT_SHAPE = (28, 28, 1)
NUM_CLASSES = 10
PRETRAINED_WEIGHTS = "digit_cnn.weights.h5"


def build_baseline(augment: bool = False, seed: int | None = None) -> keras.Model:
    """The original demo's network: two 3x3 convolutions (32, 64), max pooling, dropout, dense.

    ``augment=True`` puts :func:`build_augmentation` in front of it, so that the same network
    can be trained with and without augmentation.
    """
    return keras.Sequential(
        [
            keras.Input(INPUT_SHAPE),
            *([build_augmentation(seed)] if augment else []),
            layers.Conv2D(32, 3, activation="relu", name="conv1"),
            layers.Conv2D(64, 3, activation="relu", name="conv2"),
            layers.MaxPooling2D(2, name="pool"),
            layers.Dropout(0.25, seed=seed, name="dropout1"),
            layers.Flatten(name="flatten"),
            layers.Dense(128, activation="relu", name="dense"),
            layers.Dropout(0.5, seed=seed, name="dropout2"),
            layers.Dense(NUM_CLASSES, activation="softmax", name="probabilities"),
        ],
        name="baseline_augmented" if augment else "baseline",
    )


@keras.saving.register_keras_serializable(package="digitlib")
class RandomStrokeWidth(layers.Layer):
    """Randomly thicken or thin the strokes, as pens of other widths would draw them.

    Blends each image towards its 3x3 grey dilation (thicker) or erosion (thinner) by a random
    amount in ``[-factor, factor]``.  Active only with ``training=True``.
    """

    def __init__(self, factor: float = 0.6, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= factor <= 1:
            raise ValueError(f"factor must be between 0 and 1, got {factor}")
        self.factor = factor
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=False):
        if not training:
            return images
        thicker = ops.max_pool(images, 3, strides=1, padding="same")
        thinner = -ops.max_pool(-images, 3, strides=1, padding="same")
        amount = keras.random.uniform(
            (ops.shape(images)[0], 1, 1, 1), -self.factor, self.factor, seed=self.seed_generator
        )
        target = ops.where(amount > 0, thicker, thinner)
        return images + ops.abs(amount) * (target - images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "seed": self.seed}


def build_augmentation(seed: int | None = None) -> keras.Sequential:
    """Random rotation (about ±13°), zoom (±15 %), shift (±10 %, about 3 px) and stroke width.

    Active only when called with ``training=True``; borders fill with black (``constant``),
    never with mirrored strokes.
    """
    return keras.Sequential(
        [
            layers.RandomRotation(0.035, fill_mode="constant", seed=seed),
            layers.RandomZoom(0.15, fill_mode="constant", seed=seed),
            layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=seed),
            RandomStrokeWidth(0.6, seed=seed),
        ],
        name="augmentation",
    )


def _conv_block(x, filters: int, name: str):
    for i in (1, 2):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_conv{i}")(x)
        x = layers.BatchNormalization(name=f"{name}_bn{i}")(x)
        x = layers.ReLU(name=f"{name}_relu{i}")(x)
    return layers.MaxPooling2D(2, name=f"{name}_pool")(x)


def build_enhanced(seed: int | None = None) -> keras.Model:
    """The course's best network: augmentation, three blocks of batch-normalized 3x3
    convolutions (32, 64, 128 filters), global average pooling and dropout; about 290k weights."""
    inputs = keras.Input(INPUT_SHAPE, name="image")
    x = build_augmentation(seed)(inputs)
    x = _conv_block(x, 32, "block1")
    x = _conv_block(x, 64, "block2")
    x = _conv_block(x, 128, "block3")
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    x = layers.Dropout(0.3, seed=seed, name="dropout")(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="enhanced")


def pretrained_weights_path() -> Path:
    """Where the shipped weights live inside the package."""
    return Path(str(resources.files("digitlib") / "weights" / PRETRAINED_WEIGHTS))


def load_pretrained() -> keras.Model:
    """The course's best model: :func:`build_enhanced` with the weights shipped in digitlib."""
    path = pretrained_weights_path()
    if not path.exists():
        raise FileNotFoundError(
            f"the shipped weights are missing at {path}; reinstall digitlib or recreate them with "
            "`python -m digitlib.train`"
        )
    model = build_enhanced()
    model.load_weights(path)
    return model


def single_image_predictor(model: keras.Model):
    """A fast function from one (28, 28) float32 image in [0, 1] to its ten probabilities.

    ``model.predict`` costs tens of milliseconds per call and even a direct eager call costs
    several; a traced TensorFlow function with a fixed input shape costs a few milliseconds on a
    CPU, which is what the drawing pad needs to keep up with a pen.
    """
    import tensorflow as tf

    @tf.function(input_signature=[tf.TensorSpec((1, *INPUT_SHAPE), tf.float32)])
    @tf.autograph.experimental.do_not_convert
    def probabilities(batch):
        return model(batch, training=False)

    def predict(image):
        image = np.asarray(image, dtype=np.float32)
        if image.shape != INPUT_SHAPE[:2]:
            raise ValueError(f"image must have shape (28, 28), got {image.shape}")
        return probabilities(tf.constant(image[np.newaxis, :, :, np.newaxis])).numpy()[0]

    return predict
