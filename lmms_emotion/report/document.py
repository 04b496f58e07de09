"""The report as an ordered list of blocks (headings, tables, notes, pictures).

Both renderers (:mod:`.markdown`, :mod:`.html_page`) walk the same blocks, so the
Markdown file and the HTML page always show the same numbers in the same order.
Every score is shown in percent with two decimals, like the papers' tables; the unit is
stated once, at the top (:data:`UNITS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lmms_emotion import __version__
from lmms_emotion.report.build import GroupRow, GroupSection, ReportData, TaskSection
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
    main: bool = False  # a leaderboard or a task's score table: must fit the page without scrolling


@dataclass
class Pictures:
    items: list[tuple[str, Path]]  # (caption, PNG path)


UNITS = ("All scores, confidence intervals and differences in this report are percentages (0-100; differences "
         "in percentage points); p-values are probabilities; n counts records.")
"""The report's one statement of units: every score column of every table is in percent."""

Block = Heading | Paragraph | Bullets | Table | Pictures


def pct(value: float | None) -> str:
    """A fraction as a percentage with two decimals ("–" when missing)."""
    return "–" if value is None else f"{100 * value:.2f}"


def points(value: float) -> str:
    """A difference of fractions in signed percentage points."""
    return f"{100 * value:+.2f}"


def pvalue(value: float) -> str:
    return f"{value:.4g}"


def anchor(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def _runs_table(data: ReportData) -> Table:
    rows = []
    for run in data.runs:
        rows.append([run.label, run.model, run.model_args or "–", run.timestamp, str(run.results_path)])
    return Table(["run", "model", "model_args", "timestamp", "results file"], rows)


def _unranked_caption(unranked: dict[str, str]) -> str:
    return " ".join(f"Not ranked: {label} ({why})." for label, why in unranked.items())


def _common_n(rows: list[GroupRow], task: str) -> int | None:
    """The record count behind every ranked row's score on ``task``, when they all agree."""
    counts = {row.task_n.get(task) for row in rows if row.ranked and task in row.task_scores}
    return counts.pop() if len(counts) == 1 else None


def _group_table(section: GroupSection, unranked: dict[str, str]) -> Table:
    grouped = section.group is not None
    common = {t: _common_n(section.rows, t) for t in section.tasks}
    headers = (["rank", "run"] + ([section.group] if grouped else [])
               + [f"{t} (n={common[t]})" if common[t] is not None else t for t in section.tasks])
    rows = []
    rank = 0
    for row in section.rows:
        rank += row.ranked
        score = ([pct(row.score) + (f" ({row.score_source})" if row.score_source.startswith("mean") else "")]
                 if grouped else [])
        cells = []
        for t in section.tasks:
            cell = pct(row.task_scores.get(t))
            n = row.task_n.get(t)
            if t in row.task_scores and n is not None and (common[t] is None or n != common[t] or not row.ranked):
                cell += f" (n={n})"
            cells.append(cell)
        rows.append([str(rank) if row.ranked else "–", row.run] + score + cells)
    first_reference = len(rows)
    for row in section.reference:
        score = [pct(row.score) + (" (mean of paper numbers)" if row.score is not None else "")] if grouped else []
        rows.append(["–", row.run] + score + [pct(row.task_scores.get(t)) for t in section.tasks])
    caption = "Rows marked (paper) are the papers' numbers on their full test sets, not runs." if section.reference \
        else ""
    names = {row.run for row in section.rows if not row.ranked}
    caption = " ".join(filter(None, [caption, _unranked_caption({k: v for k, v in unranked.items() if k in names})]))
    return Table(headers, rows, set(range(first_reference, len(rows))), caption, main=True)


def _scores_table(section: TaskSection) -> Table:
    others = [m for m in section.metric_names if m != "acc"]
    headers = ["rank", "run", "acc", "95% CI"] + others + ["n"]
    rows = []
    rank = 0
    for row in section.rows:
        rank += row.ranked
        ci = f"[{pct(row.ci.low)}, {pct(row.ci.high)}]" if row.ci else "–"
        n = "–" if row.n is None else str(row.n)
        if row.n_original is not None and row.n is not None and row.n < row.n_original:
            n += f" of {row.n_original}"
        values = [pct(row.metrics.get(m)) for m in others]
        rows.append([str(rank) if row.ranked else "–", row.run, pct(row.metrics.get("acc")), ci] + values + [n])
    first_reference = len(rows)
    for cell in section.reference:
        rows.append(["–", cell.label, pct(cell.value) + (" (in-domain)" if cell.in_domain else ""), "–"]
                    + ["–"] * len(others) + ["full test set"])
    parts = []
    if section.reference:
        parts.append("(paper) rows: the papers' accuracy on the full test set.")
    if any(row.on_shared for row in section.rows):
        parts.append(f"Ranked runs scored on the {len(section.sharing.shared or ())} records they all share.")
    parts.append(_unranked_caption(section.unranked))
    return Table(headers, rows, set(range(first_reference, len(rows))), " ".join(filter(None, parts)), main=True)


def _per_class_table(section: TaskSection) -> Table | None:
    per_class = section.per_class
    if per_class is None:
        return None
    headers = ["run"] + [f"{c} (n={per_class.gold_counts[c]})" if c in per_class.gold_counts else c
                         for c in per_class.classes]
    rows = [[run] + [pct(values.get(c)) for c in per_class.classes] for run, values in per_class.values.items()]
    order = {row.run: i for i, row in enumerate(section.rows)}
    rows.sort(key=lambda r: order.get(r[0], len(order)))
    return Table(headers, rows, caption="Accuracy (recall) per gold class of the ranked runs; n = gold samples.")


def _tests_table(section: TaskSection) -> Table | None:
    if not section.tests:
        return None
    headers = ["a", "b", "n paired", "acc a", "acc b", "a − b", "95% CI", "p", "p (Holm)", "significant"]
    rows = []
    for t in section.tests:
        rows.append([t.a, t.b, f"{t.n_paired} (by {t.paired_by})", pct(t.acc_a), pct(t.acc_b), points(t.mean_diff),
                     f"[{points(t.low)}, {points(t.high)}]", pvalue(t.p_value), pvalue(t.p_holm),
                     "yes" if t.significant else "no"])
    method = section.tests[0].method or "paired test"
    return Table(headers, rows, caption=f"{method[0].upper()}{method[1:]} on the records both runs scored; "
                                        "interval: paired bootstrap.")


def report_blocks(data: ReportData) -> list[Block]:
    """The whole report, in order: leaderboards (headline groups first), notes, runs, then each task."""
    blocks: list[Block] = [
        Heading(1, data.title, "top"),
        Paragraph(f"Generated by lmms-emotion {__version__} (lmms-emotion compare) from {len(data.runs)} "
                  f"run(s), {len(data.tasks)} task(s). {UNITS}"),
    ]
    reasons: dict[str, list[str]] = {}
    for task in data.tasks:
        for label, why in task.unranked.items():
            reasons.setdefault(label, []).append(f"{task.task}: {why}")
    unranked = {label: why[0] if len(why) == 1 else f"left out of {len(why)} tasks' rankings, e.g. {why[0]}; "
                "see the notes" for label, why in reasons.items()}
    for section in data.groups:
        title = f"Leaderboard: {section.group}" if section.group else "Leaderboard: tasks"
        if section.alias:
            title += f" ({section.alias})"
        bench = benchmark_of(section.group or (section.tasks[0] if section.tasks else ""))
        blocks.append(Heading(2, title, anchor("leaderboard-" + (section.group or "tasks"))))
        if bench is not None and bench.prefix == "emobench_":
            blocks.append(Paragraph(f"{bench.name}."))
        blocks.append(_group_table(section, unranked))
    blocks.extend([Heading(2, "Notes", "notes"), Bullets(data.notes), Heading(2, "Runs", "runs"),
                   _runs_table(data)])
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
            blocks.extend([Heading(3, "Paired tests", anchor(f"{section.task}-tests")), tests])
        if section.confusions:
            blocks.append(Heading(3, "Confusion matrices", anchor(f"{section.task}-confusion")))
            blocks.append(Paragraph("Rows: gold class, shaded by the row's share; cell text: sample counts; last "
                                    "column: answers the parser could not place on a label (unparsed/other)."))
            blocks.append(Pictures([(f"{c.run} (n={c.n})", c.path) for c in section.confusions]))
    return blocks
