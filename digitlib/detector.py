"""Is it a digit at all?  A small detector on top of the shipped network.

The network's softmax always sums to one over ten digits, so it names a digit for a letter
or a scribble too, often with high confidence: training never showed it anything else.  The
detector looks at what the network's second and third blocks compute (the mean and the
maximum of each feature map: 384 numbers), and a small network trained on digits and on
non-digits made on purpose (:mod:`digitlib.nondigits`) scores how digit-like they are.  A
drawing is a digit when its score reaches a threshold chosen on validation data.

``python -m digitlib.detector`` trains it, chooses the threshold and writes the shipped
parameters (``digitlib/weights/digit_detector.npz``) with a record of the run beside them.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import weakref
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from digitlib.models import load_pretrained, traced_for_one_image
from digitlib.startup import quiet_tensorflow_startup
from digitlib.validation import check_array, check_model_input, check_scalar

with quiet_tensorflow_startup():
    import keras
from keras import ops

SHIPPED_DETECTOR = "digit_detector.npz"
#: The blocks whose feature maps the detector reads (their mean and maximum each).
FEATURE_LAYERS = ("block2_relu2", "block3_relu2")
#: The share of validation digits the threshold keeps, chosen on the validation writers with
#: the targets in mind (on writers it never saw, at least 98 % of pen-written digits kept and
#: 95 % of pen letters refused; the record gives the validation writers' rates).
KEEP = 0.985
_FEATURE_MODELS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
RECIPE = {"hidden": 64, "epochs": 30, "batch_size": 256, "learning_rate": 1e-3, "seed": 2026}


def pooled_features(maps) -> keras.KerasTensor:
    """The detector's features from the outputs of :data:`FEATURE_LAYERS`, in that order:
    the mean and the maximum of each feature map, side by side."""
    pooled = []
    for block in maps:
        pooled += [ops.mean(block, axis=(1, 2)), ops.max(block, axis=(1, 2))]
    return ops.concatenate(pooled, axis=1)


def feature_model(model: keras.Model) -> keras.Model:
    """``model`` (built like :func:`~digitlib.models.build_enhanced`) with two outputs: its
    probabilities (N, 10) and the detector's features (N, 384), in one pass.  Made once
    per model (a new one would be traced again for every call)."""
    if model in _FEATURE_MODELS:
        return _FEATURE_MODELS[model]
    maps = [model.get_layer(name).output for name in FEATURE_LAYERS]
    probe = keras.Model(model.inputs[0], [model.outputs[0], pooled_features(maps)])
    _FEATURE_MODELS[model] = probe
    return probe


def features_of(model: keras.Model, inputs: np.ndarray, *, batch_size: int = 500) -> np.ndarray:
    """The detector's features of model inputs (N, 28, 28, 1) or images (N, 28, 28)."""
    inputs = np.asarray(inputs, np.float32)
    inputs = check_model_input(inputs[..., None] if inputs.ndim == 3 else inputs)
    return feature_model(model).predict(inputs, batch_size=batch_size, verbose=0)[1]


@dataclass(frozen=True)
class DigitDetector:
    """Scores how digit-like the network's features are; a score at or above ``threshold``
    is a digit.  ``mean`` and ``scale`` standardize the features; ``hidden_weights``,
    ``hidden_bias``, ``output_weights`` and ``output_bias`` are a network with one hidden
    ReLU layer whose output is the score (a logit: above 0, a digit is more likely than
    not in the training mix)."""

    mean: np.ndarray
    scale: np.ndarray
    hidden_weights: np.ndarray
    hidden_bias: np.ndarray
    output_weights: np.ndarray
    output_bias: np.ndarray
    threshold: float

    def scores(self, features: np.ndarray) -> np.ndarray:
        """One score per row of ``features`` (N, 384): higher is more digit-like."""
        features = check_array(features, name="features", shape=(None, len(self.mean)), finite=True)
        hidden = np.maximum((features - self.mean) / self.scale @ self.hidden_weights + self.hidden_bias, 0)
        return (hidden @ self.output_weights + self.output_bias)[:, 0]

    def is_digit(self, features: np.ndarray) -> np.ndarray:
        """True where the score reaches the threshold: (N,) booleans."""
        return self.scores(features) >= self.threshold

    def with_threshold(self, threshold: float) -> DigitDetector:
        """The same detector with another threshold."""
        return DigitDetector(**{**self.__dict__, "threshold": float(threshold)})

    def save(self, path: str | Path) -> Path:
        """Write the parameters to an ``.npz`` file (plain arrays, no pickles)."""
        path = Path(path)
        np.savez(path, **{name: np.asarray(value) for name, value in self.__dict__.items()})
        return path

    @classmethod
    def load(cls, path: str | Path) -> DigitDetector:
        """Read parameters written by :meth:`save`; pickles are refused.  Raises
        ``ValueError`` naming what is missing or mis-shaped in a damaged file."""
        with np.load(path, allow_pickle=False) as stored:
            missing = set(cls.__dataclass_fields__) - set(stored.files)
            if missing:  # a damaged or foreign file: its format, said of the file
                raise ValueError(f"{path} is not a digit detector: it lacks {sorted(missing)}")
            values = {name: stored[name].astype(np.float64) for name in cls.__dataclass_fields__}
        size, hidden = values["hidden_weights"].shape
        for name, shape in {"mean": (size,), "scale": (size,), "hidden_bias": (hidden,),
                            "output_weights": (hidden, 1), "output_bias": (1,)}.items():  # fmt: skip
            check_array(values[name], name=f"{name} in {path}", shape=shape, finite=True)
        check_array(values["threshold"], name=f"threshold in {path}", shape=(), non_empty=False, finite=True)
        return cls(**{**values, "threshold": float(values["threshold"])})


def shipped_detector_path() -> Path:
    """Where the shipped detector lives inside the package."""
    return Path(str(resources.files("digitlib") / "weights" / SHIPPED_DETECTOR))


def load_detector() -> DigitDetector:
    """The detector shipped with digitlib, for :func:`~digitlib.models.load_pretrained`'s
    network."""
    path = shipped_detector_path()
    if not path.exists():
        raise FileNotFoundError(f"the shipped detector is missing at {path}; recreate it with `make detector`")
    return DigitDetector.load(path)


def single_image_reader(model: keras.Model):
    """A fast function from one (28, 28) image in [0, 1] to ``(probabilities, features)``,
    traced once by :func:`~digitlib.models.traced_for_one_image`."""
    both = feature_model(model)
    read = traced_for_one_image(lambda batch: both(batch, training=False))

    def probabilities_and_features(image):
        probabilities, features = read(image)
        return probabilities.numpy()[0], features.numpy()

    return probabilities_and_features


def fit_detector(
    digits: np.ndarray,
    non_digits: np.ndarray,
    *,
    seed: int = RECIPE["seed"],
) -> DigitDetector:
    """Train a detector on the features of ``digits`` and of ``non_digits``
    (each group weighted equally, whatever its size), with threshold 0
    until one is chosen."""
    digits = check_array(digits, name="digits", ndim=2, finite=True)
    non_digits = check_array(
        non_digits,
        name="non_digits",
        shape=(None, digits.shape[1]),
        finite=True,
    )
    features = np.concatenate([digits, non_digits])
    ones, zeros = np.ones(len(digits)), np.zeros(len(non_digits))
    labels = np.concatenate([ones, zeros]).astype(np.float32)
    # each group weighs half of the total, whatever its size
    digit_weight = len(features) / (2 * len(digits))
    other_weight = len(features) / (2 * len(non_digits))
    weights = np.where(labels == 1, digit_weight, other_weight)
    mean, scale = features.mean(axis=0), features.std(axis=0) + 1e-6
    keras.utils.set_random_seed(seed)
    network = keras.Sequential(
        [
            keras.Input((features.shape[1],)),
            keras.layers.Dense(RECIPE["hidden"], activation="relu"),
            keras.layers.Dense(1),
        ]
    )
    network.compile(
        optimizer=keras.optimizers.Adam(RECIPE["learning_rate"]),
        loss=keras.losses.BinaryCrossentropy(from_logits=True),
    )
    network.fit(
        (features - mean) / scale,
        labels,
        sample_weight=weights,
        epochs=RECIPE["epochs"],
        batch_size=RECIPE["batch_size"],
        verbose=0,
    )
    hidden, output = network.layers
    return DigitDetector(
        mean,
        scale,
        *hidden.get_weights(),
        *output.get_weights(),
        threshold=0.0,
    )


def threshold_keeping(scores: np.ndarray, keep: float = KEEP) -> float:
    """The highest threshold that keeps at least ``keep`` of the digits scored ``scores``."""
    check_scalar(keep, name="keep", low=0, high=1)
    scores = np.sort(check_array(scores, name="scores", ndim=1, finite=True))
    return float(scores[int(np.floor((1 - keep) * len(scores)))])


def tradeoff(digit_scores: np.ndarray, non_digit_scores: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every threshold among the scores: the share of digits kept and of non-digits
    rejected.  Returns ``(thresholds, kept, rejected)``, thresholds rising."""
    digit_scores = check_array(digit_scores, name="digit_scores", ndim=1, finite=True)
    non_digit_scores = check_array(non_digit_scores, name="non_digit_scores", ndim=1, finite=True)
    thresholds = np.unique(np.concatenate([digit_scores, non_digit_scores]))
    kept = 1 - np.searchsorted(np.sort(digit_scores), thresholds, side="left") / len(digit_scores)
    rejected = np.searchsorted(np.sort(non_digit_scores), thresholds, side="left") / len(non_digit_scores)
    return thresholds, kept, rejected


def held_out_digits() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Digits the detector never saw, as ``{group: (images (N, 28, 28, 1), labels)}``: real
    pen-written digits by 13 people (UCI), and styles MNIST has few of."""
    from digitlib.made_drawings import rare_style_digits
    from digitlib.pen_inputs import uci_handwriting

    rare = rare_style_digits()
    return {
        "real pen-written digits (UCI)": uci_handwriting(),
        "styles MNIST has few of": (rare.strokes, rare.labels),
    }


def rates(detector: DigitDetector, features: dict[str, np.ndarray], *, digits: bool) -> dict[str, float]:
    """The share of each group's features the detector keeps (``digits=True``) or rejects."""
    return {name: float(np.mean(detector.is_digit(group) == digits)) for name, group in features.items()}


def kept_right(detector: DigitDetector, model: keras.Model, inputs: np.ndarray, labels: np.ndarray) -> float:
    """The share of the digits ``inputs`` the detector keeps that ``model`` reads right."""
    probabilities = model.predict(inputs, batch_size=500, verbose=0)
    kept = detector.is_digit(features_of(model, inputs))
    return float(np.mean(probabilities[kept].argmax(axis=1) == labels[kept]))


def main(argv: list[str] | None = None) -> int:
    """Train the digit detector for the shipped network, choose its threshold on validation
    data, measure it on drawings it never saw, and save it with a record of the run."""
    from digitlib.data import load_mnist, split_validation
    from digitlib.nondigits import held_out_letters, training_set, validation_set
    from digitlib.pen_inputs import pen_inputs
    from digitlib.preprocess import to_model_input
    from digitlib.unipen import SPLITS

    parser = argparse.ArgumentParser(prog="python -m digitlib.detector", description=main.__doc__)
    parser.add_argument("--output", type=Path, default=Path(SHIPPED_DETECTOR), help="default: %(default)s")
    parser.add_argument("--seed", type=int, default=RECIPE["seed"])
    args = parser.parse_args(argv)
    if args.output.suffix != ".npz":
        parser.error("--output must end in .npz")

    started = time.perf_counter()
    (x_train, y_train), (x_test, _) = load_mnist()
    (x_fit, _), (x_validation, _) = split_validation(x_train, y_train)
    model = load_pretrained()
    print("Making the training set (letters, scribbles, noise; digits in fonts) ...", flush=True)
    train_digits, train_non_digits = training_set(x_fit, np.random.default_rng(args.seed))
    val_digits, val_non_digits = validation_set(x_validation, np.random.default_rng(args.seed + 1))
    letters = {name: images for name, (images, _) in held_out_letters(np.random.default_rng(args.seed + 2)).items()}
    print("Preparing the pen writers' digits and letters both ways (cached after the first time) ...", flush=True)
    pen = {(kind, split): pen_inputs(kind, split) for kind in ("digits", "letters") for split in SPLITS}
    both = {key: np.concatenate([inputs.strokes, inputs.pixels]) for key, inputs in pen.items()}
    train_digits["pen-written digits (training writers)"] = both["digits", "train"]
    train_non_digits["pen-written letters (training writers)"] = both["letters", "train"]
    val_digits["pen-written digits (validation writers)"] = both["digits", "validation"]
    val_non_digits["pen-written letters (validation writers)"] = both["letters", "validation"]
    letters["pen-written letters (test writers)"] = both["letters", "test"]
    print("Reading their features with the shipped network ...", flush=True)
    features = {
        part: {name: features_of(model, images) for name, images in groups.items()}
        for part, groups in [("train digits", train_digits), ("train non-digits", train_non_digits),
                             ("validation digits", val_digits), ("validation non-digits", val_non_digits),
                             ("held-out non-digits", letters)]
    }  # fmt: skip
    held_out = {name: features_of(model, images) for name, (images, _) in held_out_digits().items()}
    held_out["MNIST test digits (used once)"] = features_of(model, to_model_input(x_test))
    held_out["pen-written digits (test writers)"] = features_of(model, both["digits", "test"])

    print("Training the detector ...", flush=True)
    detector = fit_detector(
        np.concatenate(list(features["train digits"].values())),
        np.concatenate(list(features["train non-digits"].values())),
        seed=args.seed,
    )
    val_scores = detector.scores(np.concatenate(list(features["validation digits"].values())))
    detector = detector.with_threshold(threshold_keeping(val_scores, KEEP))
    record = {
        "command": "python -m digitlib.detector " + " ".join(sys.argv[1:] if argv is None else argv),
        "recipe": {**RECIPE, "seed": args.seed, "feature_layers": list(FEATURE_LAYERS), "keep": KEEP},
        "threshold": round(detector.threshold, 4),
        "sizes": {part: {name: len(group) for name, group in groups.items()} for part, groups in features.items()},
        "validation": {
            "digits kept": rates(detector, features["validation digits"], digits=True),
            "non-digits rejected": rates(detector, features["validation non-digits"], digits=False),
        },
        "held out": {
            "digits kept": rates(detector, held_out, digits=True),
            "letters rejected": rates(detector, features["held-out non-digits"], digits=False),
        },
        "kept test writers' digits read right": kept_right(
            detector, model, both["digits", "test"], np.tile(pen["digits", "test"].labels, 2)
        ),
    }
    record["minutes"] = round((time.perf_counter() - started) / 60, 1)
    detector.save(args.output)
    args.output.with_suffix(".run.json").write_text(json.dumps(record, indent=1) + "\n")
    for part, groups in [*record["validation"].items(), *record["held out"].items()]:
        print(f"{part}: " + "; ".join(f"{name} {share:.1%}" for name, share in groups.items()))
    kept = record["kept test writers' digits read right"]
    print(f"Kept test writers' digits read right: {kept:.1%}")
    print(f"Threshold {detector.threshold:.3f}; saved to {args.output} and {args.output.with_suffix('.run.json')} "
          f"({record['minutes']:.1f} minutes).")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
