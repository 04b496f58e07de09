"""``lmms-emotion tasks`` and ``lmms-emotion tasks-path``: what the installed plugins define, and where."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    path = subparsers.add_parser("tasks-path", help="print the task folder for lmms-eval --include_path")
    path.add_argument("--all", action="store_true", help="every installed plugin's task folder, one per line")
    path.set_defaults(handler=run_tasks_path)
    listing = subparsers.add_parser("tasks", help="list the tasks and groups the installed plugins define")
    listing.set_defaults(handler=run_tasks)


def run_tasks_path(args: argparse.Namespace) -> int:
    if args.all:
        from lmms_emotion.discovery import plugin_task_dirs

        print("\n".join(plugin_task_dirs()))
    else:
        from lmms_emotion.task_configs import task_dir

        print(task_dir())
    return 0


def run_tasks(_args: argparse.Namespace) -> int:
    from lmms_emotion.discovery import index_task_dirs, plugin_task_dirs

    index = index_task_dirs(plugin_task_dirs())
    width = max((len(name) for name in index), default=4)
    for name in sorted(index):
        entry = index[name]
        detail = f"group of {len(entry.subtasks)}" if entry.kind == "group" else "task"
        print(f"{name:<{width}}  {detail}")
    return 0
