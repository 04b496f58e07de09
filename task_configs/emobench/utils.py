"""Hooks of the emobench_* tasks, all bound from the shared emotion scoring package.

The open-set judge is configured in ``_default_template_yaml`` (``metadata.judge``); without it
the lexicon alone scores open-set answers.
"""

from pathlib import Path

from lmms_emotion.scoring.hooks import (  # noqa: F401
    UTF8SafeReplies,
    aggregate_macro_f1_tagged,
    aggregate_per_class_acc,
    aggregate_score,
    aggregate_scoring,
    aggregate_sources,
    aggregate_subtask_mean,
    doc_to_messages,
    doc_to_target,
    doc_to_text,
    doc_to_visual,
    emobench_results_hook,
)
from lmms_emotion.scoring.judge import judge_for, settings_from_yaml
from lmms_emotion.judge_cache import judge_for  # noqa: F811  (plugin only: replies cached on disk; export drops it)
from lmms_emotion.task_utils import load_docs  # noqa: F401  (plugin only: the data root; the export drops it)

_JUDGE_SETTINGS = settings_from_yaml(Path(__file__).with_name("_default_template_yaml"))
process_results_emobench = emobench_results_hook(judge_for(_JUDGE_SETTINGS))
