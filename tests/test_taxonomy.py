"""Label sets and binary concepts: consistency of the surface-form tables."""

from __future__ import annotations

import pytest

from lmms_emotion.scoring.answers import parse_label
from lmms_emotion.scoring.labels import (
    BINARY_CONCEPTS,
    LABEL_SETS,
    LabelSet,
    get_binary_concept,
    get_label_set,
)

SET_NAMES = sorted(LABEL_SETS)


def _key(form: str) -> str:
    """How the parser compares forms: lower-case, hyphens and spaces alike."""
    return " ".join(form.lower().replace("-", " ").split())


@pytest.mark.parametrize("name", SET_NAMES)
def test_no_form_names_two_labels(name: str) -> None:
    label_set = get_label_set(name)
    owner: dict[str, str] = {}
    for label in label_set.labels:
        for form in (label, *label_set.forms[label]):
            key = _key(form)
            assert owner.setdefault(key, label) == label, f"{name}: {form!r} names {owner[key]!r} and {label!r}"


@pytest.mark.parametrize("name", SET_NAMES)
def test_every_label_maps_to_itself(name: str) -> None:
    label_set = get_label_set(name)
    for label in label_set.labels:
        assert label_set.canonical(label) == label
        assert label_set.canonical(f"  {label.upper()} ") == label
        assert label_set.surface_forms()[label] == label


@pytest.mark.parametrize("name", [n for n in SET_NAMES if n != "yes_no"])
def test_every_form_parses_to_its_label(name: str) -> None:
    label_set = get_label_set(name)
    for form, label in label_set.surface_forms().items():
        assert parse_label(form, label_set) == label, (name, form)


def test_forms_are_lower_case() -> None:
    for label_set in LABEL_SETS.values():
        for forms in label_set.forms.values():
            assert all(f == f.lower().strip() for f in forms), label_set.name


def test_known_synonyms() -> None:
    ekman = get_label_set("ekman6")
    assert ekman.canonical("happy") == "joy"
    assert ekman.canonical("scared") == "fear"
    assert ekman.canonical("angry") == "anger"
    mikels = get_label_set("mikels8")
    assert mikels.canonical("in awe") == "awe"
    assert mikels.canonical("at ease") == "contentment"
    assert mikels.canonical("happy") is None  # deliberately unmapped in Mikels-8
    assert mikels.canonical("joy") is None


def test_label_set_rejects_a_form_naming_two_labels() -> None:
    with pytest.raises(ValueError, match="names both"):
        LabelSet(name="bad", labels=("a", "b"), forms={"a": ("x",), "b": ("x",)})


def test_get_label_set_error_lists_known_names() -> None:
    with pytest.raises(KeyError) as excinfo:
        get_label_set("mikels9")
    message = str(excinfo.value)
    assert "mikels9" in message
    for name in ("mikels8", "ekman6", "unbiasedemo6", "yes_no"):
        assert name in message


def test_binary_concepts_accessor() -> None:
    assert set(BINARY_CONCEPTS) >= {"hate", "humor", "sarcasm"}
    sarcasm = get_binary_concept("sarcasm")
    assert sarcasm.name == "sarcasm"
    assert "sarcastic" in sarcasm.positive and "sincere" in sarcasm.negative
    assert "hateful" in get_binary_concept("hate").positive
    assert "funny" in get_binary_concept("humor").positive
    with pytest.raises(KeyError) as excinfo:
        get_binary_concept("irony")
    assert "hate" in str(excinfo.value) and "sarcasm" in str(excinfo.value)


@pytest.mark.parametrize("name", sorted(BINARY_CONCEPTS))
def test_binary_concept_forms_are_disjoint_and_lower_case(name: str) -> None:
    concept = get_binary_concept(name)
    positive = {_key(f) for f in concept.positive}
    negative = {_key(f) for f in concept.negative}
    assert positive and negative
    assert not positive & negative
    assert all(f == f.lower().strip() for f in (*concept.positive, *concept.negative))


def test_webemo_shared_words_fit_several_leaves_and_no_leaf_lists_them() -> None:
    """A word left out of the 25 classes because it fits several; coarser levels take it when one parent fits."""
    from lmms_emotion.scoring.labels import _WEBEMO_SHARED, LABEL_HIERARCHY, WEBEMO25

    for word, leaves in _WEBEMO_SHARED.items():
        assert len(set(leaves)) >= 2 and set(leaves) <= set(WEBEMO25.labels), word
        assert WEBEMO25.canonical(word) is None, f"{word!r} is already a form of {WEBEMO25.canonical(word)!r}"
    assert get_label_set("webemo7").canonical("romantic") == "love"
    assert get_label_set("webemo2").canonical("upset") == "negative" and get_label_set("webemo7").canonical("upset") is None
    assert set(LABEL_HIERARCHY) == {"webemo7", "webemo2"}
