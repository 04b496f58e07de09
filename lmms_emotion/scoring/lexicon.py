"""Open-set emotion answers -> a label of the gold taxonomy, through an emotion lexicon.

EmoBench's open-set sub-task (Emo-O) asks a model to *name* the emotion with no options; the
answer ("nostalgic", "over the moon") is mapped onto the record's label set deterministically.

**The lexicon.** Related words are grouped into *wheel groups* (:data:`WHEEL_GROUPS`, the
groups of the one vocabulary in ``data/vocabulary.json``), in the spirit of emotion wheels
(Plutchik's intensity rings, Parrott's tree, the Geneva Emotion Wheel). Each label set then
*places* every group on one of its labels, or on none (:data:`PLACEMENTS`; ``None`` =
deliberately unplaced because the words fit several labels equally, e.g. ``happy`` in
Mikels-8). A label set's *lexicon forms* are its own forms from :mod:`.labels` (which always
win) plus the words of every group it places; the words of unplaced groups are known too,
as *unplaced* mentions.

**The rule** (:func:`place`) is the parser's own (:func:`.answers.committed_value`, the
rules in docs/scoring.md) run over the lexicon's forms, so open-set answers are read exactly
like closed-set ones: final segment, misspellings, false-positive guard, negation (``not
scary, rather calm`` -> ``calm``; ``not happy`` alone is unplaced), alternatives (an unplaced
word counts as one: ``happy or sad`` is unplaced), then commitment with unplaced words set
aside (``happy and relaxed`` -> contentment in Mikels-8). Nothing placed: :data:`~.UNPARSED`.
The lexicon never guesses; an optional LLM judge (:mod:`.judge`) may place what it leaves.

The lexicon is versioned (:data:`LEXICON_VERSION`); results say which version scored them.
"""

from __future__ import annotations

from . import UNPARSED
from .answers import committed_value, form_matcher, split_final_answer
from .labels import LabelSet, get_label_set, vocabulary

LEXICON_VERSION = "1"
UNPLACED = "__unplaced__"
"""The value of a known emotion word that a label set deliberately leaves unplaced."""

WHEEL_GROUPS: dict[str, tuple[str, ...]] = {
    group: tuple(entry["words"]) for group, entry in vocabulary()["groups"].items()
}
"""Related words, one group per wheel region; every word in exactly one group (tests/test_lexicon.py)."""

PLACEMENTS: dict[str, dict[str, str | None]] = {
    name: dict(table) for name, table in vocabulary()["placements"].items()
}
"""Per label set: wheel group -> label (None, or a group the set does not list: unplaced)."""


def _key(form: str) -> str:
    return " ".join(form.strip().lower().replace("-", " ").split())


def lexicon_forms(label_set: str | LabelSet) -> dict[str, str]:
    """Every lexicon word of a label set -> its label, or :data:`UNPLACED`: the set's own taxonomy forms
    (which always win), then each wheel group's words as :data:`PLACEMENTS` places them."""
    ls = get_label_set(label_set)
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


def synonyms(label_set: str | LabelSet, label: str) -> list[str]:
    """Words placing on ``label`` that name no label of the set (what an open answer may say), sorted."""
    ls = get_label_set(label_set)
    labels = {_key(lab) for lab in ls.labels}
    return sorted(w for w, owner in lexicon_forms(ls).items() if owner == label and _key(w) not in labels)


def place(text: str, label_set: str | LabelSet) -> str:
    """The label of ``label_set`` an open-set answer names, or ``UNPARSED`` (rule in the module docstring)."""
    ls = get_label_set(label_set)
    _, final = split_final_answer(text)
    if not final:
        return UNPARSED
    forms = lexicon_forms(ls)
    matcher = form_matcher(f"lexicon{LEXICON_VERSION}:{ls.name}", forms, forms)
    value = committed_value(final, matcher, len(ls), set_aside=frozenset({UNPLACED}))
    return UNPARSED if value is None else value
