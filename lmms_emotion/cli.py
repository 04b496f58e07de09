"""``lmms-emotion``: build data, evaluate through lmms-eval, and more.

    lmms-emotion build-data emoset --raw ~/datasets/EmoSet-118K
    lmms-emotion eval --model emotion_oracle --tasks emovit_emoset --output_path runs/ --log_samples
    lmms-emotion tasks-path
    lmms-emotion tasks

Subcommands live in ``lmms_emotion.commands`` (one module each) and import what they
need when they run, so ``lmms-emotion --help`` is instant.
"""

from __future__ import annotations

import argparse
import sys
from typing import Sequence


def build_parser() -> argparse.ArgumentParser:
    """The ``lmms-emotion`` argument parser, with every subcommand module registered."""
    from lmms_emotion import __version__
    from lmms_emotion.commands import command_modules

    parser = argparse.ArgumentParser(prog="lmms-emotion", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"lmms-emotion {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in command_modules():
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``lmms-emotion`` command; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if argv and argv[0] in _passthrough_commands(parser):
        args = parser.parse_args(argv[:1])
        args.passthrough = argv[1:]
        return args.handler(args)
    args = parser.parse_args(argv)
    return args.handler(args)


def _passthrough_commands(parser: argparse.ArgumentParser) -> set[str]:
    from lmms_emotion.commands import command_modules

    return {module.PASSTHROUGH_COMMAND for module in command_modules() if hasattr(module, "PASSTHROUGH_COMMAND")}


if __name__ == "__main__":
    sys.exit(main())
