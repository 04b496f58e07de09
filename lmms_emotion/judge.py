"""An optional LLM judge for open-set emotion answers the lexicon cannot place.

Enabled for a run by ``lmms-emotion eval --judge-model NAME [--judge-base-url URL]
[--judge-api-key-env VAR] [--judge-cache FILE]``, which sets the environment variables in
:data:`ENV` (the *name* of the key's variable, never the key). Never required: without it
open-set answers are scored by the lexicon alone (:mod:`lmms_emotion.lexicon`).

**What the judge is asked.** Only answers the lexicon left unplaced, and without the gold
label: the judge sees the label set's categories and the model's answer, and must reply
with one category or ``none`` (:func:`judge_messages`). Its reply is read with the
project's closed-set parser (:func:`read_verdict`); ``none`` or anything unparseable
leaves the answer unplaced. Because the request does not depend on the document, an
answer given to many documents costs one request.

**Cost and reproducibility.** Requests go through :class:`~lmms_emotion.instruct.client.ChatClient`
(retries with backoff, rate limits) with temperature 0, and every reply is stored in an
on-disk cache (:class:`~lmms_emotion.instruct.cache.ResponseCache`, default
``<data root>/judge_cache.jsonl``): a second run over the same answers sends no request.

**Threads.** lmms-eval scores documents in worker threads. One :class:`Judge` per
process runs its client on a private event loop in a background thread; callers block on
a future. Identical questions asked at the same time share one request.

**Failures.** A request that fails after the client's retries, or a fatal API error (bad
key, unknown model), does not stop the run: that answer stays unplaced, is marked
``judge_error`` in the logged samples and is counted in the judge summary printed with
the results. After a fatal error, or :data:`MAX_CONSECUTIVE_FAILURES` failed requests in a
row, the judge stops sending requests for the rest of the run (cached verdicts still apply). The API key is read from the environment by the client and never written
to the cache, the logs or the results (messages pass through the client's redactor).
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from lmms_emotion import UNPARSED

__all__ = [
    "ENV",
    "JUDGE_PROMPT_VERSION",
    "Judge",
    "JudgeSettings",
    "Verdict",
    "active_judge",
    "judge_messages",
    "read_verdict",
]

JUDGE_PROMPT_VERSION = "emobench-open-judge-1"
ENV = {
    "model": "LMMS_EMOTION_JUDGE_MODEL",
    "base_url": "LMMS_EMOTION_JUDGE_BASE_URL",
    "api_key_env": "LMMS_EMOTION_JUDGE_API_KEY_ENV",
    "cache": "LMMS_EMOTION_JUDGE_CACHE",
}
"""Environment variables ``lmms-emotion eval`` sets from its ``--judge-*`` options."""
DEFAULT_API_KEY_ENV = "OPENAI_API_KEY"
MAX_ANSWER_CHARS = 2000
MAX_CONSECUTIVE_FAILURES = 3

_SYSTEM = (
    "You sort free-text answers about emotions into fixed categories. You are given a list of "
    "emotion categories and one answer that names or describes an emotion. Reply with exactly one "
    "category from the list, written as in the list, that the answer means; reply 'none' if the answer "
    "names no emotion, refuses, or fits none of the categories. Reply with the category or 'none' only."
)
_USER = 'Categories: {categories}\nAnswer: "{answer}"\nCategory:'


@dataclass(frozen=True)
class JudgeSettings:
    """Which judge to use; built from the environment by :meth:`from_env`."""

    model: str
    base_url: str | None = None
    api_key_env: str = DEFAULT_API_KEY_ENV
    cache: str | None = None

    @classmethod
    def from_env(cls, environ: os._Environ | dict | None = None) -> JudgeSettings | None:
        """The settings in :data:`ENV`, or None when no judge model is set."""
        env = os.environ if environ is None else environ
        model = (env.get(ENV["model"]) or "").strip()
        if not model:
            return None
        return cls(model=model, base_url=(env.get(ENV["base_url"]) or "").strip() or None,
                   api_key_env=(env.get(ENV["api_key_env"]) or "").strip() or DEFAULT_API_KEY_ENV,
                   cache=(env.get(ENV["cache"]) or "").strip() or None)

    def cache_path(self) -> Path:
        """The cache file: the configured one, else ``<data root>/judge_cache.jsonl``."""
        from lmms_emotion.paths import data_root

        return Path(self.cache).expanduser() if self.cache else data_root() / "judge_cache.jsonl"


@dataclass(frozen=True)
class Verdict:
    """The judge's placement of one answer: a label or ``UNPARSED``; ``cached`` if replayed; ``error`` if it failed."""

    label: str
    cached: bool = False
    error: str | None = None


def judge_messages(answer: str, label_set: str) -> list[dict[str, str]]:
    """The chat request for one answer: the categories of ``label_set`` and the answer (no gold label)."""
    from lmms_emotion.taxonomy import get_label_set

    categories = ", ".join(get_label_set(label_set).labels)
    text = " ".join(str(answer).split())[:MAX_ANSWER_CHARS].replace('"', "'")
    return [{"role": "system", "content": _SYSTEM},
            {"role": "user", "content": _USER.format(categories=categories, answer=text)}]


_NONE_REPLY = re.compile(r"^\W*(?:none|n/a|no category|unknown|null)\W*$", re.IGNORECASE)


def read_verdict(reply: str, label_set: str) -> str:
    """The label a judge reply names (the closed-set parser), or ``UNPARSED`` for ``none`` / no label."""
    from lmms_emotion.answers import parse_label

    if not reply or _NONE_REPLY.match(reply.strip()):
        return UNPARSED
    return parse_label(reply, label_set)


class Judge:
    """Places answers through an OpenAI-compatible chat model; thread-safe (see the module docstring)."""

    def __init__(self, settings: JudgeSettings, *, api_key: str | None = None) -> None:
        from lmms_emotion.instruct.client import resolve_api_key

        self.settings = settings
        self._api_key = api_key if api_key is not None else resolve_api_key(settings.api_key_env, settings.base_url)
        self._lock = threading.Lock()
        self._pending: dict[str, Future] = {}
        self._counts = {"asked": 0, "cache_hits": 0, "errors": 0}
        self._errors: dict[str, int] = {}
        self._failures_in_a_row = 0
        self._disabled: str | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="lmms-emotion-judge", daemon=True)
        self._thread.start()
        self._client = asyncio.run_coroutine_threadsafe(self._make_client(), self._loop).result()

    async def _make_client(self):
        from lmms_emotion.instruct.cache import ResponseCache
        from lmms_emotion.instruct.client import ChatClient, ClientConfig

        config = ClientConfig(model=self.settings.model, base_url=self.settings.base_url,
                              api_key_env=self.settings.api_key_env, concurrency=8, max_attempts=4,
                              backoff_base=0.5, backoff_max=20.0)
        return ChatClient(config, cache=ResponseCache(self.settings.cache_path()), api_key=self._api_key)

    def place(self, answer: str, label_set: str) -> Verdict:
        """The judge's label for ``answer`` in ``label_set`` (blocks; safe from any thread)."""
        messages = judge_messages(answer, label_set)
        params = {"temperature": 0.0, "max_tokens": 16}
        key = _key_of(self.settings.model, messages, params)
        with self._lock:
            self._counts["asked"] += 1
            future = self._pending.get(key)
            owner = future is None
            if owner:
                future = Future()
                self._pending[key] = future
        if owner:
            try:
                future.set_result(self._ask(messages, label_set, params))
            except BaseException as err:  # noqa: BLE001 - handed to every caller waiting on this question
                future.set_exception(err)
        return future.result()

    def _ask(self, messages: list[dict[str, str]], label_set: str, params: dict) -> Verdict:
        from lmms_emotion.instruct.client import (
            BudgetExceeded,
            FatalAPIError,
            RequestFailed,
        )

        with self._lock:
            disabled = self._disabled
        if disabled is not None:
            # after a fatal error nothing new is sent; verdicts already cached still apply
            entry = self._client.cache.get(_key_of(self.settings.model, messages, params)) if self._client.cache else None
            if entry is None:
                return self._failed(f"judge disabled after: {disabled}", count_failure=False)
            with self._lock:
                self._counts["cache_hits"] += 1
            return Verdict(read_verdict(entry.get("content") or "", label_set), cached=True)
        call = self._client.complete(messages, prompt_version=JUDGE_PROMPT_VERSION, **params)
        try:
            reply = asyncio.run_coroutine_threadsafe(call, self._loop).result()
        except (FatalAPIError, RequestFailed, BudgetExceeded) as err:
            reason = self._client.redact(f"{type(err).__name__}: {err}")
            return self._failed(reason, fatal=not isinstance(err, RequestFailed))
        with self._lock:
            self._failures_in_a_row = 0
            if reply.cached:
                self._counts["cache_hits"] += 1
        return Verdict(read_verdict(reply.content, label_set), cached=reply.cached)

    def _failed(self, reason: str, *, fatal: bool = False, count_failure: bool = True) -> Verdict:
        with self._lock:
            self._counts["errors"] += 1
            self._errors[reason] = self._errors.get(reason, 0) + 1
            if count_failure:
                self._failures_in_a_row += 1
                if self._disabled is None and (fatal or self._failures_in_a_row >= MAX_CONSECUTIVE_FAILURES):
                    self._disabled = reason
        return Verdict(UNPARSED, error=reason)

    def stats(self) -> dict:
        """Counters: answers asked about, distinct questions, cache hits, HTTP requests sent, errors."""
        with self._lock:
            counts = dict(self._counts)
            counts["distinct"] = len(self._pending)
            counts["error_reasons"] = dict(self._errors)
        counts["requests"] = self._client.stats.requests
        return counts

    def describe_stats(self) -> str:
        """One line for the log: model, endpoint (without credentials), counts, cache file."""
        from lmms_emotion.instruct.client import safe_url

        s = self.stats()
        where = safe_url(self.settings.base_url) or "the OpenAI API"
        line = (f"model {self.settings.model} at {where}: {s['asked']} unplaced answer(s), {s['distinct']} distinct, "
                f"{s['cache_hits']} from the cache ({self.settings.cache_path()}), {s['requests']} request(s) sent, "
                f"{s['errors']} error(s)")
        if s["error_reasons"]:
            line += "; " + "; ".join(f"{reason} x{n}" for reason, n in sorted(s["error_reasons"].items()))
        return self._client.redact(line)

    def close(self) -> None:
        """Close the client and stop the background loop."""
        if self._loop.is_closed():
            return
        asyncio.run_coroutine_threadsafe(self._client.aclose(), self._loop).result()
        if self._client.cache is not None:
            self._client.cache.close()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()


def _key_of(model: str, messages: list[dict[str, str]], params: dict) -> str:
    from lmms_emotion.instruct.client import completion_key

    return completion_key(model, JUDGE_PROMPT_VERSION, messages, **params)


_ACTIVE: dict[JudgeSettings, Judge] = {}
_ACTIVE_LOCK = threading.Lock()


def active_judge() -> Judge | None:
    """The process's judge for the settings in the environment (built on first use), or None."""
    settings = JudgeSettings.from_env()
    if settings is None:
        return None
    with _ACTIVE_LOCK:
        judge = _ACTIVE.get(settings)
        if judge is None:
            judge = _ACTIVE[settings] = Judge(settings)
        return judge
