"""The reading rules of docs/scoring.md, one table of realistic replies per rule, plus the
false-positive table (replies that must stay unparsed).

Replies are written in the styles of LLaVA-1.5 (a bare label, a short sentence),
InstructBLIP (lower-case fragments), Qwen2-VL (full sentences, numbered lists) and GPT-4o
(markdown, reasoning then ``Final answer:``), over closed sets, open-set (lexicon)
answers, intents and the yes/no sub-tasks. Rows are data; extend the tables, not the tests.
"""

from __future__ import annotations

from collections import Counter

import pytest

from lmms_emotion import UNPARSED
from lmms_emotion.answers import correct_misspellings, edit_distance, form_matcher, parse_answer, spelling_tolerance
from lmms_emotion.lexicon import lexicon_forms, place
from lmms_emotion.taxonomy import LABEL_HIERARCHY, get_label_set

U = UNPARSED
YN = ("hate", "humor", "sarcasm")


def read(kind: str, target: str, text: str) -> str:
    """Score ``text`` as the sub-task ``kind`` would: closed set, open set (lexicon) or yes/no."""
    if kind == "open":
        return place(text, target)
    if kind == "yes_no":
        return parse_answer(text, "yes_no", concept=None if target == "-" else target)
    return parse_answer(text, target)


# (rule, sub-task, label set or concept ("-": no concept), reply, expected)
RULE_CASES: list[tuple[str, str, str, str, str]] = [
    # --- hedges: a reply that commits to neither side is unparsed; a topic noun is no vote ---
    ("hedge", "yes_no", "sarcasm", "Some viewers could take it as mocking, others as harmless fun.", U),
    ("hedge", "yes_no", "humor", "Whether it's funny is a matter of taste.", U),
    ("hedge", "yes_no", "humor", "Humour is subjective here.", U),
    ("hedge", "yes_no", "humor", "Humor really depends on who is watching.", U),
    ("hedge", "yes_no", "humor", "Comedy is in the eye of the beholder; some will laugh, others won't.", U),
    ("hedge", "yes_no", "humor", "It could be read as a joke or as a plain statement, it's ambiguous.", U),
    ("hedge", "yes_no", "humor", "Hard to say - the punchline may or may not land.", U),
    ("hedge", "yes_no", "sarcasm", "Sarcasm is notoriously hard to detect in text.", U),
    ("hedge", "yes_no", "sarcasm", "The tone is ambiguous: it might be ironic, it might be sincere.", U),
    ("hedge", "yes_no", "sarcasm", "Irony depends on the speaker's intent, which the clip does not show.", U),
    ("hedge", "yes_no", "sarcasm", "Some readers would see it as sarcastic, others would take it literally.", U),
    ("hedge", "yes_no", "sarcasm", "**Assessment:** it's open to interpretation whether the praise is genuine.", U),
    ("hedge", "yes_no", "hate", "Whether the meme is offensive is a matter of perspective.", U),
    ("hedge", "yes_no", "hate", "Hate speech is a serious topic and needs careful context.", U),
    ("hedge", "yes_no", "hate", "Some people may find it offensive, while others see it as harmless satire.", U),
    ("hedge", "yes_no", "hate", "It's borderline: the joke is crude but could be read as harmless.", U),
    ("hedge", "yes_no", "hate", "I'm not sure; the caption is derogatory to some and innocuous to others.", U),
    ("hedge", "yes_no", "humor", "1. The pun is there.\n2. Humour is subjective.\nFinal answer: it depends on the viewer", U),
    ("hedge", "yes_no", "sarcasm", "satire is a matter of opinion", U),
    ("hedge", "yes_no", "hate", "Racism is a sensitive subject; this meme is debatable.", U),
    # a hedge beside a committed answer does not undo it
    ("hedge", "yes_no", "humor", "Yes, although humour is subjective.", "yes"),
    ("hedge", "yes_no", "humor", "Humour is subjective, but this meme is clearly funny.", "yes"),
    ("hedge", "yes_no", "sarcasm", "Sarcasm is clearly present: the 'great job' follows a disaster.", "yes"),
    ("hedge", "yes_no", "hate", "No. Some may dislike the joke, but it attacks no one.", "no"),
    ("hedge", "yes_no", "sarcasm", "Irony is evident in the caption.", "yes"),
    ("hedge", "yes_no", "sarcasm", "Either way, it is sarcastic.", "yes"),  # "either way" = regardless
    ("hedge", "yes_no", "humor", "The meme plays on an ambiguous word to make a pun.", "yes"),
    ("hedge", "yes_no", "hate", "I'm not sure why anyone would find this offensive; it is harmless.", "no"),
    ("hedge", "yes_no", "humor", "The humour lies in the pun on 'bark'.", "yes"),
    # --- a committed yes/no after a short lead-in --------------------------------------------------
    ("lead_in", "yes_no", "-", "Honestly, yes: the caption mocks the weather report.", "yes"),
    ("lead_in", "yes_no", "-", "Ha, yes - the joke is the pun.", "yes"),
    ("lead_in", "yes_no", "-", "Well, no.", "no"),
    ("lead_in", "yes_no", "-", "Oh yes, definitely.", "yes"),
    ("lead_in", "yes_no", "-", "Hmm, no - it reads as a plain announcement.", "no"),
    ("lead_in", "yes_no", "-", "So, yes.", "yes"),
    ("lead_in", "yes_no", "-", "Frankly, no, there is nothing to it.", "no"),
    ("lead_in", "yes_no", "-", "In short: yes.", "yes"),
    ("lead_in", "yes_no", "-", "To be honest, no.", "no"),
    ("lead_in", "yes_no", "-", "Okay, yes, I see the joke now.", "yes"),
    ("lead_in", "yes_no", "-", "I think yes.", "yes"),
    ("lead_in", "yes_no", "-", "The image shows a cat in a box. Honestly, yes.", "yes"),
    ("lead_in", "yes_no", "sarcasm", "Actually, yes - 'love waiting in line' means the opposite.", "yes"),
    ("lead_in", "yes_no", "humor", "Haha, yes! The dog wearing glasses is a classic gag.", "yes"),
    ("lead_in", "yes_no", "humor", "Well... no. It's a safety notice.", "no"),
    ("lead_in", "yes_no", "hate", "Sadly, the meme is hateful. So yes.", "yes"),
    ("lead_in", "yes_no", "hate", "Honestly no, it's just a cooking meme.", "no"),
    ("lead_in", "yes_no", "hate", "Clearly, no: it jokes about Mondays, not about people.", "no"),
    ("lead_in", "yes_no", "sarcasm", "Short answer: no. The thank-you is sincere.", "no"),
    ("lead_in", "yes_no", "humor", "Ok, no", "no"),
    ("lead_in", "yes_no", "humor", "Honestly, no humour is intended in this clip.", "no"),  # "no" + noun: a statement
    ("lead_in", "yes_no", "-", "Honestly, no humour is intended in this clip.", U),  # ... so without a concept, nothing
    # --- the task's own definition, paraphrased, negated or not --------------------------------
    ("definition", "yes_no", "humor", "It is not trying to get a laugh; it is a sad story.", "no"),
    ("definition", "yes_no", "humor", "The clip is meant to make people laugh.", "yes"),
    ("definition", "yes_no", "humor", "The video is played for laughs.", "yes"),
    ("definition", "yes_no", "humor", "Nothing here would make anyone laugh; it is a news report.", "no"),
    ("definition", "yes_no", "humor", "The meme's purpose is to amuse its readers.", "yes"),
    ("definition", "yes_no", "humor", "The speaker isn't trying to amuse anyone.", "no"),
    ("definition", "yes_no", "humor", "The audience laughs right after the line.", "yes"),
    ("definition", "yes_no", "humor", "The punchline lands: a dad joke about bread.", "yes"),
    ("definition", "yes_no", "humor", "Final answer: it does not make people laugh.", "no"),
    ("definition", "yes_no", "sarcasm", "The tweet says the opposite of what the author feels about Mondays.", "yes"),
    ("definition", "yes_no", "sarcasm", "She is mocking her brother's cooking.", "yes"),
    ("definition", "yes_no", "sarcasm", "The post means exactly what it says.", "no"),
    ("definition", "yes_no", "sarcasm", "He is not saying the opposite of what he means; he is just tired.", "no"),
    ("definition", "yes_no", "sarcasm", "The caption makes fun of the 'perfect' weather during a storm.", "yes"),
    ("definition", "yes_no", "sarcasm", "The compliment is not meant literally.", "yes"),
    ("definition", "yes_no", "sarcasm", "It should be taken at face value.", "no"),
    ("definition", "yes_no", "hate", "The meme attacks immigrants as criminals.", "yes"),
    ("definition", "yes_no", "hate", "The caption demeans women for driving.", "yes"),
    ("definition", "yes_no", "hate", "It does not attack any group; it's about a cat.", "no"),
    ("definition", "yes_no", "hate", "The joke targets people for their religion.", "yes"),
    ("definition", "yes_no", "hate", "**Answer:** the meme belittles disabled people.", "yes"),
    ("definition", "yes_no", "hate", "The text doesn't insult anyone; it's a birthday wish.", "no"),
    # --- the committed answer wins over secondary mentions; equal weight stays unparsed ----------
    ("commitment", "closed", "mikels8", "The overall feeling is awe, although a viewer might also sense fear.", "awe"),
    ("commitment", "closed", "mikels8", "A hint of sadness, but mostly contentment.", "contentment"),
    ("commitment", "open", "mikels8", "A little nostalgia, but mostly contentment.", "contentment"),
    ("commitment", "closed", "mikels8", "There is a touch of fear in the dark clouds, yet primarily awe at the storm's scale.", "awe"),
    ("commitment", "closed", "mikels8", "Sadness, with a trace of anger.", "sadness"),
    ("commitment", "closed", "mikels8", "slight disgust but mainly amusement", "amusement"),
    ("commitment", "closed", "mikels8", "Fear and sadness in equal measure.", U),
    ("commitment", "closed", "mikels8", "It evokes both awe and fear, equally.", U),
    ("commitment", "closed", "ekman6", "The face shows surprise, mostly, with some fear.", "surprise"),
    ("commitment", "closed", "ekman6", "A tinge of sadness, but the dominant note is joy. Final answer: mostly joy", "joy"),
    ("commitment", "closed", "ekman6", "Mainly anger, a bit of disgust.", "anger"),
    ("commitment", "closed", "ekman6", "A mix of joy and sadness.", U),
    ("commitment", "closed", "unbiasedemo6", "There may also be a little fear, but the emotion is most likely love.", "love"),
    ("commitment", "closed", "unbiasedemo6", "Predominantly joy, with slight surprise.", "joy"),
    ("commitment", "closed", "meld7", "Some annoyance, but above all she is surprised.", "surprise"),
    ("commitment", "closed", "meld7", "Chandler sounds mildly annoyed, mostly neutral.", "neutral"),
    ("commitment", "closed", "webemo7", "A hint of fear, but overall joy.", "joy"),
    ("commitment", "closed", "webemo25", "Primarily pride, with a touch of relief.", "pride"),
    ("commitment", "closed", "webemo2", "Mostly positive, with a slight negative undertone.", "positive"),
    ("commitment", "closed", "mintrec20", "She is slightly complaining but mainly asking for help.", "ask for help"),
    ("commitment", "open", "ekman6", "A touch of worry, but chiefly delight.", "joy"),
    ("commitment", "open", "meld7", "Faintly irritated; mostly calm.", "neutral"),
    ("commitment", "open", "mikels8", "Serenity and dread in equal parts.", U),
    ("commitment", "closed", "mikels8", "**Emotion:** awe (a hint of fear as well)", "awe"),
    ("commitment", "closed", "mikels8", "1. The crowd cheers.\n2. Someone frowns.\nFinal answer: mostly excitement, a little anger",
     "excitement"),
    # --- misspellings: one close misspelling of a label or lexicon word is read; real words never --
    ("misspelling", "closed", "ekman6", "suprised", "surprise"),
    ("misspelling", "closed", "ekman6", "Happyness", "joy"),
    ("misspelling", "closed", "mikels8", "excitemnt", "excitement"),
    ("misspelling", "closed", "mikels8", "The woman looks fearfull.", "fear"),
    ("misspelling", "closed", "mikels8", "sadnes", "sadness"),
    ("misspelling", "closed", "mikels8", "Predict emotion: disgusst", "disgust"),
    ("misspelling", "closed", "mikels8", "The emotion is amusment.", "amusement"),
    ("misspelling", "closed", "mikels8", "contentmnet", "contentment"),
    ("misspelling", "closed", "mikels8", "the image is suprising and excitng", "excitement"),
    ("misspelling", "closed", "ekman6", "Final answer: digust", "disgust"),
    ("misspelling", "closed", "ekman6", "The man is angery.", "anger"),
    ("misspelling", "closed", "unbiasedemo6", "Surpised", "surprise"),
    ("misspelling", "closed", "meld7", "nuetral", "neutral"),
    ("misspelling", "closed", "webemo25", "nervousnes", "nervousness"),
    ("misspelling", "closed", "webemo7", "confussion", "confusion"),
    ("misspelling", "closed", "mintrec20", "The intent is to apologise for the delay, complainig a bit.", "apologize"),
    ("misspelling", "closed", "mikels8", "Not sadnes, but fearfull.", "fear"),  # negation still applies
    ("misspelling", "closed", "mikels8", "Fear or sadnes.", U),  # and alternatives
    ("misspelling", "closed", "mikels8", "fare", U),
    ("misspelling", "closed", "mikels8", "Dear viewer, the answer is unclear.", U),
    ("misspelling", "closed", "mikels8", "A bear in the woods.", U),
    ("misspelling", "closed", "mikels8", "The content of the photograph is a bare tree.", U),
    ("misspelling", "open", "ekman6", "nostalgik", "sadness"),
    ("misspelling", "open", "mikels8", "Nostalgik and wistfull.", "sadness"),
    ("misspelling", "open", "meld7", "frustated", "anger"),
    ("misspelling", "yes_no", "sarcasm", "The caption is sarcastc.", "yes"),
    ("misspelling", "yes_no", "humor", "It is hillarious.", "yes"),
    ("misspelling", "yes_no", "hate", "It is not offensiv at all.", "no"),
    # --- coarse label sets take the words of their finer children --------------------------------
    ("coarse", "closed", "webemo7", "romantic", "love"),
    ("coarse", "closed", "webemo2", "romantic", "positive"),
    ("coarse", "closed", "webemo7", "The couple's candlelit dinner feels romantic.", "love"),
    ("coarse", "closed", "webemo2", "Predict emotion: romance", "positive"),
    ("coarse", "closed", "webemo7", "Gratitude.", "love"),
    ("coarse", "closed", "webemo7", "The emotion is lust.", "love"),
    ("coarse", "closed", "webemo7", "nervousness", "fear"),
    ("coarse", "closed", "webemo7", "She looks ashamed after the fall.", "sadness"),
    ("coarse", "closed", "webemo7", "Enthrallment", "joy"),
    ("coarse", "closed", "webemo7", "A heartache you can see in his eyes.", "sadness"),
    ("coarse", "closed", "webemo7", "The man is envious of his neighbour.", "anger"),
    ("coarse", "closed", "webemo7", "upset", U),  # rage or sadness: two parents at the 7 level
    ("coarse", "closed", "webemo2", "upset", "negative"),  # ... one at the 2 level
    ("coarse", "closed", "webemo2", "The widow looks devastated.", "negative"),
    ("coarse", "closed", "webemo2", "Answer: zest", "positive"),
    ("coarse", "closed", "webemo2", "The emotion is exasperation.", "negative"),
    ("coarse", "closed", "webemo2", "**Sympathy**", "negative"),
    ("coarse", "closed", "webemo2", "The crowd is in awe of the fireworks.", "positive"),
    ("coarse", "closed", "webemo2", "The child is confused.", "negative"),
    ("coarse", "closed", "webemo2", "shocked", U),  # horror or surprise: two polarities
    ("coarse", "closed", "webemo2", "A heartwarming reunion at the airport.", "positive"),
    ("coarse", "closed", "webemo7", "The reunion is heartwarming.", U),  # affection or contentment: love or joy
    ("coarse", "open", "webemo7", "Romantic.", "love"),
    ("coarse", "open", "webemo2", "Final answer: disturbed", "negative"),
]

# Replies that must stay unparsed: refusals, "cannot determine", lists with no preference,
# gibberish, near-miss real words. (reply, sub-task, label set or concept)
FALSE_POSITIVES: list[tuple[str, str, str]] = [
    # refusals
    ("I'm sorry, but I can't help with identifying emotions in this image.", "closed", "mikels8"),
    ("As an AI, I don't have feelings and cannot say what emotion this evokes.", "closed", "mikels8"),
    ("Sorry, I cannot assist with that request.", "closed", "ekman6"),
    ("I am unable to view images.", "closed", "unbiasedemo6"),
    ("I'm not able to determine people's emotions from their faces.", "closed", "meld7"),
    ("I can't make judgments about this content.", "yes_no", "hate"),
    ("I'm sorry, I can't provide an assessment of this meme.", "yes_no", "hate"),
    ("I prefer not to judge whether this is funny.", "yes_no", "humor"),
    ("As a language model I cannot detect tone.", "yes_no", "sarcasm"),
    ("Sorry, I cannot help.", "open", "mikels8"),
    ("I cannot identify the intent of this person.", "closed", "mintrec20"),
    ("Unable to process the video.", "closed", "intentonomy28"),
    # cannot determine
    ("I cannot determine the emotion from this image.", "closed", "mikels8"),
    ("It is impossible to tell which emotion is intended.", "closed", "ekman6"),
    ("There is not enough information to decide.", "closed", "webemo7"),
    ("The emotion is unclear.", "closed", "webemo25"),
    ("Cannot be determined from the given frames.", "closed", "meld7"),
    ("The image is too blurry to judge.", "closed", "unbiasedemo6"),
    ("Not enough context to say.", "yes_no", "sarcasm"),
    ("It is hard to tell whether the meme is meant as a joke.", "yes_no", "humor"),
    ("Insufficient information.", "yes_no", "hate"),
    ("Unknown.", "open", "ekman6"),
    ("N/A", "closed", "webemo2"),
    ("I don't know.", "open", "meld7"),
    # lists of several emotions with no preference
    ("The image evokes joy, sadness, fear and anger.", "closed", "ekman6"),
    ("amusement, awe, contentment, excitement, anger", "closed", "mikels8"),
    ("It could be anger, or disgust, or fear.", "closed", "mikels8"),
    ("Joy and sadness equally.", "closed", "ekman6"),
    ("A mixture of fear and excitement.", "closed", "mikels8"),
    ("Options: (A) anger (B) fear (C) joy (D) love (E) sadness (F) surprise", "closed", "unbiasedemo6"),
    ("Love, joy, fear, anger, surprise.", "closed", "webemo7"),
    ("Both surprise and fear, with no clear winner.", "closed", "meld7"),
    ("Torn between awe and fear.", "closed", "mikels8"),
    ("Happiness and grief alike.", "open", "ekman6"),
    ("Equal parts serenity and unease.", "open", "mikels8"),
    ("The clip shows several emotions: anger, disgust, sadness.", "closed", "meld7"),
    ("positive/negative", "closed", "webemo2"),
    ("Complain or praise, hard to choose.", "closed", "mintrec20"),
    # gibberish and empty output
    ("asdkjh qwpoe zmxn", "closed", "mikels8"),
    ("</s>", "closed", "ekman6"),
    ("...", "closed", "unbiasedemo6"),
    ("\u00bf\u00bf\u00bf", "closed", "meld7"),
    ("lorem ipsum dolor sit amet", "open", "mikels8"),
    ("xyzzy plugh", "yes_no", "humor"),
    ("[IMG] [IMG] [IMG]", "closed", "webemo7"),
    ("000000", "closed", "webemo25"),
    ("ASSISTANT: USER: ASSISTANT:", "closed", "mikels8"),
    ("\n\n\n", "yes_no", "sarcasm"),
    ("klsdjf qqqqqqq wrrrrrrrr", "closed", "mikels8"),
    # near-miss real words
    ("fare", "closed", "mikels8"),
    ("dear", "closed", "ekman6"),
    ("bear", "closed", "unbiasedemo6"),
    ("A bare wall.", "closed", "mikels8"),
    ("The madness of the crowd.", "closed", "webemo7"),
    ("A wonderer walking alone.", "closed", "webemo25"),
    ("The saddle of the old horse.", "closed", "meld7"),
    ("The dog is at a shelter; it looks well fed.", "closed", "mikels8"),
    ("Angers is a city in France.", "closed", "ekman6"),
    ("He plays the lover's role in a sitcom, loveless marriage aside.", "closed", "ekman6"),
    ("The beach is crowded.", "closed", "intentonomy28"),
    ("The leaves are turning yellow.", "closed", "webemo2"),
    ("A terrier on a couch.", "closed", "mikels8"),
    ("The fearless firefighter.", "open", "ekman6"),
    ("Gloaming light over a declined offer.", "closed", "webemo25"),
    ("Hateful Eight is a film title.", "yes_no", "-"),
    ("The humorist wrote the caption.", "yes_no", "-"),
    ("a sarcophagus in a museum", "yes_no", "sarcasm"),
]


@pytest.mark.parametrize(("rule", "kind", "target", "text", "expected"), RULE_CASES)
def test_rule_table(rule: str, kind: str, target: str, text: str, expected: str) -> None:
    assert read(kind, target, text) == expected, (rule, text)


@pytest.mark.parametrize(("text", "kind", "target"), FALSE_POSITIVES)
def test_false_positive_table(text: str, kind: str, target: str) -> None:
    assert read(kind, target, text) == U, text


def test_every_rule_has_enough_rows_over_several_label_sets() -> None:
    per_rule = Counter(row[0] for row in RULE_CASES)
    assert set(per_rule) == {"hedge", "lead_in", "definition", "commitment", "misspelling", "coarse"}
    assert all(n >= 20 for n in per_rule.values()), per_rule
    for rule in ("commitment", "misspelling"):
        assert len({row[2] for row in RULE_CASES if row[0] == rule}) >= 6, rule
    for rule in ("hedge", "definition"):
        assert {row[2] for row in RULE_CASES if row[0] == rule} == set(YN), rule
    assert len(FALSE_POSITIVES) >= 60
    assert {row[1] for row in FALSE_POSITIVES} == {"closed", "open", "yes_no"}


@pytest.mark.parametrize("coarse", sorted(LABEL_HIERARCHY))
def test_a_word_naming_a_finer_label_names_its_parent(coarse: str) -> None:
    """Every form of the finer set, and every word it leaves ambiguous between siblings, reads as the parent."""
    finer, to_parent = LABEL_HIERARCHY[coarse]
    fine_set, coarse_set = get_label_set(finer), get_label_set(coarse)
    for form, fine_label in fine_set.surface_forms().items():
        assert coarse_set.canonical(form) == to_parent[fine_label], (coarse, form)
        assert parse_answer(f"The emotion is {form}.", coarse) == to_parent[fine_label], (coarse, form)
    for level, (child, mapping) in LABEL_HIERARCHY.items():
        if child == coarse:  # a set whose parent is itself a coarse level: its shared words map twice
            for form in get_label_set(level).surface_forms():
                if coarse_set.canonical(form) is not None and get_label_set(level).canonical(form) is not None:
                    assert mapping[coarse_set.canonical(form)] == get_label_set(level).canonical(form), form


def test_misspelling_tolerance_scales_with_length_and_real_words_are_guarded() -> None:
    assert [spelling_tolerance(n) for n in (3, 4, 5, 7, 8, 12)] == [0, 0, 1, 1, 2, 2]
    assert edit_distance("fearfull", "fearful") == 1 and edit_distance("disgsut", "disgust") == 1  # swap = 1
    assert edit_distance("sadness", "madness") == 1 and edit_distance("abc", "xyz", limit=2) == 3
    matcher = form_matcher("test:mikels8", lexicon_forms("mikels8"), lexicon_forms("mikels8"))
    # real words one edit from a form stay as they are; non-words are corrected
    assert correct_misspellings("madness terrier gloomy sadnes fearfull", matcher) == "madness terrier gloomy sadness fearful"
    # two forms of different labels equally near: no correction
    assert correct_misspellings("scaried", form_matcher("test:x", {}, {"scared": "fear", "scarier": "x"})) == "scaried"


def test_the_near_miss_word_table_is_complete_for_the_current_forms() -> None:
    """Regenerate with ``python -m tests.near_miss_words`` when this fails after adding forms."""
    pytest.importorskip("spellchecker", reason="pyspellchecker (the [test] extra) builds the near-miss table")
    from lmms_emotion.near_words import NEAR_MISS_WORDS
    from tests.near_miss_words import near_miss_words

    missing = sorted(near_miss_words() - NEAR_MISS_WORDS)
    assert not missing, f"{len(missing)} real words near a form are not guarded, e.g. {missing[:10]}; " \
                        "run `python -m tests.near_miss_words`"


# --- every label set: the label-set rules over each set's own labels ----------------------------

CLOSED_SETS = sorted(name for name in __import__("lmms_emotion.taxonomy", fromlist=["LABEL_SETS"]).LABEL_SETS
                     if name != "yes_no")


@pytest.mark.parametrize("name", CLOSED_SETS)
def test_commitment_and_ties_on_every_label_set(name: str) -> None:
    labels = get_label_set(name).labels[:6]
    for a in labels:
        for b in labels:
            if a == b:
                continue
            assert parse_answer(f"A hint of {a}, but mostly {b}.", name) == b, (a, b)
            assert parse_answer(f"Final answer: {b}, with a touch of {a}", name) == b, (a, b)
            assert parse_answer(f"It evokes {a} and {b} in equal measure.", name) == U, (a, b)


def _variants(word: str) -> set[str]:
    """Typical typos of ``word``: a letter dropped, two neighbours swapped, a letter doubled."""
    inner = range(1, len(word) - 1)
    return ({word[:i] + word[i + 1:] for i in inner}
            | {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in inner}
            | {word[:i] + word[i] + word[i:] for i in inner}) - {word}


@pytest.mark.parametrize("name", CLOSED_SETS)
def test_misspelt_labels_on_every_label_set(name: str) -> None:
    """A typo of a label reads as the label unless it is a real word or as near another label's form
    (checked by brute force over all forms, independently of the parser's index)."""
    from lmms_emotion.near_words import NEAR_MISS_WORDS

    label_set = get_label_set(name)
    forms = {f: lab for f, lab in label_set.surface_forms().items() if f.isalpha()}
    read_back = 0
    for label in label_set.labels:
        if not label.isalpha() or len(label) < 5:
            continue
        for typo in sorted(_variants(label))[:6]:
            if typo in NEAR_MISS_WORDS or typo in forms:
                assert parse_answer(typo, name) == (forms.get(typo) or U), typo
                continue
            near = {f: edit_distance(typo, f) for f in forms if edit_distance(typo, f) <= spelling_tolerance(len(f))}
            closest = {forms[f] for f, d in near.items() if d == min(near.values())} if near else set()
            expected = closest.pop() if len(typo) >= 5 and len(closest) == 1 else U
            assert parse_answer(typo, name) == expected, (typo, expected)
            read_back += expected == label
    assert read_back >= min(3, len(label_set)), name


def test_docs_list_every_cue() -> None:
    """docs/scoring.md names every plain cue the parser uses (regular-expression cues are paraphrased there)."""
    from pathlib import Path

    from lmms_emotion import answers

    doc = " ".join((Path(__file__).resolve().parents[1] / "docs" / "scoring.md").read_text().split())
    for name in ("COMMITMENT_CUES", "SECONDARY_CUES", "EQUAL_WEIGHT_CUES", "HEDGE_CUES", "LEAD_INS"):
        plain = [cue for cue in getattr(answers, name) if not set(cue) & set("[(\\?")]
        missing = [cue for cue in plain if f"`{cue}`" not in doc]
        assert not missing, f"docs/scoring.md does not list {name} {missing}"
    for key in answers.FALSE_POSITIVE_CONTEXTS:
        assert f"`{key}`" in doc, key
