"""``benchmarks/gpu_check.sh --smoke``: the GPU check's code path on a CPU (widths / 8, one layer per stack)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.e2e
def test_gpu_check_smoke_runs_every_arm(tmp_path):
    env = {"PYTHON": sys.executable, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "HF_HOME": str(tmp_path / "hf"),
           "TMPDIR": str(tmp_path)}
    done = subprocess.run(["sh", str(ROOT / "benchmarks" / "gpu_check.sh"), "--smoke"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "SMOKE" in out and "device: CPU" in out
    arms = re.findall(r"^  (emovit generation|emovit likelihood \(8 labels\)|emollm generation|emovit training step)"
                      r".*?batch\s+(\d+)\s+([\d.]+) samples/s", out, flags=re.M)
    names = [(name, int(batch)) for name, batch, _ in arms]
    assert ("emovit generation", 1) in names and ("emovit likelihood (8 labels)", 1) in names
    assert ("emovit generation", 2) in names, "batch_size=auto resolves to max_batch_size (2) on a CPU"
    assert ("emollm generation", 2) in names and ("emovit training step", 2) in names
    assert all(float(rate) > 0 for _, _, rate in arms)
    assert re.search(r"^total \d+s", out, flags=re.M)
