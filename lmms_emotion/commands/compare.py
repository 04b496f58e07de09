"""``lmms-emotion compare RUN_DIR...``: leaderboards, per-class tables, CIs, paired tests and confusion plots."""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "compare", help="compare lmms-eval runs: leaderboard (Markdown, CSV, HTML), per-class accuracy, "
                        "bootstrap CIs, paired tests, confusion matrices, the papers' numbers alongside")
    parser.add_argument("runs", nargs="+", metavar="RUN",
                        help="an lmms-eval --output_path folder (searched for *_results.json) or results file; "
                             "NAME=PATH names the run in the tables")
    parser.add_argument("--out", required=True, help="folder to write the report into")
    parser.add_argument("--baseline", default=None,
                        help="run name to test every other run against (default: all pairs)")
    parser.add_argument("--n-resamples", type=int, default=10000, help="bootstrap resamples for paired tests")
    parser.add_argument("--n-resamples-ci", type=int, default=2000, help="bootstrap resamples for accuracy CIs")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (reports are reproducible)")
    parser.add_argument("--no-plots", action="store_true", help="skip the confusion-matrix pictures")
    parser.add_argument("--title", default="Model comparison", help="report title")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from lmms_emotion.report.build import ReportOptions
    from lmms_emotion.report.runs import ReportError, load_runs
    from lmms_emotion.report.write import summary_lines, write_report

    options = ReportOptions(n_resamples_ci=args.n_resamples_ci, n_resamples_test=args.n_resamples, seed=args.seed,
                            baseline=args.baseline, plots=not args.no_plots, title=args.title)
    try:
        runs = load_runs(args.runs)
        files = write_report(runs, args.out, options)
    except (ReportError, ValueError) as err:
        print(f"compare failed: {err}", file=sys.stderr)
        return 2
    print("\n".join(summary_lines(files)))
    return 0
