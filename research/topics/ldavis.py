"""The offline pyLDAvis page of a topic model: ``ldavis.html`` with its script and style
copied beside it (no network), topics numbered as in ``topics.csv``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from research.atomic import write_text
from research.report.fonts import embed_font
from research.errors import ResearchError

LDAVIS_JS = ("d3.v5.min.js", "ldavis.v3.0.0.js", "ldavis.v1.0.0.css")


def write_ldavis(phi: np.ndarray, theta: np.ndarray, docs: list[list[str]], vocab: list[str], out: Path) -> Path:
    """Offline pyLDAvis page in topics.csv's order (``sort_topics=False``), its JavaScript copied
    beside it.  pyLDAvis counts topics from 1 and treats topic 0 as "none selected", so its
    numbering stays; the local copy of its script draws each circle's label minus one, so the
    circles carry topics.csv's numbers (its "Selected Topic" box still counts from 1)."""
    import warnings

    import pyLDAvis

    index = {w: i for i, w in enumerate(vocab)}
    lengths = np.array([max(1, sum(w in index for w in d)) for d in docs])
    freq = np.zeros(len(vocab))
    for d in docs:
        for w in d:
            if w in index:
                freq[index[w]] += 1
    keep = freq > 0
    phi = phi[:, keep] / phi[:, keep].sum(axis=1, keepdims=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        vis = pyLDAvis.prepare(phi, theta, lengths, [w for w, k_ in zip(vocab, keep) if k_], freq[keep],
                               sort_topics=False, n_jobs=1, mds="pcoa")
    js_dir = Path(pyLDAvis.__file__).parent / "js"
    for name in LDAVIS_JS:
        if (js_dir / name).exists():
            text = (js_dir / name).read_text(encoding="utf-8")
            if name.startswith("ldavis.v3"):
                text = _label_from_zero(text)
            write_text(out / name, text)
    page = pyLDAvis.prepared_data_to_html(vis, d3_url="d3.v5.min.js", ldavis_url="ldavis.v3.0.0.js",
                                          ldavis_css_url="ldavis.v1.0.0.css", visid="ldavis_topics")
    write_text(out / "ldavis.html", embed_font(page))  # the page draws Chinese with its own font
    return out / "ldavis.html"


_CIRCLE_LABEL = ".text(function(d) {\n                return d.topics;\n            });"


def _label_from_zero(script: str) -> str:
    """pyLDAvis's script with circle labels drawn as ``topic - 1`` (topics.csv's numbers)."""
    if script.count(_CIRCLE_LABEL) != 1:
        raise ResearchError("pyLDAvis's script changed: cannot renumber its topic labels from 0")
    note = "// research: circle labels show topic - 1, the 0-based numbers of topics.csv\n"
    return note + script.replace(_CIRCLE_LABEL, _CIRCLE_LABEL.replace("d.topics;", "d.topics - 1;"))
