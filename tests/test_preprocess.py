import numpy as np
import pytest

from digitlib.preprocess import centers_of_mass, ink_bounding_boxes, make_dataset, to_model_input


def test_to_model_input_scales_and_adds_a_channel():
    images = np.array([[[0] * 28] * 28, [[255] * 28] * 28], dtype=np.uint8)
    out = to_model_input(images)
    assert out.shape == (2, 28, 28, 1) and out.dtype == np.float32
    assert out.min() == 0.0 and out.max() == 1.0


@pytest.mark.parametrize(
    "images, message",
    [
        (np.zeros((2, 28, 28), np.float32), "must be uint8 pixels 0-255 .* got dtype float32"),
        (np.zeros((28, 28), np.uint8), r"shape \(N, H, W\) with N >= 1, got shape \(28, 28\)"),
        (np.zeros((2, 32, 32), np.uint8), r"shape \(N, 28, 28\), got shape \(2, 32, 32\)"),
    ],
)
def test_to_model_input_rejects_bad_input(images, message):
    with pytest.raises(ValueError, match=message):
        to_model_input(images)


def test_center_of_mass_of_known_images():
    images = np.zeros((2, 5, 5), np.uint8)
    images[0, 1, 3] = 200                   # one dot: its own position
    images[1, 0, 0] = images[1, 4, 2] = 10  # two equal dots: the midpoint
    assert centers_of_mass(images) == pytest.approx(np.array([[1, 3], [2, 1]]))


def test_center_of_mass_weighs_by_ink():
    images = np.zeros((1, 4, 4), np.uint8)
    images[0, 0, 0], images[0, 0, 3] = 30, 10  # three times more ink on the left
    assert centers_of_mass(images)[0] == pytest.approx([0, 0.75])


def test_bounding_boxes_of_known_images():
    images = np.zeros((2, 6, 8), np.uint8)
    images[0, 2, 3] = 1            # a single pixel
    images[1, 1:5, 2] = 9          # a vertical bar ...
    images[1, 3, 6] = 9            # ... and a dot to its right
    assert ink_bounding_boxes(images).tolist() == [[2, 3, 1, 1], [1, 2, 4, 5]]


@pytest.mark.parametrize("function", [centers_of_mass, ink_bounding_boxes])
def test_blank_images_have_no_geometry(function):
    images = np.zeros((3, 28, 28), np.uint8)
    images[0, 5, 5] = images[2, 5, 5] = 255
    with pytest.raises(ValueError, match="image 1 is blank"):
        function(images)


def test_geometry_of_mnist_matches_how_it_was_made(mnist):
    centers = centers_of_mass(mnist.x_test)
    assert np.all(np.abs(centers - 14) < 0.6)  # whole-pixel shifts put it within about half a pixel of 14
    longest = ink_bounding_boxes(mnist.x_test)[:, 2:].max(axis=1)
    assert np.mean(longest == 20) > 0.99


def test_make_dataset_batches_everything_once():
    x = np.arange(10, dtype=np.float32).reshape(10, 1)
    y = np.arange(10)
    batches = list(make_dataset(x, y, batch_size=4, shuffle=True, seed=1))
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    labels = np.concatenate([b[1].numpy() for b in batches])
    assert sorted(labels) == list(range(10)) and list(labels) != list(range(10))
    assert all(np.array_equal(bx.numpy()[:, 0], by.numpy()) for bx, by in batches)


def test_make_dataset_validates_input():
    with pytest.raises(ValueError, match="same length, got 3 and 2"):
        make_dataset(np.zeros(3), np.zeros(2))
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        make_dataset(np.zeros(3), np.zeros(3), batch_size=0)
