"""What `pip install .` puts in the package: an editable install hides a missing package-data
glob, a plain install does not, and Colab has only the installed package."""

import fnmatch
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11 and later

ROOT = Path(__file__).resolve().parents[1]


def test_every_data_file_of_digitlib_is_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = config["tool"]["setuptools"]["package-data"]["digitlib"]
    package = ROOT / "digitlib"
    files = [p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()]
    data = [f for f in files if not f.endswith(".py") and "__pycache__" not in f]
    left_out = [f for f in data if not any(fnmatch.fnmatch(f, glob) for glob in globs)]
    assert data and not left_out, f"not in [tool.setuptools.package-data]: {left_out}"


def test_the_data_licences_are_in_the_metadata():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "CC-BY-4.0" in project["license"] and "digitlib/pen_data/README.md" in project["license-files"]
    assert "CC BY 4.0" in (ROOT / "digitlib" / "pen_data" / "README.md").read_text()
