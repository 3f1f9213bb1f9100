"""``python -m research train``: evaluate, select and fit the classifier; write the model card.

Writes ``models/classifier.skops``, ``models/metrics.json`` and ``models/MODEL_CARD.md``.
All reported metrics are leave-one-city-out: train on four documents, predict the fifth.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from research import __version__, codebook, paths
from research.annotations.check import GOLD_COLUMNS, load_gold, read_annotations
from research.atomic import atomic_dir, write_csv, write_text
from research.classify import evaluate as ev
from research.classify.card import model_card
from research.classify.model_io import FAST_MODEL_FILE, MODEL_FILE, save_model
from research.classify.pipeline import build_pipeline
from research.errors import AnnotationError

#: Feature sets compared with fixed hyper-parameters (the TF-IDF family of the grid).
FEATURE_SETS = {
    "tfidf": {**ev.BASE, "model": "logreg", "C": 10.0, "embeddings": 0.0},
    "embeddings_only": {"model": "logreg", "C": 10.0, "use_context": False, "words": False,
                        "chars": False, "terms": 0.0, "heading": 0.0, "embeddings": 1.0},
    "tfidf_plus_embeddings": {**ev.BASE, "model": "logreg", "C": 10.0, "embeddings": 2.0},
}


def read_extra(path: str | Path) -> pd.DataFrame:
    """Extra labelled units in the gold.csv format plus a ``text`` column (``section_path``
    and ``city`` optional; the city defaults to the file's name)."""
    path = Path(path)
    frame = read_annotations(path, GOLD_COLUMNS + ["text"], extra_ok=("section_path", "city", "second_label", "margin"))
    if frame.empty:
        raise AnnotationError(f"{path}: no labelled rows")
    empty = frame[frame.text.str.strip() == ""]
    if len(empty):
        raise AnnotationError(f"{path}: row {empty.iloc[0]._row}: empty text")
    if "section_path" not in frame:
        frame["section_path"] = ""
    if "city" not in frame:
        frame["city"] = path.stem
    frame["city"] = frame.city.replace("", path.stem)
    return frame[["unit_id", "city", "section_path", "text", "label"]]


def training_data(extra: list[str | Path] = ()) -> pd.DataFrame:
    gold = load_gold()[["unit_id", "city", "section_path", "text", "label"]]
    frames = [gold] + [read_extra(p) for p in extra]
    data = pd.concat(frames, ignore_index=True)
    dup = data.unit_id[data.unit_id.duplicated()]
    if len(dup):
        raise AnnotationError(f"unit_id {dup.iloc[0]} appears in more than one training file")
    return data


def _errors(data: pd.DataFrame, pred, proba, limit: int = 40) -> list[dict]:
    codes = codebook.codes()
    wrong = np.flatnonzero(data.label.to_numpy() != pred)
    rows = []
    for i in wrong[:limit]:
        rows.append({"unit_id": data.unit_id.iloc[i], "city": data.city.iloc[i],
                     "gold": data.label.iloc[i], "predicted": pred[i],
                     "p_predicted": round(float(proba[i, codes.index(pred[i])]), 3),
                     "section_path": data.section_path.iloc[i], "text": data.text.iloc[i][:160]})
    return rows


def train(extra: list[str | Path] = (), out: Path = paths.MODELS, quick: bool = False,
          jobs: int = 2) -> dict:
    """Evaluate by nested leave-one-city-out CV, then fit on everything and save two models:
    the nested-CV choice (``classifier.skops``) and the best grid point without sentence
    embeddings or character n-grams (``classifier-fast.skops``, much faster: see ``make bench``)."""
    from research.classify.baselines import seeded_lda_predictions

    data = training_data(extra)
    y, groups = data.label.to_numpy(dtype=object), data.city.to_numpy()
    X = ev.segment_once(ev.model_inputs(data, True), True)
    grid = ev.GRID[:1] if quick else ev.GRID
    # The fast model: no sentence embeddings and no character n-grams (jieba words only), so that
    # its cost stays close to word segmentation itself.
    fast_points = ([i for i, p in enumerate(grid) if not p.get("embeddings") and not p.get("chars")]
                   or [i for i, p in enumerate(grid) if not p.get("embeddings")])

    search = ev.grid_search(X, y, groups, grid, jobs=jobs)
    nested = ev.nested_result(search, groups)
    nested_fast = ev.nested_result(search, groups, fast_points)
    chosen, chosen_score = ev.select_params(search)
    chosen_fast, fast_score = ev.select_params(search, fast_points)

    main = ev.scores(y, nested["pred"], nested["proba"])
    plain_params = dict(chosen, use_context=False)
    X_plain = ev.segment_once(ev.model_inputs(data, False), False, vectors=False)
    for plain_doc, doc in zip(X_plain, X):  # same paragraph bodies: reuse their embeddings
        plain_doc.vector = doc.vector
    plain = ev.loco(plain_params, X_plain, y, groups, jobs)
    without_context = ev.scores(y, plain["pred"], plain["proba"])

    comparison = {}
    for name, params in FEATURE_SETS.items():
        if quick and name != "tfidf":
            continue
        index = next((i for i, p in enumerate(grid) if p == params), None)
        result = search["loco"][index] if index is not None else ev.loco(params, X, y, groups, jobs)
        comparison[name] = {"params": params, **ev.scores(y, result["pred"], result["proba"])}

    baselines = {
        "majority": ev.scores(y, ev.majority_baseline(y, groups)),
        "keyword_rule": ev.scores(y, ev.keyword_baseline(list(data.text), y, groups)),
        "heading_silver": ev.scores(y, ev.silver_baseline(list(data.section_path), y, groups)),
    }
    lda = seeded_lda_predictions(data)
    if lda is not None:
        baselines["seeded_lda_argmax"] = ev.scores(y, lda)

    chosen_index = grid.index(chosen)
    curve = [] if quick else ev.learning_curve(chosen, X, y, groups, jobs=jobs,
                                               full=search["loco"][chosen_index])
    metrics = {
        "project_version": __version__,
        "codebook_version": int(_codebook_version()),
        "training_command": "python -m research train" + "".join(f" --extra {p}" for p in extra),
        "training_units": int(len(data)),
        "cities": sorted(pd.unique(groups).tolist()),
        "evaluation": "leave-one-city-out, pooled over the held-out cities; hyper-parameters "
                      "chosen inside each training set by an inner leave-one-city-out search "
                      "(nested cross-validation)",
        "grid": list(grid),
        "grid_loco_macro_f1": [round(v, 4) for v in search["loco_macro_f1"]],
        "chosen_params": chosen,
        "chosen_params_loco_macro_f1": round(chosen_score, 4),
        "chosen_per_fold": nested["chosen"],
        "with_context": main,
        "without_context": without_context,
        "fast_model": {"chosen_params": chosen_fast, "chosen_params_loco_macro_f1": round(fast_score, 4),
                       "chosen_per_fold": nested_fast["chosen"],
                       **ev.scores(y, nested_fast["pred"], nested_fast["proba"])},
        "feature_sets": comparison,
        "baselines": baselines,
        "learning_curve": curve,
        "errors": _errors(data, nested["pred"], nested["proba"]),
        "label_counts": data.label.value_counts().reindex(codebook.codes(), fill_value=0).to_dict(),
    }
    models = []
    for params, name, score in ((chosen, MODEL_FILE.name, chosen_score),
                                (chosen_fast, FAST_MODEL_FILE.name, fast_score)):
        model = build_pipeline(params).fit(X, y)
        _strip(model)
        models.append((model, name, {"chosen_params": params, "training_units": int(len(data)),
                                     "codebook_version": metrics["codebook_version"],
                                     "loco_macro_f1": round(score, 4)}))
    predictions = data[["unit_id", "city"]].assign(gold=y, predicted=nested["pred"])
    for j, code in enumerate(codebook.codes()):
        predictions[f"p_{code}"] = nested["proba"][:, j].round(4)
    with atomic_dir(out) as tmp:
        for model, name, meta in models:
            save_model(model, meta, tmp / name)
        write_csv(tmp / "loco_predictions.csv", predictions)
        write_text(tmp / "metrics.json", json.dumps(metrics, ensure_ascii=False, indent=1) + "\n")
        write_text(tmp / "MODEL_CARD.md", model_card(metrics))
    return metrics


def _strip(model) -> None:
    """Drop what prediction never uses (TF-IDF keeps every pruned term in ``stop_words_``)."""
    for _, step in model.named_steps["features"].transformer_list:  # a Union
        if hasattr(step, "stop_words_"):
            del step.stop_words_


def _codebook_version() -> int:
    import yaml

    return yaml.safe_load(paths.CODEBOOK.read_text(encoding="utf-8")).get("version", 1)
