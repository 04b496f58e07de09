"""Hooks of the emovit_* tasks, all bound from the shared emotion scoring package."""

from lmms_emotion.scoring.hooks import (  # noqa: F401
    UTF8SafeReplies,
    aggregate_group_mean,
    aggregate_macro_f1,
    aggregate_per_class_acc,
    doc_to_messages,
    doc_to_target,
    doc_to_text,
    doc_to_visual,
    process_results,
)
from lmms_emotion.task_utils import load_docs  # noqa: F401  (plugin only: the data root; the export drops it)
