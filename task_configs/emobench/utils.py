"""Task hooks for the emobench_* tasks; the logic lives once in lmms_emotion.task_utils."""

from lmms_emotion.task_utils import (  # noqa: F401
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
    load_docs,
    process_results_emobench,
)
