"""Open-set emotion answers -> a label of the gold taxonomy, through an emotion lexicon.

EmoBench's open-set sub-task (Emo-O) asks a model to *name* the emotion with no options,
so the answer ("nostalgic", "a quiet melancholy", "over the moon") must be mapped onto the
record's label set before it can be scored. The lexicon does that deterministically.

**The lexicon.** Related words are grouped into *wheel groups* (:data:`WHEEL_GROUPS`, the
groups of the one vocabulary in ``data/vocabulary.json``),
in the spirit of emotion wheels: Plutchik's wheel (its intensity rings: serenity / joy /
ecstasy, apprehension / fear / terror, pensiveness / sadness / grief, annoyance / anger /
rage), Parrott's tree (primary -> secondary -> tertiary emotions) and the Geneva Emotion
Wheel. Each label set then *places* every group on one of its labels, or on none
(:data:`PLACEMENTS`; ``None`` = deliberately unplaced because the word fits several labels
equally, e.g. ``happy`` in Mikels-8, whose four positive labels it fits alike). A label
set's *lexicon forms* are its own forms from :mod:`.labels` (which always
win) plus the words of every group it places; the words of unplaced groups are known
too, as *unplaced* mentions.

**The rule** (:func:`place`) is the parser's own (:func:`.answers.committed_value`),
run over the lexicon's forms, so open-set answers are read exactly like closed-set ones
(every rule with its cues and examples: docs/scoring.md):

1. Normalise and keep the final-answer segment (:func:`~.answers.split_final_answer`):
   ``... Final answer: nostalgia`` counts only ``nostalgia``.
2. Find every lexicon word on word boundaries, longest form first (``on edge`` before
   ``edge``), with the parser's one false-positive guard (``the content of the image``,
   ``I hope this helps``).
3. Drop negated mentions with the parser's negation rule (``not scary, rather calm`` ->
   ``calm``). Negation never implies the opposite label: ``not happy`` alone is unplaced.
4. Two different labels (or a label and an unplaced word) offered as alternatives
   (``sad or angry``, ``happy or sad``) leave the answer unplaced: the model did not
   commit. A self-correction (``sad, or rather angry``) keeps the correction.
5. Unplaced words are then set aside. A mention after a commitment cue (``mostly``,
   ``overall``) wins over the rest; two answers with equal weight (``in equal measure``)
   leave it unplaced; a mention after a secondary cue (``a hint of``) loses to any other;
   then the first remaining mention that follows an evocation cue (``evokes``, ``a sense
   of``, ``feeling``) wins, else the first one: ``happy and relaxed`` -> contentment in
   Mikels-8. Naming more than half of a set's labels is a list, not an answer: unplaced.
6. Nothing left: the reply is read once more with close misspellings corrected
   (``nostalgik`` -> ``nostalgic``); still nothing: :data:`~.UNPARSED`. The
   lexicon never guesses; an optional LLM judge (:mod:`.judge`) may place what
   it leaves.

The lexicon is versioned (:data:`LEXICON_VERSION`); results say which version scored them.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import UNPARSED
from .answers import FormMatcher, committed_value, form_matcher, split_final_answer
from .labels import placements, wheel_groups
from .labels import LabelSet, get_label_set

__all__ = [
    "LEXICON_VERSION",
    "PLACEMENTS",
    "UNPLACED",
    "WHEEL_GROUPS",
    "lexicon_forms",
    "lexicon_words",
    "place",
    "placed_label_sets",
    "synonyms",
]

LEXICON_VERSION = "1"
UNPLACED = "__unplaced__"
"""The value of a known emotion word that a label set deliberately leaves unplaced."""

# --- wheel groups: related words, one group per wheel region ------------------------------------
# Every word belongs to exactly one group (tests/test_lexicon.py checks). Forms are lower
# case; inflections are listed, since matching is on whole words.

WHEEL_GROUPS: dict[str, tuple[str, ...]] = wheel_groups()

# --- placements: wheel group -> label, per label set ---------------------------------------------
# None: deliberately unplaced in that set. A group a set does not list is unplaced too.

PLACEMENTS: dict[str, dict[str, str | None]] = placements()


def placed_label_sets() -> list[str]:
    """Label sets with a lexicon placement (others use their taxonomy forms only)."""
    return sorted(PLACEMENTS)


def _key(form: str) -> str:
    return " ".join(form.strip().lower().replace("-", " ").split())


def lexicon_forms(label_set: str | LabelSet) -> dict[str, str]:
    """Every lexicon word of a label set -> its label, or :data:`UNPLACED`.

    The set's own taxonomy forms come first and always win; then the words of each
    wheel group, placed as :data:`PLACEMENTS` says (unlisted groups, and sets without a
    placement, leave their words :data:`UNPLACED`).
    """
    ls = label_set if isinstance(label_set, LabelSet) else get_label_set(label_set)
    cached = _FORMS_CACHE.get(ls.name)
    if cached is not None and cached[0] is ls:
        return cached[1]
    placement = PLACEMENTS.get(ls.name, {})
    forms: dict[str, str] = {}
    taken = {_key(form) for form in ls.surface_forms()}
    for group, words in WHEEL_GROUPS.items():
        label = placement.get(group) or UNPLACED
        if label != UNPLACED and label not in ls.labels:
            raise ValueError(f"lexicon: group {group!r} is placed on {label!r}, not a label of {ls.name}")
        for word in words:
            if _key(word) not in taken:
                forms[word] = label
    forms.update(ls.surface_forms())
    _FORMS_CACHE[ls.name] = (ls, forms)
    return forms


_FORMS_CACHE: dict[str, tuple[LabelSet, dict[str, str]]] = {}


def lexicon_words(label_set: str | LabelSet, label: str) -> list[str]:
    """The lexicon words that place on ``label`` (taxonomy forms included), sorted."""
    return sorted(word for word, owner in lexicon_forms(label_set).items() if owner == label)


def synonyms(label_set: str | LabelSet, label: str) -> list[str]:
    """Words placing on ``label`` that name no label of the set (what an open answer may say), sorted."""
    ls = label_set if isinstance(label_set, LabelSet) else get_label_set(label_set)
    labels = {_key(lab) for lab in ls.labels}
    return [w for w in lexicon_words(ls, label) if _key(w) not in labels]


def _matcher(ls: LabelSet) -> FormMatcher:
    forms = lexicon_forms(ls)
    return form_matcher(f"lexicon{LEXICON_VERSION}:{ls.name}", forms, forms)


def place(text: str, label_set: str | LabelSet) -> str:
    """The label of ``label_set`` an open-set answer names, or ``UNPARSED`` (rule in the module docstring)."""
    ls = label_set if isinstance(label_set, LabelSet) else get_label_set(label_set)
    _, final = split_final_answer(text)
    if not final:
        return UNPARSED
    value = committed_value(final, _matcher(ls), len(ls), set_aside=frozenset({UNPLACED}))
    return UNPARSED if value is None else value


def describe(label_set: str | LabelSet) -> Mapping[str, list[str]]:
    """Per label (and ``unplaced``): the wheel groups placed there, for documentation."""
    ls = label_set if isinstance(label_set, LabelSet) else get_label_set(label_set)
    placement = PLACEMENTS.get(ls.name, {})
    out: dict[str, list[str]] = {label: [] for label in ls.labels}
    out["unplaced"] = []
    for group in WHEEL_GROUPS:
        out[placement.get(group) or "unplaced"].append(group)
    return out
