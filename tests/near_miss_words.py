"""Regenerate ``lmms_emotion/near_words.py``: the English words that the misspelling rule must
never read as a misspelt form (``fare``/``dear`` are not ``fear``; ``beach`` is not ``teach``).

The word list is pyspellchecker's English dictionary (a test extra, ``pip install -e .[test]``),
cut down to the words within the spelling tolerance of some single-word form of any label set,
lexicon or yes/no concept, so the parser ships a few thousand words instead of a dictionary
and needs nothing at run time. ``tests/test_answers_rules.py`` checks the shipped table is
complete for the current forms; rerun this after adding forms:

    python -m tests.near_miss_words
"""

from __future__ import annotations

import textwrap
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "lmms_emotion" / "near_words.py"


def all_forms() -> set[str]:
    """Every single-word form the parser matches, in any label set, lexicon or concept."""
    from lmms_emotion.lexicon import lexicon_forms
    from lmms_emotion.taxonomy import BINARY_CONCEPTS, LABEL_SETS

    forms: set[str] = set()
    for label_set in LABEL_SETS.values():
        forms |= set(label_set.surface_forms()) | set(lexicon_forms(label_set))
    for concept in BINARY_CONCEPTS.values():
        forms |= set(concept.positive) | set(concept.negative)
    return {f for f in forms if f.isalpha()}


def near_miss_words() -> set[str]:
    """Dictionary words (and forms) within the spelling tolerance of another form."""
    from spellchecker import SpellChecker

    from lmms_emotion.answers import _deletions, edit_distance, spelling_tolerance

    forms = all_forms()
    index: dict[str, set[str]] = {}
    for form in forms:
        for variant in _deletions(form, spelling_tolerance(len(form))):
            index.setdefault(variant, set()).add(form)
    words = {w for w in SpellChecker(language="en").word_frequency.dictionary if w.isalpha()} | forms
    near = set()
    for word in words:
        if len(word) < 5:
            continue
        for variant in _deletions(word, 2):
            if any(f != word and edit_distance(word, f) <= spelling_tolerance(len(f)) for f in index.get(variant, ())):
                near.add(word)
                break
    return near


def main() -> None:
    words = sorted(near_miss_words())
    body = textwrap.fill(" ".join(words), width=96, break_long_words=False, break_on_hyphens=False)
    TARGET.write_text(
        '"""Real English words close to a form: never corrected as misspellings (generated; do not edit).\n\n'
        "Regenerate with ``python -m tests.near_miss_words`` after adding forms; the rule is in\n"
        "docs/scoring.md and tests/near_miss_words.py says where the words come from.\n"
        '"""\n\n'
        f"NEAR_MISS_WORDS: frozenset[str] = frozenset(\n    \"\"\"\n{body}\n\"\"\".split()\n)\n"
        f'"""{len(words)} words."""\n'
    )
    print(f"wrote {len(words)} words to {TARGET}")


if __name__ == "__main__":
    main()
