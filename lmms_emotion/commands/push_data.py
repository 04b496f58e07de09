"""``lmms-emotion push-data --hf-org ORG``: built records and media -> hub datasets for the exported tasks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "push-data", help="write the hub dataset of each task folder (parquet with images, video files) and "
                          "upload it; --dry-run / --save-to only write it locally")
    parser.add_argument("--hf-org", required=True, help="hub user or organisation that will own the datasets")
    parser.add_argument("--folder", action="append", default=None, metavar="DIR",
                        help="task folder to publish (repeatable; default: every installed plugin task folder)")
    parser.add_argument("--tasks", default=None, help="comma-separated task names to include (default: all)")
    parser.add_argument("--data-root", default=None, help="where built records are (default $LMMS_EMOTION_DATA)")
    parser.add_argument("--save-to", default=None, metavar="DIR",
                        help="write the repositories under DIR/<repo name> (kept; use it with "
                             "export-upstream --local-data DIR)")
    parser.add_argument("--dry-run", action="store_true", help="write locally, upload nothing")
    parser.add_argument("--skip-missing", action="store_true", help="leave out tasks whose data is not built")
    parser.add_argument("--repo-name", default="lmms-emotion-{folder}",
                        help="dataset repository name template (default lmms-emotion-{folder})")
    parser.add_argument("--public", action="store_true",
                        help="create public repositories (default private; upstream needs public ones, "
                             "check the source datasets' licences first)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import tempfile

    from lmms_emotion.task_utils import DataNotBuiltError
    from lmms_emotion.upstream.hub_data import HubDataError, check_hub_access, push_folder, write_hub_folder
    from lmms_emotion.upstream.task_folder import plugin_task_folders, read_task_folder

    if not args.save_to and not args.dry_run and "/" in args.hf_org:
        print("push-data: --hf-org is a user or organisation name, without '/'", file=sys.stderr)
        return 2
    if not args.dry_run:  # an upload follows: check the token and the hub before writing anything
        try:
            check_hub_access(args.hf_org)
        except HubDataError as err:
            print(f"push-data: cannot upload: {err}", file=sys.stderr)
            return 2
    folders = [Path(f) for f in args.folder] if args.folder else plugin_task_folders()
    tasks = [t.strip() for t in args.tasks.split(",") if t.strip()] if args.tasks else None
    out = Path(args.save_to) if args.save_to else Path(tempfile.mkdtemp(prefix="lmms_emotion_hub_"))
    written = []
    for folder_path in folders:
        folder = read_task_folder(folder_path)
        if tasks is not None and not any(t.name in tasks for t in folder.tasks):
            continue
        try:
            hub = write_hub_folder(folder, out, root=args.data_root, tasks=tasks, skip_missing=args.skip_missing,
                                   template=args.repo_name)
        except (DataNotBuiltError, HubDataError) as err:
            print(f"push-data failed for {folder.path}: {err}", file=sys.stderr)
            return 2
        for name in hub.missing:
            print(f"left out {name}: its data is not built")
        for entry in hub.configs:
            rows = ", ".join(f"{split} {n}" for split, n in entry.splits.items())
            print(f"{hub.repo_name}/{entry.task}: {rows} rows ({', '.join(entry.modalities)})")
        written.append(hub)
    if not written:
        print("push-data: nothing to write (no folder has the requested tasks)", file=sys.stderr)
        return 2
    if args.dry_run:
        print(f"dry run: wrote {len(written)} repository folder(s) under {out}; nothing uploaded")
        return 0
    for hub in written:
        try:
            url = push_folder(hub.path, f"{args.hf_org}/{hub.repo_name}", private=not args.public)
        except HubDataError as err:
            print(f"push-data: {err}", file=sys.stderr)
            return 2
        print(f"uploaded {hub.path} -> {url}")
    return 0
