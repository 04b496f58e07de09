"""The answer parser's entry points, text segmentation and errors, and checks that need more
than a table row (option letters, echoed questions, the answer-key model).

The tables of realistic replies live in tests/parser_tables/ (one per label set) and run in
tests/test_parser_tables.py; the reading rules are in docs/scoring.md.
"""

from __future__ import annotations

import pytest

from lmms_emotion import UNPARSED
from lmms_emotion.scoring.answers import normalize, parse_answer, parse_label, parse_yes_no, split_final_answer
from lmms_emotion.scoring.labels import get_label_set
from tests.parser_tables.mikels8 import EMOPROMPT_AWE, EMOPROMPT_FEAR

U = UNPARSED


def test_parse_label_dispatches_yes_no_label_set() -> None:
    assert parse_label("Yes, it is.", "yes_no") == "yes"
    assert parse_label("No.", get_label_set("yes_no")) == "no"


def test_parse_label_accepts_label_set_object() -> None:
    assert parse_label("Predict emotion: awe", get_label_set("mikels8")) == "awe"


def test_unknown_option_raises() -> None:
    with pytest.raises(ValueError, match="names no label"):
        parse_label("A", "mikels8", ["amusement", "banana"])


def test_unknown_label_set_raises() -> None:
    with pytest.raises(KeyError, match="known"):
        parse_label("joy", "no_such_set")


def test_non_string_is_unparsed() -> None:
    assert parse_label(None, "mikels8") == UNPARSED  # type: ignore[arg-type]
    assert parse_yes_no(None, "hate") == UNPARSED  # type: ignore[arg-type]


# --- normalize and split_final_answer ---------------------------------------------------------


def test_normalize() -> None:
    assert normalize("  The Image\n\n is  \u201cSAD\u201d \u2014 isn\u2019t it?  ") == 'the image is "sad" - isn\'t it?'
    assert normalize("<think>fear? awe?</think>\n**Awe**") == "awe"
    assert normalize("<think>never finished") == ""
    assert normalize("stray reasoning</think> Joy") == "joy"
    assert normalize("<answer>Fear</answer>") == "answer: fear"


EMOPROMPT_SADNESS = (
    "To determine the emotion, I examine the visual cues.\n"
    "- The sky is overcast and the colors are desaturated.\n"
    "- A woman sits alone at a bus stop with her head lowered; she is not smiling.\n"
    "- Nothing in the scene suggests anger or fear.\n"
    "These cues point to a low-arousal, negative feeling.\n"
    "The dominant emotion is sadness."
)


@pytest.mark.parametrize(
    ("text", "reasoning_contains", "final"),
    [
        (EMOPROMPT_FEAR, "facial expression", "fear"),
        (EMOPROMPT_AWE, "scale contrast", "awe"),
        (EMOPROMPT_SADNESS, "bus stop", "sadness."),
        ("Predict emotion: excitement", "", "excitement"),
        ("Answer: fear\nReason: the dark corridor.", "", "fear reason: the dark corridor."),
        ("The image is calm. I would say contentment.", "the image is calm.", "contentment."),
        ("The scene is best described as awe-inspiring.", "the scene is", "awe-inspiring."),
        ("Emotion: joy. Final answer: sadness", "emotion: joy.", "sadness"),
        ("Rain on the window. Therefore, sadness.", "rain on the window.", "sadness."),
    ],
)
def test_split_final_answer(text: str, reasoning_contains: str, final: str) -> None:
    reasoning, got_final = split_final_answer(text)
    assert reasoning_contains in reasoning
    assert got_final == final


def test_split_without_marker_returns_whole_text() -> None:
    assert split_final_answer("The kids are laughing at the clown.") == ("", "the kids are laughing at the clown.")


def test_split_ignores_marker_with_nothing_after_it() -> None:
    assert split_final_answer("Sadness is my final answer.") == ("", "sadness is my final answer.")


def test_emoprompt_reasoning_parses_to_final_line() -> None:
    assert parse_label(EMOPROMPT_SADNESS, "mikels8") == "sadness"
    assert parse_label(EMOPROMPT_SADNESS, "ekman6") == "sadness"


# --- checks moved from the per-source table files -------------------------------------------------


def test_option_letters_name_intents() -> None:
    options = ["complain", "praise", "apologize", "ask for help"]
    assert parse_answer("(C)", "mintrec20", options=options) == "apologize"
    assert parse_answer("D) ask for help", "mintrec20", options=options) == "ask for help"
    assert parse_answer("(A) praise", "mintrec20", options=options) == U  # letter and word disagree


@pytest.mark.parametrize("name", ["meld7", "mintrec20", "intentonomy28"])
def test_the_answer_key_model_phrasings_parse_to_the_gold_label(name: str) -> None:
    """``emotion_oracle`` (mode=gold) must score 1 and mode=wrong 0 on tasks over these label sets."""
    from lmms_emotion.models.oracle import oracle_answer

    task = "emotion_closed" if name == "meld7" else "intent"
    for label in get_label_set(name).labels:
        for i in range(24):  # every phrasing template, many synonyms
            doc = {"id": f"{name}/{label}/{i}", "label_set": name, "answer": label, "task": task}
            assert parse_answer(oracle_answer(doc, "gold"), name) == label, oracle_answer(doc, "gold")
            wrong = parse_answer(oracle_answer(doc, "wrong"), name)
            assert wrong not in (label, U), oracle_answer(doc, "wrong")


@pytest.mark.parametrize("name", ["webemo25", "webemo7", "webemo2"])
def test_an_echoed_question_is_not_taken_for_the_answer(name: str) -> None:
    """Wrappers that echo our question (InstructBLIP on transformers 5) are scored on what follows it."""
    from lmms_emotion.scoring.prompts import apply_style, closed_set_prompt
    from lmms_emotion.scoring.hooks import score_response

    label_set = get_label_set(name)
    gold = label_set.labels[-1]
    doc = {"id": "x", "label_set": name, "answer": gold, "task": "emotion_closed", "modality": "image", "text": ""}
    question = closed_set_prompt(list(label_set.labels))
    for style in ("plain", "emovit"):
        assert score_response(doc, f"{apply_style(question, style)} {gold}")["acc"] == 1.0
    if len(label_set) >= 4:  # an option list alone names more than half the labels: no answer
        assert parse_answer(question, name) == U
