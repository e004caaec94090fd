"""Input checks shared by every digitlib module, in one place.

Each check takes the value and keyword-only options, returns the value (an array as a
NumPy array), and raises ``ValueError`` with a message that says what was expected and what
came.  Modelled on scikit-learn's ``sklearn.utils.validation``.
"""

from __future__ import annotations

import numbers
import reprlib
from collections.abc import Sequence

import numpy as np

#: The side of an MNIST image, in pixels.
IMAGE_SIZE = 28
#: What every network of the course takes: one grey channel of 28x28 pixels.
INPUT_SHAPE = (IMAGE_SIZE, IMAGE_SIZE, 1)


def _describe(array: np.ndarray) -> str:
    return f"{array.dtype} of shape {array.shape}"


def _glimpse(value, limit: int = 60) -> str:
    """The start of ``repr(value)``, for an error message about a value that may be huge."""
    text = reprlib.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_array(
    array,
    *,
    name: str,
    ndim: int | Sequence[int] | None = None,
    shape: tuple[int | None, ...] | None = None,
    dtype: type | str | None = None,
    non_empty: bool = True,
    finite: bool = False,
    low: float | None = None,
    high: float | None = None,
    closed: str = "both",
) -> np.ndarray:
    """``array`` as a NumPy array, after checking what was asked.

    ``ndim``: the number of axes (or the numbers allowed); ``shape``: the size of
    each axis, ``None`` for any; ``dtype``: the exact dtype, ``"integer"``, or
    ``"number"`` (integers or floats, not bools); ``non_empty``: at least one element
    along the first axis; ``finite``: no NaN or infinity; ``low``/``high``/``closed``:
    bounds on every value, as :func:`check_scalar` takes them.  Nested sequences that
    make no array (ragged, or nested too deeply) are refused too.
    """
    check_choice(closed, name="closed", choices=CLOSED)
    try:
        array = np.asarray(array)
    except (ValueError, TypeError, RecursionError):
        wanted = "an array (sequences of equal length, not nested too deeply)"
        raise ValueError(f"{name} must be {wanted}, got {_glimpse(array)}") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            wanted = " or ".join(str(n) for n in allowed)
            axes = "axis" if allowed == (1,) else "axes"
            raise ValueError(f"{name} must have {wanted} {axes}, got {_describe(array)}")
    if shape is not None:
        fits = array.ndim == len(shape) and all(want is None or want == got for want, got in zip(shape, array.shape))
        if not fits:
            wanted = "(" + ", ".join("N" if s is None else str(s) for s in shape)
            wanted += ",)" if len(shape) == 1 else ")"
            raise ValueError(f"{name} must have shape {wanted}, got {_describe(array)}")
    if dtype == "integer":
        if not np.issubdtype(array.dtype, np.integer):
            raise ValueError(f"{name} must hold integers, got {_describe(array)}")
    elif dtype == "number":
        if array.dtype.kind not in "iuf":
            raise ValueError(f"{name} must hold numbers, got {_describe(array)}")
    elif dtype is not None and array.dtype != np.dtype(dtype):
        raise ValueError(f"{name} must be {np.dtype(dtype)}, got {_describe(array)}")
    if non_empty and (array.ndim == 0 or array.shape[0] == 0):
        raise ValueError(f"{name} must not be empty, got {_describe(array)}")
    if finite and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite numbers, got NaN or infinity")
    if (low is not None or high is not None) and not np.all(_within(array, low, high, closed)):
        wanted = _bounds(low, high, closed)
        raise ValueError(f"{name} must hold values {wanted}, got values from {array.min()} to {array.max()}")
    return array


def check_sequence(value, *, name: str, of: str):
    """``value`` after checking that it is a sequence of ``of``: a list, a tuple, an array, anything
    iterable but a string, bytes or a dict (iterated, they give characters, byte values or keys)."""
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        raise ValueError(f"{name} must be a list of {of}, got {type(value).__name__}")
    return value


def check_inked(images, *, name: str = "images", low: float = 0, closed: str = "neither") -> np.ndarray:
    """Images (N, H, W) each holding ink: a pixel whose value passes the bound ``low``
    (``closed``: ``"neither"``, above it; ``"both"``, at least it), as a centre of mass or a
    bounding box needs."""
    check_choice(closed, name="closed", choices=CLOSED)
    images = check_array(images, name=name, ndim=3)
    inked = _within(images, low, None, closed).any(axis=(1, 2))
    if not inked.all():
        blank = int(np.argmax(~inked))
        raise ValueError(f"{name} must each hold ink (a pixel {_bounds(low, None, closed)}); image {blank} is blank")
    return images


def check_same_length(**arrays) -> int:
    """The common length of the arrays given by name; raises if they differ."""
    lengths = {name: len(array) for name, array in arrays.items()}
    if len(set(lengths.values())) > 1:
        names = " and ".join(lengths)
        got = " and ".join(str(n) for n in lengths.values())
        raise ValueError(f"{names} must have the same length, got {got}")
    return next(iter(lengths.values()))


def check_labels(labels, *, name: str = "labels", every_digit: bool = False) -> np.ndarray:
    """A non-empty 1-D array of digits 0-9 (``every_digit``: each of them at least once)."""
    labels = check_array(labels, name=name, ndim=1, dtype="integer")
    if labels.min() < 0 or labels.max() > 9:
        raise ValueError(f"{name} must hold digits 0-9, got values from {labels.min()} to {labels.max()}")
    if every_digit:
        missing = sorted(set(range(10)) - set(np.unique(labels).tolist()))
        if missing:
            raise ValueError(f"{name} must hold every digit 0-9, got none of {missing}")
    return labels


def check_digit(label, *, name: str = "label") -> int:
    """One digit 0-9, as a Python int (an integer NumPy scalar is fine; a bool or a float is not)."""
    if isinstance(label, bool) or not isinstance(label, (int, np.integer)):
        raise ValueError(f"{name} must be an integer digit 0-9, got {label!r} ({type(label).__name__})")
    if not 0 <= label <= 9:
        raise ValueError(f"{name} must be a digit 0-9, got {label}")
    return int(label)


def check_pixels(images, *, name: str = "images") -> np.ndarray:
    """uint8 digits of shape (N, H, W), as MNIST stores them."""
    name = f"{name} (pixels 0-255, as MNIST stores them)"
    return check_array(images, name=name, ndim=3, dtype=np.uint8)


def check_model_input(inputs, *, name: str = "inputs") -> np.ndarray:
    """float32 images of shape (N, 28, 28, 1) in [0, 1], as ``to_model_input`` returns."""
    name = f"{name} (as to_model_input returns them)"
    return check_array(inputs, name=name, shape=(None, *INPUT_SHAPE), dtype=np.float32)


def check_images(
    images, *, name: str = "images", shape: tuple[int, ...] | None = None, finite: bool = False
) -> np.ndarray:
    """Images to show: (N, H, W), or (N, H, W, 1) whose channel axis is dropped.

    ``shape``: the (N, H, W) they must have, such as other images' (one map an image);
    ``finite``: no NaN or infinity.
    """
    images = check_array(images, name=name, ndim=(3, 4), finite=finite)
    if images.ndim == 4:
        images = check_array(images, name=name, shape=(None, None, None, 1))
        images = images[..., 0]
    if shape is not None:
        images = check_array(images, name=name, shape=shape)
    return images


def check_images_by_name(images, *, name: str, shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    """A non-empty dict of image arrays, each of ``shape`` (N, H, W) and finite, as
    :func:`check_images` takes them (channel axis dropped)."""
    check_mapping(images, name=name)
    return {
        key: check_images(values, name=f"{name}[{key!r}]", shape=shape, finite=True) for key, values in images.items()
    }


def check_mapping(mapping, *, name: str, required=(), allowed=None, non_empty: bool = True) -> dict:
    """``mapping`` after checking that it is a dict (``non_empty``: with at least one key)
    holding every key of ``required`` and, when ``allowed`` is given, no other keys."""
    if not isinstance(mapping, dict):
        raise ValueError(f"{name} must be a dict, got {type(mapping).__name__}")
    if non_empty and not mapping:
        raise ValueError(f"{name} must not be empty, got an empty dict")
    missing = [key for key in required if key not in mapping]
    if missing:
        raise ValueError(f"{name} must hold the keys {list(required)}, missing {missing}")
    extra = [] if allowed is None else [key for key in mapping if key not in allowed]
    if extra:
        raise ValueError(f"{name} must have keys among {list(allowed)}, got {extra}")
    return mapping


def check_choice(value, *, name: str, choices):
    """``value`` after checking that it is one of ``choices`` (a sequence, or a dict's keys)."""
    choices = list(choices)
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


#: What ``closed`` may say in :func:`check_scalar` and :func:`check_array`: which bounds are allowed themselves.
CLOSED = ("both", "low", "high", "neither")


def _within(values, low, high, closed: str):
    """Whether ``values`` (a number, or each of an array's) lie within the bounds."""
    low_ok = True if low is None else (values >= low if closed in ("both", "low") else values > low)
    high_ok = True if high is None else (values <= high if closed in ("both", "high") else values < high)
    return np.logical_and(low_ok, high_ok)


def _bounds(low, high, closed: str) -> str:
    """The bounds in words: "between 0 and 1 (1 excluded)", "at least 1", "less than 4"..."""
    if low is not None and high is not None:
        ends = {"both": "", "low": f" ({high} excluded)", "high": f" ({low} excluded)", "neither": " (both excluded)"}
        return f"between {low} and {high}{ends[closed]}"
    if low is not None:
        return f"at least {low}" if closed in ("both", "low") else f"greater than {low}"
    return f"at most {high}" if closed in ("both", "high") else f"less than {high}"


def check_scalar(
    value,
    *,
    name: str,
    kind: str = "real",
    low: float | None = None,
    high: float | None = None,
    closed: str = "both",
):
    """``value`` after checking that it is one number of the ``kind`` asked, in bounds.

    ``kind``: ``"integer"`` (bools refused) or ``"real"`` (integers too; NaN
    refused); ``low``/``high``: the bounds, ``None`` for none; ``closed``: which
    bounds are allowed themselves: ``"both"``, ``"low"``, ``"high"`` or ``"neither"``.
    Modelled on scikit-learn's ``check_scalar``.
    """
    check_choice(kind, name="kind", choices=("integer", "real"))
    check_choice(closed, name="closed", choices=CLOSED)
    wanted = numbers.Integral if kind == "integer" else numbers.Real
    if isinstance(value, bool) or not isinstance(value, wanted):
        article = "an integer" if kind == "integer" else "a number"
        raise ValueError(f"{name} must be {article}, got {value!r} ({type(value).__name__})")
    if value != value:
        raise ValueError(f"{name} must be a number, got NaN")
    if not _within(value, low, high, closed):
        raise ValueError(f"{name} must be {_bounds(low, high, closed)}, got {value}")
    return value
