"""Every row of every parser table (tests/parser_tables/, one table per label set), read the way
its sub-task reads it, plus the size and coverage each table must keep."""

from __future__ import annotations

from collections import Counter

import pytest

from lmms_emotion import UNPARSED
from lmms_emotion.scoring.answers import parse_answer, parse_label, parse_yes_no
from lmms_emotion.scoring.lexicon import place
from lmms_emotion.scoring.labels import get_label_set
from tests.parser_tables import SETS, TABLES, Row, rows

U = UNPARSED


def hook_doc(row: Row, label_set: str, answer: str) -> dict:
    """A minimal EmoBench doc for an EmoPrompt row."""
    return {"id": f"t/{row.task}/{label_set}", "task": row.task, "source": "table", "split": "test",
            "modality": row.modality, "text": row.caption, "label_set": label_set, "answer": answer,
            "media_types": [row.modality], "media_paths": ["/nonexistent"], "meta": "{}"}


def read(label_set: str, row: Row) -> str:
    """The reading of ``row`` through every entry point its sub-task uses (they must agree)."""
    if row.via == "open":
        return place(row.reply, label_set)
    if row.via == "yes_no":
        got = parse_yes_no(row.reply, row.concept)
        assert parse_answer(row.reply, "yes_no", concept=row.concept) == got
        return got
    if row.via == "hook":
        from lmms_emotion.scoring.hooks import process_results_emobench

        gold = row.expected if row.expected != U else get_label_set(label_set).labels[0]
        scores = process_results_emobench(hook_doc(row, label_set, gold), [row.reply])
        assert scores["acc"]["score"] == (1.0 if row.expected != U else 0.0)
        assert scores["unparsed_rate"]["score"] == (1.0 if row.expected == U else 0.0)
        return scores["macro_f1"]["pred"]
    got = parse_label(row.reply, label_set, row.options)
    assert parse_answer(row.reply, label_set, row.options) == got
    return got


ALL = rows()


@pytest.mark.parametrize(("label_set", "row"), ALL, ids=[f"{name}-{i:03d}" for i, (name, _) in
                                                         enumerate(ALL)])
def test_table_row(label_set: str, row: Row) -> None:
    assert read(label_set, row) == row.expected, row


def test_no_row_is_repeated() -> None:
    for name, table in TABLES.items():
        repeated = [row for row, n in Counter(table).items() if n > 1]
        assert not repeated, (name, repeated)


def test_closed_set_tables_size_and_coverage() -> None:
    """The first three closed sets: many rows, option-list rows, refusals; every set: several labels and a refusal."""
    first = [row for name in ("mikels8", "ekman6", "unbiasedemo6") for row in TABLES[name]
             if row.via == "closed" and not row.rule]
    assert len(first) >= 200
    assert sum(row.options is not None for row in first) >= 30
    assert sum(row.expected == U for row in first) >= 30
    for name in SETS:
        if name == "yes_no":
            continue
        closed = [row for row in TABLES[name] if row.via == "closed"]
        named = {row.expected for row in closed} - {U}
        assert len(named) >= min(len(get_label_set(name)), 7), name
        assert any(row.expected == U for row in closed), f"{name}: no row where the parser must refuse"


def test_webemo_and_emobench_sets_have_their_own_rows() -> None:
    assert sum(len([r for r in TABLES[n] if r.via == "closed" and not r.rule]) for n in
               ("webemo25", "webemo7", "webemo2")) >= 40
    assert sum(len([r for r in TABLES[n] if r.via == "closed" and not r.rule]) for n in
               ("meld7", "mintrec20", "intentonomy28")) >= 40


def test_yes_no_table_size_and_balance() -> None:
    plain = [row for row in TABLES["yes_no"] if row.via == "yes_no" and not row.rule]
    assert len(plain) >= 160
    assert {row.concept for row in plain} >= {"hate", "humor", "sarcasm", None}
    for concept in ("hate", "humor", "sarcasm"):
        assert {row.expected for row in plain if row.concept == concept} == {"yes", "no", U}, concept


def test_open_set_table_size_and_outcomes() -> None:
    open_rows = rows(via="open")
    plain = [(name, row) for name, row in open_rows if not row.rule]
    assert len(plain) >= 100
    outcomes = Counter(row.expected for _, row in plain)
    assert outcomes[U] >= 15
    assert set(get_label_set("mikels8").labels) <= set(outcomes)
    assert {name for name, _ in plain} >= {"mikels8", "ekman6", "meld7", "unbiasedemo6"}


def test_emoprompt_rows_cover_every_task_kind() -> None:
    hook = rows(via="hook")
    assert len(hook) >= 50
    assert {row.task for _, row in hook} == {"emotion_closed", "emotion_open", "intent", "hate", "humor", "sarcasm"}
    assert len({name for name, _ in hook}) >= 10
    assert all("final answer" in row.reply.lower() for _, row in hook)


YES_NO_HOOK_ROWS = [row for _, row in rows(via="yes_no") if row.concept and not row.rule][::7]


@pytest.mark.parametrize("row", YES_NO_HOOK_ROWS, ids=[f"yes_no-hook-{i:02d}" for i in range(len(YES_NO_HOOK_ROWS))])
def test_emobench_hook_scores_with_the_doc_concept(row: Row) -> None:
    """The EmoBench scoring hook reads a yes/no reply with the doc's own concept."""
    from lmms_emotion.scoring.hooks import process_results_emobench

    expected, concept = row.expected, row.concept
    gold = "no" if expected == "yes" else "yes"
    doc = {"id": f"{concept}/x/test/1", "task": concept, "source": "x", "split": "test", "modality": "image",
           "text": "caption", "label_set": "yes_no", "answer": expected if expected != U else gold,
           "media_types": [], "media_paths": [], "meta": "{}"}
    scores = process_results_emobench(doc, [row.reply])
    assert scores["acc"] == {"score": float(expected != U), "subtask": concept}
    assert scores["unparsed_rate"]["score"] == float(expected == U)
    assert scores["macro_f1"]["pred"] == expected and scores["sources"] == "x/test"


@pytest.mark.parametrize("index", [0, 13, 27, 36, 44])
def test_an_echo_of_the_whole_emoprompt_is_harmless(index: int) -> None:
    """A model that repeats the question and our instruction (which itself says 'Final answer: <option>')
    before reasoning is still scored on its own final line."""
    from lmms_emotion.models.emoprompt import with_emoprompt
    from lmms_emotion.scoring.hooks import doc_to_text, process_results_emobench

    label_set, row = rows(via="hook")[index]
    doc = hook_doc(row, label_set, row.expected)
    echoed = with_emoprompt(doc_to_text(doc), doc, row.modality) + "\n" + row.reply
    assert process_results_emobench(doc, [echoed])["macro_f1"]["pred"] == row.expected
