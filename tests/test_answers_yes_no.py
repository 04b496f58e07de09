"""Yes/no answers of the EmoBench detection sub-tasks (hate, humor, sarcasm): a second table of
realistic model outputs, as models answer our binary prompts (``Answer yes or no.``), and the
EmoBench scoring hook reading them with the doc's concept.

tests/test_answers.py holds the first yes/no table; none of these rows repeats one of it.
Rows follow the parser's documented rule (lmms_emotion.answers): an explicit yes/no token
decides; otherwise statements about the concept vote, negation flipping them; a statement
hedged with a modal (``might be hateful``) still votes, while a question, a
``whether``/``if`` clause or two disagreeing votes leave the answer unparsed.
"""

from __future__ import annotations

import pytest

from lmms_emotion import UNPARSED
from lmms_emotion.answers import parse_yes_no

U = UNPARSED

# (model output, concept, expected)
CASES: list[tuple[str, str, str]] = [
    # --- hate: explicit answers ---------------------------------------------------------------
    ("Yes.\n\nThe meme mocks people of a specific religion.", "hate", "yes"),
    ("Yes, because it compares a group of people to animals.", "hate", "yes"),
    ("yes - it targets immigrants", "hate", "yes"),
    ("Yes. The caption is a racist stereotype.", "hate", "yes"),
    ("YES", "hate", "yes"),
    ("Yes!", "hate", "yes"),
    ("Answer: Yes. The text demeans disabled people.", "hate", "yes"),
    ("**Yes**, this meme is hateful.", "hate", "yes"),
    ("Final answer: yes", "hate", "yes"),
    ("No.\n\nThe meme is a pun about cooking.", "hate", "no"),
    ("No, it's just a joke about Mondays.", "hate", "no"),
    ("no", "hate", "no"),
    ("Nope, nothing hateful here.", "hate", "no"),
    ("No - the meme is wholesome.", "hate", "no"),
    ("Answer: No. The image and text are unrelated to any group.", "hate", "no"),
    ("**No**", "hate", "no"),
    ("Final answer: no", "hate", "no"),
    # --- hate: statements ---------------------------------------------------------------------
    ("Hateful, yes.", "hate", "yes"),
    ("This meme is hateful because it attacks people for their skin colour.", "hate", "yes"),
    ("The meme promotes hatred against Jewish people.", "hate", "yes"),
    ("The caption is homophobic.", "hate", "yes"),
    ("It is a xenophobic meme about refugees.", "hate", "yes"),
    ("The meme is derogatory towards women.", "hate", "yes"),
    ("It is dehumanizing: it compares Black people to apes.", "hate", "yes"),
    ("The text is antisemitic.", "hate", "yes"),
    ("It contains a slur.", "hate", "yes"),
    ("This meme is not hateful.", "hate", "no"),
    ("The meme is harmless.", "hate", "no"),
    ("It is not offensive; it is a joke about the weather.", "hate", "no"),
    ("The meme doesn't attack anyone; it's innocuous.", "hate", "no"),
    ("Nothing in this meme is hateful.", "hate", "no"),
    ("The content is respectful.", "hate", "no"),
    ("I do not think this meme is hateful.", "hate", "no"),
    ("The meme is non-hateful.", "hate", "no"),
    # --- hate: hedged, contradictory, off-topic -------------------------------------------------
    ("Yes and no.", "hate", U),
    ("It might be hateful depending on the context.", "hate", "yes"),  # a hedged statement still votes
    ("I cannot determine whether this meme is hateful.", "hate", U),
    ("Is it hateful? Hard to say.", "hate", U),
    ("The meme shows a man holding a sign.", "hate", U),
    ("No, the meme is hateful.", "hate", U),
    ("Sorry, I can't help with that.", "hate", U),
    ("The meme is a bit edgy.", "hate", U),
    # --- humor: explicit answers --------------------------------------------------------------
    ("Yes.", "humor", "yes"),
    ("Yes, it's a pun on the word 'bark'.", "humor", "yes"),
    ("yes, the punchline is a joke", "humor", "yes"),
    ("Yes - the audience laughs right after it.", "humor", "yes"),
    ("Answer: yes", "humor", "yes"),
    ("Yes, definitely.", "humor", "yes"),
    ("No.", "humor", "no"),
    ("No, the speaker is describing a serious problem.", "humor", "no"),
    ("No - it's a motivational quote.", "humor", "no"),
    ("no, not really", "humor", "no"),
    ("Answer: No", "humor", "no"),
    ("Not really.", "humor", "no"),
    # --- humor: statements ----------------------------------------------------------------------
    ("Hilarious meme.", "humor", "yes"),
    ("It is a joke.", "humor", "yes"),
    ("This is funny.", "humor", "yes"),
    ("The punchline is humorous.", "humor", "yes"),
    ("The meme is witty and amusing.", "humor", "yes"),
    ("The speaker is joking here.", "humor", "yes"),
    ("It is intended to be funny.", "humor", "yes"),
    ("The clip is comedic.", "humor", "yes"),
    ("This meme is not funny.", "humor", "no"),
    ("The statement is serious.", "humor", "no"),
    ("It isn't humorous.", "humor", "no"),
    ("There is no joke here.", "humor", "no"),
    ("The talk is serious and informative, so it is not meant to be funny.", "humor", "no"),
    ("The meme is humourless.", "humor", "no"),
    # --- humor: hedged, contradictory, off-topic ------------------------------------------------
    ("It depends on who is watching.", "humor", U),
    ("Possibly, but I am not sure.", "humor", U),
    ("Some people might find it funny.", "humor", "yes"),
    ("It is funny and serious at the same time.", "humor", U),
    ("Yes or no: hard to tell.", "humor", U),
    ("The image shows a cat on a table.", "humor", U),
    ("Is this funny? I am not sure.", "humor", U),
    ("Whether it is funny depends on the viewer.", "humor", U),
    # --- sarcasm: explicit answers ---------------------------------------------------------------
    ("Yes!!", "sarcasm", "yes"),
    ("Yes, the tweet praises a traffic jam.", "sarcasm", "yes"),
    ("Yes - 'great job' under a photo of a broken bridge.", "sarcasm", "yes"),
    ("yes, clearly", "sarcasm", "yes"),
    ("Answer: Yes", "sarcasm", "yes"),
    ("Final answer: Yes.", "sarcasm", "yes"),
    ("No!", "sarcasm", "no"),
    ("No, the user is genuinely happy about the food.", "sarcasm", "no"),
    ("No - the caption matches the picture.", "sarcasm", "no"),
    ("no", "sarcasm", "no"),
    ("Answer: No.", "sarcasm", "no"),
    ("Definitely not.", "sarcasm", "no"),
    # --- sarcasm: statements --------------------------------------------------------------------
    ("This is sarcastic.", "sarcasm", "yes"),
    ("The tweet is sarcastic: the sky in the photo is grey.", "sarcasm", "yes"),
    ("The speaker is being sarcastic.", "sarcasm", "yes"),
    ("It is ironic.", "sarcasm", "yes"),
    ("The remark is sardonic.", "sarcasm", "yes"),
    ("The post is satirical.", "sarcasm", "yes"),
    ("She says it sarcastically.", "sarcasm", "yes"),
    ("The comment is tongue-in-cheek.", "sarcasm", "yes"),
    ("Not sarcastic.", "sarcasm", "no"),
    ("The tweet is sincere.", "sarcasm", "no"),
    ("The speaker means it genuinely.", "sarcasm", "no"),
    ("The statement is straightforward.", "sarcasm", "no"),
    ("The post is not ironic.", "sarcasm", "no"),
    ("He is not being sarcastic; he really likes the gift.", "sarcasm", "no"),
    ("There is no irony in the caption.", "sarcasm", "no"),
    # --- sarcasm: hedged, contradictory, off-topic ----------------------------------------------
    ("It could be sarcasm.", "sarcasm", "yes"),  # a hedged statement still votes
    ("Unclear.", "sarcasm", U),
    ("Hard to tell whether it is sarcastic.", "sarcasm", U),
    ("Is the tweet sarcastic? The image does not help.", "sarcasm", U),
    ("The photo shows a rainy street.", "sarcasm", U),
    ("Yes, it is sincere.", "sarcasm", U),
    ("It is sarcastic but also sincere.", "sarcasm", U),
]


@pytest.mark.parametrize(("text", "concept", "expected"), CASES)
def test_yes_no_table(text: str, concept: str, expected: str) -> None:
    assert parse_yes_no(text, concept) == expected


def test_table_is_new_large_and_balanced() -> None:
    from tests.test_answers import YES_NO_CASES

    assert len(CASES) >= 100
    assert not {(t, c) for t, c, _ in CASES} & {(t, c) for t, c, _ in YES_NO_CASES}
    for concept in ("hate", "humor", "sarcasm"):
        outcomes = {expected for _, c, expected in CASES if c == concept}
        assert outcomes == {"yes", "no", U}, concept


@pytest.mark.parametrize(("text", "concept", "expected"), CASES[::7])
def test_emobench_hook_scores_with_the_doc_concept(text: str, concept: str, expected: str) -> None:
    from lmms_emotion.task_utils import process_results_emobench

    gold = "no" if expected == "yes" else "yes"
    doc = {"id": f"{concept}/x/test/1", "task": concept, "source": "x", "split": "test", "modality": "image",
           "text": "caption", "label_set": "yes_no", "answer": expected if expected != U else gold,
           "media_types": [], "media_paths": [], "meta": "{}"}
    scores = process_results_emobench(doc, [text])
    assert scores["acc"] == {"score": float(expected != U), "subtask": concept}
    assert scores["unparsed_rate"]["score"] == float(expected == U)
    assert scores["macro_f1"]["pred"] == expected and scores["sources"] == "x/test"
