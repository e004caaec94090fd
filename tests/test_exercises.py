import pytest

from digitlib import exercises
from digitlib.exercises import EXERCISES, check, exercise


def test_an_unknown_exercise_is_named_with_the_known_ones():
    with pytest.raises(ValueError, match="the exercise's name must be one of"):
        check("no-such-exercise", 1)


def test_check_prints_the_verdict_and_why(monkeypatch, capsys):
    monkeypatch.setattr(exercises, "EXERCISES", {})
    exercise("double", chapter="test", question="2 + 2?")(lambda a: (a == 4, "2 + 2 is 4."))
    assert check("double", 4) is True
    assert check("double", 5) is False
    assert capsys.readouterr().out == "Right. 2 + 2 is 4.\nNot yet. 2 + 2 is 4.\n"
    with pytest.raises(KeyError, match="exists already"):
        exercise("double", chapter="test", question="again")(lambda a: (True, ""))


def test_every_exercise_names_a_chapter_of_the_book():
    from pathlib import Path

    chapters = {path.stem.split("_", 1)[1] for path in Path(__file__).parents[1].glob("notebooks/*.ipynb")}
    for name, item in EXERCISES.items():
        assert item.chapter in chapters, name
