import json
import warnings

import numpy as np
import pytest

from digitlib.drawings import (
    FORMAT,
    DrawingFileWarning,
    append_drawing,
    load_drawings,
)
from digitlib.made_drawings import example_strokes, rare_styles

SEVEN = rare_styles()["crossed 7"][0][1]  # two strokes
ONE = example_strokes()[1]


def loaded_with_warnings(path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        drawings = load_drawings(path)
    return drawings, [str(w.message) for w in caught if issubclass(w.category, DrawingFileWarning)]


def test_drawings_come_back_as_written(tmp_path):
    path = tmp_path / "mine.jsonl"
    append_drawing(path, SEVEN, 7)
    append_drawing(path, np.array(ONE), np.int64(1))  # arrays and NumPy integers are fine
    drawings, problems = loaded_with_warnings(path)
    assert drawings == [(SEVEN, 7), (ONE, 1)]
    assert problems == []
    lines = path.read_text().splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["format"] == FORMAT


def test_a_line_cut_short_is_reported_and_the_rest_kept(tmp_path):
    path = tmp_path / "mine.jsonl"
    append_drawing(path, SEVEN, 7)
    append_drawing(path, ONE, 1)
    whole = path.read_bytes()
    path.write_bytes(whole[:-15])  # a crash while the second line was written
    drawings, problems = loaded_with_warnings(path)
    assert drawings == [(SEVEN, 7)]
    assert len(problems) == 1 and "line 2" in problems[0] and "cut short" in problems[0]
    # The next drawing starts a line of its own: the damage stays on line 2.
    append_drawing(path, ONE, 1)
    drawings, problems = loaded_with_warnings(path)
    assert drawings == [(SEVEN, 7), (ONE, 1)]
    assert len(problems) == 1 and "line 2" in problems[0]


@pytest.mark.parametrize(
    "line, message",
    [
        (
            {"format": 2, "label": 7, "strokes": SEVEN},
            "format (the version this digitlib reads) must be one of 1, got 2",
        ),
        ({"label": 7, "strokes": SEVEN}, "must be one of 1, got None"),
        ({"format": FORMAT, "label": 10, "strokes": SEVEN}, "label must be a digit 0-9, got 10"),
        ({"format": FORMAT, "label": "7", "strokes": SEVEN}, "label must be an integer digit"),
        ({"format": FORMAT, "label": 7, "strokes": [[[1, float("nan")]]]}, "finite"),
        ({"format": FORMAT, "label": 7, "strokes": [[[1, "2"]]]}, "must hold numbers, got <U21 of shape (1, 2)"),
        (
            {"format": FORMAT, "label": 7, "strokes": [[[1, 2, 3]]]},
            "must have shape (N, 2), got float64 of shape (1, 3)",
        ),
        ({"format": FORMAT, "label": 7, "strokes": [[[1e308, 2]]]}, "must be at most 1000000, got 1e+308"),
        ({"format": FORMAT, "label": 7, "strokes": "1,2"}, "strokes must be a list of strokes, got str"),
        ({"format": FORMAT, "label": 7, "strokes": []}, "empty"),
        ({"format": FORMAT, "label": 7}, "the line must hold the keys ['label', 'strokes'], missing ['strokes']"),
        ([7], "the line (a JSON object) must be a dict, got list"),
    ],
)
def test_a_bad_line_is_reported_with_its_number(tmp_path, line, message):
    path = tmp_path / "mine.jsonl"
    append_drawing(path, ONE, 1)
    with open(path, "a") as file:
        file.write(json.dumps(line) + "\n")
    append_drawing(path, SEVEN, 7)
    drawings, problems = loaded_with_warnings(path)
    assert drawings == [(ONE, 1), (SEVEN, 7)]
    assert len(problems) == 1 and "line 2 left out" in problems[0] and message in problems[0], problems


@pytest.mark.parametrize(
    "strokes, label, message",
    [
        (SEVEN, 10, "label must be a digit 0-9, got 10"),
        (SEVEN, -1, "label must be a digit 0-9, got -1"),
        (SEVEN, 7.0, "label must be an integer digit 0-9, got 7.0"),
        (SEVEN, True, "label must be an integer digit"),
        ([[(1.0, float("nan"))]], 7, "finite"),
        ([[(1.0, float("inf")), (2.0, 3.0)]], 7, "finite"),
        ([], 7, "empty"),
    ],
)
def test_bad_drawings_are_refused_and_nothing_is_written(tmp_path, strokes, label, message):
    path = tmp_path / "mine.jsonl"
    append_drawing(path, ONE, 1)
    before = path.read_bytes()
    with pytest.raises(ValueError, match=message):
        append_drawing(path, strokes, label)
    assert path.read_bytes() == before


def test_an_empty_file_holds_no_drawings_and_a_missing_one_is_an_error(tmp_path):
    (tmp_path / "empty.jsonl").write_text("")
    assert loaded_with_warnings(tmp_path / "empty.jsonl") == ([], [])
    (tmp_path / "blank.jsonl").write_text("\n\n")
    assert loaded_with_warnings(tmp_path / "blank.jsonl") == ([], [])
    with pytest.raises(FileNotFoundError):
        load_drawings(tmp_path / "missing.jsonl")
