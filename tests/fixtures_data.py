"""Fixtures for generated raw datasets, built data roots, and running the CLIs in subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def emoset_raw(session_tmp: Path) -> tuple[Path, dict]:
    """A generated EmoSet-118K folder (official 4-element split rows) and its expected counts."""
    from lmms_emotion.testing.raw_emoset import write_emoset

    raw = session_tmp / "raw" / "EmoSet-118K"
    expected = write_emoset(raw, per_class={"train": 2, "val": 1, "test": 2})
    return raw, expected


@pytest.fixture(scope="session")
def emoset_root(session_tmp: Path, emoset_raw) -> Path:
    """A data root with the generated EmoSet built into it."""
    from lmms_emotion.cli import main

    root = session_tmp / "data_emoset"
    assert main(["build-data", "emoset", "--raw", str(emoset_raw[0]), "--data-root", str(root)]) == 0
    return root


def cli_env(data_root: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment for a CLI subprocess: offline, isolated caches, a given data root."""
    env = dict(os.environ)
    if data_root is not None:
        env["LMMS_EMOTION_DATA"] = str(data_root)
    env.update(extra)
    return env


def run_cli(args: list[str], *, data_root: Path | None = None, timeout: int = 600, **env: str) -> subprocess.CompletedProcess:
    """Run a console script from this environment (``lmms-emotion`` or ``lmms-eval``) and capture its output."""
    command = [str(BIN / args[0]), *args[1:]]
    return subprocess.run(command, env=cli_env(data_root, **env), capture_output=True, text=True, timeout=timeout)


def read_results(output_path: Path) -> dict:
    """The single ``*_results.json`` lmms-eval wrote below ``output_path``."""
    files = sorted(output_path.rglob("*_results.json"))
    assert len(files) == 1, f"expected one results file under {output_path}, found {files}"
    return json.loads(files[0].read_text())


def read_samples(output_path: Path, task: str) -> list[dict]:
    """The logged samples of one task below ``output_path``."""
    files = sorted(output_path.rglob(f"*_samples_{task}.jsonl"))
    assert len(files) == 1, f"expected one samples file for {task} under {output_path}, found {files}"
    return [json.loads(line) for line in files[0].read_text().splitlines() if line.strip()]
