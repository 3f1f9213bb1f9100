"""Command line: ``python -m research <command>``.

Every failure the project foresees (bad input, bad annotation file, untrusted model) is a
:class:`research.errors.ResearchError`; it is printed as one line on stderr with exit code 2.
"""

from __future__ import annotations

import argparse
import sys

from research import __version__
from research.errors import ResearchError


def _corpus_build(args) -> int:
    from research.corpus.build import build_corpus

    frame = build_corpus()
    counts = frame.groupby("doc_id").size()
    for doc_id, n in counts.items():
        print(f"{doc_id}\t{n} units")
    print(f"wrote data/corpus/units.csv ({len(frame)} units), tables.csv, cleaning_report.json")
    return 0


def _annotations_check(args) -> int:
    from research.annotations.check import check_annotations

    return check_annotations(verbose=True)


def _topics_fit(args) -> int:
    from research.topics.fit import fit_topics

    k = args.k if args.k == "auto" else int(args.k)
    summary = fit_topics(k=k, seeded=args.seeded, jobs=args.jobs)
    where = "data/topics/seeded" if args.seeded else "data/topics"
    print(f"K={summary['k']} ({summary['reason']}); wrote {where}/")
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
    build.set_defaults(func=_corpus_build)

    annotations = commands.add_parser("annotations", help="gold labels and their agreement")
    ann_commands = annotations.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = ann_commands.add_parser(
        "check", help="validate gold.csv and second_pass.csv; print kappa and label counts")
    check.set_defaults(func=_annotations_check)
    topics = commands.add_parser("topics", help="LDA topic models")
    topic_commands = topics.add_subparsers(dest="action", metavar="ACTION", required=True)
    fit = topic_commands.add_parser("fit", help="choose K, fit LDA, write data/topics/")
    fit.add_argument("--k", type=_k_value, default="auto",
                     help="number of topics, or 'auto' to choose it over a grid (default: auto)")
    fit.add_argument("--seeded", action="store_true",
                     help="seed one topic per codebook label with its terms (plus free topics)")
    fit.add_argument("--jobs", type=int, default=1, help="worker processes for the K grid (default 1)")
    fit.set_defaults(func=_topics_fit)
    return parser


def main(argv: list[str] | None = None) -> int:
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
