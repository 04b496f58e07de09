"""An async chat client for OpenAI and OpenAI-compatible servers, built for long batch runs.

``ChatClient.complete(messages, ...)`` is the one call. Around the openai SDK's
``AsyncOpenAI`` (whose own retries are switched off) it adds:

- the request cache (:class:`~lmms_emotion.instruct.cache.ResponseCache`): a request
  already answered is replayed from disk and costs nothing;
- a concurrency cap and requests/tokens-per-minute limits
  (:class:`~lmms_emotion.instruct.ratelimit.RateLimiter`);
- retries with exponential backoff and full jitter on HTTP 408/409/429/5xx, timeouts,
  connection errors and unreadable response bodies, honouring ``Retry-After``;
  other HTTP errors (401 bad key, 404 unknown model, 400 bad request) are fatal at once;
- cost accounting from the usage each reply reports, and a budget (``max_cost``): a
  request whose worst-case cost would cross it is never sent (:class:`BudgetExceeded`),
  so spending stays under the budget;
- secrecy: the API key comes from the environment and is never written anywhere;
  every message this module emits passes through :class:`Redactor` first.

It serves instruction generation and any later user (an LLM judge) alike::

    client = ChatClient(ClientConfig(model="gpt-4o-mini"), cache=ResponseCache("cache.jsonl"))
    reply = await client.complete([{"role": "user", "content": "..."}], prompt_version="judge-v1")
    reply.content, reply.cached, client.stats.cost
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import os
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from lmms_emotion.instruct.cache import ResponseCache, request_key
from lmms_emotion.instruct.pricing import Pricing, message_tokens
from lmms_emotion.instruct.ratelimit import RateLimiter

__all__ = [
    "BudgetExceeded",
    "ChatClient",
    "ClientConfig",
    "Completion",
    "FatalAPIError",
    "MissingAPIKey",
    "Redactor",
    "RequestFailed",
    "UsageStats",
    "backoff_delay",
    "completion_key",
    "resolve_api_key",
    "safe_url",
]

DEFAULT_API_KEY_ENV = "OPENAI_API_KEY"
PLACEHOLDER_KEY = "EMPTY"
"""Sent to a ``--base-url`` server when no key is set (vLLM/sglang accept any key by default)."""
RETRYABLE_STATUS = frozenset({408, 409, 429})
DEFAULT_MAX_TOKENS_FOR_BUDGET = 1024


class MissingAPIKey(RuntimeError):
    """No API key in the environment for a server that needs one."""


class FatalAPIError(RuntimeError):
    """An error retrying cannot fix (bad key, unknown model, rejected request); the message is redacted."""


class RequestFailed(RuntimeError):
    """A request that still failed after every retry; the message is redacted."""


class BudgetExceeded(RuntimeError):
    """Sending this request could cross ``max_cost``; nothing was sent."""


def resolve_api_key(env_name: str = DEFAULT_API_KEY_ENV, base_url: str | None = None) -> str:
    """The key from ``$env_name``; a placeholder for a custom ``base_url``; else :class:`MissingAPIKey`."""
    key = os.environ.get(env_name, "").strip()
    if key:
        return key
    if base_url:
        return PLACEHOLDER_KEY
    raise MissingAPIKey(
        f"no API key: set ${env_name} (or name another variable with --api-key-env), "
        "or point --base-url at an OpenAI-compatible server that needs none")


def safe_url(url: str | None) -> str | None:
    """``url`` without user info, query or fragment (what may be written to a summary)."""
    if not url:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


class Redactor:
    """Replaces secrets (the API key, and its ``sk-...`` tail) in any text before it is emitted."""

    def __init__(self, *secrets: str | None) -> None:
        self._secrets = sorted({s for s in secrets if s and len(s) >= 6 and s != PLACEHOLDER_KEY},
                               key=len, reverse=True)

    def __call__(self, text: Any) -> str:
        text = str(text)
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, "[redacted]")
            tail = secret[-8:]
            if len(secret) >= 16 and tail in text:
                text = text.replace(tail, "[redacted]")
        return text


@dataclass
class ClientConfig:
    """How to reach the model and how hard to push it."""

    model: str
    base_url: str | None = None
    api_key_env: str = DEFAULT_API_KEY_ENV
    concurrency: int = 16
    requests_per_minute: float | None = None
    tokens_per_minute: float | None = None
    timeout: float = 60.0
    max_attempts: int = 6
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    price_in: float | None = None
    price_out: float | None = None
    max_cost: float | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.max_cost is not None and self.max_cost < 0:
            raise ValueError("max_cost must not be negative")


@dataclass(frozen=True)
class Completion:
    """One reply: its text, why it ended, its usage and cost, and whether it came from the cache."""

    content: str
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int
    cost: float
    cached: bool
    key: str
    attempts: int = 0


@dataclass
class UsageStats:
    """Running totals of one client."""

    requests: int = 0          # HTTP requests sent (every attempt counts)
    completed: int = 0         # requests that returned a reply
    cache_hits: int = 0
    retries: int = 0
    failed: int = 0            # requests given up after max_attempts
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["cost"] = round(self.cost, 6)
        return data


def completion_key(model: str, prompt_version: str, messages: list[dict[str, Any]], *,
                   temperature: float | None = None, max_tokens: int | None = None,
                   response_format: dict[str, Any] | None = None, seed: int | None = None) -> str:
    """The cache key of a chat request, as :meth:`ChatClient.complete` computes it."""
    params = {"temperature": temperature, "max_tokens": max_tokens, "response_format": response_format, "seed": seed}
    return request_key(model, prompt_version, messages, params)


def backoff_delay(attempt: int, *, base: float, cap: float, rng: random.Random,
                  retry_after: float | None = None) -> float:
    """Full-jitter exponential backoff for retry ``attempt`` (1-based), never below ``Retry-After``."""
    delay = rng.uniform(0, min(cap, base * (2 ** (attempt - 1))))
    if retry_after is not None:
        delay = max(delay, min(retry_after, cap))
    return delay


def _request_params(params: dict[str, Any]) -> dict[str, Any]:
    """SDK keyword arguments for the set parameters.

    ``response_format`` travels in ``extra_body``: the same JSON on the wire, but the
    SDK's recursive typed-dict transform (about 3 ms of CPU per request for a JSON
    schema) is skipped, which matters at hundreds of requests per second.
    """
    kwargs = {k: v for k, v in params.items() if v is not None and k != "response_format"}
    if params.get("response_format") is not None:
        kwargs["extra_body"] = {"response_format": params["response_format"]}
    return kwargs


def _retry_after(err: Exception) -> float | None:
    response = getattr(err, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return float(millis) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def _classify(err: Exception) -> tuple[str, str]:
    """``("retry" | "fatal", short reason)`` for an exception raised by a request."""
    import openai

    if isinstance(err, openai.APIStatusError):
        status = err.status_code
        if status in RETRYABLE_STATUS or status >= 500:
            return "retry", f"http_{status}"
        return "fatal", f"http_{status}"
    if isinstance(err, openai.APITimeoutError):
        return "retry", "timeout"
    if isinstance(err, openai.APIConnectionError):
        return "retry", "connection"
    if isinstance(err, (json.JSONDecodeError, openai.APIResponseValidationError, UnicodeDecodeError)):
        return "retry", "bad_body"
    if isinstance(err, asyncio.TimeoutError):
        return "retry", "timeout"
    return "fatal", type(err).__name__


class ChatClient:
    """``await complete(messages, ...)`` with cache, limits, retries, budget and redaction (module docstring)."""

    def __init__(self, config: ClientConfig, *, cache: ResponseCache | None = None,
                 on_event: Callable[[str], None] | None = None, api_key: str | None = None) -> None:
        self.config = config
        self.cache = cache
        self.pricing = Pricing.for_model(config.model, config.price_in, config.price_out)
        if config.max_cost is not None and not self.pricing.known:
            raise ValueError(f"--max-cost needs a price for {config.model!r}: pass --price-in and --price-out "
                             "(USD per 1M tokens)")
        self._api_key = api_key if api_key is not None else resolve_api_key(config.api_key_env, config.base_url)
        self.redact = Redactor(self._api_key)
        self.stats = UsageStats()
        self.limiter = RateLimiter(config.requests_per_minute, config.tokens_per_minute)
        self._on_event = on_event
        self._rng = random.Random(config.seed)
        self._semaphore = asyncio.Semaphore(config.concurrency)
        self._reserved = 0.0
        self._sdk = None
        self.stop_reason: str | None = None

    # --- plumbing ---------------------------------------------------------------------

    def _client(self):
        if self._sdk is None:
            from openai import AsyncOpenAI

            kwargs: dict[str, Any] = {"api_key": self._api_key, "timeout": self.config.timeout, "max_retries": 0}
            if self.config.base_url:
                kwargs["base_url"] = self.config.base_url
            self._sdk = AsyncOpenAI(**kwargs)
        return self._sdk

    def _emit(self, message: str) -> None:
        if self._on_event is not None:
            self._on_event(self.redact(message))

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        if self._sdk is not None:
            await self._sdk.close()
            self._sdk = None

    async def __aenter__(self) -> ChatClient:
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    # --- the call ---------------------------------------------------------------------

    async def complete(self, messages: list[dict[str, Any]], *, prompt_version: str = "",
                       temperature: float | None = None, max_tokens: int | None = None,
                       response_format: dict[str, Any] | None = None, seed: int | None = None,
                       use_cache: bool = True) -> Completion:
        """One chat completion: from the cache, or from the server with retries.

        Raises :class:`BudgetExceeded` (nothing sent), :class:`FatalAPIError` or
        :class:`RequestFailed` (messages redacted).
        """
        params = {"temperature": temperature, "max_tokens": max_tokens, "response_format": response_format,
                  "seed": seed}
        key = completion_key(self.config.model, prompt_version, messages, **params)
        if use_cache and self.cache is not None:
            entry = self.cache.get(key)
            if entry is not None:
                self.stats.cache_hits += 1
                return Completion(content=entry.get("content") or "", finish_reason=entry.get("finish_reason") or "",
                                  prompt_tokens=int(entry.get("prompt_tokens") or 0),
                                  completion_tokens=int(entry.get("completion_tokens") or 0), cost=0.0,
                                  cached=True, key=key, attempts=0)
        estimate_in = message_tokens(messages)
        estimate_out = max_tokens or DEFAULT_MAX_TOKENS_FOR_BUDGET
        last_reason = "no attempt"
        for attempt in range(1, self.config.max_attempts + 1):
            worst_case = self.pricing.cost(estimate_in, estimate_out)
            self._reserve_or_stop(worst_case)
            try:
                async with self._semaphore:
                    await self.limiter.acquire(estimate_in + estimate_out)
                    self.stats.requests += 1
                    response = await self._client().chat.completions.create(
                        model=self.config.model, messages=messages, **_request_params(params))
            except Exception as err:  # noqa: BLE001 - classified below; anything unknown is fatal
                self._reserved -= worst_case
                verdict, reason = _classify(err)
                self.stats.errors[reason] = self.stats.errors.get(reason, 0) + 1
                last_reason = f"{reason}: {self.redact(err)}"
                if verdict == "fatal":
                    self.stop_reason = f"fatal API error ({last_reason})"
                    self._emit(f"fatal: {last_reason}")
                    raise FatalAPIError(self.redact(last_reason)) from None
                if attempt == self.config.max_attempts:
                    break
                self.stats.retries += 1
                delay = backoff_delay(attempt, base=self.config.backoff_base, cap=self.config.backoff_max,
                                      rng=self._rng, retry_after=_retry_after(err))
                self._emit(f"retry {attempt}/{self.config.max_attempts - 1} in {delay:.2f}s after {last_reason}")
                await asyncio.sleep(delay)
                continue
            self._reserved -= worst_case
            return await self._finish(response, key, prompt_version, messages, estimate_in + estimate_out, attempt)
        self.stats.failed += 1
        self._emit(f"gave up after {self.config.max_attempts} attempts: {last_reason}")
        raise RequestFailed(self.redact(f"gave up after {self.config.max_attempts} attempts ({last_reason})"))

    def _reserve_or_stop(self, worst_case: float) -> None:
        if self.stop_reason is not None and self.stop_reason.startswith("max_cost"):
            raise BudgetExceeded(self.stop_reason)
        limit = self.config.max_cost
        if limit is not None and self.stats.cost + self._reserved + worst_case > limit:
            self.stop_reason = (f"max_cost: ${self.stats.cost:.4f} spent, ${self._reserved:.4f} in flight; "
                                f"the next request could cross ${limit:g}")
            self._emit(self.stop_reason)
            raise BudgetExceeded(self.stop_reason)
        self._reserved += worst_case

    async def _finish(self, response: Any, key: str, prompt_version: str, messages: list[dict[str, Any]],
                      estimated_tokens: int, attempts: int) -> Completion:
        choice = response.choices[0] if getattr(response, "choices", None) else None
        content = (choice.message.content if choice is not None and choice.message is not None else None) or ""
        finish_reason = (choice.finish_reason if choice is not None else None) or "unknown"
        usage = getattr(response, "usage", None)
        prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0) or message_tokens(messages)
        completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0) or -(-len(content) // 4)
        cost = self.pricing.cost(prompt_tokens, completion_tokens)
        self.limiter.settle(estimated_tokens, prompt_tokens + completion_tokens)
        self.stats.completed += 1
        self.stats.prompt_tokens += prompt_tokens
        self.stats.completion_tokens += completion_tokens
        self.stats.cost += cost
        if self.cache is not None:
            await self.cache.aput(key, {
                "model": self.config.model, "prompt_version": prompt_version, "content": content,
                "finish_reason": finish_reason, "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens, "cost": round(cost, 8), "time": round(time.time(), 3),
            })
        return Completion(content=content, finish_reason=finish_reason, prompt_tokens=prompt_tokens,
                          completion_tokens=completion_tokens, cost=cost, cached=False, key=key, attempts=attempts)
