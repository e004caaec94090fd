"""Drawings that are not digits, made on purpose: letters from stroke fonts and from font
files, scribbles, scattered dots and smudges, each prepared as the pad prepares a drawing.

The digit detector (:mod:`digitlib.detector`) learns from them what a digit is *not*; the
chapter "Where it breaks, and what is not a digit" evaluates it on letters from fonts it never
saw.  Every function returns model inputs, ``(N, 28, 28)`` float32 in [0, 1], white ink on black.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Sequence

import numpy as np

from digitlib.made_drawings import jittered, slanted
from digitlib.pen_inputs import CANVAS
from digitlib.preprocess import Point, as_block_counts, canvas_to_mnist, strokes_to_mnist, to_model_input
from digitlib.unipen import LETTERS  # the letters refused, defined with the pen letters shipped
from digitlib.validation import check_array, check_choice, check_scalar

DIGITS = "0123456789"

#: Hershey's stroke fonts (from the Hershey-Fonts package): the detector learns from the
#: printed ones; the three handwriting-like ones are kept for evaluation.
TRAINING_STROKE_FONTS = ("futural", "futuram", "rowmans", "rowmand", "timesr", "timesi", "timesib")
HELD_OUT_STROKE_FONTS = ("scripts", "scriptc", "cursive")

#: Debian's font packages the detector learns from, and where each puts its fonts: printed
#: faces and handwriting-like ones (``make detector`` installs them).
DEBIAN_FONTS = {
    "fonts-liberation": "/usr/share/fonts/truetype/liberation",
    "fonts-freefont-ttf": "/usr/share/fonts/truetype/freefont",
    "fonts-comic-neue": "/usr/share/fonts/opentype/comic-neue",
    "fonts-humor-sans": "/usr/share/fonts/truetype/humor-sans",
    "fonts-dkg-handwriting": "/usr/share/fonts/truetype/fifthhorseman",
    "fonts-breip": "/usr/share/fonts/truetype/breip",
    "fonts-bwht": "/usr/share/fonts/opentype/bwht",
    "fonts-femkeklaver": "/usr/share/fonts/truetype/femkeklaver",
    "fonts-kristi": "/usr/share/fonts/truetype/kristi",
    "fonts-dancingscript": "/usr/share/fonts/opentype/dancingscript",
    "fonts-kaushanscript": "/usr/share/fonts/opentype/kaushanscript",
}


def stroke_font_glyph(font: str, character: str) -> list[list[Point]]:
    """The strokes of ``character`` in the Hershey stroke font ``font``, in the font's
    units, y pointing down as on a canvas.  Raises ``ValueError`` for an unknown font or a character it lacks."""
    from HersheyFonts import HersheyFonts

    fonts = HersheyFonts()
    check_choice(font, name="font", choices=fonts.default_font_names)
    fonts.load_default_font(font)
    strokes = [[(float(x), float(y)) for x, y in stroke] for stroke in fonts.strokes_for_text(character)]
    strokes = [stroke for stroke in strokes if stroke]
    if not strokes:  # a gap in the font, not a bad argument: no validator knows a font's glyphs
        raise ValueError(f"the font {font!r} has no strokes for {character!r}")
    return strokes


def stroke_characters(
    fonts: Sequence[str], characters: str, *, per_glyph: int, rng: np.random.Generator
) -> tuple[np.ndarray, list[str]]:
    """Each character of each stroke font, ``per_glyph`` times, as a hand would draw it:
    slanted by up to 15° either way, then :func:`~digitlib.made_drawings.jittered`, and
    prepared by :func:`~digitlib.preprocess.strokes_to_mnist` (the pad's own path).
    Returns the images and the character each shows."""
    images, shown = [], []
    for font in fonts:
        for character in characters:
            glyph = stroke_font_glyph(font, character)
            for _ in range(per_glyph):
                drawing = jittered(slanted(glyph, np.tan(np.radians(rng.uniform(-15, 15)))), rng)
                images.append(strokes_to_mnist(drawing))
                shown.append(character)
    return np.stack(images), shown


def debian_font_files() -> list[Path]:
    """The font files of :data:`DEBIAN_FONTS`; raises ``FileNotFoundError`` naming the
    packages to install when some are missing."""
    found = {package: sorted(Path(folder).glob("*.[ot]tf")) for package, folder in DEBIAN_FONTS.items()}
    missing = [package for package, files in found.items() if not files]
    if missing:
        raise FileNotFoundError(
            f"Debian's fonts are missing: apt-get install {' '.join(missing)} (`make detector` does)"
        )
    return [file for files in found.values() for file in files]


def bundled_font_files() -> list[Path]:
    """The text fonts Matplotlib ships (DejaVu, STIX, Computer Modern), present wherever the
    course runs and never shown to the detector: its held-out fonts."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    keep = ("DejaVuSans", "DejaVuSerif", "STIXGeneral", "cmr10", "cmss10", "cmti10", "cmtt10")
    return sorted(file for file in folder.glob("*.ttf") if file.stem.startswith(keep) and "Display" not in file.stem)


def font_characters(
    files: Sequence[str | Path], characters: str, *, per_glyph: int, rng: np.random.Generator
) -> tuple[np.ndarray, list[str]]:
    """Each character of each font file, ``per_glyph`` times, typed in white on a black
    canvas, turned by up to 10° and prepared by :func:`~digitlib.preprocess.canvas_to_mnist`
    (which redraws the strokes at MNIST's width).  Returns the images and the characters."""
    from PIL import Image, ImageDraw, ImageFont

    images, shown = [], []
    for file in files:
        font = ImageFont.truetype(str(file), 96)
        for character in characters:
            for _ in range(per_glyph):
                canvas = Image.new("L", (160, 160), 0)
                ImageDraw.Draw(canvas).text((80, 80), character, fill=255, font=font, anchor="mm")
                turned = canvas.rotate(rng.uniform(-10, 10), resample=Image.Resampling.BILINEAR)
                images.append(canvas_to_mnist(np.asarray(turned)))
                shown.append(character)
    return np.stack(images), shown


def scribbles(count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` scribbles: one to three strokes wandering with a changing heading, each
    winding enough (its path at least twice as long as the distance between its ends)
    not to be a straight line, which would be a 1."""
    images = []
    for _ in range(count):
        strokes = []
        for _ in range(rng.integers(1, 4)):
            while True:
                steps = rng.integers(10, 40)
                heading = np.cumsum(rng.normal(0, rng.uniform(0.3, 1.2), steps)) + rng.uniform(0, 2 * np.pi)
                moves = np.stack([np.cos(heading), np.sin(heading)], axis=1) * rng.uniform(5, 25)
                if np.linalg.norm(moves.sum(axis=0)) * 2 <= np.linalg.norm(moves, axis=1).sum():
                    break
            strokes.append(np.cumsum(moves, axis=0) + rng.uniform(60, CANVAS - 60, 2))
        images.append(strokes_to_mnist(strokes))
    return np.stack(images)


def scattered_dots(count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` drawings of 5 to 60 dots and dashes scattered over the canvas: noise."""
    images = []
    for _ in range(count):
        starts = rng.uniform(0, CANVAS, (rng.integers(5, 61), 2))
        ends = starts + rng.normal(0, rng.uniform(0, 8), starts.shape)
        images.append(strokes_to_mnist(np.stack([starts, ends], axis=1)))
    return np.stack(images)


def smudges(count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` blank-ish smudges: one to four taps close together, which the pad scales
    up to a blob as big as a digit."""
    images = []
    for _ in range(count):
        taps = CANVAS / 2 + rng.normal(0, rng.uniform(0.5, 6), (rng.integers(1, 5), 1, 2))
        images.append(strokes_to_mnist(taps))
    return np.stack(images)


def pixel_noise(count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` images of random grey pixels, some dense, some sparse."""
    density = rng.uniform(0.02, 0.6, (count, 1, 1))
    return (rng.random((count, 28, 28)) < density).astype(np.float32) * rng.random((count, 28, 28)).astype(np.float32)


# --- the sets the detector learns from, is tuned on and is judged on ------------------


def narrowed(images: np.ndarray, rng: np.random.Generator, *, widths=(1 / 3, 2 / 3)) -> np.ndarray:
    """``images`` (N, 28, 28) squeezed sideways about their middle column, each to a random
    share ``widths`` of its width: digits written narrow, of which MNIST has few."""
    from scipy import ndimage

    images = check_array(images, name="images", shape=(None, 28, 28))
    middle = (images.shape[2] - 1) / 2
    out = np.empty_like(images)
    for index, (image, width) in enumerate(zip(images, rng.uniform(*widths, len(images)))):
        # the output's column x reads the input's column (x - middle) / width + middle
        out[index] = ndimage.affine_transform(image, [1, 1 / width], offset=[0, middle - middle / width], order=1)
    return out


def training_set(x_train: np.ndarray, rng: np.random.Generator) -> tuple[dict, dict]:
    """What the detector learns from: ``(digits, non_digits)``, each a dict from a group's
    name to its images (N, 28, 28).  ``x_train``: MNIST training digits, uint8 (N, 28, 28),
    at least 30,000 (the first 20,000 as they are, the next 6,000 recorded as UCI's were,
    the next 4,000 made narrow by :func:`narrowed`).  Needs Debian's fonts
    (:func:`debian_font_files`)."""
    x_train = check_array(x_train, name="x_train", shape=(None, 28, 28))
    check_scalar(len(x_train), name="the number of digits in x_train", kind="integer", low=30_000)
    mnist = to_model_input(x_train[:30_000])[..., 0]
    fonts = debian_font_files()
    stroke_letters, _ = stroke_characters(TRAINING_STROKE_FONTS, LETTERS, per_glyph=12, rng=rng)
    font_letters, _ = font_characters(fonts, LETTERS, per_glyph=3, rng=rng)
    digits = {
        "MNIST training digits": mnist[:20_000],
        "MNIST digits recorded as UCI's were": as_block_counts(mnist[20_000:26_000]),
        "digits in stroke fonts": stroke_characters(TRAINING_STROKE_FONTS, DIGITS, per_glyph=30, rng=rng)[0],
        "digits in Debian's fonts": font_characters(fonts, DIGITS, per_glyph=8, rng=rng)[0],
    }
    non_digits = {
        "letters in stroke fonts": stroke_letters,
        "letters in Debian's fonts": font_letters,
        "letters recorded as UCI's digits were": as_block_counts(np.concatenate([stroke_letters, font_letters[::2]])),
        "scribbles": scribbles(2000, rng),
        "scattered dots": scattered_dots(1000, rng),
        "smudges": smudges(300, rng),
        "pixel noise": pixel_noise(500, rng),
    }
    digits["MNIST digits made narrow"] = narrowed(mnist[26_000:], rng)
    return digits, non_digits


def validation_set(x_validation: np.ndarray, rng: np.random.Generator) -> tuple[dict, dict]:
    """What the threshold is chosen on: ``(digits, non_digits)`` as :func:`training_set`
    returns them.  ``x_validation``: MNIST validation digits, uint8 (N, 28, 28), used as
    they are and recorded as UCI's were; the non-digits come from the training's
    generators with other random draws (no Debian fonts, so it runs anywhere)."""
    mnist = to_model_input(check_array(x_validation, name="x_validation", shape=(None, 28, 28)))[..., 0]
    digits = {"MNIST validation digits": mnist, "the same, recorded as UCI's were": as_block_counts(mnist)}
    non_digits = {
        "letters in stroke fonts": stroke_characters(TRAINING_STROKE_FONTS, LETTERS, per_glyph=4, rng=rng)[0],
        "scribbles": scribbles(500, rng),
        "scattered dots": scattered_dots(250, rng),
        "smudges": smudges(100, rng),
        "pixel noise": pixel_noise(100, rng),
    }
    return digits, non_digits


def held_out_letters(rng: np.random.Generator, *, per_glyph: int = 10) -> dict[str, tuple[np.ndarray, list[str]]]:
    """Letters in fonts the detector never saw, as ``{group: (images, letters)}``: the
    handwriting-like stroke fonts drawn through the pad's path, ``per_glyph`` times each,
    and Matplotlib's fonts typed, a fifth as often."""
    return {
        "handwriting-like stroke fonts": stroke_characters(
            HELD_OUT_STROKE_FONTS, LETTERS, per_glyph=per_glyph, rng=rng
        ),
        "Matplotlib's fonts": font_characters(bundled_font_files(), LETTERS, per_glyph=max(1, per_glyph // 5), rng=rng),
    }


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--debian-fonts`` prints the Debian packages of :data:`DEBIAN_FONTS`
    (``make detector`` installs those that are missing)."""
    parser = argparse.ArgumentParser(prog="python -m digitlib.nondigits", description=main.__doc__)
    parser.add_argument("--debian-fonts", action="store_true", help="print the font packages, one a line")
    args = parser.parse_args(argv)
    if not args.debian_fonts:
        parser.print_help()
        return 2
    print("\n".join(DEBIAN_FONTS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
