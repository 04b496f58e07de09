"""Write a comparison report folder: Markdown, HTML, CSV tables, JSON summary, confusion PNGs.

    <out>/report.md         every table, pictures linked
    <out>/report.html       the same, self-contained (inline CSS, pictures embedded)
    <out>/leaderboard.csv   long format: one row per (task or group, run or paper row, metric)
    <out>/per_class.csv     task, run, class, accuracy, gold samples
    <out>/pairwise.csv      paired bootstrap tests
    <out>/summary.json      all of the above as data
    <out>/confusion/<task>/<run>.png
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from lmms_emotion.report.build import ReportData, ReportOptions, build_report
from lmms_emotion.report.reference import benchmark_of
from lmms_emotion.report.runs import Run

LEADERBOARD_COLUMNS = ("kind", "name", "benchmark", "run", "source", "metric", "value", "ci_low", "ci_high",
                       "n", "n_total", "ranked", "note")
PER_CLASS_COLUMNS = ("task", "run", "class", "accuracy", "n_gold")
PAIRWISE_COLUMNS = ("task", "a", "b", "paired_by", "n_paired", "only_a", "only_b", "acc_a", "acc_b", "mean_diff",
                    "ci_low", "ci_high", "p_value", "p_holm", "significant", "method")


@dataclass
class ReportFiles:
    """What ``write_report`` wrote."""

    out: Path
    markdown: Path
    html: Path
    leaderboard_csv: Path
    per_class_csv: Path
    pairwise_csv: Path
    summary_json: Path
    pictures: list[Path]
    data: ReportData


def leaderboard_rows(data: ReportData) -> list[dict]:
    """Long-format leaderboard: tasks and groups, runs and paper rows."""
    rows: list[dict] = []
    for section in data.tasks:
        bench = section.benchmark.name if section.benchmark else ""
        for row in section.rows:
            for metric in [*section.metric_names, *section.dropped_metrics]:  # the CSV keeps every metric
                if metric not in row.metrics:
                    continue
                ci = row.ci if metric == "acc" else None
                rows.append({"kind": "task", "name": section.task, "benchmark": bench, "run": row.run,
                             "source": "run", "metric": metric,
                             "value": "" if row.metrics[metric] is None else row.metrics[metric],
                             "ci_low": ci.low if ci else "", "ci_high": ci.high if ci else "",
                             "n": row.n if row.n is not None else "",
                             "n_total": row.n_original if row.n_original is not None else "",
                             "ranked": row.ranked,
                             "note": "on the records the ranked runs share" if row.on_shared
                             else section.unranked.get(row.run, "")})
        for cell in section.reference:
            rows.append({"kind": "task", "name": section.task, "benchmark": bench, "run": cell.label,
                         "source": "paper", "metric": "acc", "value": cell.value, "ci_low": "", "ci_high": "",
                         "n": "", "n_total": "", "ranked": "",
                         "note": cell.source + ("; in-domain" if cell.in_domain else "")})
    for group in data.groups:
        if group.group is None:
            continue
        bench = benchmark_of(group.group)
        for row, source in [(r, "run") for r in group.rows] + [(r, "paper") for r in group.reference]:
            if row.score is None:
                continue
            rows.append({"kind": "group", "name": group.group, "benchmark": bench.name if bench else "",
                         "run": row.run, "source": source, "metric": "acc", "value": row.score,
                         "ci_low": "", "ci_high": "", "n": "", "n_total": "",
                         "ranked": row.ranked if source == "run" else "", "note": row.score_source})
    return rows


def per_class_rows(data: ReportData) -> list[dict]:
    rows = []
    for section in data.tasks:
        if section.per_class is None:
            continue
        for run, values in section.per_class.values.items():
            for label in section.per_class.classes:
                rows.append({"task": section.task, "run": run, "class": label,
                             "accuracy": "" if values.get(label) is None else values[label],
                             "n_gold": section.per_class.gold_counts.get(label, "")})
    return rows


def pairwise_rows(data: ReportData) -> list[dict]:
    return [{"task": t.task, "a": t.a, "b": t.b, "paired_by": t.paired_by, "n_paired": t.n_paired,
             "only_a": t.only_a, "only_b": t.only_b, "acc_a": t.acc_a, "acc_b": t.acc_b, "mean_diff": t.mean_diff,
             "ci_low": t.low, "ci_high": t.high, "p_value": t.p_value, "p_holm": t.p_holm,
             "significant": t.significant, "method": t.method} for section in data.tasks for t in section.tests]


def _csv_text(columns: tuple[str, ...], rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_report(runs: list[Run], out: str | Path, options: ReportOptions | None = None) -> ReportFiles:
    """Compute and write the whole report into ``out``."""
    from lmms_emotion.jsonl import atomic_write_text, write_json
    from lmms_emotion.report.document import report_blocks
    from lmms_emotion.report.html_page import render_html
    from lmms_emotion.report.markdown import render_markdown

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    data = build_report(runs, options, out)
    blocks = report_blocks(data)
    files = ReportFiles(out, out / "report.md", out / "report.html", out / "leaderboard.csv", out / "per_class.csv",
                        out / "pairwise.csv", out / "summary.json",
                        [c.path for s in data.tasks for c in s.confusions], data)
    atomic_write_text(files.markdown, render_markdown(blocks, out))
    atomic_write_text(files.html, render_html(blocks, data.title))
    leaderboard, per_class, pairwise = leaderboard_rows(data), per_class_rows(data), pairwise_rows(data)
    atomic_write_text(files.leaderboard_csv, _csv_text(LEADERBOARD_COLUMNS, leaderboard))
    atomic_write_text(files.per_class_csv, _csv_text(PER_CLASS_COLUMNS, per_class))
    atomic_write_text(files.pairwise_csv, _csv_text(PAIRWISE_COLUMNS, pairwise))
    write_json(files.summary_json, {
        "title": data.title,
        "runs": [{"label": r.label, "model": r.model, "model_args": r.model_args, "results": str(r.results_path),
                  "tasks": r.tasks} for r in runs],
        "notes": data.notes,
        "leaderboard": leaderboard,
        "per_class": per_class,
        "pairwise": pairwise,
        "confusion": {s.task: {c.run: str(c.path.relative_to(out)) for c in s.confusions} for s in data.tasks},
    })
    return files


def summary_lines(files: ReportFiles) -> list[str]:
    """A short console summary: the leader of every group and task, and where the files are."""
    lines = []
    for section in files.data.tasks:
        if section.rows and section.rows[0].ranked and section.rows[0].primary is not None:
            best = section.rows[0]
            ranked = sum(row.ranked for row in section.rows)
            records = f" on {best.n} records" if best.n else ""
            lines.append(f"{section.task}: best {best.run} acc {100 * best.primary:.2f}%{records} "
                         f"({ranked} runs ranked, {sum(t.significant for t in section.tests)} significant pairs)")
        for label, why in section.unranked.items():
            lines.append(f"{section.task}: {label} not ranked: {why}")
    lines.append(f"wrote {files.markdown}, {files.html}, {files.leaderboard_csv.name}, {files.per_class_csv.name}, "
                 f"{files.pairwise_csv.name}, {files.summary_json.name} and {len(files.pictures)} confusion matrices")
    return lines
