"""Sphinx extension: always re-read the pages generated from files Sphinx does not track.

The Results page (book/results.md) reads benchmarks/results/*.json when it runs; Sphinx only
re-reads a page whose own source changed, so new benchmark results would otherwise never show.
The page itself sets ``execution_mode: force``, so re-reading it runs it again (it takes a second).
"""

GENERATED_PAGES = ["book/results"]


def _outdated(app, env, added, changed, removed):
    return [page for page in GENERATED_PAGES if page in env.found_docs]


def setup(app):
    app.connect("env-get-outdated", _outdated)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
