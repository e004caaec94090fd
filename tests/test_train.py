import keras
import numpy as np
import pytest

from digitlib.train import cosine_schedule, fit


def tiny_model():
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])


def separable(n, seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    x = rng.normal(0, 0.3, (n, 4)).astype(np.float32)
    x[np.arange(n), y] += 2
    return x, y


def test_fit_learns_and_records_epoch_times():
    keras.utils.set_random_seed(0)
    model = tiny_model()
    history = fit(model, separable(600, 0), separable(200, 1), epochs=3, batch_size=32, learning_rate=0.05, verbose=0)
    assert len(history.history["seconds"]) == 3 and all(s > 0 for s in history.history["seconds"])
    assert history.history["val_accuracy"][-1] > 0.9


def test_early_stopping_restores_the_best_epoch(tmp_path):
    keras.utils.set_random_seed(0)
    model = tiny_model()
    validation = separable(200, 1)
    checkpoint = tmp_path / "best.weights.h5"
    history = fit(
        model, separable(300, 0), validation, epochs=6, learning_rate=0.05, patience=2, checkpoint=checkpoint, verbose=0
    )
    restored = model.evaluate(*validation, verbose=0)[1]
    assert restored == pytest.approx(max(history.history["val_accuracy"]))
    assert checkpoint.exists()


def test_fit_rejects_zero_epochs():
    with pytest.raises(ValueError, match="epochs must be at least 1, got 0"):
        fit(tiny_model(), separable(10, 0), separable(10, 1), epochs=0)


def test_cosine_schedule_warms_up_then_decays():
    schedule = cosine_schedule(1e-3, epochs=10, steps_per_epoch=100)
    rates = [float(schedule(step)) for step in (0, 100, 550, 1000)]
    assert rates[0] == pytest.approx(1e-5, rel=1e-3)
    assert rates[1] == pytest.approx(1e-3, rel=1e-3)
    assert rates[1] > rates[2] > rates[3] >= 1e-5 * 0.99


def test_the_record_sits_beside_the_weights():
    from pathlib import Path

    from digitlib.train import record_path

    assert record_path("a/b/digit_cnn.weights.h5") == Path("a/b/digit_cnn.run.json")


def test_the_shipped_record_describes_the_shipped_weights(mnist):
    from digitlib.models import load_pretrained
    from digitlib.preprocess import to_model_input
    from digitlib.train import training_runs

    shipped, mnist_stage, *tried = training_runs()
    assert shipped["name"] == "the shipped recipe" and shipped["pens"] and tried
    assert shipped["starts_from"] == mnist_stage and mnist_stage["test_accuracy"] is not None
    for run in (shipped, mnist_stage):
        history = run["history"]
        assert run["best_epoch"] == int(np.argmax(history["val_accuracy"])) + 1
        assert len(history["val_accuracy"]) == run["recipe"]["epochs"]
    for which, run in [("shipped", shipped), ("mnist", mnist_stage)]:
        model = load_pretrained(which)
        predictions = model.predict(to_model_input(mnist.x_test), batch_size=1000, verbose=0).argmax(axis=1)
        assert np.mean(predictions == mnist.y_test) == pytest.approx(run["test_accuracy"], abs=1e-4)
    assert all(run["validation_accuracy"] > 0.99 for run in tried)


def test_the_pen_comparison_pairs_two_seeds_with_and_without_pens():
    from digitlib.pen_inputs import pen_inputs
    from digitlib.train import pen_comparison_runs, training_runs

    runs = pen_comparison_runs()
    assert [(run["pens"], run["recipe"]["seed"]) for run in runs] == [
        (True, 2026),
        (True, 2027),
        (False, 2026),
        (False, 2027),
    ]
    assert runs[0] == training_runs()[0]
    test_digits = len(pen_inputs("digits", "test"))
    for run in runs:
        assert run["starts_from"]["name"] == training_runs()[1]["name"]
        pen_settings = ("seed", "stroke_copies", "pixel_copies")
        assert {k: v for k, v in run["recipe"].items() if k not in pen_settings} == {
            k: v for k, v in runs[0]["recipe"].items() if k not in pen_settings
        }
        assert run["pens"] == ("pixel_copies" in run["recipe"])
        for path in ("strokes", "pixels"):
            right = run["pen_test"][path]["right"]
            assert len(right) == test_digits and set(right) <= {"0", "1"}
            assert right.count("1") / test_digits == pytest.approx(run["pen_test"][path]["accuracy"], abs=1e-5)


def test_measuring_the_test_set_twice_is_refused(tmp_path):
    import json

    from digitlib.train import main

    (tmp_path / "x.run.json").write_text(json.dumps({"test_accuracy": 0.99, "command": "c"}))
    with pytest.raises(SystemExit, match="already holds test results"):
        main(["--measure-test", "--output", str(tmp_path / "x.weights.h5")])
