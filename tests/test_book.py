"""The book's sources: chapters stored clean, listed in the table of contents, and one repository URL."""

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


def test_chapters_show_networks_from_their_single_source():
    # A network's code shown in a chapter's text must be digitlib's, letter for letter (chapters
    # print it with inspect.getsource); a hand copy drifts.
    source = (ROOT / "digitlib" / "models.py").read_text()
    for path in CHAPTERS:
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            for block in re.findall(r"```python\n(.*?)```", "".join(cell["source"]), re.S):
                if "layers." in block:
                    for line in block.strip().splitlines():
                        assert line.strip() in source, f"{path.name} shows a line digitlib does not have: {line}"


def test_the_pages_pad_uses_the_constants_of_the_python_it_mirrors():
    import inspect

    from digitlib import draw, preprocess

    script = (ROOT / "book" / "web" / "digit-pad.js").read_text()
    constants = {name: float(value) for name, value in re.findall(r"const ([A-Z_]+) = ([\d.]+);", script)}
    supersample = inspect.signature(preprocess.strokes_to_mnist).parameters["supersample"].default
    assert constants == {
        "SIZE": draw.SIZE,
        "PEN": draw.PEN,
        "THROTTLE_MS": draw.THROTTLE_SECONDS * 1000,
        "IMAGE_SIZE": preprocess.IMAGE_SIZE,
        "DIGIT_BOX": preprocess.DIGIT_BOX,
        "CENTRE": preprocess.CENTRE,
        "MNIST_STROKE": preprocess.MNIST_STROKE,
        "SUPERSAMPLE": supersample,
    }
