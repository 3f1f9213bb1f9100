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

# Raw seeds -> corpus -> annotation check -> topic models -> classifier -> figures and tables:
# corpus build; annotations check; topics coverage; topics fit --jobs 2;
# topics fit --seeded --jobs 2; train --jobs 2; report --lang both (one process, see cli.PIPELINE).
pipeline: setup
	$(PY) -m research pipeline

notebooks: setup
	$(PY) -m research notebooks

reproduce: pipeline notebooks

test: setup
	$(PY) -m pytest -q

bench: setup
	$(PY) benchmarks/run.py

clean:
	rm -rf data
