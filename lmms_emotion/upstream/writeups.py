"""The prose of an upstream contribution: each exported folder's README and the PR description.

Filled from facts only: the task YAMLs, the built data (counts, label sets), the papers'
numbers in :mod:`lmms_emotion.report.reference`, and optionally the user's own
``--limit 8`` validation run. Nothing is invented; what is unknown says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from lmms_emotion.upstream.task_folder import FunctionRef

if TYPE_CHECKING:  # pragma: no cover
    from lmms_emotion.report.runs import Run
    from lmms_emotion.upstream.export import ExportedFolder

REFERENCE_MODEL = "qwen2_5_vl"
REFERENCE_MODEL_ARGS = "pretrained=Qwen/Qwen2.5-VL-3B-Instruct"
VALIDATION_LIMIT = 8


def _metric_rows(folder: "ExportedFolder") -> list[tuple[str, str, str]]:
    """(metric, aggregation, higher/lower) over every task of a folder, first occurrence kept."""
    rows: list[tuple[str, str, str]] = []
    entries = [entry for task in folder.tasks for entry in task.merged.get("metric_list") or []]
    for entry in entries:
        if any(row[0] == entry["metric"] for row in rows):
            continue
        aggregation = entry.get("aggregation", "mean")
        if isinstance(aggregation, FunctionRef):
            aggregation = aggregation.name
        better = {True: "higher", False: "lower"}.get(entry.get("higher_is_better"), "?")
        rows.append((entry["metric"], str(aggregation), better))
    return rows


_METRIC_MEANING = {
    "acc": "share of docs whose parsed answer equals the gold label (primary)",
    "macro_f1": "unweighted mean F1 over the label set's classes",
    "per_class_acc": "accuracy (recall) per gold class, a {class: value} object",
    "unparsed_rate": "share of replies the parser could not place on a label (they count as wrong)",
}


_KIND_NAMES = {
    "emotion_closed": "closed-set emotion classification",
    "emotion_open": "open-set emotion recognition",
    "intent": "intent recognition",
    "hate": "hateful-content detection (yes/no)",
    "humor": "humor detection (yes/no)",
    "sarcasm": "sarcasm detection (yes/no)",
}


def _meaning(name: str, aggregation: str) -> str:
    return _METRIC_MEANING.get(name, f"per-sample values aggregated by `{aggregation}`")


def validation_targets(folder: "ExportedFolder") -> list[str]:
    """What to run for a folder: its widest top-level group (groups sharing tasks cannot run together), else its tasks."""
    inner = {member for group in folder.groups for member in group.raw.get("task") or [] if isinstance(member, str)}
    top = [group for group in folder.groups if group.name not in inner]
    if not top:
        return [task.name for task in folder.tasks]

    def leaves(name: str, seen: frozenset = frozenset()) -> set[str]:
        group = next((g for g in folder.groups if g.name == name), None)
        if group is None or name in seen:
            return {name}
        return {leaf for m in group.raw.get("task") or [] if isinstance(m, str) for leaf in leaves(m, seen | {name})}

    return [max(top, key=lambda g: (len(leaves(g.name)), g.name == folder.name)).name]


def validation_command(tasks: list[str]) -> str:
    """The ``--limit 8`` command on the reference model that upstream asks for."""
    return (f"python -m lmms_eval --model {REFERENCE_MODEL} --model_args {REFERENCE_MODEL_ARGS} \\\n"
            f"    --tasks {','.join(tasks)} --limit {VALIDATION_LIMIT} --batch_size 1 \\\n"
            "    --log_samples --output_path ./logs/")


def _reference_table(task_names: list[str]) -> str:
    from lmms_emotion.report.reference import reference_rows

    rows = reference_rows(task_names)
    if not rows:
        return ""
    columns = [t for t in task_names if any(t in r.scores for r in rows)]
    lines = ["| model | " + " | ".join(f"`{c}`" for c in columns) + " |",
             "|---|" + "---|" * len(columns)]
    for row in rows:
        cells = []
        for column in columns:
            value = row.scores.get(column)
            mark = "*" if column in row.in_domain else ""
            cells.append("–" if value is None else f"{100 * value:.2f}{mark}")
        lines.append(f"| {row.label} | " + " | ".join(cells) + " |")
    return (f"Accuracy in %, {rows[0].source}. * = in-domain (EmoVIT was tuned on EmoSet). Our prompts and "
            "parser differ from the papers', so these are context, not targets.\n\n" + "\n".join(lines))


def folder_readme(folder: "ExportedFolder", *, local: bool = False) -> str:
    """README.md of one exported folder."""
    from lmms_emotion.report.reference import benchmark_notes, benchmark_of

    names = [t.name for t in folder.tasks]
    bench = benchmark_of(folder.name) or next((benchmark_of(n) for n in names if benchmark_of(n)), None)
    intro = (f"Visual emotion understanding tasks: {bench.name} ({bench.citation})." if bench else
             "Visual emotion understanding tasks.") + (
        " Contributed from the lmms-emotion plugin, where the prompts, answer parser and data "
        "builders are maintained.")
    notes = benchmark_notes(names + [g.name for g in folder.groups])
    task_lines = ["| task | description | rows | modality | label set | classes |", "|---|---|---|---|---|---|"]
    for task in folder.tasks:
        facts = folder.facts.get(task.name)
        alias = task.merged.get("task_alias", "")
        if facts is None:
            task_lines.append(f"| `{task.name}` | {alias} | (data not built at export) | | | |")
            continue
        rows = ", ".join(f"{split} {n}" for split, n in facts.splits.items())
        task_lines.append(f"| `{task.name}` | {alias} | {rows} | {', '.join(facts.modalities)} | "
                          f"{', '.join(facts.label_sets)} | {len(facts.classes)} |")
    group_lines = []
    for group in folder.groups:
        members = group.raw.get("task") or []
        alias = group.raw.get("group_alias", "")
        group_lines.append(f"- `{group.name}`{': ' + alias if alias else ''} ({len(members)} tasks: "
                           + ", ".join(f"`{m}`" for m in members) + ")")
    metric_lines = [f"- `{name}` ({better} is better, aggregation `{agg}`): {_meaning(name, agg)}"
                    for name, agg, better in _metric_rows(folder)]
    reference = _reference_table(names)
    data_line = (f"Hub dataset: [`{folder.repo_id}`](https://huggingface.co/datasets/{folder.repo_id}), one config "
                 "per task (`dataset_name` = task name).")
    if local:
        data_line += (f"\n\n**Local validation copy**: `dataset_path` points at `{folder.dataset_path}`. "
                      "Re-export without `--local-data` before submitting.")
    if folder.has_video:
        data_line += (" Video tasks download the repository into `$HF_HOME/"
                      f"{folder.dataset_path if local else folder.repo_id.split('/')[-1]}` (`dataset_kwargs.video`).")
    parts = [
        f"# {folder.name}",
        intro,
        "\n".join(f"> {note}" for note in notes),
        "## Tasks\n\n" + "\n".join(task_lines),
        ("## Groups\n\n" + "\n".join(group_lines)) if group_lines else "",
        "## Data\n\n" + data_line + " Rows keep a fixed pseudo-random order (a hash of the record id), so "
        "`--limit N` takes docs across all classes.",
        "## Prompt and scoring\n\nEvery task asks one question of its own wording (closed-set tasks list the "
        "options). The reply is parsed into a label (answer markers, synonyms, negation, hedges, echoed option "
        "lists) or `unparsed`, which counts as wrong and is reported in `unparsed_rate`. Prompts, parser, label "
        "tables and metrics live in `lmms_eval/tasks/_task_utils/emotion/` (shared by every emotion task; "
        "maintained in lmms-emotion as `lmms_emotion/scoring/`); this folder's `utils.py` only binds them. "
        "The prompt style (`plain`, or `emovit`: EmoVIT's lower-cased instruction text) is chosen per model in "
        "`lmms_eval_specific_kwargs`" + (". Open-set answers the lexicon cannot place go to an optional LLM "
        "judge through `lmms_eval.llm_judge` when `_default_template_yaml` sets `metadata.judge` "
        "(`{provider: openai, model: gpt-4o-mini}`)" if _has_open_set(folder) else "") + ".",
        "## Metrics\n\n" + "\n".join(metric_lines),
        ("## Reference numbers\n\n" + reference) if reference else "",
        "## Usage\n\n```bash\n" + validation_command(validation_targets(folder)) + "\n```",
        f"## Citation\n\n{bench.citation}" if bench else "",
    ]
    return "\n\n".join(part for part in parts if part) + "\n"


def _has_open_set(folder: "ExportedFolder") -> bool:
    return any(x is not None and "emotion_open" in x.kinds for x in folder.facts.values()) or any(
        "emotion_open" in t.name for t in folder.tasks)


def package_lines(package: Path) -> dict[str, int]:
    """Lines per file of the copied scoring package (code and data), by path relative to it."""
    return {str(p.relative_to(package)): len(p.read_text(encoding="utf-8").splitlines())
            for p in sorted(package.rglob("*")) if p.is_file()}


def _format_value(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.4f}"
    return "N/A" if value is None else str(value)


def _validation_table(runs: list["Run"], tasks: list[str]) -> str:
    lines = ["| run | task | n | acc | macro_f1 | unparsed_rate |", "|---|---|---|---|---|---|"]
    for run in runs:
        for task in tasks:
            if task not in run.tasks:
                continue
            metrics = run.task_metrics(task)
            n = run.n_samples(task)[0]
            lines.append(f"| {run.label} | `{task}` | {n} | " + " | ".join(
                _format_value(metrics.get(m)) for m in ("acc", "macro_f1", "unparsed_rate")) + " |")
    return "\n".join(lines) if len(lines) > 2 else ""


def _imported_modules(folders: list["ExportedFolder"]) -> list[str]:
    """Top-level modules the generated ``utils.py`` files import (at module level or inside functions)."""
    import ast

    found: set[str] = set()
    for folder in folders:
        for node in ast.walk(ast.parse((folder.path / "utils.py").read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module != "__future__":
                found.add(node.module.split(".")[0])
    return sorted(found)


def pr_description(folders: list["ExportedFolder"], package: Path, validation: list["Run"] | None = None) -> str:
    """The filled pull-request description (upstream template: summary, scope, validation, metrics, risk, type)."""
    from lmms_emotion.report.reference import benchmark_notes

    tasks = [t.name for f in folders for t in f.tasks]
    groups = [g.name for f in folders for g in f.groups]
    kinds = sorted({k for f in folders for x in f.facts.values() if x for k in x.kinds})
    title_names = ", ".join(f"`{f.name}`" for f in folders)
    lines = package_lines(package)
    code = sum(n for name, n in lines.items() if name.endswith(".py"))
    shared = (f"- `lmms_eval/tasks/_task_utils/emotion/`: the shared scoring code ({code} lines of Python in "
              f"{sum(name.endswith('.py') for name in lines)} modules, label and word tables as data files beside it): "
              "prompts, the answer parser, label sets, the open-set lexicon, metrics, task hooks and an optional "
              "open-set judge through `lmms_eval.llm_judge`; relative imports, nothing outside lmms-eval's "
              "dependencies")
    summary = [shared] + [f"- `lmms_eval/tasks/{f.name}/`: {len(f.tasks)} tasks"
               + (f", groups {', '.join(f'`{g.name}`' for g in f.groups)}" if f.groups else "")
               + f"; data on the hub at `{f.repo_id}`" for f in folders]
    notes = benchmark_notes(tasks + groups)
    table = _validation_table(validation, tasks) if validation else ""
    results = (f"Results of that run:\n\n{table}" if table else
               "Results: paste the table the command prints (or re-export with `--validation-run ./logs/` to fill "
               "it in here).")
    sizes = [f"`{t}`: {sum(f.facts[t].splits.values())}" for f in folders for t in f.facts if f.facts[t]]
    sections = [
        f"# feat(tasks): add visual emotion tasks {title_names}",
        "## Summary\n\nAdds visual emotion understanding tasks"
        + (f" ({', '.join(_KIND_NAMES.get(k, k) for k in kinds)})" if kinds else "")
        + " as new task folders:\n\n" + "\n".join(summary)
        + ("\n\n" + "\n".join(f"- {n}" for n in notes) if notes else ""),
        "## Scope\n\n- In scope: the shared package and the task folders above (YAML, a thin `utils.py`, a "
        "README each) and their public hub datasets.\n- Out of scope: model wrappers, training code, changes to lmms-eval's core.",
        "## Validation\n\n```bash\n" + validation_command([t for f in folders for t in validation_targets(f)])
        + "\npre-commit run --all-files\n```\n\n"
        f"Sample size: {VALIDATION_LIMIT} docs per task (`--limit {VALIDATION_LIMIT}` takes the first "
        f"{VALIDATION_LIMIT}; rows are stored in a fixed pseudo-random order, so they span the classes). "
        + ("Full sizes: " + ", ".join(sizes) + ". " if sizes else "") + "\n\n" + results,
        "## Metrics\n\n" + "\n\n".join(
            f"`{f.name}`:\n\n" + "\n".join(f"- `{name}` ({better} is better): {_meaning(name, agg)}"
                                           for name, agg, better in _metric_rows(f)) for f in folders),
        "## Risk\n\n- Low: new folders only; no existing code changes. The task folders' `utils.py` import "
        + ", ".join(f"`{m}`" for m in _imported_modules(folders))
        + ".\n- Scores depend on prompt wording and answer parsing; both are documented in each "
        "README, and unparsed replies are counted rather than guessed.\n- The images come from public research "
        "datasets under their own licences (see each dataset card).",
        "## Type of change\n\n- [x] New benchmark / task\n- [ ] Bug fix\n- [ ] New model\n- [ ] Other",
    ]
    return "\n\n".join(sections) + "\n"
