"""The book's sources: chapters stored clean, listed in the table of contents, and one repository URL."""

import importlib
import inspect
import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: Characters the book's code column shows at a 1,280-pixel window (sphinx-book-theme).
CODE_COLUMN = 76


def repository_url() -> str:
    return yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]


def test_every_chapter_is_in_the_table_of_contents():
    toc = (ROOT / "_toc.yml").read_text()
    listed = re.findall(r"file: (notebooks/\S+)", toc)
    assert listed == [f"notebooks/{p.stem}" for p in CHAPTERS]


def test_every_chapter_opens_with_its_label_then_its_title():
    """Links name a chapter by its label, made from its file name without the number
    (12_drawing_pad: drawing-pad), so that renumbering the chapters breaks no link."""
    for path in CHAPTERS:
        first = "".join(json.loads(path.read_text())["cells"][0]["source"]).splitlines()
        label = path.stem.split("_", 1)[1].replace("_", "-")
        assert first[0] == f"({label})=", path.name
        assert first[1].startswith("# "), path.name


def test_chapters_are_stored_without_outputs():
    for path in CHAPTERS:
        cells = json.loads(path.read_text())["cells"]
        dirty = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and (c["outputs"] or c["execution_count"])]
        assert not dirty, f"{path.name}: cells {dirty} carry outputs"


def first_code_cell(path: Path) -> str:
    return "".join(next(c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code")["source"])


def test_every_chapter_starts_with_the_same_setup_cell():
    setup = first_code_cell(CHAPTERS[0])
    assert 'find_spec("digitlib") is None' in setup, "it installs digitlib only where it is missing"
    assert f'REPO = "{repository_url()}"' in setup and '"digitlib@git+{REPO}"' in setup
    assert "keras = setup_notebook()" in setup and len(setup.splitlines()) <= 8
    assert max(map(len, setup.splitlines())) <= CODE_COLUMN, "it fits the book's code column"
    preface = (ROOT / "book" / "preface.md").read_text()
    assert setup in preface, "the preface shows the set-up cell as it is"
    for path in CHAPTERS[1:]:
        assert first_code_cell(path) == setup, f"{path.name} starts differently from {CHAPTERS[0].name}"


def test_all_links_to_the_repository_agree_with_config():
    url = repository_url()
    owner_repo = url.removeprefix("https://github.com/")
    files = [*CHAPTERS, ROOT / "README.md", *sorted((ROOT / "book").glob("*.md"))]
    for path in files:
        for found in re.findall(r"github\.com/([\w.-]+/[\w.-]+)", path.read_text()):
            assert found == owner_repo, f"{path.name} links to {found}, _config.yml says {owner_repo}"
        for found in re.findall(r"/(?:v2/)?gh/([\w.-]+/[\w.-]+)/", path.read_text()):
            assert found == owner_repo, f"{path.name} links to {found}, _config.yml says {owner_repo}"


def test_chapter_images_stay_beside_the_chapters():
    # Voila serves only the folder of the notebook it shows: an image path that leaves it
    # (../book/...) makes the page load for ever.
    for path in CHAPTERS:
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            for target in re.findall(r"!\[[^\]]*\]\(([^)\s]+)", "".join(cell["source"])):
                assert not target.startswith(("/", "..")), f"{path.name}: {target} leaves notebooks/"
                assert (path.parent / target).exists(), f"{path.name}: {target} is missing"


def library_code_shown_wrongly(cells: list[dict]) -> list[str]:
    """What a chapter shows as digitlib's code without taking it from digitlib: a printed
    ``inspect.getsource(name)`` whose ``name`` is not imported from digitlib, and lines of a
    python block in the prose that no digitlib module has (a hand copy drifts)."""
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    prose = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    imported = {}
    for module, grouped, names in re.findall(r"from (digitlib[\w.]*) import (?:\(([\w,\s]+)\)|([\w, ]+))", code):
        imported |= {name.strip(): module for name in (grouped or names).split(",") if name.strip()}
    problems = []
    for shown in re.findall(r"getsource\(([\w.]+)\)", code):
        head, *attributes = shown.split(".")
        if head not in imported:
            problems.append(f"prints the source of {shown}, which it does not import from digitlib")
            continue
        target = getattr(importlib.import_module(imported[head]), head)
        for attribute in attributes:
            target = getattr(target, attribute)
        if not inspect.getmodule(target).__name__.startswith("digitlib"):
            problems.append(f"prints the source of {shown}, which is not digitlib's")
    library = "\n".join(path.read_text() for path in sorted((ROOT / "digitlib").glob("*.py")))
    for block in re.findall(r"```python\n(.*?)```", prose, re.S):
        if "layers." in block or "def " in block:
            lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
            problems += [f"shows a line digitlib does not have: {line}" for line in lines if line not in library]
    return problems


def test_chapters_show_library_code_from_the_library():
    for path in CHAPTERS:
        problems = library_code_shown_wrongly(json.loads(path.read_text())["cells"])
        assert not problems, f"{path.name}: {problems}"


def test_the_library_code_guard_catches_copies():
    copied = [
        {"cell_type": "code", "source": ["from mymodule import my_network\n", "inspect.getsource(my_network)"]},
        {"cell_type": "code", "source": ["from digitlib.models import build_baseline\n", "getsource(json.loads)"]},
        {"cell_type": "markdown", "source": ["```python\n", "x = layers.Dense(11)(x)\n", "```\n"]},
    ]
    assert len(library_code_shown_wrongly(copied)) == 3
    honest = [
        {"cell_type": "code", "source": ["from digitlib.models import build_baseline\n", "getsource(build_baseline)"]}
    ]
    assert library_code_shown_wrongly(honest) == []


def test_the_pages_pad_uses_the_constants_of_the_python_it_mirrors():
    from digitlib import draw, pen_inputs, preprocess

    script = (ROOT / "digitlib" / "web" / "digit-pad.js").read_text()
    constants = {name: float(value) for name, value in re.findall(r"const ([A-Z_]+) = ([\d.]+);", script)}
    supersample = inspect.signature(preprocess.strokes_to_mnist).parameters["supersample"].default
    assert constants == {
        "SIZE": pen_inputs.CANVAS,
        "PEN": draw.PEN,
        "THROTTLE_MS": draw.THROTTLE_SECONDS * 1000,
        "IMAGE_SIZE": preprocess.IMAGE_SIZE,
        "DIGIT_BOX": preprocess.DIGIT_BOX,
        "CENTRE": preprocess.CENTRE,
        "MNIST_STROKE": preprocess.MNIST_STROKE,
        "SUPERSAMPLE": supersample,
    }
