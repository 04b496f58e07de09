"""Writing a built dataset: records per split (sorted by id), the manifest, and the media root
linked (or copied) to the raw folder; identical inputs give identical bytes."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from lmms_emotion import __version__
from lmms_emotion.jsonl import write_json
from lmms_emotion.paths import dataset_dir, manifest_path, media_root, records_path
from lmms_emotion.records import Record, write_records
from lmms_emotion.sources.builder_api import BuildError, BuildResult


def class_counts(records: Iterable[Record]) -> dict[str, int]:
    """Records per gold label, sorted by label."""
    counts = Counter(r.answer for r in records)
    return dict(sorted(counts.items()))


def link_media(dataset: str, out_root: Path, raw: Path, mode: str = "symlink") -> Path:
    """Make ``<root>/<dataset>/media`` point at the raw folder (a symlink by default)."""
    target = media_root(dataset, out_root)
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = raw.absolute()
    if target.is_symlink():
        if Path(os.readlink(target)) == raw:
            return target
        target.unlink()
    elif target.exists():
        if mode == "symlink":
            raise BuildError(f"{dataset}: {target} exists and is not a symlink; remove it or use --link-mode copy")
        return target
    if mode == "symlink":
        target.symlink_to(raw, target_is_directory=True)
    elif mode == "copy":
        import shutil

        shutil.copytree(raw, target)
    else:
        raise BuildError(f"unknown --link-mode {mode!r}; use symlink or copy")
    return target


def write_dataset(result: BuildResult, out_root: Path) -> Path:
    """Write records per split (sorted by id) and the manifest; identical inputs give identical bytes."""
    folder = dataset_dir(result.dataset, out_root)
    folder.mkdir(parents=True, exist_ok=True)
    splits_info = {}
    for split, records in result.splits.items():
        ordered = sorted(records, key=lambda r: r.id)
        write_records(records_path(result.dataset, split, out_root), ordered)
        splits_info[split] = {"count": len(ordered), "per_class": class_counts(ordered)}
    manifest = {
        "dataset": result.dataset,
        "builder_version": __version__,
        "splits": splits_info,
        "skipped": [{"file": i.file, "row": i.row, "reason": i.reason} for i in result.skipped],
        **result.manifest,
    }
    write_json(manifest_path(result.dataset, out_root), manifest)
    return folder
