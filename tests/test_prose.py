"""The rules that keep the chapters' prose true (DEVELOPERS.md, "How the book is written").

- A measured number in a chapter's markdown is glued from the cell that computes it
  (``digitlib.glue.glue`` and myst-nb's ``{glue:text}`` role), never typed by hand; a hand-typed
  percentage or decimal is allowed only when :data:`ALLOWED` says why (a constant of the data, a
  setting the chapter chose, a published result).  Alt texts cannot be glued, so they hold none.
- Every key a chapter pastes is glued in that chapter, and a key is glued once.
- The checks behind the sentences are hidden cells: a reader sees no ``assert``, no profile
  branch, no lint pragma and no test file's name.
- The README's measured numbers are those of the benchmarks' results and the run records.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "notebooks").glob("*.ipynb"))

#: Hand-typed percentages and decimals a chapter may keep, by chapter name (its file name without
#: the number, so that renumbering renames nothing), each with the reason it is not measured.
ALLOWED: dict[str, dict[str, str]] = {
    "normalization_and_shapes": {
        "10 %": "a uniform answer over ten digits (one in ten), what a network that knows nothing says",
        "2.3": "ln 10, the loss of a uniform answer over ten digits (a constant)",
    },
    "building_a_cnn": {
        "99 %": "the accuracy keras.io's cited 'Simple MNIST convnet' example claims",
        "25 %": "a dropout rate of the network the chapter builds (Dropout(0.25))",
        "50 %": "a dropout rate of the network the chapter builds (Dropout(0.5))",
    },
    "exploring_the_digits": {
        "13.5": "the middle of a 28-pixel axis in pixel indices 0 to 27 (a constant of the format)",
    },
    "evaluation": {
        "95 %": "the confidence level the chapter chose for its intervals",
        "100 %": "the upper end of an accuracy (a bound, not a result)",
        "98.94 %": "the original demo's reported test accuracy (cited)",
        "99.05 %": "LeNet-5's published result (cited)",
        "99.25 %": "the published result of the Keras example mnist_cnn.py (cited)",
        "99.60 %": "Simard et al.'s published result (cited)",
        "99.77 %": "Ciresan et al.'s published result (cited)",
        "90 %": "an example confidence in the definition of calibration, and an exercise's threshold",
        "10 %": "a uniform answer over ten digits (one in ten)",
        "1.0": "a strength the chapter chose: the stroke sweep's thinnest setting",
        "0.05": "the conventional significance level for a p-value (an exercise's solution)",
        "0.9": "the confidence threshold of exercise 4, in its solution's code (90 %)",
    },
    "drawing_pad": {
        "15 %": "a setting of random_redraws: the smallest digit, as a share of the canvas",
        "65 %": "a setting of random_redraws: the largest digit, as a share of the canvas",
        "3 %": "a setting of random_redraws: the thinnest pen, as a share of the digit's size",
        "20 %": "a setting of random_redraws: the thickest pen, as a share of the digit's size",
    },
    "where_it_breaks": {
        "25.5": "eps = 0.1 in grey levels (0.1 x 255), arithmetic on a setting",
        "0.3": "the largest attack strength the chapter sets (EPSILONS)",
        "90 %": "the confidence the chapter's code counts as high",
        "10 %": "a thought experiment: a uniform answer over ten digits",
        "97 %": "the course's target for real digits kept, and exercise 2's setting",
        "80 %": "the course's target for letters refused",
        "95 %": "the course's target for the test writers' pen letters refused",
        "98 %": "the course's target for the test writers' pen digits kept",
        "99 %": "the course's target for the kept pen digits read right",
    },
    "training": {
        "5 %": "the significance level the chapter calls clear (a setting)",
        "0.0001": "the smallest learning rate of the recorded sweep (a setting)",
        "0.01": "the largest learning rate of the recorded sweep (a setting)",
        "0.002": "the shipped recipe's peak learning rate (digitlib.train.RECIPE, a setting)",
        "98.94 %": "the original demo's reported test accuracy (cited)",
        "99.25 %": "the published result of the Keras example mnist_cnn.py (cited)",
        "3.9": "a Keras version (the fix of a CVE)",
        "3.11": "a Keras version (the fix of a CVE)",
        "3.14": "a Keras version (the fix of a CVE, the course's minimum)",
    },
    "real_pens": {
        "4.0": "the name of the data's licence, CC BY 4.0",
        "0.05": "the significance level the chapter calls clear (a setting)",
    },
    "augmentation": {
        "7.2": "a setting the chapter chose: the turn of the blur comparison (degrees)",
        "10 %": "a setting the chapter chose: the enlargement of the blur comparison",
        "1.4": "a setting the chapter chose: the shift of the blur comparison (pixels)",
        "0.9": "a setting the chapter chose: the grey level counted as full ink",
        "0.5": "a setting the chapter chose: the slant of the slant grid",
        "30 %": "a setting the chapter chose: the shift of the fill-mode comparison",
        "0.05": "the conventional significance level for a p-value",
        "60 %": "a setting the chapter chose: the scale of the shrunk test digits",
        "0.001": "a threshold the chapter's check uses for 'far beyond luck'",
        "0.1": "a setting exercise 5 chooses: RandomRotation's factor in its solution's code",
        "0.2": "a setting exercise 5 chooses: RandomZoom's factor in its solution's code",
    },
    "pixels_to_probabilities": {
        "2.30": "ln 10, a constant (the loss of a model that gives every digit 1/10)",
        "0.01": "a learning rate the chapter sets (RATES)",
        "0.5": "a learning rate the chapter sets (LEARNING_RATE, RATES)",
        "0.3": "the exponent of the slider's default rate, 10 to the power -0.3",
    },
    "meet_mnist": {
        "3.0": "the licence's version (CC BY-SA 3.0)",
        "50 %": "a thought experiment: a test set that is half one digit",
    },
}

#: A percentage ("9 %", "99.70%", "0.5 per cent") or a decimal ("0.81", "2.82").
NUMBER = re.compile(r"(?<![\w.])(?:\d[\d,]*(?:\.\d+)?\s?(?:%|per ?cent)|\d+\.\d+)(?![\w.]*\d)")
#: What is not prose: fenced code (not MyST directives), math, roles such as {glue:text}`k:.1%`
#: and {cite:p}`key`, inline code, and link targets.
NOT_PROSE = [
    re.compile(r"^(```+|~~~+)(?!\{)[^\n]*\n.*?^\1", re.S | re.M),
    re.compile(r"\$\$.*?\$\$", re.S),
    re.compile(r"(?<!\\)\$[^$\n]+\$"),
    re.compile(r"\{[\w:.-]+\}`[^`]*`"),
    re.compile(r"`[^`\n]*`"),
    re.compile(r"\]\([^)]*\)"),
    re.compile(r"<[^>\n]*>"),
    re.compile(r"\bdoi:\S+"),
]
GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`([A-Za-z_][\w]*)")
GLUE_CALL = re.compile(r"""\bglue\(\s*(f?)(["'])(.*?)\2""")


def chapter_name(path: Path) -> str:
    return re.sub(r"^\d+_", "", path.stem)


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def is_hidden(cell: dict) -> bool:
    return "remove-cell" in cell.get("metadata", {}).get("tags", [])


def prose_of(markdown: str) -> str:
    for pattern in NOT_PROSE:
        markdown = pattern.sub(" ", markdown)
    return markdown


def alt_texts(cell: dict) -> list[str]:
    image = cell.get("metadata", {}).get("mystnb", {}).get("image", {})
    markdown_alts = re.findall(r"!\[([^\]]*)\]", source(cell)) if cell["cell_type"] == "markdown" else []
    return ([image["alt"]] if "alt" in image else []) + markdown_alts


def hand_typed_numbers(path: Path) -> list[str]:
    allowed = ALLOWED.get(chapter_name(path), {})
    found = []
    for cell in cells(path):
        texts = alt_texts(cell) + ([prose_of(source(cell))] if cell["cell_type"] == "markdown" else [])
        for text in texts:
            found += [number for number in NUMBER.findall(text) if number not in allowed]
    return found


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_measured_numbers_in_prose_are_glued(path):
    found = hand_typed_numbers(path)
    assert not found, (
        f"{path.name} types these numbers by hand in its prose or alt texts: {found}. "
        "Glue each from the cell that computes it ({glue:text}`key:.1%`), or, for a constant, a setting "
        f"or a cited result, add it to ALLOWED[{chapter_name(path)!r}] in tests/test_prose.py with the reason"
    )


def test_the_number_scanner_finds_what_it_should():
    text = "It reads 99.70 % of them, 9% of the 1,797, and 0.81 of pixels; 0.5 per cent more."
    assert NUMBER.findall(text) == ["99.70 %", "9%", "0.81", "0.5 per cent"]
    glued = "It reads {glue:text}`acc:.2%` of them $p = 0.05$ `x = 0.3` [a](https://x.org/1.5)."
    assert NUMBER.findall(prose_of(glued)) == []
    assert NUMBER.findall("Keras 3.14, 28 × 28, chapter 7, 1,000 digits, version 1.2.3") == ["3.14"]
    fenced = "Before 0.4\n```python\nx = 0.3\n```\n```{dropdown} Solutions\nabout 0.81\n```\n"
    assert NUMBER.findall(prose_of(fenced)) == ["0.4", "0.81"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_pasted_key_is_glued_once_in_its_chapter(path):
    code = [source(c) for c in cells(path) if c["cell_type"] == "code"]
    calls = [match for text in code for match in GLUE_CALL.findall(text)]
    literal = [key for is_f, _, key in calls if not is_f]
    patterns = [re.compile(re.sub(r"\\\{[^}]*\\\}", r"\\w+", re.escape(key)) + "$") for f, _, key in calls if f]
    assert len(literal) == len(set(literal)), f"{path.name} glues a key twice: {sorted(literal)}"
    pasted = {key for c in cells(path) if c["cell_type"] == "markdown" for key in GLUE_ROLE.findall(source(c))}
    missing = [k for k in sorted(pasted) if k not in literal and not any(p.match(k) for p in patterns)]
    assert not missing, f"{path.name} pastes keys no cell of it glues: {missing}"


#: What a reader must not see in a chapter's visible code: test code and lint pragmas.
TEST_CODE = {
    "assert": re.compile(r"^\s*assert\b", re.M),
    "profile branch": re.compile(r"\bis_quick\b"),
    "lint pragma": re.compile(r"#\s*(?:noqa|fmt:|type:\s*ignore)"),
}


def visible_test_code(path: Path) -> list[str]:
    found = []
    for index, cell in enumerate(cells(path)):
        if cell["cell_type"] != "code" or is_hidden(cell):
            continue
        found += [f"cell {index}: {kind}" for kind, p in TEST_CODE.items() for _ in p.findall(source(cell))]
    return found


def test_no_chapter_shows_test_code():
    counts = {path.name: visible_test_code(path) for path in CHAPTERS}
    shown = {name: found for name, found in counts.items() if found}
    assert sum(map(len, shown.values())) == 0, f"visible asserts, profile branches or pragmas: {shown}"


def test_the_test_code_counter_counts():
    cell = {"cell_type": "code", "metadata": {}, "source": ["x = 1\n", "assert x  # noqa: E501\n"]}
    hidden = {**cell, "metadata": {"tags": ["remove-cell"]}}
    found = [kind for kind, p in TEST_CODE.items() for _ in p.findall(source(cell))]
    assert found == ["assert", "lint pragma"] and is_hidden(hidden) and not is_hidden(cell)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_hidden_checks_are_hidden_in_jupyterlab_too(path):
    shown = [
        i
        for i, c in enumerate(cells(path))
        if is_hidden(c) and not c["metadata"].get("jupyter", {}).get("source_hidden")
    ]
    assert not shown, f"{path.name}: remove-cell cells {shown} lack jupyter.source_hidden (JupyterLab shows them)"


def test_no_page_has_math():
    # Sphinx loads MathJax from a CDN on a page with math, and on the pages whose table of
    # contents includes one (the landing page): the book must work offline, so prose writes
    # "ln 10 ≈ 2.3" in plain text.
    pages = [*CHAPTERS, *sorted((ROOT / "book").glob("*.md"))]
    for path in pages:
        texts = (
            [source(c) for c in cells(path) if c["cell_type"] == "markdown"]
            if path.suffix == ".ipynb"
            else [path.read_text()]
        )
        fences = re.compile(r"^```[^\n]*\n.*?^```", re.S | re.M)
        inline = re.compile(r"`[^`\n]*`")
        math = [
            m for t in texts for m in re.findall(r"(?<![\\$])\$[^$\n]+\$|\{math\}", inline.sub("", fences.sub("", t)))
        ]
        assert not math, f"{path.name} has math, which makes Sphinx load MathJax from a CDN: {math}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_prose_names_no_test_files(path):
    prose = " ".join(source(c) for c in cells(path) if c["cell_type"] == "markdown")
    named = re.findall(r"tests/[\w/.:-]+|test_\w+\.py", prose)
    assert not named, f"{path.name} sends the reader to test files: {named}"


#: Numbers the README may type by hand, each with the reason it is not measured.
README_ALLOWED = {
    "3.10": "the oldest Python the course supports",
    "99.0 %": "a target set for the shipped model (on the test writers)",
    "95 %": "a target set for the shipped model and the detector",
    "97 %": "a target set for the detector (UCI digits kept)",
}


def recorded_numbers() -> str:
    """Every number the benchmarks and the run records wrote, as one text."""
    files = [
        *sorted((ROOT / "benchmarks" / "results").glob("*.json")),
        *sorted((ROOT / "digitlib").rglob("*.run.json")),
    ]
    return "\n".join(path.read_text() for path in files)


def test_readme_numbers_come_from_the_records():
    records = recorded_numbers()
    readme = prose_of((ROOT / "README.md").read_text())
    missing = []
    for number in NUMBER.findall(readme):
        value = re.sub(r"\s?(%|per ?cent)$", "", number)
        as_percent = number != value
        forms = {value, value.replace(",", "")}
        if as_percent:  # the records hold shares as 0.997 or as "99.7%"
            share = float(value.replace(",", "")) / 100
            forms |= {f"{share:.{d}f}".rstrip("0") for d in range(2, 7)} | {f"{value}%", f"{value} %"}
        if number not in README_ALLOWED and not any(form in records for form in forms if form):
            missing.append(number)
    assert not missing, f"README.md quotes numbers no benchmark result or run record holds: {missing}"


def test_readme_table_of_test_writers_is_the_benchmarks():
    result = json.loads((ROOT / "benchmarks" / "results" / "pen_writers_table.json").read_text())
    columns = result["columns"]
    wanted = [
        [str(row[columns.index(name)]) for name in ("writer", "digits", "wrong (strokes)", "wrong (pixels)")]
        + [row[columns.index("served both ways")]]
        for row in result["rows"]
    ]
    readme = (ROOT / "README.md").read_text()
    start = readme.index("| test writer (10 or more digits) |")
    lines = readme[start:].split("\n\n")[0].splitlines()[2:]
    shown = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    assert shown == wanted, "README.md's table of test writers differs from benchmarks/results/pen_writers_table.json"
