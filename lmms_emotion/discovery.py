"""Finding plugin task folders and what they define, without importing lmms-eval.

lmms-eval 0.7.3 reads no task entry points. We declare the group ``lmms_eval.tasks``
anyway (payload: a folder path, or a callable returning one) and read it here, so
``lmms-emotion eval`` can hand every installed plugin's task folders to lmms-eval and,
when only plugin tasks are requested, skip indexing lmms-eval's ~2,000 built-in tasks.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Iterable

TASK_ENTRY_POINT_GROUP = "lmms_eval.tasks"


def plugin_task_dirs() -> list[str]:
    """Task folders of every installed ``lmms_eval.tasks`` entry point (ours included)."""
    dirs: list[str] = []
    for ep in entry_points(group=TASK_ENTRY_POINT_GROUP):
        payload = ep.load()
        path = payload() if callable(payload) else payload
        if isinstance(path, (str, os.PathLike)) and os.path.isdir(path) and str(path) not in dirs:
            dirs.append(str(path))
    return dirs


def _load_yaml(path: Path) -> dict:
    """A task YAML as a dict (``!function`` tags kept as references, nothing imported); {} if not a mapping."""
    import yaml

    from lmms_emotion.upstream.task_folder import yaml_loader

    with path.open("r", encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=yaml_loader())
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class TaskEntry:
    """One task or group found in a plugin folder."""

    name: str
    kind: str  # task | group
    yaml_path: Path
    subtasks: tuple[str, ...] = ()


def index_task_dirs(dirs: Iterable[str]) -> dict[str, TaskEntry]:
    """Every task and group defined by ``*.yaml`` files below ``dirs`` (templates skipped)."""
    index: dict[str, TaskEntry] = {}
    for folder in dirs:
        for root, subdirs, files in os.walk(folder):
            subdirs[:] = sorted(d for d in subdirs if d not in ("__pycache__", "_index"))
            for name in sorted(files):
                if not name.endswith(".yaml"):
                    continue
                path = Path(root) / name
                config = _load_yaml(path)
                if isinstance(config.get("group"), str) and isinstance(config.get("task"), list):
                    subtasks = tuple(t if isinstance(t, str) else t.get("task", "") for t in config["task"])
                    index[config["group"]] = TaskEntry(config["group"], "group", path, subtasks)
                elif isinstance(config.get("task"), str):
                    index[config["task"]] = TaskEntry(config["task"], "task", path)
    return index


def match_requested(tasks_arg: str | None, index: dict[str, TaskEntry]) -> tuple[list[str], list[str]]:
    """Split a ``--tasks`` value into (names matching plugin tasks, names that do not)."""
    matched: list[str] = []
    unmatched: list[str] = []
    for raw in (tasks_arg or "").split(","):
        name = raw.strip()
        if not name:
            continue
        hits = sorted(n for n in index if fnmatch.fnmatchcase(n, name))
        if hits:
            matched.extend(h for h in hits if h not in matched)
        else:
            unmatched.append(name)
    return matched, unmatched


def leaf_tasks(names: Iterable[str], index: dict[str, TaskEntry]) -> list[str]:
    """Expand groups (recursively) into their leaf tasks."""
    leaves: list[str] = []
    stack = list(names)[::-1]
    while stack:
        name = stack.pop()
        entry = index.get(name)
        if entry is None:
            continue
        if entry.kind == "group":
            stack.extend(list(entry.subtasks)[::-1])
        elif name not in leaves:
            leaves.append(name)
    return leaves


def _index_file(entry: TaskEntry) -> Path | None:
    """The ``data_files`` index a task YAML (or its include) points at, if any."""
    path, files = entry.yaml_path, None
    for _ in range(5):  # follow `include:` a few levels, as lmms-eval does
        config = _load_yaml(path)
        files = (config.get("dataset_kwargs") or {}).get("data_files")
        if files is not None or not isinstance(config.get("include"), str):
            break
        path = path.parent / config["include"]
    if isinstance(files, dict):
        files = next(iter(files.values()), None)
    if isinstance(files, str):
        candidate = entry.yaml_path.parent / files
        return candidate if candidate.is_file() else None
    return None


def missing_task_data(task_names: Iterable[str], index: dict[str, TaskEntry]) -> list[str]:
    """Messages for requested tasks whose built records are absent (checked before lmms-eval starts)."""
    from lmms_emotion.jsonl import read_jsonl
    from lmms_emotion.paths import data_root, records_path

    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for name in leaf_tasks(task_names, index):
        index_file = _index_file(index[name])
        if index_file is None:
            continue
        for row in read_jsonl(index_file):
            key = (row["dataset"], row["split"])
            if key in seen:
                continue
            seen.add(key)
            if not records_path(*key).is_file():
                problems.append(
                    f"task {name}: the '{key[0]}' {key[1]} split is not built under {data_root()}.\n"
                    f"    Build it with: {row.get('build', 'lmms-emotion build-data ' + key[0])}"
                )
    return problems
