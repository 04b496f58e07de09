"""EmoVIT-style emotion instruction data, in three kinds, from records with visual attributes.

Per image the model receives a caption, the visual attributes (scene included; EmoVIT's
scripts left it out) and the gold emotion, so generation is label-conditioned, as in
EmoVIT:

- ``categorical``: no model call. A closed-set question over the record's label set
  (wording drawn from the ``categorical`` template by a stable hash of the record id)
  and the target ``Emotion: <label>``.
- ``conversation``: two simple questions on visible content with definite answers and
  one complex question on mood, background or events with a detailed answer (JSON).
- ``reasoning``: one question that needs visual understanding and then reasoning, with
  a detailed step-by-step answer (JSON).

Replies are validated (:mod:`lmms_emotion.instruct.replies`); an unusable one gets at
most ``max_repairs`` repair requests. Outputs: :mod:`lmms_emotion.instruct.outputs`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lmms_emotion.instruct.attributes import attribute_text, record_attributes
from lmms_emotion.instruct.client import Completion
from lmms_emotion.instruct.outputs import instruction_record
from lmms_emotion.instruct.replies import distinct_questions, load_json_object, qa_turn
from lmms_emotion.instruct.jobs import Job, ReplyError
from lmms_emotion.instruct.templates import PromptTemplate, load_template
from lmms_emotion.records import Record
from lmms_emotion.scoring.labels import get_label_set

__all__ = ["API_KINDS", "KINDS", "NO_CAPTION", "build_jobs", "categorical_record", "instruction_id",
           "parse_conversation", "parse_reasoning", "prompt_fields"]

KINDS = ("categorical", "conversation", "reasoning")
API_KINDS = ("conversation", "reasoning")
NO_CAPTION = "(no description available)"


def instruction_id(record: Record, kind: str) -> str:
    """The stable id of one generated item: ``<record id>/<kind>``."""
    return f"{record.id}/{kind}"


def prompt_fields(record: Record, caption: str | None) -> dict[str, Any]:
    """The placeholders of the conversation and reasoning templates."""
    return {"caption": (caption or "").strip() or NO_CAPTION,
            "attributes": attribute_text(record_attributes(record)),
            "emotion": record.answer}


def _stable_index(text: str, n: int) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:12], 16) % n


def categorical_record(record: Record, template: PromptTemplate) -> Record:
    """The categorical instruction of a record: template question, ``Emotion: <label>`` target."""
    questions = template.extra.get("questions")
    answer = template.extra.get("answer")
    if not isinstance(questions, list) or not questions or not isinstance(answer, str):
        raise ValueError(f"template {template.source} needs a 'questions' list and an 'answer' string")
    options = ", ".join(get_label_set(record.label_set).labels)
    question = template.render(questions[_stable_index(record.id, len(questions))], {"options": options})
    turn = {"question": question, "answer": template.render(answer, {"label": record.answer}), "type": "categorical"}
    return instruction_record(record, instruction_id(record, "categorical"), "categorical", [turn],
                              prompt_version=template.version, model=None)


def parse_conversation(job: Job, completion: Completion) -> list[dict[str, str]]:
    """Two simple turns and one complex turn from a conversation reply, or :class:`ReplyError`."""
    data = load_json_object(completion.content, completion.finish_reason)
    for name in ("simple_1", "simple_2", "complex"):
        if name not in data:
            raise ReplyError(f"{name!r} (an object with 'question' and 'answer') is missing")
    turns = [qa_turn(data["simple_1"], "simple_1", "simple"), qa_turn(data["simple_2"], "simple_2", "simple"),
             qa_turn(data["complex"], "complex", "complex")]
    distinct_questions(turns)
    return turns


def parse_reasoning(job: Job, completion: Completion) -> list[dict[str, str]]:
    """One reasoning turn from a reasoning reply, or :class:`ReplyError`."""
    data = load_json_object(completion.content, completion.finish_reason)
    turn = qa_turn(data, "the reply", "reasoning")
    if len(turn["answer"].split()) < 8:
        raise ReplyError("the answer is too short to show any reasoning; explain it in several sentences")
    return [turn]


_PARSERS = {"conversation": parse_conversation, "reasoning": parse_reasoning}


def build_jobs(records: Sequence[Record], kinds: Sequence[str], captions: dict[str, str] | None,
               prompts_dir: Path | None = None) -> tuple[list[Job], list[Record]]:
    """``(jobs for the API kinds, categorical records)`` for ``records``, in record order."""
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValueError(f"unknown instruction kinds {unknown}; choose from {', '.join(KINDS)}")
    templates = {kind: load_template(kind, prompts_dir) for kind in kinds}
    jobs: list[Job] = []
    free: list[Record] = []
    for record in records:
        caption = (captions or {}).get(record.media[0].path)
        for kind in kinds:
            template = templates[kind]
            if kind == "categorical":
                free.append(categorical_record(record, template))
                continue
            jobs.append(Job(id=instruction_id(record, kind), template=template,
                            messages=template.messages(prompt_fields(record, caption)), parse=_PARSERS[kind],
                            context={"record": record, "kind": kind, "caption": caption}))
    return jobs, free


def job_record(job: Job, turns: list[dict[str, str]], model: str) -> Record:
    """The output record of a finished API job."""
    context = job.context
    extra = {"caption": context["caption"]} if context.get("caption") else {}
    return instruction_record(context["record"], job.id, context["kind"], turns, prompt_version=job.template.version,
                              model=model, extra_meta=extra)
