"""How long the README's two commands take on a fresh clone: `make test`, then a cold `make book`.

Clones this repository's committed state into a temporary folder (so nothing is cached: a new
virtual environment, a cold execution cache) and times each command there. MNIST comes from the
usual cache (~/.cache/digitlib or $DIGITLIB_DATA_DIR) when it is there. Takes the better part of
an hour, so `make bench` leaves it out.

Run: .venv/bin/python benchmarks/suite_timings.py
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report import report

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ["make test", "make book"]


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory(prefix="digit-course-") as folder:
        clone = Path(folder) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        for command in COMMANDS:
            print(f"running {command} in a fresh clone ...", flush=True)
            started = time.perf_counter()
            done = subprocess.run(
                command.split(), cwd=clone, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
            )
            minutes = (time.perf_counter() - started) / 60
            if done.returncode != 0:
                sys.exit(f"{command} failed (exit code {done.returncode}):\n{done.stderr[-3000:]}")
            rows.append([command, f"{minutes:.1f} min"])
    report(
        "suite_timings",
        "The README's commands on a fresh clone",
        ["command", "wall time"],
        rows,
        "make test includes setting up .venv; make book then reuses it and builds the book cold.",
    )


if __name__ == "__main__":
    main()
