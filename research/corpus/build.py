"""``corpus build``: the seeds' corpus, from the documents their manifest lists and checksums."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from research import paths
from research.corpus.stage import CorpusResult, corpus_stage
from research.errors import InputError

MANIFEST_COLUMNS = ("file", "sha256", "doc_id", "city_pinyin")


def read_manifest(path: Path = paths.MANIFEST) -> pd.DataFrame:
    """The seed manifest, one row per source document."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise InputError(f"{path}: not a UTF-8 CSV manifest ({type(err).__name__})") from None


def manifest_documents(seeds: Path = paths.SEEDS) -> list[tuple[Path, str, str]]:
    """``(path, doc_id, city)`` of every document ``seeds/manifest.csv`` lists, each checked
    against its recorded checksum (seeds are read-only)."""
    manifest_path = Path(seeds) / "manifest.csv"
    if not manifest_path.exists():
        raise InputError(f"{manifest_path}: no such file (a corpus folder needs a manifest.csv)")
    manifest = read_manifest(manifest_path)
    missing = [c for c in MANIFEST_COLUMNS if c not in manifest.columns]
    if missing:
        raise InputError(f"{manifest_path}: missing column(s) {', '.join(missing)}")
    documents = []
    for row in manifest.itertuples():
        path = Path(seeds) / row.file
        if not path.is_file():
            raise InputError(f"{path}: listed in {manifest_path} but missing")
        if hashlib.sha256(path.read_bytes()).hexdigest() != row.sha256:
            raise InputError(f"{path}: checksum differs from seeds/manifest.csv (seeds are read-only)")
        documents.append((path, row.doc_id, row.city_pinyin))
    return documents


def build_corpus(seeds: Path = paths.SEEDS, out: Path = paths.CORPUS, jobs: int = 1) -> CorpusResult:
    """The corpus files of the documents ``seeds/manifest.csv`` lists, in ``out``; every
    document must be readable (an unreadable one is an error, and nothing is written)."""
    return corpus_stage(manifest_documents(seeds), out, jobs=jobs, root=Path(seeds), strict=True)
