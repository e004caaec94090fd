"""How long the README's two commands take on a fresh clone: a cold `make book`, then `make test`.

Clones this repository's committed state into a temporary folder (so nothing is cached: a new
virtual environment, a cold execution cache) and times each command there. MNIST comes from the
usual cache (~/.cache/digitlib or $DIGITLIB_DATA_DIR) when it is there. Takes the better part of
an hour, so `make bench` leaves it out.

Run: .venv/bin/python benchmarks/suite_timings.py [--keep FOLDER]
(``--keep`` clones into FOLDER, which must not exist, and leaves it there with the built book.)
"""

import argparse
import contextlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report import report

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ["make book", "make test"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", type=Path, help="clone into this new folder and keep it")
    args = parser.parse_args()
    if args.keep is not None and args.keep.exists():
        sys.exit(f"--keep {args.keep}: the folder exists already; name a new one")
    rows = []
    kept = contextlib.nullcontext(str(args.keep)) if args.keep else tempfile.TemporaryDirectory(prefix="digit-course-")
    with kept as folder:
        clone = Path(folder) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        for command in COMMANDS:
            print(f"running {command} in a fresh clone ...", flush=True)
            started = time.perf_counter()
            log = Path(folder) / f"{command.replace(' ', '-')}.log"
            with open(log, "w") as output:
                done = subprocess.run(command.split(), cwd=clone, stdout=output, stderr=subprocess.STDOUT)
            minutes = (time.perf_counter() - started) / 60
            if done.returncode != 0:
                sys.exit(f"{command} failed (exit code {done.returncode}):\n{log.read_text()[-3000:]}")
            rows.append([command, f"{minutes:.1f} min"])
    report(
        "suite_timings",
        "The README's commands on a fresh clone",
        ["command", "wall time"],
        rows,
        "make book includes setting up .venv (MNIST comes from the cache) and runs every chapter; "
        "make test then reuses .venv.",
    )


if __name__ == "__main__":
    main()
