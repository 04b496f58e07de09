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
    parser.add_argument("--n-resamples", type=int, default=10000,
                        help="resamples for the paired tests: their bootstrap intervals, and permutation tests of "
                             "scores that are not 0/1 (0/1 accuracy gets the exact McNemar test)")
    parser.add_argument("--n-resamples-ci", type=int, default=2000, help="bootstrap resamples for accuracy CIs")
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed (reports are reproducible)")
    parser.add_argument("--min-shared", type=float, default=None, metavar="SHARE",
                        help="rank a run only when it shares at least this share of a task's records with the "
                             "other runs (default 0.8); runs are ranked and tested on the records they share")
    parser.add_argument("--expect-better", nargs=3, action="append", default=[], metavar=("WINNER", "LOSER", "POINTS"),
                        help="exit with status 1 unless run WINNER's accuracy beats run LOSER's by at least POINTS "
                             "percentage points on every task both are ranked on (repeatable; for CI and demos)")
    parser.add_argument("--no-plots", action="store_true", help="skip the confusion-matrix pictures")
    parser.add_argument("--title", default="Model comparison", help="report title")
    parser.set_defaults(handler=run)


def _expectations(raw: list[list[str]]) -> list[tuple[str, str, float]]:
    parsed = []
    for winner, loser, points in raw:
        try:
            parsed.append((winner, loser, float(points)))
        except ValueError:
            raise ValueError(f"--expect-better {winner} {loser} {points}: POINTS must be a number of percentage "
                             "points, e.g. 30") from None
    return parsed


def run(args: argparse.Namespace) -> int:
    from lmms_emotion.report.build import ReportOptions, margin_failures
    from lmms_emotion.report.runs import ReportError, load_runs
    from lmms_emotion.report.stats import DEFAULT_MIN_SHARED
    from lmms_emotion.report.write import summary_lines, write_report

    min_shared = DEFAULT_MIN_SHARED if args.min_shared is None else args.min_shared
    options = ReportOptions(n_resamples_ci=args.n_resamples_ci, n_resamples_test=args.n_resamples, seed=args.seed,
                            baseline=args.baseline, min_shared=min_shared, plots=not args.no_plots,
                            title=args.title)
    try:
        expectations = _expectations(args.expect_better)
        runs = load_runs(args.runs)
        files = write_report(runs, args.out, options)
    except (ReportError, ValueError) as err:
        print(f"compare failed: {err}", file=sys.stderr)
        return 2
    print("\n".join(summary_lines(files)))
    failed = False
    for winner, loser, points in expectations:
        failures = margin_failures(files.data, winner, loser, points)
        for failure in failures:
            print(f"expectation failed: {failure}", file=sys.stderr)
        if not failures:
            print(f"expectation met: {winner} beats {loser} by at least {points:g} points on every shared task")
        failed = failed or bool(failures)
    return 1 if failed else 0
