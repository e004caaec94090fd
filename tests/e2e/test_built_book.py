"""The built book in a real browser: every chapter has its title, figures that loaded, and launch buttons."""

import json

import pytest
import yaml

from tests.e2e.conftest import ARTIFACTS, ROOT

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
REPOSITORY = CONFIG["repository"]["url"].removeprefix("https://github.com/")
BRANCH = CONFIG["repository"]["branch"]
CHAPTERS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def chapter_title(path) -> str:
    """The chapter's title: the first cell's heading, below the label that links name it by."""
    first = json.loads(path.read_text())["cells"][0]
    heading = next(line for line in "".join(first["source"]).splitlines() if line.startswith("# "))
    return heading.removeprefix("# ").strip()


def figures_expected(path) -> int:
    """Cells that draw a figure carry alt text in their metadata; markdown images count too."""
    cells = json.loads(path.read_text())["cells"]
    drawn = sum("mystnb" in c["metadata"] for c in cells if c["cell_type"] == "code")
    linked = sum("".join(c["source"]).count("![") for c in cells if c["cell_type"] == "markdown")
    return drawn + linked


def assert_images_loaded(page, minimum: int) -> None:
    images = page.locator("article img")
    page.wait_for_function("() => [...document.querySelectorAll('article img')].every(i => i.complete)")
    states = images.evaluate_all("imgs => imgs.map(i => ({src: i.src, w: i.naturalWidth, alt: i.alt}))")
    broken = [s["src"] for s in states if s["w"] == 0]
    assert not broken, f"images that did not load: {broken}"
    assert len(states) >= minimum, f"expected at least {minimum} figures, found {len(states)}"
    for state in states:
        assert state["alt"].strip() and not state["alt"].endswith(".png"), f"no alt text on {state['src']}"


def test_landing_page(page, built_book):
    page.goto(f"{built_book}/index.html")
    assert page.locator("article h1").first.inner_text().strip()
    for path in CHAPTERS:  # the navigation lists every chapter
        assert page.locator(f"nav a[href*='notebooks/{path.stem}.html']").count() >= 1, path.stem
    assert_images_loaded(page, 0)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "book-landing-page.png"), full_page=True)


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_chapter_page(page, built_book, path):
    page.goto(f"{built_book}/notebooks/{path.stem}.html")
    assert page.locator("article h1").first.inner_text().strip().rstrip("#").strip() == chapter_title(path)
    assert_images_loaded(page, figures_expected(path))
    binder = f"https://mybinder.org/v2/gh/{REPOSITORY}/{BRANCH}?urlpath=lab/tree/notebooks/{path.stem}.ipynb"
    colab = f"https://colab.research.google.com/github/{REPOSITORY}/blob/{BRANCH}/notebooks/{path.stem}.ipynb"
    for link in (binder, colab):
        assert page.locator(f"a[href='{link}']").count() == 1, f"no launch button to {link}"
    external = page.locator("script[src^='http'], link[rel='stylesheet'][href^='http']")
    assert external.count() == 0, "the page loads code from another site; it must work offline"
    if path.stem.endswith("drawing_pad"):
        page.screenshot(path=str(ARTIFACTS / "book-drawing-pad-chapter.png"), full_page=True)


def test_search_finds_a_glossary_term(page, built_book):
    page.goto(f"{built_book}/search.html?q=convolution")
    results = page.locator("#search-results li")
    results.first.wait_for(timeout=30_000)
    assert results.count() >= 3  # the glossary and the chapters that use the word


def test_results_page_shows_every_benchmark(page, built_book):
    records = [json.loads(p.read_text()) for p in sorted((ROOT / "benchmarks" / "results").glob("*.json"))]
    assert records, "no benchmark results in benchmarks/results/: run make bench"
    page.goto(f"{built_book}/book/results.html")
    assert page.locator("article table").count() == len(records)
    # Sphinx's smartquotes turn ' into ’ in rendered text
    text = page.locator("article").inner_text().replace("\u2019", "'")
    for record in records:
        assert record["title"] in text and record["command"] in text, record["title"]
