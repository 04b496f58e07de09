"""Every label set the project scores against, with the surface forms that name each label.

One place to look: a *label set* is an ordered tuple of canonical labels plus, for each
label, the words and phrases a model may use for it (``happy`` for ``joy``, ``scared``
for ``fear``). A *dataset table* says which label set a public dataset uses and how its
raw annotation strings (folder names, CSV values) map onto canonical labels.

The words live in data files beside this module: ``data/vocabulary.json`` is the one emotion
vocabulary (every emotion word in one wheel group; which words are closed-set forms of which
concept; the open-set placements read by :mod:`.lexicon`), ``data/labels.json`` the other
label tables (WEBEmo hierarchy, MELD, intents, the yes/no concepts). Label sets are composed
from them below.

Forms are lower-case and matched on word boundaries by :mod:`.answers`.
Within one label set no form may name two labels (``tests/test_taxonomy.py`` checks).
Deliberately unmapped: ``happy`` in Mikels-8 (it fits four positive classes equally),
``upset`` (anger or sadness) and ``amazing`` (praise more often than surprise).
"""

from __future__ import annotations

from pathlib import Path

from functools import lru_cache

import json

from dataclasses import dataclass, field
from typing import Mapping


# --- data files: the word tables live in data/*.json beside this module ---------------------

_DATA = Path(__file__).with_name("data")


def _tuples(value):
    """JSON lists read back as tuples (the tables are immutable)."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {key: _tuples(v) for key, v in value.items()}
    return value


@lru_cache(maxsize=None)
def _data_file(name: str) -> dict:
    path = _DATA / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise RuntimeError(f"{path}: cannot read this scoring data file ({err}); the package must be installed "
                           "or copied together with its data/ folder") from None


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


def wheel_groups() -> dict[str, tuple[str, ...]]:
    """Every emotion word of the vocabulary, by wheel group (the open-set lexicon's groups)."""
    return {group: tuple(entry["words"]) for group, entry in vocabulary()["groups"].items()}


def near_miss_words() -> frozenset[str]:
    """Real English words close to a form, never read as a misspelling (``data/near_words.txt``)."""
    path = _DATA / "near_words.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise RuntimeError(f"{path}: cannot read this scoring data file ({err}); the package must be installed "
                           "or copied together with its data/ folder") from None
    return frozenset(word for line in lines if not line.startswith("#") for word in line.split())


def placements() -> dict[str, dict[str, str | None]]:
    """Per label set: the label each wheel group places on (None: deliberately unplaced)."""
    return {name: dict(table) for name, table in vocabulary()["placements"].items()}

# --- concept vocabularies, composed into label sets below ---------------------------

_CONCEPTS: dict[str, tuple[str, ...]] = concept_forms()


def _forms(*concepts: str) -> tuple[str, ...]:
    """Concatenate concept vocabularies, keeping first occurrences only."""
    seen: dict[str, None] = {}
    for concept in concepts:
        for form in _CONCEPTS[concept]:
            seen.setdefault(form, None)
    return tuple(seen)


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
                    raise ValueError(
                        f"label set {self.name!r}: form {form!r} names both {index[key]!r} and {label!r}"
                    )
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

WEBEMO_RELEASE_ORDER: tuple[str, ...] = _table("labels.json", "WEBEMO_RELEASE_ORDER")
"""WEBEmo's class index order (``train25.txt``/``test25.txt`` label i), in the release's own
spelling (``cheerfullness``, ``irritabilty``); alphabetical."""


def _leaf_forms(*leaves: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for leaf in leaves:
        for form in (leaf, *_WEBEMO_LEAVES[leaf]):
            seen.setdefault(form, None)
    return tuple(seen)


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


def webemo_levels(fine_label: str) -> tuple[str, str]:
    """The (middle, top) WEBEmo labels above a 25-level label."""
    middle = WEBEMO_25_TO_7[fine_label]
    return middle, WEBEMO_7_TO_2[middle]


LABEL_SETS: dict[str, LabelSet] = {
    ls.name: ls for ls in (MIKELS8, EKMAN6, UNBIASEDEMO6, YES_NO, WEBEMO25, WEBEMO7, WEBEMO2)
}


def register_label_set(label_set: LabelSet) -> LabelSet:
    """Add a label set to the registry (used by source modules that define their own)."""
    existing = LABEL_SETS.get(label_set.name)
    if existing is not None and existing != label_set:
        raise ValueError(f"label set {label_set.name!r} is already registered with other labels")
    LABEL_SETS[label_set.name] = label_set
    return label_set


def get_label_set(name: str) -> LabelSet:
    """Look up a label set by name, with an error that lists the known ones."""
    try:
        return LABEL_SETS[name]
    except KeyError:
        raise KeyError(f"unknown label set {name!r}; known: {', '.join(sorted(LABEL_SETS))}") from None


# --- dataset tables ---------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetTable:
    """How one public dataset's raw annotation strings map onto a label set."""

    dataset: str
    label_set: str
    raw_to_label: Mapping[str, str]

    def label_for(self, raw: str) -> str | None:
        """Canonical label for a raw annotation string (case-insensitive), or None."""
        return self.raw_to_label.get(raw.strip().lower())

    def known_raw(self) -> list[str]:
        return sorted(self.raw_to_label)


def _identity_table(dataset: str, label_set: LabelSet, **extra: str) -> DatasetTable:
    mapping = {label: label for label in label_set.labels}
    mapping.update(extra)
    return DatasetTable(dataset=dataset, label_set=label_set.name, raw_to_label=mapping)


def _webemo_table() -> DatasetTable:
    """WEBEmo's raw labels: the class index in its lists, or a class name in either spelling."""
    mapping = {label: label for label in WEBEMO25.labels}
    for index, raw in enumerate(WEBEMO_RELEASE_ORDER):
        canonical = {"cheerfullness": "cheerfulness", "irritabilty": "irritability"}.get(raw, raw)
        mapping[str(index)] = canonical
        mapping[raw] = canonical
    return DatasetTable(dataset="webemo", label_set=WEBEMO25.name, raw_to_label=mapping)


DATASET_TABLES: dict[str, DatasetTable] = {
    # EmoSet-118K folder and annotation names are the Mikels labels themselves.
    "emoset": _identity_table("emoset", MIKELS8),
    # FI (You et al. 2016): one folder per Mikels emotion, named by the label.
    "fi": _identity_table("fi", MIKELS8),
    # ArtPhoto file-name prefixes and Abstract's vote-table columns shorten two labels.
    "artphoto": _identity_table("artphoto", MIKELS8, sad="sadness", content="contentment"),
    "abstract": _identity_table("abstract", MIKELS8, sad="sadness", content="contentment"),
    # Emotion6 and EmotionROI (the same 1,980 images): folders named by the Ekman label.
    "emotion6": _identity_table("emotion6", EKMAN6),
    "emotionroi": _identity_table("emotionroi", EKMAN6),
    "unbiasedemo": _identity_table("unbiasedemo", UNBIASEDEMO6),
    "webemo": _webemo_table(),
}


def register_dataset_table(table: DatasetTable) -> DatasetTable:
    """Add a dataset table (source modules call this at import)."""
    for raw, label in table.raw_to_label.items():
        if label not in get_label_set(table.label_set):
            raise ValueError(f"{table.dataset}: raw label {raw!r} maps to {label!r}, not in {table.label_set}")
    DATASET_TABLES[table.dataset] = table
    return table


def get_dataset_table(dataset: str) -> DatasetTable:
    """Look up a dataset table by dataset name."""
    try:
        return DATASET_TABLES[dataset]
    except KeyError:
        raise KeyError(f"no label table for dataset {dataset!r}; known: {', '.join(sorted(DATASET_TABLES))}") from None


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


def _phrases(verbs: str, objects: str) -> tuple[str, ...]:
    """Every ``verb object`` pair: the prompts' definitions paraphrased (``attacks a group``)."""
    return tuple(f"{verb} {obj}" for verb in verbs.split(",") for obj in objects.split(","))


# Who a hateful meme attacks, as models name them; "any group" lets negations read ("does not
# attack any group" -> no).
_HATE_TARGETS = (
    "a group,any group,groups,people,a minority,minorities,women,men,immigrants,refugees,muslims,jews,"
    "black people,gay people,trans people,disabled people,the disabled,a religion,a race,an ethnic group,"
    "anyone,a community,a protected group,people for who they are,people for their identity"
)


BINARY_CONCEPTS: dict[str, BinaryConcept] = {name: BinaryConcept(name, **fields) for name, fields in _table("labels.json", "BINARY_CONCEPTS").items()}


def get_binary_concept(name: str) -> BinaryConcept:
    """Look up a yes/no concept (``hate``, ``humor``, ``sarcasm``), with an error listing the known ones."""
    try:
        return BINARY_CONCEPTS[name]
    except KeyError:
        raise KeyError(f"unknown binary concept {name!r}; known: {', '.join(sorted(BINARY_CONCEPTS))}") from None


# --- EmoBench rebuild: MELD emotions, Intentonomy and MIntRec intents, yes/no source tables ----
# Intent labels are short verb phrases that read naturally after "the intent is to ...".
# Forms avoid words a model uses for other purposes: "sorry" (refusals: "Sorry, I can't
# tell"), "help" on its own, "order" ("in order to"), "thank you", "object" (a noun).

_MELD_NEUTRAL = _table("labels.json", "_MELD_NEUTRAL")

MELD7 = _label_set(
    "meld7",
    "MELD (Poria et al. 2019): Ekman's six emotions plus neutral, one per utterance.",
    anger=_forms("anger"),
    disgust=_forms("disgust"),
    fear=_forms("fear"),
    joy=(*_forms("joy", "amusement", "excitement"), "satisfied", "satisfaction", "pleased", "content",
         "contented", "contentment"),
    neutral=_MELD_NEUTRAL,
    sadness=_forms("sadness"),
    surprise=_forms("surprise", "awe"),
)

# MIntRec (Zhang et al. 2022): 20 intents, in the release's benchmark order; the raw label,
# then our canonical string and its forms.
_MINTREC_INTENTS: tuple[tuple[str, str, tuple[str, ...]], ...] = _table("labels.json", "_MINTREC_INTENTS")

MINTREC20 = LabelSet(
    name="mintrec20",
    labels=tuple(canonical for _, canonical, _ in _MINTREC_INTENTS),
    forms={canonical: forms for _, canonical, forms in _MINTREC_INTENTS},
    description="MIntRec's 20 fine-grained conversational intents (11 'express emotions or attitudes', "
                "9 'achieve goals').",
)

MINTREC_COARSE: dict[str, str] = {
    canonical: ("express emotions or attitudes" if index < 11 else "achieve goals")
    for index, canonical in enumerate(("complain", "praise", "apologize", "thank", "criticize", "agree", "taunt",
                                       "flaunt", "joke", "oppose", "care", "comfort", "inform", "advise",
                                       "arrange", "introduce", "leave", "prevent", "greet", "ask for help"))
}
"""MIntRec's two coarse intents (its README's grouping): 11 'express emotions or attitudes', 9 'achieve goals'."""

# Intentonomy (Jia et al. 2021): 28 intents, in category-id order (0-27) of the released
# annotation files; the raw category name, our canonical string and its forms.
_INTENTONOMY_INTENTS: tuple[tuple[str, str, tuple[str, ...]], ...] = _table("labels.json", "_INTENTONOMY_INTENTS")

INTENTONOMY28 = LabelSet(
    name="intentonomy28",
    labels=tuple(canonical for _, canonical, _ in _INTENTONOMY_INTENTS),
    forms={canonical: forms for _, canonical, forms in _INTENTONOMY_INTENTS},
    description="Intentonomy's 28 human intents behind a social-media image (Jia et al. 2021), in "
                "category-id order.",
)

INTENTONOMY_RELEASE_NAMES: tuple[str, ...] = tuple(raw for raw, _, _ in _INTENTONOMY_INTENTS)
"""Intentonomy's category names as its annotation files spell them, index = category id."""

for _new_set in (MELD7, MINTREC20, INTENTONOMY28):
    register_label_set(_new_set)


def _intent_table(dataset: str, label_set: LabelSet, intents, *, by_index: bool = False,
                  **extra: str) -> DatasetTable:
    """Raw intent names (any case) -> canonical labels; ``by_index`` also maps ``"0"``, ``"1"``, ..."""
    mapping = {label: label for label in label_set.labels}
    for index, (raw, canonical, _forms) in enumerate(intents):
        mapping[raw.lower()] = canonical
        if by_index:
            mapping[str(index)] = canonical
    mapping.update(extra)
    return DatasetTable(dataset=dataset, label_set=label_set.name, raw_to_label=mapping)


def _yes_no_table(dataset: str, yes: tuple[str, ...], no: tuple[str, ...]) -> DatasetTable:
    mapping = {raw: "yes" for raw in yes}
    mapping.update({raw: "no" for raw in no})
    return DatasetTable(dataset=dataset, label_set=YES_NO.name, raw_to_label=mapping)


for _new_table in (
    # MELD's Emotion column: the seven labels in lower case.
    _identity_table("meld", MELD7),
    # MIntRec's label column: the benchmark spelling ("Apologise", "Ask for help"), case-insensitive,
    # plus the snake-case spellings some redistributions use.
    _intent_table("mintrec", MINTREC20, _MINTREC_INTENTS, apologise="apologize", ask_help="ask for help",
                  ask_for_help="ask for help", criticise="criticize"),
    # Intentonomy: category names and category ids.
    _intent_table("intentonomy", INTENTONOMY28, _INTENTONOMY_INTENTS, by_index=True),
    # Binary sources: their raw label values.
    _yes_no_table("hateful_memes", yes=("1", "hateful"), no=("0", "not-hateful", "not_hateful")),
    _yes_no_table("mmsd2", yes=("1",), no=("0",)),
    _yes_no_table("memotion", yes=("funny", "very_funny", "hilarious"), no=("not_funny",)),
    _yes_no_table("mustard", yes=("true", "1"), no=("false", "0")),
    _yes_no_table("urfunny", yes=("1", "true"), no=("0", "false")),
):
    register_dataset_table(_new_table)
