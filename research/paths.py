"""Where the project keeps its inputs and derived data."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
SEEDS = ROOT / "seeds"
MANIFEST = SEEDS / "manifest.csv"
DATA = ROOT / "data"
CORPUS = DATA / "corpus"
UNITS = CORPUS / "units.csv"
TABLES = CORPUS / "tables.csv"
CLEANING_REPORT = CORPUS / "cleaning_report.json"
ANNOTATIONS = PACKAGE / "annotations"
GOLD = ANNOTATIONS / "gold.csv"
SECOND_PASS = ANNOTATIONS / "second_pass.csv"
CODEBOOK = PACKAGE / "codebook.yaml"
MODELS = ROOT / "models"
REPORTS = ROOT / "reports"
