"""``lmms-emotion eval ...``: lmms-eval's CLI with plugin task folders added (see lmms_emotion.eval_runner)."""

from __future__ import annotations

import argparse

PASSTHROUGH_COMMAND = "eval"  # cli.main hands every argument after it to the handler untouched


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "eval", add_help=False,
        help="run lmms-eval with the plugin tasks added (all lmms-eval arguments pass through; "
             "extra: --data-root, --no-preflight; the prompt style and the open-set judge are set in the "
             "task YAML, EmoPrompt in --model_args)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from lmms_emotion.eval_runner import run as run_eval

    return run_eval(args.passthrough)
