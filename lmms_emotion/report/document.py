"""The report as an ordered list of blocks (headings, tables, notes, pictures).

Both renderers (:mod:`.markdown`, :mod:`.html_page`) walk the same blocks, so the
Markdown file and the HTML page always show the same numbers in the same order.
Accuracies are shown in percent with two decimals, like the papers' tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lmms_emotion import __version__
from lmms_emotion.report.build import GroupSection, ReportData, TaskSection
from lmms_emotion.report.reference import benchmark_of


@dataclass
class Heading:
    level: int
    text: str
    anchor: str


@dataclass
class Paragraph:
    text: str


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    reference_rows: set[int] = field(default_factory=set)  # indices of paper rows (styled apart)
    caption: str = ""


@dataclass
class Pictures:
    items: list[tuple[str, Path]]  # (caption, PNG path)


PERCENT_METRICS = {"acc", "macro_f1", "unparsed_rate"}
"""Metrics shown in percent; any other metric is shown as a plain number."""

Block = Heading | Paragraph | Bullets | Table | Pictures


def pct(value: float | None) -> str:
    """A fraction as a percentage with two decimals ("–" when missing)."""
    return "–" if value is None else f"{100 * value:.2f}"


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.4f}"


def pvalue(value: float) -> str:
    return f"{value:.4g}"


def anchor(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def _runs_table(data: ReportData) -> Table:
    rows = []
    for run in data.runs:
        rows.append([run.label, run.model, run.model_args or "–", run.timestamp, str(run.results_path)])
    return Table(["run", "model", "model_args", "timestamp", "results file"], rows)


def _group_table(section: GroupSection) -> Table:
    grouped = section.group is not None
    headers = ["rank", "run"] + ([f"{section.group} acc"] if grouped else []) + [f"{t}" for t in section.tasks]
    rows = []
    for rank, row in enumerate(section.rows, start=1):
        score = ([pct(row.score) + (" (mean of tasks)" if row.score_source == "mean of tasks" else "")]
                 if grouped else [])
        rows.append([str(rank), row.run] + score + [pct(row.task_scores.get(t)) for t in section.tasks])
    first_reference = len(rows)
    for row in section.reference:
        score = [pct(row.score) + (" (mean of paper numbers)" if row.score is not None else "")] if grouped else []
        rows.append(["–", row.run] + score + [pct(row.task_scores.get(t)) for t in section.tasks])
    return Table(headers, rows, set(range(first_reference, len(rows))),
                 "Accuracy in %." + (" Rows marked (paper) are the papers' numbers, not runs." if section.reference
                                     else ""))


def _scores_table(section: TaskSection) -> Table:
    others = [m for m in section.metric_names if m != "acc"]
    headers = ["rank", "run", "acc", "95% CI"] + others + ["n"]
    rows = []
    for rank, row in enumerate(section.rows, start=1):
        ci = f"[{pct(row.ci.low)}, {pct(row.ci.high)}]" if row.ci else "–"
        n = "–" if row.n_effective is None else str(row.n_effective)
        if row.n_original is not None and row.n_effective is not None and row.n_effective < row.n_original:
            n += f" of {row.n_original}"
        values = [pct(row.metrics.get(m)) if m in PERCENT_METRICS else fmt(row.metrics.get(m)) for m in others]
        rows.append([str(rank), row.run, pct(row.metrics.get("acc")), ci] + values + [n])
    first_reference = len(rows)
    for cell in section.reference:
        rows.append(["–", cell.label, pct(cell.value) + (" (in-domain)" if cell.in_domain else ""), "–"]
                    + ["–"] * len(others) + ["full test set"])
    caption = ", ".join(m for m in ["acc", *others] if m in PERCENT_METRICS) + " in %."
    if section.reference:
        caption += " (paper) rows: the papers' accuracy on the full test set."
    return Table(headers, rows, set(range(first_reference, len(rows))), caption)


def _per_class_table(section: TaskSection) -> Table | None:
    per_class = section.per_class
    if per_class is None:
        return None
    headers = ["run"] + [f"{c} (n={per_class.gold_counts[c]})" if c in per_class.gold_counts else c
                         for c in per_class.classes]
    rows = [[run] + [pct(values.get(c)) for c in per_class.classes] for run, values in per_class.values.items()]
    order = {row.run: i for i, row in enumerate(section.rows)}
    rows.sort(key=lambda r: order.get(r[0], len(order)))
    return Table(headers, rows, caption="Accuracy (recall) per gold class, in %; n = gold samples logged.")


def _tests_table(section: TaskSection) -> Table | None:
    if not section.tests:
        return None
    headers = ["a", "b", "paired", "a only", "b only", "acc a", "acc b", "a − b", "95% CI", "p", "p (Holm)",
               "significant"]
    rows = []
    for t in section.tests:
        rows.append([t.a, t.b, f"{t.n_paired} (by {t.paired_by})", str(t.only_a), str(t.only_b), pct(t.acc_a),
                     pct(t.acc_b), f"{100 * t.mean_diff:+.2f}", f"[{100 * t.low:+.2f}, {100 * t.high:+.2f}]",
                     pvalue(t.p_value), pvalue(t.p_holm), "yes" if t.significant else "no"])
    return Table(headers, rows, caption="Paired bootstrap of accuracy differences (points) on the samples both "
                                        "runs scored.")


def report_blocks(data: ReportData) -> list[Block]:
    """The whole report, in order."""
    blocks: list[Block] = [
        Heading(1, data.title, "top"),
        Paragraph(f"Generated by lmms-emotion {__version__} (lmms-emotion compare) from {len(data.runs)} "
                  f"run(s), {len(data.tasks)} task(s)."),
        Heading(2, "Notes", "notes"),
        Bullets(data.notes),
        Heading(2, "Runs", "runs"),
        _runs_table(data),
    ]
    for section in data.groups:
        title = f"Leaderboard: {section.group}" if section.group else "Leaderboard: tasks"
        if section.alias:
            title += f" ({section.alias})"
        bench = benchmark_of(section.group or (section.tasks[0] if section.tasks else ""))
        blocks.append(Heading(2, title, anchor("leaderboard-" + (section.group or "tasks"))))
        if bench is not None and bench.prefix == "emobench_":
            blocks.append(Paragraph(f"{bench.name}."))
        blocks.append(_group_table(section))
    for section in data.tasks:
        title = f"Task {section.task}" + (f" ({section.alias})" if section.alias else "")
        blocks.append(Heading(2, title, anchor("task-" + section.task)))
        if section.benchmark is not None:
            blocks.append(Paragraph(f"{section.benchmark.name}."))
        blocks.append(Heading(3, "Scores", anchor(f"{section.task}-scores")))
        blocks.append(_scores_table(section))
        per_class = _per_class_table(section)
        if per_class is not None:
            blocks.extend([Heading(3, "Per-class accuracy", anchor(f"{section.task}-per-class")), per_class])
        tests = _tests_table(section)
        if tests is not None:
            blocks.extend([Heading(3, "Paired bootstrap tests", anchor(f"{section.task}-tests")), tests])
        if section.confusions:
            blocks.append(Heading(3, "Confusion matrices", anchor(f"{section.task}-confusion")))
            blocks.append(Paragraph("Rows: gold class, normalised per row; cell text: sample counts; last column: "
                                    "answers the parser could not place on a label (unparsed/other)."))
            blocks.append(Pictures([(f"{c.run} (n={c.n})", c.path) for c in section.confusions]))
    return blocks
