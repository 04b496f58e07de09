"""Prompts, rendered from records at evaluation time (never stored in them).

One question of our own wording per task kind (:func:`question_for`): ``emotion_closed`` and
``intent`` list the options in label-set order, ``emotion_open`` asks for one word,
``hate``/``humor``/``sarcasm`` ask yes or no. Accompanying text (a caption, an utterance) is
quoted before the question. Two styles: ``plain`` (as written) and ``emovit`` (EmoVIT's
training-time normalisation, LAVIS ``blip_caption``: lower-case, ``. ! " ( ) * # : ; ~``
replaced by spaces, 50 words at most).

The style comes from the task YAML's ``lmms_eval_specific_kwargs`` (``prompt_style``, per
``--model`` name or under ``default``), else ``plain``: the same under plain ``lmms-eval``
and ``lmms-emotion eval``.
"""

from __future__ import annotations

import re
from typing import Mapping, Sequence

PROMPT_VERSION = "2"
PROMPT_STYLES = ("plain", "emovit")

_MEDIA_NOUN = {"image": "image", "video": "video clip"}
_TEXT_CONTEXT = 'The {media} comes with this text: "{text}". '
_CHOOSE = "Choose exactly one option from this list: {options}."

# Images evoke an emotion in the viewer; in a video clip a person speaks and expresses one.
_EMOTION_QUESTION = {
    "image": "Which emotion does this image evoke?",
    "video": "Which emotion does the person speaking in this video clip express?",
}
_INTENT_QUESTION = {
    "image": "What is the intent behind this image, that is, why would someone take or share it?",
    "video": "What is the intent of the person speaking in this video clip?",
}
_BINARY_QUESTION = {
    "hate": ("Is this {media} hateful, that is, does it attack or demean people for who they are "
             "(for example their race, religion, gender, origin or disability)?"),
    "humor": "Is this {media} funny, that is, is it meant to make people laugh?",
    "sarcasm": "Is this {media} sarcastic, that is, does it mean the opposite of what it literally says?",
}
# Task kind -> (its question per modality, what it asks back).
_ASKS = {
    "emotion_closed": (_EMOTION_QUESTION, f"{_CHOOSE} Reply with the option word only."),
    "intent": (_INTENT_QUESTION, f"{_CHOOSE} Reply with the option only."),
    "emotion_open": (_EMOTION_QUESTION, "Name the emotion in one word."),
}
CLOSED_SET_TASKS = ("emotion_closed", "intent")
"""Task kinds whose prompt lists the label set's options."""

_EMOVIT_STRIP = re.compile(r"[.!\"()*#:;~]")
EMOVIT_MAX_WORDS = 50


def emovit_normalise(text: str) -> str:
    """Mimic EmoVIT's instruction normalisation: lower-case, strip ``.!"()*#:;~``, keep 50 words."""
    return " ".join(_EMOVIT_STRIP.sub(" ", text.lower()).split()[:EMOVIT_MAX_WORDS])


def resolve_style(kwargs: Mapping | None = None) -> str:
    """The prompt style of the task's ``lmms_eval_specific_kwargs`` (``prompt_style``), else ``plain``."""
    style = (kwargs or {}).get("prompt_style") or "plain"
    if style not in PROMPT_STYLES:
        raise ValueError(f"unknown prompt style {style!r} in the task YAML's lmms_eval_specific_kwargs; "
                         f"use one of {', '.join(PROMPT_STYLES)}")
    return style


def question_for(task: str, *, options: Sequence[str] = (), modality: str = "image", text: str = "") -> str:
    """The question for a record of task kind ``task`` (before styling and pre/post prompts); ``options``
    serve :data:`CLOSED_SET_TASKS` only. Evaluation and the training export both render prompts here."""
    media = _MEDIA_NOUN.get(modality, "image")
    context = _TEXT_CONTEXT.format(media=media, text=text.strip()) if text and text.strip() else ""
    if task in _BINARY_QUESTION:
        return f"{context}{_BINARY_QUESTION[task].format(media=media)} Answer yes or no."
    if task not in _ASKS:
        raise ValueError(f"no prompt for task kind {task!r}; known: {', '.join(_ASKS)}, {', '.join(_BINARY_QUESTION)}")
    questions, ask_back = _ASKS[task]
    question = questions.get(modality, questions["image"])
    return f"{context}{question} {ask_back.format(options=', '.join(options))}"


def closed_set_prompt(options: Sequence[str], *, modality: str = "image", text: str = "") -> str:
    """Our closed-set emotion question: the options in the given order, one word asked back."""
    return question_for("emotion_closed", options=options, modality=modality, text=text)


def apply_style(prompt: str, style: str) -> str:
    """Apply a prompt style to rendered text."""
    if style == "emovit":
        return emovit_normalise(prompt)
    return prompt


def wrap(prompt: str, kwargs: Mapping | None = None) -> str:
    """Add the task's ``pre_prompt`` / ``post_prompt`` (lmms-eval convention) around a prompt."""
    kwargs = kwargs or {}
    return f"{kwargs.get('pre_prompt', '')}{prompt}{kwargs.get('post_prompt', '')}"
