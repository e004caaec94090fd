import numpy as np
import pytest

from digitlib.made_drawings import (
    PEN_STYLES,
    ellipse,
    example_letters,
    example_strokes,
    jittered,
    random_redraws,
    rare_style_digits,
    rare_styles,
    redraw_on_canvas,
)
from digitlib.pen_inputs import CANVAS
from digitlib.preprocess import check_strokes, ink_bounding_boxes, stroke_width


def test_every_example_is_a_drawing_on_the_canvas():
    drawings = [*example_strokes().values(), *example_letters().values()]
    drawings += [strokes for style in rare_styles().values() for _, strokes in style]
    for strokes in drawings:
        points = np.concatenate(check_strokes(strokes))
        assert points.min() >= 0 and points.max() <= CANVAS
    assert sorted(example_strokes()) == list(range(10))


def test_an_ellipse_runs_clockwise_from_the_top():
    stroke = ellipse(140, 140, 50, 80, points=5)
    np.testing.assert_allclose(stroke, [(140, 60), (190, 140), (140, 220), (90, 140), (140, 60)], atol=1e-9)
    assert ellipse(0, 0, 1, 1, 0, np.pi, points=3)[1] == pytest.approx((1, 0))


def test_the_crossed_seven_is_the_example_seven_crossed():
    (digit, crossed), *_ = rare_styles()["crossed 7"]
    assert digit == 7 and crossed[:1] == example_strokes()[7] and len(crossed) == 2


def test_redraw_puts_the_digit_where_asked(mnist):
    canvas = redraw_on_canvas(mnist.x_test[0], size=100, centre=(200, 80), pen=6)
    assert canvas.shape == (280, 280) and canvas.dtype == np.uint8
    top, left, height, width = ink_bounding_boxes(canvas[None])[0]
    assert 90 <= max(height, width) <= 115
    assert abs(top + height / 2 - 80) < 20 and abs(left + width / 2 - 200) < 20
    assert 4 <= stroke_width_of(canvas) <= 9


def stroke_width_of(canvas):
    return stroke_width(canvas > 0)


def test_redraw_changes_the_pen(mnist):
    thin = redraw_on_canvas(mnist.x_test[1], size=200, centre=(140, 140), pen=3)
    fat = redraw_on_canvas(mnist.x_test[1], size=200, centre=(140, 140), pen=25)
    assert stroke_width_of(thin) < 6 < 18 < stroke_width_of(fat)


def test_redraw_validates(mnist):
    with pytest.raises(ValueError, match=r"digit \(an MNIST digit\) must be uint8, got float64"):
        redraw_on_canvas(mnist.x_test[0] / 255, size=100, centre=(140, 140), pen=5)
    with pytest.raises(ValueError, match="size must be between 4 and 280"):
        redraw_on_canvas(mnist.x_test[0], size=400, centre=(140, 140), pen=5)
    with pytest.raises(ValueError, match="pen must be greater than 0, got 0"):
        redraw_on_canvas(mnist.x_test[0], size=100, centre=(140, 140), pen=0)


def test_random_redraws_stay_on_the_canvas(mnist):
    canvases = random_redraws(mnist.x_test[:20], np.random.default_rng(0))
    boxes = ink_bounding_boxes(np.stack(canvases))
    assert len(canvases) == 20 and boxes[:, 2:].max(axis=1).min() >= 0.1 * 280
    assert np.all(boxes[:, :2] > 0) and np.all(boxes[:, :2] + boxes[:, 2:] < 280)  # nothing cut off


def test_jittered_drawings_stay_on_the_canvas_and_keep_their_shape():
    rng = np.random.default_rng(0)
    for digit, strokes in example_strokes().items():
        moved = jittered(strokes, rng)
        points = np.concatenate([np.asarray(s) for s in moved])
        assert [len(s) for s in moved] == [len(s) for s in strokes]
        assert points.min() > -10 and points.max() < CANVAS + 10, digit


def test_rare_styles_are_prepared_both_ways():
    drawn = rare_style_digits(per_style=2, seed=1)
    styles = len(rare_styles()) + 2  # and the two pens
    assert drawn.strokes.shape == drawn.pixels.shape == (2 * styles, 28, 28, 1)
    assert drawn.strokes.dtype == np.float32 and drawn.strokes.max() <= 1
    assert set(drawn.labels) <= set(range(10)) and len(set(drawn.groups)) == styles


def test_the_pen_styles_are_read_from_their_pixels_and_the_others_from_their_strokes():
    drawn = rare_style_digits(per_style=2, seed=1)
    read = drawn.as_read()
    pens = np.isin(drawn.groups, PEN_STYLES)
    assert pens.sum() == 4 and read.shape == drawn.strokes.shape
    assert np.array_equal(read[pens], drawn.pixels[pens])
    assert np.array_equal(read[~pens], drawn.strokes[~pens])
