"""Prompts, rendered from records at evaluation time (never stored in them).

Two styles, selectable per run:

* ``plain``: our own closed-set wording, with the options listed in label-set order.
* ``emovit``: the same text passed through EmoVIT's training-time instruction
  normalisation (LAVIS ``blip_caption`` processor: lower-case; ``. ! " ( ) * # : ; ~``
  replaced by spaces; cut to 50 words), so EmoVIT-style checkpoints see text shaped the
  way they were trained on.

The style comes from, in order: ``$LMMS_EMOTION_PROMPT_STYLE`` (set by
``lmms-emotion eval --prompt-style``), the task's ``lmms_eval_specific_kwargs``
(``prompt_style``), then ``plain``.
"""

from __future__ import annotations

import os
import re
from typing import Mapping, Sequence

PROMPT_VERSION = "1"
PROMPT_STYLES = ("plain", "emovit")
PROMPT_STYLE_ENV = "LMMS_EMOTION_PROMPT_STYLE"

_MEDIA_NOUN = {"image": "image", "video": "video clip"}

_CLOSED_TEMPLATE = (
    "{context}Which emotion does this {media} evoke? "
    "Choose exactly one option from this list: {options}. "
    "Reply with the option word only."
)
_TEXT_CONTEXT = 'The {media} comes with this text: "{text}". '

_EMOVIT_STRIP = re.compile(r"[.!\"()*#:;~]")
EMOVIT_MAX_WORDS = 50


def emovit_normalise(text: str) -> str:
    """Mimic EmoVIT's instruction normalisation: lower-case, strip ``.!"()*#:;~``, keep 50 words."""
    lowered = _EMOVIT_STRIP.sub(" ", text.lower())
    words = lowered.split()
    return " ".join(words[:EMOVIT_MAX_WORDS])


def resolve_style(kwargs: Mapping | None = None) -> str:
    """The prompt style for this run (environment over task kwargs over ``plain``)."""
    style = os.environ.get(PROMPT_STYLE_ENV) or (kwargs or {}).get("prompt_style") or "plain"
    if style not in PROMPT_STYLES:
        raise ValueError(f"unknown prompt style {style!r}; use one of {', '.join(PROMPT_STYLES)} "
                         f"(set via --prompt-style or ${PROMPT_STYLE_ENV})")
    return style


def closed_set_prompt(options: Sequence[str], *, modality: str = "image", text: str = "") -> str:
    """Our closed-set question: the options in the given order, one word asked back."""
    media = _MEDIA_NOUN.get(modality, "image")
    context = _TEXT_CONTEXT.format(media=media, text=text.strip()) if text.strip() else ""
    return _CLOSED_TEMPLATE.format(context=context, media=media, options=", ".join(options))


def apply_style(prompt: str, style: str) -> str:
    """Apply a prompt style to rendered text."""
    if style == "emovit":
        return emovit_normalise(prompt)
    return prompt


def wrap(prompt: str, kwargs: Mapping | None = None) -> str:
    """Add the task's ``pre_prompt`` / ``post_prompt`` (lmms-eval convention) around a prompt."""
    kwargs = kwargs or {}
    return f"{kwargs.get('pre_prompt', '')}{prompt}{kwargs.get('post_prompt', '')}"
