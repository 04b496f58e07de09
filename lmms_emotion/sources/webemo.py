"""WEBEmo (Panda et al., ECCV 2018): URL lists + downloaded images -> three datasets, one per level.

Published release (project page rpand002.github.io/emotion.html; the format public
download scripts read)::

    <raw>/train25.txt     one "<image URL> <class index>" per line, space-separated
    <raw>/test25.txt      the official test list, same format

The class index (0-24) follows :data:`~lmms_emotion.sources.release_labels.WEBEMO_RELEASE_ORDER`
(alphabetical: affection, cheerfullness, confusion, ..., zest, in the release's
spelling). WEBEmo ships URLs, not images: download each URL into ``<raw>/images/``
(any sub-folder), named by the URL's file name, optionally prefixed with its class
index and an underscore (``17_<name>.jpg``, the convention of public download scripts).

One build writes three datasets sharing the same images and the official split:

* ``webemo25``: the 25 fine labels (label set ``webemo25``);
* ``webemo7``: their Parrott parents (anger, confusion, fear, joy, love, sadness, surprise);
* ``webemo2``: the polarity (positive, negative).

The mapping is :data:`~lmms_emotion.scoring.labels.WEBEMO_25_TO_7` and ``WEBEMO_7_TO_2``;
every record keeps all three labels in ``meta``.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlparse

from lmms_emotion.records import Media, Record
from lmms_emotion.sources.builder_api import BuildError, BuildOptions, BuildResult, IssueLog
from lmms_emotion.sources.dataset_writer import link_media
from lmms_emotion.sources.media_checks import PendingItem, keep_readable
from lmms_emotion.sources.raw_files import is_hidden, read_text_file, require_dir
from lmms_emotion.sources.release_labels import get_dataset_table, webemo_levels

NAME = "webemo"
DATASETS = ("webemo25", "webemo7", "webemo2")
DESCRIPTION = "WEBEmo: 25 fine emotions (+ the 7- and 2-class levels) from URL lists; official split."
OBTAIN = ("Get the WEBEmo lists (train25.txt, test25.txt) from https://rpand002.github.io/emotion.html, "
          "download every URL into images/ next to them (file named as in the URL), and pass that folder.")
LISTS = {"train": "train25.txt", "test": "test25.txt"}


def url_file_name(url: str) -> str:
    """The file name an image URL is saved under: its last path component, unquoted."""
    return unquote(os.path.basename(urlparse(url).path))


def _index_images(images: Path) -> dict[str, list[Path]]:
    """Every file below ``images/`` by its name (walked once)."""
    index: dict[str, list[Path]] = defaultdict(list)
    for folder, subdirs, files in os.walk(images):
        subdirs[:] = sorted(d for d in subdirs if not is_hidden(d))
        for name in files:
            if not is_hidden(name):
                index[name].append(Path(folder) / name)
    return index


def _find_image(index: dict[str, list[Path]], name: str, class_index: int) -> list[Path]:
    return index.get(name, []) + index.get(f"{class_index}_{name}", [])


def build(options: BuildOptions) -> list[BuildResult]:
    """Read the official lists, find each downloaded image, and build the three label levels."""
    raw = options.raw.absolute()
    require_dir(raw, "WEBEmo folder", NAME, OBTAIN)
    list_files = {split: raw / name for split, name in LISTS.items() if (raw / name).is_file()}
    if not list_files:
        raise BuildError(f"{NAME}: no train25.txt or test25.txt in {raw}. {OBTAIN}")
    images = require_dir(raw / "images", "image folder", NAME, f"Download the images the lists name. {OBTAIN}")
    table = get_dataset_table(NAME)
    issues = IssueLog(NAME, skip_bad=options.skip_bad)
    index = _index_images(images)

    kept: dict[str, list[Record]] = {}
    for split, list_file in list_files.items():
        pending = []
        seen: dict[str, int] = {}
        for row_no, line in enumerate(read_text_file(list_file, NAME).splitlines(), start=1):
            if not line.strip():
                continue
            fields = line.split()
            if len(fields) != 2:
                issues.report(list_file, row_no, f"expected '<image URL> <class index>', got {line.strip()!r}")
                continue
            url, raw_label = fields
            label = table.label_for(raw_label) if raw_label.isdigit() else None
            if label is None:
                issues.report(list_file, row_no, f"class index must be 0-24, got {raw_label!r}")
                continue
            name = url_file_name(url)
            if not name:
                issues.report(list_file, row_no, f"cannot take a file name from URL {url!r}")
                continue
            stem = name.rsplit(".", 1)[0]
            if stem in seen:
                issues.report(list_file, row_no, f"image {name} repeats row {seen[stem]}")
                continue
            seen[stem] = row_no
            found = _find_image(index, name, int(raw_label))
            if len(found) != 1:
                problem = "no file" if not found else f"{len(found)} files ({', '.join(str(p.relative_to(raw)) for p in found)})"
                issues.report(list_file, row_no, f"image {name} (from {url}) does not exist: {problem} named "
                                                 f"{name} or {raw_label}_{name} under images/")
                continue
            middle, top = webemo_levels(label)
            record = Record(
                id=f"webemo25/{split}/{stem}", task="emotion_closed", source=NAME, split=split,
                media=(Media("image", found[0].relative_to(raw).as_posix()),), text="", label_set="webemo25",
                answer=label,
                meta={"source_id": stem, "url": url, "class_index": int(raw_label),
                      "levels": {"webemo25": label, "webemo7": middle, "webemo2": top},
                      "split_rule": f"official {list_file.name}"},
            )
            pending.append(PendingItem(record, found[0], str(list_file), row_no))
        kept[split] = keep_readable(pending, issues, options, "webemo25")

    results = []
    for dataset in DATASETS:
        splits = {split: [_relabel(record, dataset) for record in records] for split, records in kept.items()}
        link_media(dataset, options.out_root, raw, options.link_mode)
        manifest = {"source": "WEBEmo", "raw": str(raw), "label_set": dataset, "verify": options.verify,
                    "split_rule": "official train25.txt / test25.txt",
                    "levels": "webemo25 -> webemo7 -> webemo2 (taxonomy.WEBEMO_25_TO_7, WEBEMO_7_TO_2)"}
        results.append(BuildResult(dataset=dataset, splits=splits, skipped=issues.issues, manifest=manifest))
    return results


def _relabel(record: Record, dataset: str) -> Record:
    """The same image and split at another level of the hierarchy."""
    if dataset == "webemo25":
        return record
    return Record(
        id=f"{dataset}/{record.split}/{record.meta['source_id']}", task=record.task, source=record.source,
        split=record.split, media=record.media, text=record.text, label_set=dataset,
        answer=record.meta["levels"][dataset], meta=record.meta,
    )
