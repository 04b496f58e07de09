"""The record schema: valid records round-trip; every kind of bad row names file, line and field."""

from __future__ import annotations

import json

import pytest

from lmms_emotion.records import Media, Record, RecordError, read_records, record_from_dict, write_records

GOOD = {
    "id": "emoset/test/amusement_1", "task": "emotion_closed", "source": "emoset", "split": "test",
    "media": [{"type": "image", "path": "image/amusement/amusement_1.jpg"}], "text": "",
    "label_set": "mikels8", "answer": "amusement", "meta": {"attributes": {"brightness": 0.3}},
}


def test_round_trip(tmp_path):
    record = record_from_dict(GOOD)
    assert record.media == (Media("image", "image/amusement/amusement_1.jpg"),)
    assert record.modality == "image"
    path = tmp_path / "r.jsonl"
    assert write_records(path, [record]) == 1
    assert read_records(path) == [record]
    assert json.loads(path.read_text()) == GOOD


@pytest.mark.parametrize(
    "change, field, fragment",
    [
        ({"answer": "happiness"}, "answer", "not a label of mikels8"),
        ({"label_set": "plutchik99"}, "label_set", "unknown label set"),
        ({"task": "emotion"}, "task", "unknown task"),
        ({"media": [{"type": "image", "path": "/abs/x.jpg"}]}, "media", "absolute"),
        ({"media": [{"type": "image", "path": "../x.jpg"}]}, "media", "climbs out"),
        ({"media": [{"type": "audio", "path": "x.wav"}]}, "media", "expected image or video"),
        ({"media": "x.jpg"}, "media", "must be a list"),
        ({"id": ""}, "id", "non-empty string"),
        ({"text": None}, "text", "must be a string"),
        ({"meta": [1]}, "meta", "must be an object"),
    ],
)
def test_bad_fields_are_named(tmp_path, change, field, fragment):
    path = tmp_path / "bad.jsonl"
    rows = [GOOD, {**GOOD, "id": "emoset/test/2", **change}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(RecordError) as err:
        read_records(path)
    assert err.value.line == 2 and err.value.field_name == field
    assert f"{path}:2" in str(err.value) and fragment in str(err.value)


def test_missing_field_bad_json_and_duplicates(tmp_path):
    path = tmp_path / "bad.jsonl"
    row = dict(GOOD)
    del row["answer"]
    path.write_text(json.dumps(row) + "\n")
    with pytest.raises(RecordError, match=r"bad.jsonl:1, field 'answer': missing"):
        read_records(path)
    path.write_text(json.dumps(GOOD) + "\n{not json\n")
    with pytest.raises(RecordError, match=r"bad.jsonl:2: not valid JSON"):
        read_records(path)
    path.write_text(json.dumps(GOOD) + "\n" + json.dumps(GOOD) + "\n")
    with pytest.raises(RecordError, match=r"duplicate id"):
        read_records(path)
    path.write_text(json.dumps({**GOOD, "extra": 1}) + "\n")
    with pytest.raises(RecordError, match=r"unknown fields \['extra'\]"):
        read_records(path)


def test_video_modality():
    record = Record(id="x", task="sarcasm", source="mustard", split="test",
                    media=(Media("video", "clips/1.mp4"),), text="Oh great.", label_set="yes_no", answer="yes")
    assert record.modality == "video"
