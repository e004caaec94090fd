"""Drawings the course makes itself: one hand-made drawing of each digit and of a few letters,
digits in styles MNIST has few of, copies jittered as another hand would draw them, and MNIST
digits drawn again on a canvas at another size, place and pen.

Strokes are lists of (x, y) points on the pad's 280x280 canvas
(:data:`~digitlib.pen_inputs.CANVAS`), the way the pad records them.  Every example stroke of
the course is written here once; the tests, benchmarks and chapters take it from here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from digitlib.pen_inputs import CANVAS, PEN_WIDTHS, rasterize_strokes
from digitlib.preprocess import DIGIT_BOX, Point, canvas_to_mnist, set_stroke_width, strokes_to_mnist
from digitlib.validation import INPUT_SHAPE, check_array, check_scalar

# --- strokes drawn by hand --------------------------------------------------------------


def ellipse(cx: float, cy: float, rx: float, ry: float, start: float = 0.0, end: float = 2 * np.pi,
            points: int = 32) -> list[Point]:  # fmt: skip
    """An ellipse (or part of one) as one stroke, drawn clockwise from ``start`` radians (0: the top)."""
    angles = np.linspace(start, end, points)
    return [(cx + rx * float(np.sin(a)), cy - ry * float(np.cos(a))) for a in angles]


def example_strokes() -> dict[int, list[list[Point]]]:
    """One hand-made drawing of each digit, as strokes on a 280x280 canvas, for demos and tests."""
    return {
        0: [ellipse(140, 145, 70, 105)],
        1: [[(115, 75), (150, 40), (150, 250)]],
        2: [[(80, 95), (110, 50), (170, 48), (200, 90), (190, 140), (80, 250), (215, 250)]],
        3: [[(80, 60), (190, 60), (125, 130), (190, 170), (185, 230), (130, 255), (75, 230)]],
        4: [[(170, 250), (170, 40), (60, 175), (220, 175)]],
        5: [[(200, 45), (95, 45), (85, 130), (160, 118), (200, 170), (180, 235), (120, 255), (75, 230)]],
        6: [[(185, 45), (120, 85), (88, 170), (100, 240), (160, 252), (195, 200), (170, 150), (110, 150), (88, 195)]],
        7: [[(70, 50), (210, 50), (120, 250)]],
        8: [ellipse(140, 88, 45, 45, np.pi, 3 * np.pi), ellipse(140, 190, 58, 60)],
        9: [ellipse(140, 95, 50, 50, np.pi / 2, 2.5 * np.pi) + [(190, 95), (185, 250)]],
    }


def example_letters() -> dict[str, list[list[Point]]]:
    """One hand-made drawing of a few letters no fair reader takes for a digit, as strokes on
    a 280x280 canvas, for demos and tests of the digit detector."""
    return {
        "A": [[(60, 250), (140, 30), (220, 250)], [(95, 160), (185, 160)]],
        "K": [[(80, 30), (80, 250)], [(210, 30), (80, 150), (210, 250)]],
        "M": [[(50, 250), (50, 40), (140, 180), (230, 40), (230, 250)]],
        "X": [[(60, 40), (220, 250)], [(220, 40), (60, 250)]],
        "E": [[(200, 40), (70, 40), (70, 250), (200, 250)], [(70, 145), (170, 145)]],
        "H": [[(70, 30), (70, 250)], [(210, 30), (210, 250)], [(70, 140), (210, 140)]],
    }


def slanted(strokes, amount: float) -> list[list[Point]]:
    """The strokes leaning right by ``amount`` (the tangent of the angle; negative: left),
    each point moved sideways by ``amount`` times its height above the canvas' middle."""
    return [[(x + amount * (CANVAS / 2 - y), y) for x, y in stroke] for stroke in strokes]


def _narrowed(strokes, factor: float) -> list[list[Point]]:
    return [[(CANVAS / 2 + factor * (x - CANVAS / 2), y) for x, y in stroke] for stroke in strokes]


def rare_styles() -> dict[str, list[tuple[int, list[list[Point]]]]]:
    """Digits written in styles MNIST has few of, as strokes on a 280x280 canvas:
    ``{style: [(digit, strokes), ...]}``."""
    examples = example_strokes()
    return {
        "1 with a flag and a base": [(1, [[(110, 80), (150, 40), (150, 240)], [(105, 240), (195, 240)]])],
        "1 with a long flag": [(1, [[(70, 115), (155, 40), (155, 250)]])],
        "crossed 7": [(7, [*examples[7], [(100, 150), (195, 150)]])],
        "4 with an open top": [(4, [[(105, 40), (75, 170), (215, 170)], [(180, 70), (180, 250)]])],
        "0 whose ends overlap": [(0, [ellipse(140, 145, 70, 105, -0.4, 2 * np.pi + 0.4, 40)])],
        "0 open at the top": [(0, [ellipse(140, 145, 70, 105, 0.7, 2 * np.pi - 0.3, 40)])],
        "slanted 35° right": [(d, slanted(s, np.tan(np.radians(35)))) for d, s in examples.items()],
        "slanted 25° left": [(d, slanted(s, -np.tan(np.radians(25)))) for d, s in examples.items()],
        "narrow (a third as wide)": [(d, _narrowed(s, 1 / 3)) for d, s in examples.items()],
    }


# --- as another hand would draw them ----------------------------------------------------


def jittered(strokes, rng: np.random.Generator) -> list[list[Point]]:
    """The same drawing as another hand might make it: resized to 25-85 % of the canvas,
    turned by up to 6°, stretched by up to 10 % either way, moved, and every point
    wobbling by about 2.5 % of the digit's size."""
    points = np.concatenate([np.asarray(s, float) for s in strokes])
    low, high = points.min(axis=0), points.max(axis=0)
    size = rng.uniform(0.25, 0.85) * CANVAS
    angle = np.radians(rng.uniform(-6, 6))
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    stretch = np.diag([rng.uniform(0.9, 1.1), 1.0]) * size / max(high - low)
    half = (high - low) / 2 * size / max(high - low)
    centre = rng.uniform(half + 5, CANVAS - half - 5)
    return [
        [tuple(p) for p in (np.asarray(s, float) - (low + high) / 2) @ (turn @ stretch).T + centre
         + rng.normal(0, 0.025 * size, (len(s), 2))]
        for s in strokes
    ]  # fmt: skip


#: The rare styles that differ only in the pen: a 2-pixel and a 40-pixel one.
PEN_STYLES = ("very thin pen", "very thick pen")


@dataclass(frozen=True)
class DrawnDigits:
    """Drawings prepared both ways the course prepares them: ``strokes`` (the pad's path,
    :func:`~digitlib.preprocess.strokes_to_mnist`) and ``pixels`` (a canvas image through
    :func:`~digitlib.preprocess.canvas_to_mnist`), each (N, 28, 28, 1) float32;
    ``labels`` (N,) and ``groups`` (N,), the style of each."""

    strokes: np.ndarray
    pixels: np.ndarray
    labels: np.ndarray
    groups: np.ndarray

    def as_read(self) -> np.ndarray:
        """Each drawing as the course reads it: the pen styles (:data:`PEN_STYLES`) from
        their pixels, since the stroke path redraws every drawing with the same pen, and
        every other style from its strokes, the pad's own path."""
        pens = np.isin(self.groups, PEN_STYLES)
        return np.where(pens[:, None, None, None], self.pixels, self.strokes)


def rare_style_digits(*, per_style: int = 60, seed: int = 0) -> DrawnDigits:
    """``per_style`` drawings of each of :func:`rare_styles`, each jittered by
    :func:`jittered`, plus the ten example digits drawn with a 2-pixel and a
    40-pixel pen (the pixel path measures the pen; the stroke path ignores it)."""
    rng = np.random.default_rng(seed)
    examples = [*example_strokes().items()]
    styles = {**rare_styles(), **{style: examples for style in PEN_STYLES}}
    strokes, pixels, labels, groups = [], [], [], []
    for style, drawings in styles.items():
        pen = dict(zip(PEN_STYLES, (2.0, 40.0))).get(style)
        for index in range(per_style):
            digit, template = drawings[index % len(drawings)]
            drawing = jittered(template, rng)
            width = pen if pen is not None else rng.uniform(*PEN_WIDTHS)
            strokes.append(strokes_to_mnist(drawing))
            pixels.append(canvas_to_mnist(rasterize_strokes(drawing, pen=width)))
            labels.append(digit)
            groups.append(style)
    return DrawnDigits(np.stack(strokes)[..., None], np.stack(pixels)[..., None], np.array(labels),
                       np.array(groups))  # fmt: skip


# --- MNIST's digits drawn again on a canvas ---------------------------------------------


def redraw_on_canvas(
    digit: np.ndarray, *, size: float, centre: tuple[float, float], pen: float, canvas_size: int = CANVAS
) -> np.ndarray:
    """An MNIST digit drawn again on a black ``canvas_size`` square canvas: its longest side
    ``size`` pixels, centred at ``centre`` = (x, y), with strokes ``pen`` pixels wide."""
    from PIL import Image

    digit = check_array(digit, name="digit (an MNIST digit)", shape=INPUT_SHAPE[:2], dtype=np.uint8)
    check_scalar(size, name="size", low=4, high=canvas_size)
    check_scalar(pen, name="pen", low=0, closed="neither")
    factor = size / DIGIT_BOX
    side = max(1, round(28 * factor))
    big = np.asarray(Image.fromarray(digit).resize((side, side), Image.Resampling.BILINEAR)) >= 128
    big = set_stroke_width(big, pen)
    canvas = np.zeros((canvas_size, canvas_size), np.uint8)
    top, left = round(centre[1] - big.shape[0] / 2), round(centre[0] - big.shape[1] / 2)
    rows = slice(max(top, 0), min(top + big.shape[0], canvas_size))
    columns = slice(max(left, 0), min(left + big.shape[1], canvas_size))
    canvas[rows, columns] = np.where(
        big[rows.start - top : rows.stop - top, columns.start - left : columns.stop - left], 255, 0
    )
    return canvas


def random_redraws(digits: np.ndarray, rng: np.random.Generator, canvas_size: int = CANVAS) -> list[np.ndarray]:
    """Each digit redrawn at a random size (15 % to 65 % of the canvas), a random place where it
    fits, and a random pen (3 % to 20 % of the digit's size, at least 2 px)."""
    canvases = []
    for digit in digits:
        size = rng.uniform(0.15, 0.65) * canvas_size
        pen = max(2.0, rng.uniform(0.03, 0.2) * size)
        half = (size + pen) / 2 * 1.2  # room for the digit's width and the pen
        centre = rng.uniform(half, max(half, canvas_size - half), size=2)
        canvases.append(redraw_on_canvas(digit, size=size, centre=tuple(centre), pen=pen, canvas_size=canvas_size))
    return canvases
