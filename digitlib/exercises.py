"""Exercises a reader can check: ``check("receptive-field", 14)`` says right or wrong, and why.

Each exercise is named after what it asks, not after a chapter's number, so that chapters can be
split and renumbered without renaming it.  Its judge works the right answer out from digitlib
itself (the network, the data, the preparation), never from a number typed here, so the answer
stays right when the course changes.  A judge returns whether the answer is right and a sentence
that says why; :func:`check` prints that sentence and returns the verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from digitlib.validation import check_choice


@dataclass(frozen=True)
class Exercise:
    """An exercise: the chapter it belongs to (by name), what it asks, and its judge."""

    chapter: str
    question: str
    judge: Callable[[object], tuple[bool, str]]


#: Every checkable exercise, by name.
EXERCISES: dict[str, Exercise] = {}


def exercise(name: str, *, chapter: str, question: str):
    """Register the decorated judge as the exercise ``name``."""

    def register(judge: Callable[[object], tuple[bool, str]]):
        if name in EXERCISES:
            raise KeyError(f"an exercise called {name!r} exists already")
        EXERCISES[name] = Exercise(chapter, question, judge)
        return judge

    return register


def check(name: str, answer) -> bool:
    """Judge ``answer`` to the exercise ``name``: print right or wrong and why; return the verdict."""
    check_choice(name, name="the exercise's name", choices=sorted(EXERCISES))
    right, why = EXERCISES[name].judge(answer)
    print(("Right. " if right else "Not yet. ") + why)
    return right


def _number(answer) -> float | None:
    """``answer`` as a float, or None when it is no number (a judge then says so)."""
    if isinstance(answer, bool):
        return None
    try:
        return float(answer)
    except (TypeError, ValueError):
        return None


# Each group of chapters adds its judges below its own heading.  A judge imports what it needs
# inside itself, so that importing this module stays cheap.

# --- Meet MNIST, Exploring the digits, Normalization and shapes ---

# --- From pixels to probabilities, Building a CNN, Training the network ---

# --- Data augmentation, Real pens, Evaluating the model ---

# --- Inside the network, The drawing pad, Make it yours ---
