"""What the validation writers can still tell apart: each run of the pen comparison (the shipped
run and the same second stage with another seed, with pens, and the same second stage without
pens, from two seeds) on the validation writers' digits, read from the runs' records, which keep
which digits each run read right.

The shipped model's recipe and epoch were chosen on MNIST's validation digits and these writers'
together.  A digit other than a 1 that is only a line or a dot (``digitlib.unipen.is_line_or_dot``)
is a piece of a character that the collection's segmentation cut off, not a digit a model can be
asked to read.  With the pieces aside, the runs with pens leave only a handful of these writers'
digits misread: all that a recipe chosen on them can still win back.  Beside them, what each run
read right of the test writers' digits, as its record holds it (measured once).

Run: .venv/bin/python benchmarks/validation_writers.py
"""

from collections import Counter

import numpy as np
from report import report

from digitlib.train import pen_comparison_runs
from digitlib.unipen import is_line_or_dot, load_pen_characters


def pieces(digits) -> np.ndarray:
    """Which pen digits are pieces: only a line or a dot, and not labelled 1."""
    return np.array([is_line_or_dot(s) and label != 1 for s, label in zip(digits.strokes, digits.labels)], bool)


def main() -> None:
    digits, test = load_pen_characters("digits", "validation"), load_pen_characters("digits", "test")
    cut = pieces(digits)
    rows = []
    runs = pen_comparison_runs()
    for run in runs:
        for path in ("strokes", "pixels"):
            right = np.array([c == "1" for c in run["pen_validation"][path]["right"]])
            other = ~right & ~cut
            by_writer = Counter(digits.writers[other]).most_common()
            name = f"second stage {'with' if run['pens'] else 'without'} pens" + " (shipped)" * (run is runs[0])
            rows.append([
                name, run["recipe"]["seed"], path, int((~right).sum()), int((~right & cut).sum()), int(other.sum()),
                f"{right[~cut].mean():.2%}",
                ", ".join(f"{writer} {count}" for writer, count in by_writer),
                f"{run['pen_test'][path]['accuracy']:.2%}",
            ])  # fmt: skip
    columns = ["run", "seed", "path", "misses", "pieces", "other misses", "right, pieces aside",
               "writers of the other misses", "test writers' digits right"]  # fmt: skip
    notes = (
        f"The {len(digits):,} digits of the {len(set(digits.writers))} validation writers, {int(cut.sum())} of "
        f"them pieces (only a line or a dot, labelled other than 1); 99 % of the other {int((~cut).sum()):,} "
        f"allows {int(0.01 * (~cut).sum())} misses. The last column is what each run read right, measured once, "
        f"of the {len(test):,} test writers' digits ({int(pieces(test).sum())} of them pieces), as its record holds "
        "it. From the runs' records (digitlib.train.pen_comparison_runs), made by the commands they hold."
    )
    report("validation_writers", "What the validation writers can still tell apart (the pen comparison's runs)",
           columns, rows, notes)  # fmt: skip


if __name__ == "__main__":
    main()
