"""Every label set the project scores against, with the surface forms that name each label.

One place to look: a *label set* is an ordered tuple of canonical labels plus, for each
label, the words and phrases a model may use for it (``happy`` for ``joy``, ``scared``
for ``fear``). A *dataset table* says which label set a public dataset uses and how its
raw annotation strings (folder names, CSV values) map onto canonical labels.

Forms are lower-case and matched on word boundaries by :mod:`lmms_emotion.answers`.
Within one label set no form may name two labels (``tests/test_taxonomy.py`` checks).
Deliberately unmapped: ``happy`` in Mikels-8 (it fits four positive classes equally),
``upset`` (anger or sadness) and ``amazing`` (praise more often than surprise).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

# --- concept vocabularies, composed into label sets below ---------------------------

_CONCEPTS: dict[str, tuple[str, ...]] = {
    "amusement": (
        "amusement", "amused", "amusing", "funny", "fun", "humor", "humour", "humorous",
        "playful", "playfulness", "hilarious", "entertained", "entertaining", "laughter",
        "laughing", "comical", "comic", "silly", "whimsical", "lighthearted", "light-hearted",
    ),
    "awe": (
        "awe", "awed", "awestruck", "awe-struck", "in awe", "awe-inspiring", "wonder",
        "wonderment", "amazement", "amazed", "majestic", "majesty", "grandeur", "sublime",
        "reverence", "breathtaking", "marvel",
    ),
    "contentment": (
        "contentment", "content", "contented", "satisfied", "satisfaction", "peaceful",
        "peace", "calm", "calmness", "serene", "serenity", "relaxed", "relaxing",
        "relaxation", "tranquil", "tranquility", "tranquillity", "comfort", "comfortable",
        "cozy", "cosy", "at ease", "pleased", "fulfilled", "fulfillment", "fulfilment",
    ),
    "excitement": (
        "excitement", "excited", "exciting", "thrilled", "thrilling", "thrill", "exhilarated",
        "exhilarating", "exhilaration", "enthusiastic", "enthusiasm", "eager", "eagerness",
        "energetic", "elated", "elation", "euphoric", "euphoria", "exuberant", "exuberance",
        "adrenaline",
    ),
    "anger": (
        "anger", "angry", "angered", "mad", "furious", "fury", "rage", "enraged", "irate",
        "irritated", "irritation", "annoyed", "annoyance", "hostile", "hostility", "outraged",
        "outrage", "frustrated", "frustration", "resentment", "wrath",
    ),
    "disgust": (
        "disgust", "disgusted", "disgusting", "gross", "grossed out", "repulsed", "repulsive",
        "revolted", "revolting", "revulsion", "nauseated", "nauseating", "nausea",
        "repugnant", "repelled", "loathing", "distaste", "yuck",
    ),
    "fear": (
        "fear", "fearful", "afraid", "scared", "scary", "frightened", "frightening",
        "fright", "terrified", "terrifying", "terror", "horror", "horrified", "horrifying",
        "anxious", "anxiety", "panic", "panicked", "dread", "alarmed", "nervous", "worried",
        "spooky", "creepy", "menacing", "threatening", "fearsome",
    ),
    "sadness": (
        "sadness", "sad", "sorrow", "sorrowful", "unhappy", "unhappiness", "grief",
        "grieving", "depressed", "depression", "depressing", "gloomy", "gloom", "melancholy",
        "melancholic", "heartbroken", "heartbreak", "mournful", "mourning", "despair",
        "despondent", "miserable", "misery", "lonely", "loneliness", "somber", "sombre",
        "downcast", "tearful", "crying",
    ),
    "joy": (
        "joy", "joyful", "joyous", "happy", "happiness", "glad", "gladness", "delighted",
        "delight", "cheerful", "cheer", "cheerfulness", "pleasure", "bliss", "blissful",
        "jubilant", "merry", "ecstatic", "ecstasy",
    ),
    "surprise": (
        "surprise", "surprised", "surprising", "astonished", "astonishment", "astonishing",
        "shocked", "shock", "startled", "stunned", "astounded", "unexpected",
    ),
    "love": (
        "love", "loving", "affection", "affectionate", "tender", "tenderness", "caring",
        "romance", "romantic", "adoration", "fondness", "compassion",
    ),
}


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

LABEL_SETS: dict[str, LabelSet] = {ls.name: ls for ls in (MIKELS8, EKMAN6, UNBIASEDEMO6, YES_NO)}


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


DATASET_TABLES: dict[str, DatasetTable] = {
    # EmoSet-118K folder and annotation names are the Mikels labels themselves.
    "emoset": _identity_table("emoset", MIKELS8),
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

    def __post_init__(self) -> None:
        overlap = {f.lower() for f in self.positive} & {f.lower() for f in self.negative}
        if overlap:
            raise ValueError(f"binary concept {self.name!r}: forms both positive and negative: {sorted(overlap)}")


BINARY_CONCEPTS: dict[str, BinaryConcept] = {
    c.name: c
    for c in (
        BinaryConcept(
            "hate",
            positive=(
                "hateful", "hate", "hate speech", "hatred", "hateful content", "offensive",
                "racist", "racism", "sexist", "sexism", "bigoted", "bigotry", "discriminatory",
                "discrimination", "derogatory", "xenophobic", "xenophobia", "homophobic",
                "homophobia", "transphobic", "antisemitic", "anti-semitic", "islamophobic",
                "dehumanizing", "dehumanising", "slur", "slurs", "demeaning", "hostile",
                "incites violence", "inciting violence",
            ),
            negative=(
                "benign", "harmless", "not hateful", "non-hateful", "inoffensive", "not offensive",
                "innocuous", "respectful", "wholesome",
            ),
            description="Hateful memes: does the meme attack people for who they are?",
        ),
        BinaryConcept(
            "humor",
            positive=(
                "funny", "humorous", "humour", "humor", "humourous", "hilarious", "a joke", "joke",
                "jokes", "joking", "comedic", "comedy", "comical", "amusing", "witty", "laughable",
                "meant to be funny", "intended to be funny", "humorously", "lol",
            ),
            negative=(
                "not funny", "unfunny", "humorless", "humourless", "serious", "not humorous",
            ),
            description="Humor detection: is the image/meme/clip funny or meant as a joke?",
        ),
        BinaryConcept(
            "sarcasm",
            positive=(
                "sarcastic", "sarcasm", "sarcastically", "ironic", "irony", "ironically", "ironical",
                "mocking", "mockery", "mocks", "mock", "satirical", "satire", "sardonic",
                "facetious", "tongue-in-cheek", "snarky", "snark",
            ),
            negative=(
                "not sarcastic", "non-sarcastic", "sincere", "sincerely", "literal", "literally meant",
                "genuine", "genuinely", "earnest", "straightforward", "serious",
            ),
            description="Sarcasm detection: does the post mean the opposite of what it says?",
        ),
    )
}


def get_binary_concept(name: str) -> BinaryConcept:
    """Look up a yes/no concept (``hate``, ``humor``, ``sarcasm``), with an error listing the known ones."""
    try:
        return BINARY_CONCEPTS[name]
    except KeyError:
        raise KeyError(f"unknown binary concept {name!r}; known: {', '.join(sorted(BINARY_CONCEPTS))}") from None
