"""``lmms-emotion export-upstream --hf-org ORG --out DIR``: task folders ready for lmms-eval's ``lmms_eval/tasks/``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "export-upstream", help="write what to copy into lmms-eval: the scoring package as "
                                "lmms_eval/tasks/_task_utils/emotion/, task folders (hub dataset paths, thin "
                                "utils.py, README) and the filled PR description")
    parser.add_argument("--hf-org", required=True, help="hub user or organisation the datasets are published under")
    parser.add_argument("--out", required=True, help="folder to write <out>/lmms_eval/tasks/... and PR_DESCRIPTION.md into")
    parser.add_argument("--folder", action="append", default=None, metavar="DIR",
                        help="task folder to export (repeatable; default: every installed plugin task folder)")
    parser.add_argument("--repo-name", default="lmms-emotion-{folder}",
                        help="dataset repository name template (as given to push-data)")
    parser.add_argument("--local-data", default=None, metavar="DIR",
                        help="point dataset_path at a `push-data --save-to DIR` copy, to validate before "
                             "publishing (do not submit that variant)")
    parser.add_argument("--data-root", default=None, help="built records, for the counts in the READMEs")
    parser.add_argument("--validation-run", default=None, metavar="DIR",
                        help="lmms-eval output folder of your --limit 8 run, to fill the PR's results table")
    parser.add_argument("--no-format", action="store_true", help="do not run `ruff format` on the task folders' utils.py")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from lmms_emotion.report.runs import ReportError
    from lmms_emotion.upstream.export import ExportError, ExportOptions, export_upstream

    options = ExportOptions(
        hf_org=args.hf_org, out=Path(args.out),
        folders=[Path(f) for f in args.folder] if args.folder else None, repo_template=args.repo_name,
        local_data=Path(args.local_data) if args.local_data else None,
        data_root=Path(args.data_root) if args.data_root else None,
        validation_run=Path(args.validation_run) if args.validation_run else None,
        format_code=not args.no_format)
    try:
        exported = export_upstream(options)
    except (ExportError, ReportError, FileNotFoundError, ValueError) as err:
        print(f"export-upstream failed: {err}", file=sys.stderr)
        return 2
    for folder in exported:
        print(f"{folder.path}: {len(folder.tasks)} tasks, {len(folder.groups)} groups, dataset_path "
              f"{folder.dataset_path}")
        for warning in folder.warnings:
            print(f"  note: {warning}")
    from lmms_emotion.upstream.export import UPSTREAM_PACKAGE, tasks_dir

    print(f"{tasks_dir(args.out).joinpath(*UPSTREAM_PACKAGE.split('.')[2:])}: the scoring package, copied verbatim")
    print(f"wrote {Path(args.out) / 'PR_DESCRIPTION.md'}; contribute with: cp -r {Path(args.out) / 'lmms_eval'} "
          "<your lmms-eval checkout>/")
    if options.local_data:
        print("dataset_path points at the local copy: re-export without --local-data before submitting")
    return 0
