import numpy as np
import pytest

from digitlib import comparisons
from digitlib.comparisons import AUGMENTATION_RUN, CONDITIONS, augmentation_comparison


def test_the_shipped_augmentation_record_pairs_two_seeds_on_the_same_digits(mnist):
    recorded = augmentation_comparison()
    assert recorded.epochs == AUGMENTATION_RUN["epochs"]
    assert recorded.seeds == AUGMENTATION_RUN["seeds"]
    assert recorded.command == "python -m digitlib.comparisons augmentation"
    assert sorted(recorded.predictions) == sorted((r, s) for r in ("plain", "augmented") for s in recorded.seeds)
    assert list(recorded.labels) == ["clean", *CONDITIONS, "UCI handwriting", "rare styles"]
    assert np.array_equal(recorded.labels["clean"], mnist.y_test)
    for answers in recorded.predictions.values():
        for name, labels in recorded.labels.items():
            assert answers[name].shape == labels.shape and answers[name].max() <= 9
    for run in recorded.runs:
        assert len(run["val_accuracy"]) == recorded.epochs and run["minutes"] > 0


class _Answers:
    """Stands in for a trained network: answers the label, except on every ``wrong``-th digit."""

    def __init__(self, wrong):
        self.wrong = wrong

    def predict(self, inputs, **_):
        answers = inputs[:, 0].astype(int)
        answers[:: self.wrong] = (answers[:: self.wrong] + 1) % 10
        return np.eye(10)[answers]

    def count_params(self):
        return 7


def test_a_recorded_comparison_reads_back_what_each_network_answered(tmp_path, monkeypatch):
    labels = np.arange(20) % 10
    sets = {"clean": (labels[:, None].astype(np.float32), labels), "other": (labels[::-1, None] * 1.0, labels[::-1])}
    monkeypatch.setattr(comparisons, "evaluation_sets", lambda: sets)

    def train_pair(seed, *, epochs):
        trained = {"val_accuracy": [0.5] * epochs, "minutes": 0.1}
        return {"plain": {"model": _Answers(2 + seed), **trained}, "augmented": {"model": _Answers(5), **trained}}

    monkeypatch.setattr(comparisons, "train_pair", train_pair)
    recorded = comparisons.record_augmentation_comparison([0, 1], epochs=3, folder=tmp_path, command="made here")
    assert recorded.seeds == [0, 1] and recorded.epochs == 3 and recorded.command == "made here"
    assert recorded.right("plain", 0, "clean").mean() == pytest.approx(0.5)
    assert recorded.right("plain", 1, "clean").mean() == pytest.approx(1 - 7 / 20)
    assert recorded.right("augmented", 1, "other").mean() == pytest.approx(1 - 4 / 20)
    assert recorded.runs[0] == {"recipe": "plain", "seed": 0, "weights": 7, "val_accuracy": [0.5] * 3, "minutes": 0.1}


def test_a_comparison_needs_at_least_one_epoch(tmp_path):
    with pytest.raises(ValueError, match="epochs must be at least 1, got 0"):
        comparisons.record_augmentation_comparison([0], epochs=0, folder=tmp_path)
