"""The shared task hooks: loading records from the data root, prompts, visuals, scoring."""

from __future__ import annotations

import json
import shutil

import datasets
import pytest
from PIL import Image

from lmms_emotion import UNPARSED, task_utils
from lmms_emotion.scoring import hooks
from lmms_emotion.scoring.prompts import emovit_normalise

INDEX = {"dataset": "emoset", "split": "test", "build": "lmms-emotion build-data emoset --raw <EmoSet-118K folder>"}


def _docs(root, monkeypatch):
    monkeypatch.setenv("LMMS_EMOTION_DATA", str(root))
    return task_utils.load_docs(datasets.Dataset.from_list([INDEX]))


def test_load_docs_reads_built_records(emoset_root, monkeypatch):
    docs = _docs(emoset_root, monkeypatch)
    assert len(docs) == 16
    ids = [d["id"] for d in docs]
    assert sorted(ids) != ids  # hash order, not grouped by class
    assert len({d["answer"] for d in list(docs)[:8]}) >= 4  # a prefix spans classes
    doc = docs[0]
    (image,) = hooks.doc_to_visual(doc)
    assert isinstance(image, Image.Image) and image.mode == "RGB"
    assert json.loads(doc["meta"])["attributes"]


def test_missing_data_names_the_build_command(tmp_path, monkeypatch):
    with pytest.raises(task_utils.TaskDataExit) as err:  # a SystemExit: lmms-eval neither retries nor catches it
        _docs(tmp_path / "empty_root", monkeypatch)
    first_line = str(err.value).splitlines()[0]
    assert "lmms-emotion build-data emoset --raw" in first_line and "test.jsonl" in str(err.value)


def test_missing_media_is_reported_before_running(emoset_raw, tmp_path, monkeypatch):
    from lmms_emotion.cli import main

    raw = tmp_path / "raw"
    shutil.copytree(emoset_raw[0], raw)
    root = tmp_path / "root"
    assert main(["build-data", "emoset", "--raw", str(raw), "--data-root", str(root)]) == 0
    victim = next((raw / "image" / "fear").glob("*.jpg"))
    victim.unlink()
    with pytest.raises(task_utils.TaskDataExit) as err:
        _docs(root, monkeypatch)
    first_line = str(err.value).splitlines()[0]
    assert "test.jsonl:" in first_line and victim.name in first_line and "1 missing in all" in first_line


def _doc(**kw):
    doc = {"id": "emoset/test/x", "task": "emotion_closed", "modality": "image", "text": "", "label_set": "mikels8",
           "answer": "fear", "media_types": [], "media_paths": [], "meta": "{}"}
    doc.update(kw)
    return doc


def test_prompt_styles(monkeypatch):
    doc = _doc()
    plain = hooks.doc_to_text(doc, {"prompt_style": "plain"})
    assert "amusement, awe, contentment, excitement, anger, disgust, fear, sadness" in plain
    assert hooks.doc_to_text(doc) == hooks.doc_to_text(doc, {}) == plain  # plain unless the YAML says otherwise
    styled = hooks.doc_to_text(doc, {"prompt_style": "emovit"})
    assert styled == emovit_normalise(plain) and styled == styled.lower() and "." not in styled
    monkeypatch.setenv("LMMS_EMOTION_PROMPT_STYLE", "emovit")  # the old override is gone: only the YAML chooses
    assert hooks.doc_to_text(doc, {"prompt_style": "plain"}) == plain
    with pytest.raises(ValueError, match="unknown prompt style 'fancy' in the task YAML"):
        hooks.doc_to_text(doc, {"prompt_style": "fancy"})


def test_doc_to_text_with_accompanying_text_and_video():
    text = hooks.doc_to_text(_doc(text="what a day", modality="video"), {})
    assert 'video clip comes with this text: "what a day"' in text


def test_scoring_and_aggregation():
    doc = _doc()
    assert hooks.process_results(doc, ["I think the person looks scared."])["acc"] == 1.0
    wrong = hooks.process_results(doc, ["Sadness."])
    assert wrong["acc"] == 0.0 and wrong["unparsed_rate"] == 0.0 and wrong["macro_f1"]["pred"] == "sadness"
    junk = hooks.process_results(doc, ["zxqv"])
    assert junk["acc"] == 0.0 and junk["unparsed_rate"] == 1.0 and junk["macro_f1"]["pred"] == UNPARSED
    # a bare letter is not an option reference: our prompts list options without letters
    assert hooks.process_results(doc, ["A"])["unparsed_rate"] == 1.0
    items = [hooks.process_results(_doc(answer=g, id=str(i)), [p])["macro_f1"]
             for i, (g, p) in enumerate([("fear", "fear"), ("fear", "sad"), ("sadness", "sadness"), ("awe", "??")])]
    per_class = hooks.aggregate_per_class_acc(items)
    assert per_class["fear"] == 0.5 and per_class["sadness"] == 1.0 and per_class["awe"] == 0.0
    assert per_class["amusement"] is None
    # F1: fear 2/3, sadness 2/3, awe 0 -> mean over the three classes that occur
    assert hooks.aggregate_macro_f1(items) == pytest.approx((2 / 3 + 2 / 3 + 0) / 3)


def test_prompt_echo_is_not_parsed_as_the_answer():
    doc = _doc()
    question = hooks.doc_to_text(doc, {})
    assert hooks.process_results(doc, [question + " Fear"])["acc"] == 1.0
    assert hooks.process_results(doc, [question])["unparsed_rate"] == 1.0
    assert hooks.process_results(doc, [emovit_normalise(question) + " fear"])["acc"] == 1.0
