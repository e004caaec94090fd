"""The drawing pad: draw a digit in a notebook cell and watch the prediction follow.

The pad keeps the strokes itself, from the canvas' mouse and touch events, and turns them into
the model's input in Python (:func:`digitlib.preprocess.strokes_to_mnist`), so it needs no image
data from the browser and can be driven from code: ``pad.draw(strokes)`` goes through exactly
the same steps as a hand on the canvas.
"""

from __future__ import annotations

import base64
import html
import io
import time
import traceback
from typing import Callable, Sequence

import ipywidgets as widgets
import numpy as np
from ipycanvas import Canvas, hold_canvas

from digitlib.models import load_pretrained, single_image_predictor
from digitlib.preprocess import check_strokes, strokes_to_mnist
from digitlib.validation import INPUT_SHAPE

SIZE = 280  # canvas size in CSS pixels
PEN = 18  # the width of the pen shown on the canvas (the model's input uses MNIST's own width)
THROTTLE_SECONDS = 0.08  # at most one prediction per this interval while a stroke is drawn

Point = tuple[float, float]


def _png_data_url(image: np.ndarray) -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.rint(np.clip(image, 0, 1) * 255).astype(np.uint8), mode="L").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _bars_html(probabilities: np.ndarray | None) -> str:
    rows = []
    for digit in range(10):
        share = 0.0 if probabilities is None else float(probabilities[digit])
        best = probabilities is not None and digit == int(np.argmax(probabilities))
        colour = "#0072b2" if best else "#9fb8cc"
        rows.append(
            f'<div style="display:flex;align-items:center;height:17px;font:12px monospace">'
            f'<span style="width:14px">{digit}</span>'
            f'<span style="display:inline-block;height:11px;width:{share * 150:.1f}px;background:{colour}"></span>'
            f'<span style="margin-left:4px">{share:.0%}</span></div>'
        )
    return '<div class="digit-pad-probabilities">' + "".join(rows) + "</div>"


class DigitPad(widgets.HBox):
    """A canvas to draw a digit on, with the model's prediction updated while you draw.

    ``model``: a Keras model taking (N, 28, 28, 1) floats in [0, 1]; default
    :func:`digitlib.models.load_pretrained`.  Read ``prediction`` (an int, or None while the
    pad is empty) and ``probabilities`` (ten floats, or None); ``draw(strokes)`` and ``clear()``
    do what a person would do.
    """

    def __init__(self, model=None):
        if model is None:
            model = load_pretrained()
        self._predict_probabilities = single_image_predictor(model)
        self._strokes: list[list[Point]] = []
        self._drawing = False
        self._last_prediction_time = 0.0
        self.prediction: int | None = None
        self.probabilities: np.ndarray | None = None
        self.preview: np.ndarray = np.zeros(INPUT_SHAPE[:2], np.float32)

        self.canvas = Canvas(width=SIZE, height=SIZE)
        self.canvas.layout = widgets.Layout(width=f"{SIZE}px", height=f"{SIZE}px", border="1px solid #888")
        self.clear_button = widgets.Button(description="Clear", icon="eraser", layout=widgets.Layout(width=f"{SIZE}px"))
        self._prediction_html = widgets.HTML("").add_class("digit-pad-prediction")
        self._prediction_html.layout = widgets.Layout(height="64px")
        self._confidence = widgets.HTML(self._confidence_text())
        self._bars = widgets.HTML(_bars_html(None))
        self._preview = widgets.HTML(self._preview_html())
        self._errors = widgets.HTML("").add_class("digit-pad-errors")

        self.canvas.on_client_ready(self._guarded(self._repaint))
        self.canvas.on_mouse_down(self._guarded(self._start))
        self.canvas.on_mouse_move(self._guarded(self._move))
        self.canvas.on_mouse_up(self._guarded(lambda x, y: self._end()))
        self.canvas.on_mouse_out(self._guarded(lambda x, y: self._end()))
        self.canvas.on_touch_start(self._guarded(lambda touches: self._start(*touches[0])))
        self.canvas.on_touch_move(self._guarded(lambda touches: self._move(*touches[0])))
        self.canvas.on_touch_end(self._guarded(lambda touches: self._end()))
        self.canvas.on_touch_cancel(self._guarded(lambda touches: self._end()))
        self.clear_button.on_click(self._guarded(lambda button: self.clear()))

        side = widgets.VBox(
            [
                widgets.HTML("<b>Prediction</b>"),
                self._prediction_html,
                self._confidence,
                self._bars,
                widgets.HTML("<b>What the model sees</b>"),
                self._preview,
            ],
            layout=widgets.Layout(margin="0 0 0 16px"),
        )
        super().__init__([widgets.VBox([self.canvas, self.clear_button, self._errors]), side])
        self.add_class("digit-pad")

    # --- the Python API ---------------------------------------------------------------

    @property
    def strokes(self) -> list[list[Point]]:
        """A copy of the strokes drawn so far, in canvas pixels."""
        return [list(stroke) for stroke in self._strokes]

    def draw(self, strokes: Sequence[Sequence[Point]]) -> None:
        """Draw ``strokes`` (each a sequence of (x, y) canvas pixels) as a hand would.

        Checked as :func:`digitlib.preprocess.check_strokes` checks them: empty strokes
        are left out, and a drawing with no point at all raises ``EmptyDrawingError``.
        """
        for points in check_strokes(strokes):
            self._start(*points[0])
            for x, y in points[1:]:
                self._move(x, y)
            self._end()

    def clear(self) -> None:
        """Wipe the canvas and the prediction."""
        self._strokes, self._drawing = [], False
        self.prediction, self.probabilities = None, None
        self.preview = np.zeros(INPUT_SHAPE[:2], np.float32)
        self._repaint()
        self._show()

    # --- events -------------------------------------------------------------------------

    def _guarded(self, callback: Callable) -> Callable:
        """Run an event handler; show any error in the widget, where the reader can see it."""

        def run(*args):
            try:
                callback(*args)
            except Exception as error:  # noqa: BLE001 - shown to the reader, never swallowed
                self._errors.value = (
                    '<pre style="color:#b00;white-space:pre-wrap;font-size:11px">'
                    f"{html.escape(''.join(traceback.format_exception_only(error)).strip())}</pre>"
                )
                raise

        return run

    def _start(self, x: float, y: float) -> None:
        self._drawing = True
        self._strokes.append([(float(x), float(y))])
        self.canvas.fill_circle(x, y, PEN / 2)

    def _move(self, x: float, y: float) -> None:
        if not self._drawing:
            return  # the mouse moves over the canvas without a button pressed
        x0, y0 = self._strokes[-1][-1]
        self._strokes[-1].append((float(x), float(y)))
        self.canvas.stroke_line(x0, y0, x, y)
        if time.monotonic() - self._last_prediction_time >= THROTTLE_SECONDS:
            self._predict()

    def _end(self) -> None:
        if self._drawing:
            self._drawing = False
            self._predict()

    # --- prediction and display -------------------------------------------------------------

    def _predict(self) -> None:
        self._last_prediction_time = time.monotonic()
        self.preview = strokes_to_mnist(self._strokes)
        self.probabilities = self._predict_probabilities(self.preview).astype(np.float64)
        self.prediction = int(np.argmax(self.probabilities))
        self._errors.value = ""
        self._show()

    def _confidence_text(self) -> str:
        if self.probabilities is None:
            return '<span style="color:#666">Draw a digit on the black square.</span>'
        return f"confidence {self.probabilities[self.prediction]:.0%}"

    def _preview_html(self) -> str:
        return (
            f'<img src="{_png_data_url(self.preview)}" width="112" height="112" '
            'style="image-rendering:pixelated;border:1px solid #888" alt="the 28x28 input of the model">'
        )

    def _show(self) -> None:
        digit = "" if self.prediction is None else str(self.prediction)
        self._prediction_html.value = f'<span style="font-size:56px;line-height:60px;font-weight:bold">{digit}</span>'
        self._confidence.value = self._confidence_text()
        self._bars.value = _bars_html(self.probabilities)
        self._preview.value = self._preview_html()

    def _repaint(self) -> None:
        """Paint the whole canvas: black background, then every stroke (also for a new browser view)."""
        # ipycanvas caches the canvas it last drew on; a new view needs the commands again
        # (ipycanvas issue #322). Private attribute: ipycanvas is pinned to 0.14.
        self.canvas._canvas_manager._current_canvas = None
        with hold_canvas():
            self.canvas.clear()
            self.canvas.fill_style = "black"
            self.canvas.fill_rect(0, 0, SIZE, SIZE)
            self.canvas.stroke_style = "white"
            self.canvas.fill_style = "white"
            self.canvas.line_width = PEN
            self.canvas.line_cap = "round"
            self.canvas.line_join = "round"
            for stroke in self._strokes:
                self.canvas.fill_circle(*stroke[0], PEN / 2)
                if len(stroke) > 1:
                    self.canvas.stroke_lines(stroke)


def _loop(cx: float, cy: float, rx: float, ry: float, start: float = 0.0, points: int = 32) -> list[Point]:
    angles = start + np.linspace(0, 2 * np.pi, points)
    return [(cx + rx * float(np.sin(a)), cy - ry * float(np.cos(a))) for a in angles]


def example_strokes() -> dict[int, list[list[Point]]]:
    """One hand-made drawing of each digit, as strokes in canvas pixels, for demos and tests."""
    return {
        0: [_loop(140, 145, 70, 105)],
        1: [[(115, 75), (150, 40), (150, 250)]],
        2: [[(80, 95), (110, 50), (170, 48), (200, 90), (190, 140), (80, 250), (215, 250)]],
        3: [[(80, 60), (190, 60), (125, 130), (190, 170), (185, 230), (130, 255), (75, 230)]],
        4: [[(170, 250), (170, 40), (60, 175), (220, 175)]],
        5: [[(200, 45), (95, 45), (85, 130), (160, 118), (200, 170), (180, 235), (120, 255), (75, 230)]],
        6: [[(185, 45), (120, 85), (88, 170), (100, 240), (160, 252), (195, 200), (170, 150), (110, 150), (88, 195)]],
        7: [[(70, 50), (210, 50), (120, 250)]],
        8: [_loop(140, 88, 45, 45, np.pi), _loop(140, 190, 58, 60)],
        9: [_loop(140, 95, 50, 50, np.pi / 2) + [(190, 95), (185, 250)]],
    }
