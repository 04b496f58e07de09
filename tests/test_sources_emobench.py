"""`lmms-emotion build-data` for the EmoBench sources (MELD, MIntRec, MUStARD, UR-FUNNY, Hateful Memes,
Memotion, MMSD2.0, Intentonomy).

Each builder reads a generated folder in its source's published layout (real MP4 clips,
images, CSV/TSV/JSON/JSONL/pickle annotation files). The tests check per-class counts per
split, labels and text against the raw files (read here independently of the builder),
split membership, seeded-split reproducibility, that every bad input names its file and row
(and is skipped and reported with ``--skip-bad``), and that pickles are refused without the
explicit flag.
"""

from __future__ import annotations

import csv
import json
import pickle
import shutil
from collections import Counter
from pathlib import Path

import pytest

from lmms_emotion.cli import main
from lmms_emotion.records import read_records
from lmms_emotion.scoring.labels import get_label_set
from lmms_emotion.sources import (
    available_sources,
    hateful_memes,
    intentonomy,
    meld,
    memotion,
    mintrec,
    mmsd2,
    mustard,
    urfunny,
)
from lmms_emotion.sources.builder_api import BuildError, BuildOptions
from lmms_emotion.sources.release_labels import MINTREC_COARSE, get_dataset_table
from lmms_emotion.testing.media_files import (
    write_corrupt_image,
    write_corrupt_video,
    write_not_an_image,
)
from lmms_emotion.testing.raw_hateful_memes import write_hateful_memes
from lmms_emotion.testing.raw_intentonomy import write_intentonomy
from lmms_emotion.testing.raw_layouts import available_writers
from lmms_emotion.testing.raw_meld import clip_path, write_meld
from lmms_emotion.testing.raw_memotion import FUNNY, write_memotion
from lmms_emotion.testing.raw_mintrec import write_mintrec
from lmms_emotion.testing.raw_mmsd2 import write_mmsd2
from lmms_emotion.testing.raw_mustard import write_mustard
from lmms_emotion.testing.raw_urfunny import write_urfunny

EMOBENCH_SOURCES = ("meld", "mintrec", "mustard", "urfunny", "hateful_memes", "memotion", "mmsd2", "intentonomy")
CONTRACT = {  # build-data name -> (task, modality, label set)
    "intentonomy": ("intent", "image", "intentonomy28"),
    "hateful_memes": ("hate", "image", "yes_no"),
    "memotion": ("humor", "image", "yes_no"),
    "mmsd2": ("sarcasm", "image", "yes_no"),
    "meld": ("emotion_closed", "video", "meld7"),
    "mintrec": ("intent", "video", "mintrec20"),
    "urfunny": ("humor", "video", "yes_no"),
    "mustard": ("sarcasm", "video", "yes_no"),
}

# --- helpers -------------------------------------------------------------------------------


def _cli_build(dataset: str, raw: Path, root: Path, *extra: str) -> int:
    return main(["build-data", dataset, "--raw", str(raw), "--data-root", str(root), *extra])


def _build(module, raw: Path, root: Path, **kw):
    return module.build(BuildOptions(raw=raw, out_root=root, **kw))


def _records(root: Path, dataset: str) -> dict[str, list]:
    folder = root / dataset
    return {p.stem: read_records(p) for p in sorted(folder.glob("*.jsonl")) if not p.name.startswith(".")}


def _built_files(root: Path, dataset: str) -> dict[str, bytes]:
    """Record files and manifest of a build (not the verification cache), by name."""
    return {p.name: p.read_bytes() for p in (root / dataset).glob("*.json*") if not p.name.startswith(".")}


def _counts(records) -> dict[str, int]:
    return dict(Counter(r.answer for r in records))


def _all(splits: dict[str, list]) -> list:
    return [r for records in splits.values() for r in records]


def _check_records(root: Path, dataset: str, splits: dict[str, list]) -> None:
    """Ids unique, each record in its split's file, contract fields, media resolving, split rule recorded."""
    task, modality, label_set = CONTRACT[dataset]
    ids = [r.id for r in _all(splits)]
    assert len(ids) == len(set(ids))
    labels = get_label_set(label_set)
    for split, records in splits.items():
        for record in records:
            assert record.split == split and record.id == f"{dataset}/{split}/{record.meta['source_id']}"
            assert (record.task, record.modality, record.label_set, record.source) == (task, modality, label_set,
                                                                                      dataset)
            assert record.answer in labels
            assert record.meta["split_rule"]
            assert (root / dataset / "media" / record.media[0].path).is_file()


def _assert_names(err: pytest.ExceptionInfo, *fragments: str) -> None:
    message = str(err.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def _fresh(pristine: Path, tmp_path: Path, name: str = "raw") -> Path:
    """A private copy of a generated raw folder, safe to damage."""
    target = tmp_path / name
    shutil.copytree(pristine, target, symlinks=True)
    return target


def _replace_line(path: Path, line_no: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line_no - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _skip_one(module, raw: Path, root: Path, expected_total: int, row: int, fragment: str) -> None:
    """With --skip-bad the build goes on: one item fewer, one issue naming the row."""
    result = _build(module, raw, root, skip_bad=True)
    assert sum(len(r) for r in result.splits.values()) == expected_total - 1
    assert [(issue.row, fragment in issue.reason) for issue in result.skipped] == [(row, True)], result.skipped


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, tuple[Path, object]]:
    """One pristine generated raw folder per source, with the counts its writer reports."""
    base = tmp_path_factory.mktemp("emobench_raw")
    return {
        "meld": (base / "meld", write_meld(base / "meld")),
        "mintrec": (base / "mintrec", write_mintrec(base / "mintrec")),
        "mustard": (base / "mustard", write_mustard(base / "mustard", per_class=6)),
        "urfunny": (base / "urfunny", write_urfunny(base / "urfunny", fmt="pickle")),
        "urfunny_json": (base / "urfunny_json", write_urfunny(base / "urfunny_json", fmt="json")),
        "hateful_memes": (base / "hateful_memes", write_hateful_memes(base / "hateful_memes")),
        "memotion": (base / "memotion", write_memotion(base / "memotion")),
        "mmsd2": (base / "mmsd2", write_mmsd2(base / "mmsd2")),
        "intentonomy": (base / "intentonomy", write_intentonomy(base / "intentonomy")),
    }


def test_every_emobench_source_has_a_builder_and_a_sample_writer():
    assert set(EMOBENCH_SOURCES) <= set(available_sources())
    assert set(EMOBENCH_SOURCES) <= set(available_writers())


# --- MELD ----------------------------------------------------------------------------------


def test_meld_counts_labels_text_and_meta(generated, tmp_path):
    raw, expected = generated["meld"]
    assert _cli_build("meld", raw, tmp_path / "root") == 0
    splits = _records(tmp_path / "root", "meld")
    assert {split: _counts(records) for split, records in splits.items()} == expected
    _check_records(tmp_path / "root", "meld", splits)
    rows = {}
    for split, name in (("train", "train_sent_emo.csv"), ("val", "dev_sent_emo.csv"), ("test", "test_sent_emo.csv")):
        with (raw / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                rows[(split, f"dia{row['Dialogue_ID']}_utt{row['Utterance_ID']}")] = row
    assert len(rows) == sum(len(r) for r in splits.values())
    for record in _all(splits):
        row = rows[(record.split, record.meta["source_id"])]
        assert record.text == row["Utterance"] and record.answer == row["Emotion"]
        assert record.meta["speaker"] == row["Speaker"] and record.meta["sentiment"] == row["Sentiment"]
        assert record.meta["start_time"] == row["StartTime"]
        folder = {"train": "train/train_splits", "val": "dev/dev_splits_complete",
                  "test": "test/output_repeated_splits_test"}[record.split]
        assert record.media[0].path == f"{folder}/{record.meta['source_id']}.mp4"
    assert any("," in r.text for r in _all(splits)) and any("’" in r.text for r in _all(splits))
    manifest = json.loads((tmp_path / "root" / "meld" / "manifest.json").read_text())
    assert manifest["splits"]["val"]["count"] == 7 and "dev named val" in manifest["split_rule"]


def test_meld_reads_clip_folders_unpacked_directly_into_the_raw_folder(tmp_path):
    expected = write_meld(tmp_path / "flat", per_class={"test": 1}, nested=False)
    result = _build(meld, tmp_path / "flat", tmp_path / "root")
    assert {split: _counts(r) for split, r in result.splits.items()} == expected
    assert result.splits["test"][0].media[0].path.startswith("output_repeated_splits_test/")


@pytest.mark.parametrize(
    "line, fragment",
    [
        ('1,Hello there,Chandler,happiness,positive,0,0,1,1,"00:00:01,000","00:00:02,000"', "unknown emotion 'happiness'"),
        ("1,Hello there,Chandler,joy,positive,0", "expected 11 comma-separated fields, got 6"),
        ('1,Hello there,Chandler,joy,positive,zero,0,1,1,"00:00:01,000","00:00:02,000"', "must be whole numbers"),
        ('1,Hello there,Chandler,joy,positive,99,0,1,1,"00:00:01,000","00:00:02,000"',
         "clip test/output_repeated_splits_test/dia99_utt0.mp4 does not exist"),
    ],
)
def test_meld_bad_rows_name_file_and_row(generated, tmp_path, line, fragment):
    raw = _fresh(generated["meld"][0], tmp_path)
    csv_path = raw / "test_sent_emo.csv"
    _replace_line(csv_path, 3, line)
    with pytest.raises(BuildError) as err:
        _build(meld, raw, tmp_path / "root")
    _assert_names(err, f"{csv_path} row 3", fragment, "--skip-bad")
    _skip_one(meld, raw, tmp_path / "root", 28, 3, fragment)


def test_meld_corrupt_clip_names_the_clip_and_row(generated, tmp_path):
    raw = _fresh(generated["meld"][0], tmp_path)
    write_corrupt_video(clip_path(raw, "val", 1, 0))
    with pytest.raises(BuildError) as err:
        _build(meld, raw, tmp_path / "root")
    _assert_names(err, "dev_sent_emo.csv row 5", "clip dev/dev_splits_complete/dia1_utt0.mp4 is unreadable")
    _skip_one(meld, raw, tmp_path / "root", 28, 5, "dia1_utt0.mp4 is unreadable")


def test_meld_missing_clip_folder_and_header_column(generated, tmp_path):
    raw = _fresh(generated["meld"][0], tmp_path)
    shutil.rmtree(raw / "dev")
    with pytest.raises(BuildError, match="dev_sent_emo.csv is present but its clips are not"):
        _build(meld, raw, tmp_path / "root")
    (raw / "dev_sent_emo.csv").unlink()
    _replace_line(raw / "test_sent_emo.csv", 1, "Sr No.,Utterance,Speaker,Feeling,Sentiment,Dialogue_ID,Utterance_ID")
    with pytest.raises(BuildError, match=r"test_sent_emo.csv row 1: header lacks column\(s\) Emotion"):
        _build(meld, raw, tmp_path / "root")


# --- MIntRec -------------------------------------------------------------------------------


def _tsv_rows(path: Path) -> dict[str, list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return {"_".join(cells[:3]): cells for cells in (line.split("\t") for line in lines)}


def test_mintrec_counts_labels_text_and_coarse_intent(generated, tmp_path):
    raw, expected = generated["mintrec"]
    assert _cli_build("mintrec", raw, tmp_path / "root") == 0
    splits = _records(tmp_path / "root", "mintrec")
    assert {split: _counts(records) for split, records in splits.items()} == expected
    _check_records(tmp_path / "root", "mintrec", splits)
    table = get_dataset_table("mintrec")
    for split, name in (("train", "train.tsv"), ("val", "dev.tsv"), ("test", "test.tsv")):
        rows = _tsv_rows(raw / name)
        assert {r.meta["source_id"] for r in splits[split]} == set(rows)
        for record in splits[split]:
            season, episode, clip, text, label = rows[record.meta["source_id"]]
            assert record.text == text and record.answer == table.label_for(label)
            assert record.media[0].path == f"raw_data/{season}/{episode}/{clip}.mp4"
            assert record.meta["coarse_intent"] == MINTREC_COARSE[record.answer]
    answers = {r.meta["raw_label"]: r.answer for r in _all(splits)}
    assert answers["Apologise"] == "apologize" and answers["Ask for help"] == "ask for help"
    assert any('"' in r.text for r in _all(splits))  # bare quotes survive: the TSV is read without quoting


@pytest.mark.parametrize(
    "line, fragment",
    [
        ("S04\tE01\t1\thello\tBeg", "unknown intent 'Beg'"),
        ("S04\tE01\t1\thello", "expected 5 tab-separated fields, got 4"),
        ("S04\tE01\t9999\thello\tGreet", "clip raw_data/S04/E01/9999.mp4 does not exist"),
        ("S04\t..\t1\thello\tGreet", "must name a clip folder"),
    ],
)
def test_mintrec_bad_rows_name_file_and_row(generated, tmp_path, line, fragment):
    raw = _fresh(generated["mintrec"][0], tmp_path)
    _replace_line(raw / "dev.tsv", 4, line)
    with pytest.raises(BuildError) as err:
        _build(mintrec, raw, tmp_path / "root")
    _assert_names(err, f"{raw / 'dev.tsv'} row 4", fragment)
    _skip_one(mintrec, raw, tmp_path / "root", 60, 4, fragment)


def test_mintrec_accepts_snake_case_labels_and_reports_corrupt_clips(generated, tmp_path):
    raw = _fresh(generated["mintrec"][0], tmp_path)
    test_tsv = raw / "test.tsv"
    test_tsv.write_text(test_tsv.read_text().replace("\tAsk for help\n", "\task_help\n"))
    season, episode, clip = test_tsv.read_text().splitlines()[2].split("\t")[:3]
    write_corrupt_video(raw / "raw_data" / season / episode / f"{clip}.mp4")
    with pytest.raises(BuildError) as err:
        _build(mintrec, raw, tmp_path / "root")
    _assert_names(err, "test.tsv row 3", f"clip raw_data/{season}/{episode}/{clip}.mp4 is unreadable")
    result = _build(mintrec, raw, tmp_path / "root", skip_bad=True)
    assert _counts(result.splits["test"])["ask for help"] == 1 and len(result.splits["test"]) == 19


# --- MUStARD -------------------------------------------------------------------------------


def test_mustard_seeded_split_counts_text_context_and_reproducibility(generated, tmp_path):
    raw = generated["mustard"][0]
    outputs = []
    for name in ("a", "b"):
        assert _cli_build("mustard", raw, tmp_path / name) == 0
        outputs.append(_built_files(tmp_path / name, "mustard"))
    assert outputs[0] == outputs[1] and set(outputs[0]) == {"train.jsonl", "test.jsonl", "manifest.json"}
    splits = _records(tmp_path / "a", "mustard")
    assert _counts(splits["test"]) == {"yes": 1, "no": 1} and _counts(splits["train"]) == {"yes": 5, "no": 5}
    _check_records(tmp_path / "a", "mustard", splits)
    data = json.loads((raw / "sarcasm_data.json").read_text())
    assert {r.meta["source_id"] for r in _all(splits)} == set(data)
    for record in _all(splits):
        entry = data[record.meta["source_id"]]
        assert record.text == entry["utterance"] and record.answer == ("yes" if entry["sarcasm"] else "no")
        assert record.meta["context"] == entry["context"] and record.meta["show"] == entry["show"]
        assert record.media[0].path == f"mmsd_raw_data/utterances_final/{record.meta['source_id']}.mp4"
        context_clip = raw / "mmsd_raw_data" / "context_final" / f"{record.meta['source_id']}_c.mp4"
        assert record.meta.get("context_clip") == (f"mmsd_raw_data/context_final/{context_clip.name}"
                                                   if context_clip.exists() else None)
        assert "seed 0" in record.meta["split_rule"] and "test 20%" in record.meta["split_rule"]
    seeds = set()
    for seed in ("1", "2", "3"):
        assert _cli_build("mustard", raw, tmp_path / f"s{seed}", "--seed", seed) == 0
        seeds.add(frozenset(r.id for r in _records(tmp_path / f"s{seed}", "mustard")["test"]))
    assert len(seeds | {frozenset(r.id for r in splits["test"])}) > 1  # the seed moves the split


def test_mustard_speaker_independent_split_tests_on_friends(generated, tmp_path):
    raw, expected = generated["mustard"]
    assert _cli_build("mustard", raw, tmp_path / "root", "--option", "split=speaker_independent") == 0
    splits = _records(tmp_path / "root", "mustard")
    assert {r.meta["show"] for r in splits["test"]} == {"FRIENDS"}
    assert "FRIENDS" not in {r.meta["show"] for r in splits["train"]}
    assert _counts(splits["test"]) == {k: v for k, v in expected["friends"].items() if v}
    assert _cli_build("mustard", raw, tmp_path / "root", "--option", "split=random") == 2


@pytest.mark.parametrize(
    "change, fragment",
    [
        (lambda e: e.update(sarcasm="maybe"), "sarcasm must be true or false, got 'maybe'"),
        (lambda e: e.pop("utterance"), "utterance must be a non-empty string"),
        (lambda e: e.update(context="not a list"), "context must be a list of strings"),
    ],
)
def test_mustard_bad_entries_name_file_row_and_id(generated, tmp_path, change, fragment):
    raw = _fresh(generated["mustard"][0], tmp_path)
    path = raw / "sarcasm_data.json"
    data = json.loads(path.read_text())
    key = list(data)[2]
    change(data[key])
    path.write_text(json.dumps(data, indent=4))
    with pytest.raises(BuildError) as err:
        _build(mustard, raw, tmp_path / "root")
    _assert_names(err, f"{path} row 3", f"entry {key!r}", fragment)
    _skip_one(mustard, raw, tmp_path / "root", 12, 3, fragment)


def test_mustard_missing_and_corrupt_clips(generated, tmp_path):
    raw = _fresh(generated["mustard"][0], tmp_path)
    keys = list(json.loads((raw / "sarcasm_data.json").read_text()))
    (raw / "mmsd_raw_data" / "utterances_final" / f"{keys[0]}.mp4").unlink()
    write_not_an_image(raw / "mmsd_raw_data" / "utterances_final" / f"{keys[4]}.mp4")
    with pytest.raises(BuildError) as err:
        _build(mustard, raw, tmp_path / "root")
    _assert_names(err, "sarcasm_data.json row 1", f"utterances_final/{keys[0]}.mp4 does not exist")
    result = _build(mustard, raw, tmp_path / "root", skip_bad=True)
    assert [(i.row, "does not exist" in i.reason or "is unreadable" in i.reason) for i in result.skipped] == \
        [(1, True), (5, True)]
    assert sum(len(r) for r in result.splits.values()) == 10


# --- UR-FUNNY ------------------------------------------------------------------------------


def test_urfunny_pickles_are_refused_without_the_flag(generated, tmp_path):
    raw = generated["urfunny"][0]
    with pytest.raises(BuildError) as err:
        _build(urfunny, raw, tmp_path / "root")
    _assert_names(err, "pickles", "can run arbitrary code", "--option allow_pickle=true", "urfunny_dataset_")
    assert not (tmp_path / "root" / "urfunny").exists()
    assert _cli_build("urfunny", raw, tmp_path / "root", "--option", "allow_pickle=yes") == 2
    assert _cli_build("urfunny", raw, tmp_path / "root", "--option", "allow_pickles=true") == 2  # unknown key


def test_urfunny_pickles_with_the_flag_and_the_json_export_give_the_same_records(generated, tmp_path):
    raw, expected = generated["urfunny"]
    assert _cli_build("urfunny", raw, tmp_path / "p", "--option", "allow_pickle=true") == 0
    from_pickle = _records(tmp_path / "p", "urfunny")
    assert {split: _counts(records) for split, records in from_pickle.items()} == expected
    _check_records(tmp_path / "p", "urfunny", from_pickle)
    with (raw / "language_sdk.pkl").open("rb") as handle:
        language = pickle.load(handle)  # our own generated file
    with (raw / "humor_label_sdk.pkl").open("rb") as handle:
        labels = pickle.load(handle)
    for record in _all(from_pickle):
        segment = int(record.meta["source_id"])
        assert record.text == language[segment]["punchline_sentence"]
        assert record.meta["context"] == language[segment]["context_sentences"]
        assert record.answer == ("yes" if labels[segment] else "no")
        assert record.media[0].path == f"urfunny2_videos/{segment}.mp4"
    assert _cli_build("urfunny", generated["urfunny_json"][0], tmp_path / "j") == 0
    from_json = _records(tmp_path / "j", "urfunny")
    assert {(r.id, r.text, r.answer) for r in _all(from_json)} == {(r.id, r.text, r.answer) for r in _all(from_pickle)}


def test_urfunny_allow_list_refuses_a_pickle_naming_other_globals(generated, tmp_path):
    raw = _fresh(generated["urfunny"][0], tmp_path)

    class Payload:
        def __reduce__(self):
            return (print, ("this must never run",))

    with (raw / "humor_label_sdk.pkl").open("wb") as handle:
        pickle.dump({107: Payload()}, handle)
    with pytest.raises(BuildError) as err:
        _build(urfunny, raw, tmp_path / "root", extra={"allow_pickle": "true"})
    _assert_names(err, "humor_label_sdk.pkl", "refusing global builtins.print")


def test_urfunny_bad_labels_text_and_clips_name_file_and_row(generated, tmp_path):
    raw = _fresh(generated["urfunny_json"][0], tmp_path)
    path = raw / "urfunny_dataset_test.json"
    data = json.loads(path.read_text())
    first, second = list(data)
    data[first]["label"] = 2
    data[second]["punchline_sentence"] = {"not": "text"}
    path.write_text(json.dumps(data))
    (raw / "urfunny2_videos" / f"{list(json.loads((raw / 'urfunny_dataset_val.json').read_text()))[1]}.mp4").unlink()
    with pytest.raises(BuildError) as err:
        _build(urfunny, raw, tmp_path / "root")
    _assert_names(err, "urfunny_dataset_val.json row 2", "does not exist")
    result = _build(urfunny, raw, tmp_path / "root", skip_bad=True)
    reasons = {(Path(i.file).name, i.row): i.reason for i in result.skipped}
    assert set(reasons) == {("urfunny_dataset_val.json", 2), ("urfunny_dataset_test.json", 1),
                            ("urfunny_dataset_test.json", 2)}
    assert "humor label must be 0 or 1, got 2" in reasons[("urfunny_dataset_test.json", 1)]
    assert "punchline_sentence must be text" in reasons[("urfunny_dataset_test.json", 2)]
    assert sum(len(r) for r in result.splits.values()) == 5


# --- Hateful Memes -------------------------------------------------------------------------


def test_hateful_memes_labelled_splits_text_and_unlabelled_file(generated, tmp_path):
    raw, expected = generated["hateful_memes"]
    assert _cli_build("hateful_memes", raw, tmp_path / "root") == 0
    splits = _records(tmp_path / "root", "hateful_memes")
    assert {split: _counts(records) for split, records in splits.items()} == expected
    _check_records(tmp_path / "root", "hateful_memes", splits)
    for split, records in splits.items():
        lines = [json.loads(line) for line in (raw / f"{split}.jsonl").read_text().splitlines()]
        by_id = {str(item["id"]): item for item in lines}
        assert {r.meta["source_id"] for r in records} == set(by_id)
        for record in records:
            item = by_id[record.meta["source_id"]]
            assert record.text == item["text"] and record.media[0].path == item["img"]
            assert record.answer == ("yes" if item["label"] == 1 else "no")
    manifest = json.loads((tmp_path / "root" / "hateful_memes" / "manifest.json").read_text())
    assert manifest["unlabelled_files"] == ["test.jsonl"] and "test" not in splits


@pytest.mark.parametrize(
    "line, fragment",
    [
        ('{"id":1,"img":"img\\/01026.png","label":1,"text":"x"', "not a JSON object"),
        ('{"id":1026,"img":"img\\/01026.png","label":2,"text":"x"}', "label must be 0 or 1, got 2"),
        ('{"id":1026,"img":"img\\/01026.png","text":"x"}', "has no label"),
        ('{"id":1026,"img":"img\\/99999.png","label":1,"text":"x"}', "image img/99999.png does not exist"),
        ('{"id":1026,"img":"..\\/x.png","label":1,"text":"x"}', "img must be a path relative to the folder"),
    ],
)
def test_hateful_memes_bad_lines_name_file_and_row(generated, tmp_path, line, fragment):
    raw = _fresh(generated["hateful_memes"][0], tmp_path)
    _replace_line(raw / "train.jsonl", 2, line)
    with pytest.raises(BuildError) as err:
        _build(hateful_memes, raw, tmp_path / "root")
    _assert_names(err, f"{raw / 'train.jsonl'} row 2", fragment)
    _skip_one(hateful_memes, raw, tmp_path / "root", 12, 2, fragment)


def test_hateful_memes_corrupt_image_and_data_subfolder(generated, tmp_path):
    raw = _fresh(generated["hateful_memes"][0], tmp_path / "archive", name="data")
    first = json.loads((raw / "test_seen.jsonl").read_text().splitlines()[0])
    write_corrupt_image(raw / first["img"])
    with pytest.raises(BuildError) as err:
        _build(hateful_memes, tmp_path / "archive", tmp_path / "root")  # the folder above data/
    _assert_names(err, "test_seen.jsonl row 1", f"image {first['img']} is unreadable")
    _skip_one(hateful_memes, tmp_path / "archive", tmp_path / "root", 12, 1, "is unreadable")


# --- Memotion ------------------------------------------------------------------------------


def test_memotion_labels_text_fallback_and_split_by_humour_level(generated, tmp_path):
    raw, expected = generated["memotion"]
    outputs = []
    for name in ("a", "b"):
        assert _cli_build("memotion", raw, tmp_path / name) == 0
        outputs.append(_built_files(tmp_path / name, "memotion"))
    assert outputs[0] == outputs[1]
    splits = _records(tmp_path / "a", "memotion")
    _check_records(tmp_path / "a", "memotion", splits)
    assert _counts(_all(splits)) == expected["all"]
    for split, per_level in (("test", 1), ("val", 1), ("train", 3)):  # 5 per level: 15% -> 1, 5% -> 1
        assert Counter(r.meta["humour"] for r in splits[split]) == {level: per_level for level in expected["levels"]}
    with (raw / "labels.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["image_name"]: row for row in csv.DictReader(handle)}
    assert len(rows) == 20
    for record in _all(splits):
        row = rows[record.meta["image_name"]]
        assert record.answer == FUNNY[row["humour"]] and record.meta["humour"] == row["humour"]
        assert record.text == (row["text_corrected"] or row["text_ocr"]).strip()
        assert record.media[0].path == f"images/{row['image_name']}"
    fallback = [r for r in _all(splits) if r.meta["text_source"] == "text_ocr"]
    assert len(fallback) == 1 and fallback[0].text == fallback[0].meta["text_ocr"] != ""
    assert any("\n" in r.meta["text_ocr"] for r in _all(splits))  # a quoted multi-line caption survives


@pytest.mark.parametrize(
    "line, fragment",
    [
        ('0,image_1.jpg,some text,some text,lol,general,not_offensive,not_motivational,positive',
         "unknown humour level 'lol'"),
        ('0,image_1.jpg,some text,some text', "expected 9 comma-separated fields, got 4"),
        ('0,image_404.jpg,some text,some text,funny,general,not_offensive,not_motivational,positive',
         "image images/image_404.jpg does not exist"),
    ],
)
def test_memotion_bad_rows_name_file_and_row(generated, tmp_path, line, fragment):
    raw = _fresh(generated["memotion"][0], tmp_path)
    _replace_line(raw / "labels.csv", 2, line)  # the first record, image_1.jpg, is a single line
    with pytest.raises(BuildError) as err:
        _build(memotion, raw, tmp_path / "root")
    _assert_names(err, f"{raw / 'labels.csv'} row 2", fragment)
    _skip_one(memotion, raw, tmp_path / "root", 20, 2, fragment)


def test_memotion_rows_are_numbered_by_the_line_they_start_on(generated, tmp_path):
    raw = _fresh(generated["memotion"][0], tmp_path)
    text = (raw / "labels.csv").read_text()
    lines = text.splitlines()
    multi_line_start = next(i for i, line in enumerate(lines, start=1) if line.count('"') % 2 == 1)
    after = multi_line_start + 2  # the record after the two-line caption
    name = lines[after - 1].split(",")[1]
    write_corrupt_image(raw / "images" / name)
    with pytest.raises(BuildError) as err:
        _build(memotion, raw, tmp_path / "root")
    _assert_names(err, f"labels.csv row {after}", f"image images/{name} is unreadable")


# --- MMSD2.0 -------------------------------------------------------------------------------


def test_mmsd2_official_splits_labels_and_text(generated, tmp_path):
    raw, expected = generated["mmsd2"]
    assert _cli_build("mmsd2", raw, tmp_path / "root") == 0
    splits = _records(tmp_path / "root", "mmsd2")
    assert {split: _counts(records) for split, records in splits.items()} == expected
    _check_records(tmp_path / "root", "mmsd2", splits)
    for split, name in (("train", "train.json"), ("val", "valid.json"), ("test", "test.json")):
        items = {str(i["image_id"]): i for i in json.loads((raw / "text_json_final" / name).read_text())}
        assert {r.meta["source_id"] for r in splits[split]} == set(items)
        for record in splits[split]:
            item = items[record.meta["source_id"]]
            assert record.text == item["text"] and record.answer == ("yes" if item["label"] else "no")
            assert record.media[0].path == f"dataset_image/{item['image_id']}.jpg"


@pytest.mark.parametrize(
    "change, fragment",
    [
        (lambda item: item.update(label="sarcastic"), "label must be 0 or 1, got 'sarcastic'"),
        (lambda item: item.update(image_id="abc"), "image_id must be a number, got 'abc'"),
        (lambda item: item.update(image_id=1), "image dataset_image/1.jpg does not exist"),
        (lambda item: item.pop("text"), "text must be a string"),
    ],
)
def test_mmsd2_bad_items_name_file_and_row(generated, tmp_path, change, fragment):
    raw = _fresh(generated["mmsd2"][0], tmp_path)
    path = raw / "text_json_final" / "test.json"
    items = json.loads(path.read_text())
    change(items[1])
    path.write_text(json.dumps(items))
    with pytest.raises(BuildError) as err:
        _build(mmsd2, raw, tmp_path / "root")
    _assert_names(err, f"{path} row 2", fragment)
    _skip_one(mmsd2, raw, tmp_path / "root", 12, 2, fragment)


def test_mmsd2_corrupt_image_and_repository_data_folder(generated, tmp_path):
    raw = _fresh(generated["mmsd2"][0], tmp_path / "MMSD2.0", name="data")
    first = json.loads((raw / "text_json_final" / "valid.json").read_text())[0]
    write_corrupt_image(raw / "dataset_image" / f"{first['image_id']}.jpg")
    with pytest.raises(BuildError) as err:
        _build(mmsd2, tmp_path / "MMSD2.0", tmp_path / "root")
    _assert_names(err, "valid.json row 1", f"image data/dataset_image/{first['image_id']}.jpg is unreadable")
    (raw / "text_json_final" / "train.json").write_text('{"not": "a list"}')
    with pytest.raises(BuildError, match="must hold a JSON array"):
        _build(mmsd2, tmp_path / "MMSD2.0", tmp_path / "root")


# --- Intentonomy ---------------------------------------------------------------------------


@pytest.mark.parametrize("rule", ["single", "top"])
def test_intentonomy_label_rules_counts_and_exclusions(generated, tmp_path, rule):
    raw, expected = generated["intentonomy"]
    assert _cli_build("intentonomy", raw, tmp_path / "root", "--option", f"label={rule}") == 0
    splits = _records(tmp_path / "root", "intentonomy")
    assert {split: _counts(records) for split, records in splits.items()} == expected[rule]
    _check_records(tmp_path / "root", "intentonomy", splits)
    manifest = json.loads((tmp_path / "root" / "intentonomy" / "manifest.json").read_text())
    assert manifest["excluded"] == expected["excluded"][rule] and manifest["label_rule"] == rule
    table = get_dataset_table("intentonomy")
    for split, records in splits.items():
        data = json.loads((raw / "annotations" / f"intentonomy_{split}2020.json").read_text())
        files = {image["id"]: image["filename"] for image in data["images"]}
        annotations = {a["image_id"]: a for a in data["annotations"]}
        for record in records:
            annotation = annotations[record.meta["source_id"]]
            assert record.media[0].path == f"images/{files[record.meta['source_id']]}"
            assert record.text == ""
            if "category_ids" in annotation:
                assert [table.label_for(str(i)) for i in annotation["category_ids"]] == [record.answer]
            else:
                probs = annotation["category_ids_softprob"]
                assert table.label_for(str(probs.index(max(probs)))) == record.answer
                assert record.meta["intents"] == [table.label_for(str(i)) for i, p in enumerate(probs) if p > 0]


@pytest.mark.parametrize(
    "change, fragment",
    [
        (lambda data: data["annotations"][1].update(category_ids=[3, 42]), "category_ids must be a list of known"),
        (lambda data: data["annotations"][1].update(image_id="nope"), "annotation for image nope names no entry"),
        (lambda data: data["annotations"][1].pop("category_ids"), "has neither category_ids nor"),
        (lambda data: data["images"][1].update(filename="low/missing.jpg"), "images/low/missing.jpg does not exist"),
    ],
)
def test_intentonomy_bad_annotations_name_file_and_row(generated, tmp_path, change, fragment):
    raw = _fresh(generated["intentonomy"][0], tmp_path)
    path = raw / "annotations" / "intentonomy_val2020.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    with pytest.raises(BuildError) as err:
        _build(intentonomy, raw, tmp_path / "root")
    _assert_names(err, f"{path} row 2", fragment)
    _skip_one(intentonomy, raw, tmp_path / "root", 84, 2, fragment)


def test_intentonomy_corrupt_image_and_wrong_categories(generated, tmp_path):
    raw = _fresh(generated["intentonomy"][0], tmp_path)
    path = raw / "annotations" / "intentonomy_test2020.json"
    data = json.loads(path.read_text())
    write_corrupt_image(raw / "images" / data["images"][0]["filename"])
    with pytest.raises(BuildError) as err:
        _build(intentonomy, raw, tmp_path / "root")
    _assert_names(err, "intentonomy_test2020.json row 1", "is unreadable")
    data["categories"][5]["name"] = "Attractive"
    path.write_text(json.dumps(data))
    with pytest.raises(BuildError, match="category 5 'Attractive' is not Intentonomy's category 5"):
        _build(intentonomy, raw, tmp_path / "root")


# --- across builders -----------------------------------------------------------------------


def test_skip_bad_through_the_cli_reports_file_and_row_in_the_manifest(generated, tmp_path, capsys):
    raw = _fresh(generated["meld"][0], tmp_path)
    write_corrupt_video(clip_path(raw, "test", 0, 1))
    assert _cli_build("meld", raw, tmp_path / "root") == 2
    assert "test_sent_emo.csv row 3" in capsys.readouterr().err
    assert _cli_build("meld", raw, tmp_path / "root", "--skip-bad") == 0
    out = capsys.readouterr().out
    assert "skipped 1 bad item(s)" in out and "test_sent_emo.csv row 3" in out
    manifest = json.loads((tmp_path / "root" / "meld" / "manifest.json").read_text())
    assert [(Path(s["file"]).name, s["row"]) for s in manifest["skipped"]] == [("test_sent_emo.csv", 3)]
    assert manifest["splits"]["test"]["count"] == 6


@pytest.mark.parametrize("dataset", EMOBENCH_SOURCES)
def test_missing_raw_folder_names_it_and_how_to_obtain(dataset, tmp_path):
    module = {"meld": meld, "mintrec": mintrec, "mustard": mustard, "urfunny": urfunny,
              "hateful_memes": hateful_memes, "memotion": memotion, "mmsd2": mmsd2, "intentonomy": intentonomy}[dataset]
    with pytest.raises(BuildError) as err:
        _build(module, tmp_path / "nowhere", tmp_path / "root")
    _assert_names(err, str(tmp_path / "nowhere"), "does not exist")
    (tmp_path / "empty").mkdir()
    with pytest.raises(BuildError) as err:
        _build(module, tmp_path / "empty", tmp_path / "root")
    assert str(tmp_path / "empty") in str(err.value) and module.OBTAIN.split()[0] in str(err.value)
