"""Figures that compare groups, for papers: each function takes a tidy table and returns a
matplotlib figure ``width`` inches wide (:data:`~research.report.style.ONE_COLUMN` or
:data:`~research.report.style.TWO_COLUMNS`), every text at least 7 pt at that size.

Groups are drawn in the order of a :class:`~research.report.groups.Groups` and labelled with
their size.  Up to :data:`~research.report.style.MAX_COLOURED_GROUPS` groups sit side by side
within each area, told apart by colour and marker; beyond that every area gets a small panel
with one row per group (a dot plot, no colour needed), which holds
:data:`~research.report.style.MAX_ROW_GROUPS` groups; beyond that a row per group would not fit a
page, so each area shows the distribution of the groups' shares (a dot per group over a box of
their quartiles; every group's interval is in the table the figure is drawn from) and the
residual heatmap the ``MAX_ROW_GROUPS`` most distinctive groups.  Every area (or topic) is drawn,
an empty one at 0.  The figures of the classifier and the topic models are in
:mod:`research.report.model_figures`."""

from __future__ import annotations

import dataclasses

import matplotlib
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt

from research import codebook
from research.report.groups import COMPACT_HEADER, Groups, plain_groups
from research.report.model_figures import (TEXT, column_labels, confusion_figure, k_selection_figure,  # noqa: F401
                                           reliability_figure, text_width, topic_words_figure, wrap)
from research.report.style import (GROUP_MARKERS, MAX_COLOURED_GROUPS, MAX_ROW_GROUPS, MIN_FONT, TWO_COLUMNS,
                                   group_colors, label_names)

#: A horizontal box plot: ``orientation`` from matplotlib 3.10, ``vert`` before (deprecated since).
_HORIZONTAL = ({"orientation": "horizontal"} if tuple(map(int, matplotlib.__version__.split(".")[:2])) >= (3, 10)
               else {"vert": False})
#: Height of one row (a group in a panel), inches.
ROW = 0.11


def complete(table: pd.DataFrame, groups: list[str], items: list) -> pd.DataFrame:
    """``table`` (group column first, then item, share, ci_low, ci_high) with a row for every
    group and item, in that order: an item a group lacks is 0 with the interval [0, 0]."""
    by, item = table.columns[0], table.columns[1]
    frame = table.assign(**{by: table[by].astype(str)}).set_index([by, item])[["share", "ci_low", "ci_high"]]
    index = pd.MultiIndex.from_product([groups, items], names=[by, item])
    return frame.reindex(index, fill_value=0.0).reset_index()


def interval_figure(table: pd.DataFrame, items: list, item_names: dict, axis_label: str,
                    groups: Groups | None = None, width: float = TWO_COLUMNS, lang: str = "en") -> plt.Figure:
    """Share of each item (area, topic) per group with its 95% interval, in percent."""
    groups = groups or plain_groups(table.iloc[:, 0], lang)
    frame = complete(table, groups.order, items)
    top = max(5.0, 100 * float(frame.ci_high.max()) * 1.04)
    if len(groups) <= MAX_COLOURED_GROUPS:
        return _side_by_side(frame, items, item_names, axis_label, groups, width, top)
    if len(groups) <= MAX_ROW_GROUPS:
        return _dot_panels(frame, items, item_names, axis_label, groups, width, top, lang)
    return _distribution(frame, items, item_names, axis_label, width)


def _bar(ax, x, y, low, high, **style):
    ax.errorbar(100 * x, y, xerr=[100 * (x - low), 100 * (high - x)], capsize=1.2, elinewidth=0.7,
                markeredgewidth=0.5, **style)


def _side_by_side(frame, items, item_names, axis_label, groups: Groups, width, top) -> plt.Figure:
    """One band per item, the groups' points with intervals one under another inside it."""
    n = len(groups)
    panels = 2 if width >= 5 and len(items) > 3 else 1
    per_panel = -(-len(items) // panels)
    band = 0.14 + 0.068 * n  # inches per item
    legend_cols = max(1, min(n, int((width - 0.2) // (max(text_width(groups.label(g)) for g in groups.order) + 0.4))))
    height = per_panel * band + 0.45 + 0.16 * -(-n // legend_cols)
    fig, axes = plt.subplots(1, panels, figsize=(width, height), sharex=True, squeeze=False)
    colors = group_colors(groups.order)
    by, item = frame.columns[0], frame.columns[1]
    offsets = (np.arange(n) - (n - 1) / 2) * min(0.8 / n, 0.24)
    for p, ax in enumerate(axes.flat):
        mine = items[p * per_panel:(p + 1) * per_panel]
        for i in range(0, len(mine), 2):
            ax.axhspan(i - 0.5, i + 0.5, color="0.93", lw=0, zorder=0)
        for j, group in enumerate(groups.order):
            sub = frame[frame[by] == group].set_index(item).loc[mine]
            _bar(ax, sub.share.to_numpy(), np.arange(len(mine)) + offsets[j], sub.ci_low.to_numpy(),
                 sub.ci_high.to_numpy(), fmt=GROUP_MARKERS[j], ms=3.2, color=colors[group],
                 label=groups.label(group))
        ax.set_yticks(range(len(mine)), [item_names[c] for c in mine])
        ax.set_ylim(len(mine) - 0.5, -0.5)
        ax.tick_params(axis="y", length=0)
        ax.set_xlim(-0.015 * top, top)  # a point at 0 clear of the axis
        ax.xaxis.set_major_locator(plt.MaxNLocator(6 if width >= 5 else 5, steps=[1, 2, 5, 10]))
        ax.set_xlabel(axis_label)
        ax.grid(axis="x", color="0.85", lw=0.4)
        ax.set_axisbelow(True)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=legend_cols, handletextpad=0.3,
               columnspacing=1.0, borderaxespad=0.2)
    return fig


def _dot_panels(frame, items, item_names, axis_label, groups: Groups, width, top, lang) -> plt.Figure:
    """A small panel per item, one row per group (shared across the panels); in one column the
    groups' sizes are compact, under a header that names them."""
    n, cols = len(groups), 4
    rows = -(-len(items) // cols)
    height = rows * (n * ROW + 0.3) + 0.3
    # rows are not shared across panels: a shared axis would lay out every group's (hidden) tick
    # label in every panel, the most of the drawing time with hundreds of groups
    fig, axes = plt.subplots(rows, cols, figsize=(width, height), sharex=True, squeeze=False)
    by, item = frame.columns[0], frame.columns[1]
    y = np.arange(n)
    compact = width < 5
    room = (width - max(text_width(groups.label(g, compact)) for g in groups.order) - 0.3) / cols
    title_size = MIN_FONT if compact else MIN_FONT + 1
    for ax, code in zip(axes.flat, items):
        sub = frame[frame[item] == code].set_index(by).loc[groups.order]
        for i in range(0, n, 2):
            ax.axhspan(i - 0.5, i + 0.5, color="0.93", lw=0, zorder=0)
        _bar(ax, sub.share.to_numpy(), y, sub.ci_low.to_numpy(), sub.ci_high.to_numpy(), fmt="o", ms=2.2,
             color="black")
        ax.set_title(wrap(item_names[code], room * MIN_FONT / title_size), pad=2, fontsize=title_size)
        ax.set_xlim(-0.03 * top, top)
        ax.set_ylim(n - 0.5, -0.5)
        ax.tick_params(axis="y", length=0)
        ticks = plt.MaxNLocator(3 if width < 5 else 4, steps=[1, 2, 5, 10]).tick_values(0, top)
        ax.set_xticks([v for v in ticks if 0 <= v <= 0.85 * top])  # clear of the next panel's 0
        ax.grid(axis="x", color="0.85", lw=0.4)
        ax.set_axisbelow(True)
    names = [groups.label(g, compact) for g in groups.order]
    for ax in axes.flat:
        ax.set_yticks(y, names) if ax in axes[:, 0] else ax.set_yticks([])
    if compact:
        axes[0, 0].annotate(COMPACT_HEADER[lang], (0, 1), xycoords="axes fraction", xytext=(-3, 3),
                            textcoords="offset points", ha="right", va="bottom", fontsize=MIN_FONT)
    for ax in list(axes.flat)[len(items):]:
        ax.axis("off")
    fig.supxlabel(axis_label)
    return fig


def _distribution(frame, items, item_names, axis_label, width) -> plt.Figure:
    """One row per item: every group's share as a dot (spread over the row at fixed offsets, so
    reruns draw the same) over a box of the groups' quartiles, the whiskers to the extremes."""
    item = frame.columns[1]
    values = [100 * frame.loc[frame[item] == code, "share"].to_numpy() for code in items]
    fig, ax = plt.subplots(figsize=(width, 0.5 + 0.34 * len(items)))
    spread = np.random.default_rng(0).uniform(-0.25, 0.25, size=max(map(len, values)))
    for row, shares in enumerate(values):
        ax.scatter(shares, row + spread[:len(shares)], s=3, color="black", alpha=0.35, lw=0, zorder=3)
    ax.boxplot(values, positions=range(len(items)), **_HORIZONTAL, widths=0.7, whis=(0, 100), showfliers=False,
               medianprops={"color": "#D55E00", "lw": 1.2}, boxprops={"lw": 0.6}, whiskerprops={"lw": 0.6},
               capprops={"lw": 0.6})
    room = (width - 0.6) * 0.4
    ax.set_yticks(range(len(items)), [wrap(item_names[c], room) for c in items])
    ax.set_ylim(len(items) - 0.5, -0.5)
    ax.set_xlim(left=-1)
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel(axis_label)
    ax.grid(axis="x", color="0.85", lw=0.4)
    ax.set_axisbelow(True)
    return fig


def emphasis_figure(shares: pd.DataFrame, lang: str = "en", groups: Groups | None = None,
                    width: float = TWO_COLUMNS, axis_label: str | None = None) -> plt.Figure:
    """Each area's share per group (the first column of ``shares``: group, city, ...) with its
    95% interval; every area of the codebook, in its order."""
    codes = codebook.codes()
    return interval_figure(shares[[shares.columns[0], "area", "share", "ci_low", "ci_high"]], codes,
                           label_names(lang), axis_label or TEXT[lang]["share"], groups, width, lang)


def topic_prevalence_figure(prevalence: pd.DataFrame, lang: str = "en", groups: Groups | None = None,
                            width: float = TWO_COLUMNS, topic_areas: list[str] | None = None) -> plt.Figure:
    """Per-group mean topic proportion with 95% intervals, every topic (named by its area when
    ``topic_areas`` gives one)."""
    t, names = TEXT[lang], label_names(lang)
    topics = sorted(prevalence.topic.unique())
    areas = topic_areas or []

    def name(k):
        area = areas[k] if k < len(areas) else ""
        return f"{t['topic']} {k}" + (f"（{names[area]}）" if lang == "zh" else f" ({names[area]})") \
            if area in names else f"{t['topic']} {k}"

    return interval_figure(prevalence[[prevalence.columns[0], "topic", "share", "ci_low", "ci_high"]], topics,
                           {k: name(k) for k in topics}, t["prevalence"], groups, width, lang)


def most_distinctive(residuals: pd.DataFrame, n: int) -> list[str]:
    """The ``n`` groups (rows of ``residuals``) with the largest sum of squared residuals, ties by
    name."""
    score = (residuals.astype(float) ** 2).sum(axis=1).rename("score").rename_axis("group").reset_index()
    return list(score.sort_values(["score", "group"], ascending=[False, True], kind="stable").group[:n])


def residual_heatmap(residuals: pd.DataFrame, lang: str = "en", groups: Groups | None = None,
                     width: float = TWO_COLUMNS) -> plt.Figure:
    """Group-by-area adjusted standardized residuals of the chi-square test, every area of the
    codebook (an area without units is 0: the test leaves it out); |r| > 2 marked ``*``.  Past
    :data:`MAX_ROW_GROUPS` groups, those groups whose residuals have the largest sum of squares
    (:func:`most_distinctive`), in the groups' order."""
    t, names = TEXT[lang], label_names(lang)
    codes = codebook.codes()
    groups = groups or plain_groups(residuals.index, lang)
    frame = residuals.rename(index=str).reindex(index=groups.order, columns=codes).fillna(0.0)
    if len(groups) > MAX_ROW_GROUPS:
        shown = set(most_distinctive(frame, MAX_ROW_GROUPS))
        groups = dataclasses.replace(groups, order=[g for g in groups.order if g in shown])
        frame = frame.loc[groups.order]
    values = frame.to_numpy(dtype=float)
    height = 1.25 + 0.17 * len(groups) + (0.25 if width < 5 else 0)
    fig, ax = plt.subplots(figsize=(width, height))
    limit = max(3.0, float(np.abs(values).max()))
    if len(groups) > MAX_COLOURED_GROUPS:  # the same cells as a mesh: an image would be resampled at print
        # resolution in floating point first (about 1 GB for 300 groups at 300 dpi)
        image = ax.pcolormesh(np.arange(values.shape[1] + 1) - 0.5, np.arange(values.shape[0] + 1) - 0.5, values,
                              cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_ylim(values.shape[0] - 0.5, -0.5)
    else:
        image = ax.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    ax.set_yticks(range(len(groups)), [groups.label(g) for g in groups.order])
    room = (width - max(text_width(groups.label(g)) for g in groups.order) - 0.3) / len(codes)
    column_labels(ax, [names[c] for c in codes], room * 0.95)
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            value = values[i, j]
            ax.text(j, i, f"{round(value, 1) + 0.0:.1f}" + ("*" if abs(value) > 2 else ""), ha="center", va="center",
                    fontsize=MIN_FONT, color="white" if abs(value) > limit * 0.6 else "black")
    ax.tick_params(length=0)
    fig.colorbar(image, ax=ax, label=t["residual"], location="bottom", shrink=0.5, aspect=30, pad=0.02)
    ax.spines[:].set_visible(False)
    return fig
