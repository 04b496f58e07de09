"""The emotion lexicon for open-set (Emo-O) answers: the documented placement decisions and the
lexicon's own consistency. Its table of realistic replies is part of tests/parser_tables/ (the
``O(...)`` rows of each label set), run by tests/test_parser_tables.py."""

from __future__ import annotations

from collections import Counter

import pytest

from lmms_emotion import UNPARSED
from lmms_emotion.scoring.lexicon import (
    PLACEMENTS,
    UNPLACED,
    WHEEL_GROUPS,
    lexicon_forms,
    place,
    synonyms,
)
from lmms_emotion.scoring.labels import get_label_set

U = UNPARSED


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


def test_the_lexicon_uses_only_the_parsers_public_names():
    """One false-positive guard and one decision rule, shared through answers' public API."""
    import ast
    import inspect

    from lmms_emotion.scoring import answers, lexicon

    tree = ast.parse(inspect.getsource(lexicon))
    imported = [(node.module, alias.name) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                for alias in node.names]
    private = [name for module, name in imported if module in ("answers", "lmms_emotion.scoring.answers") and name.startswith("_")]
    assert not private, f"lexicon.py imports private names of answers.py: {private}"
    assert not hasattr(lexicon, "_GUARDS") and {"hope", "interest", "tears"} <= set(answers.FALSE_POSITIVE_CONTEXTS)
    assert place("I hope this helps!", "ekman6") == U  # the shared guard applies to lexicon words
