"""EmoBench prompts and scoring hooks: one question per task kind, sub-task tags that survive
lmms-eval's aggregation, and the group mean over sub-tasks."""

from __future__ import annotations

import json
import pickle

import pytest

from lmms_emotion import UNPARSED, task_utils
from lmms_emotion.scoring import hooks
from lmms_emotion.scoring.prompts import emovit_normalise


def _doc(task: str, label_set: str, answer: str, modality: str = "image", text: str = "", **kw) -> dict:
    doc = {"id": f"{task}/src/test/1", "task": task, "source": "src", "split": "test", "modality": modality,
           "text": text, "label_set": label_set, "answer": answer, "media_types": [], "media_paths": [],
           "meta": "{}"}
    doc.update(kw)
    return doc


def test_each_task_kind_gets_its_own_question():
    closed = hooks.doc_to_text(_doc("emotion_closed", "meld7", "joy", modality="video", text="Oh my God!"), {})
    assert closed.startswith('The video clip comes with this text: "Oh my God!". Which emotion does the person speaking')
    assert "anger, disgust, fear, joy, neutral, sadness, surprise" in closed
    opened = hooks.doc_to_text(_doc("emotion_open", "mikels8", "awe"), {})
    assert opened == "Which emotion does this image evoke? Name the emotion in one word."
    intent = hooks.doc_to_text(_doc("intent", "mintrec20", "complain", modality="video"), {})
    assert "intent of the person speaking" in intent and "complain, praise, apologize" in intent
    hate = hooks.doc_to_text(_doc("hate", "yes_no", "yes", text="look at them"), {})
    assert hate.startswith('The image comes with this text: "look at them". Is this image hateful')
    assert hate.endswith("Answer yes or no.") and "yes, no" not in hate
    sarcasm = hooks.doc_to_text(_doc("sarcasm", "yes_no", "no", modality="video"), {})
    assert sarcasm.startswith("Is this video clip sarcastic") and "opposite" in sarcasm
    humor = hooks.doc_to_text(_doc("humor", "yes_no", "no"), {"prompt_style": "emovit"})
    assert humor == emovit_normalise(hooks.doc_to_text(_doc("humor", "yes_no", "no"), {}))
    with pytest.raises(ValueError, match="no prompt for task kind"):
        hooks.doc_to_text(_doc("nonsense", "yes_no", "no"), {})


def test_echoed_questions_are_not_parsed_as_answers():
    for doc, reply, expected in (
        (_doc("emotion_open", "mikels8", "fear"), " Dread.", "fear"),
        (_doc("sarcasm", "yes_no", "yes", text="great weather"), " Yes.", "yes"),
        (_doc("intent", "mintrec20", "greet"), " greet", "greet"),
    ):
        question = hooks.doc_to_text(doc, {})
        scored = hooks.process_results_emobench(doc, [question + reply])
        assert scored["macro_f1"]["pred"] == expected and scored["acc"]["score"] == 1.0
        assert hooks.process_results_emobench(doc, [question])["unparsed_rate"]["score"] == 1.0


def test_open_set_without_judge_reports_lexicon_and_na_judge():
    doc = _doc("emotion_open", "ekman6", "joy", modality="image")
    scored = hooks.process_results_emobench(doc, ["Over the moon!"])
    assert scored["acc"] == {"score": 1.0, "subtask": "emotion_open"} == scored["acc_image"]
    assert scored["lexicon_acc"]["score"] == 1.0 and scored["judge_acc"] is None and scored["judge_rate"] is None
    assert scored["scoring"] == "lexicon v1" and scored["macro_f1"]["scored_by"] == "lexicon"
    missed = hooks.process_results_emobench(doc, ["Bittersweet."])
    assert missed["macro_f1"]["pred"] == UNPARSED and missed["unparsed_rate"]["score"] == 1.0
    assert missed["macro_f1"]["scored_by"] == "none"
    # closed-set and emovit scoring are untouched by the open-set path
    assert hooks.process_results(_doc("emotion_closed", "ekman6", "joy"), ["Over the moon!"])["acc"] == 0.0


def test_task_aggregation_keeps_the_subtask_through_json_and_pickle():
    items = [{"score": 1.0, "subtask": "hate"}, {"score": 0.0, "subtask": "hate"}, {"score": 1.0, "subtask": "hate"}]
    score = hooks.aggregate_score(items)
    assert score == pytest.approx(2 / 3) and score.subtask == "hate"
    assert json.loads(json.dumps({"acc": score}))["acc"] == pytest.approx(2 / 3)
    assert "%.4f" % score == "0.6667"
    restored = pickle.loads(pickle.dumps(score))
    assert restored == score and restored.subtask == "hate"
    assert hooks.aggregate_score([None, None]) is None
    assert hooks.aggregate_sources(["mustard/test", "fi/test", "mustard/test"]) == "fi/test=1, mustard/test=2"


def test_group_mean_pools_within_a_subtask_and_averages_subtasks():
    tag = hooks.SubtaskScore
    metrics = [tag(1.0, "sarcasm"), tag(0.0, "sarcasm"), tag(0.5, "hate"), tag(0.2, "intent")]
    sizes = [30, 10, 4, 4]
    # sarcasm pooled: (30 + 0) / 40 = 0.75; then (0.75 + 0.5 + 0.2) / 3
    assert hooks.aggregate_subtask_mean(metrics, sizes) == pytest.approx((0.75 + 0.5 + 0.2) / 3)
    assert hooks.aggregate_subtask_mean(metrics, sizes, weight_by_size=True) == pytest.approx(
        (30 + 0 + 2 + 0.8) / 48)
    assert hooks.aggregate_subtask_mean([{"yes": 1.0}, tag(1.0, "hate")], [2, 2]) is None
    assert hooks.aggregate_subtask_mean([0.5, 0.5], [2, 2]) is None  # untagged: cannot tell sub-tasks apart
    assert hooks.aggregate_subtask_mean([None, tag(1.0, "hate")], [2, 2]) is None
    items = [{"gold": "yes", "pred": "yes", "label_set": "yes_no", "subtask": "humor", "id": "a"},
             {"gold": "no", "pred": "yes", "label_set": "yes_no", "subtask": "humor", "id": "b"}]
    assert hooks.aggregate_macro_f1_tagged(items).subtask == "humor"


def test_provenance_summary_is_printed_once_per_process(emobench_root, capsys, monkeypatch):
    monkeypatch.setattr(task_utils, "_ANNOUNCED", set())
    first = task_utils.announce_provenance("emobench", emobench_root)
    second = task_utils.announce_provenance("emobench", emobench_root)
    err = capsys.readouterr().err
    assert first == second and first.startswith("EmoBench, rebuilt from public sources")
    assert err.count("[lmms-emotion] EmoBench, rebuilt from public sources") == 1
    assert task_utils.announce_provenance("emoset", emobench_root) is None  # no summary in its manifest
