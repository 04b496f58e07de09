"""``lmms-emotion export-training DATASET``: a built split -> LLaVA-style conversations JSON for training."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "export-training",
        help="render a built dataset split (e.g. emobench train) as LLaVA-style conversations JSON, "
             "with the evaluation prompts")
    parser.add_argument("dataset", help="a built dataset under the data root, e.g. emobench")
    parser.add_argument("--split", default="train", help="which split (default: train)")
    parser.add_argument("--out", default=None,
                        help="output JSON (default: <data root>/<dataset>/llava_<split>.json)")
    parser.add_argument("--data-root", default=None,
                        help="where built data lives (default $LMMS_EMOTION_DATA or ~/.cache/lmms_emotion)")
    parser.add_argument("--prompt-style", choices=("plain", "emovit"), default="plain",
                        help="prompt style of the human turns (the evaluation's --prompt-style)")
    parser.add_argument("--absolute-paths", action="store_true",
                        help="write absolute media paths instead of paths relative to the media root")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from lmms_emotion.paths import dataset_dir, media_root, records_path
    from lmms_emotion.records import RecordError
    from lmms_emotion.training_export import ExportError, export_records

    records = records_path(args.dataset, args.split, args.data_root)
    if not records.is_file():
        print(f"export-training failed: {records} does not exist; build it first "
              f"(lmms-emotion build-data {args.dataset} ...)", file=sys.stderr)
        return 2
    out = Path(args.out).expanduser() if args.out else dataset_dir(args.dataset, args.data_root) / f"llava_{args.split}.json"
    try:
        summary = export_records(records, media_root(args.dataset, args.data_root), out, style=args.prompt_style,
                                 absolute=args.absolute_paths, dataset=args.dataset, split=args.split)
    except (ExportError, RecordError) as err:
        print(f"export-training failed: {err}", file=sys.stderr)
        return 2
    per_task = ", ".join(f"{task}={n}" for task, n in summary.per_task.items())
    print(f"wrote {summary.count} conversations to {summary.out} ({per_task})")
    where = "absolute" if args.absolute_paths else f"relative to {summary.media_root} (the image/video folder)"
    print(f"media paths: {where}; description: {summary.meta}")
    return 0
