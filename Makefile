# make reproduce: set up .venv, run the study of seeds/ into reports/ and the notebooks with the
#                 committed models/, then retrain into a temporary folder and check that it gives
#                 the committed models' predictions (git status stays clean).
# make models:    retrain the shipped classifiers (models/): an explicit step; commit its output.
# make test:      set up .venv, then run the tests but the slow ones (make test-all: all of them).
# make lab:       install JupyterLab, register the project's kernel, open notebooks/.
# make lock:      re-resolve pyproject.toml's ranges into requirements.lock (make setup installs it).
# make bench:     set up .venv, then run the benchmarks (writes benchmarks/results.json; PARTS="startup batch" runs some).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
LOCK := requirements.lock
LAB_LOCK := requirements-lab.lock
PIP := $(PY) -m pip install --quiet --disable-pip-version-check
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)

.PHONY: setup lock lab reproduce models check-models notebooks test test-all bench clean

# The locked versions (every package pinned, with hashes), then the project itself, editable,
# with nothing more (its build backend, setuptools, is in the lock).  Then every module is
# compiled once, in parallel (compileall -j 0, about 20 s on 2 cores; pip's own compiling, one
# file at a time, took a third of the install): where PYTHONDONTWRITEBYTECODE is set, Python
# would otherwise compile each module it imports again at every start of every command.
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) --no-compile --require-hashes -r $(LOCK)
	$(PIP) --no-deps --no-build-isolation -e .
	$(PY) -m compileall -q -j 0 $(VENV)/lib research > /dev/null
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

setup: $(STAMP)

# JupyterLab (the `lab` extra, locked in $(LAB_LOCK) with the same versions as $(LOCK)) and a
# kernel named "research" that runs this .venv's Python, for this JupyterLab and for any other
# Jupyter or editor of this user.
LAB_STAMP := $(VENV)/.lab-$(shell cat pyproject.toml $(LAB_LOCK) | cksum | cut -d' ' -f1)
$(LAB_STAMP): $(STAMP) $(LAB_LOCK)
	$(PIP) --no-compile --require-hashes -r $(LAB_LOCK)
	$(PY) -m ipykernel install --user --name research --display-name "Python 3 (research)"
	@rm -f $(VENV)/.lab-* && touch $(LAB_STAMP)

# Re-resolve pyproject.toml's ranges into the two lock files (exact versions and the hashes of
# every file PyPI has for them, Python 3.11 on x86-64 Linux), with uv in a throwaway venv.
# Pins already in the files are kept where the ranges allow (`make lock UPGRADE=1`: newest
# versions). Commit both; `make setup` then installs them.
UV_VERSION := 0.13.8
LOCK_FLAGS := --generate-hashes --allow-unsafe --python-version 3.11 --python-platform x86_64-manylinux_2_28 \
  --custom-compile-command "make lock" --quiet $(if $(UPGRADE),--upgrade)
lock:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  $(PYTHON) -m venv "$$tmp/venv" && "$$tmp/venv/bin/python" -m pip install --quiet "uv==$(UV_VERSION)" && \
	  "$$tmp/venv/bin/uv" pip compile pyproject.toml --extra test $(LOCK_FLAGS) -o $(LOCK) && \
	  "$$tmp/venv/bin/uv" pip compile pyproject.toml --extra test --extra lab -c $(LOCK) $(LOCK_FLAGS) -o $(LAB_LOCK)

lab: $(LAB_STAMP)
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=notebooks --MappingKernelManager.default_kernel_name=research \
	  $(if $(filter 0,$(shell id -u)),--allow-root)

# The committed reports/: one study of seeds/ with their metadata and gold labels (corpus ->
# labels -> topics -> emphasis -> independence -> evaluation of the committed classifier ->
# outputs); the notebooks read it.
STUDY_SEEDS := study seeds --meta seeds/manifest.csv --out reports --no-notebooks

notebooks: setup
	$(PY) -m research notebooks

# Retrain the shipped classifier and its leave-one-city-out evaluation into models/ (an explicit
# step; commit its output), then the validation simulation on its predictions (and the card again).
models: setup
	$(PY) -m research corpus build
	$(PY) -m research train --jobs 2
	$(PY) -m research validate simulate

# Retrain into a temporary folder (its own corpus, nothing carried over) and compare predictions
# with the committed models/.
check-models: setup
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	  RESEARCH_WORKDIR="$$tmp" $(PY) -m research corpus build && \
	  RESEARCH_WORKDIR="$$tmp" $(PY) -m research train --jobs 2 && \
	  $(PY) -m research.reproduce "$$tmp/models" models --units "$$tmp/data/corpus/units.csv"

# Everything derived from seeds/ with the committed models (training floats are not byte-identical
# across machines, so models/ changes only through `make models`), then the retraining check.
reproduce: setup
	$(PY) -m research $(STUDY_SEEDS)
	$(PY) -m research notebooks
	$(MAKE) --no-print-directory check-models

# Random order (pytest-randomly prints its seed; `pytest --randomly-seed=N` repeats an order, `-p no:randomly` turns it off);
# the slowest tests are listed so that SLOW_TESTS in tests/conftest.py can be kept up to date.
# The tests start with the numeric kernels pinned (research/numerics.py): pytest's plugins load
# numpy before a test imports research.
PINS = $$($(PY) -c 'from research.numerics import as_shell; print(as_shell())')
test: setup
	env $(PINS) $(PY) -m pytest -q -m "not slow" --durations=5

test-all: setup
	env $(PINS) $(PY) -m pytest -q --durations=10

bench: setup
	$(PY) benchmarks/run.py $(PARTS)

clean:
	rm -rf data
