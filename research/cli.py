"""Command line: ``python -m research <command>``.

Every failure the project foresees (bad input, bad annotation file, untrusted model) is a
:class:`research.errors.ResearchError`; it is printed as one line on stderr with exit code 2.
"""

from __future__ import annotations

import argparse
import os
import sys

from pathlib import Path

from research import __version__, paths
from research.report import GROUPINGS, ORDER_RULES
from research.errors import ResearchError


def _corpus_build(args) -> int:
    from pathlib import Path

    from research import paths
    from research.corpus import build_corpus, read_units

    result = build_corpus(Path(args.seeds) if args.seeds else paths.SEEDS,
                          Path(args.out) if args.out else paths.CORPUS)
    for doc_id, n in read_units(result.units).groupby("doc_id").size().items():
        print(f"{doc_id}\t{n} units")
    where = args.out or "data/corpus"
    print(f"wrote {where}/units.csv ({result.n_units} units), dropped.csv, tables.csv, table_cells.csv, "
          f"cleaning_report.json")
    return 0


def _annotations_check(args) -> int:
    from research.annotations.check import check_annotations

    return check_annotations(args.units, verbose=True)


def _topics_fit(args) -> int:
    from research.annotations.check import reference_labels
    from research.corpus import read_units
    from research.topics.model import fit_topic_model

    units = read_units(args.units)
    labels = reference_labels(units)  # gold (front matter: other) scores only a corpus it covers
    out = args.out or paths.DATA / "topics" / ("seeded" if args.seeded else "")
    summary = fit_topic_model(units, out, seeded=args.seeded, labels=labels, jobs=args.jobs,
                              k=args.k if args.k == "auto" else int(args.k), sensitivity=args.sensitivity)
    where = args.out or ("data/topics/seeded" if args.seeded else "data/topics")
    print(f"K={summary['k']} ({summary['reason']}); wrote {where}/")
    if "macro_f1" in summary:
        low, high = summary["macro_f1_ci"]
        print(f"as a classifier: macro-F1 {summary['macro_f1']:.3f} [{low:.3f}, {high:.3f}] "
              f"(keyword rule {summary['keyword_rule_macro_f1']:.3f}); city x area share r "
              f"{summary['share_correlation']:.3f}")
    if "stability" in summary:
        print(f"stability (matched top-10 Jaccard, {summary['stability']['models']} consensus models): "
              f"{summary['stability']['consensus']:.3f}")
    return 0


def _train(args) -> int:
    from research import paths
    from research.classify.train import train

    if args.extra and not args.out:
        raise ResearchError("--extra needs --out DIR: a model trained with your labels is written to its own "
                            "folder (the shipped models/ changes only through 'make models')")
    out = Path(args.out) if args.out else paths.MODELS
    metrics = train(args.units or paths.UNITS, extra=args.extra, out=out, quick=args.quick, jobs=args.jobs)
    main = metrics["with_context"]
    print(f"leave-one-city-out macro-F1 {main['macro_f1']:.3f}, accuracy {main['accuracy']:.3f}, "
          f"top-2 accuracy {main['top2_accuracy']:.3f}, ECE {main['calibration']['ece']:.3f}"
          + (f" (this model's evaluation, {metrics['training_units']} units with the --extra files; the "
             f"shipped model's figures are in models/MODEL_CARD.md)" if args.extra else ""))
    print(f"wrote {out}/classifier.skops, metrics.json, loco_predictions.csv, MODEL_CARD.md"
          + (f"; use it with --model {out}" if args.out else ""))
    return 0


def _classify(args) -> int:
    from research.classify.apply import classify

    return classify(args.paths, out=args.out, model_path=args.model, jobs=args.jobs, suggest=args.suggest,
                    dask=args.dask)


def _topics_coverage(args) -> int:
    from research.corpus import read_units
    from research.topics.coverage import write_coverage

    s = write_coverage(read_units(args.units), args.out or paths.DATA / "topics")
    print(f"{s['terms']} hand-checked domain terms, {s['occurrences']} occurrences in the corpus")
    print(f"kept whole by jieba with the domain dictionary:    {s['with_dictionary_occurrences']:.1%} "
          f"of occurrences ({s['with_dictionary_terms']:.1%} of terms at every occurrence)")
    print(f"kept whole by jieba without the domain dictionary: {s['without_dictionary_occurrences']:.1%} "
          f"of occurrences ({s['without_dictionary_terms']:.1%} of terms)")
    print(f"wrote {args.out or 'data/topics'}/dictionary_coverage.csv")
    return 0


def _report(args) -> int:
    from research.study.outputs import outputs_stage

    langs = ("en", "zh") if args.lang == "both" else (args.lang,)
    written = outputs_stage(Path(args.study), langs=langs, notebooks=False, jobs=args.jobs, order=args.order)
    print(f"wrote {len(written['tables'])} tables, {len(written['figures'])} figures and report.html under {args.study}/")
    return 0


def _study(args) -> int:
    from research.study import run_study

    if args.jobs < 1:
        raise ResearchError("--jobs must be at least 1")
    summary = run_study(args.paths, args.out, meta=args.meta, by=args.by, human_labels=Path(args.labels),
                        model=args.model, dask=args.dask, jobs=args.jobs, topics_k=args.topics_k,
                        fit_topics=not args.no_topics, notebooks=not args.no_notebooks, effects=args.effects)
    sources = summary["label_sources"]
    print(f"{summary['documents']} documents, {summary['units']} units ({sources['human']} human labels, "
          f"{sources['classifier']} classifier, {sources.get('structure', 0)} front matter) "
          f"in {len(summary['groups'])} groups by {summary['by']}: "
          f"{', '.join(map(str, summary['groups']))}")
    print(f"wrote {args.out}/: metadata.csv, corpus/, labels.csv, topics/, tables/, figures/, "
          f"{'' if args.no_notebooks else 'notebooks/, '}report.html, study.json")
    return 3 if summary["skipped"] else 0


def _notebooks(args) -> int:
    from research.notebooks import execute, notebook_files

    for path in notebook_files():
        target = execute(path, args.out)
        print(f"executed {path.name} -> {target}")
    return 0


def _k_value(text: str) -> str:
    if text == "auto" or (text.isdigit() and 2 <= int(text) <= 60):
        return text
    raise argparse.ArgumentTypeError("K must be 'auto' or a whole number from 2 to 60")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m research",
        description="Chinese medical-security plans: corpus, annotations, topics, classifier, reports.",
    )
    parser.add_argument("--version", action="version", version=f"research {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    corpus = commands.add_parser("corpus", help="build the paragraph corpus from seeds/")
    corpus_commands = corpus.add_subparsers(dest="action", metavar="ACTION", required=True)
    build = corpus_commands.add_parser(
        "build", help="clean and segment seeds/ into data/corpus/ (units, tables, cleaning report)")
    build.add_argument("--seeds", metavar="DIR",
                       help="folder with the documents and their manifest.csv (default: seeds/)")
    build.add_argument("--out", metavar="DIR", help="output folder (default: data/corpus/)")
    build.set_defaults(func=_corpus_build)

    annotations = commands.add_parser("annotations", help="gold labels and their agreement")
    ann_commands = annotations.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = ann_commands.add_parser(
        "check", help="validate gold.csv and second_pass.csv; print kappa and label counts")
    check.add_argument("--units", metavar="FILE",
                       help="corpus units to check against (default: data/corpus/units.csv, "
                            "written by 'corpus build')")
    check.set_defaults(func=_annotations_check)
    topics = commands.add_parser("topics", help="LDA topic models")
    topic_commands = topics.add_subparsers(dest="action", metavar="ACTION", required=True)
    fit = topic_commands.add_parser("fit", help="choose K, fit LDA (consensus of several runs), write data/topics/")
    fit.add_argument("--k", type=_k_value, default="auto",
                     help="number of topics, or 'auto' to choose it over a grid (default: auto)")
    fit.add_argument("--seeded", action="store_true",
                     help="guided LDA: one topic per codebook label seeded with its national terms "
                          "(plus free topics); writes data/topics/seeded/")
    fit.add_argument("--jobs", type=int, default=1,
                     help="worker processes for the K grid and the sampling chains (default 1)")
    fit.add_argument("--sensitivity", action="store_true",
                     help="with --seeded: also score the guided model under other settings (sensitivity.csv)")
    fit.add_argument("--units", metavar="FILE",
                     help="units CSV (default data/corpus/units.csv); scored against gold if gold covers it")
    fit.add_argument("--out", metavar="DIR", help="output folder (default data/topics/, --seeded: data/topics/seeded/)")
    fit.set_defaults(func=_topics_fit)
    coverage = topic_commands.add_parser(
        "coverage", help="share of hand-checked domain terms jieba keeps whole, with and without "
                         "the domain dictionary")
    coverage.add_argument("--units", metavar="FILE", help="units CSV (default data/corpus/units.csv)")
    coverage.add_argument("--out", metavar="DIR", help="output folder (default data/topics/)")
    coverage.set_defaults(func=_topics_coverage)
    train = commands.add_parser(
        "train", help="evaluate and fit the classifier; write models/ (or --out DIR)",
        description="Nested leave-one-city-out evaluation, selection and fit of the classifier. Without "
                    "--out it replaces the shipped models/ (what 'make models' runs); with --extra, --out "
                    "is required: the model trained with your labels, its metrics and its card (recording "
                    "every training file) go to DIR, used by 'classify --model DIR' and 'study --model DIR'.")
    train.add_argument("--units", metavar="FILE.csv", help="corpus units (default: data/corpus/units.csv)")
    train.add_argument("--extra", action="append", default=[], metavar="FILE.csv",
                       help="extra labelled units (unit_id, label, text; section_path, city or doc_id "
                            "optional, e.g. a filled-in --suggest file); may be given more than once")
    train.add_argument("--out", metavar="DIR",
                       help="write the model, metrics and card to DIR instead of models/ (required with --extra)")
    train.add_argument("--quick", action="store_true",
                       help="one grid point, no ablations or learning curve (for smoke tests)")
    train.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    train.set_defaults(func=_train)

    classify = commands.add_parser(
        "classify", help="label every paragraph of new plans (files or folders)",
        description="Read each document (.txt in any common Chinese encoding, .html, .docx, .pdf "
                    "with a text layer), clean and segment it, and label every paragraph. Exit "
                    "code 0: all labelled; 2: bad input, nothing labelled; 3: some documents "
                    "skipped (each named on stderr).")
    classify.add_argument("paths", nargs="+", metavar="PATH", help="a document or a folder of documents")
    classify.add_argument("--out", metavar="FILE", help="write one row per unit to FILE.csv or FILE.json")
    classify.add_argument("--model", metavar="PATH",
                          help="model file, or folder written by 'train --out' (default: models/classifier.skops)")
    classify.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    classify.add_argument("--suggest", metavar="FILE.csv",
                          help="also write the units sorted by model uncertainty, to correct and "
                               "feed back with 'train --extra'")
    classify.add_argument("--dask", metavar="ADDRESS",
                          help="run on a Dask cluster (scheduler address, or 'local' for a local "
                               "cluster of --jobs workers)")
    classify.set_defaults(func=_classify)

    report = commands.add_parser(
        "report", help="redraw a study's tables, figures and report page from its stage files",
        description="Runs the outputs stage of a finished study again (LaTeX tables, figures, "
                    "report.html) from the files its other stages wrote; it never runs them.")
    report.add_argument("study", nargs="?", default=str(paths.REPORTS), metavar="STUDY",
                        help="a folder written by 'study' (default: reports/, the study of seeds/)")
    report.add_argument("--lang", choices=["en", "zh", "both"], default="both",
                        help="language of the figures (default both; zh files end in _zh)")
    report.add_argument("--jobs", type=int, default=2, help="processes (default 2)")
    report.add_argument("--order", choices=ORDER_RULES, default=None,
                        help="order of the groups in the figures: as the metadata's order column gives, "
                             "by units (largest first) or by name (default: given when there is an order "
                             "column, else name)")
    report.set_defaults(func=_report)

    study = commands.add_parser(
        "study", help="a whole study of any collection: figures, tables, notebooks, report page",
        description="Corpus, labels (human labels where a unit has one, else the classifier), topics, "
                    "emphasis per document and group with bootstrap intervals, an independence test, "
                    "the classifier's evaluation where its out-of-sample predictions cover the "
                    "human-labelled units, and outputs (tables/, figures/, notebooks/, report.html) for "
                    "any files and folders. Without --meta, city, province, year and type are inferred "
                    "and written to DIR/metadata.csv to correct and pass back. Exit code 0: done; 2: bad "
                    "input, nothing written; 3: done, some documents skipped (each named).")
    study.add_argument("paths", nargs="+", metavar="PATH", help="a document or a folder of documents")
    study.add_argument("--out", required=True, metavar="DIR", help="output folder (replaced when the study succeeds)")
    study.add_argument("--meta", metavar="META.csv",
                       help="metadata: columns file, city, province, year, type (doc_id, city_zh optional)")
    study.add_argument("--by", choices=list(GROUPINGS), default="city",
                       help="group documents by this metadata column (default city)")
    study.add_argument("--labels", metavar="LABELS.csv", default=str(paths.GOLD),
                       help="human labels (gold.csv columns: unit_id, label, ...), used for every unit "
                            "they name (default: the project's gold annotations)")
    study.add_argument("--model", metavar="PATH",
                       help="classifier file, or folder written by 'train --out' (its evaluation is used too; "
                            "default: the shipped model)")
    study.add_argument("--dask", metavar="ADDRESS",
                       help="run the per-document stages on a Dask cluster ('local': a local cluster of --jobs workers)")
    study.add_argument("--jobs", type=int, default=2, help="processes (default 2)")
    study.add_argument("--topics-k", type=_k_value, default="auto",
                       help="number of unseeded topics, or 'auto' to choose it over a grid (default auto)")
    study.add_argument("--no-topics", action="store_true", help="do not fit topic models (faster)")
    study.add_argument("--no-notebooks", action="store_true", help="do not execute the notebooks")
    study.add_argument("--effects", metavar="FORMULA",
                       help="covariate effects on area shares and topic prevalence, e.g. '~ region + pilot + year' "
                            "(metadata columns; tables/effects.csv)")
    study.set_defaults(func=_study)

    from research.validate.commands import add_parser as add_validate

    add_validate(commands)

    notebooks = commands.add_parser("notebooks", help="execute notebooks/NN_*.ipynb top to bottom")
    notebooks.add_argument("--out", metavar="DIR",
                           help="write executed copies to DIR instead of in place")
    notebooks.set_defaults(func=_notebooks)
    return parser


def main(argv: list[str] | None = None) -> int:
    from research.messages import show_warnings

    show_warnings()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ResearchError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; no output was changed", file=sys.stderr)
        return 130
    except BrokenPipeError:  # stdout closed early, e.g. piped into head
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as err:  # cannot write an output: permissions, full disk, missing folder
        where = f"{err.filename}: " if err.filename else ""
        print(f"error: {where}{err.strerror or err}", file=sys.stderr)
        return 2
