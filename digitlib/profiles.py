"""Run profiles: how much data and training a chapter uses.

One switch, the environment variable ``DIGITLIB_PROFILE``, selects the profile:

* ``full`` (the default): what the published book runs; reproduces every number it quotes.
* ``quick``: small subsets and a single epoch, so that the test suite runs every chapter in
  minutes.  Its numbers are only a smoke test.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from digitlib.validation import check_same_length

PROFILE_ENV = "DIGITLIB_PROFILE"


@dataclass(frozen=True)
class Profile:
    """Sizes a chapter reads instead of hard-coding them.

    ``train_samples`` / ``test_samples``: how many digits of each split to use (``None``: all).
    ``epochs``: how many passes over the training data a chapter's training runs.
    ``repeats``: how many seeds a chapter trains each recipe with when it compares recipes.

    A chapter's hidden check cells may ask :attr:`is_quick`: a check with a real margin runs in the
    full profile, and the quick profile checks what a small run can show.  Visible cells read
    sizes from the fields instead.
    """

    name: str
    train_samples: int | None
    test_samples: int | None
    epochs: int
    repeats: int

    @property
    def is_quick(self) -> bool:
        """True for the quick (test) profile."""
        return self.name == "quick"

    def limit(self, x: np.ndarray, y: np.ndarray, split: str) -> tuple[np.ndarray, np.ndarray]:
        """The first ``train_samples`` or ``test_samples`` pairs of ``(x, y)`` (all of them if ``None``)."""
        if split not in ("train", "test"):
            raise ValueError(f"split must be 'train' or 'test', got {split!r}")
        check_same_length(x=x, y=y)
        n = self.train_samples if split == "train" else self.test_samples
        return (x, y) if n is None else (x[:n], y[:n])


# What differs between the two profiles is written here, one setting a line, so that a chapter
# reads ``profile.<setting>`` instead of branching on the profile's name.
PROFILES = {
    "full": Profile(
        "full",
        train_samples=None,
        test_samples=None,
        epochs=2,
        repeats=2,
    ),
    "quick": Profile(
        "quick",
        train_samples=2000,
        test_samples=1000,
        epochs=1,
        repeats=1,
    ),
}


def get_profile(name: str | None = None) -> Profile:
    """The profile called ``name``, or the one ``$DIGITLIB_PROFILE`` selects (default ``full``)."""
    chosen = name if name is not None else os.environ.get(PROFILE_ENV, "full")
    try:
        return PROFILES[chosen.strip().lower()]
    except KeyError:
        raise ValueError(
            f"unknown profile {chosen!r} (from {'the argument' if name is not None else PROFILE_ENV}); "
            f"expected one of: {', '.join(PROFILES)}"
        ) from None
