"""The open-set judge adapter (``lmms_emotion.scoring.judge``) on lmms-eval's ``llm_judge``: against a real
OpenAI-compatible HTTP server on loopback through the ``openai`` provider; shared requests across threads,
failures that leave answers unplaced, settings from the task YAML's metadata."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from lmms_emotion.scoring.judge import JudgeConfigError, JudgeSettings, OpenSetJudge, judge_messages, settings_from_yaml
from tests.fixtures_emobench import make_judge_server

SECRET = "sk-judge-test-3f9a1c7e5b2d4680aa11"
VERDICTS = {"saudade": "sadness", "schadenfreude": "joy", "ennui": "none"}
FAST = {"num_retries": 1, "retry_delay": 0.0}


def serve_judge(monkeypatch):
    """The fake judge server, and the ``openai`` provider's own variables pointing at it (a fixture body)."""
    server = make_judge_server(VERDICTS, api_key=SECRET).start()
    monkeypatch.setenv("OPENAI_API_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    yield server
    server.stop()


@pytest.fixture
def judge_server(monkeypatch):
    yield from serve_judge(monkeypatch)


def test_the_judge_is_asked_without_the_gold_label():
    categories = ("anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise")
    messages = judge_messages('A "deep" saudade', categories)
    text = json.dumps(messages)
    assert "anger, disgust, fear, joy, neutral, sadness, surprise" in text
    assert "A 'deep' saudade" in messages[-1]["content"]
    assert judge_messages("x", categories) == judge_messages("x", categories)  # no per-document content


def test_threads_share_requests_through_the_openai_provider(judge_server):
    judge = OpenSetJudge(JudgeSettings(model="fake-model", provider="openai", **FAST))
    answers = ["a deep saudade", "pure schadenfreude", "ennui", "something else"] * 8
    mikels = ("amusement", "awe", "contentment", "excitement", "anger", "disgust", "fear", "sadness")
    results: dict[int, object] = {}

    def work(i: int) -> None:
        results[i] = judge.ask(answers[i], mikels)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(answers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    replies = [results[i].reply for i in range(len(answers))]
    # joy is not a Mikels-8 label: the judge server answers none for it
    assert replies[:4] == ["sadness", None, None, None] and replies[4:8] == replies[:4]
    assert judge_server.stats()["requests"] == 4  # one per distinct question, whatever the threads did
    assert judge.stats() == {"asked": 32, "requests": 4, "errors": 0, "distinct": 4}
    assert judge_server.stats()["auth_failures"] == 0


def test_a_rejected_key_leaves_answers_unplaced_and_stops_asking(judge_server, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-wrong-key-0000111122223333")
    judge = OpenSetJudge(JudgeSettings(model="fake-model", **FAST))
    first = judge.ask("a deep saudade", ("joy", "sadness"))
    assert first.reply is None and first.error and "401" in first.error
    for answer in ("pure schadenfreude", "ennui"):
        assert judge.ask(answer, ("joy", "sadness")).error
    # after MAX_CONSECUTIVE_FAILURES failed requests nothing more is sent; the run goes on
    sent = judge_server.stats()["requests"]
    later = judge.ask("something new", ("joy", "sadness"))
    assert later.error.startswith("judge disabled after:") and judge_server.stats()["requests"] == sent
    assert "4 error(s)" in judge.describe_stats() and "stopped asking" in judge.describe_stats()
    repeated = judge.ask("a deep saudade", ("joy", "sadness"))  # a repeated question: its error again
    assert repeated.reply is None and repeated.error == first.error


def test_judge_settings_come_from_the_yaml_metadata(tmp_path):
    template = tmp_path / "_default_template_yaml"
    template.write_text("process_results: !function utils.process_results_emobench\nmetadata:\n  version: 0.1\n")
    assert settings_from_yaml(template) is None
    template.write_text("metadata:\n  judge: {provider: local, model: qwen, retry_delay: 0}\n")
    assert settings_from_yaml(template) == JudgeSettings(model="qwen", provider="local", retry_delay=0)
    template.write_text("metadata:\n  judge: {model: '', provider: openai}\n")
    assert settings_from_yaml(template) is None  # no model: no judge
    template.write_text("metadata:\n  judge: {model: gpt-x, api_key: sk-oops}\n")
    with pytest.raises(JudgeConfigError, match=r"_default_template_yaml: metadata.judge has unknown key\(s\) \['api_key'\]"):
        settings_from_yaml(template)
    template.write_text("metadata:\n  judge: gpt-x\n")
    with pytest.raises(JudgeConfigError, match="must be a mapping"):
        settings_from_yaml(template)
    # read once per text (lmms-eval re-runs utils.py per !function), yet an edit of the same size is seen
    template.write_text("metadata:\n  judge: {model: aaa}\n")
    first = settings_from_yaml(template)
    assert first.model == "aaa" and settings_from_yaml(template) is first
    template.write_text("metadata:\n  judge: {model: bbb}\n")
    assert settings_from_yaml(template).model == "bbb"
    # the shipped folder configures no judge: the lexicon alone scores open-set answers by default
    from lmms_emotion.task_configs import task_dir

    assert settings_from_yaml(Path(task_dir()) / "emobench" / "_default_template_yaml") is None
