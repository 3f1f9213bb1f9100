"""Figures of covariate effects, like R's ``plot.estimateEffect``: the expected share at each level
of a categorical term (``pointestimate``), each level's difference from the reference level
(``difference``) and a numeric term's curve (``continuous``), one panel per area or topic, with
95% intervals.  Each function takes the effects stage's tables (one view) and returns a figure
at most 7.1 in wide, drawn in the project's style (:mod:`research.report.style`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import matplotlib.pyplot as plt

from research.report.style import OKABE_ITO, TWO_COLUMNS as WIDTH, label_names

TEXT = {"en": {"difference": "difference in expected share (95% interval)", "share": "expected share",
               "marked": "few documents: no interval", "per": "per unit"},
        "zh": {"difference": "预期占比之差（95% 区间）", "share": "预期占比", "marked": "文件过少：不给区间",
               "per": "每单位"}}


def _name(outcome: str, lang: str) -> str:
    return label_names(lang).get(outcome, outcome)


def difference_figure(effects: pd.DataFrame, lang: str = "en", width: float = WIDTH) -> plt.Figure:
    """Each term's effect (level minus reference, or per unit) on each outcome: points with
    95% intervals, one column of panels per term; marked rows drawn hollow without interval."""
    t = TEXT[lang]
    contrasts = list(dict.fromkeys(zip(effects.term, effects.contrast)))
    outcomes = list(dict.fromkeys(effects.outcome))
    cols = min(3 if width > 5 else 1, len(contrasts))
    rows = int(np.ceil(len(contrasts) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(width, 0.6 + rows * (0.55 + 0.2 * len(outcomes))),
                             sharey=True, squeeze=False)
    y = np.arange(len(outcomes))
    for ax, (term, contrast) in zip(axes.flat, contrasts):
        sub = effects[(effects.term == term) & (effects.contrast == contrast)].set_index("outcome").reindex(outcomes)
        ok = sub.ci_low.notna().to_numpy()
        ax.axvline(0, color="#999999", lw=0.8)
        ax.errorbar(sub.estimate[ok], y[ok], xerr=[sub.estimate[ok] - sub.ci_low[ok], sub.ci_high[ok] - sub.estimate[ok]],
                    fmt="o", ms=3.5, lw=0.9, capsize=2, color=OKABE_ITO[4])
        ax.plot(sub.estimate[~ok], y[~ok], "o", ms=3.5, mfc="white", color=OKABE_ITO[5],
                label=t["marked"] if (~ok).any() else None)
        ax.set_title(f"{term}: {t['per'] if contrast == 'per unit' else contrast}", fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
        if (~ok).any():
            ax.legend(loc="lower right", fontsize=7)
    for ax in axes.flat[len(contrasts):]:
        ax.set_visible(False)
    axes[0, 0].set_yticks(y, [_name(o, lang) for o in outcomes])
    axes[0, 0].invert_yaxis()
    fig.supxlabel(t["difference"], fontsize=9)
    return fig


def levels_figure(levels: pd.DataFrame, term: str, lang: str = "en", width: float = WIDTH) -> plt.Figure:
    """Expected share of each outcome at each level of ``term``, with 95% intervals."""
    t = TEXT[lang]
    sub = levels[levels.term == term]
    outcomes = list(dict.fromkeys(sub.outcome))
    names = list(dict.fromkeys(sub.level.astype(str)))
    fig, ax = plt.subplots(figsize=(width, 1.2 + 0.28 * len(outcomes) * max(1, len(names) / 3)))
    offsets = np.linspace(-0.3, 0.3, len(names)) if len(names) > 1 else [0.0]
    for k, (level, dy) in enumerate(zip(names, offsets)):
        part = sub[sub.level.astype(str) == level].set_index("outcome").reindex(outcomes)
        y = np.arange(len(outcomes)) + dy
        ok = part.ci_low.notna().to_numpy()
        color = OKABE_ITO[k % len(OKABE_ITO)]
        ax.errorbar(part.estimate[ok], y[ok], xerr=[part.estimate[ok] - part.ci_low[ok], part.ci_high[ok] - part.estimate[ok]],
                    fmt="o", ms=3.5, lw=0.9, capsize=2, color=color, label=f"{term} = {level}")
        ax.plot(part.estimate[~ok], y[~ok], "o", ms=3.5, mfc="white", color=color)
    ax.set_yticks(np.arange(len(outcomes)), [_name(o, lang) for o in outcomes])
    ax.invert_yaxis()
    ax.set_xlabel(t["share"])
    ax.legend(loc="lower right")
    return fig


def curve_figure(curves: pd.DataFrame, term: str, lang: str = "en", width: float = WIDTH) -> plt.Figure:
    """Expected share of each outcome along ``term``'s observed range, with a 95% band."""
    t = TEXT[lang]
    sub = curves[curves.term == term]
    outcomes = list(dict.fromkeys(sub.outcome))
    cols = 4 if width > 5 else 2
    rows = int(np.ceil(len(outcomes) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(width, 0.4 + 1.55 * rows), sharex=True, squeeze=False)
    for ax, outcome in zip(axes.flat, outcomes):
        part = sub[sub.outcome == outcome].sort_values("value")
        ax.fill_between(part.value, part.ci_low, part.ci_high, color=OKABE_ITO[1], alpha=0.35, lw=0)
        ax.plot(part.value, part.estimate, color=OKABE_ITO[4], lw=1.2)
        ax.set_title(_name(outcome, lang), fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes.flat[len(outcomes):]:
        ax.set_visible(False)
    fig.supxlabel(term, fontsize=9)
    fig.supylabel(t["share"], fontsize=9)
    return fig


def effects_figures(effects: pd.DataFrame, levels: pd.DataFrame, curves: pd.DataFrame, lang: str = "en",
                    width: float = WIDTH):
    """Every effects figure of a study: (file name, figure) pairs, per view (``areas``,
    ``topics``, ``seeded topics``): the differences, then each categorical term's levels and
    each numeric term's curve."""
    for view in dict.fromkeys(effects.view):
        slug = view.replace(" ", "_")
        sub = effects[effects.view == view]
        if sub.estimate.notna().any():
            yield f"effects_{slug}", difference_figure(sub, lang, width)
        for term in dict.fromkeys(levels[levels.view == view].term):
            yield f"effects_{slug}_levels_{term}", levels_figure(levels[levels.view == view], term, lang, width)
        for term in dict.fromkeys(curves[curves.view == view].term):
            yield f"effects_{slug}_curve_{term}", curve_figure(curves[curves.view == view], term, lang, width)
