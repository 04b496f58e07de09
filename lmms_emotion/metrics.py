"""Scores for closed-set predictions: accuracy, per-class recall, macro-F1, confusion, CIs.

Every function takes gold labels and predictions as equal-length sequences. A prediction
may be ``UNPARSED`` or any string outside the label list: it counts as wrong and is never
dropped. Empty input and length mismatches raise ``ValueError``.

Plain Python; numpy is imported lazily, only by the bootstrap functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lmms_emotion import UNPARSED

__all__ = [
    "OTHER_COLUMN",
    "accuracy",
    "bootstrap_ci",
    "confusion_matrix",
    "macro_f1",
    "paired_bootstrap_test",
    "per_class_accuracy",
    "unparsed_rate",
]

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


# --- bootstrap ----------------------------------------------------------------------------

_CHUNK_ELEMENTS = 4_000_000  # resample this many draws at a time to bound memory


def _as_array(values: Sequence[float], name: str) -> Any:
    import numpy as np

    array = np.asarray(values, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a flat sequence of numbers, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty")
    return array


def _resampled_means(values: Any, n_resamples: int, seed: int) -> Any:
    """Means of ``n_resamples`` resamples (with replacement) of ``values``, seeded."""
    import numpy as np

    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, got {n_resamples}")
    rng = np.random.default_rng(seed)
    n = values.size
    rows = max(1, _CHUNK_ELEMENTS // n)
    means = np.empty(n_resamples)
    for start in range(0, n_resamples, rows):
        stop = min(start + rows, n_resamples)
        idx = rng.integers(0, n, size=(stop - start, n))
        means[start:stop] = values[idx].mean(axis=1)
    return means


def _percentile_interval(means: Any, confidence: float) -> tuple[float, float]:
    import numpy as np

    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    alpha = (1 - confidence) / 2
    low, high = np.quantile(means, [alpha, 1 - alpha])
    return float(low), float(high)


def bootstrap_ci(
    values: Sequence[float], n_resamples: int = 1000, confidence: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap confidence interval of the mean of ``values`` (e.g. per-sample
    0/1 correctness). Deterministic for a given ``seed``."""
    array = _as_array(values, "values")
    return _percentile_interval(_resampled_means(array, n_resamples, seed), confidence)


def paired_bootstrap_test(
    a: Sequence[float],
    b: Sequence[float],
    n_resamples: int = 10000,
    seed: int = 0,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Compare two models' per-sample scores on the same samples (``a[i]`` and ``b[i]``
    score sample ``i``).

    Method: the per-sample differences ``d = a - b`` are resampled with replacement
    (pairs stay together). The confidence interval is the percentile interval of the
    resampled mean differences. The two-sided p-value tests "mean difference = 0" by
    shifting the differences to mean zero (the null) and counting how often a resampled
    mean is at least as far from zero as the observed one:
    ``p = (1 + #{|mean*| >= |observed|}) / (1 + n_resamples)``. Identical runs give
    ``p = 1``; the smallest possible p is ``1 / (1 + n_resamples)``.

    Returns ``{"mean_diff", "ci": (low, high), "p_value", "n", "n_resamples", "confidence"}``.
    """
    import numpy as np

    x = _as_array(a, "a")
    y = _as_array(b, "b")
    if x.size != y.size:
        raise ValueError(f"a and b differ in length: {x.size} vs {y.size}; they must score the same samples")
    diff = x - y
    observed = float(diff.mean())
    means = _resampled_means(diff, n_resamples, seed)
    ci = _percentile_interval(means, confidence)
    null_means = means - observed  # resampling diff - observed: same draws, shifted
    tolerance = 1e-12 * max(1.0, abs(observed))
    extreme = int(np.count_nonzero(np.abs(null_means) >= abs(observed) - tolerance))
    return {
        "mean_diff": observed,
        "ci": ci,
        "p_value": (1 + extreme) / (1 + n_resamples),
        "n": int(x.size),
        "n_resamples": n_resamples,
        "confidence": confidence,
    }
