"""run_jobs: repair rounds, drops, per-item failures that do not stop the run, progress to the end."""

from __future__ import annotations

import asyncio
import time

from lmms_emotion.instruct.client import ChatClient, ClientConfig
from lmms_emotion.instruct.jobs import DropReply, Job, ReplyError, run_jobs
from lmms_emotion.instruct.templates import PromptTemplate


def test_outcomes_per_item(fake_openai):
    server = fake_openai()
    template = PromptTemplate(name="t", version="t-v1", user="$x", repair="fix it: $error")
    seen_repairs: list[str] = []

    def parse(job, completion):
        if job.id == "bug":
            raise RuntimeError("a bug in one item")
        if job.id == "drop":
            raise DropReply("not wanted", {"why": "test"})
        if job.id == "repair" and "fix it" not in completion.content:
            raise ReplyError("needs a fix")
        if job.id == "repair":
            seen_repairs.append(completion.content)
        if job.id == "never":
            raise ReplyError("never good")
        return completion.content

    ids = ["ok1", "bug", "drop", "repair", "never", "ok2"]
    jobs = [Job(id=i, template=template, messages=template.messages({"x": f"item {i}"}), parse=parse) for i in ids]

    async def go():
        client = ChatClient(ClientConfig(model="fake-model", base_url=server.base_url, concurrency=2), api_key="k")
        try:
            return await run_jobs(jobs, total=len(jobs), client=client, max_repairs=1, progress=False)
        finally:
            await client.aclose()

    result = asyncio.run(go())
    status = {i: result.outcomes[i].status for i in ids}
    assert status == {"ok1": "ok", "bug": "failed", "drop": "dropped", "repair": "ok", "never": "invalid",
                      "ok2": "ok"}
    assert "internal error: RuntimeError" in result.outcomes["bug"].reason
    assert result.outcomes["drop"].detail == {"why": "test"}
    assert result.outcomes["repair"].requests == 2 and seen_repairs == ["Echo: fix it: needs a fix"]
    assert result.outcomes["never"].requests == 2
    assert result.repairs == 2 and result.stop_reason is None
    assert server.stats()["requests"] == 8  # 6 first requests + 2 repairs; drops are never retried


def test_concurrent_workers_finish_far_sooner_than_one(fake_openai):
    """With a fixed 0.2 s server latency, 8 workers must finish 8 items in far less than 8 x 0.2 s.

    Sequential items cost at least the latency each, whatever the machine load; 8 concurrent
    items cost about one latency plus overhead. A ratio of 3 leaves room for a loaded 2-core
    box while failing if the workers (or the client's concurrency cap) serialise requests.
    """
    latency = 0.2
    server = fake_openai(latency=latency)
    template = PromptTemplate(name="t", version="t-v1", user="$x", repair="fix it: $error")

    def elapsed(concurrency: int, n: int, offset: int) -> float:
        jobs = [Job(id=f"j{i}", template=template, messages=template.messages({"x": f"item {i}"}),
                    parse=lambda job, completion: completion.content) for i in range(offset, offset + n)]

        async def go() -> float:
            client = ChatClient(ClientConfig(model="fake-model", base_url=server.base_url, concurrency=concurrency),
                                api_key="k")
            try:
                await client.complete([{"role": "user", "content": "warm up the connection"}])
                start = time.perf_counter()
                result = await run_jobs(jobs, total=n, client=client, progress=False)
                assert result.count("ok") == n
                return time.perf_counter() - start
            finally:
                await client.aclose()

        return asyncio.run(go())

    sequential = elapsed(1, 4, 0)
    assert sequential >= 4 * latency
    concurrent = elapsed(8, 8, 100)
    per_item_sequential, per_item_concurrent = sequential / 4, concurrent / 8
    assert per_item_sequential / per_item_concurrent >= 3, (sequential, concurrent)
    assert server.stats()["max_in_flight"] == 8
