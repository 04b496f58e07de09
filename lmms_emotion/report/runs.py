"""Reading lmms-eval output folders: one *run* per ``<timestamp>_results.json``, with its samples files.

lmms-eval writes ``<output_path>/[<model>/]<YYYYMMDD_HHMMSS>_results.json`` and, with
``--log_samples``, ``<same timestamp>_samples_<task>.jsonl`` beside it. Each sample line
holds ``doc_id``, ``target``, ``filtered_resps`` and every per-sample value our
``process_results`` returned: ``acc`` (0/1) and, under ``macro_f1``, the parsed item
``{id, gold, pred, label_set}``. A run is named by ``NAME=PATH`` on the command line, or
after its model and model arguments.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lmms_emotion.jsonl import JsonlError, iter_jsonl

RESULTS_SUFFIX = "_results.json"
PREFERRED_FILTER = "none"


class ReportError(ValueError):
    """An output folder or file that cannot be read as an lmms-eval run; the message names it."""


@dataclass(frozen=True)
class Sample:
    """One logged sample: the parsed prediction and whether it was right."""

    doc_id: int
    id: str | None  # the record id (stable across runs), when the task logs it
    gold: str
    pred: str | None
    label_set: str | None
    correct: float | None
    response: str
    values: dict[str, float | None] = field(default_factory=dict)  # per-sample numeric metric values


@dataclass
class Run:
    """One lmms-eval results file and the samples logged with it."""

    label: str
    results_path: Path
    results: dict
    samples_paths: dict[str, Path]
    _samples: dict[str, list[Sample]] = field(default_factory=dict, repr=False)

    @property
    def timestamp(self) -> str:
        return self.results_path.name[: -len(RESULTS_SUFFIX)]

    @property
    def model(self) -> str:
        return str((self.results.get("config") or {}).get("model") or "model")

    @property
    def model_args(self) -> str:
        return str((self.results.get("config") or {}).get("model_args") or "")

    @property
    def groups(self) -> dict[str, list[str]]:
        """Group name -> member names (tasks or groups), as lmms-eval ran them."""
        subtasks = self.results.get("group_subtasks") or {}
        found = {name: list(members) for name, members in subtasks.items() if members}
        for name in self.results.get("groups") or {}:
            found.setdefault(name, [])
        return found

    @property
    def tasks(self) -> list[str]:
        """Leaf tasks with results, in results order."""
        groups = self.groups
        return [name for name in self.results.get("results", {}) if name not in groups]

    def leaves(self, group: str) -> list[str]:
        """The leaf tasks below a group (nested groups expanded)."""
        groups, seen, stack, leaves = self.groups, set(), [group], []
        while stack:
            name = stack.pop(0)
            if name in seen:
                continue
            seen.add(name)
            if name in groups:
                stack = list(groups[name]) + stack
            elif name not in leaves:
                leaves.append(name)
        return leaves

    def _metrics(self, entry: dict) -> dict[str, Any]:
        by_filter: dict[str, dict[str, Any]] = {}
        for key, value in entry.items():
            if "," not in key or "_stderr" in key:
                continue
            metric, filter_name = key.split(",", 1)
            by_filter.setdefault(filter_name, {})[metric] = value
        if not by_filter:
            return {}
        chosen = PREFERRED_FILTER if PREFERRED_FILTER in by_filter else sorted(by_filter)[0]
        return {metric: _clean(value) for metric, value in by_filter[chosen].items()}

    def task_metrics(self, task: str) -> dict[str, Any]:
        """``{metric: value}`` of a task (filter ``none``); "N/A" becomes None."""
        return self._metrics(self.results.get("results", {}).get(task, {}))

    def group_metrics(self, group: str) -> dict[str, Any]:
        """``{metric: value}`` lmms-eval aggregated for a group (empty when it aggregated nothing)."""
        entry = (self.results.get("groups") or {}).get(group) or self.results.get("results", {}).get(group, {})
        return self._metrics(entry)

    def alias(self, name: str) -> str:
        entry = self.results.get("results", {}).get(name, {})
        alias = str(entry.get("alias", "")).strip().lstrip("- ").strip()
        return alias if alias and alias != name else ""

    def higher_is_better(self, task: str, metric: str) -> bool | None:
        return (self.results.get("higher_is_better") or {}).get(task, {}).get(metric)

    def mean_metrics(self, task: str) -> set[str]:
        """Metrics the task aggregates as a plain mean of per-sample values (recomputable on any subset)."""
        metric_list = ((self.results.get("configs") or {}).get(task) or {}).get("metric_list") or []
        return {str(m.get("metric")) for m in metric_list if isinstance(m, dict)
                and (m.get("aggregation") == "mean" or "aggregate_score" in str(m.get("aggregation")))}

    def n_samples(self, task: str) -> tuple[int | None, int | None]:
        """(docs evaluated, docs in the task): they differ when the run used ``--limit``."""
        entry = (self.results.get("n-samples") or {}).get(task) or {}
        return entry.get("effective"), entry.get("original")

    def samples(self, task: str) -> list[Sample]:
        """The task's logged samples (empty when the run did not use ``--log_samples``)."""
        if task not in self._samples:
            path = self.samples_paths.get(task)
            self._samples[task] = read_samples(path) if path else []
        return self._samples[task]


def _clean(value: Any) -> Any:
    return None if value == "N/A" else value


def _item_of(line: dict) -> dict | None:
    """The parsed item of a sample line: ``macro_f1`` first, else any ``{gold, pred}`` dict."""
    preferred = line.get("macro_f1")
    if isinstance(preferred, dict) and "gold" in preferred and "pred" in preferred:
        return preferred
    for value in line.values():
        if isinstance(value, dict) and "gold" in value and "pred" in value:
            return value
    return None


def _response(line: dict) -> str:
    value = line.get("filtered_resps", line.get("resps", ""))
    while isinstance(value, list):
        value = value[0] if value else ""
    return str(value)


_NOT_METRICS = {"doc_id", "target", "token_counts", "doc_hash"}


def _sample_values(line: dict) -> dict[str, float | None]:
    """Per-sample numeric metric values of a sample line (tagged ``{"score": x}`` values unwrapped)."""
    values: dict[str, float | None] = {}
    for key, value in line.items():
        if key in _NOT_METRICS:
            continue
        if isinstance(value, dict) and "score" in value:
            value = value["score"]
            if value is None:
                values[key] = None
                continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            values[key] = float(value)
    return values


def read_samples(path: str | os.PathLike) -> list[Sample]:
    """Parse an lmms-eval ``*_samples_<task>.jsonl`` file."""
    samples = []
    try:
        for line_no, line, _offset, _length in iter_jsonl(path):
            if "doc_id" not in line:
                raise ReportError(f"{path}:{line_no}: no doc_id; not an lmms-eval samples file")
            item = _item_of(line)
            correct = line.get("acc")
            if isinstance(correct, dict):  # a tagged value, e.g. EmoBench's {"score": 1.0, "subtask": "humor"}
                correct = correct.get("score")
            if not isinstance(correct, (int, float)) or isinstance(correct, bool):
                correct = float(item["gold"] == item["pred"]) if item else None
            samples.append(Sample(
                doc_id=int(line["doc_id"]),
                id=str(item["id"]) if item and item.get("id") is not None else None,
                gold=str(item["gold"]) if item else str(line.get("target", "")),
                pred=str(item["pred"]) if item else None,
                label_set=item.get("label_set") if item else None,
                correct=float(correct) if correct is not None else None,
                response=_response(line),
                values=_sample_values(line),
            ))
    except JsonlError as err:
        raise ReportError(f"{err.path}:{err.line}: not valid JSON ({err.reason}); is the file truncated?") from None
    return samples


def _samples_files(results_path: Path) -> dict[str, Path]:
    prefix = results_path.name[: -len(RESULTS_SUFFIX)] + "_samples_"
    return {p.name[len(prefix): -len(".jsonl")]: p for p in sorted(results_path.parent.glob(prefix + "*.jsonl"))}


def _default_label(results: dict) -> str:
    config = results.get("config") or {}
    model = str(config.get("model") or "model")
    args = str(config.get("model_args") or "")
    pretrained = re.search(r"(?:pretrained|model|path)=([^,]+)", args)
    if pretrained:
        return f"{model}:{pretrained.group(1).rstrip('/').split('/')[-1]}"
    short = ",".join(part for part in args.split(",") if part and not part.startswith(("device", "batch_size")))
    return f"{model}({short})" if short else model


def _split_spec(spec: str) -> tuple[str | None, Path]:
    if "=" in spec and not Path(spec).exists():
        label, path = spec.split("=", 1)
        return label.strip() or None, Path(path)
    return None, Path(spec)


def find_results(path: Path) -> list[Path]:
    """Results files at ``path`` (a results file, or a folder searched recursively)."""
    if path.is_file():
        if not path.name.endswith(RESULTS_SUFFIX):
            raise ReportError(f"{path} is not an lmms-eval results file (*{RESULTS_SUFFIX})")
        return [path]
    if not path.is_dir():
        raise ReportError(f"{path} does not exist")
    found = sorted(path.rglob("*" + RESULTS_SUFFIX))
    if not found:
        raise ReportError(f"no *{RESULTS_SUFFIX} below {path}; was it an lmms-eval --output_path?")
    return found


def load_run(results_path: Path, label: str | None = None) -> Run:
    """One run from its results file."""
    try:
        results = json.loads(results_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise ReportError(f"{results_path}: not valid JSON ({err.msg} at line {err.lineno})") from None
    if not isinstance(results, dict) or "results" not in results:
        raise ReportError(f"{results_path}: no 'results' key; not an lmms-eval results file")
    return Run(label or _default_label(results), results_path, results, _samples_files(results_path))


def load_runs(specs: list[str]) -> list[Run]:
    """Runs from ``PATH`` or ``NAME=PATH`` specs; labels are made unique with the run's timestamp."""
    runs: list[Run] = []
    for spec in specs:
        label, path = _split_spec(spec)
        files = find_results(path.expanduser())
        for file in files:
            run = load_run(file, label)
            if label and len(files) > 1:
                run.label = f"{label} #{run.timestamp}"
            runs.append(run)
    counts: dict[str, int] = {}
    for run in runs:
        counts[run.label] = counts.get(run.label, 0) + 1
    for run in runs:
        if counts[run.label] > 1:
            run.label = f"{run.label} #{run.timestamp}"
    seen: dict[str, int] = {}
    for run in runs:  # same label and timestamp (two output folders): number them
        if run.label in seen:
            seen[run.label] += 1
            run.label = f"{run.label} ({seen[run.label]})"
        else:
            seen[run.label] = 1
    return runs
