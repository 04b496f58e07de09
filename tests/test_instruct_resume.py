"""Kill-and-resume: a 300-item run with 10% injected faults, SIGKILLed twice, resumes without waste.

The generator runs as a real ``lmms-emotion generate instructions`` subprocess against a
fake server in another subprocess (so the server's request log survives the kills).
Each kill lands at a seeded random point of progress (a number of finished requests
read from the cache file). The run is then resumed to the end. Checks: exactly 300
valid outputs, no duplicate ids, and at most 1.2 server requests per item in total.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from lmms_emotion.records import read_records
from tests.fixtures_data import BIN, cli_env
from tests.fixtures_openai import write_captions_for

ITEMS = 300
RECORDS = ITEMS // 2  # conversation + reasoning per record


def _cache_lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "lmms-emotion"), "generate", "instructions", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.e2e
def test_kill_twice_and_resume(tmp_path, fake_openai_process):
    from lmms_emotion.cli import main as cli
    from lmms_emotion.testing.raw_emoset import write_emoset

    raw = tmp_path / "raw"
    write_emoset(raw, per_class={"train": 19}, image_size=(16, 16))  # 152 records
    root = tmp_path / "data"
    assert cli(["build-data", "emoset", "--raw", str(raw), "--data-root", str(root), "--verify", "exists"]) == 0
    records = root / "emoset" / "train.jsonl"
    captions = write_captions_for(records, tmp_path / "captions.jsonl")

    server = fake_openai_process("--latency", "0.05", "--fault-every", "10", "--hang-seconds", "2")
    out = tmp_path / "out"
    cache = out / "requests.cache.jsonl"
    args = ["--records", str(records), "--captions", str(captions), "--out-dir", str(out), "--limit", str(RECORDS),
            "--kinds", "conversation,reasoning", "--base-url", server.base_url, "--model", "fake-model",
            "--concurrency", "4", "--timeout", "0.5", "--backoff-base", "0.05", "--backoff-max", "0.5",
            "--no-progress"]
    env = cli_env(OPENAI_API_KEY="sk-test-resume-000000")
    rng = random.Random(8)
    kill_points = [rng.randint(40, 120), rng.randint(160, 250)]
    seen_at_kill = []
    for point in kill_points:
        proc = _start(args, env)
        deadline = time.time() + 120
        while _cache_lines(cache) < point:
            assert proc.poll() is None, f"the run ended before the kill point: {proc.communicate()}"
            assert time.time() < deadline, "no progress towards the kill point"
            time.sleep(0.01)
        time.sleep(rng.uniform(0, 0.05))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.communicate()
        assert proc.returncode == -signal.SIGKILL
        seen_at_kill.append(_cache_lines(cache))
        assert not (out / "instructions.jsonl").exists()  # killed before any output was written

    final = _start(args, env)
    _, stderr = final.communicate(timeout=300)
    assert final.returncode == 0, stderr

    outputs = read_records(out / "instructions.jsonl")  # schema-valid, ids unique (checked on read)
    assert len(outputs) == ITEMS
    ids = [r.id for r in outputs]
    assert len(set(ids)) == ITEMS
    kinds = [r.meta["instruction"]["kind"] for r in outputs]
    assert kinds.count("conversation") == kinds.count("reasoning") == RECORDS
    assert all(len(r.meta["instruction"]["turns"]) == (3 if r.meta["instruction"]["kind"] == "conversation" else 1)
               for r in outputs)
    llava = json.loads((out / "llava.json").read_text())
    assert sorted(e["id"] for e in llava) == sorted(ids)

    stats = server.stats()
    ratio = stats["requests"] / ITEMS
    print(f"kill points (cache lines) {seen_at_kill}; server requests {stats['requests']} for {ITEMS} items "
          f"= {ratio:.3f} per item; faults injected {stats['faults']}")
    assert sum(stats["faults"].values()) == stats["requests"] // 10  # 10% of all requests faulted
    assert ratio <= 1.2
    summary = json.loads((out / "summary.json").read_text())
    assert summary["finished"] and summary["status_counts"]["ok"] == ITEMS
    assert summary["usage"]["replies_from_cache"] >= seen_at_kill[-1] - 20  # the resume replayed earlier work
