"""EmoSet-118K (Yang et al., ICCV 2023): raw release folder -> records.

Published layout (github.com/JingyuanYY/EmoSet README)::

    <raw>/info.json
    <raw>/train.json, val.json, test.json      split lists
    <raw>/image/<emotion>/<emotion>_<n>.jpg
    <raw>/annotation/<emotion>/<emotion>_<n>.json

A split list is a JSON array of rows. The official release writes four elements per row,
``[emotion, image_id, image_path, annotation_path]``; the EmoVIT release ships
three-element rows without ``image_id`` (``[emotion, image_path, annotation_path]``),
in which case the id is the image file's stem. Both are accepted.

Each annotation JSON carries the attributes EmoVIT's instruction pipeline uses:
``brightness``, ``colorfulness`` (0-1 in steps of 0.1), ``scene``, ``object`` (a list),
``facial_expression`` and ``human_action``; any of them may be absent. They go to
``meta`` unchanged.
"""

from __future__ import annotations

from pathlib import Path

from lmms_emotion.media import MediaError
from lmms_emotion.records import Media, Record
from lmms_emotion.sources.builder_api import BuildError, BuildOptions, BuildResult, IssueLog
from lmms_emotion.sources.dataset_writer import link_media
from lmms_emotion.sources.media_checks import PendingItem, keep_readable
from lmms_emotion.sources.raw_files import is_plain_name, load_json_file, raw_file, require_dir, safe_relative
from lmms_emotion.sources.release_labels import get_dataset_table

NAME = "emoset"
DESCRIPTION = "EmoSet-118K: 8 Mikels emotions with visual attributes (official or EmoVIT split lists)."
SPLITS = ("train", "val", "test")
ATTRIBUTES = ("brightness", "colorfulness", "scene", "object", "facial_expression", "human_action")
OBTAIN = "Download EmoSet-118K from https://vcc.tech/EmoSet (academic licence) and unpack it."


def _parse_row(row: object) -> tuple[str, str, str, str | None] | str:
    """(emotion, image_path, annotation_path, image_id or None) or an error reason."""
    if not isinstance(row, list):
        return f"expected a list of 3 or 4 strings, got {type(row).__name__}"
    if len(row) not in (3, 4) or not all(isinstance(x, str) and x.strip() for x in row):
        return f"expected [emotion, image_id, image_path, annotation_path] or [emotion, image_path, annotation_path], got {row!r}"
    if len(row) == 4:
        emotion, image_id, image_path, annotation_path = row
    else:
        emotion, image_path, annotation_path = row
        image_id = None
    return emotion, image_path, annotation_path, image_id


def _read_attributes(path: Path, issues: IssueLog, split_file: Path, row_no: int, emotion: str) -> dict | None:
    try:
        data = load_json_file(path, NAME)
    except BuildError as err:
        issues.report(split_file, row_no, f"annotation {path.name} is unreadable ({err})")
        return None
    if not isinstance(data, dict):
        issues.report(split_file, row_no, f"annotation {path} is not a JSON object")
        return None
    annotated = data.get("emotion")
    if isinstance(annotated, str) and annotated.strip().lower() != emotion:
        issues.report(split_file, row_no, f"split list says {emotion!r} but {path.name} says {annotated!r}")
        return None
    return {key: data[key] for key in ATTRIBUTES if key in data and data[key] not in (None, "", [])}


def build(options: BuildOptions) -> BuildResult:
    """Read an EmoSet-118K folder and return validated records for every split list present."""
    raw = options.raw.absolute()
    require_dir(raw, "EmoSet folder", NAME, OBTAIN)
    require_dir(raw / "image", "image folder", NAME, f"{raw} does not look like EmoSet-118K. {OBTAIN}")
    table = get_dataset_table(NAME)
    issues = IssueLog(NAME, skip_bad=options.skip_bad)
    split_files = {split: raw / f"{split}.json" for split in SPLITS if (raw / f"{split}.json").is_file()}
    if not split_files:
        raise BuildError(f"{NAME}: no split list (train.json, val.json, test.json) in {raw}. {OBTAIN}")

    pending: dict[str, list[tuple[Record, Path, Path, int]]] = {}
    variants = set()
    for split, split_file in split_files.items():
        rows = load_json_file(split_file, NAME)
        if not isinstance(rows, list):
            raise BuildError(f"{NAME}: {split_file} must hold a JSON array of rows, got {type(rows).__name__}")
        seen_ids: dict[str, int] = {}
        items = []
        for row_no, row in enumerate(rows, start=1):
            parsed = _parse_row(row)
            if isinstance(parsed, str):
                issues.report(split_file, row_no, parsed)
                continue
            emotion_raw, image_rel, annotation_rel, image_id = parsed
            variants.add(4 if image_id is not None else 3)
            emotion = table.label_for(emotion_raw)
            if emotion is None:
                issues.report(split_file, row_no,
                              f"unknown emotion {emotion_raw!r}; EmoSet uses {', '.join(table.known_raw())}")
                continue
            image_rel_safe = safe_relative(image_rel)
            annotation_rel_safe = safe_relative(annotation_rel)
            if image_rel_safe is None or annotation_rel_safe is None:
                issues.report(split_file, row_no, f"paths must be relative to the EmoSet folder: {row!r}")
                continue
            image_path = raw / image_rel_safe
            if not image_path.is_file():
                issues.report(split_file, row_no, f"image {image_rel_safe} does not exist")
                continue
            try:  # the annotation is read into meta: it must not be a link leading out of the raw folder
                annotation_path = raw_file(raw, annotation_rel_safe, options)
            except MediaError as err:
                issues.report(split_file, row_no, f"annotation: {err}")
                continue
            if not annotation_path.is_file():
                issues.report(split_file, row_no, f"annotation {annotation_rel_safe} does not exist")
                continue
            stem = image_id or Path(image_rel_safe).stem
            if not is_plain_name(stem):
                issues.report(split_file, row_no, f"image id {stem!r} must be a plain name (no '/', '\\', '..', "
                                                  "drive letter or NUL byte); fix the split file")
                continue
            if stem in seen_ids:
                issues.report(split_file, row_no, f"image id {stem!r} repeats row {seen_ids[stem]}")
                continue
            seen_ids[stem] = row_no
            attributes = _read_attributes(annotation_path, issues, split_file, row_no, emotion)
            if attributes is None:
                continue
            record = Record(
                id=f"{NAME}/{split}/{stem}", task="emotion_closed", source=NAME, split=split,
                media=(Media("image", image_rel_safe),), text="", label_set=table.label_set, answer=emotion,
                meta={"attributes": attributes, "source_id": stem},
            )
            items.append((record, image_path, split_file, row_no))
        pending[split] = items

    # keep_readable resolves every image through the safe resolver, then verifies it (resumable)
    splits: dict[str, list[Record]] = {
        split: keep_readable([PendingItem(record, image, str(split_file), row_no)
                              for record, image, split_file, row_no in items], issues, options, NAME)
        for split, items in pending.items()
    }

    link_media(NAME, options.out_root, raw, options.link_mode)
    manifest = {
        "source": "EmoSet-118K",
        "raw": str(raw),
        "split_list_format": "official 4-element rows" if variants == {4} else
        "EmoVIT 3-element rows" if variants == {3} else "mixed 3/4-element rows",
        "label_set": table.label_set,
        "verify": options.verify,
    }
    return BuildResult(dataset=NAME, splits=splits, skipped=issues.issues, manifest=manifest)

