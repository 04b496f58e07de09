"""The emotion lexicon for open-set (Emo-O) answers: a table of realistic model outputs, the
documented placement decisions, and the lexicon's own consistency."""

from __future__ import annotations

from collections import Counter

import pytest

from lmms_emotion import UNPARSED
from lmms_emotion.lexicon import (
    PLACEMENTS,
    UNPLACED,
    WHEEL_GROUPS,
    lexicon_forms,
    place,
    synonyms,
)
from lmms_emotion.taxonomy import get_label_set

U = UNPARSED

# (model output, label set, expected label or UNPARSED)
CASES = [
    # --- plain synonyms and related words (Mikels-8) ---
    ("Nostalgic.", "mikels8", "sadness"),
    ("The person seems quite nostalgic and wistful.", "mikels8", "sadness"),
    ("Melancholy", "mikels8", "sadness"),
    ("A quiet sense of loneliness.", "mikels8", "sadness"),
    ("Grief", "mikels8", "sadness"),
    ("heartbroken", "mikels8", "sadness"),
    ("The mood is somber and bleak.", "mikels8", "sadness"),
    ("It feels desolate.", "mikels8", "sadness"),
    ("Disappointment.", "mikels8", "sadness"),
    ("The dominant emotion is sorrow.", "mikels8", "sadness"),
    ("Dread", "mikels8", "fear"),
    ("Terrified!", "mikels8", "fear"),
    ("The image feels eerie and unsettling.", "mikels8", "fear"),
    ("Anxiety", "mikels8", "fear"),
    ("This evokes a sense of unease.", "mikels8", "fear"),
    ("Creepy.", "mikels8", "fear"),
    ("The viewer would feel on edge.", "mikels8", "fear"),
    ("Suspense", "mikels8", "fear"),
    ("Ominous", "mikels8", "fear"),
    ("Nervousness", "mikels8", "fear"),
    ("Furious", "mikels8", "anger"),
    ("Rage.", "mikels8", "anger"),
    ("The man looks irritated.", "mikels8", "anger"),
    ("Frustration", "mikels8", "anger"),
    ("Outrage", "mikels8", "anger"),
    ("The protesters are clearly indignant.", "mikels8", "anger"),
    ("Resentment.", "mikels8", "anger"),
    ("Jealousy", "mikels8", "anger"),
    ("Revulsion", "mikels8", "disgust"),
    ("Gross.", "mikels8", "disgust"),
    ("The rotting food is nauseating.", "mikels8", "disgust"),
    ("Contempt", "mikels8", "disgust"),
    ("It makes me feel repulsed.", "mikels8", "disgust"),
    ("Sickened", "mikels8", "disgust"),
    ("Hilarious", "mikels8", "amusement"),
    ("The dog's expression is so funny.", "mikels8", "amusement"),
    ("Playful", "mikels8", "amusement"),
    ("Lighthearted and silly.", "mikels8", "amusement"),
    ("Mirth", "mikels8", "amusement"),
    ("Whimsical", "mikels8", "amusement"),
    ("Wonder.", "mikels8", "awe"),
    ("Majestic", "mikels8", "awe"),
    ("The mountains are breathtaking.", "mikels8", "awe"),
    ("I feel humbled by the scale of it.", "mikels8", "awe"),
    ("Admiration", "mikels8", "awe"),
    ("Mesmerized", "mikels8", "awe"),
    ("Serenity", "mikels8", "contentment"),
    ("Peaceful.", "mikels8", "contentment"),
    ("The scene feels calm and relaxing.", "mikels8", "contentment"),
    ("Satisfied", "mikels8", "contentment"),
    ("Cozy", "mikels8", "contentment"),
    ("Gratitude.", "mikels8", "contentment"),
    ("A feeling of tranquility.", "mikels8", "contentment"),
    ("Thrilled", "mikels8", "excitement"),
    ("Exhilaration!", "mikels8", "excitement"),
    ("The crowd is pumped up.", "mikels8", "excitement"),
    ("Adrenaline", "mikels8", "excitement"),
    ("Enthusiastic.", "mikels8", "excitement"),
    ("Eager anticipation", "mikels8", "excitement"),
    # --- markers, reasoning and formatting ---
    ("Looking at the dark alley and the figure in the shadows, the emotion is fear. Final answer: terror",
     "mikels8", "fear"),
    ("<think>The child is crying, maybe sadness.</think>Grief", "mikels8", "sadness"),
    ("**Emotion:** Serene", "mikels8", "contentment"),
    ("Answer: Awestruck.", "mikels8", "awe"),
    ("The bright colours and the smiles suggest joy, but overall it is best described as playful.",
     "mikels8", "amusement"),
    ("Emotion: exhilarated", "mikels8", "excitement"),
    ("In one word: longing.", "mikels8", "sadness"),
    ("I would say the emotion conveyed is disgust.", "mikels8", "disgust"),
    # --- hedges (not lexicon words, so they do not matter) ---
    ("Probably melancholy.", "mikels8", "sadness"),
    ("I think it's somewhat eerie.", "mikels8", "fear"),
    ("Maybe a bit annoyed?", "mikels8", "anger"),
    ("Likely awe.", "mikels8", "awe"),
    # --- negation ---
    ("Not scary at all, rather calm.", "mikels8", "contentment"),
    ("It is not sad; it is cheerful and funny.", "mikels8", "amusement"),
    ("There is no fear here, just peace.", "mikels8", "contentment"),
    ("I don't feel any fear.", "mikels8", U),
    ("Not happy.", "ekman6", U),
    ("The man is not angry but frustrated.", "mikels8", "anger"),
    ("Neither sad nor afraid.", "mikels8", U),
    # --- alternatives and lists ---
    ("Sad or angry.", "mikels8", U),
    ("Happy or sad?", "mikels8", U),
    ("Either awe or fear.", "mikels8", U),
    ("Sadness, or rather anger.", "mikels8", "anger"),
    ("Fear, sadness, anger, disgust, awe.", "mikels8", U),
    ("It evokes wonder, with a hint of fear.", "mikels8", "awe"),
    # --- words Mikels-8 leaves unplaced, placed elsewhere ---
    ("Happy", "mikels8", U),
    ("Happy and relaxed.", "mikels8", "contentment"),
    ("Joyful", "mikels8", U),
    ("Joyful", "ekman6", "joy"),
    ("Over the moon!", "ekman6", "joy"),
    ("Surprised", "mikels8", U),
    ("Surprised", "ekman6", "surprise"),
    ("Shocked.", "meld7", "surprise"),
    ("Love.", "mikels8", U),
    ("Tenderness", "ekman6", "joy"),
    ("Tenderness", "unbiasedemo6", "love"),
    ("Pride", "mikels8", U),
    ("Proud", "meld7", "joy"),
    ("Hopeful", "ekman6", "joy"),
    ("Awe", "ekman6", "surprise"),
    ("Breathtaking", "ekman6", "surprise"),
    ("Disgusted", "unbiasedemo6", "anger"),
    # --- MELD: neutral and calm ---
    ("Neutral", "meld7", "neutral"),
    ("The speaker sounds calm and matter-of-fact.", "meld7", "neutral"),
    ("There is no particular emotion.", "meld7", "neutral"),
    ("Indifferent.", "meld7", "neutral"),
    ("Neutral", "mikels8", U),
    ("Content.", "meld7", "joy"),
    ("Excited!", "meld7", "joy"),
    ("Annoyed", "meld7", "anger"),
    ("Worried", "meld7", "fear"),
    ("Disappointed", "meld7", "sadness"),
    ("Stunned", "meld7", "surprise"),
    ("Grossed out", "meld7", "disgust"),
    ("Embarrassed", "meld7", "sadness"),
    # --- unplaceable answers ---
    ("Bored.", "mikels8", U),
    ("Confused", "ekman6", U),
    ("Curious", "mikels8", U),
    ("Bittersweet", "mikels8", U),
    ("Mixed feelings.", "meld7", U),
    ("I cannot determine the emotion from this image.", "mikels8", U),
    ("The image shows a red car parked on a street.", "mikels8", U),
    ("", "mikels8", U),
    ("zxqv blorf", "ekman6", U),
    ("Sorry, I can't help with that.", "mikels8", U),
    ("I hope this helps!", "ekman6", U),
    ("I hope this helps. The image feels gloomy.", "ekman6", "sadness"),
]


@pytest.mark.parametrize("text, label_set, expected", CASES)
def test_open_set_table(text, label_set, expected):
    assert place(text, label_set) == expected


def test_table_is_large_and_covers_every_outcome():
    assert len(CASES) >= 100
    outcomes = Counter(expected for _, _, expected in CASES)
    assert outcomes[U] >= 15
    assert set(get_label_set("mikels8").labels) <= set(outcomes)
    assert {ls for _, ls, _ in CASES} >= {"mikels8", "ekman6", "meld7", "unbiasedemo6"}


def test_every_word_is_in_one_wheel_group():
    counts = Counter(word for words in WHEEL_GROUPS.values() for word in words)
    assert [w for w, n in counts.items() if n > 1] == []
    assert all(word == word.lower().strip() for word in counts)


def test_placements_cover_every_group_with_labels_of_their_set():
    for name, placement in PLACEMENTS.items():
        labels = set(get_label_set(name).labels)
        assert set(placement) == set(WHEEL_GROUPS), name
        assert {label for label in placement.values() if label is not None} <= labels, name
        # every label of the set has lexicon words beyond its own name
        assert all(synonyms(name, label) for label in labels), name


def test_taxonomy_forms_win_over_the_lexicon():
    for name in PLACEMENTS:
        ls = get_label_set(name)
        forms = lexicon_forms(name)
        for form, label in ls.surface_forms().items():
            assert forms[form] == label, (name, form)
    # calm is neutral in MELD (the taxonomy's meld7), contentment in Mikels-8
    assert lexicon_forms("meld7")["calm"] == "neutral" and lexicon_forms("mikels8")["calm"] == "contentment"
    assert lexicon_forms("mikels8")["happy"] == UNPLACED


@pytest.mark.parametrize("label_set", sorted(PLACEMENTS))
def test_every_synonym_places_on_its_label(label_set):
    """Each lexicon word, alone and in sentences a model writes, places on its own label."""
    for label in get_label_set(label_set).labels:
        for word in synonyms(label_set, label):
            for text in (word, f"{word.capitalize()}.", f"The overall feeling is {word}.", f"Emotion: {word}"):
                assert place(text, label_set) == label, (label_set, label, text)


def test_label_sets_without_a_placement_use_their_taxonomy_forms():
    assert place("The mood is sorrowful.", "webemo7") == "sadness"
    assert place("Nostalgic", "webemo25") == UNPARSED  # webemo25 has no placement; nostalgia is not its form
