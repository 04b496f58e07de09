"""``lmms-emotion``: build data, evaluate through lmms-eval, and find the task folder.

    lmms-emotion build-data emoset --raw ~/datasets/EmoSet-118K
    lmms-emotion eval --model emovit --tasks emovit --output_path runs/ --log_samples
    lmms-emotion tasks-path
    lmms-emotion tasks

Each subcommand imports what it needs when it runs, so ``lmms-emotion --help`` is instant.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Sequence

_Handler = Callable[[argparse.Namespace, list[str]], int]


def _cmd_build_data(args: argparse.Namespace, _rest: list[str]) -> int:
    from lmms_emotion.paths import data_root
    from lmms_emotion.sources import get_source
    from lmms_emotion.sources.common import BuildError, BuildOptions, write_dataset

    root = data_root(args.data_root)
    module = get_source(args.dataset)
    options = BuildOptions(raw=Path(args.raw).expanduser(), out_root=root, skip_bad=args.skip_bad,
                           workers=args.workers, verify=args.verify, seed=args.seed, link_mode=args.link_mode)
    try:
        result = module.build(options)
    except BuildError as err:
        print(f"build-data failed: {err}", file=sys.stderr)
        return 2
    folder = write_dataset(result, root)
    print(result.summary())
    print(f"wrote {folder}")
    return 0


# dataset -> "module:function" writing a small generated folder in that dataset's raw layout
SAMPLE_WRITERS: dict[str, str] = {
    "emoset": "lmms_emotion.testing.raw_emoset:write_emoset",
}


def _cmd_sample_data(args: argparse.Namespace, _rest: list[str]) -> int:
    import importlib

    module_name, function_name = SAMPLE_WRITERS[args.dataset].split(":")
    writer = getattr(importlib.import_module(module_name), function_name)
    out = Path(args.out).expanduser()
    expected = writer(out)
    total = sum(sum(per_class.values()) for per_class in expected.values())
    print(f"wrote a generated {args.dataset} sample ({total} items, raw release layout) to {out}")
    return 0


def _cmd_eval(_args: argparse.Namespace, rest: list[str]) -> int:
    from lmms_emotion.eval_runner import run

    return run(rest)


def _cmd_tasks_path(args: argparse.Namespace, _rest: list[str]) -> int:
    if args.all:
        from lmms_emotion.discovery import plugin_task_dirs

        print("\n".join(plugin_task_dirs()))
    else:
        from lmms_emotion.task_configs import task_dir

        print(task_dir())
    return 0


def _cmd_tasks(_args: argparse.Namespace, _rest: list[str]) -> int:
    from lmms_emotion.discovery import index_task_dirs, plugin_task_dirs

    index = index_task_dirs(plugin_task_dirs())
    width = max((len(name) for name in index), default=4)
    for name in sorted(index):
        entry = index[name]
        detail = f"group of {len(entry.subtasks)}" if entry.kind == "group" else "task"
        print(f"{name:<{width}}  {detail}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The ``lmms-emotion`` argument parser."""
    from lmms_emotion import __version__
    from lmms_emotion.sources import SOURCES

    parser = argparse.ArgumentParser(prog="lmms-emotion", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"lmms-emotion {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build-data", help="convert a raw public dataset into records under the data root")
    build.add_argument("dataset", choices=sorted(SOURCES), help="which dataset to build")
    build.add_argument("--raw", required=True, help="the dataset's raw release folder, as downloaded")
    build.add_argument("--data-root", "--out", dest="data_root", default=None,
                       help="where built data goes (default $LMMS_EMOTION_DATA or ~/.cache/lmms_emotion)")
    build.add_argument("--skip-bad", action="store_true",
                       help="leave out bad items (missing/corrupt files, malformed rows) and report them")
    build.add_argument("--workers", type=int, default=4, help="threads for image verification")
    build.add_argument("--verify", choices=("decode", "exists"), default="decode",
                       help="decode every image (default) or only check that files exist")
    build.add_argument("--seed", type=int, default=0, help="seed for splits the builder has to define")
    build.add_argument("--link-mode", choices=("symlink", "copy"), default="symlink",
                       help="how the media root refers to the raw folder")
    build.set_defaults(handler=_cmd_build_data)

    sample = sub.add_parser("sample-data", help="write a small generated folder in a dataset's raw layout "
                                                 "(to try the pipeline without downloading anything)")
    sample.add_argument("dataset", choices=sorted(SAMPLE_WRITERS))
    sample.add_argument("--out", required=True, help="folder to write")
    sample.set_defaults(handler=_cmd_sample_data)

    evaluate = sub.add_parser(
        "eval", add_help=False,
        help="run lmms-eval with the plugin tasks added (all lmms-eval arguments pass through; "
             "extra: --data-root, --prompt-style plain|emovit, --no-preflight)")
    evaluate.set_defaults(handler=_cmd_eval)

    tasks_path = sub.add_parser("tasks-path", help="print the task folder for lmms-eval --include_path")
    tasks_path.add_argument("--all", action="store_true", help="every installed plugin's task folder")
    tasks_path.set_defaults(handler=_cmd_tasks_path)

    tasks = sub.add_parser("tasks", help="list the tasks and groups the installed plugins define")
    tasks.set_defaults(handler=_cmd_tasks)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``lmms-emotion`` command."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "eval":
        return _cmd_eval(argparse.Namespace(), argv[1:])
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if rest:
        parser.error(f"unrecognised arguments: {' '.join(rest)}")
    return args.handler(args, rest)


if __name__ == "__main__":
    sys.exit(main())
