"""The shipped model on real pen-written digits by the course's test writers (UNIPEN), through the
pad's stroke path and the pixel path, digit by digit and writer by writer.  Pass
``--compare LABEL=PATH`` to put other weights of the same network beside it, on the same digits,
with McNemar's exact test.

A writer is *served* when at most one digit in 20 is wrong, rounded up, with one slip always
forgiven: errors <= max(1, ceil(n / 20)).  Only writers of at least 10 digits are counted.

Run: .venv/bin/python benchmarks/pen_writers.py [--compare "MNIST only=before.weights.h5"]
"""

from report import compared_cells, compared_columns, report, shipped_and_compared

from digitlib.evaluate import writers_served
from digitlib.pen_inputs import pen_inputs

PATHS = {"strokes": "pad's strokes", "pixels": "pixels, pen 8-24 px"}


def main() -> None:
    models = shipped_and_compared(__doc__.split("\n\n")[0])

    digits = pen_inputs("digits", "test")
    right = {
        (label, path): model.predict(getattr(digits, path), batch_size=500, verbose=0).argmax(axis=1) == digits.labels
        for label, model in models.items()
        for path in PATHS
    }
    rows = []
    for path, name in PATHS.items():
        groups = {f"all {len(digits):,} digits by {len(set(digits.writers))} writers ({name})": slice(None)}
        groups |= {f"  {d}s ({name})": digits.labels == d for d in range(10)}
        for group, chosen in groups.items():
            rows.append([group, *compared_cells({label: right[label, path][chosen] for label in models})])
        row = [f"writers of 10 or more digits served ({name})"]
        for label in models:
            served = writers_served(right[label, path], digits.writers)
            row.append(f"{served.served.mean():.1%} ({served.served.sum()} of {len(served.served)})")
        rows.append(row + [""] * (len(models) > 1))
    columns = ["test writers' digits", *compared_columns(models)]
    report("pen_writers", "Real pen-written digits by the test writers", columns, rows,
           "UNIPEN train_r01_v07 (CC BY 4.0), the course's test writers (digitlib.unipen): never trained "
           "on, never chosen on. Pixels: each digit drawn once on a 280-px canvas, at a random size and place "
           "with a random pen of 8-24 px (digitlib.pen_inputs, seed 0), then canvas_to_mnist. A writer is "
           "served when errors <= max(1, ceil(n/20)).")  # fmt: skip

    shipped = {path: writers_served(right["shipped", path], digits.writers) for path in PATHS}
    table = []
    for index, writer in enumerate(shipped["strokes"].writers):
        count = int(shipped["strokes"].digits[index])
        wrong = {path: int(result.errors[index]) for path, result in shipped.items()}
        table.append([writer, count, wrong["strokes"], wrong["pixels"],
                      f"{1 - wrong['strokes'] / count:.1%}", f"{1 - wrong['pixels'] / count:.1%}",
                      "yes" if all(r.served[index] for r in shipped.values()) else "no"])  # fmt: skip
    table.sort(key=lambda row: (-row[1], row[0]))
    report("pen_writers_table", "The shipped model writer by writer (test writers of 10 or more digits)",
           ["writer", "digits", "wrong (strokes)", "wrong (pixels)", "right (strokes)", "right (pixels)",
            "served both ways"], table)  # fmt: skip


if __name__ == "__main__":
    main()
