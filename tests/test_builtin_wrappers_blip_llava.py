"""lmms-eval's InstructBLIP and LLaVA wrappers (``instructblip``; ``llava_hf`` for LLaVA-1.5 and
LLaVA-OneVision) on every emovit_* and emobench_* task, through ``lmms-emotion eval`` and plain
``lmms-eval``; the runs and the shared checks are in :mod:`tests.fixtures_builtin_wrappers` and
:mod:`tests.builtin_wrapper_checks`."""

from __future__ import annotations

import pytest

from tests.builtin_wrapper_checks import (  # noqa: F401 (the shared checks, collected with this file's SPECS)
    pytest_generate_tests,
    test_both_clis_give_the_same_answers,
    test_every_family_answers_every_task_through_lmms_emotion_eval,
    test_every_family_answers_every_task_through_plain_lmms_eval,
    test_printed_tables_fit_in_160_columns,
)
from tests.fixtures_builtin_wrappers import specs_of

pytestmark = pytest.mark.e2e

SPECS = specs_of("instructblip", "llava-1.5", "llava-onevision")
