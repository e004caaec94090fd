"""What every benchmark shares: print a table, and write it with the date, machine and command as JSON.

The JSON files in benchmarks/results/ are committed; the book's Results page is generated from them.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import shlex
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, object]:
    """The machine and software a benchmark ran on."""
    from digitlib.startup import quiet_tensorflow_startup

    with quiet_tensorflow_startup():
        import keras

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "processor": platform.processor() or platform.machine(),
        "cpu_cores": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "system": platform.platform(terse=True),
        "python": platform.python_version(),
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
    }


def report(name: str, title: str, columns: list[str], rows: list[list[object]], notes: str = "") -> None:
    """Print ``rows`` as a table under ``title`` and save them to results/``name``.json."""
    widths = [max(len(str(c)), *(len(str(r[i])) for r in rows)) for i, c in enumerate(columns)]
    print(f"\n{title}")
    for line in [columns, *rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(line, widths)).rstrip())
    if notes:
        print(notes)
    RESULTS.mkdir(exist_ok=True)
    record = {
        "title": title,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": shlex.join(["python", f"benchmarks/{Path(sys.argv[0]).name}", *sys.argv[1:]]),
        "machine": machine(),
        "columns": columns,
        "rows": rows,
        "notes": notes,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
    print(f"(saved to {path.relative_to(RESULTS.parent.parent)})")


def shipped_and_compared(description: str) -> dict:
    """The models a benchmark compares: ``--compare LABEL=PATH`` weights of
    ``build_enhanced()`` (any number), then the shipped model, as ``{label: model}``."""
    import argparse

    from digitlib.models import build_enhanced, load_pretrained

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--compare", action="append", default=[], metavar="LABEL=PATH",
                        help="weights of build_enhanced() to compare with the shipped ones")  # fmt: skip
    models = {}
    for item in parser.parse_args().compare:
        label, _, path = item.partition("=")
        models[label] = build_enhanced()
        models[label].load_weights(path)
    models["shipped"] = load_pretrained()
    return models


def compared_columns(models) -> list[str]:
    """The columns :func:`compared_cells` fills, one per model, then McNemar's when several."""
    columns = [f"{label} (95 % interval)" for label in models]
    if len(models) > 1:
        columns.append(f"right only by {next(iter(models))} / only by shipped, McNemar")
    return columns


def compared_cells(right: dict) -> list[str]:
    """A table row's cells from which digits each model read right (``{label: bool array}``,
    in :func:`shipped_and_compared`'s order): each model's accuracy with its 95 % interval, then,
    when several, McNemar's exact test of the first against the shipped one on the same digits."""
    from digitlib.evaluate import accuracy_interval, mcnemar

    cells = []
    for correct in right.values():
        low, high = accuracy_interval(int(correct.sum()), len(correct))
        cells.append(f"{correct.mean():.1%} ({low:.1%}-{high:.1%})")
    if len(right) > 1:
        test = mcnemar(next(iter(right.values())), right["shipped"])
        cells.append(f"{test.only_first} / {test.only_second}, p = {test.p_value:.2g}")
    return cells
