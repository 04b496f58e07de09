"""The checks every family of :mod:`tests.fixtures_builtin_wrappers` gets; each
``tests/test_builtin_wrappers_*.py`` file imports them (pytest collects them there, with that
file's ``SPECS``)."""

from __future__ import annotations

from tests.fixtures_builtin_wrappers import (
    EVERY_TASK,
    MAX_TABLE_WIDTH,
    _check_spec_ran_every_task,
    _responses,
    plain_specs,
)


def pytest_generate_tests(metafunc) -> None:
    """``spec`` / ``plain_spec`` / ``batched_spec``: the configurations of the test file being collected."""
    specs = metafunc.module.SPECS
    for name, chosen in (("spec", specs), ("plain_spec", plain_specs(specs)),
                         ("batched_spec", [s for s in specs if s.batch > 1])):
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, chosen, ids=lambda s: s.name)


def test_every_family_answers_every_task_through_lmms_emotion_eval(spec, emotion_cli_runs, every_task_root):
    _check_spec_ran_every_task(emotion_cli_runs, spec, every_task_root)


def test_every_family_answers_every_task_through_plain_lmms_eval(plain_spec, plain_cli_runs, every_task_root):
    _check_spec_ran_every_task(plain_cli_runs, plain_spec, every_task_root)


def test_both_clis_give_the_same_answers(emotion_cli_runs, plain_cli_runs, request):
    for spec in plain_specs(request.module.SPECS):
        for task in EVERY_TASK:
            assert (_responses(emotion_cli_runs["out"] / spec.name, task)
                    == _responses(plain_cli_runs["out"] / spec.name, task)), (spec.name, task)


def test_printed_tables_fit_in_160_columns(emotion_cli_runs, plain_cli_runs):
    for runs in (emotion_cli_runs, plain_cli_runs):
        rows = [line for line in runs["proc"].stdout.splitlines() if line.startswith("|")]
        assert any("EmoBench" in row for row in rows) and any("EmoVIT suite" in row for row in rows)
        assert any("|sources" in row for row in rows)
        # tasks leave per_class_acc out; groups show it as N/A (lmms-eval matches "acc" by substring)
        assert all("N/A" in row for row in rows if "|per_class_acc" in row)
        widest = max(rows, key=len)
        assert len(widest) <= MAX_TABLE_WIDTH, widest
        assert not any("{" in row for row in rows), "a dict was printed inline"
