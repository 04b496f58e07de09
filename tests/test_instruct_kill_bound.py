"""The documented bound on repeated requests after a kill (issue 16 item 8): at most ``--concurrency``.

Every reply is appended to the request cache the moment it arrives, so a SIGKILL loses
only the requests that were in flight, and the resumed run sends exactly those again.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from lmms_emotion.records import read_records
from tests.fixtures_data import BIN, cli_env
from tests.fixtures_openai import write_captions_for

CONCURRENCY = 4


@pytest.mark.e2e
def test_a_kill_repeats_at_most_concurrency_requests(tmp_path, fake_openai_process):
    from lmms_emotion.cli import main as cli
    from lmms_emotion.testing.raw_emoset import write_emoset

    raw = tmp_path / "raw"
    write_emoset(raw, per_class={"train": 5}, image_size=(16, 16))  # 40 records
    root = tmp_path / "data"
    assert cli(["build-data", "emoset", "--raw", str(raw), "--data-root", str(root), "--verify", "exists"]) == 0
    records = root / "emoset" / "train.jsonl"
    total = len(read_records(records))
    captions = write_captions_for(records, tmp_path / "captions.jsonl")
    server = fake_openai_process("--latency", "0.3")  # slow replies: the kill finds requests in flight
    out = tmp_path / "out"
    cache = out / "requests.cache.jsonl"
    args = [str(BIN / "lmms-emotion"), "generate", "rationales", "--records", str(records), "--captions",
            str(captions), "--out-dir", str(out), "--base-url", server.base_url, "--model", "fake-model",
            "--concurrency", str(CONCURRENCY), "--no-progress"]
    env = cli_env(OPENAI_API_KEY="sk-test-kill-bound-000000")
    proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while not cache.exists() or cache.read_bytes().count(b"\n") < total // 3:
        assert proc.poll() is None, proc.communicate()
        assert time.time() < deadline, "no progress"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert len(read_records(out / "rationales.jsonl")) == total
    repeated = server.stats()["requests"] - total
    print(f"{total} items, --concurrency {CONCURRENCY}: {repeated} request(s) sent again after the kill")
    assert 0 <= repeated <= CONCURRENCY
