"""Reading a plugin task folder the way lmms-eval does: YAML with ``!function`` tags, includes, index rows.

Only ``pyyaml`` is needed; nothing named by a ``!function`` tag is imported.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lmms_emotion.jsonl import read_jsonl

TEMPLATE_NAMES = ("_default_template_yaml",)


@dataclass(frozen=True)
class FunctionRef:
    """A ``!function module.name`` tag, kept as written."""

    ref: str

    @property
    def module(self) -> str:
        return self.ref.rsplit(".", 1)[0]

    @property
    def name(self) -> str:
        return self.ref.rsplit(".", 1)[-1]


@functools.cache
def yaml_loader() -> type:
    """The PyYAML loader class for task YAML: safe, ``!function`` tags read as :class:`FunctionRef`."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!function", lambda loader, node: FunctionRef(loader.construct_scalar(node)))
    return Loader


def _dumper():
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(FunctionRef, lambda dumper, ref: dumper.represent_scalar("!function", ref.ref))
    # strings with line breaks (``until: ["\\n\\n"]``) as one double-quoted line with escapes
    Dumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
        "tag:yaml.org,2002:str", text, style='"' if "\n" in text else None))
    return Dumper


def load_yaml(path: str | os.PathLike) -> dict:
    """One task YAML as a dict, ``!function`` values as :class:`FunctionRef`."""
    import yaml

    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml_loader())
    except yaml.YAMLError as err:
        raise ValueError(f"{path}: not valid YAML: {err}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")
    return data


def dump_yaml(data: dict) -> str:
    """YAML text with :class:`FunctionRef` values written back as ``!function`` tags."""
    import yaml

    text = yaml.dump(data, Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=120)
    return re.sub(r"!function '([A-Za-z0-9_.]+)'", r"!function \1", text)  # PyYAML quotes tagged scalars


def function_refs(value: Any) -> list[FunctionRef]:
    """Every ``!function`` reference inside a (nested) YAML value."""
    if isinstance(value, FunctionRef):
        return [value]
    if isinstance(value, dict):
        return [ref for item in value.values() for ref in function_refs(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in function_refs(item)]
    return []


@dataclass
class YamlFile:
    """One YAML file of a task folder: as written and with its includes merged."""

    path: Path
    raw: dict
    merged: dict

    @property
    def kind(self) -> str:
        """``task``, ``group`` or ``template`` (included by others, defines no task)."""
        if isinstance(self.raw.get("group"), str) and isinstance(self.raw.get("task"), list):
            return "group"
        if isinstance(self.raw.get("task"), str):
            return "task"
        return "template"

    @property
    def name(self) -> str | None:
        return self.raw.get("group") if self.kind == "group" else self.raw.get("task")


@dataclass
class TaskFolder:
    """A plugin task folder (one benchmark): its YAMLs, ``utils.py`` and README."""

    path: Path
    files: list[YamlFile] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def tasks(self) -> list[YamlFile]:
        return [f for f in self.files if f.kind == "task"]

    @property
    def groups(self) -> list[YamlFile]:
        return [f for f in self.files if f.kind == "group"]

    @property
    def utils_path(self) -> Path:
        return self.path / "utils.py"

    def task(self, name: str) -> YamlFile:
        for item in self.tasks:
            if item.name == name:
                return item
        raise KeyError(f"{self.path}: no task {name!r}; tasks: {', '.join(t.name for t in self.tasks)}")


def merge_includes(path: Path, data: dict, depth: int = 0) -> dict:
    """``data`` with its ``include:`` files merged in (shallow: the including file wins), as lmms-eval does."""
    if depth > 10:
        raise ValueError(f"{path}: include chain deeper than 10 files")
    include = data.get("include")
    if include is None:
        return dict(data)
    merged: dict = {}
    for name in [include] if isinstance(include, str) else list(include):
        parent_path = (path.parent / name).resolve()
        if not parent_path.is_file():
            raise ValueError(f"{path}: included file {name} does not exist")
        merged.update(merge_includes(parent_path, load_yaml(parent_path), depth + 1))
    merged.update({k: v for k, v in data.items() if k != "include"})
    return merged


def yaml_files(folder: Path) -> list[Path]:
    """Task, group and template YAML files directly in ``folder`` (sorted)."""
    found = [p for p in folder.iterdir() if p.is_file() and (p.suffix == ".yaml" or p.name in TEMPLATE_NAMES)]
    return sorted(found)


def read_task_folder(folder: str | os.PathLike) -> TaskFolder:
    """Parse every YAML of a task folder (includes merged)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"task folder {folder} does not exist")
    result = TaskFolder(folder)
    for path in yaml_files(folder):
        raw = load_yaml(path)
        result.files.append(YamlFile(path, raw, merge_includes(path, raw)))
    if not result.tasks:
        raise ValueError(f"{folder} defines no task (no YAML with `task: <name>`)")
    return result


def plugin_task_folders() -> list[Path]:
    """Every benchmark folder inside the installed plugins' task folders (those holding task YAMLs)."""
    from lmms_emotion.discovery import plugin_task_dirs

    folders = []
    for root in plugin_task_dirs():
        for child in sorted(Path(root).iterdir()):
            if child.is_dir() and not child.name.startswith(("_", ".")) and any(
                    p.suffix == ".yaml" for p in child.iterdir()):
                folders.append(child)
    return folders


def index_rows(task: YamlFile) -> dict[str, list[dict]]:
    """The index rows a task's ``data_files`` point at, per split (``{}`` for tasks without an index)."""
    files = (task.merged.get("dataset_kwargs") or {}).get("data_files")
    if files is None:
        return {}
    if isinstance(files, str):
        files = {task.merged.get("test_split", "test"): files}
    rows: dict[str, list[dict]] = {}
    for split, rel in files.items():
        for one in [rel] if isinstance(rel, str) else rel:
            path = (task.path.parent / one).resolve()
            if not path.is_file():
                raise FileNotFoundError(f"{task.path}: index file {one} does not exist")
            rows.setdefault(split, []).extend(read_jsonl(path))  # a bad line raises JsonlError (path:line)
    return rows
