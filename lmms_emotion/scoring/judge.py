"""The optional LLM judge for open-set emotion answers, through ``lmms_eval.llm_judge``.

The lexicon places open-set answers (EmoBench Emo-O) first; a judge, when the task YAML
configures one, is asked only about what it left unplaced. It gets the label set's categories
and the model's answer, never the gold label, and replies with one category or ``none``
(:func:`judge_messages`), read with the closed-set parser. Configured in the task folder's
``_default_template_yaml``::

    metadata:
      judge:
        provider: openai        # any lmms_eval.llm_judge provider: openai, async_openai, azure, local, ...
        model: gpt-4o-mini
        max_tokens: 16          # optional; also timeout, num_retries, retry_delay

Without ``metadata.judge`` (or with ``model`` empty) there is no judge. Credentials and
endpoints are the provider's own (``OPENAI_API_KEY``, ``OPENAI_API_URL``; ``LLM_JUDGE_URL``).
Requests go out with temperature 0; identical questions are asked once per process, also from
several threads at once (lmms-eval's llm_judge has no cache; a caller may pass a caching
``server``, as the lmms-emotion plugin's tasks do). A failure leaves that answer unplaced
(``judge_error``); after :data:`MAX_CONSECUTIVE_FAILURES` in a row the judge stops asking.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

JUDGE_PROMPT_VERSION = "emobench-open-judge-1"
MAX_ANSWER_CHARS = 2000
MAX_CONSECUTIVE_FAILURES = 3

SYSTEM_PROMPT = ("You sort free-text answers about emotions into fixed categories. You are given a list of "
                 "emotion categories and one answer that names or describes an emotion. Reply with exactly one "
                 "category from the list, written as in the list, that the answer means; reply 'none' if the answer "
                 "names no emotion, refuses, or fits none of the categories. Reply with the category or 'none' only.")
_USER = 'Categories: {categories}\nAnswer: "{answer}"\nCategory:'
_NONE_REPLY = re.compile(r"^\W*(?:none|n/a|no category|unknown|null)\W*$", re.IGNORECASE)


class JudgeConfigError(ValueError):
    """``metadata.judge`` in a task YAML is malformed; the message names the file and the fix."""


@dataclass(frozen=True)
class JudgeSettings:
    """Which judge to ask: an ``lmms_eval.llm_judge`` provider and model, and request limits."""

    model: str
    provider: str = "openai"
    max_tokens: int = 16
    timeout: int = 60
    num_retries: int = 3
    retry_delay: float = 2.0

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, Any] | None, source: str = "the task YAML") -> JudgeSettings | None:
        """The settings in ``metadata["judge"]``, or None when no judge model is named."""
        block = (metadata or {}).get("judge")
        if block is None:
            return None
        if not isinstance(block, Mapping):
            raise JudgeConfigError(f"{source}: metadata.judge must be a mapping such as "
                                   "{provider: openai, model: gpt-4o-mini}, got " + repr(block))
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(block) - known)
        if unknown:
            raise JudgeConfigError(f"{source}: metadata.judge has unknown key(s) {unknown}; known: {sorted(known)}")
        model = str(block.get("model") or "").strip()
        if not model:
            return None
        values = {key: block[key] for key in known if block.get(key) is not None}
        return cls(**{**values, "model": model, "provider": str(values.get("provider", "openai"))})

    def describe(self) -> str:
        """``provider/model``, as the ``scoring`` metric shows it."""
        return f"{self.provider}/{self.model}"


_SETTINGS_READ: dict[tuple[str, str], JudgeSettings | None] = {}


def settings_from_yaml(path: str | Path) -> JudgeSettings | None:
    """The judge settings in a task YAML's ``metadata`` (``!function`` tags are ignored), or None.

    Parsed once per file text: lmms-eval executes a task's ``utils.py`` again for every
    ``!function`` it resolves, thousands of times per EmoBench run."""
    import yaml

    path = Path(path)
    try:
        key = (str(path), path.read_text(encoding="utf-8"))
        if key not in _SETTINGS_READ:
            class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser where installed
                pass

            _Loader.add_constructor("!function", lambda loader, node: None)
            data = yaml.load(key[1], Loader=_Loader) or {}
            _SETTINGS_READ[key] = JudgeSettings.from_metadata(data.get("metadata"), source=str(path))
    except (OSError, yaml.YAMLError) as err:
        raise JudgeConfigError(f"{path}: cannot read the judge settings: {err}") from None
    return _SETTINGS_READ[key]


def _clean(answer: str) -> str:
    return " ".join(str(answer).split())[:MAX_ANSWER_CHARS]


def judge_messages(answer: str, categories: Sequence[str]) -> list[dict[str, str]]:
    """The chat request for one answer: the categories and the answer (never the gold label)."""
    return [{"role": "user", "content": _USER.format(categories=", ".join(categories),
                                                     answer=_clean(answer).replace('"', "'"))}]


def server_config(settings: JudgeSettings):
    """The ``lmms_eval.llm_judge.ServerConfig`` of a judge: temperature 0 and :data:`SYSTEM_PROMPT`."""
    from lmms_eval.llm_judge import ServerConfig

    s = settings
    return ServerConfig(model_name=s.model, temperature=0.0, max_tokens=s.max_tokens, timeout=s.timeout,
                        num_retries=s.num_retries, retry_delay=s.retry_delay, system_prompt=SYSTEM_PROMPT)


@dataclass(frozen=True)
class JudgeReply:
    """A judge's reply: the category text (None for ``none`` or on failure), and the error if it failed."""

    reply: str | None
    error: str | None = None


class OpenSetJudge:
    """Asks an ``lmms_eval.llm_judge`` server to place answers; thread-safe, one request per distinct question."""

    def __init__(self, settings: JudgeSettings, server=None) -> None:
        self.settings = settings
        self._server = server
        self._lock = threading.Lock()
        self._answers: dict[tuple, Future] = {}
        self._counts = {"asked": 0, "requests": 0, "errors": 0}
        self._failures_in_a_row = 0
        self._disabled: str | None = None

    def _get_server(self):
        if self._server is None:
            from lmms_eval.llm_judge import get_server

            self._server = get_server(self.settings.provider, server_config(self.settings))
        return self._server

    def ask(self, answer: str, categories: Sequence[str]) -> JudgeReply:
        """The judge's category for ``answer`` (blocks; identical questions share one request)."""
        key = (tuple(categories), _clean(answer))
        with self._lock:
            self._counts["asked"] += 1
            future = self._answers.get(key)
            owner = future is None
            if owner:
                future = self._answers[key] = Future()
        if owner:
            future.set_result(self._request(judge_messages(answer, categories)))
        return future.result()

    def _request(self, messages: list[dict[str, str]]) -> JudgeReply:
        from lmms_eval.llm_judge import Request

        with self._lock:
            if self._disabled is not None:
                self._counts["errors"] += 1
                return JudgeReply(None, f"judge disabled after: {self._disabled}")
            self._counts["requests"] += 1
        try:
            server = self._get_server()
            response = server.evaluate(Request(messages=messages, config=server.config))
            if not getattr(response, "success", True):
                raise RuntimeError(response.error_message or "the provider reported a failure")
        except Exception as err:  # noqa: BLE001 - any provider failure leaves this answer unplaced
            reason = f"{type(err).__name__}: {err}"
            with self._lock:
                self._counts["errors"] += 1
                self._failures_in_a_row += 1
                if self._failures_in_a_row >= MAX_CONSECUTIVE_FAILURES and self._disabled is None:
                    self._disabled = reason
            return JudgeReply(None, reason)
        with self._lock:
            self._failures_in_a_row = 0
        content = (response.content or "").strip()
        return JudgeReply(None if not content or _NONE_REPLY.match(content) else content)

    def stats(self) -> dict[str, int]:
        """Counters: answers asked about, distinct questions, requests sent, errors."""
        with self._lock:
            return {**self._counts, "distinct": len(self._answers)}

    def describe_stats(self) -> str:
        """One line for the log."""
        s = self.stats()
        line = (f"{self.settings.describe()}: {s['asked']} unplaced answer(s), {s['distinct']} distinct, "
                f"{s['requests']} request(s), {s['errors']} error(s)")
        return line + (f"; stopped asking after: {self._disabled}" if self._disabled else "")


_JUDGES: dict[JudgeSettings, OpenSetJudge] = {}
_JUDGES_LOCK = threading.Lock()


def judge_for(settings: JudgeSettings | None, make_server: Callable[[JudgeSettings], Any] | None = None
              ) -> OpenSetJudge | None:
    """The process's judge for ``settings`` (created on first use; no request is sent here), or None.

    ``make_server(settings)`` gives the server it asks (an ``evaluate(request)`` and a ``config``,
    e.g. a caching wrapper); the first call for the settings decides. Default: ``lmms_eval.llm_judge``.
    """
    if settings is None:
        return None
    with _JUDGES_LOCK:
        judge = _JUDGES.get(settings)
        if judge is None:
            server = make_server(settings) if make_server is not None else None
            judge = _JUDGES[settings] = OpenSetJudge(settings, server=server)
        return judge


def active_judges() -> list[OpenSetJudge]:
    """Every judge created in this process that has been asked something."""
    with _JUDGES_LOCK:
        return [judge for judge in _JUDGES.values() if judge.stats()["asked"]]
