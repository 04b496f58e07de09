"""Requests-per-minute and tokens-per-minute limits for an asyncio client.

Each limit is a token bucket refilled continuously at ``limit / 60`` per second and
holding at most ``burst_seconds`` worth of budget (at least one request). A caller
takes its cost at once and, if that leaves the bucket in debt, sleeps until the debt
is repaid; later callers see the debt and queue behind it, so waiting is fair and
no request is ever refused. Token costs are estimates (prompt estimate plus
``max_tokens``, as providers count them); :meth:`RateLimiter.settle` corrects the
bucket with the usage a reply reports.

Hand-written on purpose: the openai SDK has no client-side limits, and asyncio limiters
such as ``aiolimiter`` refuse a single cost above the bucket's capacity and cannot take
back an overestimate, both of which token-per-minute limits need.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

__all__ = ["RateLimiter", "TokenBucket"]


class TokenBucket:
    """A continuously refilled bucket that may go into debt (callers then wait)."""

    def __init__(self, per_minute: float, *, burst_seconds: float = 1.0, minimum_capacity: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if per_minute <= 0:
            raise ValueError(f"a rate limit must be positive, got {per_minute}")
        self.rate = per_minute / 60.0
        self.capacity = max(self.rate * burst_seconds, minimum_capacity)
        self.level = self.capacity
        self._clock = clock
        self._updated = clock()

    def _refill(self) -> None:
        now = self._clock()
        self.level = min(self.capacity, self.level + (now - self._updated) * self.rate)
        self._updated = now

    def take(self, amount: float) -> float:
        """Take ``amount`` now; returns the seconds to wait before using it (0 if none)."""
        self._refill()
        self.level -= amount
        return 0.0 if self.level >= 0 else -self.level / self.rate

    def give_back(self, amount: float) -> None:
        """Return budget taken in excess (an overestimate), or take more when negative."""
        self._refill()
        self.level = min(self.capacity, self.level + amount)


class RateLimiter:
    """Both limits together; ``None`` disables a limit."""

    def __init__(self, requests_per_minute: float | None = None, tokens_per_minute: float | None = None,
                 *, burst_seconds: float = 1.0) -> None:
        self.requests = TokenBucket(requests_per_minute, burst_seconds=burst_seconds) if requests_per_minute else None
        self.tokens = (TokenBucket(tokens_per_minute, burst_seconds=burst_seconds) if tokens_per_minute else None)

    async def acquire(self, tokens: int) -> float:
        """Wait until one request of about ``tokens`` tokens may start; returns the seconds waited."""
        wait = 0.0
        if self.requests is not None:
            wait = max(wait, self.requests.take(1))
        if self.tokens is not None:
            wait = max(wait, self.tokens.take(tokens))
        if wait > 0:
            await asyncio.sleep(wait)
        return wait

    def settle(self, estimated: int, actual: int) -> None:
        """Correct the token bucket once the reply reports the real usage."""
        if self.tokens is not None:
            self.tokens.give_back(estimated - actual)
