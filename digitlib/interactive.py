"""A figure redrawn as sliders move (:class:`InteractiveFigure`): the chapters' sliders,
kept apart from the figures (:mod:`digitlib.plots`) and the pad (:mod:`digitlib.draw`)."""

from __future__ import annotations

import io

import ipywidgets as widgets
from matplotlib.figure import Figure

from digitlib.validation import check_mapping


class InteractiveFigure(widgets.VBox):
    """Sliders (or any widgets with a ``value``) and the figure they control, drawn again
    at each change: ``InteractiveFigure(draw, rate=slider, ...)`` calls
    ``draw(rate=slider.value, ...)``.

    ``draw`` returns a ``Figure`` or ``(Figure, result)``; ``figure`` holds the figure
    shown, ``result`` the result (the figure when there is none).  The figure is shown as
    a PNG in an ``Image`` widget rather than through an ``Output`` widget, as
    ``ipywidgets.interactive`` does: a notebook whose Output widgets capture displays while
    its cells run can leave the book build waiting for ever (nbclient issue 312; it
    happened here, in the chapters' slider checks).
    """

    def __init__(self, draw, **controls):
        check_mapping(controls, name="the controls of InteractiveFigure")
        self.draw, self.controls = draw, controls
        self.image = widgets.Image(format="png")
        for control in controls.values():
            control.observe(lambda change: self.update(), "value")
        super().__init__([*controls.values(), self.image])
        self.update()

    def update(self) -> None:
        """Draw the figure for the controls' values now, and show it."""
        drawn = self.draw(**{name: control.value for name, control in self.controls.items()})
        self.figure, self.result = drawn if isinstance(drawn, tuple) else (drawn, drawn)
        if not isinstance(self.figure, Figure):
            raise TypeError(f"draw must return a Figure or (Figure, result), got {type(self.figure).__name__}")
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=80)
        self.image.value = buffer.getvalue()
