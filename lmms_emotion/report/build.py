"""Everything a comparison report shows, computed once from the runs (renderers only format it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lmms_emotion import UNPARSED
from lmms_emotion.report.reference import Benchmark, benchmark_notes, benchmark_of, reference_rows
from lmms_emotion.report.runs import Run, Sample
from lmms_emotion.report.stats import (
    DEFAULT_MIN_SHARED,
    AccuracyCI,
    PairedTest,
    RecordSharing,
    accuracy_ci,
    holm,
    paired_test,
    share_records,
)

PRIMARY = "acc"
HEADLINE_GROUPS = ("emovit_paper", "emobench")
"""Groups that head the report (the papers' headline means), in this order, before other groups."""


@dataclass
class ReportOptions:
    """Knobs of ``lmms-emotion compare``."""

    n_resamples_ci: int = 2000
    n_resamples_test: int = 10000
    seed: int = 0
    confidence: float = 0.95
    baseline: str | None = None  # compare every run with this one only (default: all pairs)
    min_shared: float = DEFAULT_MIN_SHARED  # a run is ranked only when it shares this share of records
    plots: bool = True
    title: str = "Model comparison"


@dataclass
class TaskRow:
    """One run's scores on one task, on the records its ranking uses (``n`` of them)."""

    run: str
    metrics: dict[str, Any]  # scalar metrics (filter none), fractions as lmms-eval reports them
    ci: AccuracyCI | None
    n: int | None  # records these scores cover
    n_effective: int | None  # docs the run scored (lmms-eval's n-samples)
    n_original: int | None  # docs in the task
    ranked: bool = True
    on_shared: bool = False  # recomputed here from samples on the shared records (the run scored more)

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
    """Per-class accuracy of the ranked runs on one task (on the shared records)."""

    classes: list[str]
    values: dict[str, dict[str, float | None]]  # run -> class -> accuracy
    gold_counts: dict[str, int]  # class -> gold samples among the records shown


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
    sharing: RecordSharing
    dropped_metrics: dict[str, str] = field(default_factory=dict)  # metric -> why it is not in the tables
    confusions: list[Confusion] = field(default_factory=list)

    @property
    def unranked(self) -> dict[str, str]:
        return self.sharing.unranked


@dataclass
class GroupRow:
    run: str
    score: float | None
    score_source: str  # "lmms-eval" (the group's own aggregate), "mean of tasks[ on shared records]" or ""
    task_scores: dict[str, float | None]
    task_n: dict[str, int | None] = field(default_factory=dict)  # records behind each task score
    ranked: bool = True


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


def _labels(samples: list[Sample]) -> list[str]:
    from lmms_emotion.report.plots import confusion_labels

    return confusion_labels([s.gold for s in samples], samples[0].label_set)


def _per_class(runs: list[Run], task: str, rows: list[TaskRow], chosen: dict[str, list[Sample]]) -> PerClass | None:
    """Per-class recall of the ranked runs: from their samples (on the shared records) when logged,
    else from the ``per_class_acc`` lmms-eval wrote into the results (older results files)."""
    from lmms_emotion.scoring.metrics import per_class_accuracy

    values: dict[str, dict[str, float | None]] = {}
    classes: list[str] = []
    gold_counts: dict[str, int] = {}
    by_label = {run.label: run for run in runs}
    for row in rows:
        if not row.ranked:
            continue
        samples = [s for s in chosen.get(row.run, []) if s.pred is not None]
        if samples:
            labels = _labels(samples)
            per_class = per_class_accuracy([s.gold for s in samples], [s.pred or UNPARSED for s in samples], labels)
            if not gold_counts:
                for sample in samples:
                    gold_counts[sample.gold] = gold_counts.get(sample.gold, 0) + 1
        else:
            per_class = by_label[row.run].task_metrics(task).get("per_class_acc")
            if not isinstance(per_class, dict):
                continue
        values[row.run] = {k: _number(v) for k, v in per_class.items()}
        classes.extend(c for c in per_class if c not in classes)
    return PerClass(classes, values, gold_counts) if values else None


def _tests(runs: list[Run], task: str, sharing: RecordSharing, options: ReportOptions) -> list[PairedTest]:
    """Paired tests between the ranked runs that logged samples, on the records they all share."""
    ranked = [run for run in runs if run.label in sharing.ranked and run.label in sharing.records]
    if options.baseline is not None:
        base = [r for r in ranked if r.label == options.baseline]
        pairs = [(r, base[0]) for r in ranked if base and r is not base[0]]
    else:
        pairs = [(a, b) for i, a in enumerate(ranked) for b in ranked[i + 1:]]
    tests = [paired_test(a, b, task, keys=sharing.shared, n_resamples=options.n_resamples_test, seed=options.seed,
                         confidence=options.confidence) for a, b in pairs]
    return holm([t for t in tests if t is not None])


def _confusions(runs: list[Run], task: str, out: Path) -> list[Confusion]:
    from lmms_emotion.report.plots import MAX_CLASSES, plot_confusion

    made = []
    used: set[str] = set()
    for run in runs:
        samples = [s for s in run.samples(task) if s.pred is not None]
        if not samples:
            continue
        golds = [s.gold for s in samples]
        preds = [s.pred or UNPARSED for s in samples]
        labels = _labels(samples)
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


def _recomputed(run: Run, task: str, samples: list[Sample], reported: dict[str, Any]) -> dict[str, Any]:
    """The run's metrics on a subset of its samples: accuracy and mean-aggregated metrics as means,
    macro-F1 from the parsed items; None for a metric the samples cannot reproduce."""
    from lmms_emotion.scoring.metrics import macro_f1

    means = run.mean_metrics(task)
    out: dict[str, Any] = {}
    for metric in reported:
        value: float | None = None
        if metric == PRIMARY:
            value = sum(s.correct or 0.0 for s in samples) / len(samples)
        elif metric in means:
            known = [s.values[metric] for s in samples if s.values.get(metric) is not None]
            value = sum(known) / len(known) if known else None
        elif metric == "macro_f1" and all(s.pred is not None for s in samples):
            value = macro_f1([s.gold for s in samples], [s.pred or UNPARSED for s in samples], _labels(samples))
        out[metric] = value
    return out


def _fractions_only(rows: list[TaskRow], names: list[str]) -> tuple[list[str], dict[str, str]]:
    """Split metric names into those every row reports as a fraction (shown in percent) and the rest."""
    kept, dropped = [], {}
    for name in names:
        outside = [row.metrics[name] for row in rows if _number(row.metrics.get(name)) is not None
                   and not 0.0 <= float(row.metrics[name]) <= 1.0]
        if outside:
            dropped[name] = f"not a fraction (e.g. {outside[0]}), so not shown in percent; see leaderboard.csv"
        else:
            kept.append(name)
    return kept, dropped


def _task_section(runs: list[Run], task: str, options: ReportOptions, out: Path | None) -> TaskSection:
    having = [run for run in runs if task in run.tasks]
    sharing = share_records(having, task, options.min_shared)
    rows: list[TaskRow] = []
    chosen: dict[str, list[Sample]] = {}
    metric_names: list[str] = []
    for run in having:
        reported = {k: v for k, v in run.task_metrics(task).items() if _number(v) is not None}
        metric_names.extend(m for m in reported if m not in metric_names)
        ranked = run.label in sharing.ranked
        keyed = sharing.records.get(run.label)
        effective, original = run.n_samples(task)
        if keyed:
            keys = sharing.shared if ranked and sharing.shared is not None else keyed.keys()
            samples = [sample for key, sample in keyed.items() if key in keys]
            chosen[run.label] = samples
            on_shared = len(samples) < len(keyed)
            metrics = _recomputed(run, task, samples, reported) if on_shared else reported
            ci = accuracy_ci(run.label, task, samples, n_resamples=options.n_resamples_ci, seed=options.seed,
                             confidence=options.confidence)
            rows.append(TaskRow(run.label, metrics, ci, len(samples), effective, original, ranked, on_shared))
        else:
            rows.append(TaskRow(run.label, reported, None, effective, effective, original, ranked, False))
    rows.sort(key=lambda r: (not r.ranked, *_sort_key(r.primary)))
    if PRIMARY in metric_names:
        metric_names.remove(PRIMARY)
        metric_names.insert(0, PRIMARY)
    metric_names, dropped = _fractions_only(rows, metric_names)
    order = {row.run: i for i, row in enumerate(rows)}
    having.sort(key=lambda run: order[run.label])
    reference = [ReferenceCell(r.label, r.scores[task], task in r.in_domain, r.source)
                 for r in reference_rows([task])]
    alias = next((run.alias(task) for run in having if run.alias(task)), "")
    section = TaskSection(task, alias, benchmark_of(task), metric_names, rows, reference,
                          _per_class(having, task, rows, chosen), _tests(having, task, sharing, options), sharing,
                          dropped)
    if options.plots and out is not None:
        section.confusions = _confusions(having, task, out)
    return section


def _group_section(runs: list[Run], group: str | None, tasks: list[str],
                   sections: dict[str, TaskSection]) -> GroupSection:
    """A group's leaderboard from its tasks' rows: a run is ranked when every task ranked it."""
    task_rows = {task: {row.run: row for row in sections[task].rows} for task in tasks if task in sections}
    rows = []
    alias = ""
    for run in runs:
        mine = {task: by_run[run.label] for task, by_run in task_rows.items() if run.label in by_run}
        if not mine:
            continue
        ranked = len(mine) == len(tasks) and all(row.ranked for row in mine.values())
        rows.append(GroupRow(run.label, None, "", {t: r.primary for t, r in mine.items()},
                             {t: r.n for t, r in mine.items()}, ranked))
        if group is not None and group in run.groups:
            alias = alias or run.alias(group)
    by_label = {run.label: run for run in runs}
    shared_scores = any(task_rows[t][row.run].on_shared for row in rows if row.ranked for t in row.task_scores)
    for row in rows:
        complete = len(row.task_scores) == len(tasks) and all(v is not None for v in row.task_scores.values())
        if group is None:
            continue
        run = by_label[row.run]
        if not (shared_scores and row.ranked) and group in run.groups:
            row.score, row.score_source = _number(run.group_metrics(group).get(PRIMARY)), "lmms-eval"
        if row.score is None and complete:
            row.score = sum(row.task_scores.values()) / len(row.task_scores)
            row.score_source = "mean of tasks on shared records" if shared_scores and row.ranked else "mean of tasks"
    rows.sort(key=lambda r: (not r.ranked, *_sort_key(r.score if group is not None else _mean(r.task_scores))))
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


def _group_order(runs: list[Run], groups: dict[str, tuple[Run, list[str]]]) -> list[str]:
    """Headline groups first (:data:`HEADLINE_GROUPS`), then other top-level groups, then sub-groups
    (outer before inner), each in the order the runs list them."""
    members = {member for run in runs for names in run.groups.values() for member in names}

    def depth(name: str) -> int:
        parents = [g for run in runs for g, names in run.groups.items() if name in names]
        return 0 if not parents else 1 + min(depth(p) for p in parents)

    position = {name: i for i, name in enumerate(groups)}
    return sorted(groups, key=lambda g: (g not in HEADLINE_GROUPS or g in members,
                                         HEADLINE_GROUPS.index(g) if g in HEADLINE_GROUPS else 0,
                                         depth(g), position[g]))


def _notes(runs: list[Run], sections: list[TaskSection]) -> list[str]:
    names = [s.task for s in sections] + [g for run in runs for g in run.groups]
    notes = benchmark_notes(names)
    sources = {cell.source for s in sections for cell in s.reference}
    notes.extend(f"Rows marked (paper) are {source}." for source in sorted(sources))
    for section in sections:
        task = section.task
        for run in runs:
            if task not in run.tasks:
                continue
            effective, original = run.n_samples(task)
            if effective is not None and original is not None and effective < original:
                note = f"{run.label} scored {effective} of the {original} docs of {task} (--limit)"
                notes.append(note + ("; the paper numbers use the full test set." if section.reference else "."))
            if not run.samples(task):
                notes.append(f"{run.label} has no logged samples for {task} (run without --log_samples): "
                             "no confidence interval, paired test or confusion matrix.")
        shared = section.sharing.shared
        if shared is not None and any(row.on_shared for row in section.rows):
            notes.append(f"{task}: ranked runs are scored on the {len(shared)} records they all share "
                         f"(of {section.sharing.n_records}); n shows the records behind each score.")
        for metric, why in section.dropped_metrics.items():
            notes.append(f"{task}: metric {metric} is {why}.")
    left_out: dict[str, list[tuple[str, str]]] = {}
    for section in sections:
        for label, why in section.unranked.items():
            left_out.setdefault(label, []).append((section.task, why))
    for label, reasons in left_out.items():
        if len(reasons) == 1:
            notes.append(f"{label} is not ranked on {reasons[0][0]}: it {reasons[0][1]}.")
        else:
            notes.append(f"{label} is not ranked on {len(reasons)} tasks: "
                         + "; ".join(f"{task}: it {why}" for task, why in reasons) + ".")
    notes.append("Confidence intervals: percentile bootstrap over records (0/1 scores resampled from their "
                 "counts). Paired tests: exact McNemar (sign-flip) test on the records both runs scored, matched "
                 "by record id, with a bootstrap interval of the difference; p-values Holm-corrected over each "
                 "task's pairs; significant = Holm p < 0.05.")
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
    by_task = {section.task: section for section in sections}
    group_sections = [_group_section(runs, name, groups[name][1], by_task) for name in _group_order(runs, groups)]
    grouped = {task for _run, leaves in groups.values() for task in leaves}
    loose = [task for task in tasks if task not in grouped]
    if loose:
        group_sections.append(_group_section(runs, None, loose, by_task))
    return ReportData(options.title, runs, [g for g in group_sections if g.rows], sections,
                      _notes(runs, sections), options)


def margin_failures(data: ReportData, winner: str, loser: str, points: float) -> list[str]:
    """Why ``winner`` does not beat ``loser`` by ``points`` percentage points of accuracy on every task
    both are ranked on (scored on the same shared records); empty when it does."""
    labels = {run.label for run in data.runs}
    missing = [name for name in (winner, loser) if name not in labels]
    if missing:
        return [f"no run named {', '.join(missing)}; runs: {', '.join(sorted(labels))}"]
    failures, compared = [], 0
    for section in data.tasks:
        rows = {row.run: row for row in section.rows}
        if winner not in rows or loser not in rows:
            continue
        a, b = rows[winner], rows[loser]
        if not (a.ranked and b.ranked) or a.primary is None or b.primary is None:
            failures.append(f"{section.task}: {winner} and {loser} are not both ranked, so they cannot be compared")
            continue
        compared += 1
        margin = 100 * (a.primary - b.primary)
        if margin < points:
            failures.append(f"{section.task}: {winner} {100 * a.primary:.2f}% vs {loser} {100 * b.primary:.2f}% "
                            f"on {a.n} records: margin {margin:+.2f} points, expected at least {points:+.2f}")
    if not compared and not failures:
        failures.append(f"{winner} and {loser} share no task")
    return failures
