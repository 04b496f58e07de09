"""The report and upstream modules (and their CLI commands) import no heavy library until they run."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("torch", "transformers", "lmms_eval", "datasets", "numpy", "PIL", "matplotlib", "huggingface_hub")
MODULES = [
    "lmms_emotion.report.runs", "lmms_emotion.report.stats", "lmms_emotion.report.build",
    "lmms_emotion.report.document", "lmms_emotion.report.markdown", "lmms_emotion.report.html_page",
    "lmms_emotion.report.plots", "lmms_emotion.report.reference", "lmms_emotion.report.write",
    "lmms_emotion.upstream.task_folder", "lmms_emotion.upstream.hub_data",
    "lmms_emotion.upstream.export", "lmms_emotion.upstream.writeups",
    "lmms_emotion.commands.compare", "lmms_emotion.commands.export_upstream", "lmms_emotion.commands.push_data",
]


def test_modules_import_light():
    code = "import sys\n" + "".join(f"import {m}\n" for m in MODULES) + (
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"importing the report/upstream modules pulled in: {out}"
