"""The course's convolutional networks, built from code; the best one ships as weights.

Every model takes ``(N, 28, 28, 1)`` float32 images in [0, 1], white ink on black as in MNIST,
and returns ``(N, 10)`` class probabilities.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np

from digitlib.startup import quiet_tensorflow_startup
from digitlib.validation import INPUT_SHAPE, check_array, check_choice, check_mapping, check_scalar

with quiet_tensorflow_startup():
    import keras
from keras import layers, ops

NUM_CLASSES = 10
#: The weights digitlib ships: ``"shipped"``, the course's best model (MNIST plus real pens),
#: and ``"mnist"``, its first stage, trained on MNIST alone (see :mod:`digitlib.train`).
PRETRAINED_WEIGHTS = {"shipped": "digit_cnn.weights.h5", "mnist": "digit_cnn_mnist.weights.h5"}


def build_baseline(augment: bool = False, seed: int | None = None) -> keras.Model:
    """The original demo's network: two 3x3 convolutions (32, 64), max pooling, dropout, dense.

    ``augment=True`` puts :func:`build_augmentation` in front of it, so that the same network
    can be trained with and without augmentation.
    """
    augmentation_seed, dropout1_seed, dropout2_seed = layer_seeds(seed, 3)
    return keras.Sequential(
        [
            keras.Input(INPUT_SHAPE),
            *([build_augmentation(augmentation_seed)] if augment else []),
            layers.Conv2D(32, 3, activation="relu", name="conv1"),
            layers.Conv2D(64, 3, activation="relu", name="conv2"),
            layers.MaxPooling2D(2, name="pool"),
            layers.Dropout(0.25, seed=dropout1_seed, name="dropout1"),
            layers.Flatten(name="flatten"),
            layers.Dense(128, activation="relu", name="dense"),
            layers.Dropout(0.5, seed=dropout2_seed, name="dropout2"),
            layers.Dense(NUM_CLASSES, activation="softmax", name="probabilities"),
        ],
        name="baseline_augmented" if augment else "baseline",
    )


def build_small(
    seed: int | None = None,
    *,
    l2: float = 0.0,
    dropout: float = 0.0,
) -> keras.Model:
    """The small network that "Training the network" overfits on purpose:
    one convolution, pooling and a dense layer; ``dropout`` before the
    dense layer, and an L2 penalty of ``l2`` on every kernel."""
    penalty = keras.regularizers.L2(l2) if l2 else None
    dense = {"kernel_regularizer": penalty}
    return keras.Sequential(
        [
            keras.Input(INPUT_SHAPE),
            layers.Conv2D(32, 3, activation="relu", **dense),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dropout(dropout, seed=seed),
            layers.Dense(128, activation="relu", **dense),
            layers.Dense(NUM_CLASSES, activation="softmax", **dense),
        ]
    )


def change_stroke_width(images, amount):
    """Grey images with thicker (``amount`` > 0, up to 1) or thinner (< 0) strokes.

    Blends each image towards its 3x3 grey dilation (thicker) or erosion (thinner) by
    ``|amount|``: a number, or one per image shaped (N, 1, 1, 1).
    """
    thicker = ops.max_pool(images, 3, strides=1, padding="same")
    thinner = -ops.max_pool(-images, 3, strides=1, padding="same")
    target = ops.where(amount > 0, thicker, thinner)
    return images + ops.abs(amount) * (target - images)


@keras.saving.register_keras_serializable(package="digitlib")
class RandomStrokeWidth(layers.Layer):
    """Randomly thicken or thin the strokes, as pens of other widths would draw them.

    Blends each image towards its 3x3 grey dilation (thicker) or erosion (thinner) by a random
    amount in ``[-factor, factor]``.  Active only with ``training=True``.
    """

    def __init__(self, factor: float = 0.6, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.factor = check_scalar(factor, name="factor", low=0, high=1)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=False):
        if not training:
            return images
        amount = keras.random.uniform(
            (ops.shape(images)[0], 1, 1, 1), -self.factor, self.factor, seed=self.seed_generator
        )
        return change_stroke_width(images, amount)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "seed": self.seed}


def affine_transforms(rotation_degrees, slant, height, width, shift_down, shift_right, size: int = 28):
    """Keras' ``affine_transform`` rows for digits turned, slanted, resized and moved.

    Each argument is a 1-D tensor with one value per image: turn anticlockwise by
    ``rotation_degrees``; slant (each row moves sideways by ``slant`` times its
    distance from the middle row); scale the height by ``1 + height`` and the width
    by ``1 + width`` about the image centre; then move by ``shift_down`` and
    ``shift_right`` pixels.  All in one transform, so the digit is interpolated once
    (a chain of Keras' random layers interpolates, and blurs, once per layer).
    """
    middle = (size - 1) / 2
    angle = ops.convert_to_tensor(rotation_degrees, "float32") * (np.pi / 180)
    cos, sin = ops.cos(angle), ops.sin(angle)
    slant = ops.convert_to_tensor(slant, "float32")
    zx, zy = 1 + ops.convert_to_tensor(width, "float32"), 1 + ops.convert_to_tensor(height, "float32")
    # From an output pixel back to the input pixel it shows: undo the shift, the
    # turn (x right, y down, so anticlockwise on screen), the slant, the scaling.
    a0, a1 = (cos - slant * sin) / zx, (-sin - slant * cos) / zx
    b0, b1 = sin / zy, cos / zy
    x0 = middle + ops.convert_to_tensor(shift_right, "float32")
    y0 = middle + ops.convert_to_tensor(shift_down, "float32")
    zero = ops.zeros_like(a0)
    return ops.stack(
        [a0, a1, middle - a0 * x0 - a1 * y0, b0, b1, middle - b0 * x0 - b1 * y0, zero, zero],
        axis=1,
    )


@keras.saving.register_keras_serializable(package="digitlib")
class RandomAffine(layers.Layer):
    """Turn, slant, resize and move each digit at random, each amount drawn on its own.

    Every amount is uniform in ``[-limit, limit]``: ``rotation_degrees``, ``slant``
    (0.25 leans a digit by about 14°), ``height`` and ``width`` (relative changes of
    size, drawn separately so the digit also gets narrower or wider), and
    ``shift_pixels`` (down and right, drawn separately).  One interpolation for all of
    it; borders fill with black.  Active only with ``training=True``.
    """

    def __init__(
        self,
        rotation_degrees: float = 0.0,
        slant: float = 0.0,
        height: float = 0.0,
        width: float = 0.0,
        shift_pixels: float = 0.0,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_scalar(rotation_degrees, name="rotation_degrees", low=0)
        check_scalar(slant, name="slant", low=0)
        check_scalar(height, name="height", low=0, high=1, closed="low")
        check_scalar(width, name="width", low=0, high=1, closed="low")
        self.limits = [rotation_degrees, slant, height, width, shift_pixels, shift_pixels]
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=False):
        if not training:
            return images
        amounts = keras.random.uniform(
            (ops.shape(images)[0], 6), -1.0, 1.0, seed=self.seed_generator
        ) * ops.convert_to_tensor(self.limits, "float32")
        transforms = affine_transforms(*ops.unstack(amounts, axis=1), size=images.shape[1])
        return ops.image.affine_transform(images, transforms, fill_mode="constant")

    def get_config(self):
        names = ["rotation_degrees", "slant", "height", "width", "shift_pixels"]
        return {**super().get_config(), **dict(zip(names, self.limits)), "seed": self.seed}


def layer_seeds(seed: int | None, count: int) -> list[int | None]:
    """``count`` unrelated integer seeds derived from one ``seed`` (all ``None`` if it is).

    Each Keras random layer starts its own generator from its seed: layers given the
    *same* integer draw the *same* numbers, so a digit turned one way would always be
    zoomed and thinned the same way too.  NumPy's ``SeedSequence`` spreads one seed into
    unrelated ones, so a run stays reproducible from a single number.
    """
    if seed is None:
        return [None] * count
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(count)]


#: The distortions of :func:`build_augmentation` and how far each goes; the chapter
#: "Data augmentation" shows what each does and how they were chosen.
AUGMENTATION = {
    "rotation_degrees": 14.0,  # turned up to 14° either way
    "slant": 0.0,  # leaning (0.25: up to 14° either way); tried, left out on validation
    "height": 0.15,  # up to 15 % taller or shorter ...
    "width": 0.0,  # ... and, drawn separately, wider or narrower (tried: 0.25, left out)
    "shift_pixels": 3.0,  # moved up to 3 pixels down or up, left or right
    "stroke": 0.8,  # pen width: blended up to 80 % towards a 3x3 dilation or erosion
}


def build_augmentation(seed: int | None = None, *, strengths: dict[str, float] | None = None) -> keras.Sequential:
    """Digits turned, slanted, resized, moved (:class:`RandomAffine`) and drawn with a
    thinner or thicker pen (:class:`RandomStrokeWidth`), every amount drawn on its own.

    ``strengths`` overrides some of :data:`AUGMENTATION`; 0 switches one off.  Active
    only when called with ``training=True``.
    """
    check_mapping(strengths or {}, name="strengths", allowed=AUGMENTATION, non_empty=False)
    chosen = {**AUGMENTATION, **(strengths or {})}
    affine_seed, stroke_seed = layer_seeds(seed, 2)
    geometry = {name: value for name, value in chosen.items() if name != "stroke"}
    return keras.Sequential(
        [
            RandomAffine(**geometry, seed=affine_seed),
            RandomStrokeWidth(chosen["stroke"], seed=stroke_seed),
        ],
        name="augmentation",
    )


def conv_block(x, filters: int, name: str, *, batch_norm: bool = True):
    """Two 3x3 convolutions (padded, so the size stays), each batch-normalized and followed
    by ReLU, then 2x2 max pooling: one block of :func:`build_enhanced`."""
    for i in (1, 2):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=not batch_norm, name=f"{name}_conv{i}")(x)
        if batch_norm:
            x = layers.BatchNormalization(name=f"{name}_bn{i}")(x)
        x = layers.ReLU(name=f"{name}_relu{i}")(x)
    return layers.MaxPooling2D(2, name=f"{name}_pool")(x)


def build_enhanced(
    seed: int | None = None,
    *,
    strengths: dict[str, float] | None = None,
    augment: bool = True,
    batch_norm: bool = True,
    head: str = "average",
) -> keras.Model:
    """The course's best network: augmentation, three blocks of batch-normalized 3x3
    convolutions (32, 64, 128 filters), global average pooling and dropout; about 290k weights.

    The options take one part away, for comparisons: ``augment=False`` leaves out the
    augmentation (``strengths`` sets it otherwise), ``batch_norm=False`` the batch
    normalization (the convolutions get biases instead), and ``head="flatten"`` replaces
    the global average by a flattened layer, as the baseline has.
    """
    check_choice(head, name="head", choices=("average", "flatten"))
    augmentation_seed, dropout_seed = layer_seeds(seed, 2)
    inputs = keras.Input(INPUT_SHAPE, name="image")
    x = build_augmentation(augmentation_seed, strengths=strengths)(inputs) if augment else inputs
    x = conv_block(x, 32, "block1", batch_norm=batch_norm)
    x = conv_block(x, 64, "block2", batch_norm=batch_norm)
    x = conv_block(x, 128, "block3", batch_norm=batch_norm)
    x = layers.GlobalAveragePooling2D(name="gap")(x) if head == "average" else layers.Flatten(name="flatten")(x)
    x = layers.Dropout(0.3, seed=dropout_seed, name="dropout")(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs, name="enhanced")


def pretrained_weights_path(which: str = "shipped") -> Path:
    """Where the weights ``which`` (a key of :data:`PRETRAINED_WEIGHTS`) live inside the package."""
    check_choice(which, name="which", choices=PRETRAINED_WEIGHTS)
    return Path(str(resources.files("digitlib") / "weights" / PRETRAINED_WEIGHTS[which]))


def load_pretrained(which: str = "shipped") -> keras.Model:
    """:func:`build_enhanced` with weights shipped in digitlib: ``"shipped"``, the course's
    best model, which the pads use; ``"mnist"``, its first stage, which saw MNIST alone."""
    path = pretrained_weights_path(which)
    if not path.exists():
        raise FileNotFoundError(
            f"the shipped weights are missing at {path}; reinstall digitlib or recreate them with "
            "`python -m digitlib.train`"
        )
    model = build_enhanced()
    model.load_weights(path)
    return model


def traced_for_one_image(batch_function):
    """``batch_function``, of a batch of one (1, 28, 28, 1) float32 image, traced once by
    TensorFlow, as a function of one (28, 28) image in [0, 1]: the image is checked, given its
    batch and channel axes, and passed on; what ``batch_function`` returns comes back as tensors.

    ``model.predict`` costs tens of milliseconds per call and even a direct eager call costs
    several; a traced TensorFlow function with a fixed input shape costs a few milliseconds on a
    CPU, which is what the drawing pad needs to keep up with a pen.
    """
    import tensorflow as tf

    traced = tf.function(
        tf.autograph.experimental.do_not_convert(batch_function),
        input_signature=[tf.TensorSpec((1, *INPUT_SHAPE), tf.float32)],
    )

    def on_one_image(image):
        image = check_array(image, name="image", shape=INPUT_SHAPE[:2]).astype(np.float32)
        return traced(tf.constant(image[np.newaxis, :, :, np.newaxis]))

    return on_one_image


def single_image_predictor(model: keras.Model):
    """A fast function from one (28, 28) float32 image in [0, 1] to its ten probabilities
    (traced once, see :func:`traced_for_one_image`)."""
    probabilities = traced_for_one_image(lambda batch: model(batch, training=False))

    def predict(image):
        return probabilities(image).numpy()[0]

    return predict


def single_image_internals(model: keras.Model, layer: str = "block1_relu2"):
    """A fast function from one (28, 28) float32 image in [0, 1] to what the network does with
    it: ``(probabilities, saliency, feature_maps)``, in one traced call like
    :func:`single_image_predictor`.  ``model`` is built like :func:`build_enhanced`.

    ``saliency`` (28, 28), in [0, 1]: how strongly each pixel moves the predicted digit's
    score (its logit, before the softmax): the size of the gradient, blurred a little
    (a Gaussian of one pixel; raw gradients are speckled) and scaled so the largest is 1.
    ``feature_maps`` (H, W, C): what ``layer`` outputs.
    """
    import tensorflow as tf
    from scipy import ndimage

    head = model.get_layer("probabilities")
    probe = keras.Model(model.inputs[0], [model.get_layer(layer).output, head.input, model.outputs[0]])

    def inside(batch):
        with tf.GradientTape() as tape:
            tape.watch(batch)
            maps, features, probabilities = probe(batch, training=False)
            logits = tf.matmul(features, head.kernel) + head.bias
            score = tf.reduce_max(logits[0])
        return probabilities[0], tape.gradient(score, batch)[0, :, :, 0], maps[0]

    inside_one_image = traced_for_one_image(inside)

    def internals(image):
        probabilities, gradient, maps = inside_one_image(image)
        saliency = ndimage.gaussian_filter(np.abs(gradient.numpy()), 1.0)
        return probabilities.numpy(), saliency / max(float(saliency.max()), 1e-12), maps.numpy()

    return internals
