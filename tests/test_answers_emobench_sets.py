"""The answer parser on the label sets the EmoBench sources added: MELD's seven emotions,
MIntRec's 20 conversational intents and Intentonomy's 28 image intents.

Rows are what an MLLM plausibly answers to our closed-set question on a Friends clip, a
Superstore clip or an Unsplash photo (bare labels, sentences, ``Answer:`` forms, verb
inflections, negations, hedges, refusals), with the label the documented rule in
``lmms_emotion.answers`` must return. Extend the table, not the test.
"""

from __future__ import annotations

import pytest

from lmms_emotion import UNPARSED
from lmms_emotion.answers import parse_answer
from lmms_emotion.taxonomy import get_label_set

U = UNPARSED
SETS = ("meld7", "mintrec20", "intentonomy28")

# (model output, label set, expected)
CASES: list[tuple[str, str, str]] = [
    # --- meld7 -------------------------------------------------------------------------------
    ("Neutral", "meld7", "neutral"),
    ("neutral.", "meld7", "neutral"),
    ("Emotion: fear", "meld7", "fear"),
    ("Answer: joy", "meld7", "joy"),
    ("The speaker sounds angry.", "meld7", "anger"),
    ("The emotion expressed by the speaker is surprise.", "meld7", "surprise"),
    ("Rachel looks shocked and says 'What?!' - surprise.", "meld7", "surprise"),
    ("The speaker shows no particular emotion.", "meld7", "neutral"),
    ("The tone is matter-of-fact.", "meld7", "neutral"),
    ("Monica is crying, so the emotion is sadness.", "meld7", "sadness"),
    ("Disgust. Ross grimaces at the food.", "meld7", "disgust"),
    ("The character seems scared of what might happen.", "meld7", "fear"),
    ("I would say the speaker is happy.", "meld7", "joy"),
    ("It is not anger; Chandler is just joking around, which is joy.", "meld7", "joy"),
    ("The speaker is not neutral, she is clearly sad.", "meld7", "sadness"),
    ("Either anger or disgust.", "meld7", U),
    ("anger, disgust, fear, joy, neutral, sadness, surprise", "meld7", U),  # the option list echoed
    ("I'm sorry, I cannot determine the emotion from this clip.", "meld7", U),
    # --- mintrec20 ---------------------------------------------------------------------------
    ("Complain", "mintrec20", "complain"),
    ("ask for help", "mintrec20", "ask for help"),
    ("Answer: greet", "mintrec20", "greet"),
    ("The intent is to apologize.", "mintrec20", "apologize"),
    ("She apologises for being late.", "mintrec20", "apologize"),
    ("The speaker is asking for help with the boxes.", "mintrec20", "ask for help"),
    ("He is saying hello to Amy as she walks in.", "mintrec20", "greet"),
    ("The speaker is bragging about his sales numbers, so the intent is flaunt.", "mintrec20", "flaunt"),
    ("Glenn is mocking Dina's outfit.", "mintrec20", "taunt"),
    ("The intent is to inform the staff about the new policy.", "mintrec20", "inform"),
    ("She suggests taking it from the top - advise.", "mintrec20", "advise"),
    ("He is telling a joke.", "mintrec20", "joke"),
    ("The speaker thanks Glenn for his help.", "mintrec20", "thank"),
    ("Jonah disagrees with the plan.", "mintrec20", "oppose"),
    ("The manager is assigning tasks to the employees: arrange.", "mintrec20", "arrange"),
    ("She is consoling her coworker after the bad news.", "mintrec20", "comfort"),
    ("The intent is to stop Garrett from hanging up.", "mintrec20", "prevent"),
    ("He is leaving the store for the day.", "mintrec20", "leave"),
    ("The speaker praises the new display.", "mintrec20", "praise"),
    ("She introduces her boyfriend to the team.", "mintrec20", "introduce"),
    ("Dina is criticizing Jonah for being late.", "mintrec20", "criticize"),
    ("Sure, the speaker agrees with Amy.", "mintrec20", "agree"),
    ("The speaker asks whether everything is okay, showing concern.", "mintrec20", "care"),
    ("The speaker is not complaining; she is thanking him.", "mintrec20", "thank"),
    ("Complain or criticize.", "mintrec20", U),
    ("I'm sorry, but I can't tell the intent from this clip.", "mintrec20", U),  # "sorry" is not an apology
    # --- intentonomy28 -----------------------------------------------------------------------
    ("be attractive", "intentonomy28", "be attractive"),
    ("Answer: teach others", "intentonomy28", "teach others"),
    ("The intent is to appreciate nature.", "intentonomy28", "appreciate nature"),
    ("The photographer wants to show the beauty of nature: the mountains and the lake.", "intentonomy28",
     "appreciate nature"),
    ("The person posted this to show how much they love animals.", "intentonomy28", "love animals"),
    ("The image of a couple holding hands suggests being in love.", "intentonomy28", "be in love"),
    ("The intent is to inspire others.", "intentonomy28", "inspire others"),
    ("A family picnic with the kids: the intent is to be a good parent.", "intentonomy28", "be a good parent"),
    ("The runner is training to be healthy.", "intentonomy28", "be healthy"),
    ("The photo of a neatly organized desk expresses the intent to keep things in order.", "intentonomy28",
     "keep things in order"),
    ("Friendship - a group of friends hanging out at a cafe.", "intentonomy28", "enjoy friendship and social life"),
    ("The intent is to show creativity and uniqueness.", "intentonomy28", "be creative and unique"),
    ("This is about architecture.", "intentonomy28", "appreciate architecture"),
    ("The intent behind this image is to succeed at work; the man in a suit is closing a deal.", "intentonomy28",
     "succeed at work"),
    ("The climber seeks adventure and an exciting life.", "intentonomy28", "live an exciting life"),
    ("The person is posing in order to look attractive.", "intentonomy28", "be attractive"),  # not "order"
    ("The intent is not competition but enjoying life.", "intentonomy28", "enjoy life"),
    ("To share feelings with others.", "intentonomy28", "share feelings"),
    ("I would say the dominant feeling here is enjoy work.", "intentonomy28", "enjoy one's work"),
    ("Happy or playful.", "intentonomy28", U),
    # "the intent is ..." marks the answer, so a scene word named earlier does not win
    ("A dog sits on the sofa next to a tidy shelf; the intent is to keep things in order.", "intentonomy28",
     "keep things in order"),
    ("The speaker is smiling while she complains about the weather, so the intent is joke.", "mintrec20", "joke"),
    ("Intent: ask for help", "mintrec20", "ask for help"),
    ("She praises the cake, but her real intention is to taunt him.", "mintrec20", "taunt"),
]


@pytest.mark.parametrize("text, label_set, expected", CASES)
def test_emobench_answers(text: str, label_set: str, expected: str) -> None:
    assert parse_answer(text, label_set) == expected


def test_the_table_covers_every_new_label_set_and_many_labels() -> None:
    assert len(CASES) >= 40
    for name in SETS:
        expected = {e for _, ls, e in CASES if ls == name and e != U}
        assert len(expected) >= min(len(get_label_set(name)), 7), name
        assert any(e == U for _, ls, e in CASES if ls == name), f"{name}: no row where the parser must refuse"


def test_option_letters_name_intents() -> None:
    options = ["complain", "praise", "apologize", "ask for help"]
    assert parse_answer("(C)", "mintrec20", options=options) == "apologize"
    assert parse_answer("D) ask for help", "mintrec20", options=options) == "ask for help"
    assert parse_answer("(A) praise", "mintrec20", options=options) == U  # letter and word disagree


@pytest.mark.parametrize("name", SETS)
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
