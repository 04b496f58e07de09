"""Checks that turn a model reply into validated question/answer turns, or a :class:`ReplyError`.

What counts as unusable (and is sent back for repair, with the reason):

- a reply cut off by the token limit (``finish_reason`` ``length``), or empty;
- content that is not one JSON object (a surrounding Markdown code fence is tolerated);
- a missing or non-string field, an empty or over-long text, a question that is not
  a question, two identical questions;
- an answer that talks about its inputs ("the description", "the attributes", "the
  annotation"), which breaks the "as if seeing the image" framing.
"""

from __future__ import annotations

import json
import re
from typing import Any

from lmms_emotion.instruct.jobs import ReplyError

__all__ = ["MAX_ANSWER_CHARS", "MAX_QUESTION_CHARS", "check_finished", "load_json_object", "qa_turn"]

MAX_QUESTION_CHARS = 400
MAX_ANSWER_CHARS = 3000
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL | re.IGNORECASE)
_LEAKS = re.compile(
    r"\b(?:the (?:given |provided )?(?:description|caption|attributes?|annotations?|metadata)|"
    r"annotated|as described|according to the (?:description|caption|attributes))\b",
    re.IGNORECASE,
)


def check_finished(content: str, finish_reason: str) -> None:
    """Reject replies cut off by the token limit, filtered, or empty."""
    if finish_reason == "length":
        raise ReplyError("the reply was cut off at the token limit; keep it shorter and complete")
    if finish_reason == "content_filter":
        raise ReplyError("the reply was blocked by the content filter")
    if not content.strip():
        raise ReplyError("the reply was empty")


def load_json_object(content: str, finish_reason: str) -> dict[str, Any]:
    """The reply as one JSON object (code fences tolerated), or :class:`ReplyError`."""
    check_finished(content, finish_reason)
    text = content.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ReplyError(f"the reply is not valid JSON ({err.msg} at character {err.pos})") from None
    if not isinstance(data, dict):
        raise ReplyError(f"the reply must be a JSON object, not a {type(data).__name__}")
    return data


def _text(value: Any, where: str, limit: int) -> str:
    if not isinstance(value, str):
        raise ReplyError(f"{where} must be a string")
    text = " ".join(value.split())
    if not text:
        raise ReplyError(f"{where} is empty")
    if len(text) > limit:
        raise ReplyError(f"{where} is longer than {limit} characters")
    return text


def qa_turn(value: Any, where: str, turn_type: str) -> dict[str, str]:
    """One validated ``{"question", "answer", "type"}`` turn from a reply's ``{"question", "answer"}``."""
    if not isinstance(value, dict):
        raise ReplyError(f"{where} must be an object with 'question' and 'answer'")
    question = _text(value.get("question"), f"{where}.question", MAX_QUESTION_CHARS)
    answer = _text(value.get("answer"), f"{where}.answer", MAX_ANSWER_CHARS)
    if not question.endswith("?"):
        raise ReplyError(f"{where}.question must be a question ending in '?'")
    for field_name, text in (("question", question), ("answer", answer)):
        leak = _LEAKS.search(text)
        if leak:
            raise ReplyError(f"{where}.{field_name} mentions {leak.group(0)!r}; write as if looking at the image")
    return {"question": question, "answer": answer, "type": turn_type}


def distinct_questions(turns: list[dict[str, str]]) -> None:
    """Reject a set of turns that asks the same question twice."""
    seen: set[str] = set()
    for turn in turns:
        key = turn["question"].lower()
        if key in seen:
            raise ReplyError(f"the question {turn['question']!r} is asked twice")
        seen.add(key)
