"""Scores for closed-set predictions: accuracy, per-class recall, macro-F1, confusion matrix.

Every function takes gold labels and predictions as equal-length sequences. A prediction
may be ``UNPARSED`` or any string outside the label list: it counts as wrong and is never
dropped. Empty input and length mismatches raise ``ValueError``.

Plain Python: scikit-learn would need out-of-set predictions remapped first, and importing
``sklearn.metrics`` costs a second per task hook (``tests/test_metrics.py`` checks macro-F1
against it). Bootstrap intervals and paired tests: ``lmms_emotion.report.significance``.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import UNPARSED

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
    """Unweighted mean F1 over the labels that occur in the golds or the predictions. A prediction outside
    ``labels`` (``UNPARSED``) is a false negative for its gold class and forms no class of its own."""
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
