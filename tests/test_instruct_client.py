"""ChatClient against a real loopback HTTP server: retries, fatal errors, cache, budget, limits, redaction."""

from __future__ import annotations

import asyncio
import time

import pytest

from lmms_emotion.instruct.cache import ResponseCache
from lmms_emotion.instruct.client import (
    BudgetExceeded,
    ChatClient,
    ClientConfig,
    FatalAPIError,
    MissingAPIKey,
    Redactor,
    RequestFailed,
    resolve_api_key,
    safe_url,
)
from lmms_emotion.instruct.pricing import Pricing, message_tokens, token_counter
from lmms_emotion.instruct.ratelimit import RateLimiter, TokenBucket
from lmms_emotion.testing.fake_openai import FAULT_KINDS, FaultPlan

SCHEMA_FORMAT = {"type": "json_schema", "json_schema": {"name": "qa", "schema": {
    "type": "object", "properties": {"question": {"type": "string"}, "answer": {"type": "string"}},
    "required": ["question", "answer"], "additionalProperties": False}}}


def _client(server, tmp_path, **config) -> ChatClient:
    api_key = config.pop("api_key", "sk-test-client-0000")
    config.setdefault("timeout", 0.5)
    config.setdefault("backoff_base", 0.01)
    config.setdefault("backoff_max", 0.2)
    cache = ResponseCache(tmp_path / "cache.jsonl")
    return ChatClient(ClientConfig(model="fake-model", base_url=server.base_url, **config), cache=cache,
                      api_key=api_key)


def _run(coro):
    return asyncio.run(coro)


def _messages(i: int = 0) -> list[dict]:
    return [{"role": "user", "content": f"request number {i}"}]


@pytest.mark.parametrize("fault", [k for k in FAULT_KINDS if k not in ("bad_json", "truncated")])
def test_transport_faults_are_retried_once_then_succeed(fake_openai, tmp_path, fault):
    server = fake_openai(faults=FaultPlan(schedule={1: fault}), hang_seconds=2.0)
    client = _client(server, tmp_path)

    async def go():
        try:
            return await client.complete(_messages(), response_format=SCHEMA_FORMAT)
        finally:
            await client.aclose()

    reply = _run(go())
    assert not reply.cached and reply.attempts == 2 and reply.finish_reason == "stop"
    assert set(__import__("json").loads(reply.content)) == {"question", "answer"}
    assert server.stats()["requests"] == 2
    assert client.stats.retries == 1 and client.stats.requests == 2 and client.stats.completed == 1


@pytest.mark.parametrize("fault,finish", [("bad_json", "stop"), ("truncated", "length")])
def test_content_faults_are_returned_for_the_caller_to_repair(fake_openai, tmp_path, fault, finish):
    server = fake_openai(faults=FaultPlan(schedule={1: fault}))
    client = _client(server, tmp_path)

    async def go():
        try:
            return await client.complete(_messages(), response_format=SCHEMA_FORMAT)
        finally:
            await client.aclose()

    reply = _run(go())
    assert reply.finish_reason == finish
    with pytest.raises(ValueError):
        __import__("json").loads(reply.content)
    assert server.stats()["requests"] == 1


def test_cache_replays_without_a_request(fake_openai, tmp_path):
    server = fake_openai()

    async def go():
        client = _client(server, tmp_path)
        first = await client.complete(_messages(), prompt_version="v1", temperature=1.0)
        second = await client.complete(_messages(), prompt_version="v1", temperature=1.0)
        other_version = await client.complete(_messages(), prompt_version="v2", temperature=1.0)
        await client.aclose()
        client.cache.close()
        return first, second, other_version

    first, second, other = _run(go())
    assert second.cached and second.content == first.content and second.cost == 0
    assert not other.cached
    assert server.stats()["requests"] == 2

    async def again():  # a new process reading the same cache file
        client = _client(server, tmp_path)
        reply = await client.complete(_messages(), prompt_version="v1", temperature=1.0)
        await client.aclose()
        return reply

    assert _run(again()).cached
    assert server.stats()["requests"] == 2


def test_gives_up_after_max_attempts(fake_openai, tmp_path):
    server = fake_openai(faults=FaultPlan(every=1, kinds=("server_error",)))
    client = _client(server, tmp_path, max_attempts=3)

    async def go():
        try:
            await client.complete(_messages())
        finally:
            await client.aclose()

    with pytest.raises(RequestFailed, match="gave up after 3 attempts"):
        _run(go())
    assert server.stats()["requests"] == 3
    assert client.stats.failed == 1 and client.stats.errors == {"http_500": 3}


def test_wrong_key_is_fatal_at_once_and_redacted(fake_openai, tmp_path):
    secret = "sk-live-DO-NOT-LEAK-0123456789abcdef"
    server = fake_openai(api_key="sk-the-right-key-000000")
    events: list[str] = []
    client = ChatClient(ClientConfig(model="fake-model", base_url=server.base_url, timeout=2), api_key=secret,
                        on_event=events.append)

    async def go():
        try:
            await client.complete(_messages())
        finally:
            await client.aclose()

    with pytest.raises(FatalAPIError) as info:
        _run(go())
    assert server.stats()["requests"] == 1  # not retried
    assert server.stats()["auth_failures"] == 1
    assert "http_401" in str(info.value) and "[redacted]" in str(info.value)
    assert secret not in str(info.value) and secret[-8:] not in str(info.value)
    assert events and all(secret not in e for e in events)
    assert client.stop_reason and secret not in client.stop_reason


def test_right_key_is_sent(fake_openai, tmp_path):
    server = fake_openai(api_key="sk-the-right-key-000000")
    client = _client(server, tmp_path, api_key="sk-the-right-key-000000")

    async def go():
        try:
            return await client.complete(_messages())
        finally:
            await client.aclose()

    _run(go())
    assert server.stats()["authorized"] == 1


def test_budget_stops_before_sending(fake_openai, tmp_path):
    server = fake_openai()
    # 1 USD per token in and out: any request's worst case crosses a 5 USD budget
    client = _client(server, tmp_path, price_in=1_000_000, price_out=1_000_000, max_cost=5.0)

    async def go():
        try:
            await client.complete(_messages(), max_tokens=10)
        finally:
            await client.aclose()

    with pytest.raises(BudgetExceeded, match="max_cost"):
        _run(go())
    assert server.stats()["requests"] == 0 and client.stats.cost == 0


def test_budget_allows_requests_that_fit_and_counts_cost(fake_openai, tmp_path):
    server = fake_openai()
    client = _client(server, tmp_path, price_in=1000, price_out=1000, max_cost=0.2)

    async def go():
        replies = []
        try:
            for i in range(50):
                replies.append(await client.complete(_messages(i), max_tokens=60))
        except BudgetExceeded:
            pass
        finally:
            await client.aclose()
        return replies

    replies = _run(go())
    assert 5 < len(replies) < 50
    assert client.stats.cost <= 0.2
    assert client.stats.cost == pytest.approx(sum(r.cost for r in replies))
    assert server.stats()["requests"] == len(replies)
    assert client.stop_reason.startswith("max_cost")


def test_max_cost_without_a_price_is_refused():
    with pytest.raises(ValueError, match="--price-in"):
        ChatClient(ClientConfig(model="my-local-model", base_url="http://127.0.0.1:9/v1", max_cost=1.0), api_key="x")


def test_concurrency_cap_is_respected(fake_openai, tmp_path):
    server = fake_openai(latency=0.05)
    client = _client(server, tmp_path, concurrency=3)

    async def go():
        try:
            await asyncio.gather(*(client.complete(_messages(i)) for i in range(12)))
        finally:
            await client.aclose()

    _run(go())
    stats = server.stats()
    assert stats["requests"] == 12
    assert stats["max_in_flight"] == 3


def test_requests_per_minute_limit_spaces_requests(fake_openai, tmp_path):
    server = fake_openai()
    client = _client(server, tmp_path, concurrency=8, requests_per_minute=600)  # 10 per second, burst 10

    async def go():
        try:
            start = time.perf_counter()
            await asyncio.gather(*(client.complete(_messages(i)) for i in range(25)))
            return time.perf_counter() - start
        finally:
            await client.aclose()

    elapsed = _run(go())
    assert elapsed >= 1.3  # 10 at once, then 15 more at 10/s


def test_token_bucket_debt_and_refill():
    now = [0.0]
    bucket = TokenBucket(60, burst_seconds=1.0, clock=lambda: now[0])  # 1 per second, capacity 1
    assert bucket.take(1) == 0
    assert bucket.take(1) == pytest.approx(1.0)
    assert bucket.take(1) == pytest.approx(2.0)
    now[0] = 10.0
    assert bucket.take(1) == 0
    tokens = TokenBucket(6000, clock=lambda: now[0])  # 100 per second
    assert tokens.take(300) == pytest.approx(2.0)
    tokens.give_back(250)  # the reply used far fewer tokens than reserved
    assert tokens.take(0) == 0
    assert RateLimiter().requests is None and RateLimiter().tokens is None
    assert RateLimiter(tokens_per_minute=10).tokens is not None


def _wait_for(client: ChatClient, attempt: int, err: BaseException) -> float:
    """The delay the client's retry controller picks after ``attempt`` failed with ``err``."""
    from tenacity import Future, RetryCallState

    state = RetryCallState(retry_object=None, fn=None, args=(), kwargs={})
    state.attempt_number = attempt
    state.outcome = Future.construct(attempt, err, True)
    return client._retrying().wait(state)


def _status_error(status: int, headers: dict[str, str] | None = None) -> BaseException:
    import httpx
    import openai

    request = httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions")
    response = httpx.Response(status, headers=headers or {}, request=request, json={"error": {"message": "x"}})
    return openai.AsyncOpenAI(api_key="k", base_url="http://127.0.0.1:9/v1")._make_status_error_from_response(response)


def test_backoff_grows_is_jittered_and_honours_retry_after():
    client = ChatClient(ClientConfig(model="m", base_url="http://127.0.0.1:9/v1", backoff_base=1.0, backoff_max=30),
                        api_key="k")
    err = _status_error(500)
    delays = [[_wait_for(client, a, err) for _ in range(200)] for a in (1, 2, 3, 4)]
    for attempt, values in enumerate(delays, start=1):
        assert all(0 <= d <= 2 ** (attempt - 1) for d in values)
        assert len(set(values)) > 150  # jittered, not fixed
        assert max(values) > 0.8 * 2 ** (attempt - 1)  # the ceiling doubles per attempt
    limited = _status_error(429, {"retry-after": "7"})
    assert all(_wait_for(client, 1, limited) >= 7.0 for _ in range(20))
    assert _wait_for(client, 1, _status_error(429, {"retry-after-ms": "12500"})) >= 12.5
    assert _wait_for(client, 1, _status_error(429, {"retry-after": "100"})) == 30.0  # capped at backoff_max
    assert _wait_for(client, 9, _status_error(503)) <= 30.0


def test_which_errors_are_retried():
    from lmms_emotion.instruct.client import _is_transient

    assert all(_is_transient(_status_error(s)) for s in (408, 409, 429, 500, 502, 503))
    assert not any(_is_transient(_status_error(s)) for s in (400, 401, 403, 404, 422))


def test_retry_after_is_waited_for(fake_openai, tmp_path):
    server = fake_openai(faults=FaultPlan(schedule={1: "rate_limit"}), retry_after=0.6)
    client = _client(server, tmp_path, backoff_base=0.001, backoff_max=5.0)

    async def go():
        start = time.perf_counter()
        try:
            await client.complete(_messages())
        finally:
            await client.aclose()
        return time.perf_counter() - start

    assert _run(go()) >= 0.6  # the backoff alone would wait at most 1 ms
    assert server.stats()["requests"] == 2 and client.stats.errors == {"http_429": 1}


def test_key_resolution(monkeypatch):
    monkeypatch.delenv("MY_KEY", raising=False)
    with pytest.raises(MissingAPIKey, match=r"\$MY_KEY"):
        resolve_api_key("MY_KEY")
    assert resolve_api_key("MY_KEY", base_url="http://127.0.0.1:8000/v1") == "EMPTY"
    monkeypatch.setenv("MY_KEY", "sk-abc")
    assert resolve_api_key("MY_KEY") == "sk-abc"


def test_redactor_and_safe_url():
    redact = Redactor("sk-proj-1234567890abcdefghij")
    assert redact("bad key sk-proj-1234567890abcdefghij given") == "bad key [redacted] given"
    assert "cdefghij" not in redact("masked sk-pro****cdefghij")
    assert Redactor("EMPTY")("EMPTY stays") == "EMPTY stays"
    assert safe_url("https://user:pw@host:8443/v1?token=abc") == "https://host:8443/v1"


def test_pricing_table_and_estimates():
    assert Pricing.for_model("gpt-4o-mini-2024-07-18").price_in == 0.15
    assert Pricing.for_model("gpt-4o").price_out == 10.0
    assert not Pricing.for_model("Qwen/Qwen2.5-7B-Instruct").known
    custom = Pricing.for_model("local", price_in=1.0, price_out=2.0)
    assert custom.cost(1_000_000, 500_000) == pytest.approx(2.0)
    count, method = token_counter("some-local-model")
    assert method == "chars/4" and count("abcdefgh") == 2 and count("abcdefghi") == 3
    assert message_tokens([{"role": "user", "content": "x" * 400}]) == 3 + 4 + 100
