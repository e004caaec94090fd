import numpy as np
import pytest

from digitlib.unipen import (
    ARRAY_SHA256,
    LARGE_WRITER,
    LETTERS,
    SPLITS,
    load_pen_characters,
    pen_data_path,
    read_pen_data,
    split_writers,
)


@pytest.fixture(scope="module")
def sides():
    return {side: load_pen_characters("digits", side) for side in SPLITS}


def test_every_writer_is_on_one_side_over_digits_and_letters(sides):
    letters = {side: load_pen_characters("letters", side) for side in SPLITS}
    writers = {side: set(sides[side].writers) | set(letters[side].writers) for side in SPLITS}
    assert not (writers["train"] & writers["validation"] or writers["train"] & writers["test"])
    assert not writers["validation"] & writers["test"]
    everyone = load_pen_characters("digits")
    assert sum(len(sides[side]) for side in SPLITS) == len(everyone) == 8451
    assert len(set(everyone.writers)) == 173


def test_pen_digits_are_strokes_with_digit_labels(sides):
    digits = sides["validation"]
    assert digits.labels.dtype.kind == "i" and set(digits.labels) == set(range(10))
    first = digits.strokes[0]
    assert all(stroke.ndim == 2 and stroke.shape[1] == 2 for stroke in first)
    assert min(stroke.min() for stroke in first) == 0, "each character's top-left ink is at 0"


def test_only_the_letters_that_are_no_digits_ship():
    letters = load_pen_characters("letters")
    assert set(letters.labels) <= set(LETTERS) and len(letters) > 30_000


def test_no_side_is_a_handful_of_large_writers(sides):
    for side in ("validation", "test"):
        per_writer = np.unique(sides[side].writers, return_counts=True)[1]
        assert per_writer.max() <= LARGE_WRITER and (per_writer >= 10).sum() >= 15, side


def test_the_split_deals_blocks_of_similar_writers():
    digits = {f"w{i:03}": LARGE_WRITER - i for i in range(60)} | {"giant": 2 * LARGE_WRITER}
    split = split_writers(digits, {})
    assert split["giant"] == "train" and split == split_writers(digits, {})
    ranked = sorted(set(digits) - {"giant"}, key=lambda n: -digits[n])
    for start in range(0, 60, 20):
        block = [split[name] for name in ranked[start : start + 20]]
        assert block.count("validation") == block.count("test") == 3


def test_a_changed_pen_data_file_is_refused(tmp_path):
    arrays = read_pen_data()
    arrays["digits_label"] = np.where(arrays["digits_label"] == "1", "7", arrays["digits_label"])
    damaged = tmp_path / "unipen.npz"
    np.savez_compressed(damaged, **arrays)
    with pytest.raises(ValueError, match=r"changed \['digits_label'\]"):
        read_pen_data(damaged)
    del arrays["writer_split"]
    np.savez_compressed(damaged, **arrays)
    with pytest.raises(ValueError, match=r"missing \['writer_split'\]"):
        read_pen_data(damaged)


def test_the_shipped_file_is_small_and_every_array_is_recorded():
    assert pen_data_path().stat().st_size < 6e6
    assert set(read_pen_data()) == set(ARRAY_SHA256)


@pytest.mark.parametrize(
    ("kind", "split", "says"), [("numbers", None, "kind must be"), ("digits", "dev", "split must")]
)
def test_bad_arguments_say_what_was_expected(kind, split, says):
    with pytest.raises(ValueError, match=says):
        load_pen_characters(kind, split)


def test_a_dot_or_a_line_is_told_from_a_character():
    from digitlib.unipen import is_line_or_dot

    assert is_line_or_dot([np.array([[5.0, 5.0]])])
    assert is_line_or_dot([np.array([[0.0, 0.0], [100.0, 10.0]])])
    assert not is_line_or_dot([np.array([[0.0, 0.0], [100.0, 0.0], [50.0, 80.0]])])
