"""Facebook Hateful Memes (Kiela et al., NeurIPS 2020): is the meme hateful? -> image records.

Published layout (the release README, mirrored on the Hugging Face card of
``neuralcatcher/hateful_memes``)::

    <raw>/img/<id>.png
    <raw>/train.jsonl, dev_seen.jsonl, test_seen.jsonl, dev_unseen.jsonl, test_unseen.jsonl

One JSON object per line: ``id`` (a number), ``img`` (``img/01235.png``, relative to the
folder), ``text`` (the meme's caption) and ``label`` (0 = not hateful, 1 = hateful). The
phase-1 release names its splits ``dev.jsonl`` / ``test.jsonl``; both are read too. A file
in which no line has a label (phase-1 ``test.jsonl``) is unlabelled: it is skipped and
listed in the manifest; a labelled file with a line that lacks one is a bad row. The folder
may also be the archive's ``data/`` sub-folder.

Each split file becomes a split of the same name (``train``, ``dev_seen``, ``test_seen``,
...). ``text`` is the meme text; the answer is ``yes`` (hateful) or ``no``.
"""

from __future__ import annotations

from pathlib import Path

from lmms_emotion.jsonl import iter_jsonl
from lmms_emotion.records import Media, Record
from lmms_emotion.sources.builder_api import BuildError, BuildOptions, BuildResult, IssueLog
from lmms_emotion.sources.dataset_writer import link_media
from lmms_emotion.sources.media_checks import PendingItem, keep_readable
from lmms_emotion.sources.raw_files import require_dir, safe_relative
from lmms_emotion.sources.release_labels import get_dataset_table

NAME = "hateful_memes"
DESCRIPTION = "Facebook Hateful Memes: hateful yes/no for memes (image + caption); official splits."
OBTAIN = ("Download the Hateful Memes dataset (https://ai.meta.com/tools/hatefulmemes/, licence agreement "
          "required; the same files are mirrored as neuralcatcher/hateful_memes on Hugging Face), unpack it and "
          "pass the folder holding img/ and the *.jsonl files.")
SPLIT_FILES = ("train", "dev_seen", "test_seen", "dev_unseen", "test_unseen", "dev", "test")


def _read_lines(path: Path, issues: IssueLog) -> list[tuple[int, dict]]:
    rows = []
    for row, item, _offset, _length in iter_jsonl(
            path, invalid=lambda err: issues.report(path, err.line, f"not a JSON object ({err.reason})")):
        if not isinstance(item, dict):
            issues.report(path, row, f"expected a JSON object, got {type(item).__name__}")
            continue
        rows.append((row, item))
    return rows


def build(options: BuildOptions) -> BuildResult:
    """Read every labelled split file, check each meme image, and verify the images."""
    raw = options.raw.absolute()
    require_dir(raw, "Hateful Memes folder", NAME, OBTAIN)
    if not (raw / "img").is_dir() and (raw / "data" / "img").is_dir():
        raw = raw / "data"
    require_dir(raw / "img", "image folder", NAME, OBTAIN)
    files = [(name, raw / f"{name}.jsonl") for name in SPLIT_FILES if (raw / f"{name}.jsonl").is_file()]
    if not files:
        raise BuildError(f"{NAME}: no split file ({', '.join(n + '.jsonl' for n in SPLIT_FILES)}) in {raw}. {OBTAIN}")
    table = get_dataset_table(NAME)
    issues = IssueLog(NAME, skip_bad=options.skip_bad)
    splits: dict[str, list[Record]] = {}
    unlabelled = []
    for split, path in files:
        rows = _read_lines(path, issues)
        if rows and not any("label" in item for _, item in rows):
            unlabelled.append(path.name)
            continue
        rule = f"official Hateful Memes split ({path.name})"
        seen: dict[str, int] = {}
        pending = []
        for row, item in rows:
            source_id, img, text = item.get("id"), item.get("img"), item.get("text")
            if isinstance(source_id, bool) or not isinstance(source_id, (int, str)) or not str(source_id).strip():
                issues.report(path, row, f"id must be a number, got {source_id!r}")
                continue
            source_id = str(source_id).strip()
            if not isinstance(text, str):
                issues.report(path, row, f"text must be a string, got {text!r}")
                continue
            if "label" not in item:
                issues.report(path, row, "has no label (every other line of this file has one)")
                continue
            raw_label = item["label"]
            if isinstance(raw_label, float) and raw_label.is_integer():
                raw_label = int(raw_label)
            label = None if isinstance(raw_label, bool) else table.label_for(str(raw_label))
            if label is None:
                issues.report(path, row, f"label must be 0 or 1, got {item['label']!r}")
                continue
            rel = safe_relative(img) if isinstance(img, str) else None
            if rel is None:
                issues.report(path, row, f"img must be a path relative to the folder (img/<id>.png), got {img!r}")
                continue
            if source_id in seen:
                issues.report(path, row, f"meme id {source_id} repeats row {seen[source_id]}")
                continue
            seen[source_id] = row
            image = raw / rel
            if not image.is_file():
                issues.report(path, row, f"image {rel} does not exist")
                continue
            record = Record(id=f"{NAME}/{split}/{source_id}", task="hate", source=NAME, split=split,
                            media=(Media("image", rel),), text=text.strip(), label_set=table.label_set,
                            answer=label, meta={"source_id": source_id, "split_rule": rule})
            pending.append(PendingItem(record, image, str(path), row))
        splits[split] = keep_readable(pending, issues, options, NAME, root=raw)
    if not splits:
        raise BuildError(f"{NAME}: every split file in {raw} is unlabelled ({', '.join(unlabelled)}). {OBTAIN}")

    link_media(NAME, options.out_root, raw, options.link_mode)
    manifest = {"source": "Facebook Hateful Memes", "raw": str(raw), "label_set": table.label_set,
                "verify": options.verify, "split_rule": "official split files, one split per file",
                "unlabelled_files": unlabelled}
    return BuildResult(dataset=NAME, splits=splits, skipped=issues.issues, manifest=manifest)
