"""Training data: records and LLaVA-style conversations -> checked examples; faults name file and line."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from lmms_emotion.records import RecordError
from lmms_emotion.training.data import (
    conversation_example,
    default_media_root,
    detect_format,
    iter_json_rows,
    load_examples,
    single_turn,
    strip_media_tokens,
)


def _record(i: int, path: str = "img/a.jpg", **extra) -> dict:
    row = {"id": f"toy/train/{i}", "task": "emotion_closed", "source": "toy", "split": "train",
           "media": [{"type": "image", "path": path}], "text": "", "label_set": "mikels8", "answer": "awe",
           "meta": {}}
    row.update(extra)
    return row


@pytest.fixture
def media(tmp_path, image_file_factory) -> Path:
    root = tmp_path / "media"
    (root / "img").mkdir(parents=True)
    image_file_factory("a.jpg").rename(root / "img" / "a.jpg")
    image_file_factory("b.jpg").rename(root / "img" / "b.jpg")
    return root


def _write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


# --- records ----------------------------------------------------------------------------------


def test_classification_record_trains_on_the_evaluation_prompt(tmp_path, media):
    from lmms_emotion.scoring import prompts
    from lmms_emotion.scoring.labels import MIKELS8

    file = _write_jsonl(tmp_path / "train.jsonl", [_record(0)])
    (example,) = load_examples([file], media)
    assert example.kind == "classification" and example.origin == f"{file}:1"
    assert example.media[0].type == "image" and example.media[0].path == str(media / "img" / "a.jpg")
    (turn,) = example.turns
    assert turn.question == prompts.closed_set_prompt(MIKELS8.labels) and turn.answer == "awe"


def test_instruction_record_trains_on_its_turns(tmp_path, media):
    turns = [{"question": "What colour dominates?", "answer": "Red.", "type": "simple"},
             {"question": "How does it feel?", "answer": "Warm and cheerful.", "type": "complex"}]
    row = _record(0, meta={"instruction": {"kind": "conversation", "turns": turns}, "source_record": "toy/x"})
    file = _write_jsonl(tmp_path / "instructions.jsonl", [row])
    (example,) = load_examples([file], media)
    assert example.kind == "conversation" and [t.answer for t in example.turns] == ["Red.", "Warm and cheerful."]
    split = single_turn([example])
    assert [e.id for e in split] == ["toy/train/0/0", "toy/train/0/1"]
    assert [e.turns[0].question for e in split] == ["What colour dominates?", "How does it feel?"]


def test_malformed_record_names_file_and_line(tmp_path, media):
    file = _write_jsonl(tmp_path / "train.jsonl", [_record(0), "", _record(1, answer="joyful")])
    with pytest.raises(RecordError) as err:
        load_examples([file], media)
    assert f"{file}:3" in str(err.value) and "'answer'" in str(err.value) and "joyful" in str(err.value)


def test_invalid_json_names_file_and_line(tmp_path, media):
    file = _write_jsonl(tmp_path / "train.jsonl", [_record(0), '{"id": "toy/train/1", "task": '])
    with pytest.raises(RecordError, match=rf"{file}:2: not valid JSON"):
        load_examples([file], media)


def test_missing_image_names_file_line_and_path(tmp_path, media):
    file = _write_jsonl(tmp_path / "train.jsonl", [_record(0), _record(1, path="img/gone.jpg")])
    with pytest.raises(RecordError) as err:
        load_examples([file], media)
    message = str(err.value)
    assert f"{file}:2" in message and "img/gone.jpg" in message and "does not exist" in message


def test_bad_instruction_turns_name_file_and_line(tmp_path, media):
    row = _record(0, meta={"instruction": {"kind": "conversation", "turns": [{"question": "Why?"}]}})
    file = _write_jsonl(tmp_path / "train.jsonl", [row])
    with pytest.raises(RecordError, match=rf"{file}:1, field 'meta'.*answer"):
        load_examples([file], media)


# --- conversations ----------------------------------------------------------------------------


def _conversation(i: int, image="img/a.jpg", turns=None) -> dict:
    turns = turns or [{"from": "human", "value": "<image>\nWhich emotion?"}, {"from": "gpt", "value": "awe"}]
    return {"id": f"c{i}", "image": image, "conversations": turns}


def test_conversations_array_keeps_line_numbers(tmp_path, media):
    entries = [_conversation(0), _conversation(1, image="img/b.jpg")]
    file = tmp_path / "llava.json"
    file.write_text(json.dumps(entries, indent=1), encoding="utf-8")
    rows = list(iter_json_rows(file))
    text = file.read_text().splitlines()
    assert [text[line - 1].strip() for line, _ in rows] == ["{", "{"] and rows[1][1]["id"] == "c1"
    examples = load_examples([file], media)
    assert [e.origin for e in examples] == [f"{file}:{rows[0][0]}", f"{file}:{rows[1][0]}"]
    assert examples[0].turns[0].question == "<image>\nWhich emotion?"
    assert strip_media_tokens(examples[0].turns[0].question) == "Which emotion?"


def test_missing_image_in_conversations_names_the_entry_line(tmp_path, media):
    entries = [_conversation(0), _conversation(1, image="img/missing.jpg")]
    file = tmp_path / "llava.json"
    file.write_text(json.dumps(entries, indent=1), encoding="utf-8")
    second_line = list(iter_json_rows(file))[1][0]
    with pytest.raises(RecordError) as err:
        load_examples([file], media)
    assert f"{file}:{second_line}" in str(err.value) and "img/missing.jpg" in str(err.value)


@pytest.mark.parametrize("turns, reason", [
    ([{"from": "gpt", "value": "awe"}], "without a human turn"),
    ([{"from": "human", "value": "a"}, {"from": "human", "value": "b"}], "two human turns"),
    ([{"from": "human", "value": "<image>\nWhich?"}], "no gpt answer"),
    ([{"from": "human", "value": "<image><image>\nWhich?"}, {"from": "gpt", "value": "awe"}], "2 <image> token"),
    ([{"from": "robot", "value": "x"}], "unknown role"),
    ([{"from": "human", "value": "Which?"}, {"from": "gpt", "value": "  "}], "empty answer"),
])
def test_malformed_conversation_is_refused(tmp_path, media, turns, reason):
    with pytest.raises(RecordError, match=reason) as err:
        conversation_example(_conversation(0, turns=turns), path=tmp_path / "x.json", line=7, media_root=media)
    assert "x.json:7" in str(err.value)


def test_malformed_json_array_names_line(tmp_path, media):
    file = tmp_path / "llava.json"
    file.write_text('[\n' + json.dumps(_conversation(0)) + ',\n{"id": "c1", "image": \n]\n', encoding="utf-8")
    with pytest.raises(RecordError, match=rf"{file}:3: not valid JSON"):
        load_examples([file], media)


def test_conversations_jsonl_and_absolute_paths(tmp_path, media):
    absolute = str(media / "img" / "b.jpg")
    file = _write_jsonl(tmp_path / "conv.jsonl", [_conversation(0), _conversation(1, image=absolute)])
    assert detect_format(file) == "conversations"
    examples = load_examples([file], media)
    assert [e.media[0].path for e in examples] == [str(media / "img" / "a.jpg"), absolute]


def test_media_root_from_export_meta_and_generate_summary(tmp_path, media):
    export = tmp_path / "export" / "llava_train.json"
    export.parent.mkdir()
    export.write_text(json.dumps([_conversation(0)]), encoding="utf-8")
    (export.parent / "llava_train.meta.json").write_text(json.dumps({"media_root": str(media)}), encoding="utf-8")
    assert default_media_root(export) == media
    generated = tmp_path / "gen" / "instructions.jsonl"
    generated.parent.mkdir()
    _write_jsonl(generated, [_record(0)])
    (generated.parent / "summary.json").write_text(json.dumps({"media_root": str(media)}), encoding="utf-8")
    assert default_media_root(generated) == media
    assert len(load_examples([export, generated])) == 2  # each file with its own root


def test_relative_paths_without_media_root_say_how_to_fix(tmp_path):
    file = tmp_path / "llava.json"
    file.write_text(json.dumps([_conversation(0)]), encoding="utf-8")
    with pytest.raises(RecordError, match="--media-root"):
        load_examples([file])


def test_duplicate_ids_across_files_are_refused(tmp_path, media):
    a = _write_jsonl(tmp_path / "a.jsonl", [_record(0)])
    b = _write_jsonl(tmp_path / "b.jsonl", [_record(0)])
    with pytest.raises(RecordError, match="duplicate id"):
        load_examples([a, b], media)


def test_verify_media_finds_a_corrupt_image(tmp_path, media):
    from lmms_emotion.testing.media_files import write_corrupt_image

    write_corrupt_image(media / "img" / "bad.jpg")
    file = _write_jsonl(tmp_path / "train.jsonl", [_record(0), _record(1, path="img/bad.jpg")])
    assert len(load_examples([file], media)) == 2  # exists, so the quick check passes
    with pytest.raises(RecordError, match=rf"{file}:2, field 'media'"):
        load_examples([file], media, verify_media=True)


def test_corrupt_image_at_load_time_names_file_and_line(tmp_path, media):
    from lmms_emotion.testing.media_files import write_corrupt_image
    from lmms_emotion.training.dataset import ExampleDataset

    write_corrupt_image(media / "img" / "bad.jpg")
    file = _write_jsonl(tmp_path / "train.jsonl", [_record(0), _record(1, path="img/bad.jpg")])
    dataset = ExampleDataset(load_examples([file], media))
    assert dataset[0]["frames"][0][0].size
    with pytest.raises(RecordError, match=rf"{file}:2, field 'media': cannot read image"):
        dataset[1]


# --- through the CLI: fail before any model is loaded ------------------------------------------


@pytest.mark.parametrize("fault", ["malformed", "missing_image"])
def test_cli_stops_before_training_naming_file_and_line(tmp_path, media, capsys, fault):
    from lmms_emotion.cli import main

    bad = _record(1, answer="joyful") if fault == "malformed" else _record(1, path="img/gone.jpg")
    file = _write_jsonl(tmp_path / "train.jsonl", [_record(0), bad])
    out = tmp_path / "run"
    start = time.monotonic()
    code = main(["train", "emovit", "--base", str(tmp_path / "no_such_model"), "--data", str(file),
                 "--media-root", str(media), "--output-dir", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{file}:2" in err and ("joyful" in err if fault == "malformed" else "img/gone.jpg" in err)
    assert not out.exists()  # nothing was loaded, nothing written
    assert time.monotonic() - start < 10


def test_augmentation_is_reproducible_per_epoch_and_item(tmp_path, media):
    from lmms_emotion.training.dataset import ExampleDataset, RandomResizedCropFlip

    file = _write_jsonl(tmp_path / "train.jsonl", [_record(0), _record(1, path="img/b.jpg")])
    examples = load_examples([file], media)

    def pixels(dataset, index):
        return dataset[index]["frames"][0][0].tobytes()

    a = ExampleDataset(examples, augment=RandomResizedCropFlip((16, 16)), seed=1)
    b = ExampleDataset(examples, augment=RandomResizedCropFlip((16, 16)), seed=1)
    assert a[0]["frames"][0][0].size == (16, 16)
    assert pixels(a, 1) == pixels(b, 1)  # same seed, epoch and index: same crop, in any process
    first = pixels(a, 0)
    a.set_epoch(1)
    assert pixels(a, 0) != first  # a fresh crop every epoch
    a.set_epoch(0)
    assert pixels(a, 0) == first


# --- length-grouped batches -------------------------------------------------------------------


def test_length_grouping_counts_media_tokens_and_is_seeded_by_the_epoch():
    """Lengths add the media's visual tokens to the text's; the order depends on (seed, epoch) alone."""
    import pickle

    import torch

    from lmms_emotion.training.data import MediaItem, TrainingExample, Turn
    from lmms_emotion.training.dataset import ExampleDataset
    from lmms_emotion.training.trainer_run import EpochLengthGroupedSampler

    def example(i: int, words: int, kinds: tuple[str, ...]) -> TrainingExample:
        return TrainingExample(id=f"x/{i}", media=tuple(MediaItem(k, f"/m/{i}.{k}") for k in kinds),
                               turns=(Turn(" ".join(["w"] * words), "awe"),), origin=f"f.jsonl:{i + 1}")

    examples = [example(i, 2 + (i % 5), ("video",) if i % 3 == 0 else ("image",)) for i in range(96)]
    dataset = ExampleDataset(examples, media_tokens={"image": 10, "video": 80}.__getitem__,
                             text_tokens=lambda text: len(text.split()))
    lengths = dataset.token_lengths()
    assert lengths[0] == 2 + 1 + 80 and lengths[1] == 3 + 1 + 10  # words of question and answer + media tokens
    assert pickle.loads(pickle.dumps(dataset)).text_tokens is None  # workers get no tokenizer closure

    def order(seed: int, epoch: int) -> list[int]:
        dataset.set_epoch(epoch)
        return list(EpochLengthGroupedSampler(4, dataset, seed))

    first = order(42, 0)
    assert sorted(first) == list(range(96)) and first == order(42, 0)  # a resumed run sees the same order
    assert first != order(42, 1) and first != order(7, 0)
    # the longest example leads (transformers puts it first, so an out-of-memory batch shows at once), and
    # batches of four are close in length: far less spread within a batch than in a shuffled order
    assert lengths[first[0]] == max(lengths)

    def spread(indices: list[int]) -> int:
        return sum(max(lengths[i] for i in indices[k:k + 4]) - min(lengths[i] for i in indices[k:k + 4])
                   for k in range(0, len(indices), 4))

    shuffled = torch.randperm(96, generator=torch.Generator().manual_seed(0)).tolist()
    assert spread(first) * 3 < spread(shuffled)
