"""The inputs of a generation run: which records, their media root, and their captions.

Records come from a built dataset (``--dataset emoset --split train``, under the data
root) or any records file (``--records FILE``, media root defaulting to the ``media``
folder beside it, the data root's layout). Generation works on single-image records, and
(``videos=True``: captions and rationales) on single-video records, which are described
by a grid of frames sampled across the clip; others are counted and left out.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from lmms_emotion.records import Record, iter_records

__all__ = ["InputError", "InputSet", "load_inputs", "missing_captions"]


class InputError(ValueError):
    """Inputs that cannot be used; the message says what to run or pass instead."""


@dataclass
class InputSet:
    """Records to generate for, where they came from, and what was left out."""

    records_path: Path
    media_root: Path
    records: list[Record]
    skipped: list[tuple[str, str]] = field(default_factory=list)


def load_inputs(records: str | os.PathLike | None = None, *, dataset: str | None = None, split: str | None = None,
                data_root: str | os.PathLike | None = None, media_root: str | os.PathLike | None = None,
                limit: int | None = None, videos: bool = False) -> InputSet:
    """Read and validate the records (first ``limit`` usable records when given).

    Usable: one image, or with ``videos`` one image or one video.
    """
    from lmms_emotion import paths

    if records is not None and dataset is not None:
        raise InputError("give either --records FILE or --dataset NAME --split SPLIT, not both")
    if records is not None:
        records_path = Path(records).expanduser()
        root = Path(media_root).expanduser() if media_root else records_path.parent / "media"
    elif dataset is not None:
        if not split:
            raise InputError("--dataset needs --split (e.g. --split train)")
        records_path = paths.records_path(dataset, split, data_root)
        root = Path(media_root).expanduser() if media_root else paths.media_root(dataset, data_root)
        if not records_path.is_file():
            raise InputError(f"{records_path} does not exist; build it first: "
                             f"lmms-emotion build-data {dataset} --raw <raw folder>"
                             + (f" --data-root {data_root}" if data_root else ""))
    else:
        raise InputError("name the input records: --records FILE, or --dataset NAME --split SPLIT")
    if not records_path.is_file():
        raise InputError(f"records file {records_path} does not exist")
    kept: list[Record] = []
    skipped: list[tuple[str, str]] = []
    wanted = ("image", "video") if videos else ("image",)
    for record in iter_records(records_path):
        if len(record.media) != 1 or record.media[0].type not in wanted:
            skipped.append((record.id, "not a single-image or single-video record" if videos
                            else "not a single-image record (videos: only captions and rationales use them)"))
            continue
        kept.append(record)
        if limit is not None and len(kept) >= limit:
            break
    if not kept:
        what = "single-image or single-video" if videos else "single-image"
        raise InputError(f"{records_path} holds no {what} records to generate for")
    return InputSet(records_path=records_path, media_root=root.absolute(), records=kept, skipped=skipped)


def missing_captions(records: list[Record], captions: dict[str, str]) -> list[str]:
    """Image paths of ``records`` that have no caption."""
    return [r.media[0].path for r in records if r.media[0].path not in captions]
