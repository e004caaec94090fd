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
    with pytest.raises(ValueError, match=r"float32 of shape \(N, 28, 28, 1\), as to_model_input returns; got uint8"):
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
    with pytest.raises(ValueError, match=r"labels must have shape \(40,\)"):
        accuracy(Always(3), digits, labels[:5])
