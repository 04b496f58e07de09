"""Which records runs share, confidence intervals and paired tests over runs' logged samples.

The statistics themselves live in :mod:`lmms_emotion.report.significance` (``bootstrap_ci``,
``paired_difference_test``, on scipy). This module does what no library knows about:
it matches samples across runs *by record id* (``macro_f1.id`` in each sample line; by
``doc_id`` only when a task logs no ids), decides which runs share enough records to be
ranked together (:func:`share_records`), and applies Holm's correction within a task
(scipy offers only Benjamini-Hochberg, ``false_discovery_control``; statsmodels is not a
dependency, and Holm is ten lines).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field, replace

from lmms_emotion.report.runs import ReportError, Run, Sample

ALPHA = 0.05
DEFAULT_MIN_SHARED = 0.8
"""A run enters a task's ranking only when it shares at least this share of the task's records."""


@dataclass(frozen=True)
class AccuracyCI:
    """Accuracy of one run on one task (on ``n`` records) with its percentile bootstrap interval."""

    run: str
    task: str
    n: int
    accuracy: float
    low: float
    high: float


@dataclass(frozen=True)
class PairedTest:
    """Run ``a`` against run ``b`` on the records both scored (the task's shared records)."""

    task: str
    a: str
    b: str
    paired_by: str  # "id" or "doc_id"
    n_paired: int
    only_a: int  # samples of a left out (no partner in b, or outside the shared records)
    only_b: int
    acc_a: float
    acc_b: float
    mean_diff: float
    low: float
    high: float
    p_value: float
    p_holm: float = 1.0
    method: str = ""

    @property
    def significant(self) -> bool:
        """Significant at :data:`ALPHA` after Holm's correction over the task's pairs."""
        return self.p_holm < ALPHA


@dataclass
class RecordSharing:
    """Which runs a task ranks, on which records, and why the others are left out."""

    task: str
    paired_by: str  # "id", "doc_id", or "" when no run logged samples
    records: dict[str, dict[Hashable, Sample]]  # run label -> key -> sample (runs with samples)
    ranked: list[str]  # run labels, in the order given
    shared: set[Hashable] | None  # keys every ranked run scored; None when ranking without samples
    n_records: int | None  # records the runs cover together (the union), or the task's doc count
    unranked: dict[str, str] = field(default_factory=dict)  # run label -> why it is not ranked


def _keyed(samples: list[Sample], use_ids: bool, run: Run, task: str) -> dict[Hashable, Sample]:
    keyed: dict[Hashable, Sample] = {}
    for sample in samples:
        if sample.correct is None:
            continue
        key = sample.id if use_ids else sample.doc_id
        if key in keyed:
            raise ReportError(f"{run.samples_paths.get(task)}: sample {key!r} appears twice; cannot match "
                              "samples across runs (was the file concatenated from two runs?)")
        keyed[key] = sample
    return keyed


def keyed_samples(runs: list[Run], task: str) -> tuple[str, dict[str, dict[Hashable, Sample]]]:
    """(``"id"`` or ``"doc_id"``, run label -> key -> sample) for the runs that logged samples."""
    with_samples = [run for run in runs if run.samples(task)]
    use_ids = all(s.id is not None for run in with_samples for s in run.samples(task))
    return ("id" if use_ids else "doc_id",
            {run.label: _keyed(run.samples(task), use_ids, run, task) for run in with_samples})


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "0%"


def share_records(runs: list[Run], task: str, min_shared: float = DEFAULT_MIN_SHARED) -> RecordSharing:
    """Decide the runs a task ranks and the records it ranks them on.

    Runs with logged samples: a run that covers less than ``min_shared`` of the records the
    runs cover together is left out; then, while the records common to the remaining runs
    are fewer than ``min_shared`` of that union, the run sharing the fewest is left out.
    The rest are ranked on their common records. A run without logged samples can only be
    ranked when it scored every doc of the task and so did the ranked runs.
    """
    if not 0 < min_shared <= 1:
        raise ValueError(f"min_shared must be in (0, 1], got {min_shared}")
    paired_by, records = keyed_samples(runs, task)
    union: set[Hashable] = set().union(*records.values()) if records else set()
    unranked: dict[str, str] = {}
    ranked = [run.label for run in runs if run.label in records]
    for label in list(ranked):
        if len(records[label]) < min_shared * len(union):
            unranked[label] = (f"scored {len(records[label])} of the {len(union)} records the runs cover "
                               f"({_percent(len(records[label]), len(union))} < {min_shared:.0%})")
            ranked.remove(label)
    shared: set[Hashable] | None = None
    while ranked:
        shared = set.intersection(*(set(records[label]) for label in ranked))
        if len(shared) >= min_shared * len(union) or len(ranked) == 1:
            break
        others = {label: len(set(records[label]) & set.intersection(*(set(records[o]) for o in ranked if o != label)))
                  for label in ranked}
        worst = min(ranked, key=lambda label: (others[label], len(records[label])))
        unranked[worst] = (f"shares only {others[worst]} of the {len(union)} records with the other runs "
                           f"({_percent(others[worst], len(union))} < {min_shared:.0%})")
        ranked.remove(worst)
    n_records: int | None = len(union) if records else None
    for run in runs:
        if run.label in records:
            continue
        effective, original = run.n_samples(task)
        full = effective is not None and effective == original
        if full and (shared is None or len(shared) == effective):
            ranked.append(run.label)
            n_records = n_records if n_records is not None else effective
        elif not full:
            unranked[run.label] = (f"scored {effective} of the {original} docs and logged no samples "
                                   "(--log_samples), so it cannot be matched record by record")
        else:
            unranked[run.label] = (f"logged no samples (--log_samples), so it cannot be scored on the "
                                   f"{len(shared or ())} records the ranked runs share")
    order = {run.label: i for i, run in enumerate(runs)}
    ranked.sort(key=order.__getitem__)
    return RecordSharing(task, paired_by if records else "", records, ranked, shared, n_records, unranked)


def accuracy_ci(run: str, task: str, samples: list[Sample], *, n_resamples: int = 2000, seed: int = 0,
                confidence: float = 0.95) -> AccuracyCI | None:
    """Bootstrap CI of a run's accuracy over the given samples; None when there are none."""
    from lmms_emotion.report.significance import bootstrap_ci

    scores = [s.correct for s in samples if s.correct is not None]
    if not scores:
        return None
    low, high = bootstrap_ci(scores, n_resamples=n_resamples, confidence=confidence, seed=seed)
    return AccuracyCI(run, task, len(scores), sum(scores) / len(scores), low, high)


def pair_samples(a: Run, b: Run, task: str, keys: set[Hashable] | None = None
                 ) -> tuple[str, list[float], list[float], int, int]:
    """(paired_by, scores of a, scores of b, a-only count, b-only count) on the records both scored
    (and, with ``keys``, only on those records)."""
    paired_by, records = keyed_samples([a, b], task)
    keyed_a, keyed_b = records.get(a.label, {}), records.get(b.label, {})
    common = [key for key in keyed_a if key in keyed_b and (keys is None or key in keys)]
    return (paired_by, [keyed_a[k].correct for k in common], [keyed_b[k].correct for k in common],
            len(keyed_a) - len(common), len(keyed_b) - len(common))


def paired_test(a: Run, b: Run, task: str, *, keys: set[Hashable] | None = None, n_resamples: int = 10000,
                seed: int = 0, confidence: float = 0.95) -> PairedTest | None:
    """Paired test of accuracy (a - b) on the records both scored (within ``keys`` when given);
    None when they share none."""
    from lmms_emotion.report.significance import paired_difference_test

    paired_by, scores_a, scores_b, only_a, only_b = pair_samples(a, b, task, keys)
    if not scores_a:
        return None
    result = paired_difference_test(scores_a, scores_b, n_resamples=n_resamples, seed=seed, confidence=confidence)
    n = len(scores_a)
    return PairedTest(task, a.label, b.label, paired_by, n, only_a, only_b, sum(scores_a) / n, sum(scores_b) / n,
                      result["mean_diff"], result["ci"][0], result["ci"][1], result["p_value"],
                      method=result["method"])


def holm(tests: list[PairedTest]) -> list[PairedTest]:
    """The same tests with Holm-adjusted p-values (step-down over the family given).

    The k-th smallest of m p-values becomes ``max over j <= k of min(1, (m - j + 1) * p_(j))``.
    """
    order = sorted(range(len(tests)), key=lambda i: tests[i].p_value)
    adjusted = [1.0] * len(tests)
    running = 0.0
    m = len(tests)
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * tests[index].p_value))
        adjusted[index] = running
    return [replace(test, p_holm=p) for test, p in zip(tests, adjusted)]
