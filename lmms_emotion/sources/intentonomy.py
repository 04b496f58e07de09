"""Intentonomy (Jia et al., CVPR 2021): the human intent behind an Unsplash photo -> image records.

Published release (github.com/KMnP/intentonomy, ``DATA.md`` and ``download_data.py``)::

    <raw>/annotations/intentonomy_train2020.json, intentonomy_val2020.json, intentonomy_test2020.json
    <raw>/images/<filename>              filename as in the annotation, e.g. low/<hash>.jpg

Annotation files follow COCO: ``categories`` (``id`` 0-27, ``name`` such as
``Attractive``, ``FineDesignLearnArt-Arch``), ``images`` (``id``, ``filename``,
``original_id``, ``unsplash_url``) and ``annotations`` (``image_id`` plus
``category_ids`` — a list — in val/test, or ``category_ids_softprob`` — 28 shares of the
three annotators, ``x/3`` — in train). The image root is wherever ``download_data.py
--image-root`` put the files: ``<raw>/images/`` or ``<raw>`` itself; the annotation files
may sit in ``<raw>/annotations/`` or ``<raw>``.

Intentonomy is multi-label; the closed-set task needs one gold intent per image,
``--option label=...``:

* ``single`` (default): only images annotated with exactly one intent — val/test: one
  category id; train: one non-zero soft probability.
* ``top``: train images take the intent with the largest soft probability (ties left
  out); val/test lists carry no ranking, so there ``top`` is ``single``.

Every record keeps all its intents in ``meta.intents``; images left out are counted per
reason in the manifest (``excluded``). ``text`` is empty. Splits: the official train / val
/ test of the released version (which differs from the paper's val/test, see DATA.md).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from lmms_emotion.records import Media, Record
from lmms_emotion.sources.builder_api import BuildError, BuildOptions, BuildResult, IssueLog, build_option
from lmms_emotion.sources.dataset_writer import link_media
from lmms_emotion.sources.media_checks import PendingItem, keep_readable
from lmms_emotion.sources.raw_files import find_first, load_json_file, require_dir, safe_relative
from lmms_emotion.sources.release_labels import INTENTONOMY_RELEASE_NAMES, get_dataset_table

NAME = "intentonomy"
DESCRIPTION = "Intentonomy: 28 human intents behind Unsplash photos, one gold intent per image; official splits."
OBTAIN = ("Download intentonomy_{train,val,test}2020.json (links in https://github.com/KMnP/intentonomy/blob/master/"
          "DATA.md) into annotations/ and fetch the images with its download_data.py into images/; pass the folder "
          "holding both.")
SPLITS = ("train", "val", "test")
LABEL_RULES = ("single", "top")
OPTIONS = {"label": LABEL_RULES}
"""``--option`` keys this builder reads, with their values."""


def _annotation_file(raw: Path, split: str) -> Path | None:
    name = f"intentonomy_{split}2020.json"
    return find_first([raw / "annotations" / name, raw / name])


def _categories(data: dict, path: Path) -> dict[int, str]:
    """Category id -> canonical label, checked against the release's 28 names."""
    table = get_dataset_table(NAME)
    categories = data.get("categories")
    if not isinstance(categories, list) or not categories:
        raise BuildError(f"{NAME}: {path} has no 'categories' list")
    out = {}
    for index, category in enumerate(categories, start=1):
        if not isinstance(category, dict) or not isinstance(category.get("id"), int) \
                or not isinstance(category.get("name"), str):
            raise BuildError(f"{NAME}: {path}: categories[{index}] must be {{'id': int, 'name': str}}, got {category!r}")
        label = table.label_for(category["name"])
        cid = category["id"]
        if label is None or not 0 <= cid < len(INTENTONOMY_RELEASE_NAMES) \
                or table.label_for(str(cid)) != label:
            raise BuildError(f"{NAME}: {path}: category {cid} {category['name']!r} is not Intentonomy's category "
                             f"{cid}; expected ids 0-27 named {', '.join(INTENTONOMY_RELEASE_NAMES)}")
        out[cid] = label
    return out


def _intents(annotation: dict, categories: dict[int, str]) -> tuple[list[str], list[float] | None] | str:
    """(intents in category order, soft probabilities or None) or an error reason."""
    if "category_ids" in annotation:
        ids = annotation["category_ids"]
        if not isinstance(ids, list) or not all(isinstance(i, int) and i in categories for i in ids):
            return f"category_ids must be a list of known category ids, got {ids!r}"
        return [categories[i] for i in sorted(set(ids))], None
    if "category_ids_softprob" in annotation:
        probs = annotation["category_ids_softprob"]
        if not isinstance(probs, list) or len(probs) != len(categories) \
                or not all(isinstance(p, (int, float)) and not isinstance(p, bool) and 0 <= p <= 1 for p in probs):
            return f"category_ids_softprob must be {len(categories)} numbers in [0, 1]"
        return [categories[i] for i, p in enumerate(probs) if p > 0], [float(p) for p in probs]
    return "has neither category_ids nor category_ids_softprob"


def _gold(intents: list[str], probs: list[float] | None, rule: str, categories: dict[int, str]) -> str:
    """The gold label, or an exclusion reason prefixed with '!'."""
    if not intents:
        return "!no_intent"
    if len(intents) == 1:
        return intents[0]
    if rule == "top" and probs is not None:
        top = max(probs)
        winners = [categories[i] for i, p in enumerate(probs) if p == top]
        return winners[0] if len(winners) == 1 else "!tie"
    return "!multi_label"


def build(options: BuildOptions) -> BuildResult:
    """Read each split's COCO-style annotation file, pick one gold intent per image, verify the images."""
    raw = options.raw.absolute()
    require_dir(raw, "Intentonomy folder", NAME, OBTAIN)
    rule = build_option(options, NAME, "label", "single", LABEL_RULES)
    files = {split: path for split in SPLITS if (path := _annotation_file(raw, split)) is not None}
    if not files:
        raise BuildError(f"{NAME}: no intentonomy_{{train,val,test}}2020.json in {raw} or {raw / 'annotations'}. "
                         f"{OBTAIN}")
    image_root = raw / "images" if (raw / "images").is_dir() else raw
    table = get_dataset_table(NAME)
    issues = IssueLog(NAME, skip_bad=options.skip_bad)
    excluded: dict[str, Counter] = {}
    splits: dict[str, list[Record]] = {}
    for split, path in files.items():
        data = load_json_file(path, NAME)
        if not isinstance(data, dict) or not isinstance(data.get("images"), list) \
                or not isinstance(data.get("annotations"), list):
            raise BuildError(f"{NAME}: {path} must be a COCO-style object with 'categories', 'images' and "
                             "'annotations' lists")
        categories = _categories(data, path)
        images = {}
        for image in data["images"]:
            if isinstance(image, dict) and isinstance(image.get("id"), (str, int)) \
                    and isinstance(image.get("filename"), str):
                images[str(image["id"])] = image
        counts: Counter = Counter()
        seen: dict[str, int] = {}
        pending = []
        split_rule = f"official Intentonomy {split} split ({path.name})"
        for row, annotation in enumerate(data["annotations"], start=1):
            if not isinstance(annotation, dict) or not isinstance(annotation.get("image_id"), (str, int)):
                issues.report(path, row, f"annotations[{row}] must be an object with an image_id")
                continue
            image_id = str(annotation["image_id"])
            image = images.get(image_id)
            if image is None:
                issues.report(path, row, f"annotation for image {image_id} names no entry of 'images'")
                continue
            parsed = _intents(annotation, categories)
            if isinstance(parsed, str):
                issues.report(path, row, f"image {image_id}: {parsed}")
                continue
            intents, probs = parsed
            if image_id in seen:
                issues.report(path, row, f"image {image_id} is annotated twice (also annotation {seen[image_id]})")
                continue
            seen[image_id] = row
            gold = _gold(intents, probs, rule, categories)
            if gold.startswith("!"):
                counts[gold[1:]] += 1
                continue
            rel = safe_relative(image["filename"])
            if rel is None:
                issues.report(path, row, f"image {image_id}: filename must be relative, got {image['filename']!r}")
                continue
            file = image_root / rel
            rel_to_raw = file.relative_to(raw).as_posix()
            if not file.is_file():
                issues.report(path, row, f"image {image_id}: {rel_to_raw} does not exist")
                continue
            meta = {"source_id": image_id, "intents": intents, "label_rule": rule, "split_rule": split_rule,
                    "original_id": image.get("original_id", ""), "unsplash_url": image.get("unsplash_url", "")}
            if probs is not None:
                meta["softprob"] = {table.label_for(str(i)): p for i, p in enumerate(probs) if p > 0}
            record = Record(id=f"{NAME}/{split}/{image_id}", task="intent", source=NAME, split=split,
                            media=(Media("image", rel_to_raw),), text="", label_set=table.label_set, answer=gold,
                            meta=meta)
            pending.append(PendingItem(record, file, str(path), row))
        excluded[split] = counts
        splits[split] = keep_readable(pending, issues, options, NAME)

    link_media(NAME, options.out_root, raw, options.link_mode)
    manifest = {"source": "Intentonomy", "raw": str(raw), "label_set": table.label_set, "verify": options.verify,
                "label_rule": rule, "split_rule": "official Intentonomy train/val/test (released version)",
                "excluded": {split: dict(sorted(c.items())) for split, c in excluded.items()},
                "image_root": image_root.relative_to(raw).as_posix()}
    return BuildResult(dataset=NAME, splits=splits, skipped=issues.issues, manifest=manifest)
