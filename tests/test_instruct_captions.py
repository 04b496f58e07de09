"""Captions: reading caption files, and the batched local captioner on a tiny BLIP-2 (no download)."""

from __future__ import annotations

import json
import shutil

import pytest

from lmms_emotion.cli import main
from lmms_emotion.instruct.captions import CaptionError, caption_images, read_captions
from lmms_emotion.jsonl import read_jsonl
from lmms_emotion.records import read_records, write_records


def test_read_captions_jsonl_and_csv(tmp_path):
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text('{"image": "a/1.jpg", "caption": " a dog "}\n\n{"image": "a\\\\2.jpg", "caption": "x"}\n'
                     '{"image": "a/1.jpg", "caption": "a dog, again"}\n{"image": "a/3.jpg", "capt')
    assert read_captions(jsonl) == {"a/1.jpg": "a dog, again", "a/2.jpg": "x"}  # later wins; torn tail ignored
    csv_file = tmp_path / "c.csv"
    csv_file.write_text('image,caption\na/1.jpg,"a cat, sleeping"\n')
    assert read_captions(csv_file) == {"a/1.jpg": "a cat, sleeping"}


@pytest.mark.parametrize("name,text,match", [
    ("bad.jsonl", '{"image": "a.jpg", "caption": "x"}\nnot json\n{"image": "b.jpg", "caption": "y"}\n', r"bad.jsonl:2"),
    ("fields.jsonl", '{"file_name": "a.jpg", "caption": "x"}\n', r"fields.jsonl:1: needs string fields"),
    ("header.csv", "path_to,words\na.jpg,x\n", "needs a header with 'image' and 'caption'"),
])
def test_bad_caption_files_name_file_and_line(tmp_path, name, text, match):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(CaptionError, match=match):
        read_captions(path)


def test_caption_images_resumes_and_reuses_by_content(tmp_path):
    media = tmp_path / "media"
    (media / "x").mkdir(parents=True)
    from lmms_emotion.testing.media_files import write_image

    write_image(media / "x" / "a.jpg", seed=1)
    write_image(media / "x" / "b.jpg", seed=2)
    shutil.copy(media / "x" / "a.jpg", media / "x" / "a_copy.jpg")
    (media / "x" / "broken.jpg").write_bytes(b"not an image")
    calls: list[int] = []

    def factory():
        def caption(images):
            calls.append(len(images))
            return [f"caption {img.size}" for img in images]
        return caption

    out = tmp_path / "caps.jsonl"
    images = ["x/a.jpg", "x/b.jpg", "x/a_copy.jpg", "x/broken.jpg", "x/missing.jpg"]
    run = caption_images(images, media, out, model_id="m", captioner_factory=factory, batch_size=2, progress=False)
    assert run.captioned == 2 and run.from_hash == 1 and sum(calls) == 2  # the copy was not captioned again
    assert sorted(i for i, _ in run.failed) == ["x/broken.jpg", "x/missing.jpg"]
    captions = read_captions(out)
    assert captions["x/a_copy.jpg"] == captions["x/a.jpg"] and set(captions) == {"x/a.jpg", "x/b.jpg", "x/a_copy.jpg"}
    again = caption_images(images, media, out, model_id="m", captioner_factory=factory, progress=False)
    assert again.already_done == 3 and again.captioned == 0 and sum(calls) == 2  # model never built or called
    other = caption_images(["x/a.jpg"], media, out, model_id="other-model", captioner_factory=factory, progress=False)
    assert other.captioned == 1  # the cache is per model


@pytest.mark.e2e
def test_generate_captions_with_a_tiny_blip2(tiny_blip2_dir, emoset_root, tmp_path, capsys):
    """The real transformers path: AutoProcessor + AutoModelForImageTextToText, batched, from a saved folder."""
    records = read_records(emoset_root / "emoset" / "train.jsonl")[:5]
    subset = tmp_path / "subset.jsonl"
    write_records(subset, records)
    out = tmp_path / "captions.jsonl"
    args = ["generate", "captions", "--records", str(subset), "--media-root", str(emoset_root / "emoset" / "media"),
            "--out", str(out), "--model", str(tiny_blip2_dir), "--batch-size", "2", "--max-new-tokens", "4",
            "--device", "cpu", "--no-progress"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["captioned"] == 5 and report["failed"] == 0
    rows = read_jsonl(out)
    assert [r["image"] for r in rows] == [r.media[0].path for r in records]
    assert all(isinstance(r["caption"], str) and r["caption"] and len(r["sha256"]) == 64 for r in rows)
    assert all(r["model"] == str(tiny_blip2_dir) for r in rows)
    # batching does not change a caption: one image alone gives the same text as in a batch of two
    single = tmp_path / "single.jsonl"
    write_records(single, records[1:2])
    assert main([*args[:3], str(single), *args[4:6], "--out", str(tmp_path / "one.jsonl"), *args[8:]]) == 0
    capsys.readouterr()
    assert read_captions(tmp_path / "one.jsonl")[records[1].media[0].path] == rows[1]["caption"]
    # a second run finds everything done and does not load the model
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["already_done"] == 5
    # the captions feed instruction generation directly
    assert read_captions(out).keys() == {r.media[0].path for r in records}
