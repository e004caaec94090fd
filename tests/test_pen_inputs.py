import numpy as np
import pytest

from digitlib.pen_inputs import CANVAS, PEN_WIDTHS, on_canvas, pen_inputs, prepare, rasterize_strokes, uci_handwriting
from digitlib.preprocess import centers_of_mass
from digitlib.unipen import PenCharacters


def tiny_characters():
    seven = [np.array([[0.0, 0.0], [900.0, 0.0], [300.0, 1500.0]])]
    one = [np.array([[400.0, 0.0], [420.0, 1600.0]])]
    return PenCharacters([seven, one], np.array([7, 1]), np.array(["a/x", "a/y"]))


def test_a_character_lands_inside_the_canvas_at_a_readers_size():
    rng = np.random.default_rng(0)
    for character in tiny_characters().strokes:
        for _ in range(20):
            points = np.concatenate(on_canvas(character, rng))
            # the widest pen's ink stays on the canvas
            assert points.min() >= PEN_WIDTHS[1] / 2 and points.max() <= CANVAS - PEN_WIDTHS[1] / 2
            assert 0.4 * CANVAS - 1e-6 <= (points.max(axis=0) - points.min(axis=0)).max() <= 0.85 * CANVAS + 1e-6


def test_prepare_makes_both_paths_and_keeps_the_labels():
    prepared = prepare(tiny_characters(), seed=1)
    assert prepared.strokes.shape == prepared.pixels.shape == (2, 28, 28, 1)
    assert prepared.labels.tolist() == [7, 1] and prepared.writers.tolist() == ["a/x", "a/y"]
    assert ((PEN_WIDTHS[0] <= prepared.pens) & (prepared.pens <= PEN_WIDTHS[1])).all()
    for images in (prepared.strokes, prepared.pixels):
        assert images.max() == pytest.approx(1, abs=0.05) and images.min() == 0
    # a 7 and a 1 differ in both paths
    assert np.abs(prepared.strokes[0] - prepared.strokes[1]).sum() > 20


def test_the_seed_moves_the_canvas_not_the_strokes():
    first, second = prepare(tiny_characters(), seed=1), prepare(tiny_characters(), seed=2)
    assert np.array_equal(first.strokes, second.strokes)
    assert not np.array_equal(first.pixels, second.pixels)


def test_pen_inputs_are_cached_and_a_damaged_cache_is_made_again(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGITLIB_DATA_DIR", str(tmp_path))
    made = pen_inputs("digits", "validation")
    files = list(tmp_path.glob("pen_digits_validation_seed0_*.npz"))
    assert len(files) == 1 and not list(tmp_path.glob("*.tmp.npz"))
    again = pen_inputs("digits", "validation")
    assert np.array_equal(made.pixels, again.pixels) and np.array_equal(made.writers, again.writers)
    files[0].write_bytes(b"not a zip file")
    remade = pen_inputs("digits", "validation")
    assert np.array_equal(made.strokes, remade.strokes)


def test_pen_inputs_name_the_sides():
    with pytest.raises(ValueError, match="split must be one of 'train', 'validation', 'test', got 'all'"):
        pen_inputs("digits", "all")


def test_rasterize_draws_a_round_ended_line_of_the_pen_width():
    image = rasterize_strokes([[(40, 140), (240, 140)]], pen=20)
    assert image.dtype == np.uint8 and image.shape == (CANVAS, CANVAS)
    assert image[140, 30] == 255 and image[140, 20] == 0 and image[125, 140] == 0
    assert 19 <= np.sum(image[:, 140] > 127) <= 21


def test_uci_handwriting_is_real_and_prepared_like_mnist():
    inputs, labels = uci_handwriting()
    assert inputs.shape == (1797, 28, 28, 1) and labels.shape == (1797,)
    assert np.bincount(labels).min() > 170  # about 180 of each digit
    centres = centers_of_mass((inputs[:200, ..., 0] * 255).astype(np.uint8))
    assert np.abs(centres - 14).max() < 1  # centred as MNIST's digits are
