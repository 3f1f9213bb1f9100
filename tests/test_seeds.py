"""The project's copy of the seeds is byte for byte the shared one, as the manifest records."""

from __future__ import annotations

import hashlib

import pytest

from research import paths
from research.corpus.build import read_manifest


def test_manifest_checksums_match_the_files():
    manifest = read_manifest()
    assert len(manifest) == 5
    for row in manifest.itertuples():
        digest = hashlib.sha256((paths.SEEDS / row.file).read_bytes()).hexdigest()
        assert digest == row.sha256, row.file


def test_manifest_describes_every_document():
    manifest = read_manifest()
    assert set(manifest.doc_type) <= {"plan", "report", "fragment"}
    assert set(manifest.script) <= {"simplified", "traditional"}
    lishui = manifest.set_index("doc_id").loc["lishui"]
    assert lishui.doc_type == "fragment" and lishui.title == "" and "浙丽保" in lishui.capture_note
    assert manifest.set_index("doc_id").loc["panjin"].script == "traditional"


@pytest.mark.skipif(not (paths.ROOT.parent / "shared" / "seeds").exists(), reason="no shared/ here")
def test_seeds_equal_the_shared_originals():
    shared = paths.ROOT.parent / "shared" / "seeds"
    for row in read_manifest().itertuples():
        assert (shared / row.file).read_bytes() == (paths.SEEDS / row.file).read_bytes()
