"""Training: the loop the chapters use, and the recipe behind the shipped weights.

``python -m digitlib.train --output digitlib/weights/digit_cnn.weights.h5`` reproduces the
shipped model from scratch and prints its test accuracy and how long it took.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from digitlib.startup import quiet_tensorflow_startup

with quiet_tensorflow_startup():
    import keras

#: The recipe of the shipped weights (see ``main``).
RECIPE = {"epochs": 30, "batch_size": 128, "peak_learning_rate": 2e-3, "seed": 2026}


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
    if epochs < 1:
        raise ValueError(f"epochs must be at least 1, got {epochs}")
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
    """The records of the runs behind the shipped weights, the shipped run first, then the
    recipes tried before it (``digitlib/weights/tried/``), as ``python -m digitlib.train``
    wrote them: the recipe, each epoch's accuracy and loss, the best validation accuracy,
    and the test accuracy of the shipped run only (the test set is used once)."""
    from importlib import resources

    folder = Path(str(resources.files("digitlib") / "weights"))
    paths = [folder / "digit_cnn.run.json", *sorted((folder / "tried").glob("*.run.json"))]
    return [json.loads(path.read_text()) for path in paths]


def main(argv: list[str] | None = None) -> int:
    """Train the shipped model from scratch, choosing the best epoch on a validation split.

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
    parser.add_argument("--epochs", type=int, default=RECIPE["epochs"])
    parser.add_argument("--seed", type=int, default=RECIPE["seed"])
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
    args = parser.parse_args(argv)
    if not str(args.output).endswith(".weights.h5"):
        parser.error("--output must end in .weights.h5 (Keras' weights format)")
    strengths = {}
    for item in args.strength:
        name, _, value = item.partition("=")
        if name not in AUGMENTATION:
            parser.error(f"--strength {item}: expected one of {', '.join(AUGMENTATION)}, got {name!r}")
        strengths[name] = float(value)

    started = time.perf_counter()
    keras.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = load_mnist()
    train, validation = split_validation(to_model_input(x_train), y_train)
    model = build_enhanced(seed=args.seed, strengths=strengths)
    steps = -(-len(train[0]) // RECIPE["batch_size"])
    print(
        f"Training {model.name} ({model.count_params():,} weights) for {args.epochs} epochs "
        f"on {len(train[0]):,} digits, validating on {len(validation[0]):,}."
    )
    history = fit(model, train, validation, epochs=args.epochs, batch_size=RECIPE["batch_size"],
                  learning_rate=cosine_schedule(RECIPE["peak_learning_rate"], args.epochs, steps),
                  checkpoint=args.output)  # fmt: skip
    model.load_weights(args.output)
    _, val_accuracy = model.evaluate(*validation, verbose=0)
    record = {
        "name": args.name,
        "command": "python -m digitlib.train " + " ".join(sys.argv[1:] if argv is None else argv),
        "recipe": {**RECIPE, "epochs": args.epochs, "seed": args.seed},
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
    if not args.no_test:
        _, test_accuracy = model.evaluate(to_model_input(x_test), y_test, verbose=0)
        record["test_accuracy"] = round(float(test_accuracy), 5)
        print(
            f"Test accuracy {test_accuracy:.2%} "
            f"({round((1 - test_accuracy) * len(y_test))} of {len(y_test):,} test digits wrong)."
        )
    record["minutes"] = round((time.perf_counter() - started) / 60, 1)
    record_path(args.output).write_text(json.dumps(record, indent=1) + "\n")
    print(f"Weights saved to {args.output}, the run's record to {record_path(args.output)}; "
          f"{record['minutes']:.1f} minutes in all.")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
