"""``lmms-emotion build-data emobench``: composing EmoBench from the built sources."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from lmms_emotion.jsonl import read_jsonl
from tests.fixtures_data import run_cli
from tests.fixtures_emobench import (
    EMOBENCH_SOURCES,
    EMOBENCH_TASKS,
    build_dataset,
    root_with_sources,
)


def _task_rows(root: Path) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    for record in read_jsonl(root / "emobench" / "test.jsonl"):
        modality = record["media"][0]["type"]
        rows.setdefault(f"emobench_{record['task']}_{modality}", []).append(record)
    return rows


def test_full_build_fills_every_task_from_its_sources(emobench_root):
    from lmms_emotion.sources.emobench import sources_for

    manifest = json.loads((emobench_root / "emobench" / "manifest.json").read_text())
    assert manifest["benchmark"] == "EmoBench, rebuilt from public sources"
    assert manifest["seed"] == 0 and manifest["emobench_version"] == "1" and manifest["test_per_class"] == 250
    assert set(manifest["sources_used"]) == set(EMOBENCH_SOURCES) - {"emotion6"}
    assert "shares its images with emotionroi" in manifest["sources_skipped"]["emotion6"]
    assert manifest["sources_used"]["hateful_memes"]["test_split"] == "test_seen"
    rows = _task_rows(emobench_root)
    assert set(rows) == set(EMOBENCH_TASKS)
    for task, records in rows.items():
        subtask, modality = task[len("emobench_"):].rsplit("_", 1)
        assert {r["source"] for r in records} <= set(sources_for(subtask, modality)), task
        assert manifest["tasks"][task]["test"] == len(records)
        assert all(r["split"].startswith("test") and r["id"] == f"{subtask}/{r['meta']['source_record']}"
                   for r in records), task
        assert all(r["media"][0]["path"].startswith(r["source"] + "/") for r in records)
    # every record of each source's test split is taken (the generated splits are smaller than 250 a class)
    for name in set(EMOBENCH_SOURCES) - {"emotion6", "hateful_memes"}:
        source_test = read_jsonl(emobench_root / name / "test.jsonl")
        assert manifest["sources_used"][name]["taken"]["test"] == len(source_test), name
    # Emo-O asks about exactly the records Emo-C uses
    closed = sorted(r["meta"]["source_record"] for r in rows["emobench_emotion_closed_image"])
    opened = sorted(r["meta"]["source_record"] for r in rows["emobench_emotion_open_image"])
    assert closed == opened and len(closed) > 0
    # the text of memes, tweets and utterances is kept
    assert all(r["text"] for r in rows["emobench_sarcasm_image"] + rows["emobench_emotion_closed_video"])
    # counts per sub-task/modality and class in the manifest agree with the records
    test_counts = manifest["counts"]["test"]["sarcasm/video"]
    assert test_counts["per_class"] == dict(Counter(r["answer"] for r in rows["emobench_sarcasm_video"]))


def test_media_resolve_through_the_emobench_media_root(emobench_root, monkeypatch):
    from lmms_emotion import task_utils

    monkeypatch.setenv("LMMS_EMOTION_DATA", str(emobench_root))
    media = emobench_root / "emobench" / "media"
    assert all((media / name).is_symlink() and not Path(str((media / name).readlink())).is_absolute()
               for name in set(EMOBENCH_SOURCES) - {"emotion6"})
    for task in EMOBENCH_TASKS:
        index = json.loads((_index_file(task)).read_text())
        docs = task_utils.read_task_docs(index)
        assert docs and all(Path(p).is_file() for d in docs for p in d["media_paths"]), task
        assert all(d["modality"] == task.rsplit("_", 1)[1] for d in docs)


def _index_file(task: str) -> Path:
    from lmms_emotion.task_configs import task_dir

    return Path(task_dir()) / "emobench" / "_index" / f"{task}.jsonl"


def test_same_seed_builds_are_byte_identical_and_seed_changes_the_sample(emobench_sources_root, tmp_path):
    names = ("emoset", "fi", "meld", "mustard")
    roots = [root_with_sources(emobench_sources_root, tmp_path / f"r{i}", names) for i in range(3)]
    options = ["--option", "test_per_class=1", "--option", "train_per_class=1"]
    build_dataset(["emobench", *options], roots[0])
    build_dataset(["emobench", *options], roots[1])
    build_dataset(["emobench", *options], roots[1])  # rebuilding in place changes nothing either
    build_dataset(["emobench", *options, "--seed", "7"], roots[2])
    for name in ("test.jsonl", "train.jsonl", "manifest.json"):
        assert (roots[0] / "emobench" / name).read_bytes() == (roots[1] / "emobench" / name).read_bytes(), name
    tests = [read_jsonl(root / "emobench" / "test.jsonl") for root in roots]
    assert {r["id"] for r in tests[0]} != {r["id"] for r in tests[2]}
    # one record per class per source; Emo-O mirrors Emo-C
    per = Counter((r["task"], r["source"], r["answer"]) for r in tests[2])
    assert set(per.values()) == {1}
    assert {(s, a) for t, s, a in per if t == "emotion_closed"} == {(s, a) for t, s, a in per if t == "emotion_open"}
    assert len([k for k in per if k[0] == "emotion_closed" and k[1] == "emoset"]) == 8
    assert len([k for k in per if k[0] == "sarcasm"]) == 2


def test_partial_sources_build_the_rest_and_report_what_was_skipped(emobench_sources_root, tmp_path, monkeypatch):
    from lmms_emotion import task_utils

    root = root_with_sources(emobench_sources_root, tmp_path / "partial", ("emoset", "mustard", "hateful_memes"))
    proc = run_cli(["lmms-emotion", "build-data", "emobench", "--data-root", str(root)])
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "sources used: emoset (test/train), hateful_memes (test_seen/train), mustard (test/train)" in out
    for name in ("fi", "emotionroi", "emotion6", "intentonomy", "memotion", "mmsd2", "meld", "mintrec", "urfunny"):
        assert f"    - {name}: not built (run `lmms-emotion build-data {name} --raw <folder>`)" in out, name
    assert "tasks without test records (their sources are missing): emobench_emotion_closed_video" in out
    manifest = json.loads((root / "emobench" / "manifest.json").read_text())
    assert set(manifest["sources_used"]) == {"emoset", "mustard", "hateful_memes"}
    assert manifest["sources_skipped"]["meld"].startswith("not built")
    assert manifest["tasks"]["emobench_intent_video"]["test"] == 0
    assert manifest["tasks"]["emobench_sarcasm_video"]["test"] > 0
    assert "Sources skipped: fi (not built)" in manifest["summary"]
    # a task whose sources are missing names them and the commands that fix it
    monkeypatch.setenv("LMMS_EMOTION_DATA", str(root))
    with pytest.raises(task_utils.DataNotBuiltError) as err:
        task_utils.read_task_docs(json.loads(_index_file("emobench_intent_video").read_text()))
    message = str(err.value)
    assert "come from mintrec" in message and "mintrec: not built" in message
    assert "lmms-emotion build-data emobench" in message
    assert task_utils.read_task_docs(json.loads(_index_file("emobench_sarcasm_video").read_text()))


def test_sources_option_limits_the_composition(emobench_sources_root, tmp_path):
    root = root_with_sources(emobench_sources_root, tmp_path / "r", ("emoset", "emotion6", "meld"))
    build_dataset(["emobench", "--option", "sources=emotion6,meld"], root)
    manifest = json.loads((root / "emobench" / "manifest.json").read_text())
    assert set(manifest["sources_used"]) == {"emotion6", "meld"}  # emotion6 counts when emotionroi is not used
    assert "emoset" not in manifest["sources_skipped"]
    proc = run_cli(["lmms-emotion", "build-data", "emobench", "--data-root", str(root), "--option", "sources=emoset,nope"])
    assert proc.returncode == 2 and "unknown source(s) nope" in proc.stderr
    proc = run_cli(["lmms-emotion", "build-data", "emobench", "--data-root", str(root), "--option", "test_per_class=0"])
    assert proc.returncode == 2 and "test_per_class=0 is not valid" in proc.stderr


def test_nothing_built_fails_with_the_list_of_sources(tmp_path):
    proc = run_cli(["lmms-emotion", "build-data", "emobench", "--data-root", str(tmp_path / "empty")])
    assert proc.returncode == 2
    assert "none of the sources is built" in proc.stderr and "meld: not built" in proc.stderr


def test_raw_is_optional_only_for_composed_datasets(tmp_path):
    proc = run_cli(["lmms-emotion", "build-data", "emoset", "--data-root", str(tmp_path)])
    assert proc.returncode == 2 and "emoset needs --raw" in proc.stderr


def test_raw_names_another_data_root_to_read_sources_from(emobench_sources_root, tmp_path):
    sources = root_with_sources(emobench_sources_root, tmp_path / "sources", ("fi", "urfunny"))
    out = tmp_path / "out"
    build_dataset(["emobench", "--raw", str(sources)], out)
    assert set(json.loads((out / "emobench" / "manifest.json").read_text())["sources_used"]) == {"fi", "urfunny"}
    record = read_jsonl(out / "emobench" / "test.jsonl")[0]
    assert (out / "emobench" / "media" / record["media"][0]["path"]).is_file()


def _copy_source(sources_root: Path, name: str, target_root: Path) -> Path:
    """A real copy of a built source's folder (records editable), media still linked to its raw folder."""
    import shutil

    folder = target_root / name
    shutil.copytree(sources_root / name, folder, symlinks=True)
    return folder


def test_bad_source_records_name_the_file_and_line(emobench_sources_root, tmp_path):
    root = tmp_path / "bad"
    folder = _copy_source(emobench_sources_root, "mustard", root)
    lines = (folder / "test.jsonl").read_text().splitlines()
    lines[1] = lines[1].replace('"answer": "', '"answer": "maybe', 1)
    (folder / "test.jsonl").write_text("\n".join(lines) + "\n")
    proc = run_cli(["lmms-emotion", "build-data", "emobench", "--data-root", str(root)])
    assert proc.returncode == 2
    assert f"{folder / 'test.jsonl'}:2" in proc.stderr and "'answer'" in proc.stderr
    assert "lmms-emotion build-data mustard --raw" in proc.stderr


def test_missing_media_stop_the_build_or_are_skipped_and_listed(emobench_sources_root, tmp_path):
    root = tmp_path / "gone"
    folder = _copy_source(emobench_sources_root, "mmsd2", root)
    (folder / "media").unlink()
    raw_copy = tmp_path / "raw_mmsd2"
    import shutil

    shutil.copytree(emobench_sources_root / "mmsd2" / "media", raw_copy)
    (folder / "media").symlink_to(raw_copy, target_is_directory=True)
    first = read_jsonl(folder / "test.jsonl")[0]
    (raw_copy / first["media"][0]["path"]).unlink()
    proc = run_cli(["lmms-emotion", "build-data", "emobench", "--data-root", str(root)])
    assert proc.returncode == 2
    assert f"{folder / 'test.jsonl'} row 1" in proc.stderr and first["media"][0]["path"] in proc.stderr
    proc = run_cli(["lmms-emotion", "build-data", "emobench", "--data-root", str(root), "--skip-bad"])
    assert proc.returncode == 0, proc.stderr
    assert "skipped 1 record(s) with missing media" in proc.stdout
    ids = {r["meta"]["source_record"] for r in read_jsonl(root / "emobench" / "test.jsonl")}
    assert first["id"] not in ids and len(ids) == len(read_jsonl(folder / "test.jsonl")) - 1
    skipped = json.loads((root / "emobench" / "manifest.json").read_text())["skipped"]
    assert skipped[0]["row"] == 1 and skipped[0]["file"] == str(folder / "test.jsonl")


def test_copy_mode_makes_a_self_contained_media_folder(emobench_sources_root, tmp_path):
    root = root_with_sources(emobench_sources_root, tmp_path / "copy", ("emotionroi", "urfunny"))
    build_dataset(["emobench", "--link-mode", "copy"], root)
    media = root / "emobench" / "media"
    assert not (media / "urfunny").is_symlink()
    records = read_jsonl(root / "emobench" / "test.jsonl") + read_jsonl(root / "emobench" / "train.jsonl")
    paths = {r["media"][0]["path"] for r in records}
    assert all((media / p).is_file() and not (media / p).is_symlink() for p in paths)
    copied = {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()}
    assert copied == paths  # only what the records use
