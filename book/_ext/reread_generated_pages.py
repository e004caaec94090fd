"""Sphinx extension for the pages generated from files Sphinx does not track.

The Results page (book/results.md) reads benchmarks/results/*.json when it runs; Sphinx only
re-reads a page whose own source changed, so new benchmark results would otherwise never show.
The page itself sets ``execution_mode: force``, so re-reading it runs it again (it takes a second).

Such a page is a MyST notebook only so that it can run; it is no chapter to open in Binder or
Colab (Colab cannot open a ``.md`` file at all), so its launch buttons are removed.
"""

GENERATED_PAGES = ["book/results"]


def _outdated(app, env, added, changed, removed):
    return [page for page in GENERATED_PAGES if page in env.found_docs]


def _without_launch_buttons(app, pagename, templatename, context, doctree):
    if pagename in GENERATED_PAGES and "header_buttons" in context:
        context["header_buttons"] = [b for b in context["header_buttons"] if b.get("label") != "launch-buttons"]


def setup(app):
    app.connect("env-get-outdated", _outdated)
    # After sphinx-book-theme's add_launch_buttons (priority 501) has added them.
    app.connect("html-page-context", _without_launch_buttons, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
