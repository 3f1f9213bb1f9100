"""Where the project keeps its inputs and derived data.

Two kinds of location:

* read-only inputs shipped in the checkout: ``SEEDS``, ``ANNOTATIONS`` (and the codebook) and
  ``SHIPPED_MODELS`` (the committed classifier files, metrics and predictions);
* derived outputs under ``WORKDIR``: ``DATA`` (git-ignored), ``MODELS`` (where ``train`` writes
  and where commands read the classifier) and ``REPORTS``.

``WORKDIR`` is the checkout unless ``RESEARCH_WORKDIR`` names another folder; the tests and the
benchmarks set it to a temporary folder (with a copy of ``SHIPPED_MODELS`` in it) so that they
never write into the checkout.  Modules read these names when imported, so the variable must be
set before ``research`` is imported.
"""

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent

# Read-only inputs.
SEEDS = ROOT / "seeds"
MANIFEST = SEEDS / "manifest.csv"
ANNOTATIONS = PACKAGE / "annotations"
GOLD = ANNOTATIONS / "gold.csv"
SECOND_PASS = ANNOTATIONS / "second_pass.csv"
CODEBOOK = PACKAGE / "codebook.yaml"
SHIPPED_MODELS = ROOT / "models"

# Derived outputs.
WORKDIR = Path(os.environ.get("RESEARCH_WORKDIR") or ROOT).resolve()
DATA = WORKDIR / "data"
CORPUS = DATA / "corpus"
UNITS = CORPUS / "units.csv"
TABLES = CORPUS / "tables.csv"
CLEANING_REPORT = CORPUS / "cleaning_report.json"
MODELS = WORKDIR / "models"
REPORTS = WORKDIR / "reports"


def isolated() -> bool:
    """True when derived outputs go somewhere other than the checkout."""
    return WORKDIR != ROOT.resolve()
