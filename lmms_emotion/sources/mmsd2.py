"""MMSD2.0 (Qin et al., Findings of ACL 2023): is the tweet (text + image) sarcastic? -> image records.

MMSD2.0 corrects the Twitter multimodal sarcasm data of Cai et al. (2019, "MMSD"/HFM):
same tweets and images, spurious cues removed, unreasonable negatives re-annotated.

Published layout (github.com/JoeYing1019/MMSD2.0, its README and ``src/data_set.py``)::

    <raw>/text_json_final/train.json, valid.json, test.json
    <raw>/dataset_image/<image_id>.jpg

Each JSON file is an array of ``{"image_id": <number>, "text": "...", "label": 0 | 1}``
(1 = sarcastic). ``text_json_clean/`` in the same repository holds the original MMSD texts
and is not read. Accepted variants: the repository's ``data/`` folder itself as ``<raw>``'s
child (``<raw>/data/text_json_final``), and the three JSON files directly in ``<raw>``.

``text`` is the tweet (as released: lower-cased, ``<user>``/``<num>`` placeholders kept).
Splits: the official ones, with ``valid`` named ``val``.
"""

from __future__ import annotations

from pathlib import Path

from lmms_emotion.records import Media, Record
from lmms_emotion.sources.builder_api import BuildError, BuildOptions, BuildResult, IssueLog
from lmms_emotion.sources.dataset_writer import link_media
from lmms_emotion.sources.media_checks import PendingItem, keep_readable
from lmms_emotion.sources.raw_files import load_json_file, require_dir
from lmms_emotion.sources.release_labels import get_dataset_table

NAME = "mmsd2"
DESCRIPTION = "MMSD2.0: sarcasm yes/no for tweets (image + text), the corrected Cai et al. Twitter data; official splits."
OBTAIN = ("Get text_json_final/ from https://github.com/JoeYing1019/MMSD2.0 (data/) and the tweet images linked "
          "from its README (unzip them into dataset_image/); pass the folder holding both.")
SPLITS = (("train", "train.json"), ("val", "valid.json"), ("test", "test.json"))


def _layout(raw: Path) -> tuple[Path, Path]:
    """(folder with the split JSON files, image folder)."""
    for base in (raw, raw / "data"):
        if (base / "text_json_final").is_dir():
            return base / "text_json_final", require_dir(base / "dataset_image", "image folder", NAME, OBTAIN)
    if any((raw / name).is_file() for _, name in SPLITS):
        return raw, require_dir(raw / "dataset_image", "image folder", NAME, OBTAIN)
    raise BuildError(f"{NAME}: no text_json_final/ (or train.json/valid.json/test.json) in {raw} or {raw / 'data'}. "
                     f"{OBTAIN}")


def build(options: BuildOptions) -> BuildResult:
    """Read each split file, check each tweet's image ``dataset_image/<image_id>.jpg``, verify."""
    raw = options.raw.absolute()
    require_dir(raw, "MMSD2.0 folder", NAME, OBTAIN)
    texts, images = _layout(raw)
    table = get_dataset_table(NAME)
    issues = IssueLog(NAME, skip_bad=options.skip_bad)
    splits: dict[str, list[Record]] = {}
    for split, name in SPLITS:
        path = texts / name
        if not path.is_file():
            continue
        items = load_json_file(path, NAME)
        if not isinstance(items, list):
            raise BuildError(f"{NAME}: {path} must hold a JSON array of tweets, got {type(items).__name__}")
        rule = f"official MMSD2.0 {name.removesuffix('.json')} split ({path.relative_to(raw).as_posix()})"
        seen: dict[str, int] = {}
        pending = []
        for row, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                issues.report(path, row, f"expected an object, got {type(item).__name__}")
                continue
            image_id, text, raw_label = item.get("image_id"), item.get("text"), item.get("label")
            if isinstance(image_id, bool) or not isinstance(image_id, (int, str)) or not str(image_id).strip().isdigit():
                issues.report(path, row, f"image_id must be a number, got {image_id!r}")
                continue
            source_id = str(image_id).strip()
            if not isinstance(text, str):
                issues.report(path, row, f"text must be a string, got {text!r}")
                continue
            label = None if isinstance(raw_label, bool) else table.label_for(str(raw_label))
            if label is None:
                issues.report(path, row, f"label must be 0 or 1, got {raw_label!r}")
                continue
            if source_id in seen:
                issues.report(path, row, f"image_id {source_id} repeats row {seen[source_id]}")
                continue
            seen[source_id] = row
            image = images / f"{source_id}.jpg"
            rel = image.relative_to(raw).as_posix()
            if not image.is_file():
                issues.report(path, row, f"image {rel} does not exist")
                continue
            record = Record(id=f"{NAME}/{split}/{source_id}", task="sarcasm", source=NAME, split=split,
                            media=(Media("image", rel),), text=text.strip(), label_set=table.label_set,
                            answer=label, meta={"source_id": source_id, "split_rule": rule})
            pending.append(PendingItem(record, image, str(path), row))
        splits[split] = keep_readable(pending, issues, options, NAME)
    if not splits:
        raise BuildError(f"{NAME}: no split file ({', '.join(n for _, n in SPLITS)}) in {texts}. {OBTAIN}")

    link_media(NAME, options.out_root, raw, options.link_mode)
    manifest = {"source": "MMSD2.0", "raw": str(raw), "label_set": table.label_set, "verify": options.verify,
                "text_folder": texts.relative_to(raw).as_posix() or ".",
                "split_rule": "official MMSD2.0 train/valid/test (valid named val)"}
    return BuildResult(dataset=NAME, splits=splits, skipped=issues.issues, manifest=manifest)
