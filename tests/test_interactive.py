import ipywidgets as widgets
import pytest
from matplotlib.figure import Figure

from digitlib.interactive import InteractiveFigure


def test_interactive_figure_redraws_as_its_controls_move():
    def draw(size):
        figure = Figure()
        figure.add_subplot().plot(range(size))
        return figure, size * 2

    slider = widgets.IntSlider(value=3, min=1, max=10)
    control = InteractiveFigure(draw, size=slider)
    first = bytes(control.image.value)
    assert control.result == 6 and first.startswith(b"\x89PNG")
    slider.value = 7
    assert control.result == 14 and bytes(control.image.value) != first
    assert len(control.figure.axes[0].lines[0].get_xdata()) == 7
    with pytest.raises(TypeError, match="must return a Figure"):
        InteractiveFigure(lambda size: size, size=slider)
    with pytest.raises(ValueError, match="the controls of InteractiveFigure must not be empty"):
        InteractiveFigure(draw)
