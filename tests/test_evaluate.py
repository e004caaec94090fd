import numpy as np
import pytest

from digitlib.evaluate import accuracy, distort
from digitlib.preprocess import centers_of_mass, ink_bounding_boxes, to_model_input


@pytest.fixture(scope="module")
def digits(mnist):
    return to_model_input(mnist.x_test[:40])


def as_pixels(inputs):
    return np.rint(inputs[..., 0] * 255).astype(np.uint8)


def test_no_distortion_changes_nothing(digits):
    assert np.array_equal(distort(digits), digits)


def test_shift_moves_the_centre_of_mass(digits):
    before = centers_of_mass(as_pixels(digits))
    after = centers_of_mass(as_pixels(distort(digits, shift=(-3, 4))))
    moved = after - before
    assert np.median(moved, axis=0) == pytest.approx([-3, 4], abs=0.01)
    assert np.all(np.abs(moved - [-3, 4]) < 0.6)  # less where ink is pushed past the border


def test_scale_resizes_the_digit(digits):
    before = ink_bounding_boxes(as_pixels(digits) > 25)[:, 2:].max(axis=1).mean()
    after = ink_bounding_boxes(as_pixels(distort(digits, scale=0.5)) > 25)[:, 2:].max(axis=1).mean()
    assert after / before == pytest.approx(0.5, abs=0.06)


def test_rotation_turns_a_horizontal_bar_upright():
    bar = np.zeros((1, 28, 28, 1), np.float32)
    bar[0, 13:15, 6:22] = 1.0
    turned = distort(bar, rotate_degrees=90)[0, ..., 0] > 0.5
    rows, columns = np.nonzero(turned)
    assert np.ptp(rows) > 12 and np.ptp(columns) < 4


@pytest.mark.parametrize(
    "kwargs, message",
    [({"scale": 0.1}, "scale must be between 0.2 and 2.0, got 0.1"), ({"rotate_degrees": 200}, "between -180 and 180")],
)
def test_distort_validates_its_arguments(digits, kwargs, message):
    with pytest.raises(ValueError, match=message):
        distort(digits, **kwargs)


def test_distort_wants_model_inputs(mnist):
    with pytest.raises(
        ValueError, match=r"inputs \(as to_model_input returns them\) must have shape \(N, 28, 28, 1\), got uint8"
    ):
        distort(mnist.x_test[:3])


class Always:
    """A stand-in model that always answers the same digit."""

    def __init__(self, digit):
        self.digit = digit

    def predict(self, inputs, batch_size, verbose):
        probabilities = np.zeros((len(inputs), 10), np.float32)
        probabilities[:, self.digit] = 1
        return probabilities


def test_accuracy_counts_correct_answers(digits):
    labels = np.array([3] * 10 + [5] * 30)
    assert accuracy(Always(3), digits, labels) == 0.25
    with pytest.raises(ValueError, match="inputs and labels must have the same length, got 40 and 5"):
        accuracy(Always(3), digits, labels[:5])


from digitlib.evaluate import (  # noqa: E402
    accuracy_interval,
    calibration,
    confusion_matrix,
    mcnemar,
    most_confused_pairs,
    per_class_report,
    robustness_sweep,
)


def test_thicken_and_thin_change_the_ink(digits):
    ink = digits.sum()
    assert distort(digits, thicken=1.0).sum() > 1.3 * ink
    assert distort(digits, thicken=-1.0).sum() < 0.7 * ink
    with pytest.raises(ValueError, match="thicken must be between -1 and 1, got 2"):
        distort(digits, thicken=2)


def test_wilson_interval_known_values():
    # 9,900 of 10,000: the Wilson 95 % interval is 98.79 % to 99.18 % (worked out from the formula).
    low, high = accuracy_interval(9900, 10000)
    assert low == pytest.approx(0.98793, abs=1e-4) and high == pytest.approx(0.99177, abs=1e-4)
    low, high = accuracy_interval(10, 10)
    assert high == 1.0 and 0.69 < low < 0.73
    with pytest.raises(ValueError, match="correct must be between 0 and 10, got 11"):
        accuracy_interval(11, 10)


def test_confusion_matrix_and_most_confused_pairs():
    labels = np.array([4, 4, 4, 9, 9, 1, 7, 7])
    predictions = np.array([9, 9, 4, 4, 9, 1, 1, 7])
    matrix = confusion_matrix(labels, predictions)
    assert matrix.shape == (10, 10) and matrix.sum() == 8 and np.trace(matrix) == 4
    assert matrix[4, 9] == 2 and matrix[9, 4] == 1 and matrix[7, 1] == 1
    assert most_confused_pairs(matrix, 2) == [(4, 9, 2), (7, 1, 1)]
    with pytest.raises(ValueError, match="must have the same length, got"):
        confusion_matrix(labels, predictions[:3])


def test_per_class_report_by_hand():
    labels = np.array([0, 0, 1, 1, 1, 2])
    predictions = np.array([0, 1, 1, 1, 2, 2])
    report = per_class_report(labels, predictions)
    assert report.loc[0, "precision"] == 1.0 and report.loc[0, "recall"] == 0.5
    assert report.loc[1, "precision"] == pytest.approx(2 / 3) and report.loc[1, "recall"] == pytest.approx(2 / 3)
    assert report.loc[2, "f1"] == pytest.approx(2 / 3)  # precision 1/2, recall 1
    assert report.loc[5, "support"] == 0 and len(report) == 10


def test_calibration_by_hand():
    probabilities = np.full((4, 10), 0.0)
    probabilities[0, 3] = probabilities[1, 3] = 0.95  # two confident answers, one right
    probabilities[2, 5] = probabilities[3, 5] = 0.55  # two hesitant answers, both right
    labels = np.array([3, 2, 5, 5])
    result = calibration(probabilities, labels, bins=10)
    assert result.counts.sum() == 4 and result.counts[9] == 2 and result.counts[5] == 2
    assert result.accuracy[9] == 0.5 and result.accuracy[5] == 1.0
    # ECE = 2/4 * |0.5 - 0.95| + 2/4 * |1.0 - 0.55| = 0.45
    assert result.expected_calibration_error == pytest.approx(0.45)
    assert np.isnan(result.accuracy[0])
    with pytest.raises(ValueError, match=r"probabilities must have shape \(3, 10\), got float64 of shape \(4, 10\)"):
        calibration(probabilities, labels[:3])


def test_robustness_sweep_uses_the_distortion(digits, mnist):
    labels = mnist.y_test[:40]
    constant = robustness_sweep(Always(int(labels[0])), digits, labels, "rotation (degrees)", [0, 10])
    assert constant.tolist() == [np.mean(labels == labels[0])] * 2
    with pytest.raises(ValueError, match="kind must be one of"):
        robustness_sweep(Always(0), digits, labels, "blur", [1])


def test_mcnemar_counts_disagreements_and_tests_them():
    first = np.array([True] * 10 + [False] * 0 + [True] * 5)
    second = np.array([False] * 10 + [True] * 5)
    result = mcnemar(first, second)
    assert (result.only_first, result.only_second) == (10, 0)
    assert result.p_value == pytest.approx(2 * 0.5**10)  # the exact two-sided binomial test
    assert mcnemar(first, first).p_value == 1.0
    with pytest.raises(ValueError, match="correct_first and correct_second must have the same length"):
        mcnemar(first, second[:3])


def test_writers_are_served_with_one_error_in_twenty_and_one_slip_forgiven():
    from digitlib.evaluate import errors_allowed, writers_served

    assert errors_allowed(np.array([10, 20, 21, 40, 41, 100])).tolist() == [1, 1, 2, 2, 3, 5]
    writers = np.array(["a"] * 20 + ["b"] * 21 + ["c"] * 9)
    right = np.ones(50, bool)
    right[[0]] = False  # a: 1 of 20 wrong, served
    right[[20, 21, 22]] = False  # b: 3 of 21 wrong, 2 allowed
    right[[41, 42, 43, 44]] = False  # c: too few digits to count
    result = writers_served(right, writers)
    assert result.writers.tolist() == ["a", "b"]
    assert result.digits.tolist() == [20, 21] and result.errors.tolist() == [1, 3]
    assert result.served.tolist() == [True, False]


def test_writers_served_needs_one_writer_a_digit():
    from digitlib.evaluate import writers_served

    with pytest.raises(ValueError, match="same length"):
        writers_served(np.ones(3, bool), np.array(["a", "b"]))
