"""Labelled drawings kept in a file that loses nothing: one JSON object a line (JSON Lines).

A line holds one drawing: ``{"format": 1, "label": 7, "strokes": [[[x, y], ...], ...]}``,
its strokes in canvas pixels.  :func:`append_drawing` writes a line whole, in one write,
and flushes it to the disk, so a crash can damage at most the line being written;
:func:`load_drawings` reports a damaged or unknown line with its number and keeps every
other.
"""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

from digitlib.preprocess import Point, check_strokes
from digitlib.validation import check_choice, check_digit, check_mapping

#: The version written in every line; :func:`load_drawings` reads this version only.
FORMAT = 1


class DrawingFileWarning(UserWarning):
    """A line of a drawings file that could not be read; the other lines were."""


def check_drawing(strokes, label) -> tuple[list[list[Point]], int]:
    """A drawing as stored: its strokes as lists of (x, y) floats, and its digit.

    Raises ``ValueError`` for a label that is not a digit 0-9 and for strokes that
    :func:`~digitlib.preprocess.check_strokes` refuses (not (x, y) points, NaN or
    infinite coordinates, nothing drawn).
    """
    digit = check_digit(label, name="label")
    points = check_strokes(strokes)
    return [[(float(x), float(y)) for x, y in stroke] for stroke in points], digit


def append_drawing(path: str | Path, strokes, label) -> tuple[list[list[Point]], int]:
    """Add one drawing to the file at ``path`` (created if missing), as one line written in
    one write and flushed to the disk; returns the drawing as stored (see :func:`check_drawing`).

    If the file's last line was cut short (a crash while it was written), the new line
    starts on a line of its own, so the damage stays on that one line.
    """
    strokes, digit = check_drawing(strokes, label)
    record = {"format": FORMAT, "label": digit, "strokes": [[list(p) for p in s] for s in strokes]}
    line = (json.dumps(record, separators=(",", ":")) + "\n").encode("utf-8")
    with open(path, "a+b") as file:  # reads anywhere, writes only at the end
        if file.seek(0, os.SEEK_END) > 0:
            file.seek(-1, os.SEEK_END)
            if file.read(1) != b"\n":
                line = b"\n" + line
        file.write(line)
        file.flush()
        os.fsync(file.fileno())
    return strokes, digit


def _read_line(text: str) -> tuple[list[list[Point]], int]:
    try:
        record = json.loads(text)
    except (ValueError, RecursionError) as error:  # the file's format: no validator reads JSON
        if isinstance(error, json.JSONDecodeError):
            why = f"{error.msg}; the line may have been cut short"
        elif isinstance(error, RecursionError):
            why = "brackets nested too deeply to read"
        else:
            why = str(error)  # a number too long to convert
        raise ValueError(f"unreadable JSON ({why})") from None
    check_mapping(record, name="the line (a JSON object)", non_empty=False)
    check_choice(record.get("format"), name="format (the version this digitlib reads)", choices=(FORMAT,))
    check_mapping(record, name="the line", required=("label", "strokes"))
    return check_drawing(record["strokes"], record["label"])


def load_drawings(path: str | Path) -> list[tuple[list[list[Point]], int]]:
    """The drawings stored at ``path``, as ``(strokes, label)`` pairs in the order written.

    A line that cannot be read (cut short, not JSON, an unknown format, a label that is not
    a digit, coordinates that are not finite numbers of sensible size) is left out with a
    :class:`DrawingFileWarning` naming its line number and what is wrong; every other line is kept.  Blank lines are
    skipped; an empty file holds no drawings.  A missing file raises ``FileNotFoundError``.
    """
    path = Path(path)
    drawings = []
    with open(path, encoding="utf-8", errors="replace") as file:
        for number, text in enumerate(file, start=1):
            if not text.strip():
                continue
            try:
                drawings.append(_read_line(text))
            except ValueError as error:
                warnings.warn(f"{path}, line {number} left out: {error}", DrawingFileWarning, stacklevel=2)
    return drawings
