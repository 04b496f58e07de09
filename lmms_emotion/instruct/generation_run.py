"""What every generation command shares: settings, the dry run, running jobs, exit codes, the summary.

Files in the output folder (``--out-dir``):

- ``requests.cache.jsonl``: the request cache (``--cache`` to put it elsewhere or share it);
- ``generate.log``: retries, invalid replies, failures and the stop reason (redacted);
- ``summary.json``: counts per status, requests, tokens, cost, stop reason, output paths;
- ``failures.jsonl``: every item that is not done (invalid, failed, pending) and why;
- the generator's own outputs (records JSONL and ``llava.json``).

Exit codes: :data:`EXIT_OK` 0 every item done; :data:`EXIT_INCOMPLETE` 1 some items
invalid or failed (listed in ``failures.jsonl``; re-run to retry them, finished ones
come from the cache); :data:`EXIT_USAGE` 2 bad arguments or inputs, nothing sent;
:data:`EXIT_BUDGET` 3 stopped at ``--max-cost`` (completed work written; re-run with a
larger budget to continue); :data:`EXIT_FATAL` 4 an API error retrying cannot fix
(bad key, unknown model).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lmms_emotion.instruct.client import (
    ChatClient,
    ClientConfig,
    Redactor,
    completion_key,
    resolve_api_key,
    safe_url,
)
from lmms_emotion.instruct.jobs import Job, RunLog, RunResult, run_jobs

__all__ = ["EXIT_BUDGET", "EXIT_FATAL", "EXIT_INCOMPLETE", "EXIT_OK", "EXIT_USAGE", "RunSettings", "dry_run_report",
           "execute", "exit_code", "run_summary"]

EXIT_OK = 0
EXIT_INCOMPLETE = 1
EXIT_USAGE = 2
EXIT_BUDGET = 3
EXIT_FATAL = 4


@dataclass
class RunSettings:
    """Everything a generation run needs besides its inputs."""

    out_dir: Path
    client: ClientConfig
    response_format: str = "json_schema"
    max_repairs: int = 2
    cache_path: Path | None = None
    seed: int | None = None
    progress: bool = True
    single_turn: bool = False
    prompts_dir: Path | None = None
    dry_run_samples: int = 2

    @property
    def cache_file(self) -> Path:
        return self.cache_path or self.out_dir / "requests.cache.jsonl"

    @property
    def log_file(self) -> Path:
        return self.out_dir / "generate.log"

    @property
    def summary_file(self) -> Path:
        return self.out_dir / "summary.json"

    @property
    def failures_file(self) -> Path:
        return self.out_dir / "failures.jsonl"


def _job_key(job: Job, settings: RunSettings) -> str:
    template = job.template
    return completion_key(settings.client.model, template.version, job.messages, temperature=template.temperature,
                          max_tokens=template.max_tokens,
                          response_format=template.response_format(settings.response_format), seed=settings.seed)


def dry_run_report(jobs: Sequence[Job], settings: RunSettings, *, free_items: int = 0,
                   write: Callable[[str], None] = print) -> dict[str, Any]:
    """Print sample prompts and a token/cost estimate; sends nothing, needs no key, writes no file."""
    from lmms_emotion.instruct.cache import cached_keys
    from lmms_emotion.instruct.pricing import Pricing, message_tokens, token_counter

    pricing = Pricing.for_model(settings.client.model, settings.client.price_in, settings.client.price_out)
    count, method = token_counter(settings.client.model)
    known = cached_keys(settings.cache_file) if settings.cache_file.is_file() else set()
    shown: Counter[str] = Counter()
    per_template: dict[str, dict[str, int]] = {}
    tokens_in = tokens_out = tokens_out_max = 0
    to_send = 0
    for job in jobs:
        name = job.template.name
        row = per_template.setdefault(name, {"items": 0, "cached": 0})
        row["items"] += 1
        if shown[name] < settings.dry_run_samples:
            shown[name] += 1
            write(f"--- sample request: {job.id} ({job.template.version}) ---")
            for message in job.messages:
                write(f"[{message['role']}]\n{message['content']}")
            write("")
        if _job_key(job, settings) in known:
            row["cached"] += 1
            continue
        to_send += 1
        tokens_in += message_tokens(job.messages, count)
        tokens_out += job.template.expected_output_tokens
        tokens_out_max += job.template.max_tokens or job.template.expected_output_tokens
    estimate = {
        "items": len(jobs) + free_items,
        "items_without_request": free_items,
        "per_template": per_template,
        "requests_to_send": to_send,
        "token_estimate_method": method,
        "prompt_tokens": tokens_in,
        "completion_tokens_expected": tokens_out,
        "completion_tokens_max": tokens_out_max,
        "cost_usd_expected": round(pricing.cost(tokens_in, tokens_out), 4),
        "cost_usd_max": round(pricing.cost(tokens_in, tokens_out_max), 4),
        "price": pricing.describe(),
    }
    write("=== dry run: nothing was sent ===")
    write(f"items: {estimate['items']} ({free_items} from templates alone, no request)")
    for name, row in per_template.items():
        write(f"  {name}: {row['items']} items, {row['cached']} already in the cache")
    write(f"requests to send: {to_send} (before retries and repairs)")
    write(f"tokens ({method}): {tokens_in:,} in, ~{tokens_out:,} out expected (at most {tokens_out_max:,})")
    write(f"price: {pricing.describe()}")
    write(f"estimated cost: ${estimate['cost_usd_expected']:.4f} expected, at most ${estimate['cost_usd_max']:.4f}")
    return estimate


async def _execute(jobs: Sequence[Job], settings: RunSettings, desc: str) -> tuple[RunResult, ChatClient]:
    from lmms_emotion.instruct.cache import ResponseCache

    api_key = resolve_api_key(settings.client.api_key_env, settings.client.base_url)
    settings.out_dir.mkdir(parents=True, exist_ok=True)
    log = RunLog(settings.log_file, Redactor(api_key))
    cache = ResponseCache(settings.cache_file)
    client = ChatClient(settings.client, cache=cache, on_event=log, api_key=api_key)
    try:
        log(f"start: {len(jobs)} items, model {settings.client.model}, base_url {safe_url(settings.client.base_url)}, "
            f"{len(cache)} replies cached" + (f", cut a torn cache line ({cache.torn_bytes} bytes)" if cache.torn_bytes else ""))
        result = await run_jobs(jobs, total=len(jobs), client=client, response_format=settings.response_format,
                                max_repairs=settings.max_repairs, seed=settings.seed, log=log,
                                progress=settings.progress, desc=desc)
        counts = result.counts()
        log(f"end: {counts}, {client.stats.requests} requests sent, ${client.stats.cost:.4f}")
        return result, client
    finally:
        await client.aclose()
        cache.close()
        log.close()


def execute(jobs: Sequence[Job], settings: RunSettings, *, desc: str = "generating") -> tuple[RunResult, ChatClient]:
    """Run ``jobs`` (opening the cache, log and client in ``settings.out_dir``); returns result and client."""
    return asyncio.run(_execute(jobs, settings, desc))


def exit_code(result: RunResult) -> int:
    """The documented exit code for a finished or stopped run."""
    if result.stop_reason:
        return EXIT_BUDGET if result.stop_reason.startswith("max_cost") else EXIT_FATAL
    counts = result.counts()
    return EXIT_INCOMPLETE if counts["invalid"] or counts["failed"] or counts["pending"] else EXIT_OK


def usage_summary(client: ChatClient, result: RunResult) -> dict[str, Any]:
    """The request/token/cost part of a run summary."""
    stats = client.stats.as_dict()
    elapsed = max(result.elapsed, 1e-9)
    return {
        "requests_sent": stats["requests"],
        "replies_from_cache": stats["cache_hits"],
        "retries": stats["retries"],
        "repair_requests": result.repairs,
        "requests_given_up": stats["failed"],
        "errors": stats["errors"],
        "prompt_tokens": stats["prompt_tokens"],
        "completion_tokens": stats["completion_tokens"],
        "cost_usd": stats["cost"],
        "price": client.pricing.describe(),
        "elapsed_s": round(result.elapsed, 3),
        "items_per_s": round(len(result.outcomes) / elapsed, 3),
    }


def run_summary(command: str, settings: RunSettings, result: RunResult, client: ChatClient,
                inputs: Any) -> dict[str, Any]:
    """The fields every ``summary.json`` has."""
    from lmms_emotion import __version__

    return {
        "command": command,
        "lmms_emotion_version": __version__,
        "model": settings.client.model,
        "base_url": safe_url(settings.client.base_url),
        "records_file": str(inputs.records_path),
        "media_root": str(inputs.media_root),
        "records": len(inputs.records),
        "records_skipped": len(inputs.skipped),
        "status_counts": result.counts(),
        "finished": result.stop_reason is None and not result.count("pending"),
        "stop_reason": client.redact(result.stop_reason) if result.stop_reason else None,
        "exit_code": exit_code(result),
        "usage": usage_summary(client, result),
        "cache_file": str(settings.cache_file),
        "log_file": str(settings.log_file),
        "failures_file": str(settings.failures_file),
    }


def failure_rows(result: RunResult, redact: Callable[[str], str]) -> list[dict[str, Any]]:
    """One row per item that is not done: id, status, reason."""
    rows = [{"id": o.id, "status": o.status, "reason": redact(o.reason)}
            for o in result.outcomes.values() if o.status in ("invalid", "failed", "pending")]
    return sorted(rows, key=lambda r: r["id"])
