"""The request cache: finished requests in an append-only JSONL file, replayed on resume.

A long generation run must survive ``kill -9`` without losing finished requests and
without repeating them on resume. Every finished request becomes one JSON line,
written by :class:`lmms_emotion.jsonl.JsonlAppender` (one ``os.write`` on an
``O_APPEND`` descriptor, then ``fsync``), so a kill loses at most the requests still in
flight; a torn last line is cut off when the file is opened again. A line that is not
JSON (a hand edit, a disk fault) is skipped: the only loss is that one cached reply.

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
from pathlib import Path
from typing import Any

from lmms_emotion.jsonl import JsonlAppender, iter_jsonl

__all__ = ["ResponseCache", "cached_keys", "request_key"]


def request_key(model: str, prompt_version: str, messages: Any, params: dict[str, Any] | None = None) -> str:
    """sha256 hex of the canonical JSON of (model, prompt version, messages, parameters)."""
    payload = {"model": model, "prompt_version": prompt_version, "messages": messages,
               "params": {k: v for k, v in sorted((params or {}).items()) if v is not None}}
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def cached_keys(path: str | os.PathLike) -> set[str]:
    """The keys stored in a cache file, read without opening it for writing (for ``--dry-run``)."""
    return {row.value["key"] for row in iter_jsonl(path, invalid="skip", missing_ok=True)
            if isinstance(row.value, dict) and isinstance(row.value.get("key"), str)}


class ResponseCache:
    """Request key -> stored reply, in an append-only JSONL file indexed by offset.

    Only the index (key -> offset, length) lives in memory; entries are read back with
    ``pread`` when needed, so a 100k-entry cache costs a few megabytes of RAM.
    """

    def __init__(self, path: str | os.PathLike, *, fsync: bool = True) -> None:
        self.path = Path(path)
        self._appender = JsonlAppender(self.path, fsync=fsync)
        self._index: dict[str, tuple[int, int]] = {}
        for row in iter_jsonl(self.path, invalid="skip"):
            if isinstance(row.value, dict) and isinstance(row.value.get("key"), str):
                self._index[row.value["key"]] = (row.offset, row.length)
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
        await asyncio.to_thread(self.put, key, entry)

    def close(self) -> None:
        self._appender.close()
        if self._read_fd >= 0:
            os.close(self._read_fd)
            self._read_fd = -1

    def __enter__(self) -> ResponseCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
