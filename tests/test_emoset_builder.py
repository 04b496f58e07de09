"""`lmms-emotion build-data emoset`: both split-list variants, exact counts, and every bad-input path."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from lmms_emotion.cli import main
from lmms_emotion.records import read_records
from lmms_emotion.sources import emoset
from lmms_emotion.sources.builder_api import BuildError, BuildOptions
from lmms_emotion.testing.media_files import write_corrupt_image
from lmms_emotion.testing.raw_emoset import write_emoset


def _counts(root: Path) -> dict[str, dict[str, int]]:
    return {split: dict(Counter(r.answer for r in read_records(root / "emoset" / f"{split}.jsonl")))
            for split in ("train", "val", "test")}


@pytest.mark.parametrize("row_format", [4, 3])
def test_builds_both_split_list_variants(tmp_path, row_format):
    raw = tmp_path / "raw"
    expected = write_emoset(raw, per_class={"train": 3, "val": 1, "test": 2}, row_format=row_format)
    root = tmp_path / "root"
    assert main(["build-data", "emoset", "--raw", str(raw), "--out", str(root)]) == 0
    assert _counts(root) == expected
    records = read_records(root / "emoset" / "test.jsonl")
    for record in records:
        assert (root / "emoset" / "media" / record.media[0].path).is_file()
        assert record.id == f"emoset/test/{Path(record.media[0].path).stem}"
        assert record.label_set == "mikels8" and record.task == "emotion_closed"
        assert "brightness" in record.meta["attributes"] and "scene" in record.meta["attributes"]
    manifest = json.loads((root / "emoset" / "manifest.json").read_text())
    assert manifest["splits"]["test"]["count"] == sum(expected["test"].values())
    assert manifest["split_list_format"].startswith("official" if row_format == 4 else "EmoVIT")


def test_builds_are_byte_identical(tmp_path):
    raw = tmp_path / "raw"
    write_emoset(raw, per_class={"test": 2})
    outputs = []
    for name in ("a", "b"):
        assert main(["build-data", "emoset", "--raw", str(raw), "--out", str(tmp_path / name)]) == 0
        outputs.append({p.name: p.read_bytes() for p in (tmp_path / name / "emoset").glob("*.json*")
                        if not p.name.startswith(".")})
    assert outputs[0] == outputs[1] and "test.jsonl" in outputs[0]


def _build(raw: Path, root: Path, **kw) -> object:
    return emoset.build(BuildOptions(raw=raw, out_root=root, **kw))


def _first_test_row(raw: Path) -> list:
    return json.loads((raw / "test.json").read_text())[0]


def test_missing_image_names_file_and_row(tmp_path):
    raw = tmp_path / "raw"
    write_emoset(raw, per_class={"test": 2})
    row = _first_test_row(raw)
    (raw / row[2]).unlink()
    with pytest.raises(BuildError) as err:
        _build(raw, tmp_path / "root")
    assert f"{raw / 'test.json'} row 1" in str(err.value) and row[2] in str(err.value)
    assert "--skip-bad" in str(err.value)
    result = _build(raw, tmp_path / "root", skip_bad=True)
    assert len(result.splits["test"]) == 15
    assert [(i.row, "does not exist" in i.reason) for i in result.skipped] == [(1, True)]


def test_corrupt_jpeg_names_file_and_row(tmp_path):
    raw = tmp_path / "raw"
    write_emoset(raw, per_class={"test": 2})
    rows = json.loads((raw / "test.json").read_text())
    write_corrupt_image(raw / rows[4][2])
    with pytest.raises(BuildError) as err:
        _build(raw, tmp_path / "root")
    assert "row 5" in str(err.value) and rows[4][2] in str(err.value) and "unreadable" in str(err.value)
    result = _build(raw, tmp_path / "root2", skip_bad=True)
    assert len(result.splits["test"]) == 15 and result.skipped[0].row == 5


@pytest.mark.parametrize(
    "bad_row, fragment",
    [
        (["amusement", "image/amusement/x.jpg"], "expected [emotion, image_id"),
        ("amusement,image/x.jpg", "expected a list"),
        (["amusement", 5, "image/x.jpg", "annotation/x.json"], "expected [emotion, image_id"),
    ],
)
def test_malformed_split_row(tmp_path, bad_row, fragment):
    raw = tmp_path / "raw"
    write_emoset(raw, per_class={"test": 1})
    rows = json.loads((raw / "test.json").read_text())
    rows.insert(2, bad_row)
    (raw / "test.json").write_text(json.dumps(rows))
    with pytest.raises(BuildError) as err:
        _build(raw, tmp_path / "root")
    assert "test.json row 3" in str(err.value) and fragment in str(err.value)
    result = _build(raw, tmp_path / "root", skip_bad=True)
    assert len(result.splits["test"]) == 8 and result.skipped[0].row == 3


def test_unknown_emotion(tmp_path):
    raw = tmp_path / "raw"
    write_emoset(raw, per_class={"test": 1})
    rows = json.loads((raw / "test.json").read_text())
    rows[0][0] = "happiness"
    (raw / "test.json").write_text(json.dumps(rows))
    with pytest.raises(BuildError, match=r"test.json row 1: unknown emotion 'happiness'; EmoSet uses amusement"):
        _build(raw, tmp_path / "root")


def test_cli_reports_errors_and_skips(tmp_path, capsys):
    raw = tmp_path / "raw"
    write_emoset(raw, per_class={"test": 1})
    rows = json.loads((raw / "test.json").read_text())
    (raw / rows[3][2]).unlink()
    assert main(["build-data", "emoset", "--raw", str(raw), "--out", str(tmp_path / "root")]) == 2
    assert "test.json row 4" in capsys.readouterr().err
    assert main(["build-data", "emoset", "--raw", str(raw), "--out", str(tmp_path / "root"), "--skip-bad"]) == 0
    out = capsys.readouterr().out
    assert "skipped 1 bad item" in out and "test.json row 4" in out
    manifest = json.loads((tmp_path / "root" / "emoset" / "manifest.json").read_text())
    assert manifest["skipped"][0]["row"] == 4 and manifest["splits"]["test"]["count"] == 7


def test_missing_raw_layout(tmp_path):
    with pytest.raises(BuildError, match="does not exist"):
        _build(tmp_path / "nowhere", tmp_path / "root")
    (tmp_path / "empty" / "image").mkdir(parents=True)
    with pytest.raises(BuildError, match="no split list"):
        _build(tmp_path / "empty", tmp_path / "root")


def test_verification_resumes_from_cache(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    write_emoset(raw, per_class={"test": 2})
    calls = []
    import lmms_emotion.media as media

    real = media.verify_image
    monkeypatch.setattr(media, "verify_image", lambda p: calls.append(p) or real(p))
    _build(raw, tmp_path / "root")
    assert len(calls) == 16
    calls.clear()
    _build(raw, tmp_path / "root")
    assert calls == []  # every image already verified and unchanged
    rows = json.loads((raw / "test.json").read_text())
    write_corrupt_image(raw / rows[0][2])  # a changed file is checked again
    result = _build(raw, tmp_path / "root", skip_bad=True)
    assert len(calls) == 1 and len(result.skipped) == 1
