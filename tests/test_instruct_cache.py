"""The request cache: keys, durable appends, torn lines after a kill, reopening."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal


from lmms_emotion.instruct.cache import ResponseCache, cached_keys, request_key
from lmms_emotion.jsonl import JsonlAppender

MESSAGES = [{"role": "user", "content": "describe the mood"}]


def test_request_key_depends_on_every_part():
    base = request_key("m", "v1", MESSAGES, {"temperature": 1.0})
    assert base == request_key("m", "v1", [dict(MESSAGES[0])], {"temperature": 1.0})
    assert len(base) == 64
    assert base != request_key("m2", "v1", MESSAGES, {"temperature": 1.0})
    assert base != request_key("m", "v2", MESSAGES, {"temperature": 1.0})
    assert base != request_key("m", "v1", [{"role": "user", "content": "describe the mood!"}], {"temperature": 1.0})
    assert base != request_key("m", "v1", MESSAGES, {"temperature": 0.5})
    # parameters left unset (None) do not change the key
    assert base == request_key("m", "v1", MESSAGES, {"temperature": 1.0, "seed": None})


def test_cache_round_trip_and_reopen(tmp_path):
    path = tmp_path / "cache.jsonl"
    with ResponseCache(path) as cache:
        assert cache.get("k1") is None
        cache.put("k1", {"content": "first", "finish_reason": "stop"})
        cache.put("k2", {"content": "sécond ✓", "finish_reason": "length"})
        assert cache.get("k1")["content"] == "first"
        assert len(cache) == 2
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and all(json.loads(line)["key"] in ("k1", "k2") for line in lines)
    with ResponseCache(path) as again:
        assert "k2" in again and again.get("k2")["content"] == "sécond ✓"
        assert again.get("k2")["finish_reason"] == "length"
        assert again.torn_bytes == 0
    assert cached_keys(path) == {"k1", "k2"}


def test_torn_last_line_is_cut_before_appending(tmp_path):
    path = tmp_path / "cache.jsonl"
    with ResponseCache(path) as cache:
        cache.put("done", {"content": "kept"})
    with path.open("ab") as handle:  # what a kill in the middle of a write leaves behind
        handle.write(b'{"key": "torn", "content": "half a li')
    with ResponseCache(path) as cache:
        assert cache.torn_bytes == len(b'{"key": "torn", "content": "half a li')
        assert "torn" not in cache and cache.get("done")["content"] == "kept"
        cache.put("next", {"content": "after the kill"})
    reopened = ResponseCache(path)
    assert reopened.get("next")["content"] == "after the kill"
    assert len(reopened) == 2
    reopened.close()
    assert all(json.loads(line) for line in path.read_text().splitlines())


def test_undecodable_middle_line_is_skipped(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"key": "a", "v": 1}\nnot json\n{"key": "b", "v": 2}\n')
    assert cached_keys(path) == {"a", "b"}
    with ResponseCache(path) as cache:
        assert cache.get("b")["v"] == 2 and len(cache) == 2


def _append_forever(path: str, ready) -> None:
    appender = JsonlAppender(path)
    ready.set()
    n = 0
    while True:
        appender.append({"key": f"k{n}", "content": "x" * 3000})
        n += 1


def test_kill_during_appends_loses_nothing_written(tmp_path):
    """SIGKILL a process that appends as fast as it can: every line left is whole, or the tail is repaired."""
    path = tmp_path / "cache.jsonl"
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    proc = ctx.Process(target=_append_forever, args=(str(path), ready))
    proc.start()
    assert ready.wait(30)
    import time

    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    with ResponseCache(path) as cache:
        count = len(cache)
        assert count > 0
        keys = [f"k{i}" for i in range(count)]
        assert all(k in cache for k in keys)  # a gap-free prefix of what was written
        cache.put("after", {"content": "y"})
    assert all(json.loads(line) for line in path.read_text().splitlines())
