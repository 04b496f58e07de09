"""Scores for closed-set predictions: accuracy, per-class recall, macro-F1, confusion, CIs.

Every function takes gold labels and predictions as equal-length sequences. A prediction
may be ``UNPARSED`` or any string outside the label list: it counts as wrong and is never
dropped. Empty input and length mismatches raise ``ValueError``.

The label metrics are plain Python on purpose: each is a few lines, scikit-learn's
counterparts would need out-of-set predictions remapped first (they are wrong answers
here, not classes), and importing ``sklearn.metrics`` costs about a second in every task
hook. ``tests/test_metrics.py`` checks macro-F1 against ``sklearn.metrics.f1_score``.
The statistics use scipy (``scipy.stats.bootstrap``, ``permutation_test``, ``binomtest``),
imported lazily; for 0/1 scores they work from counts, so a resample costs O(1), not O(n).

Self-contained (no import from the rest of lmms_emotion) so it can be copied upstream.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "OTHER_COLUMN",
    "accuracy",
    "bootstrap_ci",
    "confusion_matrix",
    "macro_f1",
    "paired_difference_test",
    "per_class_accuracy",
    "unparsed_rate",
]

UNPARSED = "unparsed"
"""The parser's marker for an answer it could not place (equal to ``lmms_emotion.UNPARSED``, which a
test checks); spelled out here so this module imports nothing from the rest of the package."""

OTHER_COLUMN = "unparsed/other"
"""Name of the confusion matrix's last column: predictions outside the label list."""


def _check_pair(golds: Sequence[str], preds: Sequence[str]) -> None:
    if len(golds) != len(preds):
        raise ValueError(f"golds and preds differ in length: {len(golds)} gold labels vs {len(preds)} predictions")
    if len(golds) == 0:
        raise ValueError("no samples: golds and preds are empty")


def _check_labels(golds: Sequence[str], labels: Sequence[str]) -> list[str]:
    labels = list(labels)
    if not labels:
        raise ValueError("labels is empty")
    if len(set(labels)) != len(labels):
        raise ValueError(f"labels contain duplicates: {labels}")
    unknown = sorted(set(golds) - set(labels))
    if unknown:
        raise ValueError(f"gold labels not in labels: {unknown}; labels are {labels}")
    return labels


def accuracy(golds: Sequence[str], preds: Sequence[str]) -> float:
    """Fraction of predictions equal to the gold label (unparsed counts as wrong)."""
    _check_pair(golds, preds)
    return sum(g == p for g, p in zip(golds, preds)) / len(golds)


def per_class_accuracy(golds: Sequence[str], preds: Sequence[str], labels: Sequence[str]) -> dict[str, float | None]:
    """Recall per gold class, in ``labels`` order; ``None`` for a class with no gold samples."""
    _check_pair(golds, preds)
    labels = _check_labels(golds, labels)
    totals = dict.fromkeys(labels, 0)
    hits = dict.fromkeys(labels, 0)
    for g, p in zip(golds, preds):
        totals[g] += 1
        hits[g] += g == p
    return {label: (hits[label] / totals[label] if totals[label] else None) for label in labels}


def macro_f1(golds: Sequence[str], preds: Sequence[str], labels: Sequence[str]) -> float:
    """Unweighted mean F1 over the labels that occur in the golds or the predictions.

    Classes absent from both are left out (their F1 is undefined). A prediction outside
    ``labels`` (``UNPARSED`` or anything else) is a false negative for its gold class and
    forms no class of its own, so it lowers recall without adding a term to the mean.
    """
    _check_pair(golds, preds)
    labels = _check_labels(golds, labels)
    tp = dict.fromkeys(labels, 0)
    fp = dict.fromkeys(labels, 0)
    fn = dict.fromkeys(labels, 0)
    for g, p in zip(golds, preds):
        if g == p:
            tp[g] += 1
            continue
        fn[g] += 1
        if p in fp:
            fp[p] += 1
    present = [label for label in labels if tp[label] + fp[label] + fn[label] > 0]
    scores = [2 * tp[label] / (2 * tp[label] + fp[label] + fn[label]) for label in present]
    return sum(scores) / len(scores)


def confusion_matrix(golds: Sequence[str], preds: Sequence[str], labels: Sequence[str]) -> list[list[int]]:
    """Counts with rows = gold labels and columns = predicted labels, both in ``labels`` order,
    plus a final column (``OTHER_COLUMN``) for predictions outside ``labels`` (unparsed)."""
    _check_pair(golds, preds)
    labels = _check_labels(golds, labels)
    index = {label: i for i, label in enumerate(labels)}
    other = len(labels)
    matrix = [[0] * (len(labels) + 1) for _ in labels]
    for g, p in zip(golds, preds):
        matrix[index[g]][index.get(p, other)] += 1
    return matrix


def unparsed_rate(preds: Sequence[str]) -> float:
    """Fraction of predictions equal to ``UNPARSED``."""
    if len(preds) == 0:
        raise ValueError("no predictions: preds is empty")
    return sum(p == UNPARSED for p in preds) / len(preds)


# --- bootstrap intervals and paired tests ---------------------------------------------------------


def _as_array(values: Sequence[float], name: str) -> Any:
    import numpy as np

    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a flat sequence of numbers, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty")
    return array


def _check_interval_args(n_resamples: int, confidence: float) -> None:
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, got {n_resamples}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")


def _percentile_interval(means: Any, confidence: float) -> tuple[float, float]:
    import numpy as np

    alpha = (1 - confidence) / 2
    low, high = np.quantile(means, [alpha, 1 - alpha])
    return float(low), float(high)


def _counted_means(array: Any, n_resamples: int, rng: Any) -> Any | None:
    """Means of bootstrap resamples of ``array`` drawn from its value counts, or None when it
    takes more than three distinct values.

    A resample of n values from a few distinct ones is fully described by how many times it
    draws each value: a multinomial draw over the observed shares (for 0/1 scores a binomial).
    This gives the same distribution of resampled means as drawing n indices, in O(1) per
    resample instead of O(n). scipy has no such shortcut, hence this helper.
    """
    import numpy as np

    distinct, counts = np.unique(array, return_counts=True)
    if distinct.size > 3:
        return None
    n = array.size
    draws = rng.multinomial(n, counts / n, size=n_resamples)
    return draws @ distinct / n


def _bootstrap_means_interval(array: Any, n_resamples: int, confidence: float, seed: int) -> tuple[float, float]:
    import numpy as np

    if np.all(array == array[0]):  # every resample is the same: a point (scipy would warn "degenerate")
        return float(array[0]), float(array[0])
    rng = np.random.default_rng(seed)
    means = _counted_means(array, n_resamples, rng)
    if means is not None:
        return _percentile_interval(means, confidence)
    from scipy.stats import bootstrap

    result = bootstrap((array,), np.mean, n_resamples=n_resamples, confidence_level=confidence,
                       method="percentile", rng=rng)
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def bootstrap_ci(
    values: Sequence[float], n_resamples: int = 1000, confidence: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of the mean of ``values`` (e.g. per-sample
    0/1 correctness). Deterministic for a given ``seed``.

    Scores with at most three distinct values (0/1 correctness, -1/0/1 differences) are
    resampled from their counts; anything else goes to ``scipy.stats.bootstrap``.
    """
    _check_interval_args(n_resamples, confidence)
    array = _as_array(values, "values")
    return _bootstrap_means_interval(array, n_resamples, confidence, seed)


def paired_difference_test(
    a: Sequence[float],
    b: Sequence[float],
    n_resamples: int = 10000,
    seed: int = 0,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Compare two models' per-sample scores on the same samples (``a[i]`` and ``b[i]`` score
    sample ``i``).

    - Interval: percentile bootstrap of the mean of the differences ``d = a - b`` (pairs
      resampled together), as :func:`bootstrap_ci` computes it.
    - p-value (two-sided, "mean difference = 0"): the paired sign-flip permutation test,
      under which each sample's two scores are exchangeable. For 0/1 scores it is exact
      and costs O(1): only the discordant samples can flip, and the number won by ``a``
      among them is Binomial(discordant, 1/2) (the exact McNemar test,
      ``scipy.stats.binomtest``). Other scores go to ``scipy.stats.permutation_test``
      (exact when ``2**n <= n_resamples``, else ``n_resamples`` random sign flips).
      Identical runs give ``p = 1``.

    Returns ``{"mean_diff", "ci": (low, high), "p_value", "n", "n_resamples", "confidence",
    "method"}``.
    """
    import numpy as np

    _check_interval_args(n_resamples, confidence)
    x = _as_array(a, "a")
    y = _as_array(b, "b")
    if x.size != y.size:
        raise ValueError(f"a and b differ in length: {x.size} vs {y.size}; they must score the same samples")
    diff = x - y
    observed = float(diff.mean())
    ci = _bootstrap_means_interval(diff, n_resamples, confidence, seed)
    binary = bool(np.isin(x, (0.0, 1.0)).all() and np.isin(y, (0.0, 1.0)).all())
    if not diff.any():
        p_value, method = 1.0, "no differing samples"
    elif binary:
        from scipy.stats import binomtest

        wins, losses = int(np.count_nonzero(diff > 0)), int(np.count_nonzero(diff < 0))
        p_value, method = float(binomtest(wins, wins + losses, 0.5).pvalue), "exact McNemar (sign-flip) test"
    else:
        from scipy.stats import permutation_test

        result = permutation_test((x, y), lambda u, v, axis=-1: np.mean(u - v, axis=axis), vectorized=True,
                                  permutation_type="samples", n_resamples=n_resamples, alternative="two-sided",
                                  rng=np.random.default_rng(seed))
        p_value, method = float(result.pvalue), "sign-flip permutation test"
    return {
        "mean_diff": observed,
        "ci": ci,
        "p_value": min(1.0, p_value),
        "n": int(x.size),
        "n_resamples": n_resamples,
        "confidence": confidence,
        "method": method,
    }
