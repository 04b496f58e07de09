"""The upstream export scores exactly like the plugin.

1. The copied package reads every row of the parser's own test tables (``tests/parser_tables/``:
   closed-set, open-set, yes/no and whole-hook rows) like the plugin's package.
2. Every task and every group of every plugin task folder, run by lmms-eval on the same data
   (the plugin from the data root, the export from the hub copy ``push-data`` writes, with
   ``lmms_emotion`` unimportable), gives the same results: every metric of every task and group.
"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lmms_emotion.scoring import answers
from lmms_emotion.upstream.export import scoring_package_dir
from tests.fixtures_data import cli_env, run_cli

ORG = "parityorg"
RESPONSES = ("Fear.", "Yes. The emotion is sadness.")
RUNS = {"emovit": ["emovit"], "emovit_paper": ["emovit_paper"], "emobench": ["emobench"],
        "emobench_image": ["emobench_image"], "emobench_video": ["emobench_video"]}
"""One lmms-eval run per top-level group (lmms-eval runs no two groups that share tasks at once);
the emobench run holds the six sub-task groups nested in it."""
EMOVIT_ONLY_SOURCES = ("webemo", "artphoto", "abstract", "unbiasedemo")


def _read(package, name: str, row) -> str:
    """One parser-table row read by ``package`` (the plugin's, or the copy), as the row's ``via`` says."""
    if row.via == "closed":
        return package.answers.parse_label(row.reply, name, list(row.options) if row.options else None)
    if row.via == "yes_no":
        return package.answers.parse_yes_no(row.reply, row.concept)
    if row.via == "open":
        return package.lexicon.place(row.reply, name)
    doc = {"id": "t/1", "task": row.task, "source": "t", "split": "test", "modality": row.modality,
           "text": row.caption, "label_set": name, "answer": row.expected, "media_types": [], "meta": "{}"}
    return package.hooks.process_results_emobench(doc, [row.reply])["macro_f1"]["pred"]


def test_the_copied_package_reads_every_parser_table_row_alike(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from lmms_emotion.scoring import hooks, lexicon
    from tests.parser_tables import TABLES

    shutil.copytree(scoring_package_dir(), tmp_path / "emotion_copy", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.syspath_prepend(str(tmp_path))
    copied = SimpleNamespace(**{m: importlib.import_module(f"emotion_copy.{m}") for m in ("answers", "lexicon", "hooks")})
    assert copied.answers.__file__.startswith(str(tmp_path))
    plugin = SimpleNamespace(answers=answers, lexicon=lexicon, hooks=hooks)
    rows = [(name, row) for name, table in TABLES.items() for row in table]
    assert len(rows) > 1000 and {row.via for _, row in rows} >= {"closed", "open", "yes_no", "hook"}
    differences = [(name, row.reply[:60], _read(plugin, name, row), _read(copied, name, row)) for name, row in rows
                   if _read(plugin, name, row) != _read(copied, name, row)]
    assert differences == []


# --- every task and group, plugin vs export --------------------------------------------------

_RUN = r"""
import importlib.abc, json, os, sys

spec = json.loads(sys.argv[1])
if spec["block"]:
    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "lmms_emotion" or name.startswith("lmms_emotion."):
                raise ImportError("lmms_emotion is blocked in this process")
            return None

    sys.meta_path.insert(0, Block())
    sys.path = [p for p in sys.path if not os.path.isfile(os.path.join(p or ".", "lmms_emotion", "__init__.py"))]
    import lmms_eval.tasks
    lmms_eval.tasks.__path__.append(spec["package_root"])

from lmms_eval.evaluator import simple_evaluate
from lmms_eval.tasks import TaskManager

manager = TaskManager(include_path=spec["folders"], include_defaults=False)
out = {}
for response in spec["responses"]:
    for run, tasks in spec["runs"].items():
        results = simple_evaluate(model="dummy", model_args=f"response={response},read_bytes=16", tasks=tasks,
                                  task_manager=manager, bootstrap_iters=0)
        out[f"{run} | {response}"] = {"results": results["results"], "groups": results.get("groups", {}),
                                      "n": {t: v["effective"] for t, v in results["n-samples"].items()}}
out["lmms_emotion_loaded"] = sorted(m for m in sys.modules if m.startswith("lmms_emotion"))
print("RESULT " + json.dumps(out, default=str, sort_keys=True))
"""


@pytest.fixture(scope="module")
def parity_root(emobench_root, tmp_path_factory) -> Path:
    """Every dataset the emovit and emobench tasks read: the EmoBench sources and the EmoVIT-only ones."""
    from lmms_emotion.cli import main
    from lmms_emotion.testing.raw_layouts import write_sample

    base = tmp_path_factory.mktemp("parity")
    root = base / "data"
    root.mkdir()
    for folder in emobench_root.iterdir():
        if folder.is_dir():
            (root / folder.name).symlink_to(folder, target_is_directory=True)
    for name in EMOVIT_ONLY_SOURCES:
        write_sample(name, base / "raw" / name)
        assert main(["build-data", name, "--raw", str(base / "raw" / name), "--data-root", str(root)]) == 0
    return root


def _run(spec: dict, env: dict, cwd: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", _RUN, json.dumps(spec)], env=env, capture_output=True, text=True,
                          timeout=900, cwd=cwd)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stdout[-3000:] + proc.stderr[-6000:]
    return json.loads(lines[0][len("RESULT "):])


@pytest.mark.e2e
def test_every_task_and_group_scores_the_same_in_the_export(parity_root, tmp_path):
    from lmms_emotion.upstream.task_folder import plugin_task_folders

    hub = tmp_path / "hub"
    proc = run_cli(["lmms-emotion", "push-data", "--hf-org", ORG, "--dry-run", "--save-to", str(hub),
                    "--data-root", str(parity_root)])
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    export = tmp_path / "export"
    proc = run_cli(["lmms-emotion", "export-upstream", "--hf-org", ORG, "--out", str(export), "--local-data", str(hub),
                    "--no-format"])
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    folders = plugin_task_folders()
    assert sorted(f.name for f in folders) == ["emobench", "emovit"]
    common = {"responses": list(RESPONSES), "runs": RUNS}
    plugin = _run({**common, "block": False, "folders": [str(f) for f in folders]},
                  cli_env(parity_root), tmp_path)
    env = cli_env(HF_HOME=str(tmp_path / "hf_home"))
    env.pop("LMMS_EMOTION_DATA", None)
    tasks_root = export / "lmms_eval" / "tasks"
    exported = _run({**common, "block": True, "package_root": str(tasks_root),
                     "folders": [str(tasks_root / f.name) for f in folders]}, env, tmp_path)
    assert exported.pop("lmms_emotion_loaded") == []
    plugin.pop("lmms_emotion_loaded")
    assert exported.keys() == plugin.keys()
    checked = 0
    for key, ours in plugin.items():
        theirs = exported[key]
        assert theirs["n"] == ours["n"] and all(n > 0 for n in ours["n"].values()), key
        for section in ("results", "groups"):
            assert theirs[section].keys() == ours[section].keys(), (key, section)
            for name, metrics in ours[section].items():
                assert theirs[section][name] == metrics, (key, section, name)
                checked += 1
    accs = [m["acc,none"] for run in plugin.values() for m in run["results"].values()
            if isinstance(m.get("acc,none"), (int, float))]
    assert any(0 < a < 1 for a in accs) and any(a == 0 for a in accs)  # the scores vary: the comparison is not vacuous
    # every task of both folders and every group, under both responses
    names = {name for run in plugin.values() for name in (*run["results"], *run["groups"])}
    assert {"emovit", "emovit_paper", "emobench", "emobench_image", "emobench_video", "emobench_emotion_open",
            "emovit_webemo2", "emobench_sarcasm_video"} <= names and checked > 80
