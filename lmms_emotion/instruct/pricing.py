"""Prices per model and token estimates, for cost accounting, ``--max-cost`` and ``--dry-run``.

Prices are USD per one million tokens (input, output), OpenAI's list prices for standard
(non-batch) requests as published in 2025. They change: check the provider's pricing
page and pass ``--price-in`` / ``--price-out`` to override. A model not in the table
(a local vLLM or sglang server, say) has no price; its cost shows as 0 unless prices
are given, and ``--max-cost`` then refuses to run (it could not stop anything).

Token estimates for ``--dry-run``: tiktoken's encoding for the model when tiktoken is
installed *and* the encoding file is already in its local cache (tiktoken would
otherwise download it); else the documented heuristic of one token per four
characters (:data:`CHARS_PER_TOKEN`), which is close for English prose.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["CHARS_PER_TOKEN", "PRICES", "Pricing", "message_tokens", "token_counter"]

CHARS_PER_TOKEN = 4
"""The fallback estimate: tokens = ceil(characters / 4)."""

PRICES: dict[str, tuple[float, float]] = {
    # model prefix: (USD per 1M input tokens, USD per 1M output tokens)
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4-turbo": (10.00, 30.00),
    "gpt-4": (30.00, 60.00),
    "gpt-3.5-turbo": (0.50, 1.50),
}

_MESSAGE_OVERHEAD_TOKENS = 4  # role and separators per chat message, as OpenAI's cookbook counts them


@dataclass(frozen=True)
class Pricing:
    """USD per million input / output tokens (None: unknown)."""

    model: str
    price_in: float | None
    price_out: float | None

    @classmethod
    def for_model(cls, model: str, price_in: float | None = None, price_out: float | None = None) -> Pricing:
        """Table prices for ``model`` (longest matching prefix), each overridable."""
        table_in, table_out = _lookup(model)
        return cls(model, price_in if price_in is not None else table_in,
                   price_out if price_out is not None else table_out)

    @property
    def known(self) -> bool:
        return self.price_in is not None and self.price_out is not None

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        """USD for one request (0 when the price is unknown)."""
        if not self.known:
            return 0.0
        return (prompt_tokens * self.price_in + completion_tokens * self.price_out) / 1_000_000

    def describe(self) -> str:
        if not self.known:
            return f"{self.model}: price unknown (pass --price-in/--price-out; cost shown as $0)"
        return f"{self.model}: ${self.price_in:g} / ${self.price_out:g} per 1M input / output tokens"


def _lookup(model: str) -> tuple[float | None, float | None]:
    name = model.lower().rsplit("/", 1)[-1]
    for prefix in sorted(PRICES, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "-"):
            return PRICES[prefix]
    return None, None


# --- token estimates ------------------------------------------------------------------

_TIKTOKEN_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"


def _cached_tiktoken(model: str) -> Callable[[str], int] | None:
    """tiktoken's encoder for ``model`` if its encoding is already cached locally, else None."""
    try:
        import tiktoken
    except ImportError:
        return None
    try:
        name = tiktoken.encoding_name_for_model(model)
    except KeyError:
        return None
    cache_dir = os.environ.get("TIKTOKEN_CACHE_DIR") or os.environ.get("DATA_GYM_CACHE_DIR") or \
        os.path.join(tempfile.gettempdir(), "data-gym-cache")
    blob = hashlib.sha1(_TIKTOKEN_URL.format(name=name).encode()).hexdigest()
    if not cache_dir or not os.path.isfile(os.path.join(cache_dir, blob)):
        return None
    try:
        encoding = tiktoken.get_encoding(name)
    except Exception:  # noqa: BLE001 - any failure means: use the heuristic
        return None
    return lambda text: len(encoding.encode(text, disallowed_special=()))


def _heuristic(text: str) -> int:
    return -(-len(text) // CHARS_PER_TOKEN)


def token_counter(model: str) -> tuple[Callable[[str], int], str]:
    """``(count(text) -> tokens, method name)``: ``tiktoken:<model>`` or ``chars/4``."""
    counter = _cached_tiktoken(model)
    if counter is not None:
        return counter, f"tiktoken:{model}"
    return _heuristic, f"chars/{CHARS_PER_TOKEN}"


def message_tokens(messages: list[dict[str, Any]], count: Callable[[str], int] = _heuristic) -> int:
    """Estimated prompt tokens of a chat request."""
    total = 3  # reply priming
    for message in messages:
        content = message.get("content", "")
        total += _MESSAGE_OVERHEAD_TOKENS + count(content if isinstance(content, str) else str(content))
    return total
