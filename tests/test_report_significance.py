"""The paired bootstrap test on runs shaped like real lmms-eval output: 500 samples, paired by record id."""

from __future__ import annotations

import random

import pytest

from lmms_emotion.report.runs import load_runs
from lmms_emotion.report.stats import pair_samples, paired_test
from tests.fixtures_runs import TASK, synthetic_run

MIKELS = ["amusement", "awe", "contentment", "excitement", "anger", "disgust", "fear", "sadness"]
N = 500


def _rows(correct: set[int], order_seed: int | None = None) -> list[dict]:
    rows = []
    for i in range(N):
        gold = MIKELS[i % 8]
        pred = gold if i in correct else MIKELS[(i + 3) % 8]
        rows.append({"id": f"emoset/test/{i:04d}", "gold": gold, "pred": pred, "label_set": "mikels8"})
    if order_seed is not None:  # a different doc order: pairing must go by id, not position
        random.Random(order_seed).shuffle(rows)
    return rows


@pytest.fixture(scope="module")
def runs(real_runs, tmp_path_factory):
    root = tmp_path_factory.mktemp("significance")
    a = set(range(400))  # 80 % right
    b = set(range(250))  # 50 % right: the runs differ on samples 250..399, 30 % of 500
    paths = {
        "a": synthetic_run(real_runs["gold"], root / "a", _rows(a), model_args="a"),
        "a_again": synthetic_run(real_runs["gold"], root / "a_again", _rows(a, order_seed=1), model_args="a"),
        "b": synthetic_run(real_runs["gold"], root / "b", _rows(b, order_seed=2), model_args="b"),
    }
    return {run.label: run for run in load_runs([f"{name}={path}" for name, path in paths.items()])}


def test_runs_differing_on_30_percent_are_significantly_different(runs):
    result = paired_test(runs["a"], runs["b"], TASK, n_resamples=10000, seed=0)
    assert result.n_paired == N and result.only_a == result.only_b == 0 and result.paired_by == "id"
    assert (result.acc_a, result.acc_b) == (0.8, 0.5)
    assert result.mean_diff == pytest.approx(0.3)
    assert 0.25 < result.low < 0.3 < result.high < 0.35
    assert result.p_value == pytest.approx(1 / 10001)  # no resample of the null reaches 0.3
    assert result.p_value < 0.05


def test_identical_runs_are_not_different(runs):
    result = paired_test(runs["a"], runs["a_again"], TASK, n_resamples=10000, seed=0)
    assert result.n_paired == N and result.mean_diff == 0.0
    assert result.p_value == 1.0 and (result.low, result.high) == (0.0, 0.0)


def test_pairing_follows_ids_not_file_order(runs):
    paired_by, scores_a, scores_again, only_a, only_b = pair_samples(runs["a"], runs["a_again"], TASK)
    assert scores_a == scores_again and (only_a, only_b) == (0, 0)
    by_position = [s.correct for s in runs["a_again"].samples(TASK)]
    assert by_position != scores_again  # the shuffled file order would mispair


def test_a_smaller_difference_in_both_directions(real_runs, tmp_path):
    """Disagreement on 30 % of samples split 90/60: a 6-point difference, still significant at n=500."""
    base = set(range(200))
    a = base | set(range(200, 290))  # a alone right on 90 samples
    b = base | set(range(290, 350))  # b alone right on 60 others
    run_a = synthetic_run(real_runs["gold"], tmp_path / "a", _rows(a))
    run_b = synthetic_run(real_runs["gold"], tmp_path / "b", _rows(b, order_seed=3))
    loaded = {r.label: r for r in load_runs([f"a={run_a}", f"b={run_b}"])}
    result = paired_test(loaded["a"], loaded["b"], TASK, n_resamples=10000, seed=0)
    assert result.mean_diff == pytest.approx(0.06)
    assert result.p_value < 0.05 and result.low > 0


def test_unpaired_samples_are_counted(real_runs, tmp_path):
    rows = _rows(set(range(400)))
    run_a = synthetic_run(real_runs["gold"], tmp_path / "a", rows[:450])
    run_b = synthetic_run(real_runs["gold"], tmp_path / "b", rows[50:])
    loaded = {r.label: r for r in load_runs([f"a={run_a}", f"b={run_b}"])}
    result = paired_test(loaded["a"], loaded["b"], TASK, n_resamples=1000)
    assert (result.n_paired, result.only_a, result.only_b) == (400, 50, 50)
