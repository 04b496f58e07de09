"""EmoPrompt rationales: the final-answer filter, and the command end to end against a fake server."""

from __future__ import annotations

import json

import pytest

from lmms_emotion.scoring.answers import parse_answer
from lmms_emotion.cli import main
from lmms_emotion.instruct.rationales import (
    check_rationale,
    drop_rate,
    rationale_fields,
)
from lmms_emotion.instruct.jobs import DropReply, ReplyError
from lmms_emotion.instruct.templates import load_template
from lmms_emotion.records import Media, Record, read_records

STEPS = ("1. The scene is a dim room with a single candle.\n2. The man's face is turned down and his "
         "shoulders sag.\n3. Muted greys dominate the picture.\n")


def _record(label="sadness", task="emotion_closed", label_set="mikels8", text="") -> Record:
    return Record(id="emoset/train/x_1", task=task, source="emoset", split="train",
                  media=(Media("image", "image/x_1.jpg"),), text=text, label_set=label_set, answer=label,
                  meta={"attributes": {"scene": "bedroom", "brightness": 0.1}})


def test_chain_ending_in_gold_label_is_kept():
    assert check_rationale(STEPS + "Final answer: sadness", "stop", _record()) == "sadness"
    assert check_rationale(STEPS + "It is not fear but grief.\nFinal answer: Sadness.", "stop", _record()) == "sadness"


@pytest.mark.parametrize("ending,parsed", [
    ("Final answer: fear", "fear"),
    ("Final answer: contentment", "contentment"),
    ("This could look like sadness at first.\nFinal answer: awe", "awe"),
])
def test_chain_ending_in_a_wrong_label_is_dropped(ending, parsed):
    with pytest.raises(DropReply, match=f"final answer '{parsed}' is not the gold label 'sadness'") as info:
        check_rationale(STEPS + ending, "stop", _record())
    assert info.value.detail == {"gold": "sadness", "parsed": parsed}


@pytest.mark.parametrize("text,finish,reason", [
    (STEPS + "So the viewer feels sad.", "stop", "does not end with a line 'Final answer"),
    ("Final answer: sadness", "stop", "no reasoning before the final answer"),
    (STEPS + "Final answer: sadness or fear", "stop", "names none of the options"),
    (STEPS + "Final answer: purple", "stop", "names none of the options"),
    (STEPS + "Final ans", "length", "cut off"),
])
def test_unusable_chains_go_to_repair(text, finish, reason):
    with pytest.raises(ReplyError, match=reason):
        check_rationale(text, finish, _record())


def test_yes_no_tasks_use_the_concept_parser():
    record = _record(label="no", task="sarcasm", label_set="yes_no", text="Great, another Monday.")
    assert check_rationale(STEPS + "Final answer: no", "stop", record) == "no"
    with pytest.raises(DropReply):
        check_rationale(STEPS + "Final answer: yes, it is sarcastic", "stop", record)
    fields = rationale_fields(record, None, load_template("rationale"))
    assert fields["question"] == "Is this image sarcastic?" and fields["options"] == "yes, no"
    assert 'Text shown with the image: "Great, another Monday."' == fields["text_line"]


def test_drop_rate():
    assert drop_rate(3, 1) == 0.25
    assert drop_rate(0, 0) == 0.0


def _run(args, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-rationales-000000")
    return main(["generate", "rationales", *args])


@pytest.mark.e2e
def test_rationales_command_filters_wrong_labels(fake_openai, emoset_train_records, emoset_captions, tmp_path,
                                                 monkeypatch, capsys):
    server = fake_openai(wrong_answer_rate=0.4)
    out = tmp_path / "rat"
    code = _run(["--records", str(emoset_train_records), "--captions", str(emoset_captions), "--out-dir", str(out),
                 "--base-url", server.base_url, "--model", "fake-model", "--no-progress"], monkeypatch)
    assert code == 0
    printed = capsys.readouterr().out
    stats = server.stats()
    wrong = stats["wrong_answers"]
    total = len(read_records(emoset_train_records))
    assert 0 < wrong < total  # the server ended some chains in a wrong label, not all
    summary = json.loads((out / "summary.json").read_text())
    assert summary["dropped"] == wrong and summary["kept"] == total - wrong
    assert summary["drop_rate"] == pytest.approx(wrong / total, abs=1e-6)
    assert f"dropped {wrong} whose final answer is not the gold label" in printed
    assert f"drop rate {wrong / total:.1%}" in printed
    kept = read_records(out / "rationales.jsonl")
    assert len(kept) == total - wrong
    for record in kept:
        chain = record.meta["instruction"]["turns"][0]["answer"]
        assert parse_answer(chain, record.label_set) == record.answer
        assert record.meta["rationale"]["final_answer"] == record.answer
    dropped = [json.loads(line) for line in (out / "dropped.jsonl").read_text().splitlines()]
    assert len(dropped) == wrong
    assert all(row["parsed"] != row["gold"] and parse_answer(row["text"], "mikels8") == row["parsed"] for row in dropped)
    llava = json.loads((out / "llava.json").read_text())
    assert [e["id"] for e in llava] == [r.id for r in kept]
    assert all(e["conversations"][0]["value"].startswith("<image>\nWhich emotion does this image evoke?")
               for e in llava)
    assert stats["requests"] == total  # dropped chains are never re-requested


# --- videos (issue 16 item 8): described from a grid of sampled frames, never silently skipped ---------


@pytest.fixture(scope="module")
def meld_records(tmp_path_factory):
    """A built MELD sample: single-video records."""
    from lmms_emotion.testing.raw_layouts import write_sample

    base = tmp_path_factory.mktemp("meld_videos")
    write_sample("meld", base / "raw")
    assert main(["build-data", "meld", "--raw", str(base / "raw"), "--data-root", str(base / "root"),
                 "--verify", "exists"]) == 0
    return base / "root" / "meld" / "train.jsonl"


def test_video_frame_grid_tiles_frames_sampled_across_the_clip(meld_records):
    from lmms_emotion.instruct.captions import VIDEO_GRID_CELL, video_frame_grid

    record = read_records(meld_records)[0]
    grid = video_frame_grid(meld_records.parent / "media" / record.media[0].path)
    assert grid.mode == "RGB" and grid.size == (2 * VIDEO_GRID_CELL, 2 * VIDEO_GRID_CELL)
    cells = [grid.crop((x, y, x + VIDEO_GRID_CELL, y + VIDEO_GRID_CELL)) for y in (0, VIDEO_GRID_CELL)
             for x in (0, VIDEO_GRID_CELL)]
    assert all(cell.getbbox() is not None for cell in cells)  # four frames, no empty cell


def test_captions_cover_video_records(meld_records, tmp_path):
    from lmms_emotion.instruct.captions import caption_images, read_captions

    records = read_records(meld_records)
    seen_sizes = []

    def factory():
        def caption(images):
            seen_sizes.extend(image.size for image in images)
            return [f"people talking in a room ({image.size[0]}x{image.size[1]})" for image in images]
        return caption

    paths = [r.media[0].path for r in records]
    run = caption_images(paths, meld_records.parent / "media", tmp_path / "captions.jsonl", model_id="fake",
                         captioner_factory=factory, progress=False, videos=paths)
    assert not run.failed and run.captioned + run.from_hash == len(set(paths))
    assert set(read_captions(tmp_path / "captions.jsonl")) == set(paths)
    assert seen_sizes and all(size == (448, 448) for size in seen_sizes)


def test_rationales_for_videos_without_captions_stop_with_a_message(meld_records, tmp_path, monkeypatch, capsys):
    code = _run(["--records", str(meld_records), "--no-captions", "--out-dir", str(tmp_path / "out"),
                 "--base-url", "http://127.0.0.1:9/v1", "--model", "fake-model", "--no-progress"], monkeypatch)
    err = capsys.readouterr().err
    assert code != 0 and "video record(s) need captions" in err and "generate captions" in err
    assert not (tmp_path / "out" / "rationales.jsonl").exists()


@pytest.mark.e2e
def test_rationales_are_generated_for_video_records(fake_openai, meld_records, tmp_path, monkeypatch, capsys):
    from tests.fixtures_openai import write_captions_for

    captions = write_captions_for(meld_records, tmp_path / "captions.jsonl")
    server = fake_openai()
    out = tmp_path / "rat"
    code = _run(["--records", str(meld_records), "--captions", str(captions), "--out-dir", str(out),
                 "--base-url", server.base_url, "--model", "fake-model", "--no-progress"], monkeypatch)
    assert code == 0, capsys.readouterr().err
    total = len(read_records(meld_records))
    kept = read_records(out / "rationales.jsonl")
    assert len(kept) == total and all(r.media[0].type == "video" for r in kept)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["by_media"] == {"image": 0, "video": total} and summary["records_skipped"] == 0
    llava = json.loads((out / "llava.json").read_text())
    assert all("video" in e and e["conversations"][0]["value"].startswith("<video>\nWhich emotion does this video")
               for e in llava)
