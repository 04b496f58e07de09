"""Bootstrap confidence intervals and paired significance tests for ``lmms-emotion compare``.

Every function takes per-sample scores (for accuracy: 0/1 correctness). The statistics use
scipy (``scipy.stats.bootstrap``, ``permutation_test``, ``binomtest``) and numpy, imported
lazily so importing this module stays cheap; for 0/1 scores they work from counts, so a
resample costs O(1), not O(n).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["bootstrap_ci", "paired_difference_test"]


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
