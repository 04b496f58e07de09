"""EmoPrompt-style rationales: reasoning chains over visual cues that end in the gold answer.

EmoLLM's EmoPrompt steers a model to reason about emotional cues before answering. The
rationale template gives the model the task's question, its options, the caption, the
visual attributes and the gold answer, and asks for 3-6 steps from cues to answer,
ending in ``Final answer: <option>``.

Each chain is read with the project's one parser (:func:`lmms_emotion.scoring.answers.parse_answer`
against the record's label set; yes/no tasks with their concept):

- no ``Final answer:`` line, an unparsable one, a cut-off or empty reply: unusable,
  sent back for repair (bounded);
- a final answer that parses to a label other than the gold one: **dropped** (never
  repaired: a chain argued towards another label is not a rationale for the gold one),
  listed in ``dropped.jsonl`` and counted in the drop rate
  (dropped / chains with a parsed final answer).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lmms_emotion import UNPARSED
from lmms_emotion.scoring.answers import normalize, parse_answer
from lmms_emotion.instruct.attributes import attribute_text, record_attributes
from lmms_emotion.instruct.client import Completion
from lmms_emotion.instruct.instructions import NO_CAPTION
from lmms_emotion.instruct.outputs import instruction_record
from lmms_emotion.instruct.replies import check_finished
from lmms_emotion.instruct.jobs import DropReply, Job, ReplyError
from lmms_emotion.instruct.templates import PromptTemplate, TemplateError, load_template
from lmms_emotion.records import Record
from lmms_emotion.scoring.labels import BINARY_CONCEPTS, get_label_set

__all__ = ["build_rationale_jobs", "check_rationale", "drop_rate", "rationale_fields", "rationale_record"]

_FINAL_LINE = re.compile(r"final answer\s*[:\-]")
MIN_REASONING_WORDS = 10


def _question(record: Record, template: PromptTemplate) -> str:
    questions = template.extra.get("questions") or {}
    text = questions.get(record.task)
    if not isinstance(text, str):
        raise TemplateError(f"template {template.source} has no question for task {record.task!r}")
    return template.render(text, {"media": record.media[0].type})


def rationale_fields(record: Record, caption: str | None, template: PromptTemplate) -> dict[str, Any]:
    """The placeholders of the rationale template for one record (an image, or a video described by its frames)."""
    from lmms_emotion.instruct.captions import VIDEO_GRID_FRAMES

    text = " ".join(record.text.split())
    kind = record.media[0].type
    caption = (caption or "").strip()
    if caption and kind == "video":
        caption = f"(a video; described from {VIDEO_GRID_FRAMES} frames sampled across the clip) {caption}"
    said = "Words spoken or shown" if kind == "video" else "Text shown with the image"
    return {
        "question": _question(record, template),
        "options": ", ".join(get_label_set(record.label_set).labels),
        "caption": caption or NO_CAPTION,
        "attributes": attribute_text(record_attributes(record)),
        "text_line": f'{said}: "{text}"' if text else f"{said}: none",
        "answer": record.answer,
    }


def check_rationale(text: str, finish_reason: str, record: Record) -> str:
    """The rationale's final answer when it is the gold label; :class:`ReplyError` or :class:`DropReply` otherwise."""
    check_finished(text, finish_reason)
    norm = normalize(text)
    markers = list(_FINAL_LINE.finditer(norm))
    if not markers:
        raise ReplyError("the reasoning does not end with a line 'Final answer: <option>'")
    if len(norm[: markers[-1].start()].split()) < MIN_REASONING_WORDS:
        raise ReplyError("there is no reasoning before the final answer; give 3 to 6 short steps first")
    concept = record.task if record.task in BINARY_CONCEPTS else None
    parsed = parse_answer(text, record.label_set, concept=concept)
    if parsed == UNPARSED:
        raise ReplyError("the final answer names none of the options (or several); give exactly one option")
    if parsed != record.answer:
        raise DropReply(f"final answer {parsed!r} is not the gold label {record.answer!r}",
                        {"gold": record.answer, "parsed": parsed})
    return parsed


def _parse(job: Job, completion: Completion) -> dict[str, Any]:
    record = job.context["record"]
    try:
        final = check_rationale(completion.content, completion.finish_reason, record)
    except DropReply as err:
        err.detail["text"] = completion.content
        raise
    return {"text": completion.content.strip(), "final_answer": final}


def build_rationale_jobs(records: Sequence[Record], captions: dict[str, str] | None,
                         prompts_dir: Path | None = None) -> list[Job]:
    """One rationale job per record, id ``<record id>/rationale``."""
    template = load_template("rationale", prompts_dir)
    jobs = []
    for record in records:
        caption = (captions or {}).get(record.media[0].path)
        fields = rationale_fields(record, caption, template)
        jobs.append(Job(id=f"{record.id}/rationale", template=template, messages=template.messages(fields),
                        parse=_parse, context={"record": record, "caption": caption, "fields": fields}))
    return jobs


def rationale_record(job: Job, value: dict[str, Any], model: str) -> Record:
    """The output record: the task question (with options) as the human turn, the chain as the reply."""
    template = job.template
    fields = job.context["fields"]
    train_question = template.render(template.extra.get("train_question") or "$question Options: $options.",
                                     {"question": fields["question"], "options": fields["options"]})
    turn = {"question": train_question, "answer": value["text"], "type": "rationale"}
    extra: dict[str, Any] = {"rationale": {"final_answer": value["final_answer"]}}
    if job.context.get("caption"):
        extra["caption"] = job.context["caption"]
    return instruction_record(job.context["record"], job.id, "rationale", [turn], prompt_version=template.version,
                              model=model, extra_meta=extra)


def drop_rate(kept: int, dropped: int) -> float:
    """Dropped chains over chains with a usable final answer (0 when there are none)."""
    total = kept + dropped
    return dropped / total if total else 0.0
