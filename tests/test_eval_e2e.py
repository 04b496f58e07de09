"""End to end through lmms-eval: `lmms-emotion eval` and plain `lmms-eval eval --include_path`."""

from __future__ import annotations

import time

import pytest
import yaml

from tests.fixtures_data import read_results, read_samples, run_cli

pytestmark = pytest.mark.e2e  # every test here runs the CLIs end to end

METRICS = ("acc,none", "macro_f1,none", "per_class_acc,none", "unparsed_rate,none")


def _check_metrics(results: dict, task: str = "emovit_emoset") -> dict:
    metrics = results["results"][task]
    for key in METRICS:
        assert key in metrics, f"{key} missing from {sorted(metrics)}"
    assert isinstance(metrics["per_class_acc,none"], dict)
    return metrics


def test_lmms_emotion_eval_with_dummy(emoset_root, tmp_path):
    out = tmp_path / "out"
    proc = run_cli(["lmms-emotion", "eval", "--model", "dummy", "--tasks", "emovit_emoset", "--limit", "8",
                    "--output_path", str(out), "--log_samples"], data_root=emoset_root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    metrics = _check_metrics(read_results(out))
    # the dummy model always answers "A": never an emotion, so everything is unparsed
    assert metrics["unparsed_rate,none"] == 1.0 and metrics["acc,none"] == 0.0
    samples = read_samples(out, "emovit_emoset")
    assert len(samples) == 8 and all(s["macro_f1"]["pred"] == "unparsed" for s in samples)


def test_plain_lmms_eval_with_include_path(emoset_root, tmp_path):
    tasks_path = run_cli(["lmms-emotion", "tasks-path"]).stdout.strip()
    out = tmp_path / "out"
    proc = run_cli(["lmms-eval", "eval", "--include_path", tasks_path, "--model", "dummy",
                    "--model_args", "response=Fear.", "--tasks", "emovit_emoset",
                    "--output_path", str(out)], data_root=emoset_root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    metrics = _check_metrics(read_results(out))
    assert metrics["unparsed_rate,none"] == 0.0
    assert metrics["per_class_acc,none"]["fear"] == 1.0 and metrics["per_class_acc,none"]["awe"] == 0.0
    assert metrics["acc,none"] == pytest.approx(2 / 16)  # 2 of the 16 test images are fear


def test_oracle_gold_wrong_gibberish(emoset_root, tmp_path):
    """One lmms-eval process, three configs (lmms-eval's --config list)."""
    configs = [
        {"model": "emotion_oracle", "model_args": f"mode={mode}", "tasks": "emovit_emoset",
         "output_path": str(tmp_path / mode), "log_samples": True}
        for mode in ("gold", "wrong", "gibberish")
    ]
    config_file = tmp_path / "runs.yaml"
    config_file.write_text(yaml.safe_dump(configs))
    proc = run_cli(["lmms-emotion", "eval", "--config", str(config_file)], data_root=emoset_root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    gold = _check_metrics(read_results(tmp_path / "gold"))
    wrong = _check_metrics(read_results(tmp_path / "wrong"))
    gibberish = _check_metrics(read_results(tmp_path / "gibberish"))
    assert gold["acc,none"] == 1.0 and gold["macro_f1,none"] == 1.0 and gold["unparsed_rate,none"] == 0.0
    assert all(v == 1.0 for v in gold["per_class_acc,none"].values())
    assert wrong["acc,none"] == 0.0 and wrong["unparsed_rate,none"] == 0.0
    assert gibberish["unparsed_rate,none"] == 1.0 and gibberish["acc,none"] == 0.0
    responses = {s["filtered_resps"] if isinstance(s["filtered_resps"], str) else s["filtered_resps"][0]
                 for s in read_samples(tmp_path / "gold", "emovit_emoset")}
    assert len(responses) >= 6  # many phrasings, not one fixed string


def test_missing_data_fails_fast_with_build_command(tmp_path):
    start = time.monotonic()
    proc = run_cli(["lmms-emotion", "eval", "--model", "dummy", "--tasks", "emovit_emoset"],
                   data_root=tmp_path / "empty")
    assert proc.returncode == 2
    assert "lmms-emotion build-data emoset --raw" in proc.stderr
    assert time.monotonic() - start < 10  # decided before lmms-eval is even imported


def test_failed_evaluation_exits_non_zero(emoset_root, tmp_path):
    proc = run_cli(["lmms-emotion", "eval", "--model", "emotion_oracle", "--model_args", "mode=nonsense",
                    "--tasks", "emovit_emoset", "--limit", "2"], data_root=emoset_root)
    assert proc.returncode == 1
    assert "unknown mode 'nonsense'" in proc.stdout + proc.stderr


@pytest.mark.parametrize("tasks, plugin_only", [("emovit_emoset", True), ("emovit_*", True), ("emovit_emoset,mme", False)])
def test_builtin_tasks_are_indexed_only_when_asked_for(monkeypatch, emoset_root, tasks, plugin_only):
    import lmms_eval.__main__ as lmms_main

    from lmms_emotion import eval_runner

    seen = {}

    def fake_cli_evaluate():
        manager = lmms_main.TaskManager("WARNING", include_path=None, model_name="dummy")
        seen["tasks"] = manager.all_tasks

    monkeypatch.setattr(lmms_main, "cli_evaluate", fake_cli_evaluate)
    monkeypatch.setenv("LMMS_EMOTION_DATA", str(emoset_root))
    assert eval_runner.run(["--no-preflight", "--model", "dummy", "--tasks", tasks]) == 0
    assert "emovit_emoset" in seen["tasks"]
    assert ("mme" in seen["tasks"]) is (not plugin_only)
    assert (len(seen["tasks"]) < 100) is plugin_only


def test_each_config_entry_indexes_the_builtin_tasks_only_when_it_asks_for_one(monkeypatch, emoset_root):
    """--config: lmms-eval builds one task index per entry; only the entry naming a built-in task pays for them."""
    import argparse

    import lmms_eval.__main__ as lmms_main

    from lmms_emotion import eval_runner

    indexed = []

    def fake_single(args):
        indexed.append((args.tasks, len(lmms_main.TaskManager("WARNING", model_name="dummy").all_tasks)))
        return None, None

    def fake_cli_evaluate():
        for tasks in ("emovit_emoset", "emovit_emoset,mme", ["emovit_*"]):
            lmms_main.cli_evaluate_single(argparse.Namespace(tasks=tasks))

    monkeypatch.setattr(lmms_main, "cli_evaluate_single", fake_single)
    monkeypatch.setattr(lmms_main, "cli_evaluate", fake_cli_evaluate)
    monkeypatch.setenv("LMMS_EMOTION_DATA", str(emoset_root))
    assert eval_runner.run(["--config", "unused.yaml"]) == 0
    assert [tasks for tasks, _ in indexed] == ["emovit_emoset", "emovit_emoset,mme", ["emovit_*"]]
    sizes = [n for _, n in indexed]
    assert sizes[0] < 100 and sizes[1] > 1000 and sizes[2] < 100, sizes
