"""One figure style for the project: CJK font from a pip package, colour-blind-safe palette,
deterministic PNG (300 dpi) and PDF (TrueType fonts embedded) output."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from research import codebook  # noqa: E402

#: Okabe–Ito palette (colour-blind safe), one colour per label in the codebook's order.
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"]
#: Okabe–Ito colours for groups (cities, provinces, ...) and other series (black first).
CITY_COLORS = ["#000000", "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9"]
CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
CJK_FONT_NAME = "Noto Sans CJK SC"


def label_colors() -> dict[str, str]:
    return dict(zip(codebook.codes(), OKABE_ITO))


def label_names(lang: str = "en") -> dict[str, str]:
    return codebook.names(lang, short=True)


def city_name(city: str, names: dict[str, str] | None = None) -> str:
    """Display name of a group (city, province, ...): from ``names`` (built from the study's
    metadata, e.g. its ``city_zh`` column for Chinese figures), else the group value itself."""
    return str((names or {}).get(city, city))


def group_colors(groups: list[str]) -> dict[str, str]:
    """One colour per group in the order given: Okabe–Ito for up to seven groups, then
    matplotlib's tab20 cycle."""
    if len(groups) <= len(CITY_COLORS):
        return dict(zip(groups, CITY_COLORS))
    cmap = plt.get_cmap("tab20")
    return {g: matplotlib.colors.to_hex(cmap(i % 20)) for i, g in enumerate(groups)}


def _register_cjk_font() -> None:
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / CJK_FONT_FILE
    if CJK_FONT_NAME not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(path))


def apply_style() -> None:
    """Set the project's matplotlib style (call before drawing)."""
    _register_cjk_font()
    from cycler import cycler

    plt.rcParams.update({
        "axes.prop_cycle": cycler(color=CITY_COLORS),
        "font.family": "sans-serif",
        "font.sans-serif": [CJK_FONT_NAME, "DejaVu Sans"],
        "axes.unicode_minus": False,
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.hashsalt": "research",
        "figure.dpi": 100,
        "savefig.dpi": 300,
        "savefig.bbox": "tight",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 11,
        "axes.labelsize": 10,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "legend.fontsize": 8,
        "legend.frameon": False,
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
