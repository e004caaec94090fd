import numpy as np
import pytest

from digitlib.draw import DigitCollector, DigitPad, DigitReader
from digitlib.drawings import load_drawings
from digitlib.made_drawings import ellipse, example_letters, example_strokes, rare_styles
from digitlib.pen_inputs import CANVAS
from digitlib.preprocess import EmptyDrawingError, strokes_to_mnist

RARE = {style: drawings[0] for style, drawings in rare_styles().items()}  # (digit, strokes)
DIGITS = {
    "a big 1 in the middle": (1, [[(140, 30), (140, 250)]]),
    "a small 1 at the left": (1, [[(30, 100), (30, 160)]]),
    "a big 0": (0, [ellipse(140, 140, 80, 110, points=40)]),
    "a small 0 in a corner": (0, [ellipse(230, 40, 20, 28, points=40)]),
    "a 7": (7, example_strokes()[7]),
    "a crossed 7, low and right": (7, [[(160, 160), (260, 160), (200, 270)], [(180, 215), (250, 215)]]),
    # Styles MNIST has few of.
    "a 1 with a flag and a base": RARE["1 with a flag and a base"],
    "a 0 whose ends overlap": RARE["0 whose ends overlap"],
    "a 4 with an open top": RARE["4 with an open top"],
    "a small crossed 7": (7, [[(100, 100), (150, 100), (120, 170)], [(110, 135), (150, 135)]]),
}
#: Letters no fair reader takes for a digit, drawn as a hand would on the 280x280 canvas.
LETTERS = example_letters()


@pytest.fixture(scope="module")
def pad():
    return DigitPad()


@pytest.mark.parametrize("name", DIGITS)
def test_pad_recognises_drawn_digits(pad, name):
    digit, strokes = DIGITS[name]
    pad.clear()
    pad.draw(strokes)
    assert pad.prediction == digit, (
        f"{name}: predicted {pad.prediction}, probabilities {np.round(pad.probabilities, 3)}"
    )
    assert pad.probabilities.shape == (10,) and pad.probabilities.sum() == pytest.approx(1, abs=1e-4)
    assert pad.strokes == [[tuple(map(float, p)) for p in s] for s in strokes]
    assert f">{digit}<" in pad.prediction_view.value
    assert pad.is_digit is True, f"{name}: digit score {pad.reader.digit_score:.2f}"


@pytest.mark.parametrize("name", LETTERS)
def test_pad_says_a_letter_is_not_a_digit(pad, name):
    pad.clear()
    pad.draw(LETTERS[name])
    assert pad.is_digit is False, f"{name}: digit score {pad.reader.digit_score:.2f}"
    assert pad.prediction in range(10)  # the most likely digit is still there
    assert ">?<" in pad.prediction_view.value
    assert "does not look like a digit" in pad.confidence_view.value
    assert pad.bars_view.value.count("%</span>") == 10  # the bars stay
    pad.clear()
    assert pad.is_digit is None and "?" not in pad.prediction_view.value


def test_a_model_of_your_own_has_no_detector_unless_given_one():
    from digitlib.detector import load_detector
    from digitlib.models import load_pretrained

    model = load_pretrained()
    plain = DigitReader(model)
    plain.draw(LETTERS["X"])
    plain.read()
    assert plain.is_digit is None and plain.prediction in range(10)
    checked = DigitReader(model, detector=load_detector())
    checked.draw(LETTERS["X"])
    checked.read()
    assert checked.is_digit is False
    np.testing.assert_allclose(plain.probabilities, checked.probabilities, atol=1e-5)


def test_clear_empties_the_pad(pad):
    pad.draw(DIGITS["a 7"][1])
    pad.clear()
    assert pad.prediction is None and pad.probabilities is None and pad.strokes == []
    assert "><" in pad.prediction_view.value  # the prediction element is empty
    assert not pad.preview.any()


def test_moving_without_pressing_draws_nothing(pad):
    pad.clear()
    assert not pad.reader.extend(10, 10) and not pad.reader.finish()
    assert pad.strokes == [] and pad.prediction is None


def test_the_reader_records_strokes_and_reads_them_without_a_widget(pad):
    reader = DigitReader()
    (start, *rest), *_ = example_strokes()[7]
    reader.start(*start)
    assert all(reader.extend(*point) for point in rest) and reader.finish()
    reader.read()
    assert reader.prediction == 7 and reader.preview.shape == (28, 28)
    reader.clear()
    assert reader.strokes == [] and reader.prediction is None


def test_widget_layout_and_css_classes(pad):
    assert "digit-pad" in pad._dom_classes
    assert "digit-pad-prediction" in pad.prediction_view._dom_classes
    assert pad.canvas.width == pad.canvas.height == CANVAS
    assert pad.canvas.layout.width == pad.canvas.layout.height == f"{CANVAS}px"  # never stretched to the cell


def test_preview_is_what_the_model_sees(pad):
    pad.clear()
    pad.draw(DIGITS["a big 0"][1])
    assert pad.preview.shape == (28, 28) and pad.preview.max() > 0.9
    assert "data:image/png;base64," in pad.preview_view.value


def test_pad_reader_and_strokes_to_mnist_agree_on_bad_drawings(pad):
    pad.clear()
    pad.draw(DIGITS["a 7"][1])
    drawn = pad.strokes
    for bad, error, message in [
        ([[]], EmptyDrawingError, "the drawing is empty"),
        ([[(1, 2, 3)]], ValueError, r"stroke 0 \(a sequence of \(x, y\) points\) must have shape \(N, 2\)"),
        ([[(1, 2)], [(np.nan, 2)]], ValueError, "stroke 1 .* must hold finite numbers"),
        ([[("a", "b")]], ValueError, "stroke 0 .* must hold numbers, got <U1"),
        ([["12"]], ValueError, "stroke 0 .* must hold numbers, got <U2"),
        ("a 7", ValueError, "strokes must be a list of strokes, got str"),
        ([[(1, 2), (1e308, 2)]], ValueError, r"largest coordinate \(in size\) of stroke 0 .* must be at most"),
    ]:
        for draw in (pad.draw, pad.reader.draw, strokes_to_mnist):
            with pytest.raises(error, match=message):
                draw(bad)
    assert pad.strokes == drawn and pad.prediction == 7, "a bad drawing changes nothing on the pad"


def test_errors_show_in_the_widget(pad, monkeypatch):
    def broken():
        raise RuntimeError("the reader is broken")

    monkeypatch.setattr(pad.reader, "clear", broken)
    pad.clear_button.click()  # what a click in the browser runs (ipywidgets logs the error too)
    assert "the reader is broken" in pad.errors_view.value


def test_collector_stores_labelled_drawings_and_keeps_them(tmp_path):
    path = tmp_path / "mine.jsonl"
    collector = DigitCollector(path, seed=0)
    asked = [collector.target]
    for _ in range(9):
        collector.pad.draw(DIGITS["a 7"][1])
        collector.save()  # what the Save button does
        asked.append(collector.target)
    assert sorted(asked) == list(range(10))  # one round asks for each digit once
    collector.add(DIGITS["a big 0"][1], 0)
    assert [label for _, label in collector.drawings] == asked[:9] + [0]
    assert collector.counts.sum() == 10 and collector.pad.prediction is None  # the pad was cleared
    assert load_drawings(path) == collector.drawings
    again = DigitCollector(path)  # a new session finds what was saved
    assert again.drawings == collector.drawings and again.counts.tolist() == collector.counts.tolist()
    assert "<b>1</b>" in again.counts_view.value


def test_collector_says_what_it_saved_and_where(tmp_path):
    collector = DigitCollector(tmp_path / "mine.jsonl")
    for target, message in [(8, "Saved an 8 to mine.jsonl."), (7, "Saved a 7 to mine.jsonl.")]:
        collector.target = target  # the digit asked for
        collector.pad.draw(DIGITS["a 7"][1])
        collector.save()
        assert collector.message_view.value == message  # a/an by the digit, the file's name only


def test_collector_refuses_an_empty_drawing_and_a_bad_label(tmp_path):
    collector = DigitCollector(tmp_path / "mine.jsonl")
    target = collector.target
    collector.save()  # on an empty pad
    article = "an" if target == 8 else "a"
    assert f"Nothing to save: draw {article} {target} first" in collector.message_view.value
    assert f"Draw {article} <b>{target}</b>" in collector.prompt_view.value
    assert collector.target == target and collector.drawings == []
    with pytest.raises(ValueError, match="label must be a digit 0-9, got 12"):
        collector.add(DIGITS["a 7"][1], 12)
    assert collector.drawings == [] and not (tmp_path / "mine.jsonl").exists()


def test_pad_with_internals_shows_what_the_prediction_depends_on():
    from scipy import ndimage

    pad = DigitPad(show_internals=True)
    assert "Draw to see it" in pad.internals_view.value and pad.reader.saliency is None
    pad.draw(DIGITS["a 7"][1])
    reader = pad.reader
    assert pad.prediction == 7
    assert reader.saliency.shape == (28, 28) and reader.saliency.min() >= 0 and reader.saliency.max() == 1
    assert reader.feature_maps.shape == (28, 28, 32)
    # the same probabilities as the plain pad's path, and a map centred on the digit, not the border
    np.testing.assert_allclose(reader.probabilities, reader.features_of(reader.preview)[0], atol=1e-5)
    assert pad.is_digit is True
    row, column = ndimage.center_of_mass(reader.saliency)
    assert abs(row - 14) < 5 and abs(column - 14) < 5
    assert pad.internals_view.value.count("<img") == 2
    pad.clear()
    assert reader.saliency is None and "Draw to see it" in pad.internals_view.value
    assert DigitPad().internals_view is None  # the plain pad computes none of it


def test_a_reader_takes_strokes_through_draw():
    label, seven = DIGITS["a 7"]
    reader = DigitReader()
    reader.draw([*seven, []])
    reader.read()
    kept = [[(float(x), float(y)) for x, y in stroke] for stroke in seven]
    assert reader.prediction == label and reader.strokes == kept
    with pytest.raises(ValueError, match="must hold numbers"):
        reader.draw([[("a", "b")]])
    assert reader.strokes == kept, "a bad drawing loses nothing"
