"""push-data and export-upstream end to end, offline: the hub dataset is written locally, the
exported task folders follow the upstream rules, the scoring package is copied verbatim, and
lmms-eval runs the export in a process where ``lmms_emotion`` cannot be imported.

Two task folders are exported: our real ``emovit`` folder (its ``emovit_emoset`` task has
generated data) and a scratch folder ``zzclips`` with one video task, built here.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest
import yaml

from lmms_emotion.records import Media, Record, write_records
from lmms_emotion.task_configs import task_dir
from lmms_emotion.upstream.task_folder import FunctionRef, load_yaml, read_task_folder
from tests.fixtures_data import cli_env, run_cli

ORG = "someorg"
CLIP_GOLDS = ["fear", "awe", "fear", "sadness"]

_TEMPLATE = """
dataset_path: json
test_split: test
output_type: generate_until
process_docs: !function utils.load_docs
doc_to_visual: !function utils.doc_to_visual
doc_to_text: !function utils.doc_to_text
doc_to_messages: !function utils.doc_to_messages
doc_to_target: !function utils.doc_to_target
process_results: !function utils.process_results
generation_kwargs: {max_new_tokens: 16, do_sample: false}
metric_list:
  - {metric: acc, aggregation: mean, higher_is_better: true}
  - {metric: macro_f1, aggregation: !function utils.aggregate_macro_f1, higher_is_better: true}
  - {metric: unparsed_rate, aggregation: mean, higher_is_better: false}
lmms_eval_specific_kwargs: {default: {prompt_style: plain}}
metadata: {version: 0.1}
"""
_UTILS = '''
"""Hooks of the scratch video task: the shared ones."""
from lmms_emotion.scoring.hooks import (  # noqa: F401
    aggregate_macro_f1, doc_to_messages, doc_to_target, doc_to_text, doc_to_visual, process_results,
)
from lmms_emotion.task_utils import load_docs  # noqa: F401
'''


@pytest.fixture(scope="module")
def data_root(emoset_root, tmp_path_factory) -> Path:
    """The generated EmoSet plus a built video dataset ``zzclips`` (4 clips)."""
    from lmms_emotion.testing.media_files import write_video

    root = tmp_path_factory.mktemp("upstream_data")
    (root / "emoset").symlink_to(emoset_root / "emoset")
    records = []
    for i, gold in enumerate(CLIP_GOLDS):
        write_video(root / "zzclips" / "media" / "clips" / f"clip{i}.mp4", seed=i, num_frames=4)
        records.append(Record(id=f"zzclips/test/clip{i}", task="emotion_closed", source="zzclips", split="test",
                              media=(Media("video", f"clips/clip{i}.mp4"),), text="what a day" if i % 2 else "",
                              label_set="mikels8", answer=gold, meta={"clip": i}))
    write_records(root / "zzclips" / "test.jsonl", records)
    return root


@pytest.fixture(scope="module")
def clips_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("plugin_tasks") / "zzclips"
    (folder / "_index").mkdir(parents=True)
    (folder / "_default_template_yaml").write_text(_TEMPLATE.lstrip())
    (folder / "utils.py").write_text(_UTILS.lstrip())
    (folder / "zzclips_video.yaml").write_text(textwrap.dedent("""
        task: zzclips_video
        task_alias: generated clips (Mikels-8)
        include: _default_template_yaml
        dataset_kwargs:
          data_files:
            test: _index/zzclips_video.jsonl
        """).lstrip())
    (folder / "_index" / "zzclips_video.jsonl").write_text(json.dumps({"dataset": "zzclips", "split": "test"}) + "\n")
    return folder


@pytest.fixture(scope="module")
def folders(clips_folder) -> list[Path]:
    return [Path(task_dir()) / "emovit", clips_folder]


@pytest.fixture(scope="module")
def hub_copy(data_root, folders, tmp_path_factory) -> Path:
    """``push-data --dry-run --save-to``: the hub repositories written locally."""
    out = tmp_path_factory.mktemp("hub")
    args = ["lmms-emotion", "push-data", "--hf-org", ORG, "--dry-run", "--save-to", str(out),
            "--data-root", str(data_root), "--tasks", "emovit_emoset,zzclips_video"]
    for folder in folders:
        args += ["--folder", str(folder)]
    proc = run_cli(args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "lmms-emotion-emovit/emovit_emoset: test 16 rows (image)" in proc.stdout
    assert "lmms-emotion-zzclips/zzclips_video: test 4 rows (video)" in proc.stdout
    return out


@pytest.fixture(scope="module")
def local_export(hub_copy, folders, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export_local")
    args = ["lmms-emotion", "export-upstream", "--hf-org", ORG, "--out", str(out), "--local-data", str(hub_copy)]
    for folder in folders:
        args += ["--folder", str(folder)]
    proc = run_cli(args)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.fixture(scope="module")
def hub_export(data_root, folders, tmp_path_factory):
    from lmms_emotion.upstream.export import ExportOptions, export_upstream

    out = tmp_path_factory.mktemp("export_hub")
    exported = export_upstream(ExportOptions(hf_org=ORG, out=out, folders=folders, data_root=data_root))
    return out / "lmms_eval" / "tasks", {folder.name: folder for folder in exported}


# --- the hub dataset -----------------------------------------------------------------------


def test_hub_rows_match_the_plugin_docs(hub_copy, data_root, folders):
    from lmms_emotion.upstream.hub_data import load_hub_folder, local_task_docs

    hub = load_hub_folder(hub_copy / "lmms-emotion-emovit", "emovit_emoset")["test"]
    assert type(hub.features["image"]).__name__ == "Image" and hub.features["video"].dtype == "string"
    local = local_task_docs(read_task_folder(folders[0]).task("emovit_emoset"), data_root).splits["test"]
    assert [row["id"] for row in hub] == [doc["id"] for doc, _ in local]  # the plugin's order, kept
    first, (doc, _) = hub[0], local[0]
    assert {k: first[k] for k in ("answer", "label_set", "modality", "text", "meta", "media_types")} == \
        {k: doc[k] for k in ("answer", "label_set", "modality", "text", "meta", "media_types")}
    raw = hub.with_format("arrow")[0:1]["image"][0].as_py()
    assert raw["bytes"] == Path(doc["media_paths"][0]).read_bytes()  # original bytes, not re-encoded
    clips = load_hub_folder(hub_copy / "lmms-emotion-zzclips", "zzclips_video")["test"]
    assert all(row["image"] is None for row in clips)
    for row in clips:
        assert (hub_copy / "lmms-emotion-zzclips" / row["video"]).is_file()
        assert row["video"].startswith("videos/zzclips/clips/")
    card = (hub_copy / "lmms-emotion-zzclips" / "README.md").read_text()
    header = yaml.safe_load(card.split("---")[1])
    assert header["configs"] == [{"config_name": "zzclips_video",
                                  "data_files": [{"split": "test", "path": "zzclips_video/test-*.parquet"}]}]


def test_rewriting_resumes_and_notices_changes(data_root, clips_folder, tmp_path):
    from lmms_emotion.upstream.hub_data import write_hub_folder

    folder = read_task_folder(clips_folder)
    first = write_hub_folder(folder, tmp_path, root=data_root, progress=False)
    assert first.unchanged == [] and first.configs[0].splits == {"test": 4}
    again = write_hub_folder(folder, tmp_path, root=data_root, progress=False)
    assert again.unchanged == ["zzclips_video/test"]
    records = (data_root / "zzclips" / "test.jsonl")
    saved = records.read_text()
    try:
        records.write_text(saved.replace('"answer": "sadness"', '"answer": "anger"'))
        changed = write_hub_folder(folder, tmp_path, root=data_root, progress=False)
        assert changed.unchanged == [] and changed.configs[0].classes["anger"] == 1
    finally:
        records.write_text(saved)


def test_push_data_names_the_build_command_for_missing_data(tmp_path, clips_folder):
    proc = run_cli(["lmms-emotion", "push-data", "--hf-org", ORG, "--dry-run", "--folder", str(clips_folder),
                    "--data-root", str(tmp_path / "empty")])
    assert proc.returncode == 2
    assert "zzclips' test split is not built" in proc.stderr and "lmms-emotion build-data zzclips" in proc.stderr


def test_a_row_with_two_images_is_refused():
    from lmms_emotion.upstream.hub_data import HubDataError, hub_row

    doc = {"id": "x/test/1", "media_types": ["image", "image"], "media_paths": ["/a.jpg", "/b.jpg"]}
    with pytest.raises(HubDataError, match="record x/test/1: 2 images"):
        hub_row(doc, "x")


# --- the exported folders ------------------------------------------------------------------


def test_exported_yaml_follows_the_upstream_rules(hub_export):
    out, exported = hub_export
    emovit = read_task_folder(out / "emovit")
    source = read_task_folder(Path(task_dir()) / "emovit")
    assert {t.name for t in emovit.tasks} == {t.name for t in source.tasks}
    assert {g.name for g in emovit.groups} == {g.name for g in source.groups}
    for task in emovit.tasks:
        config = task.merged
        assert config["dataset_path"] == f"{ORG}/lmms-emotion-emovit" and config["dataset_name"] == task.name
        assert "data_files" not in (config.get("dataset_kwargs") or {}) and "process_docs" not in config
        assert all(isinstance(config[k], FunctionRef) and config[k].module == "utils"
                   for k in ("doc_to_visual", "doc_to_text", "doc_to_messages", "process_results"))
        assert config["metadata"]["version"] and config["lmms_eval_specific_kwargs"]["default"]
        assert config["metric_list"] == source.task(task.name).merged["metric_list"]
    assert not (out / "emovit" / "_index").exists()
    clips = read_task_folder(out / "zzclips").task("zzclips_video").merged
    assert clips["dataset_kwargs"] == {"video": True, "cache_dir": "lmms-emotion-zzclips"}
    assert "video" not in (emovit.tasks[0].merged.get("dataset_kwargs") or {})
    assert exported["zzclips"].has_video and not exported["emovit"].has_video


def test_exported_utils_is_thin_and_imports_the_copied_package(hub_export):
    from lmms_emotion.upstream.export import MAX_UTILS_LINES, scoring_package_dir

    out, exported = hub_export
    for name in ("emovit", "zzclips"):
        text = (out / name / "utils.py").read_text()
        assert len(text.splitlines()) <= MAX_UTILS_LINES
        tree = ast.parse(text)
        modules = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        modules |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert {m for m in modules if m.split(".")[0] != "pathlib"} <= {
            "lmms_eval.tasks._task_utils.emotion.hooks", "lmms_eval.tasks._task_utils.emotion.judge"}, modules
        assert "def " not in text and "load_docs" not in text  # binds hooks only; the data-root loader is left out
    assert 'doc_to_visual = visual_hook("lmms-emotion-zzclips")' in (out / "zzclips" / "utils.py").read_text()
    # the package is the plugin's own, byte for byte
    package = out / "_task_utils" / "emotion"
    source = scoring_package_dir()
    ours = sorted(p.relative_to(source) for p in source.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    theirs = sorted(p.relative_to(package) for p in package.rglob("*") if p.is_file())
    assert ours == theirs and any(p.suffix == ".json" for p in ours)
    assert all((source / p).read_bytes() == (package / p).read_bytes() for p in ours)


def test_readme_and_pr_description(hub_export):
    out, _ = hub_export
    readme = (out / "emovit" / "README.md").read_text()
    assert "`lmms_eval/tasks/_task_utils/emotion/`" in readme
    assert f"huggingface.co/datasets/{ORG}/lmms-emotion-emovit" in readme
    assert "| `emovit_emoset` | EmoSet-118K test (Mikels-8, held-in for EmoVIT) | test 16 | image | mikels8 | 8 |" in readme
    assert "| EmoVIT (paper) |" in readme and "83.36*" in readme and "TinyEmo Table VIII" in readme
    assert "Xie et al., EmoVIT" in readme
    pr = (out.parent.parent / "PR_DESCRIPTION.md").read_text()
    assert "`lmms_eval/tasks/_task_utils/emotion/`: the shared scoring code" in pr
    for heading in ("## Summary", "## Scope", "## Validation", "## Metrics", "## Risk", "## Type of change"):
        assert heading in pr
    assert "--limit 8" in pr and "pretrained=Qwen/Qwen2.5-VL-3B-Instruct" in pr and "pre-commit run --all-files" in pr
    assert "`lmms_eval/tasks/emovit/`" in pr and "`lmms_eval/tasks/zzclips/`" in pr
    assert "- [x] New benchmark / task" in pr and "(closed-set emotion classification)" in pr
    assert "`macro_f1` (higher is better)" in pr and "`unparsed_rate` (lower is better)" in pr


def test_pr_description_takes_the_validation_run(real_runs, hub_copy, folders, tmp_path):
    from lmms_emotion.upstream.export import ExportOptions, export_upstream

    export_upstream(ExportOptions(hf_org=ORG, out=tmp_path, folders=folders[:1], local_data=hub_copy,
                                  validation_run=real_runs["fear"]))
    pr = (tmp_path / "PR_DESCRIPTION.md").read_text()
    assert "| dummy(response=Fear.) | `emovit_emoset` | 16 | 0.1250 | 0.0278 | 0.0000 |" in pr


def test_exported_hooks_match_the_plugin_on_hub_rows(hub_export, hub_copy):
    from lmms_emotion.upstream.export import load_generated_module, parity_problems
    from lmms_emotion.upstream.hub_data import load_hub_folder

    out, exported = hub_export
    add_exported_package(out)
    for name, config in (("emovit", "emovit_emoset"), ("zzclips", "zzclips_video")):
        module = load_generated_module(out / name / "utils.py", f"exported_{name}")
        rows = [dict(row) for row in load_hub_folder(hub_copy / f"lmms-emotion-{name}", config)["test"]]
        assert parity_problems(exported[name], module, {config: rows}) == []
        scored = module.process_results(rows[0], [f"The answer is {rows[0]['answer']}."])
        assert scored["acc"] == 1.0 and scored["macro_f1"]["id"] == rows[0]["id"]


def add_exported_package(tasks: Path) -> None:
    """Make ``lmms_eval.tasks._task_utils.emotion`` importable from an export (as if copied into lmms-eval)."""
    import lmms_eval.tasks

    if str(tasks) not in lmms_eval.tasks.__path__:
        lmms_eval.tasks.__path__.append(str(tasks))


# --- lmms-eval, with lmms_emotion out of reach ----------------------------------------------

_ISOLATED_RUN = """
import importlib.abc, json, os, sys

class BlockLmmsEmotion(importlib.abc.MetaPathFinder):
    attempts = []

    def find_spec(self, name, path=None, target=None):
        if name == "lmms_emotion" or name.startswith("lmms_emotion."):
            self.attempts.append(name)
            raise ImportError("lmms_emotion is blocked in this process")
        return None

blocker = BlockLmmsEmotion()
sys.meta_path.insert(0, blocker)
# and no folder that holds the package source on the path either
sys.path = [p for p in sys.path if not os.path.isfile(os.path.join(p or ".", "lmms_emotion", "__init__.py"))]
# the export, as if copied into lmms-eval's source tree
import lmms_eval.tasks
lmms_eval.tasks.__path__.append(os.path.join(sys.argv[1], "lmms_eval", "tasks"))

from lmms_eval.evaluator import simple_evaluate
from lmms_eval.tasks import TaskManager

manager = TaskManager(include_path=[os.path.join(sys.argv[1], "lmms_eval", "tasks", n) for n in ("emovit", "zzclips")],
                      include_defaults=False)
results = simple_evaluate(model="dummy", model_args="response=Fear.,read_bytes=64",
                          tasks=["emovit_emoset", "zzclips_video"], task_manager=manager, log_samples=True)
print("RESULT " + json.dumps({
    "results": {t: {k: v for k, v in r.items() if k in ("acc,none", "unparsed_rate,none")}
                for t, r in results["results"].items()},
    "preds": {t: [s["macro_f1"]["pred"] for s in samples] for t, samples in results["samples"].items()},
    "lmms_emotion_loaded": [m for m in sys.modules if m.startswith("lmms_emotion")],
    "package": sys.modules["lmms_eval.tasks._task_utils.emotion.hooks"].__file__,
    "blocked": blocker.attempts,
}))
"""


@pytest.mark.e2e
def test_exported_folders_run_in_lmms_eval_without_lmms_emotion(local_export, tmp_path):
    tasks = tmp_path / "export"
    shutil.copytree(local_export / "lmms_eval", tasks / "lmms_eval")
    env = cli_env(HF_HOME=str(tmp_path / "hf_home"))
    env.pop("LMMS_EMOTION_DATA", None)
    proc = subprocess.run([sys.executable, "-c", _ISOLATED_RUN, str(tasks)], env=env, capture_output=True,
                          text=True, timeout=600, cwd=tmp_path)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    assert proc.returncode == 0 and lines, proc.stdout[-3000:] + proc.stderr[-5000:]
    report = json.loads(lines[0][len("RESULT "):])
    assert report["lmms_emotion_loaded"] == []
    assert report["package"].startswith(str(tasks / "lmms_eval" / "tasks" / "_task_utils" / "emotion"))
    assert report["blocked"]  # lmms-eval did try (its model entry point), and could not
    assert report["results"]["emovit_emoset"]["acc,none"] == pytest.approx(2 / 16)  # "Fear." on 2 fear of 16
    assert report["results"]["zzclips_video"]["acc,none"] == pytest.approx(CLIP_GOLDS.count("fear") / 4)
    assert set(report["preds"]["zzclips_video"]) == {"fear"}


def test_local_variant_is_marked(local_export, hub_copy):
    tasks = local_export / "lmms_eval" / "tasks"
    readme = (tasks / "emovit" / "README.md").read_text()
    assert "Local validation copy" in readme
    template = load_yaml(tasks / "emovit" / "_default_template_yaml")
    assert template["dataset_path"] == str((hub_copy / "lmms-emotion-emovit").resolve())
    assert os.path.isabs(load_yaml(tasks / "zzclips" / "_default_template_yaml")["dataset_kwargs"]["cache_dir"])


def test_push_uploads_exactly_the_written_folder(data_root, clips_folder, tmp_path, monkeypatch, capsys):
    """The upload itself goes through huggingface_hub; here a recording stand-in takes its place (no network)."""
    import huggingface_hub

    from lmms_emotion.cli import main

    calls = []

    class RecordingApi:
        def whoami(self):
            calls.append(("whoami", None, {}))
            return {"name": "someone", "orgs": [{"name": ORG}]}

        def create_repo(self, repo_id, **kwargs):
            calls.append(("create_repo", repo_id, kwargs))

        def upload_folder(self, **kwargs):
            calls.append(("upload_folder", kwargs["repo_id"], kwargs))
            return types.SimpleNamespace(commit_url=f"https://hub.invalid/{kwargs['repo_id']}/commit/1")

    monkeypatch.setattr(huggingface_hub, "HfApi", RecordingApi)
    from huggingface_hub import constants as hf_constants

    monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setenv("HF_TOKEN", "hf_test_token_not_real")
    code = main(["push-data", "--hf-org", ORG, "--folder", str(clips_folder), "--data-root", str(data_root),
                 "--save-to", str(tmp_path)])
    assert code == 0
    assert [c[:2] for c in calls] == [("whoami", None), ("create_repo", f"{ORG}/lmms-emotion-zzclips"),
                                      ("upload_folder", f"{ORG}/lmms-emotion-zzclips")]
    assert calls[1][2] == {"repo_type": "dataset", "private": True, "exist_ok": True}
    upload = calls[2][2]
    assert upload["folder_path"] == str(tmp_path / "lmms-emotion-zzclips") and upload["repo_type"] == "dataset"
    assert upload["ignore_patterns"] == [".build/**"]
    assert "uploaded" in capsys.readouterr().out
