"""The collector in a real browser: labelled drawings made with a real mouse in JupyterLab, saved to a file."""

import re

import nbformat

from digitlib.drawings import load_drawings
from digitlib.made_drawings import example_strokes
from tests.e2e.conftest import ARTIFACTS, chapter_file, open_and_run_all_cells
from tests.e2e.drawing import draw

NOTEBOOK = "e2e_collector.ipynb"
WORKSPACE = "e2e-collector"
DRAWINGS_FILE = "e2e-drawings.jsonl"  # relative to the notebook, where its kernel starts
SAVES = 3
PROMPT = ".digit-collector-prompt"
PREDICTION = ".digit-collector .digit-pad-prediction"
COUNTS = ".digit-collector-counts"
MESSAGE = ".digit-collector-message"
TEXT_OF = "selector => (document.querySelector(selector)?.textContent ?? '').trim()"


def write_notebook(path) -> None:
    """The chapters' set-up cell, then a collector writing to DRAWINGS_FILE."""
    chapter = nbformat.read(chapter_file("drawing_pad"), as_version=4)
    setup = chapter.cells[2].source
    assert "setup_notebook()" in setup, "the drawing chapter's third cell is no longer the set-up cell"
    notebook = nbformat.v4.new_notebook(metadata=chapter.metadata)
    notebook.cells = [
        nbformat.v4.new_code_cell(setup),
        nbformat.v4.new_code_cell(
            "from digitlib.draw import DigitCollector\n\n"
            f'collector = DigitCollector("{DRAWINGS_FILE}", seed=0)\n'
            "collector"
        ),
    ]
    nbformat.write(notebook, path)


def wait_for_text(page, selector: str, condition: str, arg, timeout: int = 30_000) -> None:
    """Wait until ``condition``, JavaScript in ``text`` (the text of ``selector``) and ``arg``, holds."""
    page.wait_for_function(
        f"([selector, arg]) => {{ const text = ({TEXT_OF})(selector); return {condition}; }}",
        arg=[selector, arg],
        timeout=timeout,
    )


def test_label_and_save_drawings_in_jupyterlab(page, jupyterlab, lab_root):
    url, token = jupyterlab
    drawings_file = lab_root / DRAWINGS_FILE
    drawings_file.unlink(missing_ok=True)
    write_notebook(lab_root / NOTEBOOK)
    # a workspace of its own, so that neither this test nor the chapters' tests find the other's notebook open
    open_and_run_all_cells(page, f"{url}/lab/workspaces/{WORKSPACE}/tree/{NOTEBOOK}?token={token}")
    collector = page.locator(".digit-collector").first
    collector.wait_for(timeout=300_000)
    canvas = collector.locator(".digit-pad canvas").first
    canvas.wait_for(timeout=60_000)
    canvas.scroll_into_view_if_needed()
    counts = collector.locator(f"{COUNTS} td b")
    assert page.evaluate(TEXT_OF, PREDICTION) == ""
    assert [int(n) for n in counts.all_inner_texts()] == [0] * 10

    prompted = []
    for number in range(1, SAVES + 1):
        digit = collector.locator(f"{PROMPT} b").inner_text().strip()
        assert re.fullmatch(r"[0-9]", digit), f"no digit in the prompt {collector.locator(PROMPT).inner_text()!r}"
        prompted.append(int(digit))
        draw(page, canvas, example_strokes()[int(digit)])
        wait_for_text(page, PREDICTION, "text === arg", digit)  # the kernel has the strokes and reads them right
        if number == SAVES:
            ARTIFACTS.mkdir(exist_ok=True)
            collector.screenshot(path=str(ARTIFACTS / "collector-in-jupyterlab.png"))
        before = collector.locator(COUNTS).inner_text()
        collector.get_by_role("button", name="Save").click()
        saved = f"Saved {'an' if digit == '8' else 'a'} {digit} to {DRAWINGS_FILE}."
        wait_for_text(page, MESSAGE, "text === arg", saved)
        wait_for_text(page, COUNTS, "text !== arg", before)
        wait_for_text(page, PROMPT, "text.slice(-1) !== arg", digit)  # a round of ten asks no digit twice
        wait_for_text(page, PREDICTION, "text === ''", None)  # the pad was cleared for the next digit
        expected = [prompted.count(d) for d in range(10)]
        assert [int(n) for n in counts.all_inner_texts()] == expected
        assert DRAWINGS_FILE in collector.locator(MESSAGE).inner_text()

    # Save on the empty pad: nothing stored, the question kept
    prompt = collector.locator(PROMPT).inner_text()
    collector.get_by_role("button", name="Save").click()
    wait_for_text(page, MESSAGE, "text.startsWith('Nothing to save')", None)
    assert collector.locator(PROMPT).inner_text() == prompt
    assert [int(n) for n in counts.all_inner_texts()] == [prompted.count(d) for d in range(10)]

    drawings = load_drawings(drawings_file)
    assert [label for _, label in drawings] == prompted
    for (strokes, label), digit in zip(drawings, prompted):
        template = example_strokes()[digit]
        assert len(strokes) == len(template), f"a {label} drawn in {len(template)} strokes was saved in {len(strokes)}"
        for stroke, drawn in zip(strokes, template):
            assert len(stroke) >= 4 * len(drawn), f"a stroke of a {label} holds only {len(stroke)} points"
            for (x, y), (tx, ty) in [(stroke[0], drawn[0]), (stroke[-1], drawn[-1])]:
                assert abs(x - tx) <= 2 and abs(y - ty) <= 2, f"a {label} saved at {(x, y)} was drawn at {(tx, ty)}"
