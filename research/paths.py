"""Where the project keeps its inputs and derived data."""

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
SEEDS = ROOT / "seeds"
MANIFEST = SEEDS / "manifest.csv"
#: Where derived data, models and reports go; ``RESEARCH_WORKDIR`` moves them (benchmarks use
#: this to run the pipeline without touching the checkout).
WORKDIR = Path(os.environ.get("RESEARCH_WORKDIR", ROOT))
DATA = WORKDIR / "data"
CORPUS = DATA / "corpus"
UNITS = CORPUS / "units.csv"
TABLES = CORPUS / "tables.csv"
CLEANING_REPORT = CORPUS / "cleaning_report.json"
ANNOTATIONS = PACKAGE / "annotations"
GOLD = ANNOTATIONS / "gold.csv"
SECOND_PASS = ANNOTATIONS / "second_pass.csv"
CODEBOOK = PACKAGE / "codebook.yaml"
MODELS = WORKDIR / "models"
REPORTS = WORKDIR / "reports"
