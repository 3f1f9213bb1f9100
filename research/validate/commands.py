"""``python -m research validate sample|agreement|evaluate|simulate``: the parsers and the thin
calls into the stages (:mod:`research.validate`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from research import paths
from research.validate import DEFAULT, METHODS


def _defaults(args):
    """The project's seed and number of draws (:mod:`research.stats`, imported only when a
    command runs, so the CLI starts without numpy and pandas) where ``args`` leaves them unset."""
    from research import stats

    if getattr(args, "seed", 0) is None:
        args.seed = stats.SEED
    if getattr(args, "draws", 0) is None:
        args.draws = stats.N_DRAWS
    return args


def _sample(args) -> int:
    args = _defaults(args)
    from research.atomic import write_csv
    from research.validate.design import draw_sample, study_units
    from research.validate.sheets import write_sheets

    units = study_units(args.study)
    sample = draw_sample(units, args.n, args.strategy, by_label=args.by_label, seed=args.seed)
    out = Path(args.out or Path(args.study) / "validation")
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "sample.csv", sample, digits=None)  # inclusion probabilities weight estimates: exact
    chosen = units.set_index("unit_id").loc[sample.unit_id].reset_index()
    written = write_sheets(chosen, out, args.coders.split(","), seed=args.seed)
    use = ("a probability sample: estimate accuracy and corrected shares from it (validate evaluate)"
           if args.strategy == "random" else "chosen for training, not for estimation (no inclusion probabilities)")
    print(f"{len(sample)} of {len(units)} units in {sample.stratum.nunique()} strata, strategy {args.strategy}: {use}")
    print(f"wrote {out}/sample.csv, " + ", ".join(str(p.relative_to(out)) for p in written))
    return 0


def _agreement(args) -> int:
    args = _defaults(args)
    from research.validate.agreement import agreement_stage
    from research.validate.codings import read_codings

    codings = read_codings(args.files)
    result = agreement_stage(codings, Path(args.out), n_draws=args.draws)
    for coder, n in result["coders"].items():
        print(f"coder {coder}: {n['coded']} units coded, {n['uncoded']} left uncoded")
    for row in result["table"].itertuples():
        print(f"{row.statistic} ({row.coders}, {row.units} units): {row.value:.3f} "
              f"[{row.ci_low:.3f}, {row.ci_high:.3f}], raw agreement {row.raw_agreement:.3f}")
    status = result["status"]
    print(f"{result['records']} records read for {result['units']} units; {status.get('disagree', 0)} disagreement(s) "
          f"to adjudicate in {args.out}/adjudication.csv (fill label); {status.get('agreed', 0)} agreed, "
          f"{status.get('single', 0)} coded once, {status.get('uncoded', 0)} uncoded")
    return 0


def _evaluate(args) -> int:
    args = _defaults(args)
    from research.validate.evaluate import evaluate_stage

    out = Path(args.out or Path(args.study) / "validation")
    result = evaluate_stage(args.study, args.sample or out / "sample.csv", args.labels or out / "adjudication.csv",
                            out, method=args.method, n_draws=args.draws, model=args.model)
    for key in ("accuracy", "macro_f1"):
        r = result[key]
        print(f"{key} (weighted by inclusion probabilities): {r['value']:.3f} [{r['ci_low']:.3f}, {r['ci_high']:.3f}]")
    print(f"{result['units_validated']} validated units of {result['units_in_study']}; corrected shares "
          f"({args.method}) beside uncorrected in {out}/corrected_shares.csv")
    if (Path(args.study) / "study.json").exists():
        from research.study.page import write_page
        import json

        write_page(Path(args.study), json.loads((Path(args.study) / "study.json").read_text(encoding="utf-8")))
        print(f"redrew {args.study}/report.html with the validation")
    return 0


def _simulate(args) -> int:
    args = _defaults(args)
    from research.classify.card import write_card
    from research.validate.simulate import simulate, write_simulation

    result = simulate(Path(args.models) / "loco_predictions.csv", args.units, size=args.size, reps=args.reps,
                      n_draws=args.draws)
    out = Path(args.models) / "validation_simulation.json"
    write_simulation(result, out)
    pooled, method = result["pooled"], result["design"]["default_method"]
    print(f"coverage of corrected 95% intervals ({method}): {pooled[f'coverage_{method}']:.3f} of "
          f"{pooled['cells']} city x area cells; mean absolute error corrected {pooled[f'mae_{method}']:.4f}, "
          f"uncorrected {pooled['mae_count']:.4f}")
    card = write_card(Path(args.models))
    print(f"wrote {out} and {card}")
    return 0


def add_parser(commands) -> None:
    """Register ``validate`` and its actions on the CLI's sub-parsers."""
    validate = commands.add_parser("validate", help="validate a study's labels: sample, code, agree, evaluate, correct")
    actions = validate.add_subparsers(dest="action", metavar="ACTION", required=True)
    sample = actions.add_parser(
        "sample", help="draw units to code; write blind sheets and Label Studio / doccano imports",
        description="A reproducible sample of a study's units, stratified by document (and, with "
                    "--by-label, the classifier's label), each unit's inclusion probability recorded. "
                    "--strategy random (the default) is a probability sample for estimation; uncertainty "
                    "and diversity choose units for training and are not used for estimation.")
    sample.add_argument("study", metavar="STUDY", help="a folder written by 'python -m research study'")
    sample.add_argument("--n", type=int, default=100, help="units to draw (default 100)")
    sample.add_argument("--strategy", choices=["random", "uncertainty", "diversity"], default="random")
    sample.add_argument("--by-label", action="store_true", help="also stratify by the classifier's label")
    sample.add_argument("--coders", default="A,B", help="comma-separated coder names, one sheet each (default A,B)")
    sample.add_argument("--seed", type=int, default=None, help="random seed (default: the project's, research.stats.SEED)")
    sample.add_argument("--out", metavar="DIR", help="output folder (default STUDY/validation)")
    sample.set_defaults(func=_sample)
    agreement = actions.add_parser(
        "agreement", help="coders' agreement (kappa, alpha, intervals) and the adjudication sheet",
        description="Reads filled-in coding sheets (.csv), Label Studio JSON exports (.json) and doccano "
                    "JSONL exports (.jsonl, or doccano's .zip of one file per annotator), two or more coders.")
    agreement.add_argument("files", nargs="+", metavar="FILE")
    agreement.add_argument("--out", required=True, metavar="DIR", help="output folder (e.g. STUDY/validation)")
    agreement.add_argument("--draws", type=int, default=None, help=argparse.SUPPRESS)
    agreement.set_defaults(func=_agreement)
    evaluate = actions.add_parser(
        "evaluate", help="the classifier against the adjudicated sample; corrected shares",
        description="Accuracy, macro-F1 and per-code precision and recall weighted by the inclusion "
                    "probabilities with bootstrap intervals, confusion, calibration, and each group's "
                    "area shares corrected for the measured error beside the uncorrected ones. Redraws "
                    "STUDY/report.html with them.")
    evaluate.add_argument("study", metavar="STUDY")
    evaluate.add_argument("--sample", metavar="FILE", help="sample.csv (default STUDY/validation/sample.csv)")
    evaluate.add_argument("--labels", metavar="FILE",
                          help="adjudicated labels: unit_id, label (default STUDY/validation/adjudication.csv)")
    evaluate.add_argument("--method", default=DEFAULT, choices=METHODS,
                          help="correction (default composite: the count moved toward the ratio estimate as far as "
                               "the correction's own noise allows)")
    evaluate.add_argument("--model", metavar="DIR", default=paths.MODELS,
                          help="folder of the model that labelled the study (default models/); calibrated and "
                               "hierarchical read its loco_predictions.csv")
    evaluate.add_argument("--out", metavar="DIR", help="output folder (default STUDY/validation)")
    evaluate.add_argument("--draws", type=int, default=None, help=argparse.SUPPRESS)
    evaluate.set_defaults(func=_evaluate)
    simulate = actions.add_parser(
        "simulate", help="evidence: each seed city as a user's collection (writes models/validation_simulation.json)",
        description="Coverage and error of the corrected shares, and learning curves per sampling strategy, "
                    "from models/loco_predictions.csv; also renders models/MODEL_CARD.md again (no retraining).")
    simulate.add_argument("--units", metavar="FILE", default=paths.UNITS,
                          help="corpus units for the learning curves (default data/corpus/units.csv)")
    simulate.add_argument("--models", metavar="DIR", default=paths.MODELS, help="models folder (default models/)")
    simulate.add_argument("--size", type=int, default=30, help="validated units per city (at most half; default 30)")
    simulate.add_argument("--reps", type=int, default=100, help="samples per city (default 100)")
    simulate.add_argument("--draws", type=int, default=500, help="bootstrap draws per sample (default 500)")
    simulate.set_defaults(func=_simulate)
