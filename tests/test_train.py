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

    shipped, *tried = training_runs()
    assert shipped["name"] == "the shipped recipe" and tried
    history = shipped["history"]
    assert shipped["best_epoch"] == int(np.argmax(history["val_accuracy"])) + 1
    assert len(history["val_accuracy"]) == shipped["recipe"]["epochs"]
    model = load_pretrained()
    predictions = model.predict(to_model_input(mnist.x_test), batch_size=1000, verbose=0).argmax(axis=1)
    assert np.mean(predictions == mnist.y_test) == pytest.approx(shipped["test_accuracy"], abs=1e-4)
    assert all(run["validation_accuracy"] > 0.99 for run in tried)
