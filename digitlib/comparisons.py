"""Recorded comparisons: experiments too long for the book build, run once by a command.

The augmentation chapter compares the original demo's network trained plain and with
augmentation, paired on the same digits over two seeds::

    python -m digitlib.comparisons augmentation

trains the four networks (about 15 minutes on 2 idle cores) and writes what each answered on every
evaluation set into ``digitlib/weights/comparisons/``; :func:`augmentation_comparison` reads it
back.  The record keeps each network's predicted digit for every digit, so that a chapter can
pair any two networks digit by digit (McNemar's test) without training them.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from digitlib.data import load_mnist, split_validation
from digitlib.evaluate import distort
from digitlib.made_drawings import rare_style_digits
from digitlib.models import build_baseline
from digitlib.pen_inputs import uci_handwriting
from digitlib.preprocess import to_model_input
from digitlib.startup import quiet_tensorflow_startup
from digitlib.train import fit
from digitlib.validation import check_scalar

with quiet_tensorflow_startup():
    import keras

#: The distorted versions of MNIST's test set: what each does to every test digit.
CONDITIONS = {
    "shifted 4 px": {"shift": (0, 4)},
    "turned 25°": {"rotate_degrees": 25},
    "shrunk to 60 %": {"scale": 0.6},
    "enlarged 125 %": {"scale": 1.25},
}
#: The two recipes compared: the same network, without and with augmentation.
RECIPES = {"plain": False, "augmented": True}
#: How the recorded comparison was run (``main``'s defaults).
AUGMENTATION_RUN = {"epochs": 4, "seeds": [0, 1]}
_FOLDER = "weights/comparisons"


def evaluation_sets() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every set the comparison is judged on, as (model inputs, labels): MNIST's test
    digits clean and under each of :data:`CONDITIONS`, the UCI writers' digits, and the
    rare styles (the two pen styles read from their pixels, the others from their strokes,
    as the augmentation chapter explains)."""
    (_, _), (x_test, y_test) = load_mnist()
    test = to_model_input(x_test)
    sets = {"clean": (test, y_test)}
    for condition, change in CONDITIONS.items():
        sets[condition] = (distort(test, **change), y_test)
    sets["UCI handwriting"] = uci_handwriting()
    styles = rare_style_digits()
    sets["rare styles"] = (styles.as_read(), styles.labels)
    return sets


def train_pair(seed: int, *, epochs: int) -> dict:
    """The baseline trained plain and with augmentation from one seed."""
    (x_train, y_train), _ = load_mnist()
    train, validation = split_validation(to_model_input(x_train), y_train)
    pair = {}
    for recipe, augment in RECIPES.items():
        keras.utils.set_random_seed(seed)
        model = build_baseline(augment=augment, seed=seed)
        history = fit(model, train, validation, epochs=epochs)
        pair[recipe] = {
            "model": model,
            "val_accuracy": history.history["val_accuracy"],
            "minutes": sum(history.history["seconds"]) / 60,
        }
    return pair


@dataclass(frozen=True)
class RecordedComparison:
    """A recorded comparison: ``predictions[recipe, seed][set]`` is what that network
    answered on each digit of the set, ``labels[set]`` the right answers, and ``runs`` each
    network's validation accuracy per epoch, minutes and weights, with the command."""

    predictions: dict[tuple[str, int], dict[str, np.ndarray]]
    labels: dict[str, np.ndarray]
    runs: list[dict]
    command: str
    epochs: int

    def right(self, recipe: str, seed: int, name: str) -> np.ndarray:
        """Which digits of set ``name`` the network ``(recipe, seed)`` read right."""
        return self.predictions[recipe, seed][name] == self.labels[name]

    @property
    def seeds(self) -> list[int]:
        return sorted({seed for _, seed in self.predictions})


def _key(*parts) -> str:
    return "|".join(str(part) for part in parts)


def augmentation_comparison(folder: Path | None = None) -> RecordedComparison:
    """The recorded plain-against-augmented comparison (see the module's docstring)."""
    folder = Path(str(resources.files("digitlib") / _FOLDER)) if folder is None else Path(folder)
    record = json.loads((folder / "augmentation.run.json").read_text())
    with np.load(folder / "augmentation.npz", allow_pickle=False) as arrays:
        labels = {name: arrays[_key("labels", name)] for name in record["sets"]}
        predictions = {}
        for run in record["runs"]:
            network = run["recipe"], run["seed"]
            predictions[network] = {name: arrays[_key(*network, name)] for name in record["sets"]}
    return RecordedComparison(predictions, labels, record["runs"], record["command"], record["epochs"])


def record_augmentation_comparison(seeds, *, epochs: int, folder: Path, command: str = "") -> RecordedComparison:
    """Train :func:`train_pair` for each seed, predict every :func:`evaluation_sets` digit,
    and write the record into ``folder``."""
    check_scalar(epochs, name="epochs", kind="integer", low=1)
    sets = evaluation_sets()
    arrays = {_key("labels", name): labels for name, (_, labels) in sets.items()}
    runs = []
    for seed in seeds:
        for recipe, trained in train_pair(seed, epochs=epochs).items():
            model = trained.pop("model")
            for name, (inputs, _) in sets.items():
                predicted = model.predict(inputs, batch_size=500, verbose=0).argmax(axis=1)
                arrays[_key(recipe, seed, name)] = predicted.astype(np.uint8)
            trained["val_accuracy"] = [float(a) for a in trained["val_accuracy"]]
            runs.append({"recipe": recipe, "seed": seed, "weights": model.count_params(), **trained})
            last = trained["val_accuracy"][-1]
            print(f"{recipe} seed {seed}: validation {last:.2%}, {trained['minutes']:.1f} min", flush=True)
    folder.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(folder / "augmentation.npz", **arrays)
    record = {"command": command, "epochs": epochs, "sets": list(sets), "runs": runs}
    (folder / "augmentation.run.json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    return augmentation_comparison(folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m digitlib.comparisons", description=__doc__.split("\n\n")[0])
    parser.add_argument("comparison", choices=["augmentation"], help="which comparison to run")
    parser.add_argument("--epochs", type=int, default=AUGMENTATION_RUN["epochs"])
    parser.add_argument("--seeds", type=int, nargs="+", default=AUGMENTATION_RUN["seeds"])
    default_folder = Path(str(resources.files("digitlib") / _FOLDER))
    parser.add_argument("--output", type=Path, default=default_folder, help="the record's folder")
    args = parser.parse_args(argv)
    shown = ["python", "-m", "digitlib.comparisons", *(sys.argv[1:] if argv is None else argv)]
    started = time.perf_counter()
    record_augmentation_comparison(args.seeds, epochs=args.epochs, folder=args.output, command=shlex.join(shown))
    print(f"wrote {args.output} in {(time.perf_counter() - started) / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
