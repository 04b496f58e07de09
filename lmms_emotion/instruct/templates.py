"""Versioned prompt templates, shipped as package data in ``lmms_emotion/resources/prompts/``.

One YAML file per template. Fields:

- ``name``, ``version``: the version goes into every output record and into the cache
  key's namespace; bump it whenever the wording changes meaning. (The cache key also
  hashes the rendered messages, so an edit never replays a stale reply.)
- ``system``, ``user``: message text with ``$field`` placeholders
  (:class:`string.Template`, so JSON braces in the text need no escaping).
- ``repair``: the follow-up sent after an unusable reply (``$error`` names the problem).
- ``schema``: the JSON schema of the reply (sent as ``response_format`` json_schema when
  the server supports it, and always checked locally).
- ``temperature``, ``max_tokens``, ``expected_output_tokens`` (for cost estimates).
- anything else (question lists, per-task questions) is kept in ``extra``.

``--prompts DIR`` points at a folder of replacement YAML files with the same names.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["PromptTemplate", "TemplateError", "load_template", "template_names"]

_REQUIRED = ("name", "version")
_KNOWN = ("name", "version", "description", "system", "user", "repair", "schema", "temperature", "max_tokens",
          "expected_output_tokens")


class TemplateError(ValueError):
    """A template file that is missing, malformed or rendered without a field it needs."""


@dataclass(frozen=True)
class PromptTemplate:
    """One prompt template (see the module docstring for the fields)."""

    name: str
    version: str
    system: str = ""
    user: str = ""
    repair: str = ""
    schema: dict[str, Any] | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    expected_output_tokens: int = 300
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    source: str = ""

    def render(self, text: str, fields: dict[str, Any]) -> str:
        """Fill ``$placeholders`` in ``text``; a missing field raises :class:`TemplateError`."""
        try:
            return string.Template(text).substitute({k: str(v) for k, v in fields.items()}).strip()
        except KeyError as err:
            raise TemplateError(f"template {self.name} ({self.source}) needs field {err.args[0]!r}") from None
        except ValueError as err:
            raise TemplateError(f"template {self.name} ({self.source}): {err}") from None

    def messages(self, fields: dict[str, Any]) -> list[dict[str, str]]:
        """The chat messages for one item: the system message (if any) and the user message.

        A system message without placeholders is rendered once and shared by every item
        (100k jobs would otherwise hold 100k copies of it).
        """
        messages = []
        if self.system.strip():
            messages.append({"role": "system", "content": self._system_text(fields)})
        messages.append({"role": "user", "content": self.render(self.user, fields)})
        return messages

    def _system_text(self, fields: dict[str, Any]) -> str:
        return self.render(self.system, fields) if "$" in self.system else self._static_system

    @cached_property
    def _static_system(self) -> str:
        return self.render(self.system, {})

    def repair_messages(self, messages: list[dict[str, str]], reply: str, error: str) -> list[dict[str, str]]:
        """``messages`` plus the unusable reply and a request to answer again, naming ``error``."""
        text = self.render(self.repair or "Your reply could not be used: $error. Please answer again.",
                           {"error": error})
        return [*messages, {"role": "assistant", "content": reply}, {"role": "user", "content": text}]

    def response_format(self, mode: str) -> dict[str, Any] | None:
        """The ``response_format`` request field for ``mode`` json_schema | json_object | none."""
        if self.schema is None or mode == "none":
            return None
        if mode == "json_object":
            return {"type": "json_object"}
        if mode == "json_schema":
            return {"type": "json_schema",
                    "json_schema": {"name": self.name.replace("-", "_"), "strict": True, "schema": self.schema}}
        raise ValueError(f"unknown response format {mode!r}; use json_schema, json_object or none")


def template_names() -> list[str]:
    """Names of the templates shipped with the package."""
    folder = resources.files("lmms_emotion").joinpath("resources", "prompts")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_template(name: str, folder: str | Path | None = None) -> PromptTemplate:
    """Load template ``name`` from ``folder`` (if it has ``<name>.yaml``) or from the package."""
    import yaml

    if folder is not None and (Path(folder) / f"{name}.yaml").is_file():
        path = Path(folder) / f"{name}.yaml"
        text, source = path.read_text(encoding="utf-8"), str(path)
    else:
        resource = resources.files("lmms_emotion").joinpath("resources", "prompts", f"{name}.yaml")
        if not resource.is_file():
            raise TemplateError(f"no prompt template {name!r}; shipped templates: {', '.join(template_names())}")
        text, source = resource.read_text(encoding="utf-8"), f"lmms_emotion/resources/prompts/{name}.yaml"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise TemplateError(f"{source} is not valid YAML: {err}") from None
    if not isinstance(data, dict):
        raise TemplateError(f"{source} must hold a mapping of template fields")
    for key in _REQUIRED:
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise TemplateError(f"{source}: field {key!r} is required (a non-empty string)")
    if data["name"] != name:
        raise TemplateError(f"{source}: name is {data['name']!r} but the file is for {name!r}")
    return PromptTemplate(
        name=data["name"], version=str(data["version"]), system=data.get("system") or "", user=data.get("user") or "",
        repair=data.get("repair") or "", schema=data.get("schema"), temperature=data.get("temperature"),
        max_tokens=data.get("max_tokens"), expected_output_tokens=int(data.get("expected_output_tokens") or 300),
        description=data.get("description") or "", extra={k: v for k, v in data.items() if k not in _KNOWN},
        source=source,
    )
