from types import SimpleNamespace

import IPython.display
import numpy as np
import pytest

from digitlib.glue import GLUE_PREFIX, glue


def glued(name, value, monkeypatch):
    shown = []
    monkeypatch.setattr(
        IPython.display,
        "display",
        lambda data, raw, metadata: shown.append(SimpleNamespace(data=data, raw=raw, metadata=metadata)),
    )
    returned = glue(name, value)
    (output,) = shown
    assert output.raw, "a raw mime bundle, as myst_nb.glue displays it"
    return returned, output


def test_glue_writes_what_myst_nb_reads(monkeypatch):
    returned, output = glued("test_accuracy", np.float64(0.997), monkeypatch)
    assert returned == 0.997 and type(returned) is float
    assert output.data == {GLUE_PREFIX + "text/plain": "0.997"}
    assert output.metadata == {"scrapbook": {"name": "test_accuracy", "mime_prefix": GLUE_PREFIX}}


def test_glue_turns_numpy_integers_into_plain_ones(monkeypatch):
    returned, output = glued("wrong", np.int64(30), monkeypatch)
    assert type(returned) is int and output.data[GLUE_PREFIX + "text/plain"] == "30"


@pytest.mark.parametrize(
    ("name", "value", "error", "says"),
    [
        ("test accuracy", 0.9, ValueError, "plain identifier"),
        ("acc", np.array([0.9]), TypeError, "must be a number or a string, got ndarray"),
        ("flag", True, TypeError, "got bool"),
    ],
)
def test_glue_refuses_what_a_sentence_cannot_paste(name, value, error, says):
    with pytest.raises(error, match=says):
        glue(name, value)
