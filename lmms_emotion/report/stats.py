"""Confidence intervals and paired tests over runs' logged samples.

The statistics themselves live in :mod:`lmms_emotion.metrics` (``bootstrap_ci``,
``paired_bootstrap_test``); this module pairs samples across runs *by record id*
(``macro_f1.id`` in each sample line; by ``doc_id`` only when a task logs no ids),
counts what could not be paired, and applies Holm's correction within a task.
"""

from __future__ import annotations

from dataclasses import dataclass

from lmms_emotion.report.runs import ReportError, Run, Sample

ALPHA = 0.05


@dataclass(frozen=True)
class AccuracyCI:
    """Accuracy of one run on one task with its percentile bootstrap interval."""

    run: str
    task: str
    n: int
    accuracy: float
    low: float
    high: float


@dataclass(frozen=True)
class PairedTest:
    """Run ``a`` against run ``b`` on the samples both scored."""

    task: str
    a: str
    b: str
    paired_by: str  # "id" or "doc_id"
    n_paired: int
    only_a: int  # samples of a with no partner in b
    only_b: int
    acc_a: float
    acc_b: float
    mean_diff: float
    low: float
    high: float
    p_value: float
    p_holm: float = 1.0

    @property
    def significant(self) -> bool:
        """Significant at :data:`ALPHA` after Holm's correction over the task's pairs."""
        return self.p_holm < ALPHA


def _scores(samples: list[Sample]) -> list[float]:
    return [s.correct for s in samples if s.correct is not None]


def accuracy_ci(run: Run, task: str, *, n_resamples: int = 2000, seed: int = 0,
                confidence: float = 0.95) -> AccuracyCI | None:
    """Bootstrap CI of a run's accuracy on a task; None without logged samples."""
    from lmms_emotion.metrics import bootstrap_ci

    scores = _scores(run.samples(task))
    if not scores:
        return None
    low, high = bootstrap_ci(scores, n_resamples=n_resamples, confidence=confidence, seed=seed)
    return AccuracyCI(run.label, task, len(scores), sum(scores) / len(scores), low, high)


def _keyed(samples: list[Sample], use_ids: bool, run: Run, task: str) -> dict:
    keyed: dict = {}
    for sample in samples:
        if sample.correct is None:
            continue
        key = sample.id if use_ids else sample.doc_id
        if key in keyed:
            raise ReportError(f"{run.samples_paths.get(task)}: sample {key!r} appears twice; cannot pair samples")
        keyed[key] = sample.correct
    return keyed


def pair_samples(a: Run, b: Run, task: str) -> tuple[str, list[float], list[float], int, int]:
    """(paired_by, scores of a, scores of b, a-only count, b-only count) for the samples both runs scored."""
    samples_a, samples_b = a.samples(task), b.samples(task)
    use_ids = all(s.id is not None for s in samples_a + samples_b)
    keyed_a, keyed_b = _keyed(samples_a, use_ids, a, task), _keyed(samples_b, use_ids, b, task)
    common = [key for key in keyed_a if key in keyed_b]
    return ("id" if use_ids else "doc_id", [keyed_a[k] for k in common], [keyed_b[k] for k in common],
            len(keyed_a) - len(common), len(keyed_b) - len(common))


def paired_test(a: Run, b: Run, task: str, *, n_resamples: int = 10000, seed: int = 0,
                confidence: float = 0.95) -> PairedTest | None:
    """Paired bootstrap test of accuracy (a - b) on the shared samples; None when none are shared."""
    from lmms_emotion.metrics import paired_bootstrap_test

    paired_by, scores_a, scores_b, only_a, only_b = pair_samples(a, b, task)
    if not scores_a:
        return None
    result = paired_bootstrap_test(scores_a, scores_b, n_resamples=n_resamples, seed=seed, confidence=confidence)
    n = len(scores_a)
    return PairedTest(task, a.label, b.label, paired_by, n, only_a, only_b, sum(scores_a) / n, sum(scores_b) / n,
                      result["mean_diff"], result["ci"][0], result["ci"][1], result["p_value"])


def holm(tests: list[PairedTest]) -> list[PairedTest]:
    """The same tests with Holm-adjusted p-values (step-down over the family given)."""
    from dataclasses import replace

    order = sorted(range(len(tests)), key=lambda i: tests[i].p_value)
    adjusted = [1.0] * len(tests)
    running = 0.0
    m = len(tests)
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * tests[index].p_value))
        adjusted[index] = running
    return [replace(test, p_holm=p) for test, p in zip(tests, adjusted)]
