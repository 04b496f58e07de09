"""lmms-eval task folders shipped by lmms-emotion (installed as ``lmms_emotion.task_configs``).

``task_dir()`` is the ``lmms_eval.tasks`` entry point: it returns the folder to pass to
``lmms-eval eval --include_path`` (also printed by ``lmms-emotion tasks-path``).
"""

from __future__ import annotations

from pathlib import Path


def task_dir() -> str:
    """Absolute path of the folder holding every lmms-emotion task YAML."""
    return str(Path(__file__).resolve().parent)
