import numpy as np
import pytest

from digitlib import nondigits


def check_images(images, count):
    assert images.shape == (count, 28, 28) and images.dtype == np.float32
    assert images.min() >= 0 and images.max() <= 1
    assert (images.reshape(count, -1).max(axis=1) > 0.5).all()  # every one holds ink


def test_stroke_letters_are_drawn_through_the_pads_path():
    rng = np.random.default_rng(0)
    images, shown = nondigits.stroke_characters(["futural"], "AK", per_glyph=3, rng=rng)
    check_images(images, 6)
    assert shown == list("AAAKKK")
    assert not np.allclose(images[0], images[1])  # each drawn a little differently


def test_stroke_font_glyphs_point_down_as_on_a_canvas():
    # Hershey's L: a vertical stroke, then the foot at its bottom (larger y)
    stem, foot = nondigits.stroke_font_glyph("futural", "L")
    assert stem[0][1] < stem[-1][1] and foot[0][1] == foot[-1][1] == max(y for _, y in stem)


def test_unknown_fonts_and_characters_are_refused():
    with pytest.raises(ValueError, match="font must be one of"):
        nondigits.stroke_font_glyph("comic-sans", "A")
    with pytest.raises(ValueError, match="no strokes for ' '"):
        nondigits.stroke_font_glyph("futural", " ")


def test_typed_letters_from_matplotlibs_fonts():
    files = nondigits.bundled_font_files()
    assert len(files) >= 10 and all(file.suffix == ".ttf" for file in files)
    images, shown = nondigits.font_characters(files[:2], "xE", per_glyph=1, rng=np.random.default_rng(0))
    check_images(images, 4)
    assert shown == list("xExE")


def test_missing_debian_fonts_name_the_packages(monkeypatch, tmp_path):
    monkeypatch.setattr(nondigits, "DEBIAN_FONTS", {"fonts-nowhere": str(tmp_path)})
    with pytest.raises(FileNotFoundError, match="apt-get install fonts-nowhere"):
        nondigits.debian_font_files()


@pytest.mark.parametrize("make", [nondigits.scribbles, nondigits.scattered_dots, nondigits.smudges])
def test_scribbles_dots_and_smudges_hold_ink(make):
    check_images(make(5, np.random.default_rng(1)), 5)


def test_pixel_noise():
    noise = nondigits.pixel_noise(4, np.random.default_rng(0))
    assert noise.shape == (4, 28, 28) and 0 <= noise.min() and noise.max() <= 1


def test_the_sets_refuse_too_few_digits():
    with pytest.raises(ValueError, match="the number of digits in x_train must be at least 30000, got 10"):
        nondigits.training_set(np.zeros((10, 28, 28), np.uint8), np.random.default_rng(0))


def test_narrowed_digits_keep_their_height_and_lose_width():
    bar = np.zeros((1, 28, 28), np.float32)
    bar[0, 4:24, 4:24] = 1.0  # a 20 x 20 square
    narrow = nondigits.narrowed(bar, np.random.default_rng(0), widths=(0.5, 0.5))[0]
    rows, columns = np.nonzero(narrow > 0.5)
    assert (rows.min(), rows.max()) == (4, 23)  # as tall as before
    assert 9 <= columns.max() - columns.min() + 1 <= 11  # half as wide
    assert abs(columns.mean() - 13.5) < 0.5  # about the middle column
