"""Run profiles: how much data and training a chapter uses.

One switch, the environment variable ``DIGITLIB_PROFILE``, selects the profile:

* ``full`` (the default): what the published book runs; reproduces every number it quotes.
* ``quick``: small subsets and a single epoch, so that the test suite runs every chapter in
  minutes.  Its numbers are only a smoke test.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

import numpy as np

from digitlib.validation import check_choice, check_same_length

PROFILE_ENV = "DIGITLIB_PROFILE"


@dataclass(frozen=True)
class Profile:
    """Sizes a chapter reads instead of hard-coding them.

    ``train_samples`` / ``test_samples``: how many digits of each split to use (``None``: all).
    ``epochs``: how many passes over the training data a chapter's training runs.
    ``repeats``: how many seeds a chapter trains each recipe with when it compares recipes.
    ``redraw_samples``: test digits (and jittered drawings) the drawing chapter redraws to measure its paths.
    ``inspect_digits``: validation digits a chapter measures a trained network on (feature maps, attacks).
    ``attribution_digits``: validation digits a chapter computes attribution maps for.
    ``detector_digits``: validation digits a detector's threshold is chosen on (``None``: all).
    ``letters_per_glyph``: how many times each held-out letter of each font is drawn.
    ``overfit_epochs``: epochs of a run that overfits on purpose (a small network on few digits).
    ``ablation_digits``: training digits each design of a short comparison of designs learns from.

    A chapter's hidden check cells may ask :attr:`is_quick`: a check with a real margin runs in the
    full profile, and the quick profile checks what a small run can show.  Visible cells read
    sizes from the fields instead.
    """

    name: str
    train_samples: int | None
    test_samples: int | None
    epochs: int
    repeats: int
    redraw_samples: int
    inspect_digits: int
    attribution_digits: int
    detector_digits: int | None
    letters_per_glyph: int
    overfit_epochs: int
    ablation_digits: int

    def __repr__(self) -> str:
        """One setting a line, so that a chapter's output fits the book's code column."""
        settings = [f"    {f.name}={getattr(self, f.name)!r}," for f in fields(self) if f.name != "name"]
        return "\n".join([f"Profile({self.name!r},", *settings, ")"])

    @property
    def is_quick(self) -> bool:
        """True for the quick (test) profile."""
        return self.name == "quick"

    def limit(self, x: np.ndarray, y: np.ndarray, split: str) -> tuple[np.ndarray, np.ndarray]:
        """The first ``train_samples`` or ``test_samples`` pairs of ``(x, y)`` (all of them if ``None``)."""
        check_choice(split, name="split", choices=("train", "test"))
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
        redraw_samples=2000,
        inspect_digits=1000,
        attribution_digits=100,
        detector_digits=None,
        letters_per_glyph=10,
        overfit_epochs=40,
        ablation_digits=20_000,
    ),
    "quick": Profile(
        "quick",
        train_samples=2000,
        test_samples=1000,
        epochs=1,
        repeats=1,
        redraw_samples=300,
        inspect_digits=300,
        attribution_digits=40,
        detector_digits=1000,
        letters_per_glyph=3,
        overfit_epochs=12,
        ablation_digits=1_000,
    ),
}


def get_profile(name: str | None = None) -> Profile:
    """The profile called ``name``, or the one ``$DIGITLIB_PROFILE`` selects (default ``full``)."""
    chosen = name if name is not None else os.environ.get(PROFILE_ENV, "full")
    source = "the argument" if name is not None else PROFILE_ENV
    return PROFILES[check_choice(chosen.strip().lower(), name=f"the profile (from {source})", choices=PROFILES)]
