"""Training: the loop the chapters use, and the recipe behind the shipped weights.

The shipped model is made in two stages, from scratch::

    python -m digitlib.train --output mnist.weights.h5
    python -m digitlib.train --start-from mnist.weights.h5 --pens \\
        --output digitlib/weights/digit_cnn.weights.h5

Each prints its accuracies and how long it took, and writes a record of its run.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from pathlib import Path

import numpy as np

from digitlib.startup import quiet_tensorflow_startup
from digitlib.validation import check_scalar

with quiet_tensorflow_startup():
    import keras

#: The recipe of the shipped weights (see ``main``).
RECIPE = {"epochs": 30, "batch_size": 128, "peak_learning_rate": 2e-3, "seed": 2026}
#: The recipe of a run that goes on from trained weights (``--start-from``), as the shipped
#: model's second stage does.  With ``--pens`` each pen training writer's digit is seen
#: ``stroke_copies`` times through the stroke path and ``pixel_copies`` times drawn on a canvas
#: (each time at another size and place, with another pen) through the pixel path.
FURTHER_RECIPE = {
    "epochs": 6,
    "batch_size": 128,
    "peak_learning_rate": 5e-4,
    "seed": 2026,
    "stroke_copies": 1,
    "pixel_copies": 2,
}


class EpochTimer(keras.callbacks.Callback):
    """Records how many seconds each epoch took, in ``seconds``."""

    def __init__(self):
        super().__init__()
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self._started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._started)


def cosine_schedule(peak_learning_rate: float, epochs: int, steps_per_epoch: int):
    """One epoch of linear warm-up to ``peak_learning_rate``, then cosine decay to 1 % of it."""
    total = epochs * steps_per_epoch
    warmup = min(steps_per_epoch, total // 2)
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=peak_learning_rate / 100,
        warmup_target=peak_learning_rate,
        warmup_steps=warmup,
        decay_steps=max(total - warmup, 1),
        alpha=0.01,
    )


def fit(
    model: keras.Model,
    train: tuple[np.ndarray, np.ndarray],
    validation: tuple[np.ndarray, np.ndarray],
    *,
    epochs: int,
    batch_size: int = 128,
    learning_rate: float | keras.optimizers.schedules.LearningRateSchedule = 1e-3,
    patience: int | None = None,
    checkpoint: str | Path | None = None,
    verbose: int | str = 2,
) -> keras.callbacks.History:
    """Compile ``model`` with Adam and sparse categorical cross-entropy and train it.

    ``patience``: stop after that many epochs without a better validation accuracy and restore
    the best weights.  ``checkpoint``: save the best weights (by validation accuracy) there.
    The returned history also holds each epoch's duration, as ``history.history["seconds"]``.
    """
    check_scalar(epochs, name="epochs", kind="integer", low=1)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    timer = EpochTimer()
    callbacks: list[keras.callbacks.Callback] = [timer]
    if patience is not None:
        callbacks.append(keras.callbacks.EarlyStopping("val_accuracy", patience=patience, restore_best_weights=True))
    if checkpoint is not None:
        callbacks.append(
            keras.callbacks.ModelCheckpoint(
                str(checkpoint), monitor="val_accuracy", save_best_only=True, save_weights_only=True
            )
        )
    history = model.fit(
        *train, validation_data=validation, epochs=epochs, batch_size=batch_size,
        callbacks=callbacks, verbose=verbose,
    )  # fmt: skip
    history.history["seconds"] = timer.seconds
    return history


def record_path(weights: str | Path) -> Path:
    """Where the record of the run that made ``weights`` lives: ``NAME.run.json`` beside ``NAME.weights.h5``."""
    weights = Path(weights)
    return weights.with_name(weights.name.removesuffix(".weights.h5") + ".run.json")


def training_runs() -> list[dict]:
    """The records of the runs behind the shipped weights, as ``python -m digitlib.train``
    wrote them: the shipped run first (MNIST plus real pens, from the MNIST stage's weights),
    then the MNIST stage it started from, then the recipes tried before
    (``digitlib/weights/tried/``).  Each holds the recipe, each epoch's accuracy and loss, the
    best validation accuracy, and the test accuracy of the runs that shipped only (the test
    set is used once)."""
    from importlib import resources

    folder = Path(str(resources.files("digitlib") / "weights"))
    shipped = json.loads((folder / "digit_cnn.run.json").read_text())
    tried = [json.loads(path.read_text()) for path in sorted((folder / "tried").glob("*.run.json"))]
    return [shipped, shipped["starts_from"], *tried]


def pen_comparison_runs() -> list[dict]:
    """The records of the runs that measure what the pen writers' digits add: the same second
    stage, from the same MNIST-stage weights, with (``"pens": True``) and without them, each
    with two seeds.  The shipped run is the first with pens; the others are in
    ``digitlib/weights/pen_comparison/``.  Each holds which test writers' digits it read right
    (``pen_test``) and its MNIST test accuracy."""
    from importlib import resources

    folder = Path(str(resources.files("digitlib") / "weights"))
    shipped = json.loads((folder / "digit_cnn.run.json").read_text())
    others = [json.loads(path.read_text()) for path in sorted((folder / "pen_comparison").glob("*.run.json"))]
    return sorted([shipped, *others], key=lambda run: (not run["pens"], run["recipe"]["seed"]))


def pen_digits(split: str, *, stroke_copies: int = 1, pixel_copies: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """One side of the pen writers' digits as model inputs and labels: each digit
    ``stroke_copies`` times through the pad's stroke path, and ``pixel_copies`` times drawn on
    a canvas through the pixel path, each time at another size and place and with another
    pen (seeds 0, 1, ...)."""
    from digitlib.pen_inputs import pen_inputs

    prepared = [pen_inputs("digits", split, seed=seed) for seed in range(max(pixel_copies, 1))]
    inputs = np.concatenate([prepared[0].strokes] * stroke_copies + [p.pixels for p in prepared[:pixel_copies]])
    return inputs, np.tile(prepared[0].labels, stroke_copies + pixel_copies)


def pen_accuracy(model: keras.Model, split: str) -> dict:
    """The share of one side's pen digits ``model`` reads right, by path, and which ones
    (``"right"``: a string of 0s and 1s in the file's order, for paired comparisons)."""
    from digitlib.pen_inputs import pen_inputs

    prepared = pen_inputs("digits", split)
    result = {}
    for path in ("strokes", "pixels"):
        right = model.predict(getattr(prepared, path), batch_size=500, verbose=0).argmax(axis=1) == prepared.labels
        result[path] = {"accuracy": round(float(right.mean()), 5), "right": "".join("01"[int(r)] for r in right)}
    return result


def test_results(model: keras.Model) -> dict:
    """``model`` on MNIST's test set and on the test writers' digits, printed and returned
    for a run's record (``test_accuracy`` and ``pen_test``)."""
    from digitlib.data import load_mnist
    from digitlib.preprocess import to_model_input

    _, (x_test, y_test) = load_mnist()
    predicted = model.predict(to_model_input(x_test), batch_size=500, verbose=0).argmax(axis=1)
    test_accuracy = float(np.mean(predicted == y_test))
    wrong = int(np.sum(predicted != y_test))
    print(f"Test accuracy {test_accuracy:.2%} ({wrong} of {len(y_test):,} test digits wrong).")
    pen_test = pen_accuracy(model, "test")
    print("Test writers: " + ", ".join(f"{path} {r['accuracy']:.2%}" for path, r in pen_test.items()))
    return {"test_accuracy": round(float(test_accuracy), 5), "pen_test": pen_test}


def measure_test(weights: Path, record_file: Path) -> int:
    """Add the test results of the trained ``weights`` to their run's record, once."""
    from digitlib.models import build_enhanced

    record = json.loads(record_file.read_text())
    if record.get("test_accuracy") is not None:
        raise SystemExit(f"{record_file} already holds test results: the test set is used once")
    model = build_enhanced()
    model.load_weights(weights)
    record.update(test_results(model))
    record["command"] += " && " + shlex.join(
        ["python", "-m", "digitlib.train", "--measure-test", "--output", str(weights)]
    )
    record_file.write_text(json.dumps(record, indent=1) + "\n")
    print(f"Added to {record_file}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Train the shipped model, choosing the best epoch on validation data.

    Two stages make the shipped weights: the MNIST recipe from random weights, then, from
    its weights (``--start-from``), MNIST plus the pen writers' digits (``--pens``).
    Writes the best weights to ``--output`` and a record of the run (recipe, history,
    accuracies, time) beside them, as ``NAME.run.json``.
    """
    from digitlib.data import load_mnist, split_validation
    from digitlib.models import AUGMENTATION, build_enhanced
    from digitlib.preprocess import to_model_input

    parser = argparse.ArgumentParser(prog="python -m digitlib.train", description=main.__doc__)
    parser.add_argument(
        "--output",
        type=Path,
        default=Path("digit_cnn.weights.h5"),
        help="where to save the best weights (default: %(default)s)",
    )
    parser.add_argument("--name", default="the shipped recipe", help="what the run tries, for its record")
    parser.add_argument("--epochs", type=int, help="default: the recipe's")
    parser.add_argument("--seed", type=int, default=RECIPE["seed"])
    for way in ("stroke", "pixel"):
        parser.add_argument(
            f"--{way}-copies", type=int, help=f"with --pens: how often each pen digit goes the {way} path"
        )
    parser.add_argument(
        "--start-from",
        type=Path,
        metavar="WEIGHTS",
        help="start from these weights of the same network (their run record must sit beside them)",
    )
    parser.add_argument(
        "--pens",
        action="store_true",
        help="train on MNIST plus the pen training writers' digits, choose on MNIST's and the "
        "validation writers' (the second stage's recipe)",
    )
    parser.add_argument(
        "--strength",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=f"change one distortion of the augmentation (names: {', '.join(AUGMENTATION)})",
    )
    parser.add_argument(
        "--no-test", action="store_true", help="a trial: do not look at the test set (it is used once, at the end)"
    )
    parser.add_argument(
        "--measure-test",
        action="store_true",
        help="train nothing: measure the weights at --output, a trial chosen on validation data, on "
        "the test set and the test writers, once, and add that to their record",
    )
    parser.add_argument("--record", type=Path, help="where to write the run's record (default: beside the weights)")
    args = parser.parse_args(argv)
    if not str(args.output).endswith(".weights.h5"):
        parser.error("--output must end in .weights.h5 (Keras' weights format)")
    strengths = {}
    for item in args.strength:
        name, _, value = item.partition("=")
        if name not in AUGMENTATION:
            parser.error(f"--strength {item}: expected one of {', '.join(AUGMENTATION)}, got {name!r}")
        strengths[name] = float(value)
    starts_from = None
    if args.start_from is not None:
        if not record_path(args.start_from).exists():
            parser.error(f"--start-from {args.start_from}: no run record beside it ({record_path(args.start_from)})")
        starts_from = json.loads(record_path(args.start_from).read_text())
    recipe = {**(FURTHER_RECIPE if starts_from else RECIPE), "seed": args.seed}
    if not args.pens:
        recipe.pop("stroke_copies", None)
        recipe.pop("pixel_copies", None)
    if args.epochs is not None:
        recipe["epochs"] = args.epochs
    for way in ("stroke", "pixel"):
        if getattr(args, f"{way}_copies") is not None:
            recipe[f"{way}_copies"] = getattr(args, f"{way}_copies")

    if args.measure_test:
        return measure_test(args.output, args.record or record_path(args.output))

    started = time.perf_counter()
    keras.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = load_mnist()
    train, validation = split_validation(to_model_input(x_train), y_train)
    mnist_validation = validation
    if args.pens:
        print("Preparing the pen writers' digits (cached after the first time) ...", flush=True)
        pens = pen_digits("train", stroke_copies=recipe["stroke_copies"], pixel_copies=recipe["pixel_copies"])
        pen_validation = pen_digits("validation")
        train = tuple(np.concatenate(pair) for pair in zip(train, pens))
        validation = tuple(np.concatenate(pair) for pair in zip(validation, pen_validation))
    model = build_enhanced(seed=args.seed, strengths=strengths)
    if args.start_from is not None:
        model.load_weights(args.start_from)
    steps = -(-len(train[0]) // recipe["batch_size"])
    print(
        f"Training {model.name} ({model.count_params():,} weights) for {recipe['epochs']} epochs "
        f"on {len(train[0]):,} digits, validating on {len(validation[0]):,}."
    )
    history = fit(model, train, validation, epochs=recipe["epochs"], batch_size=recipe["batch_size"],
                  learning_rate=cosine_schedule(recipe["peak_learning_rate"], recipe["epochs"], steps),
                  checkpoint=args.output)  # fmt: skip
    model.load_weights(args.output)
    _, val_accuracy = model.evaluate(*validation, verbose=0)
    record = {
        "name": args.name,
        "command": shlex.join(["python", "-m", "digitlib.train", *(sys.argv[1:] if argv is None else argv)]),
        "recipe": recipe,
        "pens": args.pens,
        "augmentation": {**AUGMENTATION, **strengths},
        "weights": model.count_params(),
        "history": {key: [round(float(v), 5) for v in values] for key, values in history.history.items()},
        "best_epoch": int(np.argmax(history.history["val_accuracy"])) + 1,
        "validation_accuracy": round(float(val_accuracy), 5),
        "test_accuracy": None,
        "minutes": None,
        "cpu_cores": os.cpu_count(),
    }
    print(f"Best validation accuracy {val_accuracy:.2%} (epoch {record['best_epoch']}).")
    record["mnist_validation_accuracy"] = round(float(model.evaluate(*mnist_validation, verbose=0)[1]), 5)
    record["pen_validation"] = pen_accuracy(model, "validation")
    print(
        f"MNIST validation {record['mnist_validation_accuracy']:.2%}; validation writers: "
        + ", ".join(f"{path} {r['accuracy']:.2%}" for path, r in record["pen_validation"].items())
    )
    if not args.no_test:
        record.update(test_results(model))
    record["minutes"] = round((time.perf_counter() - started) / 60, 1)
    if starts_from is not None:
        record["starts_from"] = starts_from
    record_file = args.record or record_path(args.output)
    record_file.write_text(json.dumps(record, indent=1) + "\n")
    print(f"Weights saved to {args.output}, the run's record to {record_file}; "
          f"{record['minutes']:.1f} minutes in all.")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
