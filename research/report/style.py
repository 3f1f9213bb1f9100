"""One figure style for the project: every glyph drawn from font files shipped in Python
packages, by path (:mod:`research.report.fonts`; the same bytes whatever fonts the machine has),
colour-blind-safe palette, deterministic PNG (300 dpi) and PDF (TrueType fonts embedded) output."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from research import codebook  # noqa: E402
from research.errors import ResearchError  # noqa: E402
from research.report.fonts import cjk_font_path  # noqa: E402

#: Okabe–Ito palette (colour-blind safe), one colour per label in the codebook's order.
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"]
#: Okabe–Ito colours for groups (cities, provinces, ...) and other series, darkest first; the
#: pale yellow is left out (hard to see on white) and a dark grey takes the eighth place.
CITY_COLORS = ["#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#666666"]
#: One marker per group, so that groups stay apart in greyscale (open and filled shapes).
GROUP_MARKERS = ["o", "s", "^", "D", "v", "P", "X", "h"]
#: The most groups a figure tells apart by colour and marker; beyond it groups get a row each.
MAX_COLOURED_GROUPS = len(CITY_COLORS)
#: The most groups a figure gives a row each (a page's height); beyond it a figure of shares shows
#: the groups' distribution per area and the residual heatmap the most distinctive groups.
MAX_ROW_GROUPS = 30
#: Print widths in inches: one journal column and two.
ONE_COLUMN, TWO_COLUMNS = 3.5, 7.1
#: The smallest font size at print size (points): every text of a figure is at least this.
MIN_FONT = 7
#: Family names under which the packaged font files are registered (no installed font has them).
CJK_FAMILY = "Research Noto Sans CJK SC"
FALLBACK_FAMILY = "Research DejaVu Sans"


def label_colors() -> dict[str, str]:
    return dict(zip(codebook.codes(), OKABE_ITO))


def label_names(lang: str = "en") -> dict[str, str]:
    return codebook.names(lang, short=True)


def city_name(city: str, names: dict[str, str] | None = None) -> str:
    """Display name of a group (city, province, ...): from ``names`` (built from the study's
    metadata, e.g. its ``city_zh`` column for Chinese figures), else the group value itself."""
    return str((names or {}).get(city, city))


def group_colors(groups: list[str]) -> dict[str, str]:
    """One colour per group in the order given (Okabe–Ito); past :data:`MAX_COLOURED_GROUPS`
    groups, black for all: such figures give each group its own row instead of a colour."""
    if len(groups) <= MAX_COLOURED_GROUPS:
        return dict(zip(groups, CITY_COLORS))
    return {g: CITY_COLORS[0] for g in groups}


def _register(family: str, paths: list[Path]) -> None:
    """Make ``family`` name exactly the font files ``paths`` (each file once, under this name
    only: no system font is called that, so no installed font can take its place)."""
    import dataclasses

    known = {e.fname for e in font_manager.fontManager.ttflist if e.name == family}
    for path in paths:
        if str(path) not in known:
            entry = font_manager.ttfFontProperty(font_manager.get_font(path))
            font_manager.fontManager.ttflist.append(dataclasses.replace(entry, name=family))
    cached = getattr(font_manager.fontManager, "_findfont_cached", None)  # results from before
    if cached is not None:
        cached.cache_clear()


def font_files() -> dict[str, list[Path]]:
    """The files every figure is drawn with, by family: the CJK font shipped in ``mplfonts``
    and, for glyphs it lacks, the DejaVu Sans shipped in matplotlib."""
    dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return {CJK_FAMILY: [cjk_font_path()],
            FALLBACK_FAMILY: [dejavu / f"DejaVuSans{s}.ttf" for s in ("", "-Bold", "-Oblique", "-BoldOblique")]}


def _register_fonts() -> None:
    files = font_files()
    for family, paths in files.items():
        _register(family, paths)
        found = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        if Path(found) != paths[0]:
            raise ResearchError(f"matplotlib draws {family!r} with {found}, not {paths[0]}")


def apply_style() -> None:
    """Set the project's matplotlib style (call before drawing)."""
    _register_fonts()
    from cycler import cycler

    plt.rcParams.update({
        "axes.prop_cycle": cycler(color=CITY_COLORS),
        "font.family": "sans-serif",
        "font.sans-serif": [CJK_FAMILY, FALLBACK_FAMILY],
        "mathtext.fontset": "custom",
        "mathtext.rm": FALLBACK_FAMILY,
        "mathtext.sf": FALLBACK_FAMILY,
        "mathtext.tt": FALLBACK_FAMILY,
        "mathtext.cal": FALLBACK_FAMILY,
        "mathtext.it": f"{FALLBACK_FAMILY}:italic",
        "mathtext.bf": f"{FALLBACK_FAMILY}:bold",
        "axes.unicode_minus": False,
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.hashsalt": "research",
        "figure.dpi": 100,
        "savefig.dpi": 300,
        "savefig.bbox": None,  # the figure's own size: 3.5 or 7.1 inches wide, as drawn
        "figure.constrained_layout.use": True,
        "figure.constrained_layout.h_pad": 0.02,
        "figure.constrained_layout.w_pad": 0.02,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "font.size": MIN_FONT,
        "axes.titlesize": 8,
        "figure.titlesize": 8,
        "figure.labelsize": 8,
        "axes.labelsize": 8,
        "xtick.labelsize": MIN_FONT,
        "ytick.labelsize": MIN_FONT,
        "legend.fontsize": MIN_FONT,
        "legend.title_fontsize": MIN_FONT,
        "legend.frameon": False,
        "lines.linewidth": 0.8,
        "axes.linewidth": 0.6,
        "xtick.major.width": 0.6,
        "ytick.major.width": 0.6,
        "xtick.major.size": 2.5,
        "ytick.major.size": 2.5,
    })


def save_figure(fig, folder: Path, name: str) -> list[Path]:
    """Write ``name.png`` (300 dpi) and ``name.pdf``, without dates, so reruns are identical."""
    from research.atomic import atomic_path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for ext, metadata in (("png", {"Software": None}),
                          ("pdf", {"CreationDate": None, "ModDate": None, "Producer": None,
                                   "Creator": "research"})):
        target = folder / f"{name}.{ext}"
        with atomic_path(target) as tmp:
            fig.savefig(tmp, format=ext, metadata=metadata)
        written.append(target)
    plt.close(fig)
    return written
