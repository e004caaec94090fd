"""Recorded comparisons: experiments too long for the book build, run once by a command.

Each comparison of :data:`COMPARISONS` trains a few recipes (a network and its learning rate),
each from the same seeds on the same digits, and records what every network answered on every
digit of its evaluation sets, so that a chapter can pair any two networks digit by digit
(McNemar's test) without training them.  The minutes of training, by each record (epochs
only, on 2 cores that other jobs shared, so at most these on 2 idle cores)::

    python -m digitlib.comparisons augmentation    # 21 minutes
    python -m digitlib.comparisons designs         # 8 minutes
    python -m digitlib.comparisons regularization  # 7 minutes
    python -m digitlib.comparisons learning-rate   # 7 minutes

* ``augmentation`` (chapter "Data augmentation"): the original demo's network trained plain and with
  augmentation, judged on MNIST's test digits, clean and distorted, and on other writers;
* ``designs`` (chapter "Building a CNN"): the shipped design without augmentation, the same
  without batch normalization and with a flattened head, trained with the shipped recipe's
  schedule and judged on the validation split;
* ``regularization`` (chapter "Training the network"): its small network with nothing, dropout
  or L2, from three seeds, judged on the validation split;
* ``learning-rate`` (chapter "Training the network"): the baseline trained with five constant
  learning rates, judged on the validation split.

The command writes ``NAME.npz`` (each network's predicted digits, as ``uint8``; for a comparison
with ``confidences``, also each digit's cross-entropy and the network's top probability, as
``float16``) and
``NAME.run.json`` (the command, each network's validation accuracy per epoch, minutes and
weights) into ``digitlib/weights/comparisons/``; :func:`recorded_comparison` reads them back.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from digitlib.data import load_mnist, split_validation
from digitlib.evaluate import distort
from digitlib.made_drawings import rare_style_digits
from digitlib.models import build_baseline, build_enhanced, build_small
from digitlib.pen_inputs import uci_handwriting
from digitlib.preprocess import to_model_input
from digitlib.startup import quiet_tensorflow_startup
from digitlib.train import RECIPE, cosine_schedule, fit
from digitlib.validation import check_choice, check_scalar

with quiet_tensorflow_startup():
    import keras

#: The distorted versions of MNIST's test set: what each does to every test digit.
CONDITIONS = {
    "shifted 4 px": {"shift": (0, 4)},
    "turned 25°": {"rotate_degrees": 25},
    "shrunk to 60 %": {"scale": 0.6},
    "enlarged 125 %": {"scale": 1.25},
}
_FOLDER = "weights/comparisons"


def augmentation_sets() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The augmentation comparison's sets, as (model inputs, labels): MNIST's test digits
    clean and under each of :data:`CONDITIONS`, the UCI writers' digits, and the rare styles
    (the two pen styles read from their pixels, the others from their strokes, as the
    augmentation chapter explains)."""
    (_, _), (x_test, y_test) = load_mnist()
    test = to_model_input(x_test)
    sets = {"clean": (test, y_test)}
    for condition, change in CONDITIONS.items():
        sets[condition] = (distort(test, **change), y_test)
    sets["UCI handwriting"] = uci_handwriting()
    styles = rare_style_digits()
    sets["rare styles"] = (styles.as_read(), styles.labels)
    return sets


def training_split() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """MNIST's training digits as model inputs, split into digits to learn from and the
    validation split (the last 5,000), as ``python -m digitlib.train`` splits them."""
    (x_train, y_train), _ = load_mnist()
    return split_validation(to_model_input(x_train), y_train)


def validation_set() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The validation split alone, the set that decisions are made on."""
    (x_train, y_train), _ = load_mnist()
    _, (x_validation, y_validation) = split_validation(x_train, y_train)
    return {"validation": (to_model_input(x_validation), y_validation)}


@dataclass(frozen=True)
class Recipe:
    """One network of a comparison: ``build(seed=seed, **options)``, trained by
    :func:`digitlib.train.fit` with Adam at ``learning_rate``: constant, or the peak of the
    schedule when the comparison has ``decay``."""

    build: Callable[..., keras.Model]
    options: dict = field(default_factory=dict)
    learning_rate: float = 1e-3


@dataclass(frozen=True)
class Comparison:
    """A comparison: its ``recipes`` by name, each trained for ``epochs`` from each of
    ``seeds`` on the first ``train_digits`` training digits (``None``: all 55,000) in
    batches of ``batch_size``, and judged on every set that ``evaluation_sets()`` returns.
    ``decay``: each recipe's learning rate is the peak of the shipped recipe's schedule (one
    epoch of warm-up, then cosine decay, :func:`digitlib.train.cosine_schedule`) instead of
    a constant.  ``confidences``: the record keeps how sure each network was of every digit,
    not only what it answered (:meth:`RecordedComparison.cross_entropy`)."""

    recipes: dict[str, Recipe]
    epochs: int
    seeds: tuple[int, ...]
    train_digits: int | None
    evaluation_sets: Callable[[], dict[str, tuple[np.ndarray, np.ndarray]]]
    batch_size: int = 128
    decay: bool = False
    confidences: bool = False

    def describe(self, name: str) -> str:
        """How recipe ``name`` is built and trained, in one line."""
        recipe = self.recipes[name]
        options = "".join(f", {key}={value!r}" for key, value in recipe.options.items())
        rate = "peak learning rate" if self.decay else "learning rate"
        return f"{recipe.build.__name__}(seed=seed{options}), {rate} {recipe.learning_rate:g}"


#: The learning rates of the ``learning-rate`` sweep, from 1e-4 to 1e-2 evenly on a log scale.
LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2)
#: The shipped recipe's peak learning rate, which the ``designs`` comparison trains with.
PEAK = RECIPE["peak_learning_rate"]
#: Every recorded comparison, by the name its command takes.
COMPARISONS = {
    "augmentation": Comparison(
        recipes={"plain": Recipe(build_baseline), "augmented": Recipe(build_baseline, {"augment": True})},
        epochs=4,
        seeds=(0, 1),
        train_digits=None,
        evaluation_sets=augmentation_sets,
    ),
    "designs": Comparison(
        recipes={
            "as shipped": Recipe(build_enhanced, {"augment": False}, PEAK),
            "without batch normalization": Recipe(build_enhanced, {"augment": False, "batch_norm": False}, PEAK),
            "flatten instead of global average": Recipe(build_enhanced, {"augment": False, "head": "flatten"}, PEAK),
        },
        epochs=4,
        seeds=(0, 1),
        train_digits=5_000,
        evaluation_sets=validation_set,
        batch_size=32,  # 628 updates: enough for batch normalization's averages to follow
        decay=True,  # a rate that settles at the end, as the shipped recipe's does
    ),
    "regularization": Comparison(
        recipes={
            "nothing": Recipe(build_small),
            "dropout 0.5": Recipe(build_small, {"dropout": 0.5}),
            "L2 0.001": Recipe(build_small, {"l2": 1e-3}),
        },
        epochs=40,
        seeds=(0, 1, 2),
        train_digits=1_000,
        evaluation_sets=validation_set,
        confidences=True,  # the chapter compares the networks' cross-entropy too
    ),
    "learning-rate": Comparison(
        recipes={f"{rate:g}": Recipe(build_baseline, learning_rate=rate) for rate in LEARNING_RATES},
        epochs=4,
        seeds=(0, 1),
        train_digits=5_000,
        evaluation_sets=validation_set,
    ),
}


def train_recipes(
    comparison: Comparison,
    seed: int,
    *,
    epochs: int,
    split: tuple,
):
    """Each recipe of ``comparison`` trained from ``seed``, same digits:
    those of ``split``, :func:`training_split` made once for all seeds."""
    train, validation = split
    train = tuple(part[: comparison.train_digits] for part in train)
    trained = {}
    batches = -(-len(train[0]) // comparison.batch_size)  # updates an epoch
    for name, recipe in comparison.recipes.items():
        keras.utils.set_random_seed(seed)
        model = recipe.build(seed=seed, **recipe.options)
        rate = recipe.learning_rate
        if comparison.decay:
            rate = cosine_schedule(rate, epochs, batches)
        settings = {
            "batch_size": comparison.batch_size,
            "learning_rate": rate,
            "verbose": 0,
        }
        history = fit(model, train, validation, epochs=epochs, **settings)
        trained[name] = {
            "model": model,
            "val_accuracy": history.history["val_accuracy"],
            "minutes": sum(history.history["seconds"]) / 60,
        }
    return trained


@dataclass(frozen=True)
class RecordedComparison:
    """A recorded comparison: ``predictions[recipe, seed][set]`` is what that network
    answered on each digit of the set, ``labels[set]`` the right answers, and ``runs`` each
    network's validation accuracy per epoch, minutes and weights, with the command.  For a
    comparison with ``confidences``, ``losses`` and ``top`` hold, in the same way, each
    digit's cross-entropy and the network's highest probability; otherwise they are empty."""

    predictions: dict[tuple[str, int], dict[str, np.ndarray]]
    labels: dict[str, np.ndarray]
    runs: list[dict]
    command: str
    epochs: int
    losses: dict[tuple[str, int], dict[str, np.ndarray]] = field(default_factory=dict)
    top: dict[tuple[str, int], dict[str, np.ndarray]] = field(default_factory=dict)

    def _kept(self, kind: str, recipe: str, seed: int, name: str) -> np.ndarray:
        """What the record keeps of one kind (``"predictions"``, ``"losses"`` or ``"top"``)
        for the network ``(recipe, seed)`` on set ``name``, or a ``ValueError`` that says why
        it has none."""
        check_choice(name, name="the set", choices=self.labels)
        if (recipe, seed) not in self.predictions:
            raise ValueError(
                f"the record has no network ({recipe!r}, seed {seed}): it holds recipes "
                f"{self.recipes} with seeds {self.seeds}"
            )
        kept = getattr(self, kind)
        if (recipe, seed) not in kept:
            what = {"losses": "cross-entropy", "top": "top probability"}[kind]
            raise ValueError(
                f"the record keeps no {what} for ({recipe!r}, seed {seed}): only a comparison "
                "made with confidences=True keeps each digit's cross-entropy and top probability"
            )
        return kept[recipe, seed][name]

    def right(self, recipe: str, seed: int, name: str) -> np.ndarray:
        """Which digits of set ``name`` the network ``(recipe, seed)`` read right."""
        return self._kept("predictions", recipe, seed, name) == self.labels[name]

    def accuracy(self, recipe: str, seed: int, name: str) -> float:
        """The share of set ``name`` that the network ``(recipe, seed)`` read right."""
        return float(self.right(recipe, seed, name).mean())

    def cross_entropy(self, recipe: str, seed: int, name: str) -> float:
        """The network's mean cross-entropy on set ``name`` (no L2 term: only the answers)."""
        return float(self._kept("losses", recipe, seed, name).astype(np.float64).mean())

    def confidence_when_wrong(self, recipe: str, seed: int, name: str) -> float:
        """The network's mean highest probability on the digits of ``name`` it misread."""
        wrong = ~self.right(recipe, seed, name)
        return float(self._kept("top", recipe, seed, name)[wrong].astype(np.float64).mean())

    @property
    def seeds(self) -> list[int]:
        return sorted({seed for _, seed in self.predictions})

    @property
    def recipes(self) -> list[str]:
        """The recipes' names, in the order they were trained."""
        return list(dict.fromkeys(recipe for recipe, _ in self.predictions))


def _key(*parts) -> str:
    return "|".join(str(part) for part in parts)


#: What a record keeps of each network on each set, and its key's last part: what it
#: answered (no suffix), each digit's cross-entropy and its highest probability.
_KINDS = {"predictions": (), "losses": ("cross-entropy",), "top": ("top probability",)}
#: Probabilities are clipped to at least this before the cross-entropy: a digit costs at most
#: -ln 1e-7, about 16.1.
_EPSILON = 1e-7


def _default_folder() -> Path:
    return Path(str(resources.files("digitlib") / _FOLDER))


def recorded_comparison(name: str, folder: Path | None = None) -> RecordedComparison:
    """The record that ``python -m digitlib.comparisons NAME`` wrote (see the module's docstring)."""
    check_choice(name, name="the comparison", choices=COMPARISONS)
    folder = _default_folder() if folder is None else Path(folder)
    record = json.loads((folder / f"{name}.run.json").read_text())
    sets = record["sets"]
    with np.load(folder / f"{name}.npz", allow_pickle=False) as arrays:
        labels = {name: arrays[_key("labels", name)] for name in sets}
        kept = {"predictions": {}, "losses": {}, "top": {}}
        for run in record["runs"]:
            network = run["recipe"], run["seed"]
            for kind, found in kept.items():
                keys = {name: _key(*network, name, *_KINDS[kind]) for name in sets}
                if all(key in arrays.files for key in keys.values()):
                    found[network] = {name: arrays[key] for name, key in keys.items()}
    return RecordedComparison(
        labels=labels, runs=record["runs"], command=record["command"], epochs=record["epochs"], **kept
    )


def record_comparison(
    name: str, comparison: Comparison, *, seeds, epochs: int, folder: Path, command: str = ""
) -> RecordedComparison:
    """Train :func:`train_recipes` of ``comparison`` for each seed, predict every digit of its
    evaluation sets, and write the record into ``folder`` under ``name``."""
    check_scalar(epochs, name="epochs", kind="integer", low=1)
    sets = comparison.evaluation_sets()
    arrays = {_key("labels", set_name): labels for set_name, (_, labels) in sets.items()}
    runs, split = [], training_split()
    for seed in seeds:
        for recipe, trained in train_recipes(comparison, seed, epochs=epochs, split=split).items():
            model = trained.pop("model")
            for set_name, (inputs, labels) in sets.items():
                probabilities = model.predict(inputs, batch_size=500, verbose=0)
                arrays[_key(recipe, seed, set_name)] = probabilities.argmax(axis=1).astype(np.uint8)
                if comparison.confidences:
                    of_the_right = probabilities[np.arange(len(labels)), labels]
                    losses = -np.log(np.clip(of_the_right, _EPSILON, 1.0))
                    arrays[_key(recipe, seed, set_name, *_KINDS["losses"])] = losses.astype(np.float16)
                    top = probabilities.max(axis=1).astype(np.float16)
                    arrays[_key(recipe, seed, set_name, *_KINDS["top"])] = top
            trained["val_accuracy"] = [float(a) for a in trained["val_accuracy"]]
            runs.append({"recipe": recipe, "seed": seed, "weights": model.count_params(), **trained})
            last = trained["val_accuracy"][-1]
            print(f"{recipe} seed {seed}: validation {last:.2%}, {trained['minutes']:.1f} min", flush=True)
    folder.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(folder / f"{name}.npz", **arrays)
    record = {"command": command, "epochs": epochs, "sets": list(sets), "runs": runs}
    (folder / f"{name}.run.json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    return recorded_comparison(name, folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m digitlib.comparisons", description=__doc__.split("\n\n")[0])
    parser.add_argument("comparison", choices=list(COMPARISONS), help="which comparison to run")
    parser.add_argument("--epochs", type=int, default=None, help="instead of the comparison's own")
    parser.add_argument("--seeds", type=int, nargs="+", default=None, help="instead of the comparison's own")
    parser.add_argument("--output", type=Path, default=_default_folder(), help="the record's folder")
    args = parser.parse_args(argv)
    comparison = COMPARISONS[args.comparison]
    shown = ["python", "-m", "digitlib.comparisons", *(sys.argv[1:] if argv is None else argv)]
    started = time.perf_counter()
    record_comparison(
        args.comparison,
        comparison,
        seeds=comparison.seeds if args.seeds is None else args.seeds,
        epochs=comparison.epochs if args.epochs is None else args.epochs,
        folder=args.output,
        command=shlex.join(shown),
    )
    print(f"wrote {args.output} in {(time.perf_counter() - started) / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
