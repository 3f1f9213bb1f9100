"""How often jieba keeps a domain term whole, with and without the domain dictionary."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from research.text.tokenize import Tokenizer, _read_list


def checked_terms() -> list[str]:
    """The hand-checked list of domain terms (``research/resources/domain_terms_checked.txt``)."""
    return _read_list("domain_terms_checked.txt")


def _spans(tokens: list[str]) -> set[tuple[int, int]]:
    spans, pos = set(), 0
    for token in tokens:
        spans.add((pos, pos + len(token)))
        pos += len(token)
    return spans


def term_coverage(texts: Iterable[str], terms: list[str] | None = None) -> pd.DataFrame:
    """Per term: occurrences in ``texts`` and how many of them each tokenizer keeps whole
    (a token spans exactly the term)."""
    terms = terms or checked_terms()
    tokenizers = {"with_dictionary": Tokenizer(user_dict=True), "without_dictionary": Tokenizer(user_dict=False)}
    counts = {t: {"term": t, "occurrences": 0, **{k: 0 for k in tokenizers}} for t in terms}
    for text in texts:
        present = [t for t in terms if t in text]
        if not present:
            continue
        spans = {k: _spans(tk.cut(text)) for k, tk in tokenizers.items()}
        longer = [(m, m + len(t)) for t in present for m in _find_all(text, t)]
        for term in present:
            for start in _find_all(text, term):
                end = start + len(term)
                if any(a <= start and end <= b and b - a > end - start for a, b in longer):
                    continue  # inside a longer listed term (基本医疗保险 in 职工基本医疗保险)
                counts[term]["occurrences"] += 1
                for k in tokenizers:
                    counts[term][k] += (start, end) in spans[k]
    return pd.DataFrame(list(counts.values()))


def _find_all(text: str, term: str) -> list[int]:
    out, start = [], text.find(term)
    while start != -1:
        out.append(start)
        start = text.find(term, start + 1)
    return out


def coverage_summary(table: pd.DataFrame) -> dict:
    """Share of occurrences kept whole, and share of terms kept whole at every occurrence."""
    occ = table.occurrences.sum()
    out = {"terms": int(len(table)), "occurrences": int(occ)}
    for k in ("with_dictionary", "without_dictionary"):
        out[f"{k}_occurrences"] = round(float(table[k].sum() / occ), 4) if occ else 0.0
        out[f"{k}_terms"] = round(float((table[k] == table.occurrences).mean()), 4)
    return out
