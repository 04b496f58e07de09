"""The EmoVIT suite end to end through lmms-eval: ten tasks, two groups, every dataset built
from a generated folder in its release layout.

One lmms-eval process per test; the oracle test runs its three configurations in one
process (lmms-eval's ``--config`` list).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.fixtures_data import read_results, read_samples, run_cli

TASKS = ("emovit_emoset", "emovit_fi", "emovit_emotion6", "emovit_emotionroi", "emovit_webemo25", "emovit_webemo7",
         "emovit_webemo2", "emovit_artphoto", "emovit_abstract", "emovit_unbiasedemo")
PAPER_TASKS = ("emovit_emotionroi", "emovit_emoset", "emovit_webemo25", "emovit_emotion6", "emovit_fi",
               "emovit_artphoto", "emovit_abstract", "emovit_unbiasedemo")
METRICS = ("acc,none", "macro_f1,none", "per_class_acc,none", "unparsed_rate,none")
BUILDERS = ("emoset", "fi", "emotion6", "emotionroi", "webemo", "artphoto", "abstract", "unbiasedemo")


@pytest.fixture(scope="module")
def suite_root(tmp_path_factory) -> Path:
    """A data root with every EmoVIT-suite dataset built from its generated sample folder."""
    from lmms_emotion.cli import main
    from lmms_emotion.testing.raw_layouts import write_sample

    base = tmp_path_factory.mktemp("emovit_suite")
    root = base / "data"
    for dataset in BUILDERS:
        write_sample(dataset, base / "raw" / dataset)
        assert main(["build-data", dataset, "--raw", str(base / "raw" / dataset), "--data-root", str(root)]) == 0
    return root


def _response(sample: dict) -> str:
    """A logged sample's model output (lmms-eval logs a string, or a one-item list)."""
    response = sample["filtered_resps"]
    return response[0] if isinstance(response, list) else response


def _test_size(root: Path, task: str) -> int:
    index = {"emovit_webemo25": "webemo25", "emovit_webemo7": "webemo7", "emovit_webemo2": "webemo2"}
    dataset = index.get(task, task[len("emovit_"):])
    return sum(1 for line in (root / dataset / "test.jsonl").read_text().splitlines() if line.strip())


def test_task_folder_defines_the_suite_and_both_groups():
    from lmms_emotion.discovery import index_task_dirs
    from lmms_emotion.task_configs import task_dir

    index = index_task_dirs([task_dir()])
    assert all(index[t].kind == "task" for t in TASKS)
    assert index["emovit"].kind == "group" and index["emovit"].subtasks == TASKS
    assert index["emovit_paper"].kind == "group" and set(index["emovit_paper"].subtasks) == set(PAPER_TASKS)


@pytest.mark.e2e
def test_dummy_runs_every_task_and_prints_the_group_table(suite_root, tmp_path):
    out = tmp_path / "out"
    proc = run_cli(["lmms-emotion", "eval", "--model", "dummy", "--model_args", "response=Fear.", "--tasks", "emovit",
                    "--limit", "4", "--output_path", str(out)], data_root=suite_root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = read_results(out)
    assert set(results["group_subtasks"]["emovit"]) == set(TASKS)
    for task in TASKS:
        assert all(key in results["results"][task] for key in METRICS), task
        assert results["n-samples"][task]["effective"] == 4
    # "Fear." names a label of every set (horror in webemo25, negative in webemo2) but not always the gold one
    accs = [results["results"][t]["acc,none"] for t in TASKS]
    group = results["groups"]["emovit"]
    assert group["acc,none"] == pytest.approx(sum(accs) / len(accs)) and 0 < group["acc,none"] < 1
    assert group["macro_f1,none"] == pytest.approx(sum(results["results"][t]["macro_f1,none"] for t in TASKS) / 10)
    assert group["unparsed_rate,none"] == 0.0 and group["per_class_acc,none"] is None
    table = proc.stdout[proc.stdout.index("Groups"):]
    assert re.search(r"\|EmoVIT suite \(mean of per-task scores\)\s*\|none\s*\|\s*\|acc\s*\|", table)


@pytest.mark.e2e
def test_oracle_scores_one_with_gold_and_zero_with_wrong_labels_on_every_task(suite_root, tmp_path):
    configs = [
        {"model": "emotion_oracle", "model_args": "mode=gold", "tasks": "emovit",
         "output_path": str(tmp_path / "gold"), "log_samples": True},
        {"model": "emotion_oracle", "model_args": "mode=wrong", "tasks": "emovit", "output_path": str(tmp_path / "wrong")},
        {"model": "emotion_oracle", "model_args": "mode=gold", "tasks": "emovit_paper", "limit": 3,
         "output_path": str(tmp_path / "paper")},
    ]
    config_file = tmp_path / "runs.yaml"
    config_file.write_text(yaml.safe_dump(configs))
    proc = run_cli(["lmms-emotion", "eval", "--config", str(config_file)], data_root=suite_root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    gold, wrong, paper = (read_results(tmp_path / name) for name in ("gold", "wrong", "paper"))
    for task in TASKS:
        g, w = gold["results"][task], wrong["results"][task]
        assert gold["n-samples"][task]["effective"] == _test_size(suite_root, task) > 0
        assert g["acc,none"] == 1.0 and g["macro_f1,none"] == 1.0 and g["unparsed_rate,none"] == 0.0, task
        assert all(v == 1.0 for v in g["per_class_acc,none"].values()), task
        assert w["acc,none"] == 0.0 and w["unparsed_rate,none"] == 0.0, task
        phrasings = {_response(s) for s in read_samples(tmp_path / "gold", task)}
        assert len(phrasings) >= 4, task  # the oracle varies its wording; every variant parses
    assert gold["groups"]["emovit"]["acc,none"] == 1.0 and wrong["groups"]["emovit"]["acc,none"] == 0.0
    assert set(paper["group_subtasks"]["emovit_paper"]) == set(PAPER_TASKS)
    assert paper["groups"]["emovit_paper"]["acc,none"] == 1.0


@pytest.mark.e2e
def test_tiny_instructblip_runs_emovit_emoset_and_receives_the_emovit_prompt(suite_root, tiny_instructblip_dir, tmp_path):
    """lmms-eval's built-in ``instructblip`` (a real generating model) on a local tiny checkpoint, given the
    emovit prompt style by the task YAML (``instructblip: {prompt_style: emovit}``, the one channel)."""
    from tests.test_upstream_config import TASK, styled_folder

    out = tmp_path / "out"
    tasks = styled_folder(tmp_path, "emovit", model="instructblip")
    proc = run_cli(["lmms-emotion", "eval", "--include_path", str(tasks), "--model", "instructblip", "--model_args",
                    f"pretrained={tiny_instructblip_dir}", "--device", "cpu", "--tasks", TASK, "--limit", "2",
                    "--output_path", str(out), "--log_samples"], data_root=suite_root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    results = read_results(out)
    metrics = results["results"][TASK]
    assert all(key in metrics for key in METRICS) and results["n-samples"][TASK]["effective"] == 2
    assert 0.0 <= metrics["acc,none"] <= 1.0 and isinstance(metrics["per_class_acc,none"], dict)
    samples = read_samples(out, TASK)
    assert len(samples) == 2
    for sample in samples:
        prompt = sample["input"]
        assert prompt == prompt.lower() and not re.search(r"[.!\"()*#:;~]", prompt)  # EmoVIT's normalisation
        assert "choose exactly one option from this list amusement, awe" in prompt
        # this wrapper decodes its own input ids with the answer: the model saw the normalised text
        assert _response(sample).startswith(prompt)
        assert sample["macro_f1"]["gold"] in ("amusement", "awe", "contentment", "excitement", "anger", "disgust",
                                              "fear", "sadness")


@pytest.mark.e2e
def test_missing_dataset_fails_before_running_with_its_build_command(suite_root, tmp_path):
    import shutil

    partial = tmp_path / "partial"
    shutil.copytree(suite_root, partial, symlinks=True)
    shutil.rmtree(partial / "webemo7")
    proc = run_cli(["lmms-emotion", "eval", "--model", "dummy", "--tasks", "emovit"], data_root=partial)
    assert proc.returncode == 2
    assert "task emovit_webemo7" in proc.stderr and "lmms-emotion build-data webemo --raw" in proc.stderr
    assert "emovit_fi" not in proc.stderr


def test_group_mean_is_unweighted_by_default_and_skips_per_class_dictionaries():
    from lmms_emotion.scoring.hooks import aggregate_group_mean

    assert aggregate_group_mean([1.0, 0.0, 0.5], [100, 1, 1]) == pytest.approx(0.5)
    assert aggregate_group_mean([1.0, 0.0], [3, 1], weight_by_size=True) == pytest.approx(0.75)
    assert aggregate_group_mean([{"fear": 1.0}, {"joy": 0.0}], [4, 4]) is None
