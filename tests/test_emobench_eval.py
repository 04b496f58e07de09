"""EmoBench end to end through lmms-eval: eleven tasks (video included), nested groups with the
six-sub-task mean, the answer-key model at 1.0 / 0.0 everywhere, and provenance in the output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.fixtures_data import read_results, read_samples, run_cli
from tests.fixtures_emobench import (
    EMOBENCH_TASKS,
    SUBTASK_GROUPS,
    build_dataset,
    root_with_sources,
)

SUBTASK_OF = {task: task[len("emobench_"):].rsplit("_", 1)[0] for task in EMOBENCH_TASKS}
MODALITY_OF = {task: task.rsplit("_", 1)[1] for task in EMOBENCH_TASKS}


def _first_docs(root: Path, task: str, limit: int) -> list[dict]:
    """The docs lmms-eval evaluates with ``--limit`` (our loader's fixed order), read independently."""
    from lmms_emotion.task_configs import task_dir

    from lmms_emotion.task_utils import read_task_docs

    index = json.loads((Path(task_dir()) / "emobench" / "_index" / f"{task}.jsonl").read_text())
    return read_task_docs(index, root)[:limit]


def test_task_folder_defines_eleven_tasks_and_the_groups():
    from lmms_emotion.task_configs import task_dir

    from lmms_emotion.discovery import index_task_dirs, leaf_tasks

    index = index_task_dirs([task_dir()])
    assert all(index[t].kind == "task" for t in EMOBENCH_TASKS)
    assert index["emobench"].subtasks == SUBTASK_GROUPS
    assert sorted(leaf_tasks(["emobench"], index)) == sorted(EMOBENCH_TASKS)
    assert sorted(index["emobench_image"].subtasks) == sorted(t for t in EMOBENCH_TASKS if t.endswith("_image"))
    assert sorted(index["emobench_video"].subtasks) == sorted(t for t in EMOBENCH_TASKS if t.endswith("_video"))
    assert index["emobench_hate"].subtasks == ("emobench_hate_image",)


@pytest.mark.e2e
def test_dummy_runs_every_subtask_and_prints_the_six_task_mean(emobench_root, tmp_path):
    out = tmp_path / "out"
    dummy_metrics = tmp_path / "dummy_metrics.json"
    response = "Yes. It feels nostalgic."
    proc = run_cli(["lmms-emotion", "eval", "--model", "dummy", "--model_args",
                    f"response={response},decode_num_frames=2,metrics_output_path={dummy_metrics}",
                    "--tasks", "emobench", "--limit", "4", "--output_path", str(out), "--log_samples"],
                   data_root=emobench_root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = read_results(out)
    tasks = results["results"]
    sizes = {task: results["n-samples"][task]["effective"] for task in EMOBENCH_TASKS}
    for task in EMOBENCH_TASKS:
        docs = _first_docs(emobench_root, task, 4)
        assert sizes[task] == len(docs) > 0
        golds = [d["answer"] for d in docs]
        subtask = SUBTASK_OF[task]
        # "Yes. It feels nostalgic.": yes to every detection question; nostalgic is sadness in the
        # open-set lexicon but names no option of a closed list (unparsed there)
        if subtask in ("hate", "humor", "sarcasm"):
            expected, unparsed = golds.count("yes") / len(golds), 0.0
        elif subtask == "emotion_open":
            expected, unparsed = golds.count("sadness") / len(golds), 0.0
        else:
            expected, unparsed = 0.0, 1.0
        metrics = tasks[task]
        assert metrics["acc,none"] == pytest.approx(expected), task
        assert metrics["unparsed_rate,none"] == pytest.approx(unparsed), task
        assert metrics[f"acc_{MODALITY_OF[task]},none"] == pytest.approx(expected), task
        assert metrics["sources,none"] == ", ".join(
            f"{s}={n}" for s, n in sorted({f"{d['source']}/{d['split']}": sum(
                1 for e in docs if (e["source"], e["split"]) == (d["source"], d["split"])) for d in docs}.items()))
    for task in ("emobench_emotion_open_image", "emobench_emotion_open_video"):
        assert tasks[task]["lexicon_acc,none"] == tasks[task]["acc,none"]
        assert tasks[task]["judge_acc,none"] is None and tasks[task]["scoring,none"] == "lexicon v1"
    # sub-task groups pool their tasks by size; emobench is the unweighted mean of the six
    groups = results["groups"]
    pooled = {}
    for group in SUBTASK_GROUPS:
        members = [t for t in EMOBENCH_TASKS if SUBTASK_OF[t] == group[len("emobench_"):]]
        pooled[group] = sum(tasks[t]["acc,none"] * sizes[t] for t in members) / sum(sizes[t] for t in members)
        assert groups[group]["acc,none"] == pytest.approx(pooled[group]), group
    six = sum(pooled.values()) / 6
    assert groups["emobench"]["acc,none"] == pytest.approx(six) and 0 < six < 1
    for modality, n in (("image", 6), ("video", 5)):
        members = [t for t in EMOBENCH_TASKS if MODALITY_OF[t] == modality]
        assert len(members) == n
        assert groups["emobench"][f"acc_{modality},none"] == pytest.approx(
            sum(tasks[t]["acc,none"] for t in members) / n)
    assert groups["emobench"]["per_class_acc,none"] is None
    assert groups["emobench"]["unparsed_rate,none"] == pytest.approx(2 / 6)  # Emo-C and intent
    table = proc.stdout[proc.stdout.index("|                 Groups"):]
    row = re.search(r"\|EmoBench, rebuilt \(mean of six sub-tasks\)\|none\s*\|\s*\|acc\s*\|↑\s*\|\s*([0-9.]+)\|", table)
    assert row and float(row.group(1)) == pytest.approx(six, abs=1e-4)
    assert "| - EmoBench Sarcasm (all samples)" in table
    # provenance: the manifest summary is printed, the samples keep their source and split
    assert "[lmms-emotion] EmoBench, rebuilt from public sources: emobench v1, seed 0" in proc.stderr
    samples = read_samples(out, "emobench_sarcasm_video")
    assert all(s["sources"].startswith("mustard/") and s["acc"]["subtask"] == "sarcasm" for s in samples)
    # video docs reach the model as file paths that lmms-eval's own video reader decodes
    video_docs = sum(sizes[t] for t in EMOBENCH_TASKS if MODALITY_OF[t] == "video")
    decoded = json.loads(dummy_metrics.read_text())
    assert decoded["local"] == video_docs and decoded["missing"] == 0 and decoded["decoded_frames"] == 2 * video_docs


def _response(sample: dict) -> str:
    response = sample["filtered_resps"]
    return response[0] if isinstance(response, list) else response


@pytest.mark.e2e
def test_answer_key_scores_one_with_gold_and_zero_with_wrong_answers_on_every_task(emobench_root, tmp_path):
    from lmms_emotion.scoring.labels import get_label_set

    configs = [
        {"model": "emotion_oracle", "model_args": "mode=gold", "tasks": "emobench",
         "output_path": str(tmp_path / "gold"), "log_samples": True},
        {"model": "emotion_oracle", "model_args": "mode=wrong", "tasks": "emobench",
         "output_path": str(tmp_path / "wrong")},
    ]
    config_file = tmp_path / "runs.yaml"
    config_file.write_text(yaml.safe_dump(configs))
    proc = run_cli(["lmms-emotion", "eval", "--config", str(config_file)], data_root=emobench_root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    gold, wrong = read_results(tmp_path / "gold"), read_results(tmp_path / "wrong")
    for task in EMOBENCH_TASKS:
        g, w = gold["results"][task], wrong["results"][task]
        assert gold["n-samples"][task]["effective"] == len(_first_docs(emobench_root, task, 10_000)), task
        assert g["acc,none"] == 1.0 and g["unparsed_rate,none"] == 0.0 and g["macro_f1,none"] == 1.0, task
        assert all(v in (1.0, None) for v in g["per_class_acc,none"].values()), task
        assert w["acc,none"] == 0.0 and w["unparsed_rate,none"] == 0.0, task
    for name in ("emobench", "emobench_emotion_open", "emobench_intent"):
        assert gold["groups"][name]["acc,none"] == 1.0 and wrong["groups"][name]["acc,none"] == 0.0
    assert gold["groups"]["emobench"]["acc_video,none"] == 1.0
    # open-set answers are synonyms that name no option: the lexicon placed every one
    for task in ("emobench_emotion_open_image", "emobench_emotion_open_video"):
        samples = read_samples(tmp_path / "gold", task)
        labels = {word for s in samples for label in get_label_set(s["macro_f1"]["label_set"]).labels
                  for word in label.split()}
        responses = [_response(s).lower() for s in samples]
        assert not any(set(re.findall(r"[a-z]+", r)) & labels for r in responses), responses
        assert len(set(responses)) >= 4
        assert all(s["macro_f1"]["scored_by"] == "lexicon" for s in samples)


@pytest.mark.e2e
def test_a_task_whose_sources_are_missing_fails_with_the_commands_that_fix_it(emobench_sources_root, tmp_path):
    root = root_with_sources(emobench_sources_root, tmp_path / "partial", ("emoset",))
    build_dataset(["emobench"], root)
    proc = run_cli(["lmms-emotion", "eval", "--model", "dummy", "--tasks", "emobench_sarcasm_video", "--limit", "2"],
                   data_root=root)
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr
    assert "come from mustard" in output and "mustard: not built" in output
    assert "lmms-emotion build-data emobench" in output
