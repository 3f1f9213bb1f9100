"""One font for every output, by file: figures are the same bytes whether or not the machine has
a CJK font of its own (Debian's fonts-noto-cjk calls itself "Noto Sans CJK SC" too), and pages
carry a subset of the same font."""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from research import paths

from fonthide import cjk_font_dirs, hidden, why_not_hidden

#: Draws the seeds' emphasis figure (committed table) in Chinese and English into argv[1].
DRAW = """
import sys
from pathlib import Path
import pandas as pd
from research import paths
from research.report.figures import emphasis_figure
from research.report.groups import make_groups
from research.report.style import apply_style, save_figure
apply_style()
shares = pd.read_csv(paths.ROOT / "reports" / "tables" / "emphasis.csv")[["group", "area", "share", "ci_low", "ci_high"]]
sizes = pd.DataFrame({"group": sorted(shares.group.unique()), "documents": 1, "units": 50})
names = {"Binzhou": "滨州", "Panjin": "盘锦"}  # Chinese and Latin glyphs in both figures
for lang in ("zh", "en"):
    groups = make_groups(sizes, "city", lang, names)
    save_figure(emphasis_figure(shares, lang=lang, groups=groups), Path(sys.argv[1]), lang)
"""


def _draw(out: Path, tmp: Path, wrap=lambda argv: argv) -> dict[str, bytes]:
    config = tmp / f"mpl-{out.name}"  # a fresh font list, as on a new machine
    env = {**os.environ, "MPLCONFIGDIR": str(config)}
    result = subprocess.run(wrap([sys.executable, "-c", DRAW, str(out)]), capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "findfont" not in result.stderr, result.stderr  # no font fell back to another
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_figures_are_drawn_with_the_packaged_files():
    from matplotlib import font_manager, rcParams

    from research.report.fonts import cjk_font_path
    from research.report.style import CJK_FAMILY, FALLBACK_FAMILY, apply_style, font_files

    apply_style()
    assert font_files()[CJK_FAMILY] == [cjk_font_path()]
    for family, files in font_files().items():
        found = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        assert Path(found) == files[0] and files[0].is_file()
        assert all(Path(e.fname) in files for e in font_manager.fontManager.ttflist if e.name == family)
    assert cjk_font_path().parent.parent.name == "mplfonts"
    assert list(rcParams["font.sans-serif"]) == [CJK_FAMILY, FALLBACK_FAMILY]


def test_figures_are_the_same_bytes_with_and_without_system_cjk_fonts(tmp_path):
    reason = why_not_hidden()
    if reason:
        pytest.skip(reason)
    system = _draw(tmp_path / "system", tmp_path)
    assert set(system) == {"zh.png", "zh.pdf", "en.png", "en.pdf"}
    listed = subprocess.run(hidden(["fc-list", ":lang=zh"]), capture_output=True, text=True)
    assert listed.returncode == 0 and not listed.stdout.strip(), listed.stdout[:500]
    bare = _draw(tmp_path / "bare", tmp_path, wrap=hidden)
    changed = [name for name in system if system[name] != bare[name]]
    assert not changed, f"{changed} differ when the system's CJK fonts ({cjk_font_dirs()}) are hidden"


def test_pages_embed_a_subset_of_the_packaged_font_covering_their_text():
    from fontTools.ttLib import TTFont

    from research.report import fonts

    page = ("<html><head><title>t</title></head><body><p>城市医疗保障“十四五”规划 Binzhou 2021</p>"
            "<script>var data = {\"term\": [\"\\u533b\\u4fdd\\u652f\\u4ed8\"]};</script></body></html>")
    embedded = fonts.embed_font(page)
    assert embedded.index("@font-face") < embedded.index("</head>")
    assert f'font-family:"{fonts.PAGE_FAMILY}"' in embedded and "url(data:font/woff;base64," in embedded
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", embedded).group(1))
    font = TTFont(io.BytesIO(data))
    cmap = font.getBestCmap()
    shown = set("城市医疗保障“十四五”规划Binzhou2021") | set("医保支付")  # text and JSON (escaped) strings
    assert {ord(c) for c in shown} <= set(cmap)
    assert len(cmap) < 200 and len(data) < 200_000  # a subset, not the 16 MB font
    fonts.subset_font.cache_clear()
    assert fonts.embed_font(page) == embedded  # the same bytes every time


def test_the_report_page_uses_the_embedded_font(tmp_path):
    from research.study.page import write_page

    study = tmp_path / "study"
    (study / "tables").mkdir(parents=True)
    (study / "tables" / "documents.csv").write_text("doc_id,city,title\nd1,Binzhou,滨州市医疗保障规划\n",
                                                    encoding="utf-8")
    summary = {"by": "city", "groups": ["Binzhou"], "label_sources": {"human": 3}, "documents": 1, "units": 3,
               "metadata": "inferred"}
    text = write_page(study, summary).read_text(encoding="utf-8")
    assert "@font-face" in text and "滨州市医疗保障规划" in text
    assert '"Noto Sans CJK SC"' not in text  # does not rely on an installed font's name
