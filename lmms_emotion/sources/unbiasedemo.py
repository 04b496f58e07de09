"""UnbiasedEmo (Panda et al., ECCV 2018): raw release folder -> records.

Published layout (``UnBiasedEmo`` from rpand002.github.io/emotion.html; what public
loaders read)::

    <raw>/images/<emotion>/<object>/<image>.jpg     3,045 images

Emotions: anger, fear, joy, love, sadness, surprise. The object level (the same objects
photographed under different emotions, the point of the dataset) goes to
``meta.object``; images placed directly in an emotion folder are accepted with an empty
object. ``<raw>`` may also be a folder holding ``UnBiasedEmo/images/``.

No official split: a seeded train/test split, stratified by emotion and, within each
emotion, by object: every (emotion, object) group gives 20% of its images (rounded, at
least one of two or more) to test (``--seed``, default 0); recorded in each record.
"""

from __future__ import annotations

from pathlib import Path

from lmms_emotion.sources.builder_api import BuildError, BuildOptions, BuildResult, IssueLog
from lmms_emotion.sources.dataset_writer import link_media
from lmms_emotion.sources.raw_files import is_hidden, is_image_name, require_dir
from lmms_emotion.sources.release_labels import get_dataset_table
from lmms_emotion.sources.seeded_splits import ListedImage, seeded_image_records

NAME = "unbiasedemo"
DESCRIPTION = "UnbiasedEmo: 6 emotions over shared objects, 3,045 images; seeded 80/20 split."
OBTAIN = ("Download UnBiasedEmo from https://rpand002.github.io/emotion.html (Panda et al. 2018) and unpack it; "
          "pass the folder holding images/<emotion>/<object>/.")
SPLIT_FRACTIONS = (("test", 0.2),)


def _images_folder(raw: Path) -> Path:
    for candidate in (raw / "images", raw / "UnBiasedEmo" / "images"):
        if candidate.is_dir():
            return candidate
    return require_dir(raw / "images", "image folder", NAME, OBTAIN)


def build(options: BuildOptions) -> BuildResult:
    """List emotion/object folders, split seeded and stratified, and verify every image."""
    raw = options.raw.absolute()
    require_dir(raw, "UnbiasedEmo folder", NAME, OBTAIN)
    images = _images_folder(raw)
    table = get_dataset_table(NAME)
    issues = IssueLog(NAME, skip_bad=options.skip_bad)

    listed: list[ListedImage] = []
    images_rel = images.relative_to(raw).as_posix() + "/"
    found_labels = set()
    for folder in sorted(p for p in images.iterdir() if p.is_dir() and not is_hidden(p.name)):
        label = table.label_for(folder.name)
        if label is None:
            issues.report(folder, None, f"unknown emotion folder {folder.name!r}; UnbiasedEmo uses "
                                        f"{', '.join(table.known_raw())}")
            continue
        found_labels.add(label)
        for path in sorted(folder.rglob("*")):
            if path.is_dir() or is_hidden(path.name) or not is_image_name(path.name):
                continue
            parts = path.relative_to(folder).parts
            obj = parts[0] if len(parts) > 1 else ""
            rel = path.relative_to(raw).as_posix()
            listed.append(ListedImage(label, rel, path, source_id=rel[len(images_rel):].rsplit(".", 1)[0],
                                      where=str(path.parent), meta={"object": obj}, stratum=(label, obj)))
    missing = [label for label in table.known_raw() if label not in found_labels]
    if missing:
        raise BuildError(f"{NAME}: {images} has no folder for {', '.join(missing)}; expected one folder per emotion "
                         f"({', '.join(table.known_raw())}). {OBTAIN}")

    splits, split_rule = seeded_image_records(listed, dataset=NAME, label_set=table.label_set,
                                              fractions=SPLIT_FRACTIONS, issues=issues, options=options,
                                              rule_note="strata: emotion x object")

    link_media(NAME, options.out_root, raw, options.link_mode)
    manifest = {"source": "UnbiasedEmo", "raw": str(raw), "label_set": table.label_set, "verify": options.verify,
                "split_rule": split_rule}
    return BuildResult(dataset=NAME, splits=splits, skipped=issues.issues, manifest=manifest)
