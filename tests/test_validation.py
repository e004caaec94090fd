import numpy as np
import pytest

from digitlib.validation import (
    INPUT_SHAPE,
    check_array,
    check_choice,
    check_images,
    check_images_by_name,
    check_inked,
    check_labels,
    check_mapping,
    check_model_input,
    check_pixels,
    check_same_length,
    check_scalar,
    check_sequence,
)


def test_check_array_returns_an_array_that_passed():
    out = check_array([[1, 2], [3, 4]], name="x", ndim=2, shape=(None, 2), dtype="integer", finite=True)
    assert isinstance(out, np.ndarray) and out.shape == (2, 2)


@pytest.mark.parametrize(
    "value, options, message",
    [
        (np.zeros(3), {"ndim": 2}, r"x must have 2 axes, got float64 of shape \(3,\)"),
        (np.zeros((2, 2)), {"ndim": 1}, r"x must have 1 axis, got float64 of shape \(2, 2\)"),
        (np.zeros((2, 3)), {"shape": (None, 2)}, r"x must have shape \(N, 2\), got float64 of shape \(2, 3\)"),
        (np.zeros(3), {"shape": (4,)}, r"x must have shape \(4,\), got float64 of shape \(3,\)"),
        (np.zeros(3), {"dtype": np.uint8}, r"x must be uint8, got float64 of shape \(3,\)"),
        (np.zeros(3), {"dtype": "integer"}, "x must hold integers, got float64"),
        (np.array(["1", "2"]), {"dtype": "number"}, r"x must hold numbers, got <U1 of shape \(2,\)"),
        (np.array([True]), {"dtype": "number"}, "x must hold numbers, got bool"),
        (
            [[1, 2], [3]],
            {},
            r"x must be an array \(sequences of equal length, not nested too deeply\), got \[\[1, 2\], \[3\]\]",
        ),
        (np.zeros((0, 2)), {}, r"x must not be empty, got float64 of shape \(0, 2\)"),
        (np.array([1.0, np.nan]), {"finite": True}, "x must hold finite numbers, got NaN or infinity"),
        (np.array([0.5, 2.0]), {"low": 0, "high": 1}, "x must hold values between 0 and 1, got values from 0.5 to 2.0"),
        (
            np.array([0, 3]),
            {"low": 0, "closed": "neither"},
            "x must hold values greater than 0, got values from 0 to 3",
        ),
    ],
)
def test_check_array_says_what_was_expected_and_what_came(value, options, message):
    with pytest.raises(ValueError, match=message):
        check_array(value, name="x", **options)


def test_same_length_names_every_array():
    assert check_same_length(a=[1, 2], b=[3, 4]) == 2
    with pytest.raises(ValueError, match="images and labels must have the same length, got 3 and 2"):
        check_same_length(images=np.zeros(3), labels=np.zeros(2))


def test_labels_must_be_digits():
    assert check_labels(np.array([0, 9])).tolist() == [0, 9]
    with pytest.raises(ValueError, match="labels must hold digits 0-9, got values from 3 to 12"):
        check_labels(np.array([3, 12]))


def test_the_shapes_of_the_course():
    assert INPUT_SHAPE == (28, 28, 1)
    check_model_input(np.zeros((2, 28, 28, 1), np.float32))
    with pytest.raises(ValueError, match=r"inputs \(as to_model_input returns them\) must be float32"):
        check_model_input(np.zeros((2, 28, 28, 1)))
    check_pixels(np.zeros((1, 5, 5), np.uint8))
    assert check_images(np.zeros((2, 5, 5, 1))).shape == (2, 5, 5)
    with pytest.raises(ValueError, match=r"images must have shape \(N, N, N, 1\)"):
        check_images(np.zeros((2, 5, 5, 3)))


def test_check_scalar_returns_a_number_that_passed():
    assert check_scalar(0.5, name="p", low=0, high=1) == 0.5
    assert check_scalar(np.int64(3), name="n", kind="integer", low=1) == 3
    assert check_scalar(1, name="p", low=0, high=1, closed="high") == 1


@pytest.mark.parametrize(
    "value, options, message",
    [
        (2, {"low": 0, "high": 1}, "p must be between 0 and 1, got 2"),
        (0, {"low": 0, "high": 1, "closed": "high"}, r"p must be between 0 and 1 \(0 excluded\), got 0"),
        (1, {"low": 0, "high": 1, "closed": "neither"}, r"p must be between 0 and 1 \(both excluded\), got 1"),
        (0, {"kind": "integer", "low": 1}, "p must be at least 1, got 0"),
        (0, {"low": 0, "closed": "neither"}, "p must be greater than 0, got 0"),
        (5, {"high": 4}, "p must be at most 4, got 5"),
        (1.5, {"kind": "integer"}, r"p must be an integer, got 1.5 \(float\)"),
        (True, {"kind": "integer"}, r"p must be an integer, got True \(bool\)"),
        ("3", {}, r"p must be a number, got '3' \(str\)"),
        (float("nan"), {}, "p must be a number, got NaN"),
    ],
)
def test_check_scalar_says_what_was_expected_and_what_came(value, options, message):
    with pytest.raises(ValueError, match=message):
        check_scalar(value, name="p", **options)


def test_labels_can_be_asked_to_hold_every_digit():
    assert len(check_labels(np.arange(10), every_digit=True)) == 10
    with pytest.raises(ValueError, match=r"labels must hold every digit 0-9, got none of \[2, 3, 4, 5, 6, 7, 8, 9\]"):
        check_labels(np.array([0, 1]), every_digit=True)


def test_images_can_be_asked_for_another_arrays_shape():
    assert check_images(np.zeros((2, 5, 5, 1)), name="maps", shape=(2, 5, 5)).shape == (2, 5, 5)
    with pytest.raises(ValueError, match=r"maps must have shape \(3, 5, 5\), got float64 of shape \(2, 5, 5\)"):
        check_images(np.zeros((2, 5, 5)), name="maps", shape=(3, 5, 5))
    with pytest.raises(ValueError, match="maps must hold finite numbers"):
        check_images(np.full((2, 5, 5), np.inf), name="maps", finite=True)
    checked = check_images_by_name({"a": np.zeros((2, 5, 5, 1))}, name="maps", shape=(2, 5, 5))
    assert list(checked) == ["a"] and checked["a"].shape == (2, 5, 5)
    with pytest.raises(ValueError, match=r"maps\['a'\] must have shape \(2, 5, 5\)"):
        check_images_by_name({"a": np.zeros((1, 5, 5))}, name="maps", shape=(2, 5, 5))


@pytest.mark.parametrize(
    "mapping, options, message",
    [
        ([1], {}, "d must be a dict, got list"),
        ({}, {}, "d must not be empty, got an empty dict"),
        ({"a": 1}, {"required": ["a", "b"]}, r"d must hold the keys \['a', 'b'\], missing \['b'\]"),
        ({"a": 1, "c": 2}, {"allowed": ["a", "b"]}, r"d must have keys among \['a', 'b'\], got \['c'\]"),
    ],
)
def test_check_mapping_says_what_was_expected_and_what_came(mapping, options, message):
    with pytest.raises(ValueError, match=message):
        check_mapping(mapping, name="d", **options)


def test_check_mapping_and_check_choice_return_what_passed():
    assert check_mapping({}, name="d", non_empty=False, allowed=["a"]) == {}
    assert check_choice("quick", name="profile", choices={"full": 1, "quick": 2}) == "quick"
    with pytest.raises(ValueError, match="profile must be one of 'full', 'quick', got 'fast'"):
        check_choice("fast", name="profile", choices=("full", "quick"))


def test_check_array_takes_any_kind_of_number():
    for numbers in ([1, 2], np.array([1, 2], np.uint8), [0.5, np.inf]):
        assert check_array(numbers, name="x", dtype="number").shape == (2,)


def test_check_sequence_refuses_what_iterates_into_something_else():
    for sequence in ([], (1, 2), np.zeros(3), range(2)):
        assert check_sequence(sequence, name="s", of="points") is sequence
    for value, kind in [("12", "str"), (b"12", "bytes"), ({"x": 1}, "dict"), (3, "int"), (None, "NoneType")]:
        with pytest.raises(ValueError, match=f"s must be a list of points, got {kind}"):
            check_sequence(value, name="s", of="points")


def test_check_inked_names_the_first_blank_image():
    images = np.zeros((3, 4, 4))
    images[0, 1, 1], images[1, 2, 2], images[2, 0, 0] = 1.0, 0.3, 0.5
    assert check_inked(images).shape == (3, 4, 4)
    with pytest.raises(ValueError, match=r"images must each hold ink \(a pixel greater than 0\); image 1 is blank"):
        check_inked(np.stack([images[0], np.zeros((4, 4))]))
    with pytest.raises(ValueError, match=r"ink \(a pixel at least 0.5\); image 1 is blank"):
        check_inked(images, low=0.5, closed="both")
    with pytest.raises(ValueError, match="images must have 3 axes"):
        check_inked(np.ones((4, 4)))
