"""``export-upstream``: plugin task folders -> the files a contributor copies into lmms-eval.

The output mirrors lmms-eval's source tree, so ``cp -r <out>/lmms_eval <lmms-eval checkout>/``
is the whole contribution:

* ``lmms_eval/tasks/_task_utils/emotion/``: the scoring package :mod:`lmms_emotion.scoring`,
  copied verbatim (relative imports only, word tables as JSON beside the code);
* ``lmms_eval/tasks/<folder>/`` per task folder (``emovit``, ``emobench``): the YAMLs with
  ``dataset_path: <org>/<repo>`` and ``dataset_name: <task>`` (one hub config per task)
  instead of our local index (``dataset_path: json`` + ``data_files`` + ``process_docs``),
  ``dataset_kwargs: {video: true, cache_dir}`` when the folder has video tasks; the
  folder's thin ``utils.py`` with its imports pointed at the copied package
  (:func:`thin_utils`); ``README.md``;

and ``<out>/PR_DESCRIPTION.md``. With ``local_data`` (a folder written by ``push-data
--save-to``) ``dataset_path`` points at the local copy instead, for validating the export
before anything is published; that variant is for checking only and must not be submitted.
"""

from __future__ import annotations

import copy
import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from lmms_emotion.upstream.hub_data import DEFAULT_REPO_NAME, ConfigSummary, read_summary, repo_name
from lmms_emotion.upstream.task_folder import FunctionRef, TaskFolder, YamlFile, dump_yaml, function_refs
from lmms_emotion.upstream.task_folder import read_task_folder

PACKAGE = "lmms_emotion.scoring"
"""The scoring package the plugin's task folders import; the export copies it verbatim."""
UPSTREAM_PACKAGE = "lmms_eval.tasks._task_utils.emotion"
"""Where the copy lives upstream (lmms-eval's shared task code, next to ``media_resolver`` and ``mcq_extract``)."""
PLUGIN_ONLY_IMPORTS = {"lmms_emotion.task_utils": {"load_docs"}, "lmms_emotion.judge_cache": {"judge_for"}}
"""Plugin imports a task folder's ``utils.py`` may make that the export drops: the data-root loader
(``process_docs``), which exported tasks replace by the hub dataset, and the judge with a disk cache
(``judge_cache.judge_for``, imported after the scoring package's ``judge_for``, which it shadows in
the plugin and which stays in the export)."""
MAX_UTILS_LINES = 300
COPY_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")

DOC_HOOK_KEYS = ("doc_to_text", "doc_to_target", "process_results")
"""YAML keys whose hooks take a doc and are compared between the plugin and the export (parity check)."""


class ExportError(ValueError):
    """The task folder cannot be exported as it is; the message names the file and the fix."""


@dataclass
class ExportOptions:
    """What ``export-upstream`` writes and from what."""

    hf_org: str
    out: Path
    folders: list[Path] | None = None  # default: every installed plugin task folder
    repo_template: str = DEFAULT_REPO_NAME
    local_data: Path | None = None  # a `push-data --save-to` folder: validate against it
    data_root: Path | None = None  # where built records are, for counts in the README
    validation_run: Path | None = None  # an lmms-eval output folder of the --limit 8 run, for the PR text
    format_code: bool = True


@dataclass
class ExportedFolder:
    """One written upstream task folder."""

    name: str
    path: Path
    repo_id: str
    dataset_path: str
    tasks: list[YamlFile]
    groups: list[YamlFile]
    facts: dict[str, ConfigSummary | None]
    has_video: bool
    source: TaskFolder
    warnings: list[str] = field(default_factory=list)


def scoring_package_dir() -> Path:
    """The folder of :mod:`lmms_emotion.scoring` (what the export copies)."""
    return Path(importlib.util.find_spec(PACKAGE).origin).parent


def tasks_dir(out: str | os.PathLike) -> Path:
    """``<out>/lmms_eval/tasks``: the export mirrors upstream's tree, so a contributor copies ``<out>/lmms_eval``."""
    return Path(out) / "lmms_eval" / "tasks"


def copy_scoring_package(out: str | os.PathLike) -> Path:
    """Copy the scoring package verbatim to ``<out>/lmms_eval/tasks/_task_utils/emotion``; returns that folder."""
    target = tasks_dir(out).joinpath(*UPSTREAM_PACKAGE.split(".")[2:])
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(scoring_package_dir(), target, ignore=COPY_IGNORE)
    return target


def _plugin_folders() -> list[Path]:
    from lmms_emotion.upstream.task_folder import plugin_task_folders

    return plugin_task_folders()


def _facts(folder: TaskFolder, options: ExportOptions, local_repo: Path | None) -> dict[str, ConfigSummary | None]:
    """Per task: counts, modality and label sets, from the local hub copy or the built records."""
    if local_repo is not None:
        known = {entry["task"]: ConfigSummary(**entry) for entry in read_summary(local_repo)["configs"]}
        return {task.name: known.get(task.name) for task in folder.tasks}
    from lmms_emotion.task_utils import DataNotBuiltError
    from lmms_emotion.upstream.hub_data import local_task_docs, summarize

    facts: dict[str, ConfigSummary | None] = {}
    for task in folder.tasks:
        try:
            facts[task.name] = summarize(task.name, local_task_docs(task, options.data_root))
        except (DataNotBuiltError, FileNotFoundError):
            facts[task.name] = None
    return facts


def _declares_video(folder: TaskFolder) -> bool:
    """True when a task's data index selects video records (``"where": {"modality": "video"}``)."""
    import json

    from lmms_emotion.upstream.task_folder import index_rows

    for task in folder.tasks:
        for rows in index_rows(task).values():
            for row in rows:
                where = row.get("where") or {}
                where = json.loads(where) if isinstance(where, str) else where
                if where.get("modality") == "video":
                    return True
    return False


def thin_utils(folder: TaskFolder, *, video_cache_dir: str = "") -> tuple[str, set[str]]:
    """The exported ``utils.py`` of one folder, and the plugin-only hooks it drops.

    The plugin's ``utils.py`` is kept line for line, except its imports: those from
    :data:`PACKAGE` now name :data:`UPSTREAM_PACKAGE`, and the plugin-only ones
    (:data:`PLUGIN_ONLY_IMPORTS`) are removed. For video tasks ``doc_to_visual`` is bound to
    the folder's hub cache (``$HF_HOME/<video_cache_dir>``) through ``hooks.visual_hook``.
    """
    import ast
    import json
    import re

    path = folder.utils_path
    if not path.is_file():
        raise ExportError(f"{folder.path}: no utils.py; every task folder needs one for its hooks")
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    dropped: set[str] = set()
    bound_visual = False
    edits: list[tuple[int, int, list[str]]] = []
    for node in ast.walk(ast.parse(text)):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if any(n == "lmms_emotion" or n.startswith("lmms_emotion.") for n in names):
            raise ExportError(f"{path}:{node.lineno}: `import {', '.join(names)}`; import hooks by name "
                              f"(`from {PACKAGE}.hooks import ...`) so the export can rewrite the import")
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("lmms_emotion"):
            continue
        module = node.module
        if module == PACKAGE or module.startswith(PACKAGE + "."):
            statement = lines[node.lineno - 1:node.end_lineno]
            statement[0] = statement[0].replace(module, UPSTREAM_PACKAGE + module[len(PACKAGE):], 1)
            if video_cache_dir and module == f"{PACKAGE}.hooks" and any(a.name == "doc_to_visual" for a in node.names):
                # the hub version is bound below; import its factory in the same statement
                statement = [re.sub(r"\bdoc_to_visual\b", "visual_hook", line) for line in statement]
                bound_visual = True
            edits.append((node.lineno, node.end_lineno, statement))
        elif module in PLUGIN_ONLY_IMPORTS and {a.name for a in node.names} <= PLUGIN_ONLY_IMPORTS[module]:
            dropped.update(a.asname or a.name for a in node.names)
            edits.append((node.lineno, node.end_lineno, []))
        else:
            raise ExportError(f"{path}:{node.lineno}: imports {module}, which the export cannot take upstream; "
                              f"task hooks must come from {PACKAGE} (copied as {UPSTREAM_PACKAGE})")
    for first, last, replacement in sorted(edits, reverse=True):
        lines[first - 1:last] = replacement
    if bound_visual:
        lines += ["", "# hub videos: lmms-eval downloads the dataset repository into $HF_HOME/<cache_dir>",
                  f"doc_to_visual = visual_hook({json.dumps(video_cache_dir)})"]  # double quotes, as ruff writes them
    out = "\n".join(lines).rstrip() + "\n"
    if out.count("\n") > MAX_UTILS_LINES:
        raise ExportError(f"{path}: the exported utils.py would have {out.count(chr(10))} lines (at most "
                          f"{MAX_UTILS_LINES}); move shared code into {PACKAGE}")
    return out, dropped


def _dropped_keys(folder: TaskFolder, dropped_hooks: set[str]) -> dict[Path, set[str]]:
    """YAML keys to delete per file: the ones naming a hook the export drops (``process_docs: load_docs``)."""
    dropped: dict[Path, set[str]] = {}
    for file in folder.files:
        for key, value in file.raw.items():
            if isinstance(value, FunctionRef) and value.module == "utils" and value.name in dropped_hooks:
                dropped.setdefault(file.path, set()).add(key)
    return dropped


def format_python(text: str) -> tuple[str, bool]:
    """Format generated code the way upstream's pre-commit does (``ruff format``, line length 240), if ruff is here."""
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not os.path.exists(ruff):
        return text, False
    proc = subprocess.run([ruff, "format", "--isolated", "--line-length", "240", "-"], input=text,
                          capture_output=True, text=True)
    return (proc.stdout, True) if proc.returncode == 0 and proc.stdout.strip() else (text, False)


def upstream_yaml(file: YamlFile, *, dataset_path: str, dropped: set[str], video_kwargs: dict | None) -> dict:
    """One YAML rewritten for a hub dataset: no local index, hooks from ``utils``, one config per task."""
    data = copy.deepcopy(file.raw)
    for key in dropped:
        data.pop(key, None)
    kwargs = data.get("dataset_kwargs")
    if isinstance(kwargs, dict):
        kwargs.pop("data_files", None)
        if not kwargs:
            del data["dataset_kwargs"]
    if "dataset_path" in data:
        data["dataset_path"] = dataset_path
    if video_kwargs and ("dataset_path" in data or "dataset_kwargs" in data):
        data["dataset_kwargs"] = {**(data.get("dataset_kwargs") or {}), **video_kwargs}
    data = _rewrite_refs(data)
    if file.kind == "task":
        data = _insert_after(data, "dataset_name", file.name, ("dataset_path", "include", "task_alias", "task"))
    return data


def _rewrite_refs(value: Any) -> Any:
    if isinstance(value, FunctionRef):
        return FunctionRef(f"utils.{value.name}")
    if isinstance(value, dict):
        return {k: _rewrite_refs(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite_refs(v) for v in value]
    return value


def _insert_after(data: dict, key: str, value: Any, anchors: Iterable[str]) -> dict:
    data = {k: v for k, v in data.items() if k != key}
    anchor = next((a for a in anchors if a in data), None)
    if anchor is None:
        return {key: value, **data}
    result: dict = {}
    for k, v in data.items():
        result[k] = v
        if k == anchor:
            result[key] = value
    return result


def _write_yaml(path: Path, data: dict, source: Path) -> None:
    from lmms_emotion.jsonl import atomic_write_text

    header = f"# Exported by lmms-emotion export-upstream from task_configs/{source.parent.name}/{source.name}.\n"
    atomic_write_text(path, header + dump_yaml(data))


def check_exported_folder(path: Path, *, dataset_path: str) -> list[str]:
    """Problems of a written upstream folder (empty when it follows the upstream rules)."""
    import ast

    problems = []
    utils = path / "utils.py"
    text = utils.read_text(encoding="utf-8")
    tree = ast.parse(text)
    if text.count("\n") > MAX_UTILS_LINES:
        problems.append(f"{utils}: {text.count(chr(10))} lines, more than {MAX_UTILS_LINES}")
    defined = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    defined |= {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    defined |= {a.asname or a.name for n in tree.body if isinstance(n, ast.ImportFrom) for a in n.names}
    for node in ast.walk(tree):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else (
            [a.name for a in node.names] if isinstance(node, ast.Import) else [])
        if any(n.split(".")[0] == "lmms_emotion" for n in names):
            problems.append(f"{utils}:{node.lineno}: imports lmms_emotion")
    folder = read_task_folder(path)
    for file in folder.files:
        for ref in function_refs(file.merged):
            if ref.module != "utils" or ref.name not in defined:
                problems.append(f"{file.path}: !function {ref.ref} is not defined in utils.py")
    for task in folder.tasks:
        config = task.merged
        if config.get("dataset_path") != dataset_path:
            problems.append(f"{task.path}: dataset_path is {config.get('dataset_path')!r}, expected {dataset_path!r}")
        if config.get("dataset_name") != task.name:
            problems.append(f"{task.path}: dataset_name must be the task name {task.name!r}")
        if "data_files" in (config.get("dataset_kwargs") or {}):
            problems.append(f"{task.path}: local data_files left in dataset_kwargs")
        for key in ("doc_to_visual", "doc_to_text", "process_results", "metric_list"):
            if key not in config:
                problems.append(f"{task.path}: {key} missing")
        if "version" not in (config.get("metadata") or {}):
            problems.append(f"{task.path}: metadata.version missing")
    return problems


def export_folder(source: TaskFolder, options: ExportOptions) -> ExportedFolder:
    """Write one upstream task folder under ``<out>/lmms_eval/tasks/``."""
    from lmms_emotion.jsonl import atomic_write_text
    from lmms_emotion.upstream.writeups import folder_readme

    name = repo_name(source.name, options.repo_template)
    repo_id = f"{options.hf_org}/{name}"
    local_repo = (Path(options.local_data) / name).resolve() if options.local_data else None
    if local_repo is not None and not local_repo.is_dir():
        raise ExportError(f"{local_repo} does not exist; write it with "
                          f"`lmms-emotion push-data --hf-org {options.hf_org} --save-to {options.local_data}`")
    dataset_path = str(local_repo) if local_repo else repo_id
    facts = _facts(source, options, local_repo)
    has_video = any(f is not None and "video" in f.modalities for f in facts.values()) or _declares_video(source)
    cache_dir = (str(local_repo) if local_repo else name) if has_video else ""
    text, dropped_hooks = thin_utils(source, video_cache_dir=cache_dir)
    dropped = _dropped_keys(source, dropped_hooks)
    target = tasks_dir(options.out) / source.name
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    text = format_python(text)[0] if options.format_code else text
    atomic_write_text(target / "utils.py", text)
    video_kwargs = {"video": True, "cache_dir": cache_dir} if has_video else None
    for file in source.files:
        data = upstream_yaml(file, dataset_path=dataset_path, dropped=dropped.get(file.path, set()),
                             video_kwargs=video_kwargs)
        _write_yaml(target / file.path.name, data, file.path)
    written = read_task_folder(target)
    exported = ExportedFolder(source.name, target, repo_id, dataset_path, written.tasks, written.groups, facts,
                              has_video, source)
    exported.warnings = [f"{task}: data not built; README has no counts" for task, f in facts.items() if f is None]
    atomic_write_text(target / "README.md", folder_readme(exported, local=local_repo is not None))
    problems = check_exported_folder(target, dataset_path=dataset_path)
    if problems:
        raise ExportError("the exported folder breaks the upstream rules:\n  " + "\n  ".join(problems))
    return exported


def export_upstream(options: ExportOptions) -> list[ExportedFolder]:
    """Copy the scoring package, export every requested task folder, write ``PR_DESCRIPTION.md``."""
    from lmms_emotion.jsonl import atomic_write_text
    from lmms_emotion.upstream.writeups import pr_description

    if "/" in options.hf_org or not options.hf_org.strip():
        raise ExportError(f"--hf-org must be a hub user or organisation name, got {options.hf_org!r}")
    folders = [read_task_folder(p) for p in (options.folders or _plugin_folders())]
    package = copy_scoring_package(options.out)
    exported = [export_folder(folder, options) for folder in folders]
    validation = None
    if options.validation_run is not None:
        from lmms_emotion.report.runs import load_runs

        validation = load_runs([str(options.validation_run)])
    atomic_write_text(Path(options.out) / "PR_DESCRIPTION.md", pr_description(exported, package, validation))
    return exported


# --- parity: the exported hooks behave like the plugin's ---------------------------------------


def load_generated_module(path: str | os.PathLike, name: str = "exported_utils"):
    """Import a task folder's ``utils.py`` by file path, as lmms-eval does."""
    spec = importlib.util.spec_from_file_location(name, str(path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def parity_problems(exported: ExportedFolder, module, rows: dict[str, list[dict]], limit: int = 200,
                    original=None) -> list[str]:
    """Differences between the plugin folder's hooks and the exported ones on hub rows (per task, first ``limit``).

    ``process_results`` is compared on the gold answer, every other label of the doc's
    label set and an unparseable reply; ``doc_to_text`` with the task's default kwargs.
    """
    original = original or load_generated_module(exported.source.utils_path, f"plugin_{exported.name}")
    problems = []
    for task in exported.tasks:
        config = task.merged
        kwargs = (config.get("lmms_eval_specific_kwargs") or {}).get("default")
        for key in DOC_HOOK_KEYS:
            ref = config.get(key)
            if not isinstance(ref, FunctionRef):
                continue
            ours, theirs = getattr(original, ref.name), getattr(module, ref.name)
            for row in rows.get(task.name, [])[:limit]:
                for args in _hook_inputs(key, row, kwargs):
                    want, got = ours(*args), theirs(*args)
                    if want != got:
                        problems.append(f"{task.name} {key} on {row['id']} {args[1:]!r}: "
                                        f"plugin {want!r}, export {got!r}")
    return problems


def _hook_inputs(key: str, row: dict, kwargs) -> list[tuple]:
    if key == "process_results":
        from lmms_emotion.scoring.labels import get_label_set

        labels = list(get_label_set(row["label_set"]).labels)
        return [(row, [reply]) for reply in [*labels, f"Answer: {row['answer']}.", "zxqv", ""]]
    if key == "doc_to_text":
        return [(row, kwargs)] if kwargs is not None else [(row,)]
    return [(row,)]
