"""lmms-eval's own registries see our models (entry point) and our task folder (entry point + include_path)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.fixtures_data import run_cli


def test_lmms_eval_model_registry_loads_our_entry_point_without_warnings():
    code = (
        "import warnings\nwarnings.simplefilter('error')\n"
        "import lmms_eval.models as m\n"
        "from lmms_emotion.models import MODEL_CLASSES\n"
        "names = m.list_available_models()\n"
        "missing = [k for k in MODEL_CLASSES if k not in names]\n"
        "assert not missing, missing\n"
        "for k in MODEL_CLASSES:\n"
        "    cls = m.get_model(k)\n"
        "    print(k, cls.__module__, cls.__name__)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    output = proc.stdout + proc.stderr
    assert "WARNING" not in output and "Failed to load model entry-point" not in output, output
    assert "emotion_oracle lmms_emotion.models.oracle EmotionOracle" in proc.stdout


def test_manifests_list_only_importable_models():
    from lmms_emotion.models import manifests

    for manifest in manifests():
        for path in (manifest.simple_class_path, manifest.chat_class_path):
            if path:
                module, cls = path.rsplit(".", 1)
                assert hasattr(__import__(module, fromlist=[cls]), cls), path


def test_task_entry_point_and_tasks_path():
    from lmms_emotion.discovery import index_task_dirs, plugin_task_dirs
    from lmms_emotion.task_configs import task_dir

    assert task_dir() in plugin_task_dirs()
    assert "emovit_emoset" in index_task_dirs([task_dir()])
    proc = run_cli(["lmms-emotion", "tasks-path"])
    assert proc.returncode == 0 and Path(proc.stdout.strip()) == Path(task_dir())
    assert (Path(proc.stdout.strip()) / "emovit" / "emovit_emoset.yaml").is_file()
    listing = run_cli(["lmms-emotion", "tasks"])
    assert "emovit_emoset" in listing.stdout


def test_lmms_eval_task_manager_indexes_our_folder():
    from lmms_eval.tasks import TaskManager

    from lmms_emotion.task_configs import task_dir

    manager = TaskManager("WARNING", include_path=[task_dir()], include_defaults=False)
    assert "emovit_emoset" in manager.all_tasks
    assert all(name.startswith(("emovit", "emobench")) for name in manager.all_tasks)
