import numpy as np
import pytest

from digitlib.preprocess import centers_of_mass, ink_bounding_boxes, make_dataset, naive_resize, to_model_input


def test_to_model_input_scales_and_adds_a_channel():
    images = np.array([[[0] * 28] * 28, [[255] * 28] * 28], dtype=np.uint8)
    out = to_model_input(images)
    assert out.shape == (2, 28, 28, 1) and out.dtype == np.float32
    assert out.min() == 0.0 and out.max() == 1.0


@pytest.mark.parametrize(
    "images, message",
    [
        (
            np.zeros((2, 28, 28), np.float32),
            r"images \(pixels 0-255, as MNIST stores them\) must be uint8, got float32",
        ),
        (np.zeros((28, 28), np.uint8), r"must have 3 axes, got uint8 of shape \(28, 28\)"),
        (np.zeros((2, 32, 32), np.uint8), r"must have shape \(N, 28, 28\), got uint8 of shape \(2, 32, 32\)"),
    ],
)
def test_to_model_input_rejects_bad_input(images, message):
    with pytest.raises(ValueError, match=message):
        to_model_input(images)


def test_center_of_mass_of_known_images():
    images = np.zeros((2, 5, 5), np.uint8)
    images[0, 1, 3] = 200  # one dot: its own position
    images[1, 0, 0] = images[1, 4, 2] = 10  # two equal dots: the midpoint
    assert centers_of_mass(images) == pytest.approx(np.array([[1, 3], [2, 1]]))


def test_center_of_mass_weighs_by_ink():
    images = np.zeros((1, 4, 4), np.uint8)
    images[0, 0, 0], images[0, 0, 3] = 30, 10  # three times more ink on the left
    assert centers_of_mass(images)[0] == pytest.approx([0, 0.75])


def test_bounding_boxes_of_known_images():
    images = np.zeros((2, 6, 8), np.uint8)
    images[0, 2, 3] = 1  # a single pixel
    images[1, 1:5, 2] = 9  # a vertical bar ...
    images[1, 3, 6] = 9  # ... and a dot to its right
    assert ink_bounding_boxes(images).tolist() == [[2, 3, 1, 1], [1, 2, 4, 5]]


@pytest.mark.parametrize("function", [centers_of_mass, ink_bounding_boxes])
def test_blank_images_have_no_geometry(function):
    images = np.zeros((3, 28, 28), np.uint8)
    images[0, 5, 5] = images[2, 5, 5] = 255
    with pytest.raises(ValueError, match="image 1 is blank"):
        function(images)


def test_negative_images_have_no_centre_of_mass():
    images = np.ones((1, 5, 5))
    images[0, 2, 2] = -1
    with pytest.raises(ValueError, match=r"images \(amounts of ink\) must hold values at least 0, got values from -1"):
        centers_of_mass(images)


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
    with pytest.raises(ValueError, match="batch_size must be at least 1, got 0"):
        make_dataset(np.zeros(3), np.zeros(3), batch_size=0)


from digitlib.preprocess import EmptyDrawingError, canvas_to_mnist, stroke_width  # noqa: E402


def segment(size, pen, start, end):
    """A canvas of ``size`` x ``size`` with one straight stroke of width ``pen`` from start to end (x, y)."""
    rows, columns = np.mgrid[:size, :size]
    points = np.stack([columns, rows], axis=-1).astype(float)
    a, b = np.array(start, float), np.array(end, float)
    t = np.clip(((points - a) @ (b - a)) / max((b - a) @ (b - a), 1e-9), 0, 1)
    distance = np.linalg.norm(points - (a + t[..., None] * (b - a)), axis=-1)
    return np.where(distance <= pen / 2, 255, 0).astype(np.uint8)


def check_mnist_like(out):
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert 0 <= out.min() and out.max() <= 1 and out.max() > 0.9
    pixels = np.rint(out * 255).astype(np.uint8)[None]
    assert ink_bounding_boxes(pixels)[0, 2:].max() in (19, 20, 21)
    assert np.all(np.abs(centers_of_mass(pixels)[0] - 14) <= 0.75)


def test_blank_drawing_raises_empty_drawing_error():
    with pytest.raises(EmptyDrawingError, match="empty"):
        canvas_to_mnist(np.zeros((280, 280), np.uint8))
    assert issubclass(EmptyDrawingError, ValueError)


def test_full_drawing_becomes_a_centred_square():
    out = canvas_to_mnist(np.full((100, 100), 255, np.uint8))
    check_mnist_like(out)
    assert out[5:23, 5:23].min() > 0.9 and out.sum() == pytest.approx(400, abs=20)


def test_single_dot_becomes_a_centred_blob():
    image = np.zeros((280, 280), np.uint8)
    image[30, 250] = 255
    out = canvas_to_mnist(image)
    check_mnist_like(out)


def test_one_pixel_line_gets_mnist_stroke_width():
    out = canvas_to_mnist(segment(280, 1, (140, 20), (140, 260)))
    check_mnist_like(out)
    assert 1.5 <= np.sum(out[14] > 0.5) <= 4  # a few pixels across, like MNIST's 1s


@pytest.mark.parametrize("pen", [2, 8, 20])
def test_thin_and_fat_pens_give_the_same_digit(pen):
    reference = canvas_to_mnist(segment(280, 4, (90, 40), (170, 240)))
    out = canvas_to_mnist(segment(280, pen, (90, 40), (170, 240)))
    assert np.abs(out - reference).mean() < 0.03


def test_small_corner_digit_matches_big_centred_digit():
    big = canvas_to_mnist(segment(280, 10, (60, 40), (220, 250)))
    small = canvas_to_mnist(segment(280, 3, (10, 10), (42, 52)))
    assert np.abs(big - small).mean() < 0.05


@pytest.mark.parametrize("channels", ["grey", "rgb", "rgba"])
def test_grey_rgb_and_rgba_give_the_same_result(channels):
    grey = segment(200, 6, (50, 30), (150, 170))
    if channels == "rgb":
        image = np.repeat(grey[..., None], 3, axis=2)
    elif channels == "rgba":  # white ink where opaque; the transparent rest is no ink whatever its colour
        image = np.dstack([np.full_like(grey, 255)] * 3 + [grey])
    else:
        image = grey
    assert np.allclose(canvas_to_mnist(image), canvas_to_mnist(grey), atol=1 / 255)


@pytest.mark.parametrize("size", [28, 1000])
def test_tiny_and_huge_canvases(size):
    out = canvas_to_mnist(segment(size, max(1, size // 40), (size * 0.3, size * 0.1), (size * 0.6, size * 0.9)))
    check_mnist_like(out)


def test_mnist_digits_redrawn_large_come_back(mnist):
    digits = mnist.x_test[:20]
    for digit in digits:
        canvas = np.kron(digit, np.ones((10, 10), np.uint8))  # the digit drawn on a 280x280 canvas
        out = canvas_to_mnist(canvas)
        assert np.corrcoef(out.ravel(), digit.ravel() / 255)[0, 1] > 0.7


@pytest.mark.parametrize(
    "image, message",
    [
        (np.zeros((280, 280), np.float32), r"the drawing \(white ink on black\) must be uint8, got float32"),
        (np.zeros((280, 280, 2), np.uint8), r"the drawing's channels \(3: RGB, 4: RGBA\) must be one of 3, 4, got 2"),
        (np.zeros((20, 300), np.uint8), r"shorter side of the drawing \(20x300 pixels\) must be at least 28, got 20"),
    ],
)
def test_canvas_to_mnist_rejects_bad_input(image, message):
    with pytest.raises(ValueError, match=message):
        canvas_to_mnist(image)


def test_stroke_width_of_known_strokes():
    assert stroke_width(segment(100, 1, (50, 10), (50, 90)) > 0) == pytest.approx(1, abs=0.5)
    assert stroke_width(segment(100, 9, (50, 10), (50, 90)) > 0) == pytest.approx(9, abs=1)
    with pytest.raises(EmptyDrawingError):
        stroke_width(np.zeros((5, 5), bool))


from digitlib.made_drawings import example_strokes  # noqa: E402
from digitlib.preprocess import strokes_to_mnist  # noqa: E402

SEVEN = example_strokes()[7]


def test_strokes_become_an_mnist_like_digit():
    check_mnist_like(strokes_to_mnist(SEVEN))


def test_strokes_ignore_size_and_position():
    big = strokes_to_mnist(SEVEN)
    small_in_a_corner = strokes_to_mnist([[(x / 5 + 3, y / 5 + 200) for x, y in SEVEN[0]]])
    assert np.abs(big - small_in_a_corner).max() < 0.02


def test_strokes_match_the_same_drawing_as_an_image():
    (stroke,) = SEVEN
    image = np.maximum(segment(280, 3, stroke[0], stroke[1]), segment(280, 3, stroke[1], stroke[2]))
    assert np.corrcoef(canvas_to_mnist(image).ravel(), strokes_to_mnist(SEVEN).ravel())[0, 1] > 0.9


def test_a_single_tap_is_a_digit_sized_dot():
    check_mnist_like(strokes_to_mnist([[(40, 40)]]))


@pytest.mark.parametrize("strokes", [[], [[]], [[], []]])
def test_no_points_is_an_empty_drawing(strokes):
    with pytest.raises(EmptyDrawingError, match="empty"):
        strokes_to_mnist(strokes)


@pytest.mark.parametrize("strokes", [[[(1, 2, 3)]], [[(1, np.nan)]], [[1, 2, 3]]])
def test_malformed_strokes_are_refused(strokes):
    with pytest.raises(ValueError, match=r"stroke 0 \(a sequence of \(x, y\) points\) must"):
        strokes_to_mnist(strokes)


def test_naive_resize_shrinks_the_whole_canvas():
    canvas = np.zeros((280, 280), np.uint8)
    canvas[:40, :40] = 255  # ink in the top-left corner only
    small = naive_resize(canvas)
    assert small.shape == (28, 28) and small[:4, :4].min() == 1.0 and small[4:, 4:].max() == 0
    with pytest.raises(ValueError, match="canvas must be uint8, got float64"):
        naive_resize(canvas.astype(float))
