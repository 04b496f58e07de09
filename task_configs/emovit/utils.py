"""Task hooks for the emovit_* tasks; the logic lives once in lmms_emotion.task_utils."""

from lmms_emotion.task_utils import (  # noqa: F401
    UTF8SafeReplies,
    aggregate_group_mean,
    aggregate_macro_f1,
    aggregate_per_class_acc,
    doc_to_messages,
    doc_to_target,
    doc_to_text,
    doc_to_visual,
    load_docs,
    process_results,
)
