import numpy as np
import pytest

from digitlib import comparisons, models
from digitlib.comparisons import COMPARISONS, CONDITIONS, Comparison, Recipe, recorded_comparison


def _check_pairs_every_recipe_and_seed(name):
    """The shipped record of comparison ``name``: every recipe from every seed, each of its
    networks' answers on every digit of every set, and a validation accuracy per epoch."""
    recorded, comparison = recorded_comparison(name), COMPARISONS[name]
    assert recorded.epochs == comparison.epochs
    assert recorded.seeds == list(comparison.seeds)
    assert recorded.command == f"python -m digitlib.comparisons {name}"
    assert recorded.recipes == list(comparison.recipes)
    assert sorted(recorded.predictions) == sorted((r, s) for r in comparison.recipes for s in recorded.seeds)
    for answers in recorded.predictions.values():
        for set_name, labels in recorded.labels.items():
            assert answers[set_name].shape == labels.shape and answers[set_name].max() <= 9
    for run in recorded.runs:
        assert len(run["val_accuracy"]) == recorded.epochs and run["minutes"] > 0
    return recorded


def test_the_shipped_augmentation_record_pairs_two_seeds_on_the_same_digits(mnist):
    recorded = _check_pairs_every_recipe_and_seed("augmentation")
    assert list(recorded.labels) == ["clean", *CONDITIONS, "UCI handwriting", "rare styles"]
    assert np.array_equal(recorded.labels["clean"], mnist.y_test)


@pytest.mark.parametrize("name", [name for name in COMPARISONS if name != "augmentation"])
def test_the_other_shipped_records_are_judged_on_the_validation_split(name, mnist):
    recorded = _check_pairs_every_recipe_and_seed(name)
    assert list(recorded.labels) == ["validation"]
    assert np.array_equal(recorded.labels["validation"], mnist.y_train[-5000:])
    # the record's predictions give the last epoch's validation accuracy that fit measured
    for run in recorded.runs:
        assert recorded.accuracy(run["recipe"], run["seed"], "validation") == pytest.approx(
            run["val_accuracy"][-1], abs=1e-6
        )


def _first_digits(count):
    (x_fit, y_fit), _ = comparisons.training_split()
    return {"first digits": (x_fit[:count], y_fit[:count])}


def test_the_recorder_writes_what_the_loader_reads(tmp_path, mnist):
    # a real run, as small as can be: two recipes, one epoch on 256 digits, judged on 100
    tiny = Comparison(
        recipes={
            "slow": Recipe(comparisons.build_baseline, learning_rate=1e-4),
            "fast": Recipe(comparisons.build_baseline),
        },
        epochs=1,
        seeds=(3,),
        train_digits=256,
        evaluation_sets=lambda: _first_digits(100),
    )
    recorded = comparisons.record_comparison("designs", tiny, seeds=[3], epochs=1, folder=tmp_path, command="here")
    assert recorded.command == "here" and recorded.epochs == 1 and recorded.seeds == [3]
    assert recorded.recipes == ["slow", "fast"]
    assert np.array_equal(recorded.labels["first digits"], mnist.y_train[:100])
    assert recorded.predictions["fast", 3]["first digits"].dtype == np.uint8
    assert [run["weights"] for run in recorded.runs] == [1_199_882] * 2
    assert sorted(path.name for path in tmp_path.iterdir()) == ["designs.npz", "designs.run.json"]


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
    stand_in = Comparison({}, epochs=3, seeds=(0, 1), train_digits=None, evaluation_sets=lambda: sets, confidences=True)

    def train_recipes(comparison, seed, *, epochs, split):
        trained = {"val_accuracy": [0.5] * epochs, "minutes": 0.1}
        return {"plain": {"model": _Answers(2 + seed), **trained}, "augmented": {"model": _Answers(5), **trained}}

    monkeypatch.setattr(comparisons, "train_recipes", train_recipes)
    monkeypatch.setattr(comparisons, "training_split", lambda: "MNIST")
    recorded = comparisons.record_comparison(
        "augmentation", stand_in, seeds=[0, 1], epochs=3, folder=tmp_path, command="made here"
    )
    assert recorded.seeds == [0, 1] and recorded.epochs == 3 and recorded.command == "made here"
    assert recorded.right("plain", 0, "clean").mean() == pytest.approx(0.5)
    assert recorded.accuracy("plain", 1, "clean") == pytest.approx(1 - 7 / 20)
    assert recorded.right("augmented", 1, "other").mean() == pytest.approx(1 - 4 / 20)
    assert recorded.runs[0] == {"recipe": "plain", "seed": 0, "weights": 7, "val_accuracy": [0.5] * 3, "minutes": 0.1}
    # sure of every answer: a right one costs nothing, a wrong one -ln 1e-7 (the clip)
    assert recorded.cross_entropy("plain", 0, "clean") == pytest.approx(0.5 * -np.log(1e-7), rel=1e-3)
    assert recorded.cross_entropy("augmented", 0, "other") == pytest.approx(4 / 20 * -np.log(1e-7), rel=1e-3)
    assert recorded.confidence_when_wrong("plain", 1, "other") == 1.0


def test_a_comparison_without_confidences_keeps_only_the_answers():
    assert not COMPARISONS["designs"].confidences and recorded_comparison("designs").losses == {}
    regularization = recorded_comparison("regularization")
    assert sorted(regularization.losses) == sorted(regularization.predictions) == sorted(regularization.top)
    for network, losses in regularization.losses.items():
        assert losses["validation"].dtype == np.float16 and (losses["validation"] >= 0).all()
        # on a digit read right, the right digit's probability is the top one; on one read
        # wrong, it is at most the top one
        right = regularization.right(*network, "validation")
        of_the_right = np.exp(-losses["validation"].astype(np.float64))
        top = regularization.top[network]["validation"].astype(np.float64)
        assert np.allclose(of_the_right[right], top[right], atol=2e-3)
        assert (of_the_right[~right] <= top[~right] + 2e-3).all()


def test_a_record_says_what_it_does_not_keep():
    designs = recorded_comparison("designs")
    with pytest.raises(ValueError, match="keeps no cross-entropy for .'as shipped', seed 0.: only a comparison"):
        designs.cross_entropy("as shipped", 0, "validation")
    with pytest.raises(ValueError, match="keeps no top probability"):
        designs.confidence_when_wrong("as shipped", 0, "validation")
    with pytest.raises(ValueError, match=r"no network \('dropout', seed 0\): it holds recipes \["):
        designs.accuracy("dropout", 0, "validation")
    with pytest.raises(ValueError, match="the set must be one of 'validation'"):
        designs.right("as shipped", 0, "test")


def test_a_recipe_says_whether_its_rate_is_constant_or_a_schedules_peak():
    augmented = COMPARISONS["augmentation"].describe("augmented")
    assert augmented == "build_baseline(seed=seed, augment=True), learning rate 0.001"
    shipped = COMPARISONS["designs"].describe("as shipped")
    assert shipped == "build_enhanced(seed=seed, augment=False), peak learning rate 0.002"


def test_a_comparison_needs_at_least_one_epoch(tmp_path):
    with pytest.raises(ValueError, match="epochs must be at least 1, got 0"):
        comparisons.record_comparison("designs", COMPARISONS["designs"], seeds=[0], epochs=0, folder=tmp_path)


def test_only_a_registered_comparison_is_read():
    with pytest.raises(ValueError, match="the comparison"):
        recorded_comparison("dropout")


def test_the_small_network_takes_its_regularizers():
    plain, both = models.build_small(seed=0), models.build_small(seed=0, l2=1e-3, dropout=0.5)
    assert plain.count_params() == both.count_params() == (9 + 1) * 32 + (13 * 13 * 32 + 1) * 128 + (128 + 1) * 10
    assert [layer.rate for layer in both.layers if hasattr(layer, "rate")] == [0.5]
    assert len(plain.losses) == 0 and len(both.losses) == 3  # L2 on each kernel


def test_a_decaying_comparison_trains_on_the_shipped_schedule(monkeypatch):
    seen = []

    def fit(model, train, validation, *, epochs, batch_size, learning_rate, verbose):
        seen.append((len(train[0]), batch_size, learning_rate))
        return type("History", (), {"history": {"val_accuracy": [0.5] * epochs, "seconds": [6.0] * epochs}})()

    monkeypatch.setattr(comparisons, "fit", fit)
    designs = COMPARISONS["designs"]
    trained = comparisons.train_recipes(designs, 0, epochs=2, split=comparisons.training_split())
    assert list(trained) == list(designs.recipes) and trained["as shipped"]["minutes"] == pytest.approx(0.2)
    digits, batch_size, schedule = seen[0]
    assert (digits, batch_size) == (designs.train_digits, designs.batch_size)
    steps = -(-digits // batch_size)
    assert float(schedule(steps)) == pytest.approx(comparisons.RECIPE["peak_learning_rate"])  # warmed up after an epoch
    assert float(schedule(2 * steps)) == pytest.approx(comparisons.RECIPE["peak_learning_rate"] / 100)
