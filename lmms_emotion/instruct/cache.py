"""Durable JSONL appends and the request cache built on them.

A long generation run must survive ``kill -9`` without losing finished requests and
without repeating them on resume. Every finished request becomes one JSON line,
written with a single ``os.write`` on an ``O_APPEND`` descriptor and then
``fsync``-ed, so a kill loses at most the requests still in flight. A kill in the
middle of a write can leave a torn last line; opening the file again cuts it off
(:func:`repair_tail`) before anything new is appended.

The cache key (:func:`request_key`) is the sha256 of the canonical JSON of the model,
the prompt version and the request itself (messages and sampling parameters), so a
re-run, a resume or a second command with the same request replays the stored reply.
Replies of any quality are stored (a malformed reply is replayed too, and its repair
request is a different request with its own entry), which keeps a resumed run on
exactly the path the first one took.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["DurableAppender", "ResponseCache", "cached_keys", "iter_jsonl", "repair_tail", "request_key"]


def request_key(model: str, prompt_version: str, messages: Any, params: dict[str, Any] | None = None) -> str:
    """sha256 hex of the canonical JSON of (model, prompt version, messages, parameters)."""
    payload = {"model": model, "prompt_version": prompt_version, "messages": messages,
               "params": {k: v for k, v in sorted((params or {}).items()) if v is not None}}
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def repair_tail(path: str | os.PathLike) -> int:
    """Cut a torn last line (no trailing newline) off ``path``; returns the bytes removed."""
    path = Path(path)
    if not path.is_file():
        return 0
    size = path.stat().st_size
    if size == 0:
        return 0
    with path.open("rb+") as handle:
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return 0
        # Walk back to the last newline (in blocks; a line is a few kilobytes at most).
        position = size
        block = 65536
        keep = 0
        while position > 0:
            start = max(0, position - block)
            handle.seek(start)
            chunk = handle.read(position - start)
            index = chunk.rfind(b"\n")
            if index >= 0:
                keep = start + index + 1
                break
            position = start
        handle.truncate(keep)
        handle.flush()
        os.fsync(handle.fileno())
    return size - keep


def iter_jsonl(path: str | os.PathLike) -> Iterator[tuple[int, int, Any]]:
    """Yield ``(offset, length, object)`` per line; undecodable lines are skipped.

    A torn line can only be the last one (see :func:`repair_tail`); a line that is not
    JSON anywhere else (a hand edit, a disk fault) is skipped rather than stopping a run
    whose only loss is one cached reply.
    """
    path = Path(path)
    if not path.is_file():
        return
    offset = 0
    with path.open("rb") as handle:
        for raw in handle:
            length = len(raw)
            if raw.endswith(b"\n"):
                try:
                    yield offset, length, json.loads(raw)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    pass
            offset += length


def cached_keys(path: str | os.PathLike) -> set[str]:
    """The keys stored in a cache file, read without opening it for writing (for ``--dry-run``)."""
    return {obj["key"] for _, _, obj in iter_jsonl(path) if isinstance(obj, dict) and isinstance(obj.get("key"), str)}


class DurableAppender:
    """Append JSON objects as lines: one ``os.write`` + ``fsync`` per line, torn tail repaired on open."""

    def __init__(self, path: str | os.PathLike, *, fsync: bool = True) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.torn_bytes = repair_tail(self.path)
        self._fsync = fsync
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._lock = threading.Lock()

    def append(self, obj: Any) -> tuple[int, int]:
        """Write ``obj`` as one line; returns ``(offset, length)`` of that line in the file."""
        line = (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        with self._lock:
            offset = os.fstat(self._fd).st_size
            written = os.write(self._fd, line)
            while written < len(line):  # regular files write fully; this is belt and braces
                written += os.write(self._fd, line[written:])
            if self._fsync:
                os.fsync(self._fd)
        return offset, len(line)

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    def __enter__(self) -> DurableAppender:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class ResponseCache:
    """Request key -> stored reply, in an append-only JSONL file indexed by offset.

    Only the index (key -> offset, length) lives in memory; entries are read back with
    ``pread`` when needed, so a 100k-entry cache costs a few megabytes of RAM.
    """

    def __init__(self, path: str | os.PathLike, *, fsync: bool = True) -> None:
        self.path = Path(path)
        self._appender = DurableAppender(self.path, fsync=fsync)
        self._index: dict[str, tuple[int, int]] = {}
        for offset, length, obj in iter_jsonl(self.path):
            if isinstance(obj, dict) and isinstance(obj.get("key"), str):
                self._index[obj["key"]] = (offset, length)
        self._read_fd = os.open(self.path, os.O_RDONLY)

    @property
    def torn_bytes(self) -> int:
        """Bytes of a torn last line cut off when the cache was opened (0 after a clean exit)."""
        return self._appender.torn_bytes

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, key: str) -> bool:
        return key in self._index

    def get(self, key: str) -> dict | None:
        """The stored entry for ``key`` (a dict with at least ``key``), or None."""
        where = self._index.get(key)
        if where is None:
            return None
        offset, length = where
        return json.loads(os.pread(self._read_fd, length, offset))

    def put(self, key: str, entry: dict) -> None:
        """Store ``entry`` under ``key`` durably (one line, fsync-ed) and index it."""
        record = {"key": key, **{k: v for k, v in entry.items() if k != "key"}}
        self._index[key] = self._appender.append(record)

    async def aput(self, key: str, entry: dict) -> None:
        """:meth:`put` in a worker thread, so the fsync does not stall the event loop."""
        record = {"key": key, **{k: v for k, v in entry.items() if k != "key"}}
        where = await asyncio.to_thread(self._appender.append, record)
        self._index[key] = where

    def close(self) -> None:
        self._appender.close()
        if self._read_fd >= 0:
            os.close(self._read_fd)
            self._read_fd = -1

    def __enter__(self) -> ResponseCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
