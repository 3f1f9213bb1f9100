"""Figures for papers.  Each function takes tidy tables and returns a matplotlib figure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import matplotlib.pyplot as plt

from research import codebook
from research.report.style import city_name, group_colors, label_colors, label_names

TEXT = {
    "en": {"share": "share of units", "area": "area", "city": "city", "gold": "gold labels",
           "residual": "adjusted standardized residual", "predicted": "predicted", "true": "gold",
           "confidence": "mean predicted probability (top label)", "accuracy": "observed accuracy",
           "perfect": "perfect calibration", "topic": "topic", "prevalence": "mean topic proportion",
           "weight": "word probability", "k": "number of topics K", "npmi": "NPMI coherence",
           "u_mass": "u_mass coherence", "perplexity": "held-out perplexity",
           "stability": "stability across seeds", "composition": "composition",
           "intervals": "share with 95% bootstrap interval", "units": "units"},
    "zh": {"share": "段落占比", "area": "领域", "city": "城市", "gold": "人工标注",
           "residual": "调整标准化残差", "predicted": "预测", "true": "人工标注",
           "confidence": "平均预测概率（最高类）", "accuracy": "实际准确率", "perfect": "完全校准",
           "topic": "主题", "prevalence": "平均主题比例", "weight": "词概率", "k": "主题数 K",
           "npmi": "NPMI 一致性", "u_mass": "u_mass 一致性", "perplexity": "留出困惑度",
           "stability": "跨种子稳定性", "composition": "构成", "intervals": "占比及 95% 自助法区间",
           "units": "段落"},
}


def emphasis_figure(shares: pd.DataFrame, lang: str = "en", title: str = "",
                    group_names: dict[str, str] | None = None) -> plt.Figure:
    """Left: stacked composition per group (the first column of ``shares``: city, province,
    ...). Right: each area's share per group with its 95% interval."""
    t, names, colors = TEXT[lang], label_names(lang), label_colors()
    codes = codebook.codes()
    by = shares.columns[0]
    cities = sorted(shares[by].unique())
    marks = group_colors(cities)
    height = max(4.2, 2.4 + 0.22 * len(cities))
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, height), gridspec_kw={"width_ratios": [1, 1.6]})
    bottom = np.zeros(len(cities))
    wide = shares.pivot(index=by, columns="area", values="share").reindex(index=cities, columns=codes)
    for code in codes:
        values = wide[code].to_numpy(dtype=float)
        left.barh([city_name(c, group_names) for c in cities], values, left=bottom, color=colors[code],
                  label=names[code], edgecolor="white", linewidth=0.5)
        bottom += values
    left.set_xlim(0, 1)
    left.set_xlabel(t["share"])
    left.set_title(t["composition"])
    left.invert_yaxis()
    offsets = np.linspace(-0.3, 0.3, len(cities))
    markers = ["o", "s", "^", "D", "v", "P", "X"]
    for j, city in enumerate(cities):
        sub = shares[shares[by] == city].set_index("area").loc[codes]
        x = np.arange(len(codes)) + offsets[j]
        right.errorbar(x, sub.share, yerr=[sub.share - sub.ci_low, sub.ci_high - sub.share], fmt=markers[j % 7],
                       ms=4, capsize=2, lw=0.8, color=marks[city], label=city_name(city, group_names))
    right.set_xticks(np.arange(len(codes)), [names[c] for c in codes], rotation=30, ha="right")
    right.set_ylabel(t["share"])
    right.set_title(t["intervals"])
    right.legend(ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.28))
    left.legend(ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.18))
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def residual_heatmap(residuals: pd.DataFrame, lang: str = "en",
                     group_names: dict[str, str] | None = None) -> plt.Figure:
    """Group-by-area adjusted standardized residuals of the chi-square test (|r| > 2 marked)."""
    t, names = TEXT[lang], label_names(lang)
    fig, ax = plt.subplots(figsize=(8, max(3.6, 1.2 + 0.35 * residuals.shape[0])))
    limit = max(3.0, float(np.nanmax(np.abs(residuals.to_numpy()))))
    image = ax.imshow(residuals.to_numpy(), cmap="RdBu_r", vmin=-limit, vmax=limit, aspect="auto")
    ax.set_xticks(range(residuals.shape[1]), [names[c] for c in residuals.columns], rotation=30, ha="right")
    ax.set_yticks(range(residuals.shape[0]), [city_name(c, group_names) for c in residuals.index])
    for i in range(residuals.shape[0]):
        for j in range(residuals.shape[1]):
            value = residuals.iat[i, j]
            ax.text(j, i, f"{value:.1f}" + ("*" if abs(value) > 2 else ""), ha="center", va="center",
                    fontsize=8, color="white" if abs(value) > limit * 0.6 else "black")
    fig.colorbar(image, ax=ax, label=t["residual"])
    ax.spines[:].set_visible(False)
    fig.tight_layout()
    return fig


def topic_words_figure(topics: pd.DataFrame, labels: list[str], lang: str = "en", top: int = 8) -> plt.Figure:
    """One small panel per topic: its top words by probability."""
    t = TEXT[lang]
    k = topics.topic.nunique()
    cols = 4
    rows = int(np.ceil(k / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(12, 2.3 * rows), squeeze=False)
    names = label_names(lang)
    for topic, ax in zip(range(k), axes.flat):
        sub = topics[(topics.topic == topic) & (topics["rank"] <= top)].sort_values("rank", ascending=False)
        ax.barh(sub.word, sub.weight, color="#0072B2")
        area = labels[topic] if topic < len(labels) else ""
        suffix = f" ({names.get(area, area)})" if area and area != "free" else ""
        ax.set_title(f"{t['topic']} {topic}{suffix}", fontsize=9)
        ax.tick_params(axis="x", labelsize=7)
    for ax in list(axes.flat)[k:]:
        ax.axis("off")
    fig.supxlabel(t["weight"], fontsize=9)
    fig.tight_layout()
    return fig


def topic_prevalence_figure(prevalence: pd.DataFrame, lang: str = "en",
                            group_names: dict[str, str] | None = None) -> plt.Figure:
    """Per-group topic prevalence with 95% bootstrap intervals."""
    t = TEXT[lang]
    cities = sorted(prevalence.city.unique())
    marks = group_colors(cities)
    topics = sorted(prevalence.topic.unique())
    fig, ax = plt.subplots(figsize=(9, 3.8))
    offsets = np.linspace(-0.3, 0.3, len(cities))
    markers = ["o", "s", "^", "D", "v"]
    for j, city in enumerate(cities):
        sub = prevalence[prevalence.city == city].set_index("topic").loc[topics]
        ax.errorbar(np.arange(len(topics)) + offsets[j], sub.share,
                    yerr=[sub.share - sub.ci_low, sub.ci_high - sub.share], fmt=markers[j % 5], ms=4,
                    capsize=2, lw=0.8, color=marks[city], label=city_name(city, group_names))
    ax.set_xticks(range(len(topics)), [f"{t['topic']} {k}" for k in topics])
    ax.set_ylabel(t["prevalence"])
    ax.legend(ncol=min(len(cities), 6))
    fig.tight_layout()
    return fig


def confusion_figure(matrix: np.ndarray, lang: str = "en") -> plt.Figure:
    """Leave-one-city-out confusion matrix, rows normalised, counts in the cells."""
    t, names = TEXT[lang], label_names(lang)
    codes = codebook.codes()
    rows = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(6.2, 5.2))
    ax.imshow(rows, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(codes)):
        for j in range(len(codes)):
            if matrix[i, j]:
                ax.text(j, i, str(int(matrix[i, j])), ha="center", va="center", fontsize=8,
                        color="white" if rows[i, j] > 0.5 else "black")
    ax.set_xticks(range(len(codes)), [names[c] for c in codes], rotation=35, ha="right")
    ax.set_yticks(range(len(codes)), [names[c] for c in codes])
    ax.set_xlabel(t["predicted"])
    ax.set_ylabel(t["true"])
    ax.spines[:].set_visible(False)
    fig.tight_layout()
    return fig


def reliability_figure(bins: list[dict], ece: float, lang: str = "en") -> plt.Figure:
    """Reliability curve of the top label's probability (leave-one-city-out)."""
    t = TEXT[lang]
    frame = pd.DataFrame(bins)
    fig, ax = plt.subplots(figsize=(4.4, 4.2))
    ax.plot([0, 1], [0, 1], ls="--", color="0.6", lw=1, label=t["perfect"])
    ax.plot(frame.confidence, frame.accuracy, marker="o", color="#D55E00", label=f"ECE = {ece:.3f}")
    for row in frame.itertuples():
        ax.annotate(str(row.n), (row.confidence, row.accuracy), textcoords="offset points",
                    xytext=(4, -10), fontsize=7, color="0.3")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(t["confidence"])
    ax.set_ylabel(t["accuracy"])
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def k_selection_figure(table: pd.DataFrame, chosen: int, lang: str = "en") -> plt.Figure:
    """The four diagnostics for choosing K, with their spread across seeds."""
    t = TEXT[lang]
    lda = table[table.model == "lda"].sort_values("k")
    fig, axes = plt.subplots(1, 4, figsize=(12, 2.8))
    for ax, metric in zip(axes, ["npmi", "u_mass", "perplexity", "stability"]):
        sd = lda.get(f"{metric}_sd")
        ax.errorbar(lda.k, lda[metric], yerr=sd if sd is not None else None, marker="o", ms=3,
                    capsize=2, color="#0072B2")
        ax.axvline(chosen, color="#D55E00", ls=":", lw=1)
        ax.set_xlabel(t["k"])
        ax.set_title(t[metric])
    fig.tight_layout()
    return fig
