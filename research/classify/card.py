"""The model card, written from ``metrics.json`` so that every number in it is regenerated."""

from __future__ import annotations

from research import codebook
from research.classify.model_io import MODEL_FORMAT

#: Goals of the classifier (issue #12), checked against the leave-one-city-out figures.
GOALS = (("macro-F1 with context", ("with_context", "macro_f1"), 0.92),
         ("macro-F1, paragraph alone", ("without_context", "macro_f1"), 0.90),
         ("top-2 accuracy, with context", ("with_context", "top2_accuracy"), 0.97))


def _ci(s: dict, key: str) -> str:
    low, high = s.get("ci95", {}).get(key, (None, None))
    return f" [{low:.3f}, {high:.3f}]" if low is not None else ""


def _row(name: str, s: dict) -> str:
    top2 = f"{s['top2_accuracy']:.3f}{_ci(s, 'top2_accuracy')}" if "top2_accuracy" in s else "–"
    ece = f"{s['calibration']['ece']:.3f}" if "calibration" in s else "–"
    other = f"{s['other_rate']:.3f} / {s['gold_other_rate']:.3f}" if "other_rate" in s else "–"
    return (f"| {name} | {s['macro_f1']:.3f}{_ci(s, 'macro_f1')} | {s['accuracy']:.3f}{_ci(s, 'accuracy')} "
            f"| {top2} | {ece} | {other} |")


def _ablation_row(name: str, a: dict) -> str:
    cells = " | ".join(f"{a[k]['macro_f1']:.3f}" for k in ("with_context", "without_context", "sentence_level"))
    return f"| {name} | `{a['change']}` | {cells} | {a['without_context']['other_rate']:.3f} |"


def goal_lines(m: dict) -> list[str]:
    lines = []
    for name, (block, key), goal in GOALS:
        value = m[block][key]
        verdict = "met" if value >= goal else "**not met**"
        lines.append(f"- {name}: {value:.3f}{_ci(m[block], key)} against a goal of {goal:.2f}: {verdict}.")
    s = m["without_context"]
    gap = abs(s["other_rate"] - s["gold_other_rate"])
    lines.append(f"- `other` rate on paragraphs alone: {s['other_rate']:.3f} against the gold rate "
                 f"{s['gold_other_rate']:.3f} (goal: within 0.05): {'met' if gap <= 0.05 else '**not met**'}.")
    return lines


def training_data_lines(m: dict) -> list[str]:
    """The files the model learnt from (recorded by ``train``; older metrics lack them)."""
    if not m.get("training_data"):
        return []
    return ["Training files (SHA-256 of each, so that the data can be checked):", "",
            "| file | role | units | SHA-256 |", "| --- | --- | --- | --- |",
            *[f"| `{d['file']}` | {d['role']} | {d['units']} | `{d['sha256'][:16]}…` |"
              for d in m["training_data"]], ""]


def simulation_lines(sim: dict | None) -> list[str]:
    """The validation simulation (``models/validation_simulation.json``), when there is one."""
    if not sim:
        return []
    d, p, method = sim["design"], sim["pooled"], sim["design"]["default_method"]
    coverage, error = p[f"coverage_{method}"], p[f"mae_{method}"]
    met = "met" if p[f"coverage_{method}"] >= 0.90 else "**not met**"
    smaller = "met" if p[f"mae_{method}"] < p["mae_count"] else "**not met**"
    lines = [
        "## Validating on a new collection (simulation)",
        f"From `{sim['command']}` (`models/validation_simulation.json`, no retraining): each seed",
        "city in turn is a user's collection, its units predicted by the model trained without it",
        "(`loco_predictions.csv`);",
        f"a simple random sample of {d['sample_size']} of its units (at most half the city) is validated with its gold",
        f"codes, the rest of the city's area shares are estimated; {d['repetitions']} samples per city,",
        f"{d['bootstrap_draws']} bootstrap draws each (seed {d['seed']}).",
        "",
        "| estimate | coverage of 95% interval | mean interval width | mean absolute error |",
        "| --- | --- | --- | --- |",
        f"| uncorrected: labels counted | – | – | {p['mae_count']:.4f} |",
        f"| uncorrected: probabilities averaged | – | – | {p['mae_probability']:.4f} |",
        *[f"| corrected: `{m}` | {p[f'coverage_{m}']:.3f} | {p[f'width_{m}']:.3f} | {p[f'mae_{m}']:.4f} |"
          for m in d["methods"]],
        "",
        f"Goals: coverage of the corrected (`{method}`) intervals {coverage:.3f} of {p['cells']} city x area",
        f"cells against 0.90: {met}; corrected error smaller than uncorrected on average: {smaller}",
        f"({error:.4f} against {p['mae_count']:.4f})."
        + (f" The `{method}` estimate kept on average {p[f'weight_{method}']:.2f} of the `ratio` correction."
           if f"weight_{method}" in p else ""),
        "Per city (units, validated, coverage, error corrected / uncorrected):",
        "",
        *[f"- {c}: {v['units']} units, {v['sample']} validated, coverage {v[f'coverage_{method}']:.3f}, error "
          f"{v[f'mae_{method}']:.4f} / {v['mae_count']:.4f}" for c, v in sim["per_city"].items()],
        "",
    ]
    if sim.get("by_sample_size"):
        lines += ["Mean absolute error by the number of units validated per city (at most half the city;",
                  f"`half`: half of every city), and the coverage of the `{method}` intervals:", "",
                  "| validated | labels counted | " + " | ".join(f"`{m}`" for m in d["methods"]) + " | coverage |",
                  "| --- |" + " --- |" * (len(d["methods"]) + 2),
                  *[f"| {r['size']} | {r['mae_count']:.4f} | " + " | ".join(f"{r[f'mae_{m}']:.4f}" for m in d["methods"])
                    + f" | {r[f'coverage_{method}']:.3f} |" for r in sim["by_sample_size"]], ""]
    if sim.get("learning_curve"):
        rows = sim["learning_curve"]["mean_over_cities"]
        lines += ["Learning curve per sampling strategy (units of the held-out city labelled and added to training;",
                  "macro-F1 on the city's other half, mean over cities):", "",
                  "| strategy | " + " | ".join(f"k = {k}" for k in sim["learning_curve"]["design"]["sizes"]) + " |",
                  "| --- |" + " --- |" * len(sim["learning_curve"]["design"]["sizes"]),
                  *[f"| {s} | " + " | ".join(f"{r['macro_f1']:.3f}" for r in rows if r["strategy"] == s) + " |"
                    for s in ("random", "uncertainty", "diversity")], ""]
    return lines


def write_card(models) -> "Path":
    """Render ``MODEL_CARD.md`` of a models folder again from its ``metrics.json`` and
    ``validation_simulation.json`` (no training)."""
    import json
    from pathlib import Path

    from research.atomic import write_text

    models = Path(models)
    sim_path = models / "validation_simulation.json"
    sim = json.loads(sim_path.read_text(encoding="utf-8")) if sim_path.exists() else None
    metrics = json.loads((models / "metrics.json").read_text(encoding="utf-8"))
    write_text(models / "MODEL_CARD.md", model_card(metrics, sim))
    return models / "MODEL_CARD.md"


def model_card(m: dict, simulation: dict | None = None) -> str:
    codes = codebook.codes()
    names = codebook.names("en", short=False)
    zh = codebook.names("zh", short=False)
    main = m["with_context"]
    header = ["| input | macro-F1 [95% CI] | accuracy [95% CI] | top-2 accuracy [95% CI] | ECE "
              "| `other` predicted / gold |", "| --- | --- | --- | --- | --- | --- |"]
    lines = [
        "# Model card: the \"1+4+2\" paragraph classifier",
        "",
        "Generated by `python -m research train` from `metrics.json` (and, for the simulation section,",
        "`python -m research validate simulate` from `validation_simulation.json`); every number below",
        "is regenerated by those commands (`make models` runs them).",
        "",
        "## Intended use",
        "Label each paragraph of a Chinese city medical-security plan (医疗保障“十四五”规划 and",
        "similar policy documents: work reports, notices, news of the bureaus) with one of the",
        "eight codes of `research/codebook.md`, with a probability for every code, to measure a",
        "city's emphasis across the national \"1+4+2\" framework. It takes a paragraph with its",
        "section path (`compose(text, path)`), a paragraph alone, or a single sentence. Apply it",
        "with `python -m research classify PATH...` or `load_model().predict(texts)`. It is not",
        "meant for deciding about single paragraphs without a human check, or for documents in",
        "other languages.",
        "",
        "## Data",
        f"{m['training_units']} paragraph units of {len(m['cities'])} documents ({', '.join(m['cities'])}),",
        "each labelled by reading against the codebook (version "
        f"{m['codebook_version']}); see the README's data section for how the labels were made and",
        "their agreement. Label counts: " + ", ".join(f"`{c}` {m['label_counts'][c]}" for c in codes) + ".",
        "Training text is only what the project holds: these units, the user's `train --extra`",
        "files, and augmentations of them (each unit also without its section path, and each of",
        "its sentences alone).",
        "",
        *training_data_lines(m),
        "## Labels",
        "| code | area | 中文 |",
        "| --- | --- | --- |",
        *[f"| `{c}` | {names[c]} | {zh[c]} |" for c in codes],
        "",
        "## Model",
        "One scikit-learn estimator on raw strings (`research.classify.ParagraphClassifier`): jieba",
        "with its own dictionary (run on rjieba, the compiled jieba-rs; segmentation once per",
        "paragraph), TF-IDF over word uni- and bigrams and over the section-path words, and a",
        "logistic regression (character n-grams are left out: they would make `classify` slower",
        "than bare jieba; see the ablations). Its `fit` augments the training units itself:",
        "sentence augmentation (every sentence of a multi-sentence unit, with the unit's label, at",
        "a lower weight) and, when chosen, context dropout (every unit also without its section",
        "path), so every cross-validation fold is trained as the shipped model is. Nothing in it",
        "was read off the seeds: no term lists, heading patterns or domain dictionary (their effect",
        f"is in the ablation table). Chosen parameters: `{m['chosen_params']}`.",
        "",
        "## Evaluation (leave one city out)",
        m["evaluation"] + ".",
        "",
        *header,
        _row("paragraph with its section path", main),
        _row("paragraph alone (no section path)", m["without_context"]),
        _row("sentence by sentence (stress test: each sentence carries its unit's label)", m["sentence_level"]),
        "",
        "Goals:",
        "",
        *goal_lines(m),
        "",
        "Ablations (leave-one-city-out macro-F1 of the chosen model with one change; rows marked",
        "in_sample use vocabulary read off the seeds, so their figures on the seeds are optimistic):",
        "",
        "| ablation | change | with path | alone | sentences | `other` rate alone |",
        "| --- | --- | --- | --- | --- | --- |",
        *[_ablation_row(k, v) for k, v in m.get("ablations", {}).items()],
        "",
        "Baselines (`research/baselines.py`; units, leave-one-city-out where they learn anything;",
        "the rules fall back to `other` where they find nothing; `alone`/`with_path`: the input read):",
        "",
        "| baseline | macro-F1 | accuracy |",
        "| --- | --- | --- |",
        *[f"| {k} | {v['macro_f1']:.3f}{_ci(v, 'macro_f1')} | {v['accuracy']:.3f} |" for k, v in m["baselines"].items()],
        "",
        "Every grid point, leave-one-city-out score on all cities (mean over held-out cities of the",
        "mean macro-F1 with and without the section path; the highest is shipped):",
        "",
        "| grid point | score |",
        "| --- | --- |",
        *[f"| `{g}` | {v:.3f} |" for g, v in zip(m["grid"], m["grid_loco_score"])],
        "",
        "Per label (with section path):",
        "",
        "| code | precision | recall | F1 | support |",
        "| --- | --- | --- | --- | --- |",
        *[f"| `{c}` | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} |"
          for c, v in main["per_label"].items()],
        "",
        "Speed (machine-dependent, so not part of this card's regenerated numbers): `make bench`",
        "writes `benchmarks/results.json`, with `classify` throughput against bare `jieba.lcut`",
        "and bare `rjieba` on the same text; the README's performance section quotes it.",
        "",
    ]
    if m["learning_curve"]:
        lines += ["Learning curve (macro-F1 with section path, mean over held-out cities; training",
                  "units drawn at random from the other cities; last row: the nested model):", "",
                  "| training units | macro-F1 |", "| --- | --- |",
                  *[f"| {r['train_units']} | {r['macro_f1']:.3f} |" for r in m["learning_curve"]],
                  ""]
    lines += simulation_lines(simulation)
    lines += [
        "## Known failure modes",
        "- Background, goal and principle paragraphs that touch several areas: the line between",
        "  `other` and an area is where most errors fall (see the confusion matrix in",
        "  `models/metrics.json` and notebook 03).",
        "- Mixed paragraphs: the model predicts one label; the codebook's secondary label is not",
        "  modelled. Use the second-most-probable label (top-2 accuracy above) for review.",
        "- Single sentences carry less evidence than paragraphs (third row).",
        f"- Trained on {len(m['cities'])} documents; plans that word things very differently, or",
        "  documents of another genre, will be labelled less reliably. Validate on a random sample",
        "  of your own units (`python -m research validate`), and retrain into your own model with",
        "  `train --extra FILE --out DIR` (units chosen with `classify --suggest` or",
        "  `validate sample --strategy uncertainty`).",
        "",
        "## Version",
        f"research {m['project_version']}; model file format {MODEL_FORMAT}; codebook version {m['codebook_version']}.",
        f"Training command: `{m['training_command']}`.",
        "",
    ]
    return "\n".join(lines)
