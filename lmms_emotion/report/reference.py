"""Numbers the papers report, keyed by our task names, and how every output labels them.

The one place these facts live in code. Reports print them beside our runs, clearly
marked as paper numbers; they are on the papers' full test sets with the papers' own
prompts and parsing, so they are context, not runs to test against.
"""

from __future__ import annotations

from dataclasses import dataclass

EMOVIT_SOURCE = (
    "paper numbers: EmoVIT (Xie et al., CVPR 2024, arXiv 2404.16670), top-1 accuracy in %, "
    "as re-printed in TinyEmo Table VIII; the papers' own prompts, parsing and full test sets"
)

_EMOVIT_COLUMNS = (
    "emovit_emotionroi", "emovit_emoset", "emovit_webemo25", "emovit_emotion6",
    "emovit_fi", "emovit_artphoto", "emovit_abstract", "emovit_unbiasedemo",
)
# TinyEmo Table VIII re-print of EmoVIT's results, in _EMOVIT_COLUMNS order; None = no entry.
_EMOVIT_ROWS: dict[str, tuple[float | None, ...]] = {
    "Flamingo": (21.72, 29.59, 9.21, 21.67, 14.91, 17.50, 3.57, None),
    "LLaVA": (46.46, 44.03, 12.55, 49.44, 56.04, 36.25, 19.54, None),
    "BLIP-2": (50.51, 46.79, 20.10, 50.00, 57.72, 36.25, 28.57, None),
    "InstructBLIP": (46.13, 42.20, 12.80, 46.11, 37.97, 26.25, 21.42, None),
    "EmoVIT": (53.87, 83.36, 21.12, 57.81, 68.09, 44.90, 32.34, 74.72),
}
_EMOVIT_TABLE = {model: dict(zip(_EMOVIT_COLUMNS, values)) for model, values in _EMOVIT_ROWS.items()}

IN_DOMAIN = {("EmoVIT", "emovit_emoset")}
"""Cells the paper marks as in-domain (EmoVIT was instruction-tuned on EmoSet)."""


@dataclass(frozen=True)
class ReferenceRow:
    """One model's paper numbers for the tasks in a report (accuracy as a fraction, like lmms-eval's)."""

    model: str
    scores: dict[str, float]
    source: str
    in_domain: frozenset[str] = frozenset()

    @property
    def label(self) -> str:
        return f"{self.model} (paper)"


def reference_rows(tasks: list[str] | set[str]) -> list[ReferenceRow]:
    """Paper rows with at least one number for ``tasks`` (scores only for those tasks)."""
    rows = []
    for model, table in _EMOVIT_TABLE.items():
        scores = {task: round(table[task] / 100, 6) for task in tasks if table.get(task) is not None}
        if scores:
            in_domain = frozenset(task for (m, task) in IN_DOMAIN if m == model and task in scores)
            rows.append(ReferenceRow(model, scores, EMOVIT_SOURCE, in_domain))
    return rows


def reference_tasks() -> set[str]:
    """Every task name the paper table has a number for."""
    return {task for table in _EMOVIT_TABLE.values() for task, value in table.items() if value is not None}


@dataclass(frozen=True)
class Benchmark:
    """What a task-name prefix stands for, as every report and README must name it."""

    prefix: str
    name: str
    citation: str
    note: str = ""


BENCHMARKS = (
    Benchmark(
        "emovit_", "EmoVIT evaluation datasets",
        "Xie et al., EmoVIT: Revolutionizing Emotion Insights with Visual Instruction Tuning, CVPR 2024 "
        "(arXiv 2404.16670)",
        "Our prompts and parser; the paper's numbers used its own, so compare with care.",
    ),
    Benchmark(
        "emobench_", "EmoBench, rebuilt from public sources",
        "Yang, Ye, Du, EmoLLM: Multimodal Emotional Understanding Meets Large Language Models, "
        "arXiv 2406.16442 (2024)",
        "The paper's EmoBench data was never released; these tasks rebuild it from public datasets with "
        "their own splits and prompts, so the paper's numbers are not reproducible with them.",
    ),
)


def benchmark_of(task: str) -> Benchmark | None:
    """The benchmark a task or group name belongs to, by prefix (``emovit``/``emobench`` groups too)."""
    for bench in BENCHMARKS:
        if task.startswith(bench.prefix) or task == bench.prefix.rstrip("_"):
            return bench
    return None


def benchmark_notes(names: list[str] | set[str]) -> list[str]:
    """One line per benchmark the names touch, e.g. "emobench_*: EmoBench, rebuilt from public sources: ..."."""
    notes = []
    for bench in BENCHMARKS:
        if any(benchmark_of(name) is bench for name in names):
            notes.append(f"{bench.prefix}*: {bench.name}. {bench.note}".strip())
    return notes
