"""Metrics against small examples computed by hand."""

from __future__ import annotations

import pytest

from lmms_emotion import UNPARSED
from lmms_emotion.report.significance import bootstrap_ci, paired_difference_test
from lmms_emotion.scoring.metrics import accuracy, confusion_matrix, macro_f1, per_class_accuracy, unparsed_rate

LABELS = ["anger", "fear", "joy"]
# A 3-class example used throughout.
GOLDS = ["anger", "anger", "anger", "fear", "fear", "joy", "joy", "joy", "joy", "joy"]
PREDS = ["anger", "anger", "fear", "fear", UNPARSED, "joy", "joy", "joy", "anger", "sadness"]
# Per class, by hand:
#   anger: tp=2, fp=1 (joy->anger), fn=1 (anger->fear)       F1 = 2*2/(2*2+1+1) = 4/6 = 0.6667
#   fear:  tp=1, fp=1 (anger->fear), fn=1 (fear->unparsed)   F1 = 2*1/(2*1+1+1) = 2/4 = 0.5
#   joy:   tp=3, fp=0, fn=2 (joy->anger, joy->"sadness")     F1 = 2*3/(2*3+0+2) = 6/8 = 0.75
#   "unparsed" and "sadness" are no class of their own.
#   macro-F1 = (4/6 + 1/2 + 3/4) / 3 = (8/12 + 6/12 + 9/12) / 3 = 23/36 = 0.638888...
# accuracy = 6 correct / 10 = 0.6; recall: anger 2/3, fear 1/2, joy 3/5.


def test_accuracy() -> None:
    assert accuracy(GOLDS, PREDS) == pytest.approx(0.6)
    assert accuracy(["joy"], ["joy"]) == 1.0
    assert accuracy(["joy", "fear"], [UNPARSED, UNPARSED]) == 0.0


def test_unparsed_counts_as_wrong_not_dropped() -> None:
    # Dropping the unparsed answer would give 1/1; counting it gives 1/2.
    assert accuracy(["joy", "fear"], ["joy", UNPARSED]) == 0.5
    assert per_class_accuracy(["joy", "fear"], ["joy", UNPARSED], LABELS)["fear"] == 0.0
    assert macro_f1(["joy", "fear"], ["joy", UNPARSED], LABELS) == pytest.approx(0.5)  # (1 + 0) / 2


def test_per_class_accuracy() -> None:
    result = per_class_accuracy(GOLDS, PREDS, LABELS)
    assert list(result) == LABELS
    assert result["anger"] == pytest.approx(2 / 3)
    assert result["fear"] == pytest.approx(1 / 2)
    assert result["joy"] == pytest.approx(3 / 5)


def test_per_class_accuracy_none_for_class_without_gold() -> None:
    result = per_class_accuracy(["joy", "joy"], ["joy", "fear"], LABELS)
    assert result == {"anger": None, "fear": None, "joy": 0.5}


def test_macro_f1_hand_computed() -> None:
    assert macro_f1(GOLDS, PREDS, LABELS) == pytest.approx(23 / 36)


def test_macro_f1_skips_classes_absent_from_gold_and_pred() -> None:
    # Only joy and fear occur: joy tp=1 fn=1 -> 2/3; fear tp=1 fp=1 -> 2/3. Anger is left out.
    assert macro_f1(["joy", "joy", "fear"], ["joy", "fear", "fear"], LABELS) == pytest.approx(2 / 3)
    # A class that occurs only as a (wrong) prediction still counts, with F1 = 0: (0 + 0) / 2.
    assert macro_f1(["joy"], ["anger"], LABELS) == pytest.approx(0.0)
    assert macro_f1(["joy", "fear"], ["joy", "fear"], LABELS) == 1.0


def test_macro_f1_out_of_set_prediction_is_no_class() -> None:
    # "sadness" is outside LABELS: joy gets fn=1 (F1 = 2/3) and no "sadness" term is added.
    assert macro_f1(["joy", "joy"], ["joy", "sadness"], LABELS) == pytest.approx(2 / 3)


def test_confusion_matrix() -> None:
    assert confusion_matrix(GOLDS, PREDS, LABELS) == [
        # anger fear joy other
        [2, 1, 0, 0],  # gold anger
        [0, 1, 0, 1],  # gold fear (one unparsed)
        [1, 0, 3, 1],  # gold joy (one "sadness")
    ]


def test_confusion_matrix_row_sums_are_gold_counts() -> None:
    matrix = confusion_matrix(GOLDS, PREDS, LABELS)
    assert [sum(row) for row in matrix] == [GOLDS.count(label) for label in LABELS]


def test_unparsed_rate() -> None:
    assert unparsed_rate(PREDS) == pytest.approx(0.1)
    assert unparsed_rate([UNPARSED, UNPARSED, "joy", "fear"]) == 0.5
    assert unparsed_rate(["joy"]) == 0.0


@pytest.mark.parametrize(
    "call",
    [
        lambda: accuracy(["joy"], ["joy", "fear"]),
        lambda: accuracy([], []),
        lambda: per_class_accuracy(["joy", "fear"], ["joy"], LABELS),
        lambda: macro_f1([], [], LABELS),
        lambda: confusion_matrix(["joy"], [], LABELS),
        lambda: unparsed_rate([]),
        lambda: bootstrap_ci([]),
        lambda: paired_difference_test([1.0, 0.0], [1.0]),
        lambda: paired_difference_test([], []),
    ],
)
def test_bad_input_raises_value_error(call) -> None:
    with pytest.raises(ValueError):
        call()


def test_length_mismatch_message_is_clear() -> None:
    with pytest.raises(ValueError, match="1 gold labels vs 2 predictions"):
        accuracy(["joy"], ["joy", "fear"])


def test_gold_outside_labels_raises() -> None:
    with pytest.raises(ValueError, match="not in labels"):
        macro_f1(["surprise"], ["joy"], LABELS)


def test_bootstrap_ci_is_deterministic_and_brackets_the_mean() -> None:
    values = [1.0] * 60 + [0.0] * 40
    first = bootstrap_ci(values, n_resamples=500, seed=3)
    assert first == bootstrap_ci(values, n_resamples=500, seed=3)
    # The seed matters (continuous values, so two seeds cannot tie by coincidence).
    spread = [(i * 7919 % 101) / 101 for i in range(100)]
    assert bootstrap_ci(spread, n_resamples=500, seed=3) != bootstrap_ci(spread, n_resamples=500, seed=4)
    low, high = first
    assert low < 0.6 < high
    # Standard error sqrt(0.24/100) ~ 0.049, so a 95% interval is about 0.6 +- 0.1.
    assert 0.45 < low < 0.55 and 0.65 < high < 0.75


def test_bootstrap_ci_of_a_constant_is_a_point() -> None:
    assert bootstrap_ci([1.0] * 20) == (1.0, 1.0)


def test_bootstrap_ci_wider_at_higher_confidence() -> None:
    values = [1.0, 0.0] * 50
    low90, high90 = bootstrap_ci(values, confidence=0.90)
    low99, high99 = bootstrap_ci(values, confidence=0.99)
    assert low99 < low90 and high90 < high99


def test_paired_test_identical_runs_are_not_significant() -> None:
    scores = [1.0, 0.0, 1.0, 1.0, 0.0] * 100
    result = paired_difference_test(scores, list(scores))
    assert result["mean_diff"] == 0.0
    assert result["p_value"] == 1.0
    assert result["ci"] == (0.0, 0.0)
    assert result["n"] == 500


def test_paired_test_detects_a_one_directional_30_percent_difference() -> None:
    b = [0.0] * 500
    a = [1.0] * 150 + [0.0] * 350  # a beats b on 30% of the samples, never loses
    result = paired_difference_test(a, b)
    assert result["mean_diff"] == pytest.approx(0.3)
    assert result["p_value"] < 0.05
    low, high = result["ci"]
    assert 0.0 < low < 0.3 < high
    # The difference is symmetric in sign.
    assert paired_difference_test(b, a)["mean_diff"] == pytest.approx(-0.3)
    assert paired_difference_test(b, a)["p_value"] < 0.05


def test_paired_test_balanced_disagreement_is_not_significant() -> None:
    # The models disagree on 40 samples, 20 each way: mean difference 0.
    a = [1.0] * 20 + [0.0] * 20 + [1.0] * 60
    b = [0.0] * 20 + [1.0] * 20 + [1.0] * 60
    result = paired_difference_test(a, b, n_resamples=2000)
    assert result["mean_diff"] == 0.0
    assert result["p_value"] > 0.5


def _two_sided_sign_test(wins: int, losses: int) -> float:
    """Exact two-sided sign test by hand: double the smaller binomial tail, capped at 1."""
    from math import comb

    n = wins + losses
    tail = sum(comb(n, k) for k in range(max(wins, losses), n + 1)) / 2 ** n
    return min(1.0, 2 * tail)


@pytest.mark.parametrize(("wins", "losses", "significant"), [(15, 5, True), (14, 6, False), (12, 8, False)])
def test_paired_test_p_value_is_the_exact_sign_test(wins, losses, significant) -> None:
    # 500 samples, 480 concordant: a small difference (15 vs 5 is 2 points) sits right at the 5 % line.
    a = [1.0] * wins + [0.0] * losses + [1.0] * 300 + [0.0] * 180
    b = [0.0] * wins + [1.0] * losses + [1.0] * 300 + [0.0] * 180
    result = paired_difference_test(a, b)
    expected = _two_sided_sign_test(wins, losses)  # 15/5: 0.04139; 14/6: 0.1153; 12/8: 0.5034
    assert result["p_value"] == pytest.approx(expected, rel=1e-9)
    assert (result["p_value"] < 0.05) is significant
    assert result["method"].startswith("exact McNemar")


def test_paired_test_small_difference_is_not_significant() -> None:
    # a is right on 3 more samples of 1,000 (a 0.3-point difference): far from significant
    a = [1.0] * 5 + [0.0] * 2 + [1.0] * 600 + [0.0] * 393
    b = [0.0] * 5 + [1.0] * 2 + [1.0] * 600 + [0.0] * 393
    result = paired_difference_test(a, b)
    assert result["mean_diff"] == pytest.approx(0.003)
    assert result["p_value"] == pytest.approx(_two_sided_sign_test(5, 2)) and result["p_value"] > 0.4
    low, high = result["ci"]
    assert low < 0 < high


def test_paired_test_continuous_scores_use_a_permutation_test() -> None:
    a = [0.9, 0.8, 0.7, 0.95, 0.85, 0.6]
    b = [0.1, 0.3, 0.2, 0.35, 0.25, 0.4]
    result = paired_difference_test(a, b, n_resamples=1000)
    # 6 pairs: 2**6 = 64 sign patterns <= 1000, so the test is exact; only the observed pattern
    # and its mirror image are as extreme: p = 2/64
    assert result["method"] == "sign-flip permutation test"
    assert result["p_value"] == pytest.approx(2 / 64)


def test_counted_resampling_matches_index_resampling() -> None:
    """Resampling 0/1 scores from counts gives the intervals that resampling indices gives."""
    import numpy as np

    values = np.array([1.0] * 37 + [0.0] * 63)
    rng = np.random.default_rng(11)
    naive = values[rng.integers(0, values.size, size=(40000, values.size))].mean(axis=1)
    naive_interval = np.quantile(naive, [0.025, 0.975])
    assert bootstrap_ci(values.tolist(), n_resamples=40000, seed=5) == pytest.approx(tuple(naive_interval), abs=0.011)
    diff = np.array([1.0] * 20 + [-1.0] * 10 + [0.0] * 70)
    naive = diff[rng.integers(0, diff.size, size=(40000, diff.size))].mean(axis=1)
    result = paired_difference_test(((diff > 0) * 1.0).tolist(), ((diff < 0) * 1.0).tolist(), n_resamples=40000)
    assert result["ci"] == pytest.approx(tuple(np.quantile(naive, [0.025, 0.975])), abs=0.011)


def test_macro_f1_agrees_with_scikit_learn() -> None:
    from sklearn.metrics import f1_score

    present = [label for label in LABELS if label in GOLDS or label in PREDS]
    assert macro_f1(GOLDS, PREDS, LABELS) == pytest.approx(f1_score(GOLDS, PREDS, labels=present, average="macro"))


def test_unparsed_marker_matches_the_package() -> None:
    import lmms_emotion
    from lmms_emotion.scoring import metrics

    assert metrics.UNPARSED == lmms_emotion.UNPARSED


def test_paired_test_is_deterministic() -> None:
    a = [1.0, 0.0, 1.0, 1.0] * 30
    b = [1.0, 1.0, 0.0, 0.0] * 30
    assert paired_difference_test(a, b, seed=7) == paired_difference_test(a, b, seed=7)
