"""A record's visual attributes as prompt text.

EmoSet-118K annotates brightness and colorfulness (0-1 in steps of 0.1), scene, objects,
facial expression and human action; the EmoSet builder keeps them under
``record.meta["attributes"]``. EmoVIT's generation scripts passed every attribute
except ``scene``; here scene is passed like the others.

Each present attribute becomes one line, in a fixed order; the two 0-1 scales say what
their ends mean, so the model reads ``0.2`` correctly. Absent attributes are left out
and unknown extra attributes follow, sorted by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lmms_emotion.records import Record

__all__ = ["ATTRIBUTE_ORDER", "NO_ATTRIBUTES", "attribute_lines", "attribute_text", "record_attributes"]

ATTRIBUTE_ORDER = ("brightness", "colorfulness", "scene", "object", "facial_expression", "human_action")
NO_ATTRIBUTES = "- none annotated"

_LABELS = {
    "brightness": "brightness",
    "colorfulness": "colorfulness",
    "scene": "scene",
    "object": "objects",
    "facial_expression": "facial expression",
    "human_action": "human action",
}
_SCALES = {
    "brightness": "on a 0-1 scale, 0 = very dark, 1 = very bright",
    "colorfulness": "on a 0-1 scale, 0 = colourless, 1 = very colourful",
}


def record_attributes(record: Record) -> dict[str, Any]:
    """The attribute mapping of a record (``meta["attributes"]``; empty when absent)."""
    attributes = record.meta.get("attributes")
    return dict(attributes) if isinstance(attributes, Mapping) else {}


def _value_text(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_value_text(v) for v in value if v not in (None, ""))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("_", " ").strip()


def attribute_lines(attributes: Mapping[str, Any]) -> list[str]:
    """``- name: value`` lines for every present attribute (scene included)."""
    names = [k for k in ATTRIBUTE_ORDER if k in attributes] + sorted(k for k in attributes if k not in ATTRIBUTE_ORDER)
    lines = []
    for name in names:
        text = _value_text(attributes[name])
        if not text:
            continue
        label = _LABELS.get(name, name.replace("_", " "))
        scale = _SCALES.get(name)
        lines.append(f"- {label}: {text}" + (f" ({scale})" if scale else ""))
    return lines


def attribute_text(attributes: Mapping[str, Any]) -> str:
    """The attribute block of a prompt (:data:`NO_ATTRIBUTES` when there are none)."""
    return "\n".join(attribute_lines(attributes)) or NO_ATTRIBUTES
