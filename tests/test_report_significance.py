"""The paired test on runs shaped like real lmms-eval output: 500 samples, paired by record id.

p-values are checked against the exact sign test computed by hand (:func:`_sign_test`), so a
test that declared any non-zero difference significant, or used another correction than
Holm's, fails here.
"""

from __future__ import annotations

import random
from math import comb

import pytest

from lmms_emotion.report.runs import load_runs
from lmms_emotion.report.stats import pair_samples, paired_test
from tests.fixtures_runs import TASK, synthetic_run

MIKELS = ["amusement", "awe", "contentment", "excitement", "anger", "disgust", "fear", "sadness"]
N = 500


def _sign_test(wins: int, losses: int) -> float:
    """Exact two-sided sign test, by hand: twice the upper binomial tail of the larger count."""
    n = wins + losses
    return min(1.0, 2 * sum(comb(n, k) for k in range(max(wins, losses), n + 1)) / 2 ** n)


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
    assert result.p_value == pytest.approx(_sign_test(150, 0), rel=1e-9)  # 2 / 2**150: a wins all 150 disagreements
    assert result.p_value < 0.05


def test_identical_runs_are_not_different(runs):
    result = paired_test(runs["a"], runs["a_again"], TASK, n_resamples=10000, seed=0)
    assert result.n_paired == N and result.mean_diff == 0.0
    assert result.p_value == 1.0 and (result.low, result.high) == (0.0, 0.0)


def test_pairing_follows_ids_not_file_order(runs):
    _paired_by, scores_a, scores_again, only_a, only_b = pair_samples(runs["a"], runs["a_again"], TASK)
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
    assert result.p_value == pytest.approx(_sign_test(90, 60), rel=1e-9)  # 0.0177
    assert result.p_value < 0.05 and result.low > 0


def test_a_small_difference_is_not_significant(real_runs, tmp_path):
    """a right on 12 records b gets wrong, b on 8 others: 0.8 points, p = 0.50; not a difference."""
    base = set(range(250))
    run_a = synthetic_run(real_runs["gold"], tmp_path / "a", _rows(base | set(range(250, 262))))
    run_b = synthetic_run(real_runs["gold"], tmp_path / "b", _rows(base | set(range(300, 308)), order_seed=4))
    loaded = {r.label: r for r in load_runs([f"a={run_a}", f"b={run_b}"])}
    result = paired_test(loaded["a"], loaded["b"], TASK, n_resamples=10000, seed=0)
    assert result.mean_diff == pytest.approx(4 / 500)
    assert result.p_value == pytest.approx(_sign_test(12, 8), rel=1e-9) and result.p_value > 0.5
    assert result.low < 0 < result.high


def test_report_holm_adjusts_every_pair(real_runs, tmp_path):
    """Three runs, three pairs with known exact p-values: the report's Holm values, all of them."""
    from lmms_emotion.report.build import build_report

    a = set(range(300))  # 60 %
    b = set(range(290)) | set(range(400, 405))  # a wins 10, b wins 5
    c = set(range(260))  # a wins 40 against c, b wins 35; c wins none
    paths = [f"{name}={synthetic_run(real_runs['gold'], tmp_path / name, _rows(rows), model_args=name)}"
             for name, rows in (("a", a), ("b", b), ("c", c))]
    data = build_report(load_runs(paths))
    tests = {(t.a, t.b): t for t in data.tasks[0].tests}
    raw = {("a", "b"): _sign_test(10, 5), ("a", "c"): _sign_test(40, 0), ("b", "c"): _sign_test(35, 0)}
    assert {pair: t.p_value for pair, t in tests.items()} == pytest.approx(raw, rel=1e-9)
    # Holm by hand: sorted p_(1) < p_(2) < p_(3) get 3 p_(1), max(that, 2 p_(2)), max(that, p_(3))
    ordered = sorted(raw, key=raw.get)
    expected, running = {}, 0.0
    for rank, pair in enumerate(ordered):
        running = max(running, min(1.0, (3 - rank) * raw[pair]))
        expected[pair] = running
    assert expected[("a", "b")] == pytest.approx(_sign_test(10, 5))  # the largest p is not multiplied (Bonferroni would)
    assert {pair: t.p_holm for pair, t in tests.items()} == pytest.approx(expected, rel=1e-9)
    assert not tests[("a", "b")].significant and tests[("a", "c")].significant


def test_unpaired_samples_are_counted(real_runs, tmp_path):
    rows = _rows(set(range(400)))
    run_a = synthetic_run(real_runs["gold"], tmp_path / "a", rows[:450])
    run_b = synthetic_run(real_runs["gold"], tmp_path / "b", rows[50:])
    loaded = {r.label: r for r in load_runs([f"a={run_a}", f"b={run_b}"])}
    result = paired_test(loaded["a"], loaded["b"], TASK, n_resamples=1000)
    assert (result.n_paired, result.only_a, result.only_b) == (400, 50, 50)
