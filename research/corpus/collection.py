"""A collection of documents: the files named or found in folders, and an id for each."""

from __future__ import annotations

import re
from pathlib import Path

from research.corpus.reader import is_supported
from research.text.patterns import CJK


def find_documents(inputs: list[str | Path]) -> list[Path]:
    """Files named, plus every supported file inside named folders (recursively, sorted;
    hidden files left out).  Missing or unsupported files named directly are kept, to be
    reported when they are read."""
    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and is_supported(p)
                                and not p.name.startswith(".")))
        else:
            found.append(path)
    return found


def doc_id_for(path: Path, taken: set[str]) -> str:
    """An id from the file name (word characters, Chinese and '-'), made unique against
    ``taken`` (which it extends)."""
    base = re.sub(rf"[^\w{CJK}-]+", "_", path.stem).strip("_") or "doc"
    doc_id, n = base, 1
    while doc_id in taken:
        n += 1
        doc_id = f"{base}-{n}"
    taken.add(doc_id)
    return doc_id


def is_repeat(doc, seen: dict) -> bool:
    """True, with one warning naming both files, when ``doc``'s normalised text (its
    ``fingerprint``) equals an earlier document's, which is counted instead; else record it."""
    from research.errors import warn

    if doc.fingerprint in seen:
        warn(f"{doc.path}: the same text as {seen[doc.fingerprint]}; counted once")
        return True
    seen[doc.fingerprint] = doc.path
    return False
