"""The drawing pad: draw a digit in a notebook cell and watch the prediction follow; and the
collector, which records your own labelled drawings with it.

The pad keeps the strokes itself, from the canvas' mouse and touch events, and turns them into
the model's input in Python (:func:`digitlib.preprocess.strokes_to_mnist`), so it needs no image
data from the browser and can be driven from code: ``pad.draw(strokes)`` goes through exactly
the same steps as a hand on the canvas.

What the pad knows is a :class:`DigitReader`, which needs no widget; :class:`DigitPad` shows it
with a :class:`PadCanvas` to draw on and a :class:`ReaderView` for each thing it shows (the
digit, the confidence, the bars, the preview, and the network's internals), each view written
by one small function of the reader.
"""

from __future__ import annotations

import base64
import html
import io
import time
import traceback
from pathlib import Path
from typing import Callable, Sequence

import ipywidgets as widgets
import numpy as np
from ipycanvas import Canvas, hold_canvas

from digitlib.detector import DigitDetector, load_detector, single_image_reader
from digitlib.drawings import append_drawing, load_drawings
from digitlib.models import load_pretrained, single_image_internals, single_image_predictor
from digitlib.pen_inputs import CANVAS  # the pad's canvas: its side in CSS pixels
from digitlib.preprocess import EmptyDrawingError, Point, check_strokes, strokes_to_mnist
from digitlib.validation import INPUT_SHAPE

PEN = 18  # the width of the pen shown on the canvas (the model's input uses MNIST's own width)
THROTTLE_SECONDS = 0.08  # at most one prediction per this interval while a stroke is drawn


class DigitReader:
    """What the pad knows: the strokes drawn so far and what the model reads in them.

    It needs no widget, so code can use it directly: ``start``, ``extend`` and ``finish``
    record a stroke as a pen draws it, and ``read()`` prepares the strokes with
    :func:`~digitlib.preprocess.strokes_to_mnist` and predicts.  ``prediction`` (an int) and
    ``probabilities`` (ten floats) are ``None`` until something is read; ``preview`` is the
    28x28 image the model saw.  ``is_digit`` says whether the drawing looks like a digit
    at all (``True`` or ``False``, ``None`` until something is read), by ``detector``
    (a :class:`~digitlib.detector.DigitDetector`; the shipped one goes with the shipped
    model, the default; with a model of your own ``is_digit`` stays ``None`` unless you
    pass one trained for it); ``digit_score`` is its score.  With ``internals=True`` it
    also keeps what the network did: ``saliency`` (28x28) and ``feature_maps`` of the
    first block (see :func:`~digitlib.models.single_image_internals`), ``None`` until
    something is read.
    """

    def __init__(self, model=None, *, internals: bool = False, detector: DigitDetector | None = None):
        if model is None:
            model = load_pretrained()
            detector = load_detector() if detector is None else detector
        self.detector = detector
        self.probabilities_of = single_image_predictor(model) if detector is None else None
        self.features_of = single_image_reader(model) if detector is not None else None
        self.internals_of = single_image_internals(model) if internals else None
        self.clear()

    def clear(self) -> None:
        """Forget the strokes and the prediction."""
        self.strokes: list[list[Point]] = []
        self.drawing = False
        self.preview: np.ndarray = np.zeros(INPUT_SHAPE[:2], np.float32)
        self.probabilities: np.ndarray | None = None
        self.prediction: int | None = None
        self.is_digit: bool | None = None
        self.digit_score: float | None = None
        self.saliency: np.ndarray | None = None
        self.feature_maps: np.ndarray | None = None

    def start(self, x: float, y: float) -> None:
        """The pen touches the canvas: a new stroke begins at (x, y)."""
        self.drawing = True
        self.strokes.append([(float(x), float(y))])

    def extend(self, x: float, y: float) -> bool:
        """The pen moves to (x, y); False (and nothing recorded) when it is not down."""
        if self.drawing:
            self.strokes[-1].append((float(x), float(y)))
        return self.drawing

    def finish(self) -> bool:
        """The pen is lifted; False when it was not down."""
        was_drawing, self.drawing = self.drawing, False
        return was_drawing

    def draw(self, strokes: Sequence[Sequence[Point]]) -> None:
        """Forget what was drawn and take ``strokes`` (each a sequence of (x, y) points)
        instead, checked as :func:`~digitlib.preprocess.check_strokes` checks them; then
        :meth:`read` reads them."""
        checked = check_strokes(strokes)
        self.clear()
        self.strokes = [[(float(x), float(y)) for x, y in points] for points in checked]

    def read(self) -> None:
        """Prepare the strokes as MNIST was made, predict the digit and, with a detector,
        decide whether it is one."""
        self.preview = strokes_to_mnist(self.strokes)
        if self.detector is None:
            probabilities = self.probabilities_of(self.preview)
        else:
            probabilities, features = self.features_of(self.preview)
            self.digit_score = float(self.detector.scores(features)[0])
            self.is_digit = self.digit_score >= self.detector.threshold
        if self.internals_of is not None:
            probabilities, self.saliency, self.feature_maps = self.internals_of(self.preview)
        self.probabilities = probabilities.astype(np.float64)
        self.prediction = int(np.argmax(self.probabilities))


class PadCanvas(Canvas):
    """The pad's black square: it paints the ink and passes on what the pen does.

    ``on_pen(down, move, up)`` turns the mouse's and the fingers' events into three:
    ``down(x, y)`` when the pen touches, ``move(x, y)`` for every move over the canvas
    (pen down or not), ``up()`` when it is lifted or leaves the canvas.  ``dot`` and
    ``segment`` paint while a stroke is drawn; ``paint(strokes)`` paints the whole drawing.
    """

    def __init__(self):
        # Sized in CSS pixels too: in a VBox a canvas would stretch to the cell's width.
        super().__init__(
            width=CANVAS,
            height=CANVAS,
            layout=widgets.Layout(width=f"{CANVAS}px", height=f"{CANVAS}px", border="1px solid #888"),
        )

    def on_pen(self, down: Callable, move: Callable, up: Callable) -> None:
        self.on_mouse_down(down)
        self.on_mouse_move(move)
        self.on_mouse_up(lambda x, y: up())
        self.on_mouse_out(lambda x, y: up())
        self.on_touch_start(lambda touches: down(*touches[0]))
        self.on_touch_move(lambda touches: move(*touches[0]))
        self.on_touch_end(lambda touches: up())
        self.on_touch_cancel(lambda touches: up())

    def dot(self, point: Point) -> None:
        self.fill_circle(*point, PEN / 2)

    def segment(self, start: Point, end: Point) -> None:
        self.stroke_line(*start, *end)

    def paint(self, strokes: Sequence[Sequence[Point]]) -> None:
        """Paint the black background, then every stroke (also what a new browser view needs)."""
        # ipycanvas caches the canvas it last drew on; a new view needs the commands again
        # (ipycanvas issue #322). Private attribute: ipycanvas is pinned to 0.14.
        self._canvas_manager._current_canvas = None
        with hold_canvas():
            self.clear()
            self.fill_style = "black"
            self.fill_rect(0, 0, CANVAS, CANVAS)
            self.stroke_style = "white"
            self.fill_style = "white"
            self.line_width = PEN
            self.line_cap = "round"
            self.line_join = "round"
            for stroke in strokes:
                self.dot(stroke[0])
                if len(stroke) > 1:
                    self.stroke_lines(stroke)


class ReaderView(widgets.HTML):
    """One view of what a :class:`DigitReader` knows: the HTML ``html_of(reader)`` writes,
    written again by ``show(reader)``.  The pad's views are these, each with its own
    function below; a new view is one more function and one more line in :class:`DigitPad`."""

    def __init__(self, html_of: Callable[[DigitReader], str], **kwargs):
        super().__init__(**kwargs)
        self.html_of = html_of

    def show(self, reader: DigitReader) -> None:
        self.value = self.html_of(reader)


def _png_data_url(image: np.ndarray) -> str:
    """A PNG of ``image`` (grey (H, W) or colour (H, W, 3), values in [0, 1]) as a data URL."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.rint(np.clip(image, 0, 1) * 255).astype(np.uint8)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _saliency_over(preview: np.ndarray, saliency: np.ndarray) -> np.ndarray:
    """The preview in grey with the saliency in red on top: a (28, 28, 3) image."""
    grey = 0.6 * preview
    return np.stack([np.maximum(grey, saliency), grey * (1 - saliency), grey * (1 - saliency)], axis=-1)


def _feature_map_grid(maps: np.ndarray, count: int = 16, columns: int = 4) -> np.ndarray:
    """The first ``count`` feature maps, each scaled to its own maximum, in a grid with
    one-pixel gaps, coloured as :func:`digitlib.plots.plot_feature_maps` colours them."""
    from matplotlib import colormaps

    height, width, _ = maps.shape
    rows = -(-count // columns)
    grid = np.zeros((rows * (height + 1) - 1, columns * (width + 1) - 1), np.float32)
    for index in range(min(count, maps.shape[-1])):
        top, left = (index // columns) * (height + 1), (index % columns) * (width + 1)
        one = maps[:, :, index]
        grid[top : top + height, left : left + width] = one / max(float(one.max()), 1e-12)
    return colormaps["magma"](grid)[..., :3]


def _prediction_html(reader: DigitReader) -> str:
    """The digit read, big; ``?`` when it does not look like a digit; nothing before a read."""
    digit = "" if reader.prediction is None else "?" if reader.is_digit is False else str(reader.prediction)
    return f'<span style="font-size:56px;line-height:60px;font-weight:bold">{digit}</span>'


def _confidence_html(reader: DigitReader) -> str:
    """What to do, how sure the model is, or that the drawing does not look like a digit."""
    if reader.probabilities is None:
        return '<span style="color:#666">Draw a digit on the black square.</span>'
    share = f"{reader.probabilities[reader.prediction]:.0%}"
    if reader.is_digit is False:
        return (
            '<span class="digit-pad-not-a-digit" style="color:#b00">That does not look like a digit.</span>'
            f"<br>(closest: {reader.prediction}, {share})"
        )
    return f"confidence {share}"


def _bars_html(reader: DigitReader) -> str:
    """A bar for each digit's probability, the most likely one darker."""
    probabilities = reader.probabilities
    rows = []
    for digit in range(10):
        share = 0.0 if probabilities is None else float(probabilities[digit])
        colour = "#0072b2" if digit == reader.prediction else "#9fb8cc"
        rows.append(
            f'<div style="display:flex;align-items:center;height:17px;font:12px monospace">'
            f'<span style="width:14px">{digit}</span>'
            f'<span style="display:inline-block;height:11px;width:{share * 150:.1f}px;background:{colour}"></span>'
            f'<span style="margin-left:4px">{share:.0%}</span></div>'
        )
    return '<div class="digit-pad-probabilities">' + "".join(rows) + "</div>"


def _image_html(image: np.ndarray, size: int, alt: str) -> str:
    """``image`` shown ``size`` CSS pixels square, its pixels kept sharp."""
    return (
        f'<img src="{_png_data_url(image)}" width="{size}" height="{size}" '
        f'style="image-rendering:pixelated;border:1px solid #888" alt="{alt}">'
    )


def _preview_html(reader: DigitReader) -> str:
    """The 28x28 image the model saw."""
    return _image_html(reader.preview, 112, "the 28x28 input of the model")


def _internals_html(reader: DigitReader) -> str:
    """The saliency map over the preview, and the first block's feature maps."""
    if reader.saliency is None:
        return '<b>Inside the network</b><br><span style="color:#666">Draw to see it.</span>'
    return (
        "<b>What the prediction depends on</b><br>"
        + _image_html(
            _saliency_over(reader.preview, reader.saliency),
            112,
            "the input in grey, the pixels the prediction depends on most in red",
        )
        + f"<br><b>The first block's feature maps</b> (16 of {reader.feature_maps.shape[-1]})<br>"
        + _image_html(
            _feature_map_grid(reader.feature_maps), 226, "what 16 filters of the first block respond to in the drawing"
        )
    )


def _error_html(error: Exception) -> str:
    """An error as Python prints its last line, in red."""
    message = html.escape("".join(traceback.format_exception_only(error)).strip())
    return f'<pre style="color:#b00;white-space:pre-wrap;font-size:11px">{message}</pre>'


class DigitPad(widgets.HBox):
    """A canvas to draw a digit on, with the model's prediction updated while you draw.

    ``model``: a Keras model taking (N, 28, 28, 1) floats in [0, 1]; default
    :func:`digitlib.models.load_pretrained`.  What the pad knows lives in ``reader``, a
    :class:`DigitReader`; ``prediction``, ``probabilities``, ``preview`` and ``strokes`` read
    it, and ``is_digit``: ``False`` when the drawing does not look like a digit at all
    (then ``prediction_view`` shows ``?`` and says so in words; the bars stay).
    ``draw(strokes)`` and ``clear()`` do what a person would do; ``update()`` reads the
    strokes again and refreshes what the pad shows.  The views are widgets of their own:
    ``canvas`` (a :class:`PadCanvas`), ``clear_button``, ``errors_view``, and four
    :class:`ReaderView` widgets: ``prediction_view`` (CSS class ``digit-pad-prediction``),
    ``confidence_view``, ``bars_view`` and ``preview_view``.  With ``show_internals=True``
    it also shows ``internals_view`` (CSS class ``digit-pad-internals``): the saliency map
    over the preview and the first block's feature maps, updated with each prediction.
    """

    def __init__(self, model=None, *, show_internals: bool = False, detector: DigitDetector | None = None):
        self.reader = DigitReader(model, internals=show_internals, detector=detector)
        self._last_update = 0.0
        self.canvas = PadCanvas()
        as_wide = widgets.Layout(width=f"{CANVAS}px")
        self.clear_button = widgets.Button(description="Clear", icon="eraser", layout=as_wide)
        self.errors_view = widgets.HTML("").add_class("digit-pad-errors")
        self.prediction_view = ReaderView(_prediction_html, layout=widgets.Layout(height="64px"))
        self.prediction_view.add_class("digit-pad-prediction")
        self.confidence_view = ReaderView(_confidence_html)
        self.bars_view = ReaderView(_bars_html)
        self.preview_view = ReaderView(_preview_html)
        self.internals_view = ReaderView(_internals_html).add_class("digit-pad-internals") if show_internals else None
        views = self.prediction_view, self.confidence_view, self.bars_view, self.preview_view, self.internals_view
        self._views = [view for view in views if view is not None]
        self._show()

        self.canvas.on_client_ready(self._guarded(lambda: self.canvas.paint(self.reader.strokes)))
        self.canvas.on_pen(self._guarded(self._start), self._guarded(self._move), self._guarded(self._end))
        self.clear_button.on_click(self._guarded(lambda button: self.clear()))

        side = widgets.VBox(
            [
                widgets.HTML("<b>Prediction</b>"),
                self.prediction_view,
                self.confidence_view,
                self.bars_view,
                widgets.HTML("<b>What the model sees</b>"),
                self.preview_view,
            ],
            layout=widgets.Layout(margin="0 0 0 16px"),
        )
        columns = [widgets.VBox([self.canvas, self.clear_button, self.errors_view]), side]
        if show_internals:
            columns.append(widgets.VBox([self.internals_view], layout=widgets.Layout(margin="0 0 0 16px")))
        super().__init__(columns)
        self.add_class("digit-pad")

    # --- the Python API ---------------------------------------------------------------

    @property
    def strokes(self) -> list[list[Point]]:
        """A copy of the strokes drawn so far, in canvas pixels."""
        return [list(stroke) for stroke in self.reader.strokes]

    @property
    def prediction(self) -> int | None:
        return self.reader.prediction

    @property
    def probabilities(self) -> np.ndarray | None:
        return self.reader.probabilities

    @property
    def is_digit(self) -> bool | None:
        """``True`` or ``False`` once something is drawn (``None`` while the pad is empty,
        or without a detector): whether the drawing looks like a digit at all."""
        return self.reader.is_digit

    @property
    def preview(self) -> np.ndarray:
        return self.reader.preview

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
        self.reader.clear()
        self.canvas.paint(self.reader.strokes)
        self._show()

    def update(self) -> None:
        """Read the strokes again and show the result: what lifting the pen does."""
        self._last_update = time.monotonic()
        self.reader.read()
        self.errors_view.value = ""
        self._show()

    # --- what the pen does, and what the pad shows ----------------------------------------

    def _guarded(self, callback: Callable) -> Callable:
        """Run an event handler; show any error in the widget, where the reader can see it."""

        def run(*args):
            try:
                callback(*args)
            except Exception as error:  # noqa: BLE001 - shown to the reader, never swallowed
                self.errors_view.value = _error_html(error)
                raise

        return run

    def _start(self, x: float, y: float) -> None:
        self.reader.start(x, y)
        self.canvas.dot((x, y))

    def _move(self, x: float, y: float) -> None:
        previous = self.reader.strokes[-1][-1] if self.reader.drawing else None
        if not self.reader.extend(x, y):
            return  # the mouse moves over the canvas without a button pressed
        self.canvas.segment(previous, (x, y))
        if time.monotonic() - self._last_update >= THROTTLE_SECONDS:
            self.update()

    def _end(self) -> None:
        if self.reader.finish():
            self.update()

    def _show(self) -> None:
        for view in self._views:
            view.show(self.reader)


def _a(digit: int) -> str:
    """The digit with its article, as English reads it: "an 8", "a 7"."""
    return f"{'an' if digit == 8 else 'a'} {digit}"


class DigitCollector(widgets.VBox):
    """Collect drawings of your own handwriting, labelled, in the file at ``path``.

    It asks for a digit ("Draw a 7"), in a shuffled round of all ten; draw it on the pad
    and press **Save** (or **Skip** to be asked another).  Each saved drawing is appended
    to ``path`` at once (:func:`~digitlib.drawings.append_drawing`), so closing the
    notebook loses nothing; drawings already in the file are loaded and counted.

    The Python API: ``add(strokes, label)`` stores a drawing; ``save()`` and ``skip()`` do
    what the buttons do; ``drawings`` is the list of
    ``(strokes, label)`` held; ``counts`` how many of each digit; ``target`` the digit
    asked for now; ``pad`` the :class:`DigitPad` drawn on.  CSS classes for the views:
    ``digit-collector`` (the whole), ``digit-collector-prompt``,
    ``digit-collector-counts`` and ``digit-collector-message``.
    """

    def __init__(self, path: str | Path, *, model=None, seed: int | None = None):
        self.path = Path(path)
        self.drawings = load_drawings(self.path) if self.path.exists() else []
        self.pad = DigitPad(model)
        self._rng = np.random.default_rng(seed)
        self._round: list[int] = []
        self.target = self._next_target()

        self.prompt_view = widgets.HTML(layout=widgets.Layout(margin="0 16px 0 0")).add_class("digit-collector-prompt")
        self.save_button = widgets.Button(description="Save", icon="check", button_style="success")
        self.skip_button = widgets.Button(description="Skip", icon="forward")
        self.counts_view = widgets.HTML().add_class("digit-collector-counts")
        self.message_view = widgets.HTML().add_class("digit-collector-message")
        self.save_button.on_click(lambda button: self.save())
        self.skip_button.on_click(lambda button: self.skip())
        buttons = widgets.HBox([self.prompt_view, self.save_button, self.skip_button])
        super().__init__([buttons, self.pad, self.counts_view, self.message_view])
        self.add_class("digit-collector")
        self._show()

    @property
    def counts(self) -> np.ndarray:
        """How many drawings of each digit 0-9 the collector holds."""
        return np.bincount([label for _, label in self.drawings], minlength=10)

    def add(self, strokes, label) -> None:
        """Store a drawing of the digit ``label``: appended to the file, then to ``drawings``.

        Raises ``ValueError`` (and stores nothing) for a label that is not a digit 0-9 and
        for strokes that are empty or hold non-finite coordinates.
        """
        self.drawings.append(append_drawing(self.path, strokes, label))
        self._show()

    def _next_target(self) -> int:
        if not self._round:
            self._round = [int(d) for d in self._rng.permutation(10)]
        return self._round.pop()

    def save(self) -> None:
        """What **Save** does: store the pad's drawing as the digit asked for, then ask for
        the next one.  On an empty pad it says so and keeps the question."""
        try:
            self.add(self.pad.strokes, self.target)
        except EmptyDrawingError:  # nothing drawn yet (or Save pressed twice)
            self.message_view.value = f'<span style="color:#b00">Nothing to save: draw {_a(self.target)} first.</span>'
            return
        except (ValueError, OSError) as error:  # a full disk, for one: say so, keep the question
            self.message_view.value = f'<span style="color:#b00">Not saved: {html.escape(str(error))}</span>'
            return
        self.skip()
        label = self.drawings[-1][1]
        self.message_view.value = f"Saved {_a(label)} to {html.escape(self.path.name)}."

    def skip(self) -> None:
        """What **Skip** does: clear the pad and ask for the next digit."""
        self.message_view.value = ""
        self.target = self._next_target()
        self.pad.clear()
        self._show()

    def _show(self) -> None:
        article, digit = _a(self.target).split()
        self.prompt_view.value = f'<span style="font-size:20px">Draw {article} <b>{digit}</b></span>'
        cells = "".join(
            f'<td style="padding:0 6px;text-align:center">{digit}<br><b>{count}</b></td>'
            for digit, count in enumerate(self.counts)
        )
        self.counts_view.value = f"<table><tr><td>held:</td>{cells}</tr></table>"
