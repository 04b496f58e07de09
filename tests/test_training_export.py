"""``lmms-emotion export-training``: built records -> LLaVA-style conversations JSON (CLI run in process)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from lmms_emotion.cli import main
from lmms_emotion.jsonl import read_jsonl


@dataclass
class _Run:
    returncode: int
    stdout: str
    stderr: str


def _export(args: list[str], data_root: Path, capsys) -> _Run:
    """``lmms-emotion export-training ARGS --data-root DATA_ROOT`` in this process."""
    code = main(["export-training", *args, "--data-root", str(data_root)])
    out, err = capsys.readouterr()
    return _Run(code, out, err)


def test_emobench_train_split_exports_with_the_evaluation_prompts(emobench_root, tmp_path, capsys):
    from lmms_emotion.scoring import hooks

    out = tmp_path / "llava.json"
    proc = _export(["emobench", "--out", str(out)], emobench_root, capsys)
    assert proc.returncode == 0, proc.stderr
    media_root = emobench_root / "emobench" / "media"
    assert f"relative to {media_root}" in proc.stdout
    entries = json.loads(out.read_text())
    records = read_jsonl(emobench_root / "emobench" / "train.jsonl")
    assert [e["id"] for e in entries] == [r["id"] for r in records]
    by_id = {r["id"]: r for r in records}
    kinds = set()
    for entry in entries:
        record = by_id[entry["id"]]
        kind = record["media"][0]["type"]
        kinds.add((record["task"], kind))
        assert set(entry) == {"id", kind, "conversations", "task", "source", "label_set"}
        assert entry[kind] == record["media"][0]["path"] and (media_root / entry[kind]).is_file()
        human, gpt = entry["conversations"]
        assert human["from"] == "human" and gpt["from"] == "gpt"
        # the human turn is the evaluation prompt, after the media token
        doc = {"task": record["task"], "label_set": record["label_set"], "modality": kind, "text": record["text"]}
        assert human["value"] == f"<{kind}>\n" + hooks.doc_to_text(doc, {"prompt_style": "plain"})
        expected = record["answer"].capitalize() if record["label_set"] == "yes_no" else record["answer"]
        assert gpt["value"] == expected
    assert len(kinds) == 11  # every sub-task and modality of the benchmark
    meta = json.loads((tmp_path / "llava.meta.json").read_text())
    assert meta["count"] == len(entries) and meta["media_root"] == str(media_root)
    assert meta["paths"] == "relative to media_root" and meta["per_task"]["sarcasm/video"] > 0


def test_any_built_split_exports_with_absolute_paths_and_the_emovit_style(emobench_root, tmp_path, capsys):
    out = tmp_path / "emoset_test.json"
    proc = _export(["emoset", "--split", "test", "--prompt-style", "emovit", "--absolute-paths", "--out", str(out)],
                   emobench_root, capsys)
    assert proc.returncode == 0, proc.stderr
    entries = json.loads(out.read_text())
    assert len(entries) == len(read_jsonl(emobench_root / "emoset" / "test.jsonl"))
    for entry in entries:
        path = entry["image"]
        assert path.startswith(str(emobench_root / "emoset" / "media")) and __import__("os").path.isfile(path)
        question = entry["conversations"][0]["value"]
        assert question.startswith("<image>\n") and question == question.lower() and "." not in question


def test_missing_split_and_missing_media_fail_with_the_file_and_line(emobench_root, tmp_path, capsys):
    import shutil

    proc = _export(["emobench", "--split", "val"], emobench_root, capsys)
    assert proc.returncode == 2 and "val.jsonl does not exist" in proc.stderr
    root = tmp_path / "root"
    shutil.copytree(emobench_root / "mmsd2", root / "mmsd2", symlinks=True)
    (root / "mmsd2" / "media").unlink()
    shutil.copytree(emobench_root / "mmsd2" / "media", root / "mmsd2" / "media")
    records = read_jsonl(root / "mmsd2" / "train.jsonl")
    (root / "mmsd2" / "media" / records[2]["media"][0]["path"]).unlink()
    proc = _export(["mmsd2"], root, capsys)
    assert proc.returncode == 2
    assert f"train.jsonl line 3 (record {records[2]['id']})" in proc.stderr
    assert not (root / "mmsd2" / "llava_train.json").exists()
