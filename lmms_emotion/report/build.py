"""Everything a comparison report shows, computed once from the runs (renderers only format it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lmms_emotion import UNPARSED
from lmms_emotion.report.reference import Benchmark, benchmark_notes, benchmark_of, reference_rows
from lmms_emotion.report.runs import Run
from lmms_emotion.report.stats import AccuracyCI, PairedTest, accuracy_ci, holm, paired_test

PRIMARY = "acc"


@dataclass
class ReportOptions:
    """Knobs of ``lmms-emotion compare``."""

    n_resamples_ci: int = 2000
    n_resamples_test: int = 10000
    seed: int = 0
    confidence: float = 0.95
    baseline: str | None = None  # compare every run with this one only (default: all pairs)
    plots: bool = True
    title: str = "Model comparison"


@dataclass
class TaskRow:
    """One run's scores on one task."""

    run: str
    metrics: dict[str, Any]  # scalar metrics (filter none)
    ci: AccuracyCI | None
    n_effective: int | None
    n_original: int | None

    @property
    def primary(self) -> float | None:
        value = self.metrics.get(PRIMARY)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


@dataclass
class ReferenceCell:
    label: str
    value: float
    in_domain: bool
    source: str


@dataclass
class PerClass:
    """Per-class accuracy of every run on one task."""

    classes: list[str]
    values: dict[str, dict[str, float | None]]  # run -> class -> accuracy
    gold_counts: dict[str, int]  # class -> gold samples (from logged samples)


@dataclass
class Confusion:
    run: str
    path: Path
    n: int


@dataclass
class TaskSection:
    """All of one task: scores with CIs, paper rows, per-class table, tests, confusion pictures."""

    task: str
    alias: str
    benchmark: Benchmark | None
    metric_names: list[str]
    rows: list[TaskRow]
    reference: list[ReferenceCell]
    per_class: PerClass | None
    tests: list[PairedTest]
    confusions: list[Confusion] = field(default_factory=list)


@dataclass
class GroupRow:
    run: str
    score: float | None
    score_source: str  # "lmms-eval" (the group's own aggregate), "mean of tasks" (computed here) or ""
    task_scores: dict[str, float | None]


@dataclass
class GroupSection:
    """A leaderboard over a group's tasks (or over the tasks in no group: ``group`` is None)."""

    group: str | None
    alias: str
    tasks: list[str]
    rows: list[GroupRow]
    reference: list[GroupRow]  # paper rows; score = mean of the paper's numbers when it has them all


@dataclass
class ReportData:
    title: str
    runs: list[Run]
    groups: list[GroupSection]
    tasks: list[TaskSection]
    notes: list[str]
    options: ReportOptions


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _sort_key(score: float | None) -> tuple:
    return (score is None, -(score or 0.0))


def slug(text: str) -> str:
    """A file-name-safe form of a run label."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._-") or "run"


def _ordered_names(runs: list[Run]) -> tuple[list[str], dict[str, tuple[Run, list[str]]]]:
    tasks: list[str] = []
    groups: dict[str, tuple[Run, list[str]]] = {}
    for run in runs:
        for task in run.tasks:
            if task not in tasks:
                tasks.append(task)
        for group in run.groups:
            if group not in groups:
                groups[group] = (run, run.leaves(group))
    return tasks, groups


def _per_class(runs: list[Run], task: str) -> PerClass | None:
    values: dict[str, dict[str, float | None]] = {}
    classes: list[str] = []
    gold_counts: dict[str, int] = {}
    for run in runs:
        per_class = run.task_metrics(task).get("per_class_acc")
        if not isinstance(per_class, dict):
            continue
        values[run.label] = {k: _number(v) for k, v in per_class.items()}
        classes.extend(c for c in per_class if c not in classes)
        if not gold_counts:
            for sample in run.samples(task):
                gold_counts[sample.gold] = gold_counts.get(sample.gold, 0) + 1
    return PerClass(classes, values, gold_counts) if values else None


def _tests(runs: list[Run], task: str, options: ReportOptions) -> list[PairedTest]:
    with_samples = [run for run in runs if run.samples(task)]
    if options.baseline is not None:
        base = [r for r in with_samples if r.label == options.baseline]
        pairs = [(r, base[0]) for r in with_samples if base and r is not base[0]]
    else:
        pairs = [(a, b) for i, a in enumerate(with_samples) for b in with_samples[i + 1:]]
    tests = [paired_test(a, b, task, n_resamples=options.n_resamples_test, seed=options.seed,
                         confidence=options.confidence) for a, b in pairs]
    return holm([t for t in tests if t is not None])


def _confusions(runs: list[Run], task: str, out: Path) -> list[Confusion]:
    from lmms_emotion.report.plots import MAX_CLASSES, confusion_labels, plot_confusion

    made = []
    used: set[str] = set()
    for run in runs:
        samples = [s for s in run.samples(task) if s.pred is not None]
        if not samples:
            continue
        golds = [s.gold for s in samples]
        preds = [s.pred or UNPARSED for s in samples]
        labels = confusion_labels(golds, samples[0].label_set)
        if len(labels) > MAX_CLASSES:
            continue
        name = slug(run.label)
        while name in used:
            name += "_"
        used.add(name)
        title = f"{task}: {run.label} (n={len(samples)})"
        path = plot_confusion(golds, preds, labels, title, out / "confusion" / task / f"{name}.png")
        made.append(Confusion(run.label, path, len(samples)))
    return made


def _task_section(runs: list[Run], task: str, options: ReportOptions, out: Path | None) -> TaskSection:
    having = [run for run in runs if task in run.tasks]
    rows = []
    metric_names: list[str] = []
    for run in having:
        metrics = {k: v for k, v in run.task_metrics(task).items() if _number(v) is not None}
        metric_names.extend(m for m in metrics if m not in metric_names)
        ci = accuracy_ci(run, task, n_resamples=options.n_resamples_ci, seed=options.seed,
                         confidence=options.confidence)
        rows.append(TaskRow(run.label, metrics, ci, *run.n_samples(task)))
    rows.sort(key=lambda r: _sort_key(r.primary))
    if PRIMARY in metric_names:
        metric_names.remove(PRIMARY)
        metric_names.insert(0, PRIMARY)
    order = {row.run: i for i, row in enumerate(rows)}
    having.sort(key=lambda run: order[run.label])
    reference = [ReferenceCell(r.label, r.scores[task], task in r.in_domain, r.source)
                 for r in reference_rows([task])]
    alias = next((run.alias(task) for run in having if run.alias(task)), "")
    section = TaskSection(task, alias, benchmark_of(task), metric_names, rows, reference,
                          _per_class(having, task), _tests(having, task, options))
    if options.plots and out is not None:
        section.confusions = _confusions(having, task, out)
    return section


def _group_section(runs: list[Run], group: str | None, tasks: list[str]) -> GroupSection:
    rows = []
    alias = ""
    for run in runs:
        scores = {task: _number(run.task_metrics(task).get(PRIMARY)) for task in tasks if task in run.tasks}
        if not scores:
            continue
        score, source = None, ""
        if group is not None:
            if group in run.groups:
                alias = alias or run.alias(group)
                score, source = _number(run.group_metrics(group).get(PRIMARY)), "lmms-eval"
            if score is None and len(scores) == len(tasks) and all(v is not None for v in scores.values()):
                score, source = sum(scores.values()) / len(scores), "mean of tasks"
        rows.append(GroupRow(run.label, score, source, scores))
    rows.sort(key=lambda r: _sort_key(r.score if group is not None else _mean(r.task_scores)))
    reference = []
    for ref in reference_rows(tasks):
        complete = all(task in ref.scores for task in tasks)
        score = sum(ref.scores[t] for t in tasks) / len(tasks) if complete and group is not None else None
        reference.append(GroupRow(ref.label, score, "mean of the paper's numbers" if score is not None else "",
                                  {t: ref.scores.get(t) for t in tasks}))
    return GroupSection(group, alias, tasks, rows, reference)


def _mean(values: dict[str, float | None]) -> float | None:
    known = [v for v in values.values() if v is not None]
    return sum(known) / len(known) if known else None


def _notes(runs: list[Run], sections: list[TaskSection]) -> list[str]:
    names = [s.task for s in sections] + [g for run in runs for g in run.groups]
    notes = benchmark_notes(names)
    sources = {cell.source for s in sections for cell in s.reference}
    notes.extend(f"Rows marked (paper) are {source}." for source in sorted(sources))
    for run in runs:
        for task in run.tasks:
            effective, original = run.n_samples(task)
            if effective is not None and original is not None and effective < original:
                notes.append(f"{run.label} scored {effective} of the {original} docs of {task} (--limit); "
                             "paper numbers use the full test set.")
            if not run.samples(task):
                notes.append(f"{run.label} has no logged samples for {task} (run without --log_samples): "
                             "no confidence interval, paired test or confusion matrix.")
    notes.append("Confidence intervals: percentile bootstrap over samples. Paired tests: bootstrap of per-sample "
                 "accuracy differences on samples matched by record id; p-values Holm-corrected over each task's "
                 "pairs; significant = Holm p < 0.05.")
    return notes


def build_report(runs: list[Run], options: ReportOptions | None = None, out: Path | None = None) -> ReportData:
    """Compute every table of the report (and, with ``out``, draw the confusion matrices under it)."""
    options = options or ReportOptions()
    if not runs:
        raise ValueError("no runs to compare")
    if options.baseline is not None and options.baseline not in {r.label for r in runs}:
        raise ValueError(f"--baseline {options.baseline!r} is not a run; runs: {', '.join(r.label for r in runs)}")
    from tqdm import tqdm

    tasks, groups = _ordered_names(runs)
    sections = [_task_section(runs, task, options, out)
                for task in tqdm(tasks, desc="compare: tasks", unit="task", disable=len(tasks) < 3)]
    group_sections = [_group_section(runs, name, leaves) for name, (_run, leaves) in groups.items()]
    grouped = {task for _run, leaves in groups.values() for task in leaves}
    loose = [task for task in tasks if task not in grouped]
    if loose:
        group_sections.append(_group_section(runs, None, loose))
    return ReportData(options.title, runs, [g for g in group_sections if g.rows], sections,
                      _notes(runs, sections), options)
