"""The reading rules of docs/scoring.md: their rows in the parser tables, and checks of each rule
over every label set.

The rule rows (``rule="hedge"``, ``"lead_in"``, ``"definition"``, ``"commitment"``,
``"misspelling"``, ``"coarse"``, and the ``"false_positive"`` replies that must stay
unparsed) live in tests/parser_tables/ beside the other rows of their label set and run in
tests/test_parser_tables.py. They are written in the styles of LLaVA-1.5 (a bare label, a
short sentence), InstructBLIP (lower-case fragments), Qwen2-VL (full sentences, numbered
lists) and GPT-4o (markdown, reasoning then ``Final answer:``).
"""

from __future__ import annotations

from collections import Counter

import pytest

from lmms_emotion import UNPARSED
from lmms_emotion.scoring.answers import correct_misspellings, edit_distance, form_matcher, parse_answer, spelling_tolerance
from lmms_emotion.scoring.lexicon import PLACEMENTS, lexicon_forms, place, synonyms
from lmms_emotion.scoring.labels import LABEL_HIERARCHY, LABEL_SETS, get_label_set
from tests.parser_tables import TABLES, rows

U = UNPARSED
YN = ("hate", "humor", "sarcasm")


def test_every_rule_has_enough_rows_over_several_label_sets() -> None:
    """The rule rows of the parser tables (``rule=...``): at least 20 per rule, spread over label sets."""
    per_rule = Counter(row.rule for _, row in rows() if row.rule and row.rule != "false_positive")
    assert set(per_rule) == {"hedge", "lead_in", "definition", "commitment", "misspelling", "coarse"}
    assert all(n >= 20 for n in per_rule.values()), per_rule
    for rule in ("commitment", "misspelling"):
        assert len({name for name, _ in rows(rule=rule)}) >= 6, rule
        assert {row.via for _, row in rows(rule=rule)} >= {"closed", "open"}, rule
    for rule in ("hedge", "definition"):
        assert {row.concept or row.task for _, row in rows(rule=rule)} == set(YN), rule
    assert {row.rule for _, row in rows(via="hook") if row.rule} == set(per_rule)  # EmoPrompt lines too
    false_positives = rows(rule="false_positive")
    assert len(false_positives) >= 60 and all(row.expected == U for _, row in false_positives)
    assert {row.via for _, row in false_positives} == {"closed", "open", "yes_no"}
    assert len({name for name, _ in false_positives}) == len(TABLES)


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
    from lmms_emotion.scoring.answers import NEAR_MISS_WORDS
    from tests.near_miss_words import near_miss_words

    missing = sorted(near_miss_words() - NEAR_MISS_WORDS)
    assert not missing, f"{len(missing)} real words near a form are not guarded, e.g. {missing[:10]}; " \
                        "run `python -m tests.near_miss_words`"


# --- every label set: the label-set rules over each set's own labels ----------------------------

CLOSED_SETS = sorted(name for name in LABEL_SETS if name != "yes_no")


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
    from lmms_emotion.scoring.answers import NEAR_MISS_WORDS

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

    from lmms_emotion.scoring import answers

    doc = " ".join((Path(__file__).resolve().parents[1] / "docs" / "scoring.md").read_text().split())
    for name in ("COMMITMENT_CUES", "SECONDARY_CUES", "EQUAL_WEIGHT_CUES", "HEDGE_CUES", "LEAD_INS"):
        plain = [cue for cue in getattr(answers, name) if not set(cue) & set("[(\\?")]
        missing = [cue for cue in plain if f"`{cue}`" not in doc]
        assert not missing, f"docs/scoring.md does not list {name} {missing}"
    for key in answers.FALSE_POSITIVE_CONTEXTS:
        assert f"`{key}`" in doc, key


@pytest.mark.parametrize("name", sorted(PLACEMENTS))
def test_commitment_on_every_open_set(name: str) -> None:
    """Open-set replies name synonyms, not labels: the committed synonym wins, a tie stays unplaced."""
    single = {label: [w for w in synonyms(name, label) if w.isalpha()] for label in get_label_set(name).labels}
    words = {label: ws[len(ws) // 2] for label, ws in single.items() if ws}
    for a, word_a in words.items():
        for b, word_b in words.items():
            if a != b:
                assert place(f"A hint of {word_a}, but mostly {word_b}.", name) == b, (word_a, word_b)
                assert place(f"{word_a} and {word_b} in equal measure", name) == U, (word_a, word_b)
