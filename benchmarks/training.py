"""Training cost of the course's recipes on this CPU: seconds per epoch, total time, peak memory,
and the test accuracy they reach.

Each recipe trains in a process of its own, so that its peak memory is its own. The baselines train
for the profile's epochs, as in the chapters; the enhanced network (the shipped model's recipe,
30 epochs in full) for one epoch, enough to time an epoch.

Run: .venv/bin/python benchmarks/training.py
"""

import resource
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from report import report

from digitlib.profiles import get_profile
from digitlib.train import RECIPE

RECIPES = ["baseline", "baseline + augmentation", "enhanced + augmentation"]


def train_recipe(recipe: str) -> dict:
    """Train one recipe from scratch; runs in a fresh process."""
    from digitlib.startup import quiet_tensorflow_startup

    with quiet_tensorflow_startup():
        import keras

    from digitlib.data import load_mnist, split_validation
    from digitlib.evaluate import accuracy
    from digitlib.models import build_baseline, build_enhanced
    from digitlib.preprocess import to_model_input
    from digitlib.train import RECIPE, cosine_schedule, fit

    profile = get_profile()
    (x_train, y_train), (x_test, y_test) = load_mnist(verbose=False)
    x_train, y_train = profile.limit(x_train, y_train, "train")
    x_test, y_test = profile.limit(x_test, y_test, "test")
    train, validation = split_validation(to_model_input(x_train), y_train, size=len(x_train) // 12)
    keras.utils.set_random_seed(0)
    if recipe == "enhanced + augmentation":
        model, epochs = build_enhanced(seed=0), 1
        steps = -(-len(train[0]) // RECIPE["batch_size"])
        learning_rate = cosine_schedule(RECIPE["peak_learning_rate"], RECIPE["epochs"], steps)
    else:
        model, epochs, learning_rate = build_baseline(augment=recipe.endswith("augmentation")), profile.epochs, 1e-3
    started = time.perf_counter()
    history = fit(model, train, validation, epochs=epochs, learning_rate=learning_rate, verbose=0)
    total = time.perf_counter() - started
    seconds = history.history["seconds"]
    return {
        "recipe": recipe, "weights": model.count_params(), "training digits": len(train[0]), "epochs": epochs,
        "seconds per epoch": sum(seconds) / len(seconds), "total seconds": total,
        "peak memory MiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        # one epoch of the enhanced recipe's 30 is no finished model: its accuracy would mislead
        "test accuracy": (
            accuracy(model, to_model_input(x_test), y_test) if recipe != "enhanced + augmentation" else None
        ),
    }  # fmt: skip


def main() -> None:
    results = []
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn"), max_tasks_per_child=1) as pool:
        for recipe in RECIPES:
            print(f"training {recipe} ...", flush=True)
            results.append(pool.submit(train_recipe, recipe).result())
    columns = list(results[0])
    rows = [
        [r["recipe"], f"{r['weights']:,}", f"{r['training digits']:,}", r["epochs"], f"{r['seconds per epoch']:.0f}",
         f"{r['total seconds'] / 60:.1f} min", f"{r['peak memory MiB']:,.0f}",
         "not measured" if r["test accuracy"] is None else f"{r['test accuracy']:.2%}"]
        for r in results
    ]  # fmt: skip
    columns[3], columns[5] = "epochs run", "total time"
    report(
        "training",
        f"Training cost on this CPU ({get_profile().name} profile)",
        columns,
        rows,
        f"The enhanced recipe ran one epoch of its {RECIPE['epochs']}, to time an epoch; run in full by "
        "python -m digitlib.train, it made the shipped model's first stage; a second stage with pen-written "
        "digits (python -m digitlib.train --start-from ... --pens) made the shipped model (see the accuracy table).",
    )


if __name__ == "__main__":
    main()
