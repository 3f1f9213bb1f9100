"""A caption for every figure, written from the study's data: what is plotted, how many groups,
documents and units, the interval's method and seed, the order of the groups, and what is
drawn at zero.  English and Chinese; the outputs stage writes them beside the figures
(``NAME.caption.txt``, ``NAME_zh.caption.txt``) and ``report.html`` and the notebooks show the
same text.

``facts`` (built by :func:`research.study.figure_set.figure_facts`) holds: ``by``, ``groups``
(number), ``documents``, ``units``, ``human``, ``classifier`` (units per label source), ``rule``
(the groups' order, :data:`research.report.ORDER_RULES`), ``empty`` (areas no unit has),
and where the figure needs them ``evaluated`` (units of the classifier's evaluation), ``ece``,
``k``, ``chosen_k``, ``topic_units``, ``chains``.
"""

from __future__ import annotations

from research import codebook
from research.report import GROUPINGS
from research.report.style import MAX_ROW_GROUPS
from research.stats import LEVEL, METHOD, N_DRAWS, SEED

FRAMEWORK = {"en": 'the "1+4+2" framework', "zh": "“1+4+2”框架"}


def _order(facts: dict, lang: str) -> str:
    one, many, zh = GROUPINGS.get(facts["by"], (facts["by"],) * 3)
    if lang == "zh":
        rule = {"given": "按元数据 order 列给定的顺序排列", "size": "按段落数从多到少排列",
                "name": "按名称排列"}[facts["rule"]]
        return f"{zh}{rule}，标签括号内为文件数和段落数。"
    rule = {"given": "in the order the metadata's order column gives", "size": "by number of units, largest first",
            "name": "in alphabetical order"}[facts["rule"]]
    return f"{many.capitalize()} {rule}; each label gives its documents and units."


def _sample(facts: dict, lang: str) -> str:
    one, many, zh = GROUPINGS.get(facts["by"], (facts["by"],) * 3)
    if lang == "zh":
        return (f"（{facts['groups']}个{zh}，{facts['documents']}篇文件，{facts['units']}个段落；"
                f"标签：人工标注{facts['human']}个，分类器{facts['classifier']}个"
                + (f"，公文格式部分按结构标注{facts['structure']}个" if facts.get("structure") else "") + "）")
    return (f" ({facts['groups']} {many if facts['groups'] != 1 else one}, {facts['documents']} documents, "
            f"{facts['units']} units; labels: {facts['human']} human, {facts['classifier']} classifier"
            + (f", {facts['structure']} front matter by structure" if facts.get("structure") else "") + ")")


def _interval(facts: dict, lang: str, runs: bool = False) -> str:
    one, _, zh = GROUPINGS.get(facts["by"], (facts["by"],) * 3)
    level = round(100 * LEVEL)
    if lang == "zh":
        extra = "，并随机抽取模型的一次运行" if runs else ""
        return (f"点为估计值，横线为{level}%{METHOD['zh']}区间（在各{zh}内有放回重抽段落{extra}，"
                f"{N_DRAWS:,}次，随机种子{SEED}）。")
    extra = " and one of the model's runs at random" if runs else ""
    return (f"Points are estimates, bars {level}% {METHOD['en']} intervals (units resampled within each "
            f"{one}{extra}, {N_DRAWS:,} draws, seed {SEED}).")


def _distribution(facts: dict, lang: str) -> str:
    """How a figure of shares shows more groups than fit a page in rows."""
    one, many, zh = GROUPINGS.get(facts["by"], (facts["by"],) * 3)
    level, source = round(100 * LEVEL), facts["source"]
    if lang == "zh":
        return (f"{zh}超过{MAX_ROW_GROUPS}个，每{zh}一行将超出一页，故每行中每个点为一个{zh}的估计值，箱体为各{zh}的"
                f"四分位距，红线为中位数，须线至最小和最大值；各{zh}的{level}%{METHOD['zh']}区间（{N_DRAWS:,}次，"
                f"随机种子{SEED}）见 {source}。")
    return (f"With more than {MAX_ROW_GROUPS} {many} a row per {one} would not fit a page: in each row a dot is "
            f"one {one}'s estimate, the box spans the middle half of the {many}, the red line is their median and "
            f"the whiskers reach the extremes; every {one}'s {level}% {METHOD['en']} interval ({N_DRAWS:,} draws, "
            f"seed {SEED}) is in {source}.")


def _how(facts: dict, lang: str, runs: bool = False) -> list[str]:
    """The sentences on what a figure of shares draws: a row per group with its interval and their
    order, or past :data:`MAX_ROW_GROUPS` groups their distribution."""
    if facts["groups"] <= MAX_ROW_GROUPS:
        return [_interval(facts, lang, runs), _order(facts, lang)]
    return [_distribution(facts, lang)]


def _areas(facts: dict, lang: str, topics: bool = False) -> str:
    """Every area is drawn; which have nothing (no unit, or no topic mapped to them)."""
    names = codebook.names(lang, short=True)
    empty = [names[c] for c in facts.get("empty", [])]
    if lang == "zh":
        why = "没有主题映射到" if topics else "无段落"
        return "所有八个领域均列出，未出现的领域记为0" + (f"（{why}：{'、'.join(empty)}）。" if empty else "。")
    one = GROUPINGS.get(facts["by"], (facts["by"],))[0]
    why = "no topic is mapped to" if topics else "no unit at all"
    return f"All eight areas are shown; an area a {one} lacks is drawn at 0" + (
        f" ({why}: {', '.join(empty)})." if empty else ".")


def _shares(what: dict, topics: bool = False):
    def caption(facts: dict, lang: str) -> str:
        one, _, zh = GROUPINGS.get(facts["by"], (facts["by"],) * 3)
        head = what[lang].format(**{**facts, "by": one, "by_zh": zh, "framework": FRAMEWORK[lang]})
        sample = "" if "evaluated" in what[lang] else _sample(facts, lang)
        end = "。" if lang == "zh" else "."
        return " ".join([head + sample + end, *_how(facts, lang), _areas(facts, lang, topics)]).replace("。 ", "。")
    return caption


CAPTIONS = {
    "emphasis": _shares({"en": "Share of paragraph units in each area of {framework} per {by}, from the labels",
                         "zh": "各{by_zh}段落在{framework}各领域的占比，依据段落标签"}),
    "emphasis_probability": _shares({
        "en": "Classifier probability-weighted share per area and {by}: each unit counts towards every area in "
              "proportion to the shipped classifier's probability",
        "zh": "各{by_zh}按分类器概率加权的领域占比：每个段落按分类器给出的概率计入各领域"}),
    "emphasis_classifier": _shares({
        "en": "Mean out-of-sample classifier probability per area and {by} on the {evaluated} human-labelled "
              "units, each predicted by the classifier trained without its city (leave one city out)",
        "zh": "各{by_zh}在{evaluated}个人工标注段落上的样本外分类器平均概率（留一城市：预测每个段落的模型未见过其城市）"}),
    "emphasis_topics": _shares({
        "en": "Unseeded topic model's weight mapped onto the areas per {by}: each topic's proportion goes to the "
              "area it is mapped to, the mapping learned leaving the unit's {by} out, K = {k}",
        "zh": "各{by_zh}非种子主题模型映射到各领域的权重：每个主题的比例计入其映射领域，映射在排除该段落所属{by_zh}后学得，"
              "主题数{k}"}, topics=True),
}


def _residuals(facts: dict, lang: str) -> str:
    one, _, zh = GROUPINGS.get(facts["by"], (facts["by"],) * 3)
    names = codebook.names(lang, short=True)
    empty = [names[c] for c in facts.get("empty", [])]
    if lang == "zh":
        head = (f"{zh}与领域独立性卡方检验的调整标准化残差{_sample(facts, lang)}；"
                "正值（红）表示该组该领域段落多于独立时的期望，负值（蓝）表示少于期望，|r| > 2 以 * 标出。")
        tail = f"无段落的领域（{'、'.join(empty)}）不参与检验，记为0。" if empty else "所有八个领域均列出。"
        return head + _order(facts, lang) + _most_distinctive(facts, lang) + tail
    head = (f"Adjusted standardized residuals of the chi-square test of {one} and area{_sample(facts, lang)}: "
            "positive (red) where a group has more units in the area than independence predicts, negative (blue) "
            "fewer; |r| > 2 marked *.")
    tail = (f" Areas with no unit ({', '.join(empty)}) take no part in the test and show 0." if empty
            else " All eight areas are shown.")
    return f"{head} {_order(facts, lang)}{_most_distinctive(facts, lang)}{tail}"


def _most_distinctive(facts: dict, lang: str) -> str:
    """Which groups the residual heatmap shows, when not all fit a page."""
    if facts["groups"] <= MAX_ROW_GROUPS:
        return ""
    one, many, zh = GROUPINGS.get(facts["by"], (facts["by"],) * 3)
    if lang == "zh":
        return (f"仅列出{facts['groups']}个{zh}中调整残差平方和最大的{MAX_ROW_GROUPS}个（偏离独立性的证据最强；"
                f"段落多的{zh}测得更准，因而更易入选）；全部见 tables/residuals.csv。")
    return (f" Shown are the {MAX_ROW_GROUPS} of the {facts['groups']} {many} whose adjusted residuals have the largest "
            f"sum of squares (the strongest evidence against independence, which favours {many} with many units, "
            "measured more precisely); every one is in tables/residuals.csv.")


def _prevalence(facts: dict, lang: str) -> str:
    one, _, zh = GROUPINGS.get(facts["by"], (facts["by"],) * 3)
    if lang == "zh":
        head = (f"各{zh}的平均主题比例（非种子LDA，主题数{facts['k']}，{facts['topic_units']}个段落，"
                f"{facts['chains']}条链的共识）；主题名括号内为其映射领域。")
        return head + "".join(_how(facts, lang, runs=True))
    head = (f"Mean topic proportion per {one} (unseeded LDA, K = {facts['k']}, {facts['topic_units']} units, "
            f"consensus of {facts['chains']} chains); a topic is named by the area it is mapped to.")
    return " ".join([head, *_how(facts, lang, runs=True)])


def _fixed(en: str, zh: str):
    return lambda facts, lang: (zh if lang == "zh" else en).format(**facts)


CAPTIONS.update({
    "residuals": _residuals,
    "topic_prevalence": _prevalence,
    "confusion": _fixed(
        "Confusion matrix of the classifier on the {evaluated} human-labelled units, each predicted by the "
        "classifier trained without its city (leave one city out): rows are the human label, columns the "
        "prediction; shading is the row share, numbers are units.",
        "分类器在{evaluated}个人工标注段落上的混淆矩阵（留一城市：预测每个段落的模型未见过其城市）：行为人工标签，"
        "列为预测标签；颜色深浅为行内占比，数字为段落数。"),
    "reliability": _fixed(
        "Reliability of the classifier's top-label probability on the {evaluated} human-labelled units "
        "(leave one city out): observed accuracy against mean predicted probability in bins of 0.1, the number "
        "of units beside each bin; expected calibration error (ECE) {ece:.3f}. The dashed line is perfect "
        "calibration.",
        "分类器最高类概率的可靠性（{evaluated}个人工标注段落，留一城市）：按0.1分箱的实际准确率对平均预测概率，"
        "点旁数字为段落数；期望校准误差{ece:.3f}。虚线为完全校准。"),
    "k_selection": _fixed(
        "Diagnostics for the number of topics K of the unseeded LDA ({topic_units} units): NPMI and UMass "
        "coherence, held-out perplexity and stability of the topics across seeds; points are means, bars one "
        "standard deviation over {seeds} seeds. The dotted line marks the chosen K = {k}.",
        "非种子LDA主题数的诊断指标（{topic_units}个段落）：归一化点互信息一致性、文档共现一致性、留出困惑度与跨种子"
        "稳定性；点为{seeds}个随机种子的均值，误差线为一个标准差。点线标出所选主题数{k}。"),
    "topic_words": _fixed(
        "The eight most probable words of each topic of the unseeded LDA (K = {k}, {topic_units} units); a "
        "topic is named by the area it is mapped to.",
        "非种子LDA各主题概率最高的八个词（主题数{k}，{topic_units}个段落）；主题名括号内为其映射领域。"),
    "topic_words_seeded": _fixed(
        "The eight most probable words of each topic of the seeded (guided) LDA (K = {seeded_k}, {topic_units} "
        "units): one topic per area seeded with the framework's national wording, the rest free.",
        "种子（引导）LDA各主题概率最高的八个词（主题数{seeded_k}，{topic_units}个段落）：每个领域一个主题，"
        "以框架的国家表述为种子词，其余主题不设种子。"),
})


def caption(name: str, lang: str, facts: dict) -> str:
    """The caption of figure ``name`` (without ``_zh``) in ``lang``."""
    return CAPTIONS[name](facts, lang).strip()


def effects_caption(name: str, lang: str, status: dict) -> str:
    """Caption of an effects figure (``effects_VIEW``, ``effects_VIEW_levels_TERM``,
    ``effects_VIEW_curve_TERM``) from the effects stage's summary (``study.json``'s ``effects``)."""
    view = next((v for v in sorted(status.get("views", {}), key=len, reverse=True)
                 if name.startswith(f"effects_{v.replace(' ', '_')}")), "areas")
    rest = name[len(f"effects_{view.replace(' ', '_')}"):]
    kind, _, term = rest.lstrip("_").partition("_")
    term = term.split("_", 1)[1] if term.startswith(("levels_", "curve_")) else term
    level = round(100 * LEVEL)
    if lang == "zh":
        what = {"": "各协变量对预期占比的效应（水平与参照水平之差，或每单位变化）",
                "levels": f"协变量 {term} 各水平的预期占比", "curve": f"预期占比随 {term} 的变化曲线"}[kind]
        return (f"{what}；{'各领域' if view == 'areas' else '各主题'}，公式 {status['formula']}，"
                f"{status['documents']}篇文件。每篇文件的占比用分式 logit 模型拟合（文件为观测单位），"
                f"{level}%区间来自{N_DRAWS:,}次系数抽样（随机种子{SEED}）；文件过少的水平不给区间（空心点）。")
    what = {"": "Effect of each covariate on the expected share (level minus reference level, or per unit)",
            "levels": f"Expected share at each level of {term}", "curve": f"Expected share along {term}"}[kind]
    return (f"{what}, per {'area' if view == 'areas' else 'topic'} ({view}); formula {status['formula']}, "
            f"{status['documents']} documents. Each document's shares are fitted by a fractional logit "
            f"(documents are the observations); {level}% intervals from {N_DRAWS:,} coefficient draws "
            f"(seed {SEED}); levels with too few documents get no interval (hollow points).")
