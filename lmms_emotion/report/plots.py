"""Confusion-matrix pictures: rows = gold class, normalised per row, counts written in the cells.

matplotlib is used through its object API with the Agg canvas (no pyplot, no display,
no global backend switch), at a fixed pixel size so reports line up and tests can check it.
"""

from __future__ import annotations

import os
from pathlib import Path

from lmms_emotion.metrics import OTHER_COLUMN, confusion_matrix

FIGURE_INCHES = (8.0, 6.4)
DPI = 100
FIGURE_PIXELS = (int(FIGURE_INCHES[0] * DPI), int(FIGURE_INCHES[1] * DPI))
"""(width, height) of every confusion-matrix PNG."""

MAX_CLASSES = 40
"""Label sets larger than this (open vocabularies) get no picture."""


def confusion_labels(golds: list[str], label_set: str | None) -> list[str]:
    """The classes to show: the label set's labels in order, plus any gold label outside it."""
    labels: list[str] = []
    if label_set:
        from lmms_emotion.taxonomy import get_label_set

        try:
            labels = list(get_label_set(label_set).labels)
        except KeyError:
            labels = []
    for gold in sorted(set(golds)):
        if gold not in labels:
            labels.append(gold)
    return labels


def row_normalised(matrix: list[list[int]]) -> list[list[float]]:
    """Each row divided by its total (the unparsed column included); empty rows stay zero."""
    return [[count / sum(row) if sum(row) else 0.0 for count in row] for row in matrix]


def confusion_figure(golds: list[str], preds: list[str], labels: list[str], title: str):
    """A matplotlib ``Figure`` of the confusion matrix (cells coloured by row share, annotated with counts)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    counts = confusion_matrix(golds, preds, labels)
    shares = row_normalised(counts)
    columns = [*labels, OTHER_COLUMN]
    figure = Figure(figsize=FIGURE_INCHES, dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.2, 0.22, 0.72, 0.68))
    image = axes.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto")
    font = max(5.0, 11.0 - len(columns) / 3)
    axes.set_xticks(range(len(columns)), labels=columns, rotation=45, ha="right", fontsize=font)
    axes.set_yticks(range(len(labels)), labels=labels, fontsize=font)
    axes.set_xlabel("predicted (parsed answer)")
    axes.set_ylabel("gold")
    axes.set_title(title, fontsize=10)
    for i, row in enumerate(counts):
        for j, count in enumerate(row):
            if count:
                colour = "white" if shares[i][j] > 0.55 else "black"
                axes.text(j, i, str(count), ha="center", va="center", fontsize=font, color=colour)
    colorbar = figure.colorbar(image, ax=axes, fraction=0.04, pad=0.02)
    colorbar.set_label("share of the gold row", fontsize=8)
    return figure


def plot_confusion(golds: list[str], preds: list[str], labels: list[str], title: str,
                   path: str | os.PathLike) -> Path:
    """Write a confusion-matrix PNG of :data:`FIGURE_PIXELS` size; returns its path."""
    figure = confusion_figure(golds, preds, labels, title)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    figure.savefig(tmp, dpi=DPI, format="png")
    os.replace(tmp, path)
    return path
