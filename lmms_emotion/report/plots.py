"""Confusion-matrix pictures: rows = gold class, normalised per row, counts written in the cells.

matplotlib is used through its object API with the Agg canvas (no pyplot, no display,
no global backend switch). The figure grows with the number of classes: every cell is
:data:`CELL_INCHES` square and every label is set in :data:`LABEL_POINTS`, so a 25-class
matrix stays as legible as an 8-class one (:func:`figure_inches` gives the size).
"""

from __future__ import annotations

import os
from pathlib import Path

from lmms_emotion.scoring.metrics import OTHER_COLUMN, confusion_matrix

DPI = 100
CELL_INCHES = 0.42
"""Side of one matrix cell; at 100 dpi, 42 px (labels are about 12 px tall)."""
LABEL_POINTS = 9.0
"""Font size of tick labels and cell counts."""
_CHAR_INCHES = 0.075  # width of one label character at LABEL_POINTS, with margin
_MIN_INCHES = (8.0, 6.4)

MAX_CLASSES = 40
"""Label sets larger than this (open vocabularies) get no picture."""


def _margins(labels: list[str]) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) margins in inches: room for the longest label, colour bar and title."""
    longest = max([len(label) for label in labels] + [len(OTHER_COLUMN)])
    label_room = 0.55 + _CHAR_INCHES * longest
    return label_room, label_room + 0.1, 1.3, 0.6


def cell_inches(labels: list[str]) -> float:
    """Side of one cell: :data:`CELL_INCHES`, or larger when few classes leave the minimum figure empty."""
    left, bottom, right, top = _margins(labels)
    fill = min((_MIN_INCHES[0] - left - right) / (len(labels) + 1), (_MIN_INCHES[1] - bottom - top) / len(labels))
    return max(CELL_INCHES, fill)


def figure_inches(labels: list[str]) -> tuple[float, float]:
    """(width, height) in inches of the confusion figure for these classes (never below 8 x 6.4)."""
    left, bottom, right, top = _margins(labels)
    cell = cell_inches(labels)
    width = left + cell * (len(labels) + 1) + right
    height = bottom + cell * len(labels) + top
    return max(_MIN_INCHES[0], width), max(_MIN_INCHES[1], height)


def figure_pixels(labels: list[str]) -> tuple[int, int]:
    """(width, height) in pixels of the PNG :func:`plot_confusion` writes for these classes."""
    width, height = figure_inches(labels)
    return round(width * DPI), round(height * DPI)


def confusion_labels(golds: list[str], label_set: str | None) -> list[str]:
    """The classes to show: the label set's labels in order, plus any gold label outside it."""
    labels: list[str] = []
    if label_set:
        from lmms_emotion.scoring.labels import get_label_set

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
    width, height = figure_inches(labels)
    left, _bottom, _right, top = _margins(labels)
    figure = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(figure)
    cell = cell_inches(labels)
    # square cells of cell_inches, the matrix anchored below the title and right of the labels
    axes = figure.add_axes((left / width, 1 - (top + cell * len(labels)) / height,
                            cell * len(columns) / width, cell * len(labels) / height))
    image = axes.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto")
    rotation = 45 if len(columns) <= 10 else 90
    axes.set_xticks(range(len(columns)), labels=columns, rotation=rotation, ha="right" if rotation == 45 else "center",
                    fontsize=LABEL_POINTS)
    axes.set_yticks(range(len(labels)), labels=labels, fontsize=LABEL_POINTS)
    axes.set_xlabel("predicted (parsed answer)")
    axes.set_ylabel("gold")
    axes.set_title(title, fontsize=10)
    for i, row in enumerate(counts):
        for j, count in enumerate(row):
            if count:
                colour = "white" if shares[i][j] > 0.55 else "black"
                axes.text(j, i, str(count), ha="center", va="center", fontsize=LABEL_POINTS, color=colour)
    bar = figure.add_axes(((left + cell * len(columns) + 0.2) / width, axes.get_position().y0,
                           0.18 / width, axes.get_position().height))
    colorbar = figure.colorbar(image, cax=bar)
    colorbar.set_label("share of the gold row", fontsize=8)
    return figure


def plot_confusion(golds: list[str], preds: list[str], labels: list[str], title: str,
                   path: str | os.PathLike) -> Path:
    """Write a confusion-matrix PNG (:func:`figure_pixels` in size); returns its path."""
    figure = confusion_figure(golds, preds, labels, title)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    figure.savefig(tmp, dpi=DPI, format="png")
    os.replace(tmp, path)
    return path
