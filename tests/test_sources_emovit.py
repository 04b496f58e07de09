"""`lmms-emotion build-data` for the EmoVIT evaluation datasets (everything but EmoSet).

Each builder reads a generated folder in its dataset's published layout; the tests check
per-class counts per split, split membership, labels (derived here from the raw layout,
independently of the builder), seeded-split reproducibility, and that every bad input
names its file (and row) and is skipped with ``--skip-bad``.
"""

from __future__ import annotations

import csv
import json
import os
from collections import Counter
from pathlib import Path

import pytest

from lmms_emotion.cli import main
from lmms_emotion.records import read_records
from lmms_emotion.scoring.labels import WEBEMO_7_TO_2, WEBEMO_25_TO_7, get_label_set
from lmms_emotion.sources import abstract, artphoto, emotion6, emotionroi, fi, unbiasedemo, webemo
from lmms_emotion.sources.builder_api import BuildError, BuildOptions
from lmms_emotion.sources.release_labels import WEBEMO_RELEASE_ORDER
from lmms_emotion.testing.media_files import write_corrupt_image, write_image
from lmms_emotion.testing.raw_abstract import write_abstract
from lmms_emotion.testing.raw_artphoto import write_artphoto
from lmms_emotion.testing.raw_emotion6 import write_emotion6
from lmms_emotion.testing.raw_emotionroi import write_emotionroi
from lmms_emotion.testing.raw_fi import write_fi
from lmms_emotion.testing.raw_layouts import available_writers
from lmms_emotion.testing.raw_unbiasedemo import write_unbiasedemo
from lmms_emotion.testing.raw_webemo import write_webemo

# --- helpers -------------------------------------------------------------------------------


def _cli_build(dataset: str, raw: Path, root: Path, *extra: str) -> int:
    return main(["build-data", dataset, "--raw", str(raw), "--data-root", str(root), *extra])


def _records(root: Path, dataset: str) -> dict[str, list]:
    folder = root / dataset
    return {p.stem: read_records(p) for p in sorted(folder.glob("*.jsonl")) if not p.name.startswith(".")}


def _counts(records) -> dict[str, int]:
    return dict(Counter(r.answer for r in records))


def _check_membership(root: Path, dataset: str, splits: dict[str, list]) -> None:
    """Every record sits in the file of its split, ids are unique, media resolve, the rule is recorded."""
    ids = [r.id for records in splits.values() for r in records]
    assert len(ids) == len(set(ids))
    sources = [r.meta["source_id"] for records in splits.values() for r in records]
    assert len(sources) == len(set(sources)), "an image is in two splits"
    for split, records in splits.items():
        for record in records:
            assert record.split == split and record.id.startswith(f"{dataset}/{split}/")
            assert record.meta["split_rule"]
            assert (root / dataset / "media" / record.media[0].path).is_file()


def _build(module, raw: Path, root: Path, **kw):
    return module.build(BuildOptions(raw=raw, out_root=root, **kw))


def _split_of(root: Path, dataset: str) -> dict[str, str]:
    return {r.meta["source_id"]: split for split, records in _records(root, dataset).items() for r in records}


def _assert_names(err: pytest.ExceptionInfo, *fragments: str) -> None:
    message = str(err.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert "--skip-bad" in message or "row 1" in message or "does not exist" in message


def test_sample_writers_are_listed_for_every_dataset():
    assert {"fi", "emotion6", "emotionroi", "webemo", "artphoto", "abstract", "unbiasedemo"} <= set(available_writers())


# --- FI ------------------------------------------------------------------------------------


def test_fi_counts_split_and_labels(tmp_path):
    raw = tmp_path / "FI"
    write_fi(raw, per_class=20)
    assert _cli_build("fi", raw, tmp_path / "root") == 0
    splits = _records(tmp_path / "root", "fi")
    # 80/5/15 per class of 20: 3 test, then 1 of the remaining 17 to val
    for split, n in (("train", 16), ("val", 1), ("test", 3)):
        assert _counts(splits[split]) == {label: n for label in get_label_set("mikels8").labels}, split
    _check_membership(tmp_path / "root", "fi", splits)
    for record in (r for records in splits.values() for r in records):
        assert record.media[0].path.startswith(f"emotion_dataset/{record.answer}/")  # label = the class folder
        assert "80%" not in record.meta["split_rule"] and "test 15%, val 5%" in record.meta["split_rule"]
    manifest = json.loads((tmp_path / "root" / "fi" / "manifest.json").read_text())
    assert manifest["splits"]["test"]["count"] == 24 and manifest["ignored_non_image_files"] == 0  # Thumbs.db, README.txt


def test_fi_accepts_the_emotion_dataset_folder_itself(tmp_path):
    write_fi(tmp_path / "FI", per_class=3)
    result = _build(fi, tmp_path / "FI" / "emotion_dataset", tmp_path / "root")
    assert sum(len(r) for r in result.splits.values()) == 24
    assert all(r.media[0].path.split("/")[0] in get_label_set("mikels8").labels for r in result.splits["test"])


def test_fi_seeded_split_is_reproducible_and_seed_dependent(tmp_path):
    raw = tmp_path / "FI"
    write_fi(raw, per_class=10)
    outputs = []
    for name in ("a", "b"):
        assert _cli_build("fi", raw, tmp_path / name) == 0
        outputs.append({p.name: p.read_bytes() for p in (tmp_path / name / "fi").glob("*.json*")
                        if not p.name.startswith(".")})
    assert outputs[0] == outputs[1] and set(outputs[0]) == {"train.jsonl", "val.jsonl", "test.jsonl", "manifest.json"}
    assert _cli_build("fi", raw, tmp_path / "seed1", "--seed", "1") == 0
    assert _split_of(tmp_path / "a", "fi") != _split_of(tmp_path / "seed1", "fi")
    assert "seed 1" in read_records(tmp_path / "seed1" / "fi" / "test.jsonl")[0].meta["split_rule"]


def test_fi_corrupt_image_names_file_and_skipping_it_moves_no_other_image(tmp_path):
    raw = tmp_path / "FI"
    write_fi(raw, per_class=6)
    assert _cli_build("fi", raw, tmp_path / "clean") == 0
    clean = _split_of(tmp_path / "clean", "fi")
    bad = raw / "emotion_dataset" / "fear" / "fear_00003.jpg"
    write_corrupt_image(bad)
    with pytest.raises(BuildError) as err:
        _build(fi, raw, tmp_path / "root")
    _assert_names(err, str(bad.parent), "fear/fear_00003.jpg", "unreadable")
    result = _build(fi, raw, tmp_path / "root2", skip_bad=True)
    assert len(result.skipped) == 1 and "fear_00003.jpg" in result.skipped[0].reason
    kept = {r.meta["source_id"]: split for split, records in result.splits.items() for r in records}
    assert kept == {k: v for k, v in clean.items() if k != "fear/fear_00003"}


def test_fi_unknown_and_missing_emotion_folders(tmp_path):
    raw = tmp_path / "FI"
    write_fi(raw, per_class=2)
    write_image(raw / "emotion_dataset" / "happiness" / "x.jpg")
    with pytest.raises(BuildError) as err:
        _build(fi, raw, tmp_path / "root")
    _assert_names(err, "happiness", "unknown emotion folder 'happiness'")
    assert sum(len(r) for r in _build(fi, raw, tmp_path / "root", skip_bad=True).splits.values()) == 16
    os.rename(raw / "emotion_dataset" / "anger", tmp_path / "anger_moved")
    with pytest.raises(BuildError, match="has no folder for anger"):
        _build(fi, raw, tmp_path / "root", skip_bad=True)


# --- Emotion6 ------------------------------------------------------------------------------


def test_emotion6_category_labels_counts_and_meta(tmp_path):
    raw = tmp_path / "Emotion6"
    expected = write_emotion6(raw, per_class=10)
    assert _cli_build("emotion6", raw, tmp_path / "root") == 0
    splits = _records(tmp_path / "root", "emotion6")
    assert set(splits) == {"train", "test"}
    assert _counts(splits["test"]) == {label: 2 for label in expected["category"]}
    assert _counts(splits["train"]) == {label: 8 for label in expected["category"]}
    _check_membership(tmp_path / "root", "emotion6", splits)
    for record in splits["test"] + splits["train"]:
        assert record.media[0].path.split("/")[1] == record.answer  # images/<category>/n.jpg
        assert set(record.meta["votes"]) == {*get_label_set("ekman6").labels, "neutral"}
        assert abs(sum(record.meta["votes"].values()) - 1) < 1e-3 and 1 <= record.meta["valence"] <= 9


def test_emotion6_vote_rule_leaves_out_neutral_and_ties(tmp_path):
    raw = tmp_path / "Emotion6"
    expected = write_emotion6(raw, per_class=5)
    assert _cli_build("emotion6", raw, tmp_path / "root", "--option", "label=votes") == 0
    splits = _records(tmp_path / "root", "emotion6")
    records = splits["train"] + splits["test"]
    assert _counts(records) == expected["votes"]
    assert all(r.answer == r.meta["vote_winner"] for r in records)
    assert any(r.answer != r.meta["category"] for r in records)
    manifest = json.loads((tmp_path / "root" / "emotion6" / "manifest.json").read_text())
    assert manifest["excluded"] == expected["excluded"] == {"neutral": 6, "tie": 6}
    assert manifest["label_rule"] == "votes"
    assert _cli_build("emotion6", raw, tmp_path / "root", "--option", "label=majority") == 2


def _rewrite_line(path: Path, line_no: int, text: str) -> None:
    lines = path.read_text().splitlines()
    lines[line_no - 1] = text
    path.write_text("\n".join(lines) + "\n")


@pytest.mark.parametrize(
    "line, fragment",
    [
        ("anger/1.jpg\t5.0\t4.0\t0.5", "expected 10 tab-separated fields, got 4"),
        ("anger/1.jpg\tfive\t4.0\t0.6\t0.1\t0.1\t0\t0\t0\t0.2", "must be numbers"),
        ("happy/1.jpg\t5.0\t4.0\t0.6\t0.1\t0.1\t0\t0\t0\t0.2", "unknown category folder 'happy'"),
        ("anger/99.jpg\t5.0\t4.0\t0.6\t0.1\t0.1\t0\t0\t0\t0.2", "images/anger/99.jpg does not exist"),
    ],
)
def test_emotion6_bad_rows_name_file_and_row(tmp_path, line, fragment):
    raw = tmp_path / "Emotion6"
    write_emotion6(raw, per_class=2)
    truth = raw / "ground_truth.txt"
    _rewrite_line(truth, 2, line)
    with pytest.raises(BuildError) as err:
        _build(emotion6, raw, tmp_path / "root")
    _assert_names(err, f"{truth} row 2", fragment)
    result = _build(emotion6, raw, tmp_path / "root", skip_bad=True)
    assert sum(len(r) for r in result.splits.values()) == 11
    assert [(i.row, fragment in i.reason) for i in result.skipped] == [(2, True)]


def test_emotion6_corrupt_image_and_bad_header(tmp_path):
    raw = tmp_path / "Emotion6"
    write_emotion6(raw, per_class=2)
    write_corrupt_image(raw / "images" / "joy" / "2.jpg")
    with pytest.raises(BuildError) as err:
        _build(emotion6, raw, tmp_path / "root")
    _assert_names(err, "ground_truth.txt row", "images/joy/2.jpg", "unreadable")
    _rewrite_line(raw / "ground_truth.txt", 1, "[image_filename]\t[valence]\t[arousal]\t[prob. anger]")
    with pytest.raises(BuildError, match=r"ground_truth.txt row 1: header lacks column\(s\) disgust"):
        _build(emotion6, raw, tmp_path / "root")


def test_emotion6_reads_a_table_without_header(tmp_path):
    raw = tmp_path / "Emotion6"
    write_emotion6(raw, per_class=2)
    truth = raw / "ground_truth.txt"
    truth.write_text("\n".join(truth.read_text().splitlines()[1:]) + "\n")
    result = _build(emotion6, raw, tmp_path / "root")
    assert sum(len(r) for r in result.splits.values()) == 12


# --- EmotionROI ----------------------------------------------------------------------------


def test_emotionroi_uses_the_official_lists(tmp_path):
    raw = tmp_path / "EmotionROI"
    expected = write_emotionroi(raw, per_class={"train": 3, "test": 2})
    assert _cli_build("emotionroi", raw, tmp_path / "root") == 0
    splits = _records(tmp_path / "root", "emotionroi")
    assert {split: _counts(records) for split, records in splits.items()} == expected
    _check_membership(tmp_path / "root", "emotionroi", splits)
    listed = {split: (raw / "training_testing_split" / name).read_text().split()
              for split, name in (("train", "training.txt"), ("test", "testing.txt"))}
    for split, records in splits.items():
        assert sorted(r.media[0].path for r in records) == sorted(f"images/{line}" for line in listed[split])
        assert all(r.answer == r.media[0].path.split("/")[1] for r in records)


@pytest.mark.parametrize(
    "line, fragment",
    [
        ("anger/1.jpg 2", "expected one <class>/<file> path per line"),
        ("1.jpg", "expected one <class>/<file> path per line"),
        ("happy/1.jpg", "unknown class 'happy'"),
        ("anger/404.jpg", "images/anger/404.jpg does not exist"),
    ],
)
def test_emotionroi_bad_lines_name_file_and_row(tmp_path, line, fragment):
    raw = tmp_path / "EmotionROI"
    write_emotionroi(raw, per_class={"train": 2, "test": 1})
    testing = raw / "training_testing_split" / "testing.txt"
    _rewrite_line(testing, 3, line)
    with pytest.raises(BuildError) as err:
        _build(emotionroi, raw, tmp_path / "root")
    _assert_names(err, f"{testing} row 3", fragment)
    result = _build(emotionroi, raw, tmp_path / "root", skip_bad=True)
    assert len(result.splits["test"]) == 5 and len(result.splits["train"]) == 12
    assert result.skipped[0].row == 3


def test_emotionroi_backslashes_duplicates_and_corrupt_images(tmp_path):
    raw = tmp_path / "EmotionROI"
    write_emotionroi(raw, per_class={"train": 2, "test": 1})
    training = raw / "training_testing_split" / "training.txt"
    first = training.read_text().splitlines()[0]
    _rewrite_line(training, 1, first.replace("/", "\\"))
    assert len(_build(emotionroi, raw, tmp_path / "root").splits["train"]) == 12
    testing = raw / "training_testing_split" / "testing.txt"
    testing.write_text(testing.read_text() + first + "\n")
    with pytest.raises(BuildError, match=rf"testing.txt row 7: image {first} is already listed in training.txt row 1"):
        _build(emotionroi, raw, tmp_path / "root")
    testing.write_text("\n".join(testing.read_text().splitlines()[:-1]) + "\n")
    write_corrupt_image(raw / "images" / first)
    with pytest.raises(BuildError) as err:
        _build(emotionroi, raw, tmp_path / "root")
    _assert_names(err, "training.txt row 1", f"images/{first}", "unreadable")


# --- WEBEmo --------------------------------------------------------------------------------


def test_webemo_hierarchy_is_parrotts_with_confusion_apart():
    children = Counter(WEBEMO_25_TO_7.values())
    assert children == {"love": 3, "joy": 7, "surprise": 1, "anger": 5, "confusion": 1, "fear": 2, "sadness": 6}
    assert set(WEBEMO_25_TO_7) == set(get_label_set("webemo25").labels)
    assert set(WEBEMO_7_TO_2) == set(get_label_set("webemo7").labels)
    assert Counter(WEBEMO_7_TO_2.values()) == {"positive": 3, "negative": 4}
    assert list(WEBEMO_RELEASE_ORDER) == sorted(WEBEMO_RELEASE_ORDER) and len(WEBEMO_RELEASE_ORDER) == 25


def test_webemo_builds_three_levels_from_one_release(tmp_path):
    raw = tmp_path / "WEBEmo"
    expected = write_webemo(raw, per_class={"train": 2, "test": 1})
    root = tmp_path / "root"
    assert _cli_build("webemo", raw, root) == 0
    fine = _records(root, "webemo25")
    assert {split: _counts(records) for split, records in fine.items()} == expected
    lists = {split: [line.split() for line in (raw / f"{split}25.txt").read_text().splitlines()]
             for split in ("train", "test")}
    for split, records in fine.items():
        by_url = {r.meta["url"]: r for r in records}
        assert set(by_url) == {url for url, _ in lists[split]}
        for url, index in lists[split]:
            record = by_url[url]
            release_name = WEBEMO_RELEASE_ORDER[int(index)]
            assert record.answer == {"cheerfullness": "cheerfulness", "irritabilty": "irritability"}.get(release_name, release_name)
            assert record.media[0].path.endswith(url.rsplit("/", 1)[1])
    for level in ("webemo7", "webemo2"):
        coarse = _records(root, level)
        assert set(coarse) == {"train", "test"} and (root / level / "media").is_dir()
        _check_membership(root, level, coarse)
        for split in ("train", "test"):
            fine_by_id = {r.meta["source_id"]: r for r in fine[split]}
            for record in coarse[split]:
                parent = WEBEMO_25_TO_7[fine_by_id[record.meta["source_id"]].answer]
                assert record.answer == (parent if level == "webemo7" else WEBEMO_7_TO_2[parent])
                assert record.label_set == level and record.media == fine_by_id[record.meta["source_id"]].media
    assert _counts(_records(root, "webemo7")["test"]) == {"love": 3, "joy": 7, "surprise": 1, "anger": 5,
                                                          "confusion": 1, "fear": 2, "sadness": 6}


@pytest.mark.parametrize(
    "line, fragment",
    [
        ("https://t4.ftcdn.net/jpg/x.jpg", "expected '<image URL> <class index>'"),
        ("https://t4.ftcdn.net/jpg/x.jpg 25", "class index must be 0-24, got '25'"),
        ("https://t4.ftcdn.net/jpg/x.jpg rage", "class index must be 0-24, got 'rage'"),
        ("https://t4.ftcdn.net/jpg/never_downloaded.jpg 3", "image never_downloaded.jpg (from https://t4.ftcdn.net"),
    ],
)
def test_webemo_bad_lines_name_file_and_row(tmp_path, line, fragment):
    raw = tmp_path / "WEBEmo"
    write_webemo(raw, per_class={"train": 0, "test": 1})
    test_list = raw / "test25.txt"
    _rewrite_line(test_list, 4, line)
    with pytest.raises(BuildError) as err:
        _build(webemo, raw, tmp_path / "root")
    _assert_names(err, f"{test_list} row 4", fragment)
    results = _build(webemo, raw, tmp_path / "root", skip_bad=True)
    assert [r.dataset for r in results] == ["webemo25", "webemo7", "webemo2"]
    assert all(len(r.splits["test"]) == 24 and r.skipped[0].row == 4 for r in results)


def test_webemo_corrupt_and_ambiguous_images(tmp_path):
    raw = tmp_path / "WEBEmo"
    write_webemo(raw, per_class={"train": 0, "test": 1})
    url, index = (raw / "test25.txt").read_text().splitlines()[0].split()
    name = url.rsplit("/", 1)[1]
    (found,) = [p for p in (raw / "images").rglob(f"*{name}")]
    write_corrupt_image(found)
    with pytest.raises(BuildError) as err:
        _build(webemo, raw, tmp_path / "root")
    _assert_names(err, "test25.txt row 1", name, "unreadable")
    write_image(raw / "images" / "elsewhere" / f"{index}_{name}")
    with pytest.raises(BuildError, match=r"test25.txt row 1: image .* 2 files"):
        _build(webemo, raw, tmp_path / "root")


def test_webemo_needs_lists_and_images(tmp_path):
    with pytest.raises(BuildError, match="no train25.txt or test25.txt"):
        _build(webemo, tmp_path, tmp_path / "root")
    (tmp_path / "test25.txt").write_text("https://x/y.jpg 1\n")
    with pytest.raises(BuildError, match="image folder .*images does not exist"):
        _build(webemo, tmp_path, tmp_path / "root")


# --- ArtPhoto ------------------------------------------------------------------------------


def test_artphoto_labels_from_file_names(tmp_path):
    raw = tmp_path / "testImages_artphoto"
    write_artphoto(raw, per_class=5)
    assert _cli_build("artphoto", raw, tmp_path / "root") == 0
    splits = _records(tmp_path / "root", "artphoto")
    labels = get_label_set("mikels8").labels
    assert _counts(splits["test"]) == dict.fromkeys(labels, 1) and _counts(splits["train"]) == dict.fromkeys(labels, 4)
    _check_membership(tmp_path / "root", "artphoto", splits)
    prefix_label = {"sad": "sadness"}
    for record in splits["train"] + splits["test"]:
        prefix = record.media[0].path.split("_")[0]
        assert record.answer == prefix_label.get(prefix, prefix)
    assert any(r.media[0].path.startswith("sad_") for r in splits["train"])


def test_artphoto_seeded_split_is_reproducible(tmp_path):
    raw = tmp_path / "art"
    write_artphoto(raw, per_class=5)
    first = _split_of_build(artphoto, raw, tmp_path / "a", seed=0)
    assert first == _split_of_build(artphoto, raw, tmp_path / "b", seed=0)
    assert first != _split_of_build(artphoto, raw, tmp_path / "c", seed=3)


def _split_of_build(module, raw: Path, root: Path, seed: int) -> dict[str, str]:
    result = _build(module, raw, root, seed=seed)
    return {r.meta["source_id"]: split for split, records in result.splits.items() for r in records}


@pytest.mark.parametrize("name, fragment", [("happy_1.jpg", "got 'happy_1.jpg'"), ("untitled.jpg", "got 'untitled.jpg'")])
def test_artphoto_unknown_prefix_names_the_file(tmp_path, name, fragment):
    raw = tmp_path / "art"
    write_artphoto(raw, per_class=2)
    write_image(raw / name)
    with pytest.raises(BuildError) as err:
        _build(artphoto, raw, tmp_path / "root")
    _assert_names(err, str(raw / name), fragment)
    assert sum(len(r) for r in _build(artphoto, raw, tmp_path / "root", skip_bad=True).splits.values()) == 16


def test_artphoto_corrupt_and_missing_images(tmp_path):
    raw = tmp_path / "art"
    write_artphoto(raw, per_class=2)
    write_corrupt_image(raw / "awe_2.jpg")
    with pytest.raises(BuildError) as err:
        _build(artphoto, raw, tmp_path / "root")
    _assert_names(err, "awe_2.jpg", "unreadable")
    (raw / "awe_2.jpg").unlink()
    (raw / "fear_9.jpg").symlink_to(tmp_path / "gone.jpg")  # a dangling link: listed, but the file is missing
    with pytest.raises(BuildError) as err:
        _build(artphoto, raw, tmp_path / "root")
    _assert_names(err, str(raw / "fear_9.jpg"), "file does not exist")
    result = _build(artphoto, raw, tmp_path / "root", skip_bad=True)
    assert sum(len(r) for r in result.splits.values()) == 15 and len(result.skipped) == 1


# --- Abstract ------------------------------------------------------------------------------


def test_abstract_majority_labels_and_ties(tmp_path):
    raw = tmp_path / "testImages_abstract"
    expected = write_abstract(raw, per_class=5, ties=3)
    assert _cli_build("abstract", raw, tmp_path / "root") == 0
    splits = _records(tmp_path / "root", "abstract")
    assert _counts(splits["train"] + splits["test"]) == expected["all"]
    assert _counts(splits["test"]) == dict.fromkeys(expected["all"], 1)
    _check_membership(tmp_path / "root", "abstract", splits)
    with (raw / "ABSTRACT_groundTruth.csv").open() as handle:
        rows = list(csv.reader(handle))
    header = [c.strip("'").lower() for c in rows[0][1:]]
    votes = {row[0].strip("'"): dict(zip(header, map(int, row[1:]))) for row in rows[1:]}
    for record in splits["train"] + splits["test"]:
        counts = votes[record.media[0].path]
        assert record.answer == expected["labels"][record.media[0].path]
        assert max(counts.values()) == counts[{"contentment": "content", "sadness": "sad"}.get(record.answer, record.answer)]
    manifest = json.loads((tmp_path / "root" / "abstract" / "manifest.json").read_text())
    assert manifest["excluded"] == {"tie": 3}


@pytest.mark.parametrize(
    "row, fragment",
    [
        ("'1.jpg',1,2,3", "expected 9 comma-separated fields, got 4"),
        ("'1.jpg',1,2,3,x,5,6,7,8", "vote counts must be whole non-negative numbers"),
        ("'1.jpg',1,2,3,-4,5,6,7,8", "vote counts must be whole non-negative numbers"),
        ("'missing.jpg',9,0,0,0,0,0,0,0", "image missing.jpg does not exist"),
    ],
)
def test_abstract_bad_rows_name_file_and_row(tmp_path, row, fragment):
    raw = tmp_path / "abs"
    write_abstract(raw, per_class=2, ties=0)
    table = raw / "ABSTRACT_groundTruth.csv"
    _rewrite_line(table, 2, row)
    with pytest.raises(BuildError) as err:
        _build(abstract, raw, tmp_path / "root")
    _assert_names(err, f"{table} row 2", fragment)
    result = _build(abstract, raw, tmp_path / "root", skip_bad=True)
    assert sum(len(r) for r in result.splits.values()) == 15 and result.skipped[0].row == 2


def test_abstract_bad_header_and_corrupt_image(tmp_path):
    raw = tmp_path / "abs"
    write_abstract(raw, per_class=2, ties=0)
    write_corrupt_image(raw / "3.jpg")
    with pytest.raises(BuildError) as err:
        _build(abstract, raw, tmp_path / "root")
    _assert_names(err, "ABSTRACT_groundTruth.csv row 4", "3.jpg", "unreadable")
    table = raw / "ABSTRACT_groundTruth.csv"
    _rewrite_line(table, 1, ",'Amusement','Anger','Awe','Content','Disgust','Excitement','Fear','Happy'")
    with pytest.raises(BuildError, match=r"row 1: column 9 header 'Happy' is not one of the eight emotions"):
        _build(abstract, raw, tmp_path / "root")


# --- UnbiasedEmo ---------------------------------------------------------------------------


def test_unbiasedemo_counts_objects_and_stratified_split(tmp_path):
    raw = tmp_path / "UnBiasedEmo"
    write_unbiasedemo(raw, per_object=5, objects=("baby", "dog"))
    assert _cli_build("unbiasedemo", raw, tmp_path / "root") == 0
    splits = _records(tmp_path / "root", "unbiasedemo")
    labels = get_label_set("unbiasedemo6").labels
    assert _counts(splits["test"]) == dict.fromkeys(labels, 2) and _counts(splits["train"]) == dict.fromkeys(labels, 8)
    # one test image per (emotion, object): the split is stratified within each object too
    assert Counter((r.answer, r.meta["object"]) for r in splits["test"]) == {(l, o): 1 for l in labels for o in ("baby", "dog")}
    _check_membership(tmp_path / "root", "unbiasedemo", splits)
    for record in splits["train"] + splits["test"]:
        _, emotion, obj, _ = record.media[0].path.split("/")
        assert (record.answer, record.meta["object"]) == (emotion, obj)


def test_unbiasedemo_bad_folders_and_images(tmp_path):
    raw = tmp_path / "UnBiasedEmo"
    write_unbiasedemo(raw, per_object=2)
    write_image(raw / "images" / "disgust" / "food" / "1.jpg")
    with pytest.raises(BuildError) as err:
        _build(unbiasedemo, raw, tmp_path / "root")
    _assert_names(err, str(raw / "images" / "disgust"), "unknown emotion folder 'disgust'")
    result = _build(unbiasedemo, raw, tmp_path / "root", skip_bad=True)
    assert sum(len(r) for r in result.splits.values()) == 36
    import shutil

    shutil.rmtree(raw / "images" / "disgust")
    write_corrupt_image(raw / "images" / "love" / "dog" / "dog_love_1.jpg")
    with pytest.raises(BuildError) as err:
        _build(unbiasedemo, raw, tmp_path / "root", skip_bad=False)
    _assert_names(err, "love/dog/dog_love_1.jpg", "unreadable")
    os.rename(raw / "images" / "surprise", tmp_path / "moved")
    with pytest.raises(BuildError, match="has no folder for surprise"):
        _build(unbiasedemo, raw, tmp_path / "root", skip_bad=True)


# --- build-data command ----------------------------------------------------------------------


def test_cli_rejects_malformed_and_unknown_options(tmp_path, capsys):
    write_emotion6(tmp_path / "e6", per_class=1)
    assert _cli_build("emotion6", tmp_path / "e6", tmp_path / "root", "--option", "labelvotes") == 2
    assert "--option expects KEY=VALUE" in capsys.readouterr().err
    assert _cli_build("emotion6", tmp_path / "e6", tmp_path / "root", "--option", "rule=votes") == 2
    assert "emotion6 takes no --option rule (its options: label=category|votes)" in capsys.readouterr().err
    write_artphoto(tmp_path / "art", per_class=1)
    assert _cli_build("artphoto", tmp_path / "art", tmp_path / "root", "--option", "label=votes") == 2
    assert "artphoto takes no --option label (its options: none)" in capsys.readouterr().err
    assert not (tmp_path / "root" / "artphoto").exists()
