"""The wheel carries every task file and both entry points (what a non-editable install gets)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_contents(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(REPO)],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    (wheel,) = tmp_path.glob("lmms_emotion-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for source in (REPO / "task_configs").rglob("*"):
        if source.is_file() and "__pycache__" not in source.parts:
            assert f"lmms_emotion/task_configs/{source.relative_to(REPO / 'task_configs').as_posix()}" in names, source
    for expected in ("lmms_emotion/models/__init__.py", "lmms_emotion/models/oracle.py",
                     "lmms_emotion/training/__init__.py", "lmms_emotion/scoring/answers.py"):
        assert expected in names
    assert not any(name.startswith(("models/", "training/", "task_configs/", "tests/")) for name in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[lmms_eval.models]" in text and "lmms_emotion = lmms_emotion.models:manifests" in text
    assert "[lmms_eval.tasks]" in text and "lmms_emotion = lmms_emotion.task_configs:task_dir" in text
    assert "lmms-emotion = lmms_emotion.cli:main" in text
