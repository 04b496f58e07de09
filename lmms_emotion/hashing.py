"""File hashing: the one helper for content digests of media, captions and checkpoints."""

from __future__ import annotations

import hashlib
import os

__all__ = ["file_sha256"]

PROGRESS_FROM_BYTES = 256 << 20
"""Files at least this large (checkpoints of many GB) show a progress bar while hashed."""


def file_sha256(path: str | os.PathLike, *, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file's bytes, read in chunks; large files show a tqdm progress bar.

    Not ``hashlib.file_digest``: that needs Python 3.11 (we support 3.10) and cannot
    report progress on a multi-gigabyte checkpoint.
    """
    size = os.path.getsize(path)
    digest = hashlib.sha256()
    bar = None
    if size >= PROGRESS_FROM_BYTES:
        from tqdm.auto import tqdm

        bar = tqdm(total=size, unit="B", unit_scale=True, desc=f"sha256 {os.path.basename(path)}")
    try:
        with open(path, "rb") as handle:
            while block := handle.read(chunk):
                digest.update(block)
                if bar is not None:
                    bar.update(len(block))
    finally:
        if bar is not None:
            bar.close()
    return digest.hexdigest()
