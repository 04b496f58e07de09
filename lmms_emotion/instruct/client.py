"""An async chat client for OpenAI and OpenAI-compatible servers, built for long batch runs.

``ChatClient.complete(messages, ...)`` is the one call. Around the openai SDK's
``AsyncOpenAI`` it adds:

- the request cache (:class:`~lmms_emotion.instruct.cache.ResponseCache`): a request
  already answered is replayed from disk and costs nothing;
- a concurrency cap and requests/tokens-per-minute limits
  (:class:`~lmms_emotion.instruct.ratelimit.RateLimiter`);
- retries (tenacity) with exponential backoff and full jitter on the SDK's transient
  errors (HTTP 408/409/429/5xx, timeouts, connection errors) and unreadable response
  bodies, never sooner than the server's ``Retry-After`` (read by the SDK's parser);
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
import json
import os
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
    "completion_key",
    "resolve_api_key",
    "safe_url",
]

DEFAULT_API_KEY_ENV = "OPENAI_API_KEY"
PLACEHOLDER_KEY = "EMPTY"
"""Sent to a ``--base-url`` server when no key is set (vLLM/sglang accept any key by default)."""
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


def _is_transient(err: BaseException) -> bool:
    """Whether retrying may help: the SDK's error classes for 409/429/5xx, timeouts and lost
    connections, a 408, or a reply body that is not the JSON it claims to be."""
    import openai

    if isinstance(err, openai.APIStatusError):
        return err.status_code == 408 or isinstance(
            err, (openai.ConflictError, openai.RateLimitError, openai.InternalServerError))
    return isinstance(err, (openai.APIConnectionError, openai.APIResponseValidationError, json.JSONDecodeError,
                            UnicodeDecodeError))


def _error_label(err: BaseException) -> str:
    """A short name for the error counts in the run summary (``http_429``, ``timeout``, ...)."""
    import openai

    if isinstance(err, openai.APIStatusError):
        return f"http_{err.status_code}"
    if isinstance(err, openai.APITimeoutError):
        return "timeout"
    if isinstance(err, openai.APIConnectionError):
        return "connection"
    if isinstance(err, (openai.APIResponseValidationError, json.JSONDecodeError, UnicodeDecodeError)):
        return "bad_body"
    return type(err).__name__


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
        self._semaphore = asyncio.Semaphore(config.concurrency)
        self._reserved = 0.0
        self._sdk = None
        self.stop_reason: str | None = None

    # --- plumbing ---------------------------------------------------------------------

    def _client(self):
        if self._sdk is None:
            from openai import AsyncOpenAI

            # The SDK's own retry loop is off (max_retries=0) and tenacity drives the attempts
            # (see _retrying): the SDK's loop runs inside one create() call, so it cannot take
            # each attempt through our rate limiter and budget, count it, back off by the
            # configured --backoff-base/--backoff-max (its delays are fixed at 0.5-8 s), or
            # retry a 200 reply whose body is unreadable.
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
        estimated_tokens = estimate_in + (max_tokens or DEFAULT_MAX_TOKENS_FOR_BUDGET)
        retrying = self._retrying()
        try:
            async for attempt in retrying:
                with attempt:
                    response = await self._attempt(messages, params, estimate_in, estimated_tokens)
        except BudgetExceeded:
            raise
        except Exception as err:  # noqa: BLE001 - the last attempt's error, transient (given up) or fatal
            reason = f"{_error_label(err)}: {self.redact(err)}"
            if _is_transient(err):
                self.stats.failed += 1
                self._emit(f"gave up after {self.config.max_attempts} attempts: {reason}")
                raise RequestFailed(self.redact(f"gave up after {self.config.max_attempts} attempts ({reason})")) \
                    from None
            self.stop_reason = f"fatal API error ({reason})"
            self._emit(f"fatal: {reason}")
            raise FatalAPIError(self.redact(reason)) from None
        attempts = retrying.statistics["attempt_number"]
        return await self._finish(response, key, prompt_version, messages, estimated_tokens, attempts)

    def _retrying(self):
        """A fresh tenacity controller for one request: transient errors retried up to ``max_attempts``
        in all, full-jitter exponential backoff, never sooner than ``Retry-After``."""
        from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_random_exponential

        backoff = wait_random_exponential(multiplier=self.config.backoff_base, max=self.config.backoff_max)

        def wait(state) -> float:
            retry_after = self._retry_after(state.outcome.exception())
            delay = backoff(state)
            return delay if retry_after is None else max(delay, min(retry_after, self.config.backoff_max))

        def before_sleep(state) -> None:
            self.stats.retries += 1
            err = state.outcome.exception()
            self._emit(f"retry {state.attempt_number}/{self.config.max_attempts - 1} in "
                       f"{state.next_action.sleep:.2f}s after {_error_label(err)}: {self.redact(err)}")

        return AsyncRetrying(stop=stop_after_attempt(self.config.max_attempts), wait=wait,
                             retry=retry_if_exception(_is_transient), before_sleep=before_sleep, reraise=True)

    def _retry_after(self, err: BaseException | None) -> float | None:
        """Seconds the server asked us to wait (``retry-after-ms``, ``Retry-After`` seconds or date)."""
        response = getattr(err, "response", None)
        if response is None:
            return None
        # the SDK's own header parser; private, so test_instruct_client pins its behaviour
        seconds = self._client()._parse_retry_after_header(response.headers)
        return None if seconds is None else max(0.0, seconds)

    async def _attempt(self, messages: list[dict[str, Any]], params: dict[str, Any], estimate_in: int,
                       estimated_tokens: int) -> Any:
        """One HTTP request under the budget, the concurrency cap and the rate limits; errors are counted."""
        worst_case = self.pricing.cost(estimate_in, estimated_tokens - estimate_in)
        self._reserve_or_stop(worst_case)
        try:
            async with self._semaphore:
                await self.limiter.acquire(estimated_tokens)
                self.stats.requests += 1
                return await self._client().chat.completions.create(
                    model=self.config.model, messages=messages, **_request_params(params))
        except Exception as err:
            label = _error_label(err)
            self.stats.errors[label] = self.stats.errors.get(label, 0) + 1
            raise
        finally:
            self._reserved -= worst_case

    def _reserve_or_stop(self, worst_case: float) -> None:
        """Reserve a request's worst-case cost, or stop (no library keeps a spending budget for us)."""
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
