"""Real lmms-eval output folders for the report tests, and synthetic runs shaped exactly like them.

``real_runs`` runs lmms-eval's own CLI (through ``lmms-emotion eval``) once per session
(three configs from ``--config``) on the generated EmoSet sample, so the report code reads files lmms-eval
really wrote (results with a group, samples, a ``--limit`` run):

* ``gold``: ``emotion_oracle mode=gold`` on the group ``zz_emotion_suite`` (= ``emovit_emoset``);
* ``fear``: the ``dummy`` model answering ``Fear.`` to everything, same group;
* ``letter_a``: ``dummy`` answering ``A`` (never an emotion: all unparsed), ``--limit 8``.

:func:`synthetic_run` writes further runs by taking a real run as template and replacing
only the per-sample values (and the aggregates lmms-eval derives from them), so the
file layout and every other field stay what lmms-eval writes.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from tests.fixtures_data import run_cli

GROUP = "zz_emotion_suite"
TASK = "emovit_emoset"

_GROUP_YAML = {
    "group": GROUP,
    "task": [TASK],
    # lmms-eval matches group metrics by substring ("acc" would also pick per_class_acc),
    # so this scratch group aggregates macro_f1 only; the report derives the group's acc.
    "aggregate_metric_list": [{"metric": "macro_f1", "aggregation": "mean", "weight_by_size": False}],
    "metadata": {"version": 0.1},
}

@pytest.fixture(scope="session")
def real_runs(session_tmp: Path, emoset_root: Path) -> dict[str, Path]:
    """Three lmms-eval output folders written by one real lmms-eval run: name -> output_path."""
    root = session_tmp / "real_runs"
    runs = {name: root / name for name in ("gold", "fear", "letter_a")}
    if all(any(path.glob("*_results.json")) for path in runs.values()):
        return runs
    scratch = root / "scratch_tasks"
    scratch.mkdir(parents=True, exist_ok=True)
    (scratch / f"{GROUP}.yaml").write_text(yaml.safe_dump(_GROUP_YAML, sort_keys=False))
    configs = [
        {"model": "emotion_oracle", "model_args": "mode=gold", "tasks": GROUP, "output_path": str(runs["gold"]),
         "log_samples": True},
        {"model": "dummy", "model_args": "response=Fear.", "tasks": GROUP, "output_path": str(runs["fear"]),
         "log_samples": True},
        {"model": "dummy", "model_args": "response=A", "tasks": TASK, "limit": 8,
         "output_path": str(runs["letter_a"]), "log_samples": True},
    ]
    config_file = root / "runs.yaml"
    config_file.write_text(yaml.safe_dump(configs))
    # lmms-eval's CLI through lmms-emotion eval (--config: three configurations in one run), the
    # scratch group from --include_path
    proc = run_cli(["lmms-emotion", "eval", "--include_path", str(scratch), "--config", str(config_file)],
                   data_root=emoset_root)
    missing = [name for name, path in runs.items() if not any(path.glob("*_results.json"))]
    assert proc.returncode == 0 and not missing, (missing, proc.stdout[-3000:] + proc.stderr[-3000:])
    return runs


def _only(path: Path, pattern: str) -> Path:
    found = sorted(path.glob(pattern))
    assert len(found) == 1, f"expected one {pattern} in {path}, found {found}"
    return found[0]


def synthetic_run(template: Path, out: Path, rows: list[dict], *, task: str = TASK, model_args: str = "synthetic",
                  timestamp: str = "20250101_000000") -> Path:
    """Write an lmms-eval output folder shaped like ``template`` (a real one) with the given samples.

    ``rows``: dicts with ``id``, ``gold``, ``pred`` and ``label_set``, in file order (``doc_id``
    is the position, as lmms-eval numbers docs). The results file keeps every field of the
    template; the task's metrics are recomputed from the rows the way our aggregations do.
    """
    return synthetic_suite(template, out, {task: rows}, model_args=model_args, timestamp=timestamp)


def synthetic_suite(template: Path, out: Path, tasks: dict[str, list[dict]], *,
                    groups: dict[str, list[str]] | None = None, extra_metrics: dict[str, float] | None = None,
                    model_args: str = "synthetic", timestamp: str = "20250101_000000") -> Path:
    """:func:`synthetic_run` for several tasks in one results file, optionally with groups
    (``{group: members}``, members tasks or groups; a group's ``acc`` is the mean of its leaf
    tasks' accuracies, as ``emovit_paper`` aggregates) and extra task metrics with fixed values."""
    from lmms_emotion import UNPARSED
    from lmms_emotion.scoring.metrics import accuracy, macro_f1, per_class_accuracy, unparsed_rate
    from lmms_emotion.scoring.labels import get_label_set

    results_file = _only(template, "*_results.json")
    template_results = json.loads(results_file.read_text())
    template_groups = set(template_results.get("groups") or {}) | {
        g for g, m in template_results["group_subtasks"].items() if m}
    template_task = next(t for t in template_results["results"] if t not in template_groups)
    template_line = json.loads(_only(template, f"*_samples_{template_task}.jsonl").read_text().splitlines()[0])

    results = copy.deepcopy(template_results)
    results.pop("groups", None)
    for key in ("results", "group_subtasks", "configs", "versions", "n-shot", "higher_is_better", "n-samples"):
        results[key] = {}
    out.mkdir(parents=True, exist_ok=True)
    for task, rows in tasks.items():
        golds = [r["gold"] for r in rows]
        preds = [r["pred"] for r in rows]
        labels = list(get_label_set(rows[0]["label_set"]).labels)
        entry = dict(template_results["results"][template_task])
        for key in list(entry):
            if "_stderr" in key:
                entry[key] = "N/A"
        entry.update({"alias": task, "acc,none": accuracy(golds, preds), "macro_f1,none": macro_f1(golds, preds, labels),
                      "per_class_acc,none": per_class_accuracy(golds, preds, labels),
                      "unparsed_rate,none": unparsed_rate(preds)})
        entry.update({f"{metric},none": value for metric, value in (extra_metrics or {}).items()})
        results["results"][task] = entry
        results["group_subtasks"][task] = []
        results["configs"][task] = {**template_results["configs"][template_task], "task": task}
        for key in ("versions", "n-shot", "higher_is_better"):
            results[key][task] = template_results[key][template_task]
        results["n-samples"][task] = {"original": len(rows), "effective": len(rows)}
        lines = []
        for doc_id, row in enumerate(rows):
            item = {"id": row["id"], "gold": row["gold"], "pred": row["pred"], "label_set": row["label_set"]}
            line = dict(template_line)
            line.update({"doc_id": doc_id, "target": row["gold"], "filtered_resps": [row.get("response", row["pred"])],
                         "acc": float(row["pred"] == row["gold"]), "macro_f1": item, "per_class_acc": item,
                         "unparsed_rate": float(row["pred"] == UNPARSED)})
            lines.append(json.dumps(line))
        (out / f"{timestamp}_samples_{task}.jsonl").write_text("\n".join(lines) + "\n")

    def leaves(name: str) -> list[str]:
        return [leaf for member in groups[name] for leaf in leaves(member)] if name in (groups or {}) else [name]

    for group, members in (groups or {}).items():
        accs = [results["results"][task]["acc,none"] for task in leaves(group)]
        results["results"][group] = {"alias": group, "acc,none": sum(accs) / len(accs), "acc_stderr,none": "N/A"}
        results["group_subtasks"][group] = list(members)
    if groups:
        results["groups"] = {group: results["results"][group] for group in groups}
    results["config"] = {**template_results["config"], "model_args": model_args, "limit": None}
    results["date"] = timestamp
    (out / f"{timestamp}_results.json").write_text(json.dumps(results, indent=2))
    return out
