"""FI, Flickr & Instagram (You et al., AAAI 2016): raw release folder -> records.

Published layout (the authors' ``emotion_dataset`` archive; the folder layout public
loaders read)::

    <raw>/emotion_dataset/<emotion>/<image>.jpg     one folder per Mikels emotion

``<raw>`` may also be the ``emotion_dataset`` folder itself. The eight folders are named
by the Mikels labels (amusement, anger, awe, contentment, disgust, excitement, fear,
sadness); all eight must be present.

FI has no official split. You et al. split it randomly 80/5/15 (train/val/test); we
define that split seeded and class-stratified (:func:`~lmms_emotion.sources.seeded_splits.stratified_splits`,
``--seed``, default 0) over every listed image, before any image is verified, so a
skipped bad file does not move the others. Each record carries its split and the rule
(``meta.split_rule``).
"""

from __future__ import annotations

from pathlib import Path

from lmms_emotion.sources.builder_api import BuildError, BuildOptions, BuildResult, IssueLog
from lmms_emotion.sources.dataset_writer import link_media
from lmms_emotion.sources.raw_files import is_hidden, is_image_name, require_dir
from lmms_emotion.sources.release_labels import get_dataset_table
from lmms_emotion.sources.seeded_splits import ListedImage, seeded_image_records

NAME = "fi"
DESCRIPTION = "FI (Flickr & Instagram): 8 Mikels emotions, one folder each; seeded 80/5/15 split."
OBTAIN = ("Request the FI 'emotion dataset' from the authors (Quanzeng You, https://qzyou.github.io/, "
          "Emotion Analysis - Emotion Dataset) and unpack it; pass the folder holding emotion_dataset/.")
SPLIT_FRACTIONS = (("test", 0.15), ("val", 0.05))


def _class_root(raw: Path) -> Path:
    nested = raw / "emotion_dataset"
    return nested if nested.is_dir() else raw


def build(options: BuildOptions) -> BuildResult:
    """List FI's class folders, split them seeded and stratified, and verify every image."""
    raw = options.raw.absolute()
    require_dir(raw, "FI folder", NAME, OBTAIN)
    root = _class_root(raw)
    table = get_dataset_table(NAME)
    issues = IssueLog(NAME, skip_bad=options.skip_bad)

    folders = sorted(p for p in root.iterdir() if p.is_dir() and not is_hidden(p.name))
    known: dict[str, Path] = {}
    for folder in folders:
        label = table.label_for(folder.name)
        if label is None:
            issues.report(folder, None, f"unknown emotion folder {folder.name!r}; FI uses {', '.join(table.known_raw())}")
            continue
        known[label] = folder
    missing = [label for label in table.known_raw() if label not in known]
    if missing:
        raise BuildError(f"{NAME}: {root} has no folder for {', '.join(missing)}; expected one folder per emotion "
                         f"({', '.join(table.known_raw())}). {OBTAIN}")

    listed: list[ListedImage] = []
    ignored = 0
    for label, folder in sorted(known.items()):
        for path in sorted(folder.rglob("*")):
            if path.is_dir() or is_hidden(path.name):
                continue
            if not is_image_name(path.name):
                ignored += 1
                continue
            rel = path.relative_to(raw).as_posix()
            listed.append(ListedImage(label, rel, path, source_id=rel[len(_prefix(raw, root)):].rsplit(".", 1)[0],
                                      where=str(path.parent)))
    if not listed:
        raise BuildError(f"{NAME}: no images under {root}. {OBTAIN}")

    splits, rule = seeded_image_records(listed, dataset=NAME, label_set=table.label_set, fractions=SPLIT_FRACTIONS,
                                        issues=issues, options=options)

    link_media(NAME, options.out_root, raw, options.link_mode)
    manifest = {"source": "FI (Flickr & Instagram)", "raw": str(raw), "label_set": table.label_set,
                "verify": options.verify, "split_rule": rule, "ignored_non_image_files": ignored}
    return BuildResult(dataset=NAME, splits=splits, skipped=issues.issues, manifest=manifest)


def _prefix(raw: Path, root: Path) -> str:
    """The part of a raw-relative path that is not the class folder (``emotion_dataset/`` or nothing)."""
    rel = root.relative_to(raw).as_posix()
    return "" if rel == "." else rel + "/"
