# Digit Course: `make book` builds the book, `make test` runs every test.
# Both set everything up first (a virtual environment in .venv and the MNIST data),
# work offline apart from the package registries, and are safe to run again.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Quick profile for the tests: small subsets, one epoch (see book/preface.md).
TEST_ENV := DIGITLIB_PROFILE=quick

# Installs the Debian packages named after it that are missing (needs root), saying why:
#   $(APT_INSTALL) "the browser tests" chromium
APT_INSTALL = install_missing() { why="$$1"; shift; missing=""; \
	for package in "$$@"; do dpkg -s "$$package" >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	[ -z "$$missing" ] && return 0; echo "Installing Debian's$$missing for $$why"; \
	apt-get update -qq && apt-get install -y -qq $$missing >/dev/null || { \
	echo "Could not install$$missing: run 'apt-get install$$missing' as root, then make $@ again"; return 1; }; }; \
	install_missing

.PHONY: help setup data browser web detector book book-quick test lint unit notebooks e2e bench binder-check app clean
.DEFAULT_GOAL := help

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14 | sed 's/^/make /'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
		{ echo "Python 3.10 or newer is needed (found: $$($(PYTHON) --version)); set PYTHON=..."; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstalled only when the requirements change.
$(VENV)/.installed: $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -e '.[dev]'
	touch $@

setup: $(VENV)/.installed data  ## only create .venv and prefetch MNIST

data: $(VENV)/.installed  ## prefetch MNIST (verified) into the cache
	$(BIN)/python -m digitlib.data

# The pad on the book's pages runs ONNX Runtime Web, pinned in package-lock.json; npm comes
# from Debian when it is missing.  `npm ci` writes node_modules/.package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { $(APT_INSTALL) "the book's drawing pad" nodejs npm; }
	npm ci --no-audit --no-fund --ignore-scripts

web: node_modules/.package-lock.json  ## install ONNX Runtime Web for the pages' pad (npm ci)

# Jupyter Book re-executes a chapter only when its code changes; a change in digitlib or in
# the profile must re-execute them all, so the execution cache is keyed on both.
# BOOK_OUT is where _build/ goes: the book itself in ./_build, the tests' quick build in _build/quick.
# Chapters that `make notebooks` executed under nbval with the same key (in BOOK_OUT/_build/executed)
# join the cache first, so that `make test` runs each chapter once (tests/executed_chapters.py).
BOOK_OUT ?= .
DIGITLIB_KEY = $$(find digitlib -type f -not -path '*/__pycache__/*' | sort | xargs sha256sum | sha256sum)
book: setup web  ## set everything up, then build the book into _build/html (full profile)
	@key="$(DIGITLIB_KEY) $${DIGITLIB_PROFILE:-full}"; \
	cache="$(BOOK_OUT)/_build"; executed="$(BOOK_OUT)/_build/executed"; \
	if [ "$$(cat $$cache/.cache-key 2>/dev/null)" != "$$key" ]; then \
		echo "digitlib or the profile changed: clearing the execution cache in $$cache"; \
		rm -rf $$cache/.jupyter_cache; mkdir -p $$cache; echo "$$key" > $$cache/.cache-key; \
	fi; \
	if [ "$$(cat $$executed/.cache-key 2>/dev/null)" = "$$key" ]; then \
		$(BIN)/python -m tests.executed_chapters $$executed $$cache/.jupyter_cache; \
	fi; \
	rm -rf $$executed
	$(BIN)/jupyter-book build --warningiserror --nitpick --keep-going --path-output $(BOOK_OUT) .
	@echo "The book is at $(BOOK_OUT)/_build/html/index.html"

# The book in the quick profile, for the browser tests of the built pages.
book-quick:  ## the book in the quick profile, into _build/quick (for the browser tests)
	$(TEST_ENV) $(MAKE) --no-print-directory book BOOK_OUT=_build/quick

test: setup browser lint unit notebooks e2e  ## set everything up, then run every test (quick profile)

# ruff: lint and formatting of digitlib, tests, benchmarks and the chapters (pyproject.toml,
# notebooks/ruff.toml); `$(BIN)/ruff format .` fixes the formatting.  Then ESLint (pinned in
# package-lock.json, installed by `npm ci`) on the pages' JavaScript in digitlib/web/ (eslint.config.js).
lint: $(VENV)/.installed node_modules/.package-lock.json  ## ruff on the code and the chapters, ESLint on digitlib/web/
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	node_modules/.bin/eslint digitlib/web/

unit: $(VENV)/.installed  ## the unit tests of digitlib and of the book's sources
	$(BIN)/python -m pytest tests

# The browser tests drive Debian's chromium (never a browser downloaded by Playwright).
browser:  ## install Debian's chromium when it is missing
	@command -v chromium >/dev/null 2>&1 || { $(APT_INSTALL) "the browser tests" chromium; }

e2e: book-quick browser  ## the browser tests: JupyterLab, Voila, the built pages
	$(BIN)/python -m pytest -p no:cacheprovider tests/e2e

# The chapters nbval executed are kept for the quick book (`make book-quick`), keyed like its cache.
EXECUTED := _build/quick/_build/executed
notebooks: $(VENV)/.installed  ## every chapter under nbval (quick profile)
	rm -rf $(EXECUTED)
	$(TEST_ENV) EXECUTED_CHAPTERS=$(EXECUTED) $(BIN)/python -m pytest -p tests.executed_chapters \
		--nbval-lax --nbval-current-env --nbval-cell-timeout=600 -p no:cacheprovider notebooks
	@echo "$(DIGITLIB_KEY) quick" > $(EXECUTED)/.cache-key

# Prints the course's numbers and saves them in benchmarks/results/ (the book's Results page).
# benchmarks/suite_timings.py (make test and make book on a fresh clone) is left out: it takes an hour.
# The handwriting benchmarks put the shipped model beside its first stage, trained on MNIST alone.
MNIST_ONLY := "MNIST only=digitlib/weights/digit_cnn_mnist.weights.h5"
bench: setup book-quick  ## print the course's benchmark numbers (into benchmarks/results/)
	$(BIN)/python benchmarks/accuracy.py
	$(BIN)/python benchmarks/pen_writers.py --compare $(MNIST_ONLY)
	$(BIN)/python benchmarks/validation_writers.py
	$(BIN)/python benchmarks/handwriting.py --compare $(MNIST_ONLY)
	$(BIN)/python benchmarks/training.py
	$(BIN)/python benchmarks/pad_latency.py
	$(BIN)/python benchmarks/detector.py
	$(BIN)/python benchmarks/redrawn_accuracy.py
	$(BIN)/python benchmarks/web_pad_latency.py

# The digit detector ("Where it breaks, and what is not a digit"): Debian's fonts it learns
# letters from, then `python -m digitlib.detector`, which trains it (about 2 minutes) and writes the shipped file.
detector: setup  ## install Debian's fonts, then retrain the shipped digit detector
	@$(APT_INSTALL) "the detector's letters" $$($(BIN)/python -m digitlib.nondigits --debian-fonts)
	$(BIN)/python -m digitlib.detector --output digitlib/weights/digit_detector.npz

# What Binder (repo2docker) does, in a fresh virtual environment: install requirements.txt and
# nothing else of ours (repo2docker brings Jupyter itself), run postBuild, then every chapter.
BINDER_VENV := _build/binder-venv
binder-check:  ## install what Binder would into a fresh environment and run every chapter there
	rm -rf $(BINDER_VENV)
	$(PYTHON) -m venv $(BINDER_VENV)
	$(BINDER_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt jupyterlab nbclient
	PATH="$$PWD/$(BINDER_VENV)/bin:$$PATH" bash postBuild
	cd notebooks && $(TEST_ENV) ../$(BINDER_VENV)/bin/jupyter execute --timeout=600 *.ipynb
	@echo "Every chapter ran in an environment made from requirements.txt alone"

# The pad as a standalone web app: open the address Voila prints.
app: setup  ## serve the drawing pad as a page of its own (Voila)
	$(BIN)/voila app/digit_pad.ipynb --no-browser --port=$${PORT:-8866}

clean:  ## remove the build and the virtual environment
	rm -rf _build $(VENV) *.egg-info node_modules
