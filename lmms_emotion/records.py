"""The one record schema every evaluation and training example uses, and its JSONL I/O.

A record is one JSON object per line::

    {"id": "emoset/test/amusement_00012", "task": "emotion_closed", "source": "emoset",
     "split": "test", "media": [{"type": "image", "path": "image/amusement/amusement_00012.jpg"}],
     "text": "", "label_set": "mikels8", "answer": "amusement", "meta": {"brightness": 0.4}}

Validation errors name the file, the line and the field at fault, and say how to fix it.
Writes are atomic (temporary file, then rename), so a killed build never leaves half a file.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterable, Iterator

from lmms_emotion.jsonl import atomic_write_text
from lmms_emotion.scoring.labels import get_label_set

TASK_KINDS = ("emotion_closed", "emotion_open", "intent", "hate", "humor", "sarcasm")
MEDIA_TYPES = ("image", "video")
REQUIRED_FIELDS = ("id", "task", "source", "split", "media", "text", "label_set", "answer")


class RecordError(ValueError):
    """A record that breaks the schema; the message names file, line and field."""

    def __init__(self, message: str, *, path: str | os.PathLike | None = None, line: int | None = None,
                 field_name: str | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.field_name = field_name
        self.reason = message
        where = []
        if self.path is not None:
            where.append(self.path if line is None else f"{self.path}:{line}")
        if field_name is not None:
            where.append(f"field {field_name!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


@dataclass(frozen=True)
class Media:
    """One image or video, by path relative to the dataset's media root."""

    type: str
    path: str


@dataclass(frozen=True)
class Record:
    """One example, from any source, in the project's schema."""

    id: str
    task: str
    source: str
    split: str
    media: tuple[Media, ...]
    text: str
    label_set: str
    answer: str
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["media"] = [asdict(m) for m in self.media]
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=False)

    @property
    def modality(self) -> str:
        """``video`` when any media item is a video, else ``image`` (``text`` with no media)."""
        if not self.media:
            return "text"
        return "video" if any(m.type == "video" for m in self.media) else "image"


def check_relative_media_path(path: str) -> str:
    """Return a normalised POSIX relative path, or raise if it is absolute or escapes its root."""
    if not isinstance(path, str) or not path.strip():
        raise ValueError("media path must be a non-empty string")
    if "\x00" in path:
        raise ValueError(f"media path {path!r} contains a NUL byte")
    if "\\" in path:
        path = path.replace("\\", "/")
    posix = PurePosixPath(path)
    if posix.is_absolute() or (len(path) > 1 and path[1] == ":"):
        raise ValueError(f"media path {path!r} is absolute; store it relative to the media root")
    if any(part == ".." for part in posix.parts):
        raise ValueError(f"media path {path!r} climbs out of the media root ('..')")
    return str(posix)


def record_from_dict(obj: Any, *, path: str | os.PathLike | None = None, line: int | None = None) -> Record:
    """Validate one decoded JSON object against the schema and build a :class:`Record`."""

    def fail(message: str, field_name: str | None = None) -> RecordError:
        return RecordError(message, path=path, line=line, field_name=field_name)

    if not isinstance(obj, dict):
        raise fail(f"expected a JSON object, got {type(obj).__name__}")
    for name in REQUIRED_FIELDS:
        if name not in obj:
            raise fail("missing; every record needs " + ", ".join(REQUIRED_FIELDS), name)
    for name in ("id", "task", "source", "split", "label_set", "answer"):
        if not isinstance(obj[name], str) or not obj[name].strip():
            raise fail(f"must be a non-empty string, got {obj[name]!r}", name)
    if not isinstance(obj["text"], str):
        raise fail(f"must be a string (may be empty), got {type(obj['text']).__name__}", "text")
    if obj["task"] not in TASK_KINDS:
        raise fail(f"unknown task {obj['task']!r}; expected one of {', '.join(TASK_KINDS)}", "task")
    try:
        label_set = get_label_set(obj["label_set"])
    except KeyError as err:
        raise fail(str(err.args[0]), "label_set") from None
    if obj["answer"] not in label_set:
        raise fail(f"{obj['answer']!r} is not a label of {label_set.name} ({', '.join(label_set.labels)})", "answer")
    media_items = obj["media"]
    if not isinstance(media_items, list):
        raise fail("must be a list of {type, path} objects", "media")
    media: list[Media] = []
    for i, item in enumerate(media_items):
        if not isinstance(item, dict) or set(item) - {"type", "path"} or "type" not in item or "path" not in item:
            raise fail(f"item {i} must be an object with exactly 'type' and 'path'", "media")
        if item["type"] not in MEDIA_TYPES:
            raise fail(f"item {i} has type {item['type']!r}; expected image or video", "media")
        try:
            rel = check_relative_media_path(item["path"])
        except ValueError as err:
            raise fail(f"item {i}: {err}", "media") from None
        media.append(Media(type=item["type"], path=rel))
    meta = obj.get("meta", {})
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise fail(f"must be an object, got {type(meta).__name__}", "meta")
    unknown = set(obj) - set(REQUIRED_FIELDS) - {"meta"}
    if unknown:
        raise fail(f"unknown fields {sorted(unknown)}; put extra information under 'meta'")
    return Record(
        id=obj["id"], task=obj["task"], source=obj["source"], split=obj["split"], media=tuple(media),
        text=obj["text"], label_set=obj["label_set"], answer=obj["answer"], meta=meta,
    )


def iter_numbered_records(path: str | os.PathLike) -> Iterator[tuple[int, Record]]:
    """Yield ``(line number, record)`` from a JSONL file; the first bad line raises :class:`RecordError`.

    A byte-order mark on the first line is accepted; bytes that are not UTF-8, a line that
    is not JSON, a schema violation and a repeated id each raise naming the line.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"records file {path} does not exist")
    seen: dict[str, int] = {}
    with path.open("rb") as handle:
        for line_no, data in enumerate(handle, start=1):
            try:
                raw = data.decode("utf-8-sig" if line_no == 1 else "utf-8")
            except UnicodeDecodeError as err:
                raise RecordError(f"not UTF-8 text (byte {err.start} of the line)", path=path, line=line_no) from None
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as err:
                raise RecordError(f"not valid JSON ({err.msg} at column {err.colno})", path=path, line=line_no) from None
            record = record_from_dict(obj, path=path, line=line_no)
            if record.id in seen:
                raise RecordError(f"duplicate id {record.id!r} (first on line {seen[record.id]})",
                                  path=path, line=line_no, field_name="id")
            seen[record.id] = line_no
            yield line_no, record


def iter_records(path: str | os.PathLike) -> Iterator[Record]:
    """Yield validated records from a JSONL file; the first bad line raises :class:`RecordError`."""
    for _line_no, record in iter_numbered_records(path):
        yield record


def read_records(path: str | os.PathLike) -> list[Record]:
    """Read and validate every record of a JSONL file."""
    return list(iter_records(path))


def write_records(path: str | os.PathLike, records: Iterable[Record]) -> int:
    """Atomically write records as JSONL; returns the number written."""
    lines = [record.to_json() for record in records]
    atomic_write_text(path, "".join(line + "\n" for line in lines))
    return len(lines)
