"""Fixtures for generation tests: fake OpenAI-compatible servers, captions, a tiny BLIP-2.

The servers are real HTTP servers on 127.0.0.1 (``lmms_emotion.testing.fake_openai``),
in a thread (``fake_openai``) or in a subprocess (``fake_openai_process``, for tests that
kill the client and need the server to outlive it).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest


def write_captions_for(records_path: Path, out: Path) -> Path:
    """A captions JSONL giving every image of ``records_path`` a distinct caption."""
    from lmms_emotion.jsonl import read_jsonl, write_jsonl

    images = [record["media"][0]["path"] for record in read_jsonl(records_path)]
    write_jsonl(out, ({"image": image, "caption": f"a photograph ({Path(image).stem})"} for image in images))
    return out


@pytest.fixture
def fake_openai() -> Callable[..., object]:
    """``start(**FakeOpenAIServer kwargs) -> server`` serving in a thread; stopped at teardown."""
    from lmms_emotion.testing.fake_openai import FakeOpenAIServer

    servers = []

    def start(**kwargs):
        server = FakeOpenAIServer(**kwargs).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@dataclass
class ServerProcess:
    """A fake server in a subprocess: its base URL and a way to read its counters."""

    process: subprocess.Popen
    base_url: str

    def stats(self) -> dict:
        url = self.base_url.removesuffix("/v1") + "/_fake/stats"
        with urllib.request.urlopen(url, timeout=10) as response:  # loopback only
            return json.loads(response.read())


@pytest.fixture
def fake_openai_process(tmp_path: Path) -> Callable[..., ServerProcess]:
    """``start(*cli_args) -> ServerProcess`` (``python -m lmms_emotion.testing.fake_openai``); killed at teardown."""
    started: list[subprocess.Popen] = []

    def start(*args: str) -> ServerProcess:
        port_file = tmp_path / f"fake_port_{len(started)}"
        proc = subprocess.Popen([sys.executable, "-m", "lmms_emotion.testing.fake_openai", "--port", "0",
                                 "--port-file", str(port_file), *args],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started.append(proc)
        deadline = time.time() + 30
        while not port_file.exists():
            if proc.poll() is not None:
                raise RuntimeError(f"fake server exited: {proc.stderr.read().decode()}")
            if time.time() > deadline:
                raise RuntimeError("fake server did not start within 30 s")
            time.sleep(0.05)
        return ServerProcess(proc, f"http://127.0.0.1:{port_file.read_text().strip()}/v1")

    yield start
    for proc in started:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def emoset_train_records(emoset_root: Path) -> Path:
    """The train split of the generated EmoSet (16 records, 2 per class)."""
    return emoset_root / "emoset" / "train.jsonl"


@pytest.fixture(scope="session")
def emoset_captions(emoset_root: Path, session_tmp: Path) -> Path:
    """A captions JSONL for every image of the generated EmoSet's train split."""
    return write_captions_for(emoset_root / "emoset" / "train.jsonl", session_tmp / "captions" / "emoset_train.jsonl")


@pytest.fixture(scope="session")
def tiny_blip2_dir(tiny_models_root: Path) -> Path:
    """A saved tiny BLIP-2 captioner (model + processor), seed 0."""
    from lmms_emotion.testing.tiny_captioner import build_tiny_blip2

    return build_tiny_blip2(tiny_models_root / "blip2", seed=0)
