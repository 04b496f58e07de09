"""The one JSONL reader/writer: rows with line numbers, atomic rewrites, durable appends.

Every JSON-lines file the project reads or writes goes through here, so each reader
reports a bad line the same way (``path:line: not valid JSON (...)``) and each writer
either replaces the file atomically or appends whole lines.

Reading::

    from lmms_emotion.jsonl import iter_jsonl, read_jsonl

    for row in iter_jsonl(path):          # JsonlRow(line, value, offset, length)
        use(row.line, row.value)          # line: 1-based number, for error messages
    values = read_jsonl(path)             # just the values, as a list

Blank lines are skipped. A line that is not JSON raises :class:`JsonlError` (a
``ValueError`` carrying ``path``, ``line`` and ``reason``, so callers with their own error
type, such as ``RecordError``, can re-raise with the same location). Pass
``invalid="skip"`` for files where a damaged line costs only itself (a cache), a
callable to hand each :class:`JsonlError` to your own policy instead (count, log, raise
your own error), and ``missing_ok=True`` to read an absent file as empty. ``offset``/``length`` are byte
positions of the line, for callers that index a file and ``pread`` entries back.

Writing a whole file (readers never see half of it; the old file stays until the new
one is complete)::

    write_jsonl(path, rows)                       # one json.dumps(row) per line
    write_jsonl(path, rows, sort_keys=True)       # stable key order
    atomic_write_text(path, text)                 # any text file (YAML, Markdown, CSV)
    write_json(path, obj)                         # one JSON document, sorted keys

Appending (caches and logs that must survive ``kill -9``)::

    with JsonlAppender(path) as out:     # cuts a torn last line off on open
        offset, length = out.append(row)  # one os.write + fsync per line

Why this is hand-written: the stdlib has no atomic-replace helper beyond ``os.replace``
(which this builds on), and the ``jsonlines`` package reads with line numbers but gives
no byte offsets (the request cache's index) and writes neither atomically nor durably.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Literal, NamedTuple

__all__ = ["JsonlAppender", "JsonlError", "JsonlRow", "atomic_write_text", "iter_jsonl", "read_jsonl",
           "repair_tail", "write_json", "write_jsonl"]


class JsonlError(ValueError):
    """A line that is not valid JSON; ``str()`` reads ``path:line: not valid JSON (reason)``."""

    def __init__(self, path: str | os.PathLike, line: int, reason: str) -> None:
        self.path = Path(path)
        self.line = line
        self.reason = reason
        super().__init__(f"{self.path}:{line}: not valid JSON ({reason}); fix or delete that line")


class JsonlRow(NamedTuple):
    """One decoded line: its 1-based number, its value, and its byte offset and length in the file."""

    line: int
    value: Any
    offset: int
    length: int


OnInvalid = Literal["raise", "skip"] | Callable[[JsonlError], None]
"""What a reader does with a damaged line: raise, skip it, or call this with its :class:`JsonlError`."""


def iter_jsonl(path: str | os.PathLike, *, invalid: OnInvalid = "raise",
               missing_ok: bool = False) -> Iterator[JsonlRow]:
    """Yield a :class:`JsonlRow` per non-blank line of ``path`` (see the module docstring)."""
    path = Path(path)
    if not path.is_file():
        if missing_ok:
            return
        raise FileNotFoundError(f"{path} does not exist")
    offset = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            start, offset = offset, offset + len(raw)
            if not raw.strip():
                continue
            try:
                value = json.loads(raw)
            except json.JSONDecodeError as err:
                reason = f"{err.msg} at column {err.colno}"
            except UnicodeDecodeError as err:
                reason = f"not UTF-8 at byte {err.start}"
            else:
                yield JsonlRow(number, value, start, len(raw))
                continue
            if invalid == "raise":
                raise JsonlError(path, number, reason)
            if callable(invalid):
                invalid(JsonlError(path, number, reason))


def read_jsonl(path: str | os.PathLike, *, invalid: OnInvalid = "raise",
               missing_ok: bool = False) -> list[Any]:
    """Every value of ``path``, in file order (:func:`iter_jsonl` without the positions)."""
    return [row.value for row in iter_jsonl(path, invalid=invalid, missing_ok=missing_ok)]


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, fsync and ``os.replace`` (never half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_current_umask())  # mkstemp makes 0600; give the file the usual mode
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_jsonl(path: str | os.PathLike, rows: Iterable[Any], *, sort_keys: bool = False) -> int:
    """Atomically replace ``path`` with one JSON line per row (UTF-8, not ASCII-escaped); returns the count."""
    lines = [json.dumps(row, ensure_ascii=False, sort_keys=sort_keys) for row in rows]
    atomic_write_text(path, "".join(line + "\n" for line in lines))
    return len(lines)


def write_json(path: str | os.PathLike, obj: Any) -> None:
    """Atomically write one JSON document (indented, sorted keys: identical content gives identical bytes)."""
    atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def repair_tail(path: str | os.PathLike) -> int:
    """Cut a torn last line (one without its newline) off ``path``; returns the bytes removed."""
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
        position, keep, block = size, 0, 65536  # walk back to the last newline, a block at a time
        while position > 0:
            start = max(0, position - block)
            handle.seek(start)
            index = handle.read(position - start).rfind(b"\n")
            if index >= 0:
                keep = start + index + 1
                break
            position = start
        handle.truncate(keep)
        handle.flush()
        os.fsync(handle.fileno())
    return size - keep


class JsonlAppender:
    """Append JSON values as lines that survive ``kill -9``: one ``os.write`` (+ ``fsync``) per line.

    Opening cuts a torn last line off (:func:`repair_tail`, bytes in ``torn_bytes``), so a
    line interrupted by a kill never glues itself to the next one. Thread-safe.
    """

    def __init__(self, path: str | os.PathLike, *, fsync: bool = True) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.torn_bytes = repair_tail(self.path)
        self._fsync = fsync
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._lock = threading.Lock()

    def append(self, value: Any) -> tuple[int, int]:
        """Write ``value`` as one compact line; returns ``(offset, length)`` of that line in the file."""
        line = (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
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

    def __enter__(self) -> JsonlAppender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
