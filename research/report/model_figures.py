"""Figures of the classifier and the topic models (no groups): the confusion matrix, the
reliability curve, the diagnostics for choosing K and the top words per topic, each ``width``
inches wide, every text at least 7 pt; the words of both languages in :data:`TEXT`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import matplotlib.pyplot as plt

from research import codebook
from research.report.style import MIN_FONT, TWO_COLUMNS, label_names

TEXT = {
    "en": {"share": "Share of units (%)", "probability": "Mean classifier probability (%)",
           "classifier": "Mean out-of-sample classifier probability (%)",
           "topic_area": "Mean topic weight mapped to the area (%)", "prevalence": "Mean topic proportion (%)",
           "residual": "Adjusted standardized residual", "predicted": "Predicted label",
           "true": "Human (gold) label", "confidence": "Mean predicted probability of the top label",
           "accuracy": "Observed accuracy", "perfect": "Perfect calibration", "ece": "ECE",
           "topic": "Topic", "weight": "Word probability", "k": "Number of topics K",
           "npmi": "NPMI coherence", "u_mass": "UMass coherence", "perplexity": "Held-out perplexity",
           "stability": "Stability across seeds", "chosen": "chosen K"},
    "zh": {"share": "段落占比（%）", "probability": "分类器平均概率（%）",
           "classifier": "样本外分类器平均概率（%）", "topic_area": "映射到该领域的主题权重均值（%）",
           "prevalence": "平均主题比例（%）", "residual": "调整标准化残差", "predicted": "预测标签",
           "true": "人工标注标签", "confidence": "最高类平均预测概率", "accuracy": "实际准确率",
           "perfect": "完全校准", "ece": "期望校准误差", "topic": "主题", "weight": "词概率",
           "k": "主题数", "npmi": "归一化点互信息一致性", "u_mass": "文档共现一致性",
           "perplexity": "留出困惑度", "stability": "跨种子稳定性", "chosen": "所选主题数"},
}


def text_width(text: str, size: float = MIN_FONT) -> float:
    """Approximate width of ``text`` in inches at ``size`` points (CJK glyphs a full em)."""
    return sum(1.0 if ord(c) >= 0x2E80 else 0.56 for c in text) * size / 72


def wrap(title: str, room: float) -> str:
    """``title`` on two lines when it is wider than ``room`` inches (CJK split in the middle,
    other text at its last space or hyphen)."""
    if text_width(title) <= room:
        return title
    for mark in (" ", "-"):
        if mark in title:
            head, _, tail = title.rpartition(mark)
            return f"{head}{mark.strip()}\n{tail}"
    if any(ord(c) >= 0x2E80 for c in title):
        middle = (len(title) + 1) // 2
        return f"{title[:middle]}\n{title[middle:]}"
    return title


def column_labels(ax, labels: list[str], room: float) -> None:
    """Column labels of a matrix: level (on two lines if need be) when each fits the
    ``room`` inches of its column, else upright (rotated 90 degrees)."""
    wrapped = [wrap(label, room) for label in labels]
    if all(text_width(line) <= room for label in wrapped for line in label.split("\n")):
        ax.set_xticks(range(len(labels)), wrapped)
    else:
        ax.set_xticks(range(len(labels)), labels, rotation=90)


def confusion_figure(matrix: np.ndarray, lang: str = "en", width: float = TWO_COLUMNS) -> plt.Figure:
    """Confusion matrix (human label by predicted), rows normalised, counts in the cells."""
    t, names = TEXT[lang], label_names(lang)
    codes = codebook.codes()
    matrix = np.asarray(matrix)
    rows = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    side = min(width, 4.6)
    fig, ax = plt.subplots(figsize=(width, side))
    ax.imshow(rows, cmap="Blues", vmin=0, vmax=1)
    for i in range(len(codes)):
        for j in range(len(codes)):
            if matrix[i, j]:
                ax.text(j, i, str(int(matrix[i, j])), ha="center", va="center", fontsize=MIN_FONT,
                        color="white" if rows[i, j] > 0.5 else "black")
    ax.set_yticks(range(len(codes)), [names[c] for c in codes])
    column_labels(ax, [names[c] for c in codes], (side - 1.2) / len(codes) * 0.95)
    ax.set_xlabel(t["predicted"])
    ax.set_ylabel(t["true"])
    ax.tick_params(length=0)
    ax.spines[:].set_visible(False)
    return fig


def reliability_figure(bins: list[dict], ece: float, lang: str = "en", width: float = TWO_COLUMNS) -> plt.Figure:
    """Reliability curve of the top label's probability, the number of units beside each bin."""
    t = TEXT[lang]
    frame = pd.DataFrame(bins)
    fig, ax = plt.subplots(figsize=(width, min(width, 3.4) * 0.92))
    ax.plot([0, 1], [0, 1], ls="--", color="0.5", lw=0.8, label=t["perfect"])
    ax.plot(frame.confidence, frame.accuracy, marker="o", ms=3, color="#D55E00", label=f"{t['ece']} = {ece:.3f}")
    for row in frame.itertuples():  # beside the point, inside the axes
        right = row.confidence < 0.85
        ax.annotate(str(row.n), (row.confidence, row.accuracy), textcoords="offset points",
                    xytext=(3 if right else -3, -8), ha="left" if right else "right", fontsize=MIN_FONT,
                    color="0.3")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(t["confidence"])
    ax.set_ylabel(t["accuracy"])
    ax.legend(loc="upper left")
    return fig


def k_selection_figure(table: pd.DataFrame, chosen: int, lang: str = "en", width: float = TWO_COLUMNS) -> plt.Figure:
    """The four diagnostics for choosing K (mean and spread across seeds), the chosen K dotted."""
    t = TEXT[lang]
    lda = table[table.model == "lda"].sort_values("k")
    cols = 4 if width >= 5 else 2
    fig, axes = plt.subplots(4 // cols, cols, figsize=(width, 1.9 * 4 // cols + 0.2), squeeze=False)
    for ax, metric in zip(axes.flat, ["npmi", "u_mass", "perplexity", "stability"]):
        sd = lda.get(f"{metric}_sd")
        ax.errorbar(lda.k, lda[metric], yerr=sd if sd is not None else None, marker="o", ms=2.5,
                    capsize=1.5, color="#0072B2")
        ax.axvline(chosen, color="#D55E00", ls=":", lw=1)
        ax.set_title(t[metric], pad=2)
        ax.xaxis.set_major_locator(plt.MaxNLocator(5, integer=True))
    fig.supxlabel(t["k"])
    return fig


def topic_words_figure(topics: pd.DataFrame, labels: list[str], lang: str = "en", top: int = 8,
                       width: float = TWO_COLUMNS) -> plt.Figure:
    """One small panel per topic: its top words by probability, titled with its area."""
    t, names = TEXT[lang], label_names(lang)
    k = topics.topic.nunique()
    cols = 4 if width >= 5 else 2
    rows = int(np.ceil(k / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(width, 1.35 * rows + 0.25), squeeze=False)
    for topic, ax in zip(range(k), axes.flat):
        sub = topics[(topics.topic == topic) & (topics["rank"] <= top)].sort_values("rank", ascending=False)
        ax.barh(sub.word, sub.weight, color="#0072B2")
        area = labels[topic] if topic < len(labels) else ""
        suffix = (f"（{names[area]}）" if lang == "zh" else f" ({names[area]})") if area in names else ""
        title = f"{t['topic']} {topic}{suffix}"
        if text_width(title, 8) > width / cols - 0.7:  # wider than the panel: the area on a line of its own
            title = f"{t['topic']} {topic}\n{suffix.strip()}"
        ax.set_title(title, pad=2)
        ax.xaxis.set_major_locator(plt.MaxNLocator(2))
    for ax in list(axes.flat)[k:]:
        ax.axis("off")
    fig.supxlabel(t["weight"])
    return fig
