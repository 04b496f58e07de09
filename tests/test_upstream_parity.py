"""The generated utils.py parses and scores exactly like the package, on the parser's own test tables.

Every closed-set and yes/no row of the parser tables (``tests/parser_tables/``) is replayed through the original
parser and through the inlined copy the exporter generates for each plugin task folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lmms_emotion import answers
from lmms_emotion.taxonomy import BINARY_CONCEPTS, LABEL_SETS
from lmms_emotion.upstream.export import needs_stand_in, vendor_folder
from lmms_emotion.upstream.task_folder import plugin_task_folders, read_task_folder


def _parser_cases() -> list[tuple]:
    """The closed-set and yes/no rows of the parser tables (tests/parser_tables/), as (name, row)."""
    from tests.parser_tables import TABLES

    cases = []
    for name, table in TABLES.items():
        for i, row in enumerate(table):
            if row.via == "closed":
                cases.append((f"{name}[{i}]", (row.reply, name, list(row.options) if row.options else None, row.expected)))
            elif row.via == "yes_no":
                cases.append((f"{name}[{i}]", (row.reply, row.concept, row.expected)))
    return cases


CASES = _parser_cases()


@pytest.fixture(scope="module", params=[p.name for p in plugin_task_folders()])
def folder(request) -> Path:
    return next(p for p in plugin_task_folders() if p.name == request.param)


@pytest.fixture(scope="module")
def generated(folder, tmp_path_factory):
    """The generated utils.py of one plugin task folder, imported by file path as lmms-eval does."""
    from lmms_emotion.upstream.export import _STAND_IN_EPILOGUE, _STAND_IN_PROLOGUE, load_generated_module

    source, _dropped = vendor_folder(read_task_folder(folder))
    text = source.with_code(_STAND_IN_PROLOGUE, _STAND_IN_EPILOGUE) if needs_stand_in(source.text) else source.text
    path = tmp_path_factory.mktemp(folder.name) / "utils.py"
    path.write_text(text)
    module = load_generated_module(path, f"generated_{folder.name}")
    assert not {"parse_label", "parse_yes_no", "parse_answer"} & set(source.renamed.values())
    return module


@pytest.fixture(scope="module")
def original(folder):
    """The plugin folder's own utils.py (which imports lmms_emotion), loaded the same way."""
    from lmms_emotion.upstream.export import load_generated_module

    return load_generated_module(folder / "utils.py", f"original_{folder.name}")


def _parse(parser, row: tuple) -> str:
    if len(row) == 4:
        text, label_set, options, _expected = row
        return parser.parse_label(text, label_set, options)
    text, second, _expected = row
    if second is None or second in BINARY_CONCEPTS:
        return parser.parse_yes_no(text, second)
    return parser.parse_label(text, second)


def test_the_tables_are_found():
    names = {name.split("[")[0] for name, _ in CASES}
    assert {"mikels8", "ekman6", "yes_no"} <= names and len(CASES) > 300


def test_parser_tables_give_the_same_labels(generated):
    differences = []
    for name, row in CASES:
        original, inlined = _parse(answers, row), _parse(generated, row)
        if original != inlined or original != row[-1]:
            differences.append((name, row[0][:60], original, inlined, row[-1]))
    assert differences == []


def _text(hook, doc: dict) -> str:
    import inspect

    takes_kwargs = len(inspect.signature(hook).parameters) >= 2
    return hook(doc, {"prompt_style": "plain"}) if takes_kwargs else hook(doc)


def _outcome(call):
    """A call's result, or the type and message of what it raised (so errors must match too)."""
    try:
        return ("ok", call())
    except Exception as err:  # noqa: BLE001 - any difference in behaviour is what this test looks for
        return ("raised", type(err).__name__, str(err))


def _task_kinds(label_set: str) -> tuple[str, ...]:
    from lmms_emotion.records import TASK_KINDS

    if label_set == "yes_no":
        return tuple(BINARY_CONCEPTS)
    return tuple(kind for kind in TASK_KINDS if kind not in BINARY_CONCEPTS)


def test_every_label_set_prompts_and_scores_the_same(folder, generated, original):
    """Every registered label set, under every task kind, through the hooks the folder's YAMLs name:
    the prompt, and the scores of a right, a wrong and an unparseable reply (or the same error)."""
    import lmms_emotion.sources as sources

    for name in sources.available_sources():  # builders may register label sets at import
        sources.get_source(name)
    assert set(LABEL_SETS) <= set(generated.LABEL_SETS)
    hooks = {(t.merged["doc_to_text"].name, t.merged["process_results"].name) for t in read_task_folder(folder).tasks}
    assert hooks
    for name, label_set in LABEL_SETS.items():
        assert generated.get_label_set(name).labels == label_set.labels
        for kind in _task_kinds(name):
            for i, label in enumerate(label_set.labels):
                doc = {"id": f"t/{name}/{i}", "task": kind, "source": "t", "split": "test", "modality": "image",
                       "text": "a caption" if i % 2 else "", "label_set": name, "answer": label, "media_types": [],
                       "meta": "{}"}
                other = label_set.labels[(i + 1) % len(label_set.labels)]
                for text_hook, score_hook in hooks:
                    ours, theirs = getattr(original, text_hook), getattr(generated, text_hook)
                    assert _outcome(lambda: _text(theirs, doc)) == _outcome(lambda: _text(ours, doc))
                    for reply in (label, f"Final answer: {other}", "zxqv", ""):
                        ours, theirs = getattr(original, score_hook), getattr(generated, score_hook)
                        assert _outcome(lambda: theirs(doc, [reply])) == _outcome(lambda: ours(doc, [reply])), \
                            (folder.name, name, kind, reply)
