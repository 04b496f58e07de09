"""Where built data lives: the data root and the fixed layout below it.

Layout (one folder per built dataset)::

    <data root>/<dataset>/<split>.jsonl     records (lmms_emotion.records schema)
    <data root>/<dataset>/media/            media root the records' paths are relative to
    <data root>/<dataset>/manifest.json     what was built, from what, with which counts

The data root is, in order: an explicit argument, ``$LMMS_EMOTION_DATA``, or
``~/.cache/lmms_emotion``.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_ROOT_ENV = "LMMS_EMOTION_DATA"
DEFAULT_DATA_ROOT = "~/.cache/lmms_emotion"


def data_root(override: str | os.PathLike | None = None) -> Path:
    """The data root: ``override``, else ``$LMMS_EMOTION_DATA``, else ``~/.cache/lmms_emotion``."""
    chosen = override if override else os.environ.get(DATA_ROOT_ENV) or DEFAULT_DATA_ROOT
    return Path(os.path.expandvars(os.path.expanduser(str(chosen)))).absolute()


def dataset_dir(dataset: str, root: str | os.PathLike | None = None) -> Path:
    """Folder holding one built dataset."""
    return data_root(root) / dataset


def records_path(dataset: str, split: str, root: str | os.PathLike | None = None) -> Path:
    """The records file of one split of a built dataset."""
    return dataset_dir(dataset, root) / f"{split}.jsonl"


def media_root(dataset: str, root: str | os.PathLike | None = None) -> Path:
    """The folder a built dataset's media paths are relative to."""
    return dataset_dir(dataset, root) / "media"


def manifest_path(dataset: str, root: str | os.PathLike | None = None) -> Path:
    """The build manifest of a dataset."""
    return dataset_dir(dataset, root) / "manifest.json"
