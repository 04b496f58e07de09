"""EmoPrompt at inference: reason over the visual cues step by step, then one final-answer line.

EmoLLM's EmoPrompt steers the model's emotional reasoning; the paper does not publish its
wording, so this is ours. With ``--model_args emoprompt=true`` the ``emollm`` wrapper
appends one instruction to the task's prompt (whatever the task asked stays in force; it
now applies to the final answer). The instruction depends only on the *answer form*, read
from documented doc fields (``label_set``, ``options``, ``modality``; docs/upstream/README.md),
never from task code:

================================  ===============================================  ===============================
answer form (:func:`answer_form`)  cues the model is asked to go through              last line asked for
================================  ===============================================  ===============================
``option`` (``options`` listed)    the people and what they do, faces and gestures,   ``Final answer: <option>``, one
                                   colour and light, setting, objects, text (video:   option from the list, verbatim
                                   how the speaker's expression changes)
``emotion`` (no ``options``)       the same                                           ``Final answer: <emotion>``
``yes_no`` (``label_set`` yes_no)  what is shown, what the text says, how the two     ``Final answer: yes`` or
                                   relate                                             ``Final answer: no``
other tasks                        the emotion cues                                   ``Final answer: <answer>``
================================  ===============================================  ===============================

The closed-set sentence repeats the wording of the training rationales' human turn
(``resources/prompts/rationale.yaml``: "Reason about the visual cues step by step, then give
your answer on a last line of the form 'Final answer: <option>'"), so a model tuned on those
rationales sees the instruction it learnt.

The whole reasoning plus the final line is returned to lmms-eval (and logged as the
sample's response); the task's parser (:func:`lmms_emotion.scoring.answers.split_final_answer`)
reads only what follows the last ``Final answer:``. :func:`finish_reasoned_text` keeps the
reasoning intact: a task's stop strings (``until``, e.g. a blank line) only cut the text
*after* the first final-answer line, and that line ends the answer. Generation stops as soon
as :func:`reasoned_text_complete` says the returned text can no longer change.

Pure Python; importing it costs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

FINAL_ANSWER = "Final answer:"
_FINAL_MARKER = re.compile(r"final\s+answer\s*(?:is\s*)?[:\-]", re.IGNORECASE)

_EMOTION_CUES = {
    "image": ("the people and what they do, their faces and expressions, gestures and posture, colours and light, "
              "the setting and the objects in it, and any text"),
    "video": ("the speaker's face and how its expression changes across the frames, gestures and posture, the "
              "setting, and any quoted text"),
}
_DETECTION_CUES = ("what the {media} shows, what the accompanying text says, and how the two relate (a contrast, "
                   "an exaggeration, a target, a joke)")
_MEDIA = {"image": "image", "video": "video clip"}

_INSTRUCTION = ("Reason about the visual cues step by step before you reply: go through {cues}, say what each one "
                "suggests, and weigh them against each other. Then give your answer on a last line of the form "
                "{form}.")
_FORMS = {
    "option": f"'{FINAL_ANSWER} <option>', using one option from the list exactly as written",
    "emotion": f"'{FINAL_ANSWER} <emotion>', naming the emotion in one word",
    "yes_no": f"'{FINAL_ANSWER} yes' or '{FINAL_ANSWER} no'",
    "generic": f"'{FINAL_ANSWER} <answer>', giving the answer in the form the question asks for",
}


def answer_form(doc: Mapping[str, Any] | None) -> str | None:
    """The answer form a doc asks for, from documented fields: ``yes_no``, ``option``, ``emotion``, or None."""
    if not isinstance(doc, Mapping) or "label_set" not in doc:
        return None
    if doc.get("label_set") == "yes_no":
        return "yes_no"
    return "option" if doc.get("options") else "emotion"


def emoprompt_instruction(form: str | None, modality: str = "image") -> str:
    """The EmoPrompt sentence for an answer form (table in the module docstring)."""
    modality = modality if modality in _EMOTION_CUES else "image"
    if form == "yes_no":
        return _INSTRUCTION.format(cues=_DETECTION_CUES.format(media=_MEDIA[modality]), form=_FORMS["yes_no"])
    return _INSTRUCTION.format(cues=_EMOTION_CUES[modality], form=_FORMS.get(form or "generic", _FORMS["generic"]))


def with_emoprompt(prompt: str, doc: Mapping[str, Any] | None = None, modality: str | None = None) -> str:
    """The task's prompt followed, on a new line, by the EmoPrompt instruction for its doc."""
    if modality is None:
        modality = str((doc or {}).get("modality") or "image")
    return f"{prompt.rstrip()}\n{emoprompt_instruction(answer_form(doc), modality)}"


def finish_reasoned_text(text: str, until: Sequence[str]) -> str:
    """Keep the reasoning whole; end the text with its first final-answer line.

    Stop strings apply only after the first ``Final answer:`` marker (a blank line inside
    the reasoning does not cut it), and the text ends where that marker's line ends (the
    answer may start on the next line: ``Final answer:\\nsadness``; whitespace-only stop
    strings are therefore covered by the line end). Without a marker the whole text is
    kept, and the parser falls back to its other answer markers.
    """
    marker = _FINAL_MARKER.search(text)
    if marker is None:
        return text.strip()
    tail = text[marker.end():]
    for stop in until:
        if stop and stop.strip():  # blank-line stops would cut "Final answer:\n\nX" before X
            index = tail.find(stop)
            if index != -1:
                tail = tail[:index]
    leading = len(tail) - len(tail.lstrip())
    line_end = tail.find("\n", leading)
    if line_end != -1:
        tail = tail[:line_end]
    return (text[:marker.end()] + tail).strip()


UNSTABLE_TAIL_CHARS = 4
"""Characters at the end of a partly decoded text that may still change (a multi-byte character cut mid-way)."""


def reasoned_text_complete(text: str, until: Sequence[str]) -> bool:
    """True once more text can no longer change :func:`finish_reasoned_text` (generation may stop).

    That is when a final-answer marker has been written and the answer's end is fixed: the
    first stop string after the marker, or the first line end after the answer's first
    non-blank character, lies far enough before the end of the text that no stop string
    still being written (nor a multi-byte character still being decoded) could cut earlier.
    """
    marker = _FINAL_MARKER.search(text)
    if marker is None:
        return False
    tail = text[marker.end():]
    stops = [stop for stop in until if stop and stop.strip()]
    ends = [index for index in (tail.find(stop) for stop in stops) if index != -1]
    leading = len(tail) - len(tail.lstrip())
    line_end = tail.find("\n", leading)
    if line_end != -1:
        ends.append(line_end)
    if not ends:
        return False
    longest = max((len(stop) for stop in stops), default=0)
    return min(ends) + longest + UNSTABLE_TAIL_CHARS <= len(tail)


__all__ = ["FINAL_ANSWER", "emoprompt_instruction", "finish_reasoned_text", "reasoned_text_complete", "answer_form",
           "with_emoprompt"]
