"""ArtPhoto (Machajdik & Hanbury, ACM MM 2010): raw release folder -> records.

Published layout (``testImages_artphoto.zip`` from imageemotion.org)::

    <raw>/<emotion>_<n>.jpg      806 artistic photographs in one flat folder

The label is the file-name prefix before the first underscore: amusement, anger, awe,
contentment, disgust, excitement, fear, or ``sad`` (sadness); matching is
case-insensitive and ``content``/``sadness`` are accepted too. ``<raw>`` may also be the
folder holding ``testImages_artphoto/``. Files without an image suffix are ignored.

No official split: a seeded class-stratified 80/20 train/test split over every listed
image (``--seed``, default 0), recorded in each record (``split``, ``meta.split_rule``).
"""

from __future__ import annotations

from pathlib import Path

from lmms_emotion.sources.builder_api import BuildError, BuildOptions, BuildResult, IssueLog
from lmms_emotion.sources.dataset_writer import link_media
from lmms_emotion.sources.raw_files import is_hidden, is_image_name, require_dir
from lmms_emotion.sources.release_labels import get_dataset_table
from lmms_emotion.sources.seeded_splits import ListedImage, seeded_image_records

NAME = "artphoto"
DESCRIPTION = "ArtPhoto: 8 Mikels emotions encoded in file names, 806 images; seeded 80/20 split."
OBTAIN = ("Download testImages_artphoto.zip from https://www.imageemotion.org/ (Machajdik & Hanbury 2010) and "
          "unpack it; pass the folder holding the <emotion>_<n>.jpg files.")
SPLIT_FRACTIONS = (("test", 0.2),)


def _image_folder(raw: Path) -> Path:
    nested = raw / "testImages_artphoto"
    return nested if nested.is_dir() else raw


def build(options: BuildOptions) -> BuildResult:
    """Label every image by its file-name prefix, split seeded and stratified, and verify."""
    raw = options.raw.absolute()
    require_dir(raw, "ArtPhoto folder", NAME, OBTAIN)
    folder = _image_folder(raw)
    table = get_dataset_table(NAME)
    issues = IssueLog(NAME, skip_bad=options.skip_bad)

    listed = []
    for path in sorted(folder.iterdir()):
        if path.is_dir() or is_hidden(path.name) or not is_image_name(path.name):
            continue
        prefix, sep, _ = path.name.partition("_")
        label = table.label_for(prefix) if sep else None
        if label is None:
            issues.report(path, None, f"file name must start with <emotion>_ where emotion is one of "
                                      f"{', '.join(table.known_raw())}; got {path.name!r}")
            continue
        listed.append(ListedImage(label, path.relative_to(raw).as_posix(), path, source_id=path.stem, where=str(path)))
    if not listed:
        raise BuildError(f"{NAME}: no <emotion>_<n>.jpg images in {folder}. {OBTAIN}")

    splits, split_rule = seeded_image_records(listed, dataset=NAME, label_set=table.label_set,
                                              fractions=SPLIT_FRACTIONS, issues=issues, options=options)

    link_media(NAME, options.out_root, raw, options.link_mode)
    manifest = {"source": "ArtPhoto", "raw": str(raw), "label_set": table.label_set, "verify": options.verify,
                "split_rule": split_rule}
    return BuildResult(dataset=NAME, splits=splits, skipped=issues.issues, manifest=manifest)
