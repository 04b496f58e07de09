"""The fake OpenAI-compatible server itself, the import-light rule, and the throughput benchmark script."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from lmms_emotion.testing.fake_openai import (
    FAULT_KINDS,
    FakeOpenAIServer,
    FaultPlan,
    messages_hash,
    schema_instance,
)

REPO = Path(__file__).resolve().parents[1]


def _post(server, body: dict, key: str = "k") -> tuple[int, dict | str]:
    request = urllib.request.Request(server.base_url + "/chat/completions", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read().decode()
            status = response.status
    except urllib.error.HTTPError as err:
        raw, status = err.read().decode(), err.code
    try:
        return status, json.loads(raw)
    except json.JSONDecodeError:
        return status, raw


def test_fault_plan_is_deterministic():
    plan = FaultPlan(every=10)
    assert [plan.fault_for(n) for n in (1, 9, 10, 20, 60, 70)] == [None, None, *FAULT_KINDS[:2], FAULT_KINDS[5],
                                                                   FAULT_KINDS[0]]
    rated = FaultPlan(rate=0.25, seed=3)
    draws = [rated.fault_for(n) for n in range(1, 2001)]
    assert draws == [FaultPlan(rate=0.25, seed=3).fault_for(n) for n in range(1, 2001)]
    assert 0.2 < sum(d is not None for d in draws) / 2000 < 0.3
    assert FaultPlan(schedule={2: "timeout"}).fault_for(2) == "timeout"
    with pytest.raises(ValueError, match="unknown fault kinds"):
        FaultPlan(kinds=("explode",))


def test_schema_instance_fills_the_schema():
    schema = {"type": "object", "properties": {
        "simple": {"type": "array", "minItems": 2, "maxItems": 2, "items": {
            "type": "object", "properties": {"question": {"type": "string"}, "answer": {"type": "string"}}}},
        "label": {"enum": ["a", "b"]}, "n": {"type": "integer", "minimum": 3}}}
    value = schema_instance(schema, "seed")
    assert len(value["simple"]) == 2 and value["simple"][0]["question"].endswith("?")
    assert value["label"] in ("a", "b") and value["n"] == 3
    assert value == schema_instance(schema, "seed") and value != schema_instance(schema, "other")


def test_server_replies_faults_and_counts(fake_openai):
    server = fake_openai(faults=FaultPlan(schedule={2: "rate_limit", 3: "server_error", 4: "bad_body",
                                                    5: "truncated"}), retry_after=1.5)
    body = {"model": "fake-model", "messages": [{"role": "user", "content": "hello"}]}
    status, reply = _post(server, body)
    assert status == 200 and reply["choices"][0]["message"]["content"] == "Echo: hello"
    assert reply["usage"]["total_tokens"] == reply["usage"]["prompt_tokens"] + reply["usage"]["completion_tokens"]
    assert _post(server, body)[0] == 429
    assert _post(server, body)[0] == 500
    status, raw = _post(server, body)
    assert status == 200 and isinstance(raw, str)  # not JSON
    status, cut = _post(server, body)
    assert cut["choices"][0]["finish_reason"] == "length"
    stats = server.stats()
    assert stats["requests"] == 5 and stats["by_prompt"] == {messages_hash(body["messages"]): 5}
    assert stats["faults"] == {"rate_limit": 1, "server_error": 1, "bad_body": 1, "truncated": 1}
    with urllib.request.urlopen(server.base_url + "/models", timeout=5) as response:
        assert json.loads(response.read())["data"][0]["id"] == "fake-model"


def test_rationale_replies_end_in_gold_or_a_wrong_option(fake_openai):
    body = {"model": "m", "messages": [{"role": "user", "content": "Options: joy, fear, anger\nCorrect answer: fear"}]}
    right = fake_openai()
    assert _post(right, body)[1]["choices"][0]["message"]["content"].endswith("Final answer: fear")
    wrong = fake_openai(wrong_answer_rate=1.0)
    content = _post(wrong, body)[1]["choices"][0]["message"]["content"]
    assert content.rsplit(": ", 1)[-1] in ("joy", "anger") and wrong.stats()["wrong_answers"] == 1


def test_loopback_only():
    with pytest.raises(ValueError, match="loopback"):
        FakeOpenAIServer(host="0.0.0.0")


def test_subprocess_mode(fake_openai_process):
    server = fake_openai_process("--fault-every", "2", "--fault-kinds", "server_error")
    body = {"model": "m", "messages": [{"role": "user", "content": "x"}]}
    assert _post(server, body)[0] == 200
    assert _post(server, body)[0] == 500
    assert server.stats()["requests"] == 2


def test_generation_modules_are_import_light():
    modules = ["lmms_emotion.instruct", "lmms_emotion.instruct.client", "lmms_emotion.instruct.cache",
               "lmms_emotion.instruct.captions", "lmms_emotion.instruct.instructions",
               "lmms_emotion.instruct.rationales", "lmms_emotion.instruct.generation_run", "lmms_emotion.commands.generate",
               "lmms_emotion.testing.fake_openai", "lmms_emotion.testing.tiny_captioner"]
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + (
        "print(','.join(m for m in ('torch', 'transformers', 'openai', 'numpy', 'PIL', 'yaml', 'tqdm') "
        "if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


@pytest.mark.e2e
def test_throughput_benchmark_runs():
    """The benchmark script end to end (its server is a subprocess); the speed-up itself is
    asserted in-process by test_instruct_jobs.test_concurrent_workers_finish_far_sooner_than_one."""
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "generation_throughput.py"), "--latency", "0.05",
                           "--items", "24", "--sequential-items", "4", "--concurrency", "8"],
                          check=False, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "sequential (concurrency 1):  4 items" in proc.stdout
    assert "concurrent (concurrency 8): 24 items" in proc.stdout
    ratio = float(re.search(r"ratio: ([0-9.]+)x", proc.stdout).group(1))
    assert ratio >= 2, proc.stdout  # ideal 8x; 2x still fails a client that serialises requests
