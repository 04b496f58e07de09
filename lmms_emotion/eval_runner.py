"""``lmms-emotion eval``: lmms-eval's own CLI, with plugin task folders added and faster start-up.

Every argument lmms-eval accepts is passed through unchanged. On top of that:

1. The task folders of every installed ``lmms_eval.tasks`` entry point are added to the
   task index (lmms-eval 0.7.3 reads no such group itself).
2. When every task a configuration requests (``--tasks``, or one ``--config`` entry's
   ``tasks``) is a plugin task, lmms-eval's ~2,000 built-in task YAMLs are not indexed for it
   (``TaskManager(include_defaults=False)``; indexing them costs about 5 s per configuration).
3. Pre-flight: before lmms-eval is imported (so before any model loads), the records of
   every requested task are read and checked exactly as the task will read them
   (:func:`lmms_emotion.task_utils.read_task_docs`): not built, a malformed line, an
   unknown label, a duplicate id, a missing media file or one escaping the media root each
   stop the run with exit status 2 and the file, line and fix on the first line.
   ``--no-preflight`` skips this; the task then stops at load with the same message.
4. The HF ``evaluate`` package, imported by lmms-eval's metric registry but used only for
   tasks that name an ``evaluate`` metric, is imported on first use instead of at start.
5. The exit status is non-zero when an evaluation fails (lmms-eval logs and returns 0).

It sets no setting the tasks read: the prompt style and the open-set judge come from the task
YAML (``lmms_eval_specific_kwargs``, ``metadata.judge``) and EmoPrompt from ``--model_args``,
exactly as under plain ``lmms-eval --include_path``. ``--data-root`` sets the one environment
variable, ``LMMS_EMOTION_DATA``. The retired ``--prompt-style`` and ``--judge-*`` options stop
with a message naming the YAML setting that replaces them.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import types
from typing import Sequence

from lmms_emotion.discovery import index_task_dirs, match_requested, missing_task_data, plugin_task_dirs


def _own_arguments(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--data-root", default=None)
    parser.add_argument("--no-preflight", action="store_true")
    for retired in RETIRED_OPTIONS:
        parser.add_argument(retired, default=None)
    return parser.parse_known_args(list(argv))


RETIRED_OPTIONS = {
    "--prompt-style": ("the prompt style is set per model in the task YAML: lmms_eval_specific_kwargs "
                       "{<model>: {prompt_style: plain|emovit}} (the emovit model gets emovit already)"),
    "--judge-model": ("the open-set judge is set in task_configs/emobench/_default_template_yaml: metadata "
                      "{judge: {provider: openai, model: gpt-4o-mini}}; copy the folder and run it with "
                      "--include_path (docs/emobench.md)"),
}
RETIRED_OPTIONS.update({flag: RETIRED_OPTIONS["--judge-model"]
                        for flag in ("--judge-base-url", "--judge-api-key-env", "--judge-cache")})


def retired_option_problem(own: argparse.Namespace) -> str | None:
    """The message for a retired option given on the command line, or None."""
    for flag, replacement in RETIRED_OPTIONS.items():
        if getattr(own, flag.lstrip("-").replace("-", "_")) is not None:
            return f"{flag} is no longer an option of lmms-emotion eval: {replacement}"
    return None


def check_task_records(task_names: Sequence[str], index: dict) -> str | None:
    """The first data error in the records the requested tasks read, as the task would report it; None if clean."""
    import json

    # discovery._index_file: the index a task YAML names (the one place that follows `include:`)
    from lmms_emotion.discovery import _index_file, leaf_tasks
    from lmms_emotion.jsonl import read_jsonl
    from lmms_emotion.task_utils import DataNotBuiltError, read_task_docs, task_index_rows

    checked: set[str] = set()
    for name in leaf_tasks(task_names, index):
        index_file = _index_file(index[name])
        if index_file is None:
            continue
        for row in task_index_rows(read_jsonl(index_file)):
            key = json.dumps(row, sort_keys=True)
            if key in checked:
                continue
            checked.add(key)
            try:
                read_task_docs(row)
            except DataNotBuiltError as err:
                return f"task {name}: {err}"
    return None


def _tasks_value(argv: Sequence[str]) -> str | None:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--tasks", default=None)
    known, _ = parser.parse_known_args(list(argv))
    return known.tasks


def _only_plugin_tasks(tasks: str | Sequence[str] | None, index: dict) -> bool:
    """True when every name in a configuration's ``tasks`` (a --tasks string or a --config list) is a plugin task."""
    if tasks is not None and not isinstance(tasks, str):
        tasks = ",".join(str(t) for t in tasks)
    matched, unmatched = match_requested(tasks, index)
    return bool(matched) and not unmatched


class _DeferredModule(types.ModuleType):
    """Stands in for a module until one of its attributes is used, then imports the real one."""

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), name)


def defer_import(module_name: str) -> None:
    """Postpone importing ``module_name`` until first attribute access (no-op if already imported)."""
    if module_name not in sys.modules:
        sys.modules[module_name] = _DeferredModule(module_name)


def run(argv: Sequence[str]) -> int:
    """Run lmms-eval's CLI with ``argv``; returns the process exit status."""
    own, passthrough = _own_arguments(argv)
    if own.data_root:
        os.environ["LMMS_EMOTION_DATA"] = os.path.abspath(os.path.expanduser(own.data_root))
    problem = retired_option_problem(own)
    if problem:
        print(f"lmms-emotion eval: {problem}", file=sys.stderr)
        return 2

    dirs = plugin_task_dirs()
    index = index_task_dirs(dirs)
    matched, _unmatched = match_requested(_tasks_value(passthrough), index)
    if matched and not own.no_preflight:
        problems = missing_task_data(matched, index)
        if problems:
            print("lmms-emotion eval: task data is missing; nothing was run.\n" + "\n".join(problems), file=sys.stderr)
            return 2
        problem = check_task_records(matched, index)
        if problem:
            print(f"lmms-emotion eval: {problem}\n(nothing was run; no model was loaded)", file=sys.stderr)
            return 2

    defer_import("evaluate")
    import lmms_eval.__main__ as lmms_main

    original_task_manager = lmms_main.TaskManager
    # lmms-eval builds one TaskManager per configuration (each --config entry); whether the
    # built-ins are indexed is decided per configuration from that entry's own tasks
    this_run = {"only_plugin_tasks": _only_plugin_tasks(_tasks_value(passthrough), index)}

    def task_manager(verbosity="INFO", include_path=None, include_defaults=True, model_name=None):
        paths = list(dirs)
        if include_path:
            paths.extend([include_path] if isinstance(include_path, str) else list(include_path))
        return original_task_manager(verbosity, include_path=paths,
                                     include_defaults=include_defaults and not this_run["only_plugin_tasks"],
                                     model_name=model_name)

    failures: list[BaseException] = []
    original_single = lmms_main.cli_evaluate_single

    def evaluate_single(args):
        this_run["only_plugin_tasks"] = _only_plugin_tasks(getattr(args, "tasks", None), index)
        try:
            return original_single(args)
        except BaseException as err:
            failures.append(err)
            raise

    lmms_main.TaskManager = task_manager
    lmms_main.cli_evaluate_single = evaluate_single
    saved_argv = sys.argv
    sys.argv = ["lmms-eval", *passthrough]
    try:
        lmms_main.cli_evaluate()
    finally:
        sys.argv = saved_argv
        lmms_main.TaskManager = original_task_manager
        lmms_main.cli_evaluate_single = original_single
    return 1 if failures else 0
