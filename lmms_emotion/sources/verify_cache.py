"""Resumable media verification: each file checked once (in threads), its verdict appended to a
JSONL cache keyed by inode, size, mtime and ctime, so a killed build resumes where it stopped."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lmms_emotion.jsonl import JsonlAppender, read_jsonl


def _file_key(stat: os.stat_result) -> list[int]:
    """What the verify cache compares: device, inode, size, mtime and ctime (all in ns).

    A rewrite that keeps size and mtime (``touch -r``, ``os.utime``) still changes the
    inode-change time, which no user call can set back, so it is re-checked; a file
    replaced by another (rename over it) has a new inode. Copying the raw folder elsewhere
    re-checks everything (new inodes), which costs one more decode pass, never a wrong hit.
    """
    return [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]


class VerifyCache:
    """An append-only JSONL of verified files keyed by path plus :func:`_file_key` (inode, size, mtime, ctime).

    Each result is appended and flushed as soon as it is known, so a killed build
    resumes without re-decoding what it already checked. Entries written by older
    versions (size and mtime only) never match and are checked again.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._known: dict[str, tuple[list[int], str | None]] = {}
        for entry in read_jsonl(path, invalid="skip", missing_ok=True):  # a torn line from a kill: checked again
            try:
                self._known[entry["path"]] = (list(entry["key"]), entry["error"])
            except (KeyError, TypeError):
                continue  # an old-format entry: checked again

    def lookup(self, path: Path) -> tuple[bool, str | None]:
        """(hit, error) for a file whose inode, size, mtime and ctime are unchanged since it was checked."""
        entry = self._known.get(str(path))
        if entry is None:
            return False, None
        try:
            key = _file_key(path.stat())
        except OSError:
            return False, None
        if key != entry[0]:
            return False, None
        return True, entry[1]

    def append(self, out: JsonlAppender, path: Path, error: str | None, key: list[int]) -> None:
        """Record a result under the file key taken *before* the check (a change during it is caught next time)."""
        out.append({"path": str(path), "key": key, "error": error})
        self._known[str(path)] = (key, error)


def _check_one(path: Path, checker: Callable[[Path], object]) -> str | None:
    try:
        checker(path)
        return None
    except FileNotFoundError:
        return "file does not exist"
    except Exception as err:  # noqa: BLE001 - any decode failure is a bad item
        return str(err) or type(err).__name__


def verify_media(paths: Sequence[Path], *, cache_file: Path, checker: Callable[[Path], object],
                 workers: int = 4, desc: str = "verifying media") -> dict[Path, str | None]:
    """Check every file with ``checker`` (in threads, with a progress bar), resumable via ``cache_file``.

    Returns ``{path: None}`` for good files and ``{path: reason}`` for bad ones.
    """
    from tqdm.auto import tqdm

    cache = VerifyCache(cache_file)
    results: dict[Path, str | None] = {}
    todo: list[Path] = []
    keys: dict[Path, list[int]] = {}
    for path in paths:
        try:
            keys[path] = _file_key(path.stat())
        except OSError:
            results[path] = "file does not exist"
            continue
        hit, error = cache.lookup(path)
        if hit:
            results[path] = error
        else:
            todo.append(path)
    with JsonlAppender(cache_file, fsync=False) as out, \
            tqdm(total=len(paths), initial=len(paths) - len(todo), desc=desc, unit="file",
                 disable=len(todo) < 200) as bar, \
            ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for path, error in zip(todo, pool.map(lambda p: _check_one(p, checker), todo)):
            results[path] = error
            cache.append(out, path, error, keys[path])
            bar.update(1)
    return results
