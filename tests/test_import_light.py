"""Importing the core package and the model manifests never imports torch, transformers or lmms-eval."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("torch", "transformers", "lmms_eval", "datasets", "numpy", "PIL")


@pytest.mark.parametrize(
    "modules",
    [
        ["lmms_emotion"],
        ["lmms_emotion.models"],
        ["lmms_emotion.scoring.labels", "lmms_emotion.scoring.answers", "lmms_emotion.scoring.metrics", "lmms_emotion.records",
         "lmms_emotion.scoring.prompts", "lmms_emotion.paths", "lmms_emotion.discovery", "lmms_emotion.cli",
         "lmms_emotion.task_configs", "lmms_emotion.training", "lmms_emotion.testing", "lmms_emotion.media",
         "lmms_emotion.scoring.lexicon", "lmms_emotion.scoring.hooks", "lmms_emotion.scoring.judge", "lmms_emotion.training_export", "lmms_emotion.task_utils",
         "lmms_emotion.sources", "lmms_emotion.instruct"],
    ],
)
def test_import_is_light(modules):
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        + "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"importing {modules} pulled in: {out}"


def test_cli_help_is_light():
    code = (
        "import sys\nfrom lmms_emotion.cli import build_parser\nbuild_parser().format_help()\n"
        "print(','.join(m for m in ('torch', 'transformers', 'lmms_eval') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
