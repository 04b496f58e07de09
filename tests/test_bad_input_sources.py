"""Hostile raw data against every source builder (issue 16, items 1, 2, 4, 5 and the BOM of item 8).

Each builder reads its generated sample (``lmms_emotion.testing.raw_<dataset>``); the tests
then rewrite the field that names a media file into a path traversal (``../``), an absolute
path, a drive letter or a NUL byte, swap a media file for a symlink leading out of the raw
folder, list one image in two splits, or corrupt a file keeping its size and mtime. No build
may end in anything but a :class:`BuildError` naming the file, and none may write a record
that points outside the raw folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from lmms_emotion.records import Media, Record
from lmms_emotion.sources import get_source
from lmms_emotion.sources.builder_api import BuildError, BuildOptions, BuildResult
from lmms_emotion.sources.split_leakage import check_split_leakage
from lmms_emotion.sources.verify_cache import verify_media
from lmms_emotion.testing.raw_layouts import available_writers, write_sample

MEDIA_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".mp4"}
# Builders whose raw release names no file in an annotation: they list folders (names come
# from the file system, so they cannot hold '/' or NUL) or build clip names from numbers.
NO_FILE_NAMING_FIELD = {"artphoto", "fi", "unbiasedemo", "meld"}
ATTACKS = ("dotdot", "absolute", "drive", "nul")


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> dict[str, Path]:
    """Every dataset's generated raw sample, written once for this module."""
    base = tmp_path_factory.mktemp("bad_input_samples")
    out = {}
    for dataset in available_writers():
        write_sample(dataset, base / dataset)
        out[dataset] = base / dataset
    return out


def _copy(sample: Path, tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(sample, raw, symlinks=True)
    return raw


def _media_files(raw: Path) -> list[Path]:
    return sorted(p for p in raw.rglob("*") if p.suffix.lower() in MEDIA_SUFFIXES and p.is_file())


def _mention(raw: Path) -> tuple[Path, Path] | None:
    """(annotation file, media file) where the annotation names the media file by its stem (shallowest file first)."""
    media = _media_files(raw)
    annotations = sorted((p for p in raw.rglob("*") if p.is_file() and p.suffix.lower() not in MEDIA_SUFFIXES),
                         key=lambda p: (len(p.relative_to(raw).parts), str(p)))
    for annotation in annotations:
        try:
            text = annotation.read_text(encoding="utf-8-sig")
        except (UnicodeDecodeError, OSError):
            continue
        for file in media:
            if re.search(_stem_pattern(file.stem), text):
                return annotation, file
    return None


def _stem_pattern(stem: str) -> str:
    return r"(?<![A-Za-z0-9_])" + re.escape(stem) + r"(?![A-Za-z0-9_])"


def _build(dataset: str, raw: Path, out: Path, **kw) -> list[BuildResult]:
    options = BuildOptions(raw=raw, out_root=out, verify="exists", workers=1, **kw)
    built = get_source(dataset).build(options)
    return [check_split_leakage(r, options) for r in (built if isinstance(built, list) else [built])]


def _records(results: list[BuildResult]) -> list[Record]:
    return [r for result in results for records in result.splits.values() for r in records]


def _occurrences(raw: Path, annotation: Path, media: Path) -> list[tuple[str, int]]:
    """Every field near the first mention of ``media`` that holds its name or one of its folders' names.

    (token, position) pairs: the image path, the annotation path and the id of an EmoSet row,
    the season, episode and clip columns of a MIntRec row, a MUStARD key, and so on.
    """
    text = annotation.read_text(encoding="utf-8-sig")
    first = re.search(_stem_pattern(media.stem), text).start()
    tokens = {media.stem, *media.parent.relative_to(raw).parts}
    found = {(token, m.start()) for token in tokens for m in re.finditer(_stem_pattern(token), text)
             if abs(m.start() - first) <= 200}
    return sorted(found, key=lambda item: item[1])


def _attack(raw: Path, annotation: Path, media: Path, kind: str, token: str, at: int) -> str:
    """Rewrite the mention of ``token`` at position ``at`` of ``annotation``; plants the outside copy it aims at."""
    outside = raw.parent / "outside"
    outside.mkdir(exist_ok=True)
    shutil.copy2(media, outside / media.name)
    depth = len(media.parent.relative_to(raw).parts) + 1  # from the media file's folder up to raw's parent
    target = {
        "dotdot": "../" * depth + "outside/" + token,
        "absolute": str(outside / token),
        "drive": "C:/outside/" + token,
        "nul": token + "\x00",
    }[kind]
    text = annotation.read_text(encoding="utf-8-sig")
    assert text[at:at + len(token)] == token
    in_json = annotation.suffix in (".json", ".jsonl")
    written = json.dumps(target)[1:-1] if in_json else target
    annotation.write_text(text[:at] + written + text[at + len(token):], encoding="utf-8")
    return target


def test_every_builder_is_covered(samples):
    assert len(samples) >= 16, sorted(samples)
    no_mention = {d for d, raw in samples.items() if _mention(raw) is None}
    assert no_mention == NO_FILE_NAMING_FIELD


@pytest.mark.parametrize("kind", ATTACKS)
@pytest.mark.parametrize("dataset", sorted(set(available_writers()) - NO_FILE_NAMING_FIELD))
def test_traversal_in_a_file_naming_field_is_refused(samples, dataset, kind, tmp_path):
    annotation, media = _mention(samples[dataset])
    occurrences = _occurrences(samples[dataset], annotation, media)
    assert occurrences
    first_name = min(at for token, at in occurrences if token == media.stem)  # the field that names the file
    for n, (token, at) in enumerate(occurrences):
        raw = _copy(samples[dataset], tmp_path / str(n))
        _attack(raw, raw / annotation.relative_to(samples[dataset]), raw / media.relative_to(samples[dataset]),
                kind, token, at)
        try:
            results = _build(dataset, raw, tmp_path / str(n) / "out")
        except BuildError as err:  # refused with a message naming the annotation file
            assert annotation.name in str(err) or annotation.parent.name in str(err), str(err)
            refused = True
        else:
            refused = False
            # the only other acceptable outcome: the field was not used as a path (WEBEmo keeps only
            # a URL's last component; a label column is matched as text) and no record leads outside
            for record in _records(results):
                _assert_inside(record)
        if kind == "dotdot" and at == first_name and dataset != "webemo":
            assert refused, f"{dataset} accepted a '../' path in {token!r} at {at}"
        # with --skip-bad the build goes on (or stops for lack of items) and nothing points outside
        try:
            results = _build(dataset, raw, tmp_path / str(n) / "out2", skip_bad=True)
        except BuildError:
            continue
        for record in _records(results):
            _assert_inside(record)


def _assert_inside(record: Record) -> None:
    """No media path, file-naming meta field or id of ``record`` leads out of the raw folder."""
    named = [m.path for m in record.media] + [str(v) for k, v in record.meta.items() if k.endswith("clip")]
    named.append(record.id.split("/", 2)[2])
    for text in named:
        assert "outside" not in text and ".." not in text.split("/") and not text.startswith("/"), record
        assert "\x00" not in text and ":" not in text, record


@pytest.mark.parametrize("dataset", available_writers())
def test_symlink_leading_outside_the_raw_folder(samples, dataset, tmp_path):
    raw = _copy(samples[dataset], tmp_path)
    found = _mention(raw)
    victim = found[1] if found else _media_files(raw)[0]
    outside = tmp_path / "outside" / victim.name
    outside.parent.mkdir()
    shutil.move(victim, outside)
    victim.symlink_to(outside)
    with pytest.raises(BuildError) as err:
        _build(dataset, raw, tmp_path / "out")
    assert "symbolic link" in str(err.value) and "--follow-symlinks" in str(err.value)
    assert victim.name in str(err.value)
    results = _build(dataset, raw, tmp_path / "skip", skip_bad=True)
    assert any("symbolic link" in i.reason for r in results for i in r.skipped)
    victim_rel = victim.relative_to(raw).as_posix()
    assert not any(victim_rel.endswith(m.path) for r in _records(results) for m in r.media)
    followed = _build(dataset, raw, tmp_path / "follow", follow_symlinks=True)
    assert any(victim_rel.endswith(m.path) for r in _records(followed) for m in r.media)


def test_raw_folder_given_as_a_symlink_still_builds(samples, tmp_path):
    link = tmp_path / "raw_link"
    link.symlink_to(samples["emoset"], target_is_directory=True)
    (result,) = _build("emoset", link, tmp_path / "out")
    assert sum(len(r) for r in result.splits.values()) > 0


# --- leakage ----------------------------------------------------------------------------------


def _image_record(record_id: str, split: str, path: str) -> Record:
    return Record(id=record_id, task="emotion_closed", source="toy", split=split, media=(Media("image", path),),
                  text="", label_set="mikels8", answer="fear")


def _toy_result(tmp_path: Path, rows: list[tuple[str, str, str]]) -> tuple[BuildResult, BuildOptions]:
    from lmms_emotion.paths import media_root
    from lmms_emotion.testing.media_files import write_image

    raw = tmp_path / "raw"
    for _, _, path in rows:
        if not (raw / path).exists():
            write_image(raw / path, color=(len(path) * 7 % 255, 10, 10))
    options = BuildOptions(raw=raw, out_root=tmp_path / "out")
    media = media_root("toy", options.out_root)
    media.parent.mkdir(parents=True)
    media.symlink_to(raw, target_is_directory=True)
    splits: dict[str, list[Record]] = {}
    for record_id, split, path in rows:
        splits.setdefault(split, []).append(_image_record(record_id, split, path))
    return BuildResult("toy", splits, [], {}), options


def test_one_image_in_two_splits_is_refused_naming_both(tmp_path):
    result, options = _toy_result(tmp_path, [("toy/train/a", "train", "a.jpg"), ("toy/test/a", "test", "a.jpg"),
                                             ("toy/train/b", "train", "b.jpg")])
    with pytest.raises(BuildError) as err:
        check_split_leakage(result, options)
    message = str(err.value)
    assert "toy/train/a" in message and "toy/test/a" in message and "--skip-bad" in message
    options.skip_bad = True
    cleaned = check_split_leakage(result, options)
    assert [r.id for r in cleaned.splits["train"]] == ["toy/train/b"]
    assert [r.id for r in cleaned.splits["test"]] == ["toy/test/a"]  # the evaluation side keeps it
    assert len(cleaned.skipped) == 1 and "toy/train/a" in cleaned.skipped[0].describe()


def test_same_image_content_under_two_names_is_refused(tmp_path):
    result, options = _toy_result(tmp_path, [("toy/train/a", "train", "a.jpg"), ("toy/test/c", "test", "c.jpg")])
    shutil.copy2(tmp_path / "raw" / "a.jpg", tmp_path / "raw" / "c.jpg")  # same bytes, other name
    with pytest.raises(BuildError) as err:
        check_split_leakage(result, options)
    assert "content hash" in str(err.value) and "toy/train/a" in str(err.value)
    options.skip_bad = True
    assert [r.id for r in check_split_leakage(result, options).splits["train"]] == []


def test_distinct_images_are_not_leakage(tmp_path):
    result, options = _toy_result(tmp_path, [("toy/train/a", "train", "a.jpg"), ("toy/test/bb", "test", "bb.jpg")])
    assert check_split_leakage(result, options) is result


def test_emoset_train_test_leak_is_refused_by_build_data(samples, tmp_path):
    raw = _copy(samples["emoset"], tmp_path)
    train = json.loads((raw / "train.json").read_text())
    test = json.loads((raw / "test.json").read_text())
    test.append(train[0])  # the same image listed in both official splits
    (raw / "test.json").write_text(json.dumps(test))
    with pytest.raises(BuildError) as err:
        _build("emoset", raw, tmp_path / "out")
    assert "train" in str(err.value) and "test" in str(err.value) and "train.json row 1" in str(err.value)


# --- the verify cache --------------------------------------------------------------------------


def test_verify_cache_rechecks_a_file_rewritten_with_the_same_size_and_mtime(tmp_path):
    from lmms_emotion.media import verify_image
    from lmms_emotion.testing.media_files import write_image

    image = tmp_path / "a.jpg"
    write_image(image, color=(200, 10, 10))
    cache = tmp_path / "cache.jsonl"
    assert verify_media([image], cache_file=cache, checker=verify_image) == {image: None}
    stat = image.stat()
    data = bytearray(image.read_bytes())
    data[len(data) // 2:] = b"\x00" * (len(data) - len(data) // 2)  # corrupt, same size
    with image.open("r+b") as handle:
        handle.write(data)
    os.utime(image, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the old mtime
    assert image.stat().st_size == stat.st_size and image.stat().st_mtime_ns == stat.st_mtime_ns
    verdict = verify_media([image], cache_file=cache, checker=verify_image)[image]
    assert verdict is not None, "the corrupted file was trusted from the cache"
    calls = []
    assert verify_media([image], cache_file=cache, checker=lambda p: calls.append(p))[image] == verdict
    assert calls == []  # unchanged since: a cache hit


# --- byte-order marks -------------------------------------------------------------------------


def test_emoset_split_file_with_a_byte_order_mark(samples, tmp_path):
    raw = _copy(samples["emoset"], tmp_path)
    for name in ("train.json", "val.json", "test.json"):
        path = raw / name
        if path.exists():
            path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    (result,) = _build("emoset", raw, tmp_path / "out")
    assert sum(len(r) for r in result.splits.values()) > 0


@pytest.mark.parametrize("dataset", available_writers())
def test_every_builder_refuses_a_media_file_in_two_splits(samples, dataset, tmp_path):
    raw = _copy(samples[dataset], tmp_path)
    options = BuildOptions(raw=raw, out_root=tmp_path / "out", verify="exists", workers=1)
    built = get_source(dataset).build(options)
    result = (built if isinstance(built, list) else [built])[0]
    assert check_split_leakage(result, options) is result  # the generated samples do not leak
    splits = [s for s, records in result.splits.items() if records]
    train = "train" if "train" in splits else splits[0]
    other = next(s for s in ("test", "val", *splits) if s in splits and s != train)
    victim = result.splits[train][0]
    copy = Record(id=f"{result.dataset}/{other}/leaked", task=victim.task, source=victim.source, split=other,
                  media=victim.media, text=victim.text, label_set=victim.label_set, answer=victim.answer)
    leaky = BuildResult(result.dataset, {**result.splits, other: [*result.splits[other], copy]}, [], {})
    with pytest.raises(BuildError) as err:
        check_split_leakage(leaky, options)
    assert victim.id in str(err.value) and copy.id in str(err.value)
    options.skip_bad = True
    cleaned = check_split_leakage(leaky, options)
    kept_ids = {r.id for records in cleaned.splits.values() for r in records}
    assert copy.id in kept_ids or victim.id in kept_ids
    assert not (copy.id in kept_ids and victim.id in kept_ids)


@pytest.mark.parametrize("dataset", available_writers())
def test_every_builder_accepts_byte_order_marks(samples, dataset, tmp_path):
    raw = _copy(samples[dataset], tmp_path)
    plain = _records(_build(dataset, raw, tmp_path / "plain"))
    marked = 0
    for path in raw.rglob("*"):
        if path.is_file() and path.suffix.lower() in (".json", ".jsonl", ".csv", ".tsv", ".txt"):
            data = path.read_bytes()
            if not data.startswith(b"\xef\xbb\xbf"):
                path.write_bytes(b"\xef\xbb\xbf" + data)
                marked += 1
    with_bom = _records(_build(dataset, raw, tmp_path / "bom"))
    assert [r.to_dict() for r in with_bom] == [r.to_dict() for r in plain]
    assert marked or dataset in NO_FILE_NAMING_FIELD | {"emoset"}


def test_data_root_that_is_a_file_gets_a_message(samples, tmp_path, capsys):
    from lmms_emotion.cli import main

    not_a_folder = tmp_path / "root"
    not_a_folder.write_text("")
    assert main(["build-data", "emoset", "--raw", str(samples["emoset"]), "--data-root", str(not_a_folder)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("build-data failed: Not a directory") and "--data-root" in err


@pytest.mark.parametrize("dataset", sorted(set(available_writers()) - {"artphoto", "fi", "unbiasedemo"}))
def test_every_builder_names_an_annotation_file_that_is_not_text(samples, dataset, tmp_path):
    """A byte that neither UTF-8 nor Windows-1252 can decode: a message naming the file, never a traceback."""
    raw = _copy(samples[dataset], tmp_path)
    annotations = [p for p in raw.rglob("*") if p.is_file() and p.suffix.lower() in (".json", ".jsonl", ".csv",
                                                                                      ".tsv", ".txt")
                   and p.name.lower() not in ("readme.txt", "license.txt")]
    assert annotations
    for path in annotations:
        path.write_bytes(b"\x81" + path.read_bytes())
    with pytest.raises(BuildError) as err:
        _build(dataset, raw, tmp_path / "out")
    assert any(str(p) in str(err.value) for p in annotations), str(err.value)
