"""Emotion6 (Peng et al., CVPR 2015): raw release folder -> records.

Published layout (``Emotion6.zip`` from Cornell's chenlab; the columns public loaders read)::

    <raw>/ground_truth.txt              tab-separated, one header row, one row per image
    <raw>/images/<category>/<n>.jpg     330 images per category, 1,980 in all

``ground_truth.txt`` columns: ``[image_filename]`` (``anger/1.jpg``, relative to
``images/``), ``[valence]``, ``[arousal]`` (1-9 scales), then the share of the
annotators' votes for ``[prob. anger]``, ``[prob. disgust]``, ``[prob. fear]``,
``[prob. joy]``, ``[prob. sadness]``, ``[prob. surprise]`` and ``[prob. neutral]``.
Columns are found by header name (brackets and ``prob.`` optional, any order); a file
without a header row is read in the order above.

Gold label, ``--option label=...``:

* ``category`` (default): the image's category folder, the emotion it was collected
  for. Every image gets one of the six emotions (330 per class); neutral never is a gold
  label. This is the 6-class protocol of the accuracies reported on Emotion6.
* ``votes``: the emotion with the largest vote share. An image is left out (listed in the
  manifest under ``excluded``, not as a bad item) when neutral has the largest share
  (``neutral``) or when the largest share is tied (``tie``).

The votes, valence, arousal, category and vote winner always go to ``meta``.

No official split: a seeded class-stratified 80/20 train/test split over every listed
image (``--seed``, default 0), recorded in each record (``split``, ``meta.split_rule``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from lmms_emotion.sources.builder_api import BuildError, BuildOptions, BuildResult, IssueLog, build_option
from lmms_emotion.sources.dataset_writer import link_media
from lmms_emotion.sources.raw_files import read_text_file, require_dir, require_file, safe_relative
from lmms_emotion.sources.release_labels import get_dataset_table
from lmms_emotion.sources.seeded_splits import ListedImage, seeded_image_records

NAME = "emotion6"
DESCRIPTION = "Emotion6: 6 Ekman emotions (+ neutral votes), 1,980 images; seeded 80/20 split."
OBTAIN = ("Download Emotion6.zip from http://chenlab.ece.cornell.edu/downloads.html (Emotion6, Peng et al. 2015) "
          "and unpack it; pass the folder holding ground_truth.txt and images/.")
GROUND_TRUTH = "ground_truth.txt"
VOTE_COLUMNS = ("anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral")
COLUMNS = ("image_filename", "valence", "arousal", *VOTE_COLUMNS)
LABEL_RULES = ("category", "votes")
OPTIONS = {"label": LABEL_RULES}
"""``--option`` keys this builder reads, with their values."""
SPLIT_FRACTIONS = (("test", 0.2),)


def _column_name(cell: str) -> str:
    name = cell.strip().strip("[]").strip().lower()
    return name[len("prob."):].strip() if name.startswith("prob.") else name


def _header(cells: list[str], path: Path) -> dict[str, int] | None:
    """Column positions from a header row, or None when the first row is already data."""
    names = [_column_name(c) for c in cells]
    if cells and Path(cells[0].strip()).suffix.lower() in (".jpg", ".jpeg", ".png") and "image_filename" not in names:
        return None
    positions = {name: i for i, name in enumerate(names)}
    missing = [c for c in COLUMNS if c not in positions]
    if missing:
        raise BuildError(f"{NAME}: {path} row 1: header lacks column(s) {', '.join(missing)}; expected "
                         f"[image_filename], [valence], [arousal], [prob. anger] ... [prob. neutral]. {OBTAIN}")
    return positions


def vote_winner(votes: dict[str, float]) -> tuple[str | None, str | None]:
    """(emotion, None) for a unique top emotion, else (None, 'neutral' or 'tie')."""
    top = max(votes.values())
    winners = [name for name in VOTE_COLUMNS if votes[name] == top]
    if len(winners) > 1:
        return None, "tie"
    if winners[0] == "neutral":
        return None, "neutral"
    return winners[0], None


def _read_rows(path: Path, issues: IssueLog) -> list[tuple[int, str, dict]]:
    """(row number, image path, values) for every well-formed row."""
    lines = read_text_file(path, NAME).splitlines()
    if not lines:
        raise BuildError(f"{NAME}: {path} is empty. {OBTAIN}")
    first = lines[0].split("\t")
    positions = _header(first, path)
    start = 2
    if positions is None:
        positions = {name: i for i, name in enumerate(COLUMNS)}
        start = 1
    rows = []
    for row_no, line in enumerate(lines[start - 1:], start=start):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) <= max(positions.values()):
            issues.report(path, row_no, f"expected {len(positions)} tab-separated fields, got {len(cells)}")
            continue
        try:
            values = {name: float(cells[positions[name]]) for name in COLUMNS[1:]}
        except ValueError:
            issues.report(path, row_no, f"valence, arousal and the 7 vote shares must be numbers: {line.strip()!r}")
            continue
        if any(values[name] < 0 for name in VOTE_COLUMNS):
            issues.report(path, row_no, "vote shares must not be negative")
            continue
        rows.append((row_no, cells[positions["image_filename"]].strip(), values))
    return rows


def build(options: BuildOptions) -> BuildResult:
    """Read ``ground_truth.txt``, label each image by the chosen rule, split, and verify."""
    raw = options.raw.absolute()
    require_dir(raw, "Emotion6 folder", NAME, OBTAIN)
    truth = require_file(raw / GROUND_TRUTH, "vote table", NAME, OBTAIN)
    require_dir(raw / "images", "image folder", NAME, OBTAIN)
    rule = build_option(options, NAME, "label", "category", LABEL_RULES)
    table = get_dataset_table(NAME)
    issues = IssueLog(NAME, skip_bad=options.skip_bad)

    listed = []  # (label, rel, path, row_no, meta)
    excluded: Counter = Counter()
    seen: dict[str, int] = {}
    for row_no, name, values in _read_rows(truth, issues):
        rel = safe_relative(name)
        if rel is None or "/" not in rel:
            issues.report(truth, row_no, f"image name {name!r} must be <category>/<file> relative to images/")
            continue
        category = table.label_for(rel.split("/")[0])
        if category is None:
            issues.report(truth, row_no, f"unknown category folder {rel.split('/')[0]!r}; Emotion6 uses "
                                         f"{', '.join(table.known_raw())}")
            continue
        if rel in seen:
            issues.report(truth, row_no, f"image {rel} repeats row {seen[rel]}")
            continue
        seen[rel] = row_no
        path = raw / "images" / rel
        if not path.is_file():
            issues.report(truth, row_no, f"image images/{rel} does not exist")
            continue
        votes = {name: values[name] for name in VOTE_COLUMNS}
        winner, reason = vote_winner(votes)
        label = category if rule == "category" else winner
        if label is None:
            excluded[reason] += 1
            continue
        meta = {"category": category, "valence": values["valence"],
                "arousal": values["arousal"], "votes": votes, "vote_winner": winner, "label_rule": rule}
        listed.append(ListedImage(label, f"images/{rel}", path, source_id=rel.rsplit(".", 1)[0], where=str(truth),
                                  row=row_no, meta=meta))
    if not listed:
        raise BuildError(f"{NAME}: {truth} lists no usable image. {OBTAIN}")

    splits, split_rule = seeded_image_records(listed, dataset=NAME, label_set=table.label_set,
                                              fractions=SPLIT_FRACTIONS, issues=issues, options=options)

    link_media(NAME, options.out_root, raw, options.link_mode)
    manifest = {"source": "Emotion6", "raw": str(raw), "label_set": table.label_set, "verify": options.verify,
                "label_rule": rule, "excluded": dict(sorted(excluded.items())), "split_rule": split_rule}
    return BuildResult(dataset=NAME, splits=splits, skipped=issues.issues, manifest=manifest)
