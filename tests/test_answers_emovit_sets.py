"""The answer parser on the label sets the EmoVIT suite added: WEBEmo's three levels.

Rows are what an MLLM plausibly answers to our closed-set question on a WEBEmo image
(short labels, sentences, EmoVIT's ``Predict emotion: X`` target, Mikels words from
EmoSet-trained models, Parrott's tertiary words, negations, hedges), with the label the
documented rule in ``lmms_emotion.answers`` must return. Extend the table, not the test.
"""

from __future__ import annotations

import pytest

from lmms_emotion import UNPARSED
from lmms_emotion.answers import parse_answer
from lmms_emotion.taxonomy import get_label_set

U = UNPARSED

# (model output, label set, expected)
CASES: list[tuple[str, str, str]] = [
    # --- webemo25: the label itself, in the forms models write it --------------------------
    ("Affection", "webemo25", "affection"),
    ("cheerfulness", "webemo25", "cheerfulness"),
    ("Cheerfullness", "webemo25", U),  # the release's misspelling is not a word models write
    ("Answer: zest", "webemo25", "zest"),
    ("Predict emotion: enthrallment", "webemo25", "enthrallment"),
    ("**Sympathy**", "webemo25", "sympathy"),
    ("disgust", "webemo25", "disgust"),
    ("Irritability.", "webemo25", "irritability"),
    # --- webemo25: sentences and Parrott's tertiary words ------------------------------------
    ("The image evokes a sense of nostalgia and gratitude.", "webemo25", "gratitude"),
    ("The emotion conveyed is horror: the figure in the dark hallway is terrifying.", "webemo25", "horror"),
    ("I would say the dominant feeling here is nervousness, as the person bites their nails.", "webemo25", "nervousness"),
    ("The couple embracing conveys lust rather than affection.", "webemo25", "lust"),
    ("This photo shows a man frowning at a spreadsheet; he looks exasperated.", "webemo25", "exasperation"),
    ("The child looks confused by the puzzle.", "webemo25", "confusion"),
    ("The image shows a graduate holding a diploma, which conveys pride.", "webemo25", "pride"),
    ("Relief. The firefighter has just rescued the dog.", "webemo25", "relief"),
    ("Envy - the woman stares at her friend's new car.", "webemo25", "envy"),
    ("It depicts an elderly man alone in an empty room, suggesting neglect.", "webemo25", "neglect"),
    ("The mood is one of suffering.", "webemo25", "suffering"),
    ("The boy hides his face in shame after breaking the vase.", "webemo25", "shame"),
    ("The overall feeling is optimism: a sunrise over a new city.", "webemo25", "optimism"),
    ("The man is furious, shouting at the referee. Final answer: rage", "webemo25", "rage"),
    ("The person looks annoyed and irritable.", "webemo25", "irritability"),
    ("The dominant emotion is disappointment.", "webemo25", "disappointment"),
    ("She looks heartbroken at the funeral.", "webemo25", "sadness"),
    ("The kids are jumping with enthusiasm at the concert.", "webemo25", "zest"),
    ("A mother holding her newborn: tenderness.", "webemo25", "affection"),
    ("The diver seems anxious before the jump.", "webemo25", "nervousness"),
    ("He is embarrassed after tripping on stage.", "webemo25", "shame"),
    ("The soldier's face shows anguish.", "webemo25", "suffering"),
    ("She is jealous of her sister.", "webemo25", "envy"),
    # --- webemo25: Mikels/Ekman words from EmoSet-trained models ----------------------------
    ("Predict emotion: amusement", "webemo25", "cheerfulness"),
    ("predict emotion: excitement", "webemo25", "zest"),
    ("The viewer would feel awe at the canyon.", "webemo25", "enthrallment"),
    ("contentment", "webemo25", "contentment"),
    ("happy", "webemo25", "cheerfulness"),
    ("Fear.", "webemo25", "horror"),
    ("Surprise!", "webemo25", "surprise"),
    # --- webemo25: negation, hedges, refusals ----------------------------------------------
    ("It is not contentment but rather sadness.", "webemo25", "sadness"),
    ("The image does not evoke fear; the lake is calm.", "webemo25", "contentment"),
    ("Surprise or confusion.", "webemo25", U),
    ("I would say sadness or sympathy.", "webemo25", U),
    ("I'm not sure.", "webemo25", U),
    # --- webemo7: middle level --------------------------------------------------------------
    ("anger", "webemo7", "anger"),
    ("Joy", "webemo7", "joy"),
    ("The emotion is love.", "webemo7", "love"),
    ("confusion", "webemo7", "confusion"),
    ("The image evokes fear; the storm looks menacing.", "webemo7", "fear"),
    ("**Surprise**", "webemo7", "surprise"),
    ("Predict emotion: joy", "webemo7", "joy"),
    ("It shows a disgusted face, so anger.", "webemo7", "anger"),
    ("The person appears puzzled.", "webemo7", "confusion"),
    ("The family is laughing together at dinner.", "webemo7", "joy"),
    ("horror", "webemo7", "fear"),
    ("grateful", "webemo7", "love"),
    ("The dog looks lonely in the rain.", "webemo7", "sadness"),
    ("nervous", "webemo7", "fear"),
    ("Predict emotion: awe", "webemo7", "joy"),
    ("Predict emotion: disgust", "webemo7", "anger"),  # disgust is a child of anger in Parrott's tree
    ("Neither joy nor love; it is sadness.", "webemo7", "sadness"),
    ("joy or love", "webemo7", U),
    # --- webemo2: polarity -------------------------------------------------------------------
    ("positive", "webemo2", "positive"),
    ("Negative.", "webemo2", "negative"),
    ("Answer: Negative", "webemo2", "negative"),
    ("The sentiment is positive.", "webemo2", "positive"),
    ("The overall sentiment of this image is negative, as it depicts a car crash.", "webemo2", "negative"),
    ("Positive - the kids are smiling.", "webemo2", "positive"),
    ("It evokes a pleasant feeling.", "webemo2", "positive"),
    ("It's unpleasant to look at.", "webemo2", "negative"),
    ("The image conveys joy.", "webemo2", "positive"),
    ("sad", "webemo2", "negative"),
    ("Predict emotion: amusement", "webemo2", "positive"),
    ("The emotion is fear, so negative.", "webemo2", "negative"),
    ("The content of the image is negative.", "webemo2", "negative"),
    ("Not positive; negative.", "webemo2", "negative"),
    ("positive or negative", "webemo2", U),
    ("neutral", "webemo2", U),
]


@pytest.mark.parametrize("text, label_set, expected", CASES)
def test_webemo_answers(text: str, label_set: str, expected: str) -> None:
    assert parse_answer(text, label_set) == expected


def test_the_table_covers_every_new_label_set_and_many_labels() -> None:
    assert len(CASES) >= 40
    for name in ("webemo25", "webemo7", "webemo2"):
        expected = {e for _, ls, e in CASES if ls == name and e != U}
        assert len(expected) >= min(len(get_label_set(name)), 7), name


@pytest.mark.parametrize("name", ["webemo25", "webemo7", "webemo2"])
def test_an_echoed_question_is_not_taken_for_the_answer(name: str) -> None:
    """Wrappers that echo our question (InstructBLIP on transformers 5) are scored on what follows it."""
    from lmms_emotion.prompts import apply_style, closed_set_prompt
    from lmms_emotion.task_utils import score_response

    label_set = get_label_set(name)
    gold = label_set.labels[-1]
    doc = {"id": "x", "label_set": name, "answer": gold, "task": "emotion_closed", "modality": "image", "text": ""}
    question = closed_set_prompt(list(label_set.labels))
    for style in ("plain", "emovit"):
        assert score_response(doc, f"{apply_style(question, style)} {gold}")["acc"] == 1.0
    if len(label_set) >= 4:  # an option list alone names more than half the labels: no answer
        assert parse_answer(question, name) == U
