"""Topic models: exact repeatability, seeded topics, dictionary coverage."""

from __future__ import annotations

import json

import pandas as pd

from research.topics.fit import fit_topics, write_coverage


def _files(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_fitting_twice_gives_identical_files(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    fit_topics(k=6, out=first)
    fit_topics(k=6, out=second)
    a, b = _files(first), _files(second)
    assert set(a) == set(b)
    expected = {"k_selection.csv", "topics.csv", "doc_topics.csv", "city_prevalence.csv", "representative_units.csv",
                "topic_areas.csv", "area_prevalence.csv", "summary.json", "ldavis.html"}
    assert expected <= {p.name for p in a}
    for name in a:
        assert a[name] == b[name], name
    prevalence = pd.read_csv(first / "city_prevalence.csv")
    assert ((prevalence.ci_low <= prevalence.share) & (prevalence.share <= prevalence.ci_high)).all()
    html = (first / "ldavis.html").read_text(encoding="utf-8")
    assert "https://" not in html and "ldavis.v3.0.0.js" in html


def test_seeded_topics_follow_their_seed_terms(tmp_path):
    summary = fit_topics(seeded=True, out=tmp_path)
    assert summary["topic_labels"][:8] == ["multi_tier", "benefits", "financing", "payment",
                                          "supervision", "supply", "service", "other"]
    words = pd.read_csv(tmp_path / "topics.csv")
    top = {t: set(g[g["rank"] <= 10].word) for t, g in words.groupby("topic")}
    assert {"基金监管", "欺诈骗保"} <= top[4]
    assert {"集中带量采购", "医疗服务价格"} <= top[5]
    assert json.loads((tmp_path / "summary.json").read_text())["seeded"] is True


def test_domain_dictionary_keeps_terms_whole(tmp_path):
    summary = write_coverage(tmp_path)
    assert summary["terms"] >= 60
    assert summary["with_dictionary_occurrences"] > 0.9
    assert summary["without_dictionary_occurrences"] < 0.5
