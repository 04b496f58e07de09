"""Prompt templates (package data), attribute text, and reply validation."""

from __future__ import annotations

import json

import pytest

from lmms_emotion.scoring.answers import parse_answer
from lmms_emotion.instruct.attributes import (
    NO_ATTRIBUTES,
    attribute_lines,
    attribute_text,
)
from lmms_emotion.instruct.client import Completion
from lmms_emotion.instruct.instructions import (
    build_jobs,
    categorical_record,
    parse_conversation,
    parse_reasoning,
)
from lmms_emotion.instruct.jobs import ReplyError
from lmms_emotion.instruct.templates import TemplateError, load_template, template_names
from lmms_emotion.records import Media, Record, record_from_dict
from lmms_emotion.scoring.labels import MIKELS8

ATTRS = {"brightness": 0.2, "colorfulness": 0.9, "scene": "amusement_park", "object": ["Person", "Balloon"],
         "facial_expression": "happy", "human_action": "running"}


def _record(i: int = 0, label: str = "amusement", attributes=None) -> Record:
    return Record(id=f"emoset/train/{label}_{i:05d}", task="emotion_closed", source="emoset", split="train",
                  media=(Media("image", f"image/{label}/{label}_{i:05d}.jpg"),), text="", label_set="mikels8",
                  answer=label, meta={"attributes": ATTRS if attributes is None else attributes})


def _reply(content, finish="stop") -> Completion:
    return Completion(content=content if isinstance(content, str) else json.dumps(content), finish_reason=finish,
                      prompt_tokens=1, completion_tokens=1, cost=0.0, cached=False, key="k")


def _strict(schema: dict) -> None:
    """OpenAI strict structured outputs: every object closed and every property required."""
    if schema.get("type") == "object":
        assert schema.get("additionalProperties") is False
        assert set(schema.get("required", [])) == set(schema["properties"])
        for sub in schema["properties"].values():
            _strict(sub)
    if schema.get("type") == "array":
        _strict(schema["items"])


def test_shipped_templates_load_with_versions():
    assert set(template_names()) >= {"categorical", "conversation", "reasoning", "rationale"}
    for name in template_names():
        template = load_template(name)
        assert template.version.startswith(f"{name}-v")
        if template.schema is not None:
            _strict(template.schema)
            fmt = template.response_format("json_schema")
            assert fmt["json_schema"]["schema"] == template.schema and fmt["json_schema"]["strict"] is True
            assert template.response_format("json_object") == {"type": "json_object"}
            assert template.response_format("none") is None


def test_attribute_text_includes_scene_and_scales():
    lines = attribute_lines(ATTRS)
    assert lines[0].startswith("- brightness: 0.2 (on a 0-1 scale")
    assert "- scene: amusement park" in lines  # EmoVIT's scripts never passed the scene
    assert "- objects: Person, Balloon" in lines
    assert "- facial expression: happy" in lines and "- human action: running" in lines
    assert attribute_text({}) == NO_ATTRIBUTES
    assert attribute_lines({"zeta": "x", "scene": "beach", "object": []}) == ["- scene: beach", "- zeta: x"]


def test_conversation_prompt_carries_caption_attributes_and_emotion():
    jobs, free = build_jobs([_record()], ["conversation", "reasoning"], {"image/amusement/amusement_00000.jpg": "kids at a fair"})
    assert free == [] and [j.id for j in jobs] == ["emoset/train/amusement_00000/conversation",
                                                    "emoset/train/amusement_00000/reasoning"]
    for job in jobs:
        user = job.messages[-1]["content"]
        assert "kids at a fair" in user and "scene: amusement park" in user and "amusement" in user
        assert job.messages[0]["role"] == "system"


def test_missing_template_field_is_named():
    template = load_template("conversation")
    with pytest.raises(TemplateError, match="caption"):
        template.messages({"attributes": "-", "emotion": "awe"})


def test_prompts_folder_overrides_and_validates(tmp_path):
    (tmp_path / "reasoning.yaml").write_text("name: reasoning\nversion: mine-v7\nuser: 'Q about $emotion'\n")
    assert load_template("reasoning", tmp_path).version == "mine-v7"
    assert load_template("conversation", tmp_path).version == "conversation-v1"  # not overridden
    (tmp_path / "conversation.yaml").write_text("name: other\nversion: x\n")
    with pytest.raises(TemplateError, match="name is 'other'"):
        load_template("conversation", tmp_path)
    with pytest.raises(TemplateError, match="no prompt template"):
        load_template("nope")


def test_categorical_is_stable_valid_and_parses_to_gold():
    template = load_template("categorical")
    questions = set()
    for i, label in enumerate(MIKELS8.labels * 3):
        record = categorical_record(_record(i, label), template)
        again = categorical_record(_record(i, label), template)
        assert record == again  # the question choice is a stable function of the id
        turn = record.meta["instruction"]["turns"][0]
        assert all(option in turn["question"] for option in MIKELS8.labels)
        assert parse_answer(turn["answer"], "mikels8") == label
        questions.add(turn["question"].split(":")[0])
        record_from_dict(record.to_dict())  # a valid record of the base schema
    assert len(questions) > 1  # wording varies across records


GOOD_CONVERSATION = {
    "simple_1": {"question": "What is in the sky?", "answer": "Several red balloons."},
    "simple_2": {"question": "Is it day or night?", "answer": "It is daytime."},
    "complex": {"question": "Why does the scene feel playful?",
                "answer": "Children run between bright stalls while balloons drift above, so the mood is light."},
}


def test_conversation_reply_validation():
    turns = parse_conversation(None, _reply(GOOD_CONVERSATION))
    assert [t["type"] for t in turns] == ["simple", "simple", "complex"]
    fenced = "```json\n" + json.dumps(GOOD_CONVERSATION) + "\n```"
    assert parse_conversation(None, _reply(fenced)) == turns
    cases = {
        "cut off": (_reply(json.dumps(GOOD_CONVERSATION)[:80], "length")),
        "not valid JSON": _reply(json.dumps(GOOD_CONVERSATION)[:-1]),
        "'simple_2'": _reply({k: v for k, v in GOOD_CONVERSATION.items() if k != "simple_2"}),
        "'complex'": _reply({k: v for k, v in GOOD_CONVERSATION.items() if k != "complex"}),
        "simple_1 must be an object": _reply({**GOOD_CONVERSATION, "simple_1": ["What?", "This."]}),
        "must be a question": _reply({**GOOD_CONVERSATION, "complex": {"question": "Tell me.", "answer": "x y"}}),
        "mentions 'the caption'": _reply({**GOOD_CONVERSATION, "complex": {
            "question": "Why?", "answer": "Because the caption says so."}}),
        "asked twice": _reply({**GOOD_CONVERSATION, "simple_2": GOOD_CONVERSATION["simple_1"]}),
        "is empty": _reply({**GOOD_CONVERSATION, "complex": {"question": "Why?", "answer": "  "}}),
        "must be a JSON object": _reply("[1, 2]"),
        "was empty": _reply(""),
    }
    for expected, reply in cases.items():
        with pytest.raises(ReplyError, match=expected):
            parse_conversation(None, reply)


def test_reasoning_reply_validation():
    good = {"question": "What might the runner feel after the race?",
            "answer": "The raised arms and wide smile suggest relief and joy, so after the race he feels elated."}
    assert parse_reasoning(None, _reply(good))[0]["type"] == "reasoning"
    with pytest.raises(ReplyError, match="too short"):
        parse_reasoning(None, _reply({**good, "answer": "He is happy."}))
    with pytest.raises(ReplyError, match="string"):
        parse_reasoning(None, _reply({**good, "answer": 3}))
