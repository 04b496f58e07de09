"""EmotionROI (Peng et al., ICIP 2016): raw release folder -> records, with the official split.

Published layout (``EmotionROI.zip`` from Cornell's chenlab; what public loaders read)::

    <raw>/images/<class>/<n>.jpg                     1,980 images, 330 per class
    <raw>/training_testing_split/training.txt        official train list
    <raw>/training_testing_split/testing.txt         official test list
    <raw>/ground_truth/...                           emotion-stimuli maps (not used here)

Each list line is ``<class>/<file>`` relative to ``images/`` (backslashes and a leading
``images/`` are accepted). The six classes are anger, disgust, fear, joy, sadness,
surprise. Lists directly in ``<raw>`` (``<raw>/training.txt``) are accepted too.
"""

from __future__ import annotations

from pathlib import Path

from lmms_emotion.records import Media, Record
from lmms_emotion.sources.builder_api import BuildError, BuildOptions, BuildResult, IssueLog
from lmms_emotion.sources.dataset_writer import link_media
from lmms_emotion.sources.media_checks import PendingItem, keep_readable
from lmms_emotion.sources.raw_files import read_text_file, require_dir, safe_relative
from lmms_emotion.sources.release_labels import get_dataset_table

NAME = "emotionroi"
DESCRIPTION = "EmotionROI: 6 Ekman emotions, 1,980 images, official training/testing lists."
OBTAIN = ("Download EmotionROI.zip from http://chenlab.ece.cornell.edu/downloads.html (EmotionROI, Peng et al. "
          "2016) and unpack it; pass the folder holding images/ and training_testing_split/.")
LISTS = {"train": "training.txt", "test": "testing.txt"}


def _list_file(raw: Path, name: str) -> Path | None:
    for candidate in (raw / "training_testing_split" / name, raw / name):
        if candidate.is_file():
            return candidate
    return None


def build(options: BuildOptions) -> BuildResult:
    """Read the official training/testing lists and verify every listed image."""
    raw = options.raw.absolute()
    require_dir(raw, "EmotionROI folder", NAME, OBTAIN)
    require_dir(raw / "images", "image folder", NAME, OBTAIN)
    table = get_dataset_table(NAME)
    issues = IssueLog(NAME, skip_bad=options.skip_bad)
    list_files = {split: _list_file(raw, name) for split, name in LISTS.items()}
    if not any(list_files.values()):
        raise BuildError(f"{NAME}: no training_testing_split/training.txt or testing.txt in {raw}. {OBTAIN}")

    seen: dict[str, tuple[str, int]] = {}
    splits: dict[str, list[Record]] = {}
    for split, list_file in list_files.items():
        if list_file is None:
            continue
        pending = []
        for row_no, line in enumerate(read_text_file(list_file, NAME).splitlines(), start=1):
            text = line.strip()
            if not text:
                continue
            rel = safe_relative(text)
            if rel is not None and rel.startswith("images/"):
                rel = rel[len("images/"):]
            if rel is None or " " in rel or rel.count("/") != 1:
                issues.report(list_file, row_no, f"expected one <class>/<file> path per line, got {text!r}")
                continue
            folder = rel.split("/")[0]
            label = table.label_for(folder)
            if label is None:
                issues.report(list_file, row_no, f"unknown class {folder!r}; EmotionROI uses {', '.join(table.known_raw())}")
                continue
            if rel in seen:
                first_file, first_row = seen[rel]
                issues.report(list_file, row_no, f"image {rel} is already listed in {first_file} row {first_row}")
                continue
            seen[rel] = (list_file.name, row_no)
            path = raw / "images" / rel
            if not path.is_file():
                issues.report(list_file, row_no, f"image images/{rel} does not exist")
                continue
            source_id = rel.rsplit(".", 1)[0]
            record = Record(
                id=f"{NAME}/{split}/{source_id}", task="emotion_closed", source=NAME, split=split,
                media=(Media("image", f"images/{rel}"),), text="", label_set=table.label_set, answer=label,
                meta={"source_id": source_id, "split_rule": f"official {list_file.parent.name}/{list_file.name}"},
            )
            pending.append(PendingItem(record, path, str(list_file), row_no))
        splits[split] = keep_readable(pending, issues, options, NAME)

    link_media(NAME, options.out_root, raw, options.link_mode)
    manifest = {"source": "EmotionROI", "raw": str(raw), "label_set": table.label_set, "verify": options.verify,
                "split_rule": "official training_testing_split lists"}
    return BuildResult(dataset=NAME, splits=splits, skipped=issues.issues, manifest=manifest)
