# Commands on a fresh machine (Python 3.11+ and make):
#   make book   install everything pinned into .venv, then build the HTML book (strict)
#   make test   install everything pinned into .venv, then run the tests
#   make lab    install everything pinned into .venv, then open the chapters in JupyterLab
#   make pdf    the whole book as one PDF (_build/pdf/book.pdf), printed by the system Chromium
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BUILD_FLAGS := --all -W -n --keep-going

.PHONY: book pdf test lint lab site-check bench lock clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable ".[book,test,lab]"
	touch $(STAMP)

book: $(STAMP)
	DLNOTES_QUIET=1 $(BIN)/jupyter-book build . $(BUILD_FLAGS)

# The whole book as one PDF: the single-page HTML build (outputs from the execution cache that
# `make book` shares: only what it lacks runs) printed by the system Chromium once MathJax has
# typeset it (_ext/book_pdf.py). The next `make book` copies it to _build/html/book.pdf and offers
# it in every page's download menu.
pdf: $(STAMP)
	DLNOTES_QUIET=1 $(BIN)/jupyter-book build . --builder singlehtml -n --keep-going
	$(BIN)/python _ext/book_pdf.py _build/singlehtml _build/pdf/book.pdf

# In random order (pytest-randomly): the seed is printed, `make test SEED=N` repeats that order;
# DLNOTES_TEST_THREADS=N sets torch's threads (default 1, see tests/conftest.py).
test: $(STAMP)
	@seed=$${SEED:-$$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}; \
	  echo "tests in random order: --randomly-seed=$$seed (repeat with make test SEED=$$seed)"; \
	  $(BIN)/python -m pytest -q -p randomly --randomly-seed=$$seed

# ruff: lint (pyflakes, pycodestyle, bugbear, pyupgrade, import order) and formatting, as
# configured in pyproject.toml; `ruff format .` and `ruff check --fix .` apply them.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# JupyterLab on the chapters. .jupyter/labconfig makes a double-clicked .md chapter open as a
# notebook (jupytext); jupyterlab-myst renders its MyST (equations and their numbers, directives).
lab: $(STAMP)
	JUPYTER_CONFIG_PATH="$(CURDIR)/.jupyter$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	  $(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" chapters/intro.md

# The built site in headless Chromium (needs `make book` first): math typeset, no error output,
# nothing clipped at desktop and phone width, figures legible, every .ipynb download plain Jupyter,
# every API entry linked to its source; and the PDF (make pdf) read back: contents, every chapter.
site-check: $(STAMP)
	DLNOTES_REQUIRE_SITE=1 $(BIN)/python -m pytest -q tests/book/test_site.py tests/book/test_layout.py tests/book/test_downloads.py \
	  tests/book/test_viewcode.py tests/book/test_pdf.py

# `make bench TOPIC=backprop` (or mobilenet, sphere)
bench: $(STAMP)
	$(BIN)/python -m dlnotes.bench $(TOPIC)

# Re-resolve constraints.txt from what is installed in .venv.
lock: $(STAMP)
	{ echo "# Exact versions for every install of this project (make book, make test, .ci/run)."; \
	  echo "# Regenerate with: make lock   (torch stays pinned to the CPU wheel 2.13.0)"; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^dlnotes' | sed 's/^torch==2.13.0+cpu$$/torch==2.13.0/'; } > constraints.txt

clean:
	rm -rf _build
