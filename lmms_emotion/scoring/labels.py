"""Every label set the project scores against, with the surface forms that name each label.

A *label set* is an ordered tuple of canonical labels plus, for each label, the words and
phrases a model may use for it (``happy`` for ``joy``). Raw dataset spellings are the
builders' business (``lmms_emotion/sources/release_labels.py``). The words live in
``data/vocabulary.json`` (the one emotion vocabulary: wheel groups, closed-set forms per
concept, the lexicon's placements) and ``data/labels.json`` (WEBEmo, MELD, intents, yes/no).

Forms are lower-case and matched on word boundaries by :mod:`.answers`.
Within one label set no form may name two labels (``tests/test_taxonomy.py`` checks).
Deliberately unmapped: ``happy`` in Mikels-8 (it fits four positive classes equally),
``upset`` (anger or sadness) and ``amazing`` (praise more often than surprise).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping


# --- data files: the word tables live in data/ beside this module ----------------------------

_DATA = Path(__file__).with_name("data")


def _tuples(value):
    """JSON lists read back as tuples (the tables are immutable)."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {key: _tuples(v) for key, v in value.items()}
    return value


def _read_data(name: str) -> str:
    path = _DATA / name
    try:
        return path.read_text(encoding="utf-8")
    except OSError as err:
        raise RuntimeError(f"{path}: cannot read this scoring data file ({err}); the package must be installed "
                           "or copied together with its data/ folder") from None


@lru_cache(maxsize=None)
def _data_file(name: str) -> dict:
    try:
        return json.loads(_read_data(name))
    except ValueError as err:
        raise RuntimeError(f"{_DATA / name}: not valid JSON ({err}); restore it from the package") from None


def _table(file: str, name: str):
    """One named table of a data file."""
    return _tuples(_data_file(file)[name])


def vocabulary() -> dict:
    """The one emotion vocabulary (``data/vocabulary.json``): wheel groups, closed-set forms, placements."""
    return _data_file("vocabulary.json")


def concept_forms() -> dict[str, tuple[str, ...]]:
    """Closed-set answer forms per concept (the vocabulary words marked ``closed_set``), composed into label sets."""
    vocab = vocabulary()
    forms: dict[str, list[str]] = {concept: [] for concept in vocab["concepts"]}
    for group in vocab["groups"].values():
        for concept, words in group["closed_set"].items():
            forms[concept].extend(words)
    return {concept: tuple(words) for concept, words in forms.items()}


def near_miss_words() -> frozenset[str]:
    """Real English words close to a form, never read as a misspelling (``data/near_words.txt``)."""
    lines = _read_data("near_words.txt").splitlines()
    return frozenset(word for line in lines if not line.startswith("#") for word in line.split())


# --- concept vocabularies, composed into label sets below ---------------------------

_CONCEPTS: dict[str, tuple[str, ...]] = concept_forms()


def _forms(*concepts: str) -> tuple[str, ...]:
    """Concatenate concept vocabularies, keeping first occurrences only."""
    return tuple(dict.fromkeys(form for concept in concepts for form in _CONCEPTS[concept]))


# --- label sets ------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelSet:
    """An ordered set of canonical labels and the surface forms naming each one."""

    name: str
    labels: tuple[str, ...]
    forms: Mapping[str, tuple[str, ...]]
    description: str = ""
    _index: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        missing = [label for label in self.labels if label not in self.forms]
        if missing:
            raise ValueError(f"label set {self.name!r}: no forms for {missing}")
        index: dict[str, str] = {}
        for label in self.labels:
            for form in (label, *self.forms[label]):
                key = form.lower()
                if key in index and index[key] != label:
                    raise ValueError(f"label set {self.name!r}: form {form!r} names both {index[key]!r} and {label!r}")
                index[key] = label
        object.__setattr__(self, "_index", index)

    def canonical(self, word: str) -> str | None:
        """The label a surface form names, or None when the form is not in this set."""
        return self._index.get(word.strip().lower())

    def surface_forms(self) -> dict[str, str]:
        """Every known surface form mapped to its label (labels themselves included)."""
        return dict(self._index)

    def __contains__(self, label: object) -> bool:
        return label in self.labels

    def __len__(self) -> int:
        return len(self.labels)


def _label_set(name: str, description: str, **label_forms: tuple[str, ...]) -> LabelSet:
    return LabelSet(name=name, labels=tuple(label_forms), forms=label_forms, description=description)


MIKELS8 = _label_set(
    "mikels8",
    "Mikels et al. (2005) eight emotions: EmoSet, FI, ArtPhoto, Abstract.",
    amusement=_forms("amusement"),
    awe=_forms("awe"),
    contentment=_forms("contentment"),
    excitement=_forms("excitement"),
    anger=_forms("anger"),
    disgust=_forms("disgust"),
    fear=_forms("fear"),
    sadness=_forms("sadness"),
)

EKMAN6 = _label_set(
    "ekman6",
    "Ekman's six basic emotions: EmotionROI, Emotion6 (neutral excluded). "
    "Positive Mikels emotions fold into joy; awe and amazement into surprise.",
    anger=_forms("anger"),
    disgust=_forms("disgust"),
    fear=_forms("fear"),
    joy=_forms("joy", "amusement", "contentment", "excitement"),
    sadness=_forms("sadness"),
    surprise=_forms("surprise", "awe"),
)

UNBIASEDEMO6 = _label_set(
    "unbiasedemo6",
    "UnbiasedEmo (Panda et al. 2018): anger, fear, joy, love, sadness, surprise.",
    anger=_forms("anger"),
    fear=_forms("fear"),
    joy=_forms("joy", "amusement", "contentment", "excitement"),
    love=_forms("love"),
    sadness=_forms("sadness"),
    surprise=_forms("surprise", "awe"),
)

YES_NO = _label_set(
    "yes_no",
    "Binary detection tasks (hate, humor, sarcasm); parsed by answers.parse_yes_no.",
    yes=("yes", "yeah", "yep", "true", "correct", "affirmative"),
    no=("no", "nope", "false", "incorrect", "negative"),
)

# --- WEBEmo (Panda et al. 2018): Parrott's tree, 25 leaves -> 7 parents -> 2 polarities --------
# Each leaf's words follow Parrott's (2001) tertiary emotions for that secondary emotion,
# plus common adjective forms. WEBEmo swaps two of Parrott's 25 secondaries: gratitude
# for longing (under love) and confusion for torment; confusion has no Parrott parent
# and forms its own middle-level class, which makes 7. Words that fit several leaves
# equally are left out (``shock``: horror or surprise; ``romantic``: affection or lust).

_WEBEMO_LEAVES: dict[str, tuple[str, ...]] = _table("labels.json", "_WEBEMO_LEAVES")

WEBEMO_25_TO_7: dict[str, str] = _table("labels.json", "WEBEMO_25_TO_7")
"""WEBEmo fine (25) -> middle (7) level, after Parrott's tree with confusion on its own."""

WEBEMO_7_TO_2: dict[str, str] = _table("labels.json", "WEBEMO_7_TO_2")
"""WEBEmo middle (7) -> top (2) level: the polarity of each middle-level emotion."""


def _leaf_forms(*leaves: str) -> tuple[str, ...]:
    """The leaves' names and words, keeping first occurrences only."""
    return tuple(dict.fromkeys(form for leaf in leaves for form in (leaf, *_WEBEMO_LEAVES[leaf])))


def _children(mapping: Mapping[str, str], parent: str) -> list[str]:
    return [child for child, owner in mapping.items() if owner == parent]


WEBEMO25 = LabelSet(
    name="webemo25",
    labels=tuple(sorted(_WEBEMO_LEAVES)),
    forms={leaf: _leaf_forms(leaf) for leaf in sorted(_WEBEMO_LEAVES)},
    description="WEBEmo fine level: Parrott's 25 secondary emotions as WEBEmo uses them.",
)

# Words that name a WEBEmo emotion but fit several 25-level leaves equally, so the fine
# level leaves them out. A coarser level takes such a word when all its leaves share one
# parent there (``romantic``: affection or lust, both love; ``upset``: rage or sadness,
# both negative), see :func:`_shared_forms`.
_WEBEMO_SHARED: dict[str, tuple[str, ...]] = _table("labels.json", "_WEBEMO_SHARED")


def _shared_forms(to_parent: Mapping[str, str], parent: str) -> tuple[str, ...]:
    """Shared words whose leaves all map to ``parent`` (leaf -> parent through ``to_parent``)."""
    return tuple(word for word, leaves in _WEBEMO_SHARED.items()
                 if {to_parent[leaf] for leaf in leaves} == {parent})


_WEBEMO7_ORDER = ("anger", "confusion", "fear", "joy", "love", "sadness", "surprise")
WEBEMO7 = LabelSet(
    name="webemo7",
    labels=_WEBEMO7_ORDER,
    forms={mid: (*_leaf_forms(*_children(WEBEMO_25_TO_7, mid)), *_shared_forms(WEBEMO_25_TO_7, mid))
           for mid in _WEBEMO7_ORDER},
    description="WEBEmo middle level: Parrott's six primary emotions plus confusion; each "
                "takes the words of its 25-level children.",
)

WEBEMO2 = LabelSet(
    name="webemo2",
    labels=("positive", "negative"),
    forms={
        polarity: (
            *{"positive": ("pleasant", "positive emotion", "positive sentiment", "uplifting", "upbeat"),
              "negative": ("unpleasant", "negative emotion", "negative sentiment")}[polarity],
            *_leaf_forms(*[leaf for mid in _children(WEBEMO_7_TO_2, polarity)
                           for leaf in _children(WEBEMO_25_TO_7, mid)]),
            *_children(WEBEMO_7_TO_2, polarity),
            *_shared_forms({leaf: WEBEMO_7_TO_2[mid] for leaf, mid in WEBEMO_25_TO_7.items()}, polarity),
        )
        for polarity in ("positive", "negative")
    },
    description="WEBEmo top level: positive (love, joy, surprise) or negative (anger, confusion, "
                "fear, sadness); any word of a 25-level emotion names its polarity.",
)


LABEL_HIERARCHY: dict[str, tuple[str, Mapping[str, str]]] = {
    "webemo7": ("webemo25", WEBEMO_25_TO_7),
    "webemo2": ("webemo7", WEBEMO_7_TO_2),
}
"""Coarse label set -> (its finer label set, finer label -> coarse label). A word naming a
finer label names that label's parent at the coarse level (tests/test_taxonomy.py checks)."""


# --- binary concepts for the yes/no detection tasks -------------------------------------
# Appended for answers.parse_yes_no: the words a model uses to assert (positive) or deny
# (negative) a concept in a free-text answer. Negated mentions flip polarity in the parser
# ("not sarcastic" -> no), so the negative lists only need words that deny on their own.


@dataclass(frozen=True)
class BinaryConcept:
    """A yes/no concept: phrases asserting it and phrases denying it, lower-case."""

    name: str
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    description: str = ""
    topic_nouns: tuple[str, ...] = ()
    """Positive forms that may name the topic rather than assert it (``Humour is subjective``):
    as the subject of a sentence they vote only with a presence predicate (``is evident``)."""

    def __post_init__(self) -> None:
        overlap = {f.lower() for f in self.positive} & {f.lower() for f in self.negative}
        if overlap:
            raise ValueError(f"binary concept {self.name!r}: forms both positive and negative: {sorted(overlap)}")
        stray = set(self.topic_nouns) - set(self.positive)
        if stray:
            raise ValueError(f"binary concept {self.name!r}: topic nouns {sorted(stray)} are not positive forms")


BINARY_CONCEPTS: dict[str, BinaryConcept] = {
    name: BinaryConcept(name, **fields) for name, fields in _table("labels.json", "BINARY_CONCEPTS").items()
}


def get_binary_concept(name: str) -> BinaryConcept:
    """Look up a yes/no concept (``hate``, ``humor``, ``sarcasm``), with an error listing the known ones."""
    try:
        return BINARY_CONCEPTS[name]
    except KeyError:
        raise KeyError(f"unknown binary concept {name!r}; known: {', '.join(sorted(BINARY_CONCEPTS))}") from None


# --- EmoBench rebuild: MELD emotions, Intentonomy and MIntRec intents ---------------------------
# Intent labels are short verb phrases that read naturally after "the intent is to ...".
# Forms avoid words a model uses for other purposes: "sorry" (refusals: "Sorry, I can't
# tell"), "help" on its own, "order" ("in order to"), "thank you", "object" (a noun).

MELD7 = _label_set(
    "meld7",
    "MELD (Poria et al. 2019): Ekman's six emotions plus neutral, one per utterance.",
    anger=_forms("anger"),
    disgust=_forms("disgust"),
    fear=_forms("fear"),
    joy=(*_forms("joy", "amusement", "excitement"), "satisfied", "satisfaction", "pleased", "content",
         "contented", "contentment"),
    neutral=_table("labels.json", "_MELD_NEUTRAL"),
    sadness=_forms("sadness"),
    surprise=_forms("surprise", "awe"),
)

# MIntRec (Zhang et al. 2022): 20 intents and Intentonomy (Jia et al. 2021): 28 intents, each in its
# release's order (benchmark order; category ids 0-27): canonical label -> its forms.
_MINTREC_INTENTS: dict[str, tuple[str, ...]] = _table("labels.json", "_MINTREC_INTENTS")
_INTENTONOMY_INTENTS: dict[str, tuple[str, ...]] = _table("labels.json", "_INTENTONOMY_INTENTS")

MINTREC20 = LabelSet(
    name="mintrec20",
    labels=tuple(_MINTREC_INTENTS),
    forms=_MINTREC_INTENTS,
    description="MIntRec's 20 fine-grained conversational intents (11 'express emotions or attitudes', "
                "9 'achieve goals').",
)

INTENTONOMY28 = LabelSet(
    name="intentonomy28",
    labels=tuple(_INTENTONOMY_INTENTS),
    forms=_INTENTONOMY_INTENTS,
    description="Intentonomy's 28 human intents behind a social-media image (Jia et al. 2021), in "
                "category-id order.",
)

LABEL_SETS: dict[str, LabelSet] = {
    ls.name: ls
    for ls in (MIKELS8, EKMAN6, UNBIASEDEMO6, YES_NO, WEBEMO25, WEBEMO7, WEBEMO2, MELD7, MINTREC20, INTENTONOMY28)
}


def get_label_set(name: str | LabelSet) -> LabelSet:
    """Look up a label set by name (a :class:`LabelSet` is returned as it is), with an error listing the known ones."""
    if isinstance(name, LabelSet):
        return name
    try:
        return LABEL_SETS[name]
    except KeyError:
        raise KeyError(f"unknown label set {name!r}; known: {', '.join(sorted(LABEL_SETS))}") from None
