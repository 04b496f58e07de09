"""The row type of the parser tables and its short constructors.

A row says how a reply is read: ``closed`` (the label parser, optionally with the prompt's
option list), ``open`` (the emotion lexicon), ``yes_no`` (with the task's concept, or none)
or ``hook`` (the whole EmoBench scoring hook, for EmoPrompt reasoning with its task kind,
modality and caption). ``rule`` names the docs/scoring.md rule a row was written for.
"""

from __future__ import annotations

from typing import NamedTuple

from lmms_emotion import UNPARSED

U = UNPARSED


class Row(NamedTuple):
    """One reply of a parser table and its expected reading."""

    reply: str
    expected: str
    via: str = "closed"
    options: tuple[str, ...] | None = None
    concept: str | None = None
    task: str | None = None
    modality: str = "image"
    caption: str = ""
    rule: str = ""


def C(reply: str, expected: str, rule: str = "") -> Row:
    """A closed-set reply (no option list)."""
    return Row(reply, expected, rule=rule)


def L(reply: str, options: list[str], expected: str) -> Row:
    """A closed-set reply to a prompt that listed ``options`` (letters and numbers name them)."""
    return Row(reply, expected, options=tuple(options))


def O(reply: str, expected: str, rule: str = "") -> Row:  # noqa: E741, E743 - a one-letter table marker
    """An open-set reply, placed through the emotion lexicon."""
    return Row(reply, expected, via="open", rule=rule)


def Y(reply: str, concept: str | None, expected: str, rule: str = "") -> Row:
    """A yes/no reply for ``concept`` (hate, humor, sarcasm; None: no concept)."""
    return Row(reply, expected, via="yes_no", concept=concept, rule=rule)


def E(task: str, modality: str, caption: str, reply: str, expected: str, rule: str = "") -> Row:
    """An EmoPrompt reply scored end to end by the EmoBench hook for a ``task`` doc."""
    return Row(reply, expected, via="hook", task=task, modality=modality, caption=caption, rule=rule)
