"""``lmms-emotion build-data DATASET --raw DIR``: a raw public release -> records under the data root.

A builder that composes other built datasets instead of reading a raw release (``emobench``)
declares ``NEEDS_RAW = False``; for it ``--raw`` is optional (default: the data root).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers) -> None:
    from lmms_emotion.sources import available_sources

    parser = subparsers.add_parser("build-data", help="convert a raw public dataset into records under the data root")
    parser.add_argument("dataset", choices=available_sources(), help="which dataset to build")
    parser.add_argument("--raw", default=None,
                        help="the dataset's raw release folder, as downloaded (required, except for datasets "
                             "composed from other built datasets, such as emobench)")
    parser.add_argument("--data-root", "--out", dest="data_root", default=None,
                        help="where built data goes (default $LMMS_EMOTION_DATA or ~/.cache/lmms_emotion)")
    parser.add_argument("--skip-bad", action="store_true",
                        help="leave out bad items (missing/corrupt files, malformed rows) and report them")
    parser.add_argument("--workers", type=int, default=4, help="threads for media verification")
    parser.add_argument("--verify", choices=("decode", "exists"), default="decode",
                        help="decode every image/video (default) or only check that files exist")
    parser.add_argument("--seed", type=int, default=0, help="seed for splits the builder has to define")
    parser.add_argument("--link-mode", choices=("symlink", "copy"), default="symlink",
                        help="how the media root refers to the raw folder")
    parser.add_argument("--follow-symlinks", action="store_true",
                        help="accept symbolic links inside the raw folder that lead outside it (datasets kept "
                             "as link farms); by default such links are refused as unsafe media paths")
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="a dataset-specific choice, e.g. --option label=votes for emotion6 "
                             "(docs/datasets.md lists them); repeatable")
    parser.set_defaults(handler=run)


def _parse_options(pairs: list[str]) -> dict[str, str]:
    extra: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--option expects KEY=VALUE, got {pair!r}")
        extra[key.strip()] = value.strip()
    return extra


def run(args: argparse.Namespace) -> int:
    from lmms_emotion.paths import data_root
    from lmms_emotion.sources import get_source
    from lmms_emotion.sources.builder_api import BuildError, BuildOptions
    from lmms_emotion.sources.dataset_writer import write_dataset
    from lmms_emotion.sources.split_leakage import check_split_leakage

    root = data_root(args.data_root)
    module = get_source(args.dataset)
    try:
        extra = _parse_options(args.option)
    except ValueError as err:
        print(f"build-data failed: {err}", file=sys.stderr)
        return 2
    known = getattr(module, "OPTIONS", {})
    unknown = sorted(set(extra) - set(known))
    if unknown:
        offered = ", ".join(f"{key}={'|'.join(values)}" for key, values in known.items()) or "none"
        print(f"build-data failed: {args.dataset} takes no --option {', '.join(unknown)} (its options: {offered})",
              file=sys.stderr)
        return 2
    if args.raw is None and getattr(module, "NEEDS_RAW", True):
        print(f"build-data failed: {args.dataset} needs --raw <the raw release folder>. {module.OBTAIN}",
              file=sys.stderr)
        return 2
    raw = Path(args.raw).expanduser() if args.raw is not None else root
    options = BuildOptions(raw=raw, out_root=root, skip_bad=args.skip_bad,
                           workers=args.workers, verify=args.verify, seed=args.seed, link_mode=args.link_mode,
                           extra=extra, follow_symlinks=args.follow_symlinks)
    try:
        built = module.build(options)
        # One raw release may yield several datasets (WEBEmo: one per level of its label hierarchy).
        results = [check_split_leakage(result, options) for result in (built if isinstance(built, list) else [built])]
    except BuildError as err:
        print(f"build-data failed: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # the data root is a file, read-only, full; a raw file vanished mid-build
        print(f"build-data failed: {_os_problem(err)}", file=sys.stderr)
        return 2
    if options.follow_symlinks:
        for result in results:
            result.manifest["follow_symlinks"] = True
    for result in results:
        try:
            folder = write_dataset(result, root)
        except OSError as err:
            print(f"build-data failed: cannot write {result.dataset} under the data root {root}: {_os_problem(err)}",
                  file=sys.stderr)
            return 2
        print(result.summary())
        print(f"wrote {folder}")
    return 0


def _os_problem(err: OSError) -> str:
    """An OS error as one line naming the path and what to do."""
    where = f" ({err.filename})" if err.filename else ""
    return (f"{err.strerror or err}{where}. Check that the path exists, is a folder where one is expected, is "
            "writable and has free space, or choose another --data-root.")
