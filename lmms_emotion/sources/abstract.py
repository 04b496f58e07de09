"""Abstract paintings (Machajdik & Hanbury, ACM MM 2010): raw release folder -> records.

Published layout (``testImages_abstract.zip`` from imageemotion.org)::

    <raw>/ABSTRACT_groundTruth.csv     vote table: one header row, one row per image
    <raw>/<name>.jpg                   280 abstract paintings (``<raw>/images/`` also accepted)

The CSV's first column is the image file name (public copies quote it, ``'1.jpg'``;
quotes are stripped); the other columns count the people who chose each emotion, named
in the header: Amusement, Anger, Awe, Content, Disgust, Excitement, Fear, Sad (any order,
any case, quoted or not).

Gold label: the emotion with the most votes. An image whose top count is shared by two
or more emotions (or that has no votes) has no majority label; it is left out and
counted in the manifest under ``excluded`` (``tie``), not reported as a bad item. On the
official table this keeps 228 of the 280 images.

No official split: a seeded class-stratified 80/20 train/test split over the
majority-labelled images (``--seed``, default 0), recorded in each record.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

from lmms_emotion.scoring.labels import get_label_set
from lmms_emotion.sources.builder_api import BuildError, BuildOptions, BuildResult, IssueLog
from lmms_emotion.sources.dataset_writer import link_media
from lmms_emotion.sources.raw_files import read_text_file, require_dir, require_file, safe_relative
from lmms_emotion.sources.release_labels import get_dataset_table
from lmms_emotion.sources.seeded_splits import ListedImage, seeded_image_records

NAME = "abstract"
DESCRIPTION = "Abstract paintings: 8 Mikels emotions by majority vote (ties left out); seeded 80/20 split."
OBTAIN = ("Download testImages_abstract.zip from https://www.imageemotion.org/ (Machajdik & Hanbury 2010) and "
          "unpack it; pass the folder holding ABSTRACT_groundTruth.csv.")
VOTE_TABLE = "ABSTRACT_groundTruth.csv"
SPLIT_FRACTIONS = (("test", 0.2),)


def _cell(text: str) -> str:
    return text.strip().strip("'\"").strip()


def _vote_table(raw: Path) -> Path:
    for candidate in (raw / VOTE_TABLE, raw / "testImages_abstract" / VOTE_TABLE):
        if candidate.is_file():
            return candidate
    return require_file(raw / VOTE_TABLE, "vote table", NAME, OBTAIN)


def _columns(header: list[str], path: Path, labels: tuple[str, ...]) -> dict[str, int]:
    """Label -> column position, from the header row."""
    table = get_dataset_table(NAME)
    columns: dict[str, int] = {}
    for position, cell in enumerate(header[1:], start=1):
        name = _cell(cell)
        label = table.label_for(name)
        if label is None or label in columns:
            raise BuildError(f"{NAME}: {path} row 1: column {position + 1} header {name!r} is not one of the eight "
                             f"emotions (Amusement, Anger, Awe, Content, Disgust, Excitement, Fear, Sad) or repeats one")
        columns[label] = position
    missing = [label for label in labels if label not in columns]
    if missing:
        raise BuildError(f"{NAME}: {path} row 1: header lacks {', '.join(missing)}")
    return columns


def majority(votes: dict[str, int]) -> str | None:
    """The emotion with strictly the most votes, or None on a tie (or no votes)."""
    top = max(votes.values())
    winners = [label for label, count in votes.items() if count == top]
    return winners[0] if len(winners) == 1 and top > 0 else None


def _count(text: str) -> int:
    value = float(_cell(text))
    if value < 0 or value != int(value):
        raise ValueError(text)
    return int(value)


def build(options: BuildOptions) -> BuildResult:
    """Read the vote table, keep majority-labelled images, split seeded and stratified, verify."""
    raw = options.raw.absolute()
    require_dir(raw, "Abstract folder", NAME, OBTAIN)
    truth = _vote_table(raw)
    folder = truth.parent
    table = get_dataset_table(NAME)
    labels = get_label_set(table.label_set).labels
    issues = IssueLog(NAME, skip_bad=options.skip_bad)

    rows = list(csv.reader(io.StringIO(read_text_file(truth, NAME), newline="")))
    if not rows:
        raise BuildError(f"{NAME}: {truth} is empty. {OBTAIN}")
    columns = _columns(rows[0], truth, labels)

    listed = []
    excluded: Counter = Counter()
    seen: dict[str, int] = {}
    for row_no, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(rows[0]):
            issues.report(truth, row_no, f"expected {len(rows[0])} comma-separated fields, got {len(row)}")
            continue
        name = safe_relative(_cell(row[0]))
        if name is None:
            issues.report(truth, row_no, f"image name {row[0]!r} must be a file name relative to {folder}")
            continue
        try:
            votes = {label: _count(row[position]) for label, position in sorted(columns.items())}
        except ValueError:
            issues.report(truth, row_no, f"vote counts must be whole non-negative numbers: {row!r}")
            continue
        if name in seen:
            issues.report(truth, row_no, f"image {name} repeats row {seen[name]}")
            continue
        seen[name] = row_no
        path = next((p for p in (folder / name, folder / "images" / name) if p.is_file()), None)
        if path is None:
            issues.report(truth, row_no, f"image {name} does not exist in {folder}")
            continue
        label = majority(votes)
        if label is None:
            excluded["tie"] += 1
            continue
        source_id = Path(name).stem
        meta = {"votes": votes, "total_votes": sum(votes.values()),
                "agreement": round(votes[label] / sum(votes.values()), 4)}
        listed.append(ListedImage(label, path.relative_to(raw).as_posix(), path, source_id=source_id, where=str(truth),
                                  row=row_no, meta=meta))
    if not listed:
        raise BuildError(f"{NAME}: {truth} lists no image with a majority label. {OBTAIN}")

    splits, split_rule = seeded_image_records(listed, dataset=NAME, label_set=table.label_set,
                                              fractions=SPLIT_FRACTIONS, issues=issues, options=options)

    link_media(NAME, options.out_root, raw, options.link_mode)
    manifest = {"source": "Abstract (Machajdik & Hanbury)", "raw": str(raw), "label_set": table.label_set,
                "verify": options.verify, "label_rule": "majority vote; ties left out",
                "excluded": dict(sorted(excluded.items())), "split_rule": split_rule}
    return BuildResult(dataset=NAME, splits=splits, skipped=issues.issues, manifest=manifest)
