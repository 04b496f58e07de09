"""Run many jobs (prompt template + first request each) through a :class:`ChatClient`, with bounded repair.

A *job* is one item to generate (an instruction kind for one record, a rationale for
one record): its id, its first request, and a ``parse`` function that turns a reply
into a value, or raises

- :class:`ReplyError` for an unusable reply (malformed JSON, cut off, missing fields):
  the template's repair request is sent, at most ``max_repairs`` times;
- :class:`DropReply` for a well-formed reply that must be discarded (a rationale ending
  in the wrong label): no repair, the job ends as ``dropped``.

``concurrency`` workers pull jobs in order; completed requests are cached by the client,
so a killed run resumes by replaying them. The run stops early, cleanly, when the
client's budget is reached (outcome ``pending`` for the jobs not finished) or on a fatal
API error. Every event worth keeping (retries, failures, the stop) goes to a log file
through the client's redactor.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lmms_emotion.instruct.client import (
    BudgetExceeded,
    ChatClient,
    Completion,
    FatalAPIError,
    RequestFailed,
)
from lmms_emotion.instruct.templates import PromptTemplate

__all__ = ["DropReply", "Job", "Outcome", "ReplyError", "RunLog", "RunResult", "run_jobs"]

STATUSES = ("ok", "dropped", "invalid", "failed", "pending")


class ReplyError(ValueError):
    """An unusable reply; the message says why and is sent back in the repair request."""


class DropReply(ValueError):
    """A usable but unwanted reply (e.g. a rationale ending in the wrong label): drop, do not repair."""

    def __init__(self, reason: str, detail: dict[str, Any] | None = None) -> None:
        super().__init__(reason)
        self.detail = detail or {}


@dataclass
class Job:
    """One item: a stable id, its template and first request, and how to read a reply.

    ``parse(job, completion)`` returns the item's value or raises :class:`ReplyError` /
    :class:`DropReply`; ``context`` is whatever ``parse`` needs (the source record).
    """

    id: str
    template: PromptTemplate
    messages: list[dict[str, str]]
    parse: Callable[[Job, Completion], Any]
    context: Any = None


@dataclass
class Outcome:
    """How one job ended: ``ok`` (value set), ``dropped``, ``invalid``, ``failed`` or ``pending``."""

    id: str
    status: str
    value: Any = None
    reason: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    requests: int = 0  # replies used (cached or fresh), repairs included


@dataclass
class RunResult:
    """Every job's outcome, the client's totals and why the run stopped (None: it finished)."""

    outcomes: dict[str, Outcome]
    stop_reason: str | None
    elapsed: float
    repairs: int

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes.values() if o.status == status)

    def counts(self) -> dict[str, int]:
        counter = Counter(o.status for o in self.outcomes.values())
        return {status: counter.get(status, 0) for status in STATUSES}


class RunLog:
    """A human-readable event log (appended, flushed per line); every line is redacted first."""

    def __init__(self, path: str | Path, redact: Callable[[str], str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._redact = redact
        self._handle = self.path.open("a", encoding="utf-8")

    def __call__(self, message: str) -> None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        self._handle.write(f"{stamp} {self._redact(message)}\n")
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()


async def run_jobs(jobs: Iterable[Job], *, total: int, client: ChatClient, response_format: str = "json_schema",
                   max_repairs: int = 2, seed: int | None = None, log: Callable[[str], None] | None = None,
                   progress: bool = True, desc: str = "generating") -> RunResult:
    """Run ``jobs`` with ``client.config.concurrency`` workers; returns every outcome.

    ``response_format`` (json_schema | json_object | none) says how a template's reply
    schema is requested; replies are validated by the job's ``parse`` either way.
    """
    from tqdm.auto import tqdm

    outcomes: dict[str, Outcome] = {}
    iterator = iter(jobs)
    started = time.monotonic()
    repairs = 0
    stop: list[str] = []
    bar = tqdm(total=total, desc=desc, unit="item", disable=not progress, dynamic_ncols=True)
    last_postfix = 0.0

    def note(message: str) -> None:
        if log is not None:
            log(message)

    def refresh(force: bool = False) -> None:
        nonlocal last_postfix
        now = time.monotonic()
        if force or now - last_postfix > 0.5:
            stats = client.stats
            rate = stats.requests / max(now - started, 1e-9)
            bar.set_postfix_str(f"${stats.cost:.4f} spent, {stats.requests} req ({rate:.1f}/s), "
                                f"{stats.cache_hits} cached, {stats.retries} retries", refresh=False)
            last_postfix = now

    async def one(job: Job) -> Outcome:
        nonlocal repairs
        template = job.template
        messages = job.messages
        for round_no in range(max_repairs + 1):
            completion = await client.complete(messages, prompt_version=template.version,
                                               temperature=template.temperature, max_tokens=template.max_tokens,
                                               response_format=template.response_format(response_format), seed=seed)
            used = round_no + 1
            try:
                return Outcome(job.id, "ok", value=job.parse(job, completion), requests=used)
            except DropReply as err:
                return Outcome(job.id, "dropped", reason=str(err), detail=err.detail, requests=used)
            except ReplyError as err:
                if round_no == max_repairs:
                    note(f"invalid {job.id}: {err} (after {max_repairs} repair requests)")
                    return Outcome(job.id, "invalid", reason=str(err), requests=used)
                repairs += 1
                messages = template.repair_messages(messages, completion.content, str(err))
        raise AssertionError("unreachable")  # pragma: no cover

    async def worker() -> None:
        while not stop:
            try:
                job = next(iterator)
            except StopIteration:
                return
            try:
                outcome = await one(job)
            except BudgetExceeded as err:
                outcome = Outcome(job.id, "pending", reason=str(err))
                if not stop:
                    stop.append(str(err))
            except FatalAPIError as err:
                outcome = Outcome(job.id, "pending", reason=str(err))
                if not stop:
                    stop.append(f"fatal API error: {err}")
            except RequestFailed as err:
                outcome = Outcome(job.id, "failed", reason=str(err))
                note(f"failed {job.id}: {err}")
            except Exception as err:  # noqa: BLE001 - one item's bug must not end a 100k-item run
                outcome = Outcome(job.id, "failed", reason=f"internal error: {type(err).__name__}: {err}")
                note(f"failed {job.id}: internal error {type(err).__name__}: {err}")
            outcomes[job.id] = outcome
            bar.update(1)
            refresh()

    try:
        await asyncio.gather(*(worker() for _ in range(client.config.concurrency)))
    finally:
        refresh(force=True)
        bar.close()
    for job in iterator:  # jobs never started because the run stopped
        outcomes.setdefault(job.id, Outcome(job.id, "pending", reason=stop[0] if stop else "not started"))
    stop_reason = stop[0] if stop else None
    if stop_reason:
        note(f"stopped: {stop_reason}")
    return RunResult(outcomes=outcomes, stop_reason=stop_reason, elapsed=time.monotonic() - started, repairs=repairs)
