import numpy as np
import pytest

from digitlib import detector as det
from digitlib.preprocess import to_model_input


@pytest.fixture(scope="module")
def shipped():
    return det.load_detector()


def small_detector(threshold=0.0):
    rng = np.random.default_rng(0)
    return det.DigitDetector(
        mean=np.zeros(3), scale=np.ones(3), hidden_weights=rng.normal(size=(3, 2)),
        hidden_bias=np.zeros(2), output_weights=np.ones((2, 1)), output_bias=np.array([-1.0]),
        threshold=threshold,
    )  # fmt: skip


def test_scores_and_threshold():
    detector = small_detector(threshold=0.5)
    features = np.array([[0, 0, 0], [3, 3, 3.0]])
    hidden = np.maximum(features @ detector.hidden_weights, 0)
    np.testing.assert_allclose(detector.scores(features), hidden.sum(axis=1) - 1)
    np.testing.assert_array_equal(detector.is_digit(features), detector.scores(features) >= 0.5)
    with pytest.raises(ValueError, match="features"):
        detector.scores(np.zeros((2, 4)))


def test_save_and_load_round_trip(tmp_path):
    detector = small_detector(threshold=-1.5)
    loaded = det.DigitDetector.load(detector.save(tmp_path / "d.npz"))
    assert loaded.threshold == -1.5
    np.testing.assert_array_equal(loaded.hidden_weights, detector.hidden_weights)


def test_load_refuses_damaged_files_and_pickles(tmp_path):
    np.savez(tmp_path / "partial.npz", mean=np.zeros(3))
    with pytest.raises(ValueError, match="is not a digit detector: it lacks"):
        det.DigitDetector.load(tmp_path / "partial.npz")
    fields = {name: np.asarray(value) for name, value in small_detector().__dict__.items()}
    np.savez(tmp_path / "shape.npz", **{**fields, "mean": np.zeros(4)})
    with pytest.raises(ValueError, match="mean"):
        det.DigitDetector.load(tmp_path / "shape.npz")
    np.savez(tmp_path / "threshold.npz", **{**fields, "threshold": np.array([0.5, 0.5])})
    with pytest.raises(ValueError, match=r"threshold in .* must have shape \(\), got float64 of shape \(2,\)"):
        det.DigitDetector.load(tmp_path / "threshold.npz")
    np.savez(tmp_path / "nan.npz", **{**fields, "threshold": np.array(np.nan)})
    with pytest.raises(ValueError, match="threshold in .* must hold finite numbers"):
        det.DigitDetector.load(tmp_path / "nan.npz")
    np.savez(tmp_path / "pickle.npz", **{**fields, "mean": np.array([{"a": 1}], dtype=object)})
    with pytest.raises(ValueError, match="allow_pickle"):
        det.DigitDetector.load(tmp_path / "pickle.npz")


def test_threshold_keeping_keeps_the_share_asked_for():
    scores = np.arange(100.0)
    threshold = det.threshold_keeping(scores, 0.97)
    assert np.mean(scores >= threshold) == pytest.approx(0.97)
    with pytest.raises(ValueError, match="keep"):
        det.threshold_keeping(scores, 1.5)


def test_tradeoff_runs_from_everything_kept_to_everything_rejected():
    thresholds, kept, rejected = det.tradeoff(np.array([2.0, 3, 4]), np.array([0.0, 1, 2.5]))
    assert np.all(np.diff(thresholds) > 0)
    assert kept[0] == 1 and rejected[0] == 0 and np.all(np.diff(kept) <= 0) and np.all(np.diff(rejected) >= 0)
    at = list(thresholds).index(2.5)
    assert kept[at] == pytest.approx(2 / 3) and rejected[at] == pytest.approx(2 / 3)


def test_shipped_detector_keeps_mnist_digits_and_rejects_typed_letters(shipped, mnist):
    from digitlib.models import load_pretrained
    from digitlib.nondigits import LETTERS, bundled_font_files, font_characters

    model = load_pretrained()
    digits = det.features_of(model, to_model_input(mnist.x_test[:300]))
    assert digits.shape == (300, len(shipped.mean)) == (300, 384)
    assert shipped.is_digit(digits).mean() >= 0.97
    letters, _ = font_characters(bundled_font_files()[:3], LETTERS, per_glyph=1, rng=np.random.default_rng(0))
    assert (~shipped.is_digit(det.features_of(model, letters))).mean() >= 0.8
