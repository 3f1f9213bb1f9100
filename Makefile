# make reproduce: set up .venv, then run the whole pipeline and every notebook.
# make test:      set up .venv, then run the tests.
# make bench:     set up .venv, then run the benchmarks (writes benchmarks/results.json).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: setup pipeline reproduce notebooks test bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[test]"
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

setup: $(STAMP)

# Raw seeds -> corpus -> annotation check -> topic models -> classifier -> figures and tables.
pipeline: setup
	$(PY) -m research corpus build
	$(PY) -m research annotations check
	$(PY) -m research topics coverage
	$(PY) -m research topics fit --jobs 2
	$(PY) -m research topics fit --seeded --jobs 2
	$(PY) -m research train --jobs 2
	$(PY) -m research report --lang both

notebooks: setup
	$(PY) -m research notebooks

reproduce: pipeline notebooks

test: setup
	$(PY) -m pytest -q

bench: setup
	$(PY) benchmarks/run.py

clean:
	rm -rf data
