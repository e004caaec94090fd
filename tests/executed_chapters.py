"""The chapters as nbval ran them, kept so that `make test` executes each chapter once.

`make notebooks` loads this module as a pytest plugin (``-p tests.executed_chapters``) with
``EXECUTED_CHAPTERS`` naming a folder: every chapter whose cells all passed is written there with
the outputs nbval received from the kernel.  `make book-quick` then adds them to the book's
execution cache (``python -m tests.executed_chapters FOLDER CACHE``), so that Jupyter Book finds
each chapter already executed.  Jupyter Book matches a notebook by its code, so a chapter whose
code changed since, or that is missing, is executed by the build as before.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest

FOLDER_VARIABLE = "EXECUTED_CHAPTERS"
_FAILED_KEY = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    notebook = item.parent
    if call.when == "call" and hasattr(item, "test_outputs"):
        if report.passed and item.test_outputs is not None:
            item.cell.outputs = item.test_outputs
        else:
            notebook.stash[_FAILED_KEY] = True
    return report


def executed_notebooks(items) -> dict[Path, nbformat.NotebookNode]:
    """The notebooks of ``items`` (nbval's cells) whose every code cell ran and passed, with
    their outputs and execution counts 1, 2, ... as a kernel numbers them."""
    cells_run: dict = {}
    for item in items:
        if hasattr(item, "test_outputs"):
            cells_run.setdefault(item.parent, []).append(item)
    done = {}
    for notebook, run in cells_run.items():
        code = [cell for cell in notebook.nb.cells if cell.cell_type == "code"]
        if notebook.stash.get(_FAILED_KEY, False) or len(run) != len(code):
            continue
        if any(item.test_outputs is None for item in run):
            continue
        for count, cell in enumerate(code, start=1):
            cell.execution_count = count
            for output in cell.outputs:
                if output.output_type == "execute_result":
                    output.execution_count = count
        done[Path(str(notebook.fspath))] = notebook.nb
    return done


def pytest_sessionfinish(session):
    folder = os.environ.get(FOLDER_VARIABLE)
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    for path, notebook in executed_notebooks(session.items).items():
        nbformat.write(notebook, Path(folder) / path.name)


def add_to_cache(folder: Path, cache: Path) -> list[str]:
    """Add every notebook in ``folder`` to the Jupyter Book execution cache at ``cache``;
    returns their names."""
    from jupyter_cache import get_cache

    executed = get_cache(str(cache))
    added = []
    for path in sorted(folder.glob("*.ipynb")):
        executed.cache_notebook_file(str(path), check_validity=True, overwrite=True)
        added.append(path.name)
    return added


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m tests.executed_chapters FOLDER CACHE")
    names = add_to_cache(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{len(names)} chapters executed by nbval added to {sys.argv[2]}")
