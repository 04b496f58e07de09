"""Memotion 7k (Sharma et al., SemEval-2020 Task 8): is the meme funny? -> image records.

Published layout (the ``memotion_dataset_7k`` release, as public loaders read it)::

    <raw>/labels.csv
    <raw>/images/<image_name>            image_1.jpg ... (some .png / .jpeg / .JPG)

``labels.csv`` is comma-separated with a header; the first column is an unnamed row index,
then ``image_name, text_ocr, text_corrected, humour, sarcasm, offensive, motivational,
overall_sentiment``. Quoted fields may hold commas and line breaks. ``humour`` is one of
``not_funny``, ``funny``, ``very_funny``, ``hilarious``. Columns are found by header name, so
a file without the index column is read too; the folder may also be the one that holds
``memotion_dataset_7k/``.

Gold label: ``yes`` for any funny level (funny, very_funny, hilarious), ``no`` for
``not_funny``; the level itself goes to ``meta.humour``. ``text`` is ``text_corrected``
(the release's manually corrected caption), or ``text_ocr`` where the corrected text is
empty; both raw texts and the other four annotations go to ``meta``.

No official split ships with the 7k release (the SemEval test set is a separate download):
a seeded split stratified by humour level, test 15 %, val 5 %, train the rest (``--seed``).
"""

from __future__ import annotations

from collections import Counter

from lmms_emotion.records import Media, Record
from lmms_emotion.sources.builder_api import BuildError, BuildOptions, BuildResult, IssueLog
from lmms_emotion.sources.dataset_writer import link_media
from lmms_emotion.sources.media_checks import PendingItem, keep_readable
from lmms_emotion.sources.raw_files import read_table, require_dir, require_file, safe_relative
from lmms_emotion.sources.release_labels import get_dataset_table
from lmms_emotion.sources.seeded_splits import describe_split, stratified_splits

NAME = "memotion"
DESCRIPTION = "Memotion 7k: funny yes/no for memes (image + caption); seeded split stratified by humour level."
OBTAIN = ("Download Memotion 7k (memotion_dataset_7k: labels.csv + images/, SemEval-2020 Task 8, "
          "https://www.kaggle.com/datasets/williamscott701/memotion-dataset-7k) and pass the folder holding "
          "labels.csv and images/.")
REQUIRED = ("image_name", "text_ocr", "text_corrected", "humour")
OTHER_ANNOTATIONS = ("sarcasm", "offensive", "motivational", "overall_sentiment")
SPLIT_FRACTIONS = (("test", 0.15), ("val", 0.05))


def build(options: BuildOptions) -> BuildResult:
    """Read ``labels.csv``, label each meme funny or not, split by humour level, and verify the images."""
    raw = options.raw.absolute()
    require_dir(raw, "Memotion folder", NAME, OBTAIN)
    if not (raw / "labels.csv").is_file() and (raw / "memotion_dataset_7k" / "labels.csv").is_file():
        raw = raw / "memotion_dataset_7k"
    labels_csv = require_file(raw / "labels.csv", "annotation table", NAME, OBTAIN)
    require_dir(raw / "images", "image folder", NAME, OBTAIN)
    table = get_dataset_table(NAME)
    issues = IssueLog(NAME, skip_bad=options.skip_bad)
    rows, encoding = read_table(labels_csv, NAME, issues, required=REQUIRED)

    listed = []  # (humour level, rel, path, row, meta, text)
    seen: dict[str, int] = {}
    for row in rows:
        values = row.values
        name = values["image_name"].strip()
        rel_name = safe_relative(name)
        if rel_name is None:
            issues.report(labels_csv, row.row, f"image_name must be a file name under images/, got {name!r}")
            continue
        level = values["humour"].strip().lower()
        label = table.label_for(level)
        if label is None:
            issues.report(labels_csv, row.row, f"unknown humour level {values['humour']!r}; Memotion uses "
                                               f"{', '.join(table.known_raw())}")
            continue
        stem = rel_name.rsplit(".", 1)[0]
        if stem in seen:
            issues.report(labels_csv, row.row, f"image {rel_name} repeats (by name) row {seen[stem]}")
            continue
        seen[stem] = row.row
        path = raw / "images" / rel_name
        if not path.is_file():
            issues.report(labels_csv, row.row, f"image images/{rel_name} does not exist")
            continue
        corrected, ocr = values["text_corrected"].strip(), values["text_ocr"].strip()
        meta = {"source_id": stem, "image_name": rel_name, "humour": level,
                "text_ocr": ocr, "text_corrected": corrected,
                "text_source": "text_corrected" if corrected else "text_ocr"}
        meta.update({key: values[key].strip() for key in OTHER_ANNOTATIONS if key in values})
        listed.append((level, label, f"images/{rel_name}", path, row.row, meta, corrected or ocr))
    if not listed:
        raise BuildError(f"{NAME}: {labels_csv} lists no usable meme. {OBTAIN}")

    split_rule = describe_split(SPLIT_FRACTIONS, options.seed).replace("seeded class-stratified split",
                                                                       "seeded split stratified by humour level")
    assigned = stratified_splits(listed, key=lambda item: item[0], order_key=lambda item: item[2],
                                 fractions=SPLIT_FRACTIONS, seed=options.seed)
    splits = {}
    for split in ("train", "val", "test"):
        pending = []
        for _level, label, rel, path, row_no, meta, text in assigned[split]:
            record = Record(id=f"{NAME}/{split}/{meta['source_id']}", task="humor", source=NAME, split=split,
                            media=(Media("image", rel),), text=text, label_set=table.label_set, answer=label,
                            meta={**meta, "split_rule": split_rule})
            pending.append(PendingItem(record, path, str(labels_csv), row_no))
        splits[split] = keep_readable(pending, issues, options, NAME, root=raw)

    link_media(NAME, options.out_root, raw, options.link_mode)
    manifest = {"source": "Memotion 7k (SemEval-2020 Task 8)", "raw": str(raw), "label_set": table.label_set,
                "verify": options.verify, "label_rule": "yes = funny, very_funny or hilarious; no = not_funny",
                "split_rule": split_rule, "encoding": encoding,
                "humour_levels": dict(sorted(Counter(item[0] for item in listed).items()))}
    return BuildResult(dataset=NAME, splits=splits, skipped=issues.issues, manifest=manifest)
