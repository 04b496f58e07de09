"""``lmms-emotion sample-data DATASET --out DIR``: a small generated folder in a dataset's raw layout."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers) -> None:
    from lmms_emotion.testing.raw_layouts import available_writers

    parser = subparsers.add_parser(
        "sample-data", help="write a small generated folder in a dataset's raw release layout "
                            "(to try the pipeline without downloading anything)")
    parser.add_argument("dataset", choices=available_writers())
    parser.add_argument("--out", required=True, help="folder to write")
    parser.add_argument("--learnable", action="store_true",
                        help="give the images a signal a model can learn (emoset: one dominant colour per "
                             "emotion), for training demos such as `make eval`")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from lmms_emotion.testing.raw_layouts import write_sample

    out = Path(args.out).expanduser()
    try:
        expected = write_sample(args.dataset, out, learnable=args.learnable)
    except KeyError as err:
        print(f"sample-data: {err.args[0]}", file=sys.stderr)
        return 2
    total = sum(sum(per_class.values()) for per_class in expected.values())
    kind = "learnable (colour-coded) " if args.learnable else ""
    print(f"wrote a generated {kind}{args.dataset} sample ({total} items, raw release layout) to {out}")
    return 0
