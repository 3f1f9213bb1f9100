# make reproduce: set up .venv, then run the whole pipeline and every notebook.
# make test:      set up .venv, then run the tests.
# make bench:     set up .venv, then run the benchmarks (benchmarks/results.json).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup reproduce pipeline notebooks test bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

setup: $(STAMP)

pipeline: setup
	$(PY) -m research corpus build
	$(PY) -m research annotations check

reproduce: pipeline

test: setup
	$(PY) -m pytest -q

bench: setup
	$(PY) benchmarks/run.py

clean:
	rm -rf data
