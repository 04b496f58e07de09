"""The one JSONL reader/writer: line numbers in errors, atomic rewrites, durable appends, the file hash."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from lmms_emotion.hashing import file_sha256
from lmms_emotion.jsonl import (
    JsonlAppender,
    JsonlError,
    atomic_write_text,
    iter_jsonl,
    read_jsonl,
    repair_tail,
    write_json,
    write_jsonl,
)


def test_rows_carry_line_numbers_and_byte_positions(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_bytes('{"a": 1}\n\n   \n{"b": "é"}\n[3]'.encode())
    rows = list(iter_jsonl(path))
    assert [(r.line, r.value) for r in rows] == [(1, {"a": 1}), (4, {"b": "é"}), (5, [3])]
    data = path.read_bytes()
    assert all(json.loads(data[r.offset:r.offset + r.length]) == r.value for r in rows)
    assert read_jsonl(path) == [{"a": 1}, {"b": "é"}, [3]]


def test_a_bad_line_names_file_and_line_unless_skipped(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"a": 1}\n{"a": \n\xff\xfe\n{"c": 3}\n')
    with pytest.raises(JsonlError) as info:
        read_jsonl(path)
    assert info.value.line == 2 and info.value.path == path and isinstance(info.value, ValueError)
    assert str(info.value).startswith(f"{path}:2: not valid JSON (")
    assert read_jsonl(path, invalid="skip") == [{"a": 1}, {"c": 3}]
    path.write_bytes(b'{"a": 1}\n\xff\xfe\n')
    with pytest.raises(JsonlError, match=r":2: not valid JSON"):
        read_jsonl(path)


def test_a_callable_decides_about_each_bad_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"a": 1}\n{"a": \n\xff\xfe\n{"c": 3}\n')
    seen: list[JsonlError] = []
    assert read_jsonl(path, invalid=seen.append) == [{"a": 1}, {"c": 3}]
    assert [(e.path, e.line) for e in seen] == [(path, 2), (path, 3)]
    assert "at column" in seen[0].reason and seen[1].reason.startswith("not UTF-8")


def test_missing_file_is_an_error_or_empty(tmp_path):
    with pytest.raises(FileNotFoundError, match="absent.jsonl does not exist"):
        read_jsonl(tmp_path / "absent.jsonl")
    assert read_jsonl(tmp_path / "absent.jsonl", missing_ok=True) == []


def test_writes_are_atomic_and_stable(tmp_path, monkeypatch):
    path = tmp_path / "deep" / "out.jsonl"
    assert write_jsonl(path, [{"b": 1, "a": "ü"}, [1, 2]]) == 2
    assert path.read_text(encoding="utf-8") == '{"b": 1, "a": "ü"}\n[1, 2]\n'
    write_jsonl(path, [{"b": 1, "a": 2}], sort_keys=True)
    assert path.read_text() == '{"a": 2, "b": 1}\n'
    assert oct(path.stat().st_mode & 0o777) == oct(0o666 & ~_umask())

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_jsonl(path, [{"new": True}])
    monkeypatch.undo()
    assert path.read_text() == '{"a": 2, "b": 1}\n'  # the old file is untouched
    assert sorted(p.name for p in path.parent.iterdir()) == ["out.jsonl"]  # no temporary left behind
    write_json(tmp_path / "doc.json", {"z": 1, "a": [1]})
    assert (tmp_path / "doc.json").read_text() == '{\n  "a": [\n    1\n  ],\n  "z": 1\n}\n'
    atomic_write_text(tmp_path / "t.md", "# hi\n")
    assert (tmp_path / "t.md").read_text() == "# hi\n"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_repair_tail_cuts_only_a_torn_last_line(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"key": "a"')
    assert repair_tail(path) == len(b'{"key": "a"')
    assert path.read_bytes() == b""
    path.write_bytes(b'{"k": 1}\n{"k": 2')
    assert repair_tail(path) == len(b'{"k": 2') and path.read_bytes() == b'{"k": 1}\n'
    assert repair_tail(path) == 0
    assert repair_tail(tmp_path / "absent.jsonl") == 0


@pytest.mark.parametrize("fsync", [True, False])
def test_appender_repairs_then_returns_offsets_usable_for_reads(tmp_path, fsync):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"old": 1}\n{"torn"')
    with JsonlAppender(path, fsync=fsync) as appender:
        assert appender.torn_bytes == len(b'{"torn"')
        first = appender.append({"a": 1})
        second = appender.append({"b": "two"})
    data = path.read_bytes()
    assert json.loads(data[first[0]:first[0] + first[1]]) == {"a": 1}
    assert json.loads(data[second[0]:second[0] + second[1]]) == {"b": "two"}
    assert read_jsonl(path) == [{"old": 1}, {"a": 1}, {"b": "two"}]


def test_file_sha256_matches_hashlib(tmp_path):
    path = tmp_path / "blob.bin"
    data = os.urandom(3 * 1024 + 17)
    path.write_bytes(data)
    assert file_sha256(path, chunk=1000) == hashlib.sha256(data).hexdigest()
