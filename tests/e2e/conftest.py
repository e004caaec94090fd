"""Fixtures for the browser tests: Debian's Chromium driven by Playwright, and servers on 127.0.0.1."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"


def chapter_file(name: str) -> Path:
    """The chapter called ``name`` ("drawing_pad"), whatever its number in the reading order."""
    (path,) = (ROOT / "notebooks").glob(f"[0-9][0-9]_{name}.ipynb")
    return path


CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}; see {log}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"nothing listened on port {port} within {seconds} s; see {log}")


@contextmanager
def running_server(command: list[str], port: int, log_name: str, **popen):
    """Start a server, wait until it listens on ``port``, and always stop it afterwards."""
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / log_name
    with open(log, "w") as output:
        server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, **popen)
        try:
            wait_for_port(port, server, log)
            yield
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


def open_and_run_all_cells(page, url: str) -> None:
    """Open a notebook in JupyterLab at ``url``, wait for its kernel, and run all its cells
    with Run > Run All Cells, as a reader would."""
    page.goto(url)
    page.locator(".jp-Notebook .jp-CodeCell .cm-content").first.wait_for(
        timeout=120_000
    )  # rendered markdown hides its editor
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)  # the kernel is ready
    page.locator(".jp-Notebook").first.click()
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click(timeout=30_000)
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click(timeout=30_000)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's chromium is needed at {CHROMIUM}: apt-get install chromium (make test does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    """A fresh page; on failure a screenshot is saved in test-artifacts/ next to the log."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    yield page
    if getattr(request.node, "failed", False):
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"FAILED-{request.node.name}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot of the failure: {path}")
    page.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    if report.when == "call" and report.failed:
        item.failed = True


@pytest.fixture(scope="session")
def lab_root(tmp_path_factory) -> Path:
    """The folder the `jupyterlab` fixture serves: a copy of the chapters in notebooks/; a test may
    write a notebook of its own there, and read back what its kernel writes."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    return root


@pytest.fixture(scope="session")
def jupyterlab(lab_root):
    """JupyterLab serving `lab_root`, a copy of the chapters (quick profile), on a free port with a token."""
    root = lab_root
    port, token = free_port(), "e2e-" + os.urandom(8).hex()
    settings = root / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false", "checkForUpdates": false}')
    env = {
        **os.environ, "DIGITLIB_PROFILE": "quick",
        "JUPYTERLAB_SETTINGS_DIR": str(root / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(root / "lab-workspaces"),  # not ~/.jupyter's: no tabs of other runs
    }  # fmt: skip
    command = [
        sys.executable, "-m", "jupyterlab", "--allow-root", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
    ]  # fmt: skip
    with running_server(command, port, "jupyterlab.log", env=env):
        yield f"http://127.0.0.1:{port}", token


@contextmanager
def voila(notebook: Path, log_name: str):
    """``voila NOTEBOOK`` on a free port with a token (quick profile): yields the page's URL."""
    port, token = free_port(), "e2e-" + os.urandom(8).hex()
    command = [
        sys.executable, "-m", "voila", str(notebook), "--no-browser",
        f"--port={port}", "--Voila.ip=127.0.0.1", f"--token={token}",
    ]  # fmt: skip
    env = {**os.environ, "DIGITLIB_PROFILE": "quick"}
    with running_server(command, port, log_name, cwd=ROOT, env=env):
        yield f"http://127.0.0.1:{port}/?token={token}"


@pytest.fixture(scope="session")
def voila_app():
    """The standalone pad (make app) served by Voila."""
    with voila(ROOT / "app" / "digit_pad.ipynb", "voila.log") as url:
        yield url


@pytest.fixture(scope="session")
def voila_drawing_chapter():
    """The drawing chapter opened on its own, as `voila notebooks/NN_drawing_pad.ipynb` does."""
    with voila(chapter_file("drawing_pad"), "voila-chapter.log") as url:
        yield url


# Voila 0.5's server extension cannot render a notebook's markdown images with Jupyter Server's
# default asynchronous contents manager (its exporter calls file_exists without awaiting it), so
# postBuild configures Binder's server with the synchronous one.
SYNC_CONTENTS = "jupyter_server.services.contents.filemanager.FileContentsManager"


@pytest.fixture(scope="session")
def jupyter_server_with_voila(tmp_path_factory):
    """A Jupyter server over a copy of the repository, as Binder starts it, whose Voila extension
    renders a chapter at /voila/render/notebooks/NAME.ipynb."""
    root = tmp_path_factory.mktemp("binder")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    port, token = free_port(), "e2e-" + os.urandom(8).hex()
    command = [
        sys.executable, "-m", "jupyter_server", "--allow-root", "--no-browser", "--ip=127.0.0.1",
        f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        f"--ServerApp.contents_manager_class={SYNC_CONTENTS}",  # as postBuild configures Binder
    ]  # fmt: skip
    env = {**os.environ, "DIGITLIB_PROFILE": "quick"}
    with running_server(command, port, "jupyter-server.log", env=env):
        yield f"http://127.0.0.1:{port}", token


@pytest.fixture(scope="session")
def built_book():
    """The book as `make book-quick` builds it (quick profile), served over HTTP on a free port."""
    html = ROOT / "_build" / "quick" / "_build" / "html"
    if not (html / "index.html").exists():
        pytest.fail(f"no built book at {html}: run `make book-quick` first (`make e2e` does it)")
    port = free_port()
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(html)]
    with running_server(command, port, "book-server.log"):
        yield f"http://127.0.0.1:{port}"
