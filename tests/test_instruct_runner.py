"""run_jobs: repair rounds, drops, per-item failures that do not stop the run, progress to the end."""

from __future__ import annotations

import asyncio

from lmms_emotion.instruct.client import ChatClient, ClientConfig
from lmms_emotion.instruct.runner import DropReply, Job, ReplyError, run_jobs
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
