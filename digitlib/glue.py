"""Numbers for a chapter's prose, taken from the cell that computes them.

A chapter's markdown never types a measured number by hand: a cell computes it and calls
:func:`glue`, and the text pastes it with myst-nb's role, ``{glue:text}`key:.1%```.  The book
build (Jupyter Book 1.x, myst-nb) reads what :func:`glue` displays and puts the value in the
sentence, formatted there.

:func:`glue` writes the same output as ``myst_nb.glue(name, value, display=False)`` without
importing myst-nb, which Colab and a bare Binder kernel do not have: a display of the value's
``text/plain`` form under myst-nb's mime prefix, tagged with the key.  JupyterLab shows nothing
for it (and shows the role in the markdown as raw text, like ``{cite:p}``).
"""

from __future__ import annotations

import numbers

#: The mime prefix under which myst-nb looks for glued values (``myst_nb.ext.glue.GLUE_PREFIX``).
GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, value: int | float | str) -> int | float | str:
    """Record ``value`` under ``name`` for ``{glue:text}`name``` in this chapter's markdown.

    ``value`` is a number or a string.  NumPy numbers become plain Python ones first: myst-nb
    stores the text ``repr`` gives, and the ``repr`` of ``np.float64(0.997)`` cannot take a
    format spec.  Returns the value as glued, so a cell can glue and keep it in one line.
    """
    if not isinstance(name, str) or not name.isidentifier():  # the one check of a text's form
        raise ValueError(f"name must be a plain identifier (letters, digits, _), got {name!r}")
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, numbers.Real, str)):
        raise TypeError(f"value of {name!r} must be a number or a string, got {type(value).__name__}")
    if isinstance(value, numbers.Integral):
        value = int(value)
    elif isinstance(value, numbers.Real):
        value = float(value)
    from IPython.display import display

    display(
        {GLUE_PREFIX + "text/plain": repr(value)},
        raw=True,
        metadata={"scrapbook": {"name": name, "mime_prefix": GLUE_PREFIX}},
    )
    return value
