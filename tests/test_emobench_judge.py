"""The optional LLM judge for open-set answers: against a real OpenAI-compatible HTTP server on
loopback, in process and end to end through ``lmms-emotion eval``; cache, threads, failures, secrecy."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from lmms_emotion import UNPARSED
from tests.fixtures_data import read_results, read_samples, run_cli
from tests.fixtures_emobench import make_judge_server

SECRET = "sk-judge-test-3f9a1c7e5b2d4680aa11"
VERDICTS = {"saudade": "sadness", "schadenfreude": "joy", "ennui": "none"}


@pytest.fixture
def judge_server():
    server = make_judge_server(VERDICTS, api_key=SECRET).start()
    yield server
    server.stop()


def _judge(server, tmp_path: Path, key: str = SECRET):
    from lmms_emotion.judge import Judge, JudgeSettings

    return Judge(JudgeSettings(model="fake-model", base_url=server.base_url, cache=str(tmp_path / "cache.jsonl")),
                 api_key=key)


@pytest.mark.parametrize("reply, expected", [
    ("sadness", "sadness"), ("Sadness.", "sadness"), ("Category: fear", "fear"), ("none", UNPARSED),
    ("None.", UNPARSED), ("N/A", UNPARSED), ("", UNPARSED), ("I cannot tell.", UNPARSED),
    ("anger or fear", UNPARSED), ("The answer fits awe best.", "awe"),
])
def test_read_verdict(reply, expected):
    from lmms_emotion.judge import read_verdict

    assert read_verdict(reply, "mikels8") == expected


def test_the_judge_is_asked_without_the_gold_label():
    from lmms_emotion.judge import judge_messages

    messages = judge_messages('A "deep" saudade', "meld7")
    text = json.dumps(messages)
    assert "anger, disgust, fear, joy, neutral, sadness, surprise" in text
    assert "A 'deep' saudade" in messages[-1]["content"]
    assert judge_messages("x", "meld7") == judge_messages("x", "meld7")  # no per-document content


def test_threads_share_requests_and_a_second_judge_replays_the_cache(judge_server, tmp_path):
    judge = _judge(judge_server, tmp_path)
    answers = ["a deep saudade", "pure schadenfreude", "ennui", "something else"] * 8
    results: dict[int, object] = {}

    def work(i: int) -> None:
        results[i] = judge.place(answers[i], "mikels8")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(answers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    labels = [results[i].label for i in range(len(answers))]
    # joy is not a Mikels-8 label: the judge server answers none for it
    assert labels[:4] == ["sadness", UNPARSED, UNPARSED, UNPARSED] and labels[4:8] == labels[:4]
    assert judge_server.stats()["requests"] == 4  # one per distinct question, whatever the threads did
    assert judge.stats()["asked"] == 32 and judge.stats()["distinct"] == 4
    judge.close()
    again = _judge(judge_server, tmp_path)
    assert again.place("pure schadenfreude", "ekman6").label == "joy"  # a new question: one request
    verdict = again.place("a deep saudade", "mikels8")
    assert verdict.label == "sadness" and verdict.cached
    assert judge_server.stats()["requests"] == 5
    again.close()
    assert SECRET not in (tmp_path / "cache.jsonl").read_text()


def test_a_rejected_key_is_counted_redacted_and_does_not_stop_scoring(judge_server, tmp_path):
    wrong_key = "sk-wrong-key-0000111122223333"
    warm = _judge(judge_server, tmp_path)
    assert warm.place("ennui, mostly", "meld7").label == UNPARSED  # cached: the server said none
    warm.close()
    before = judge_server.stats()["requests"]
    judge = _judge(judge_server, tmp_path, key=wrong_key)
    verdict = judge.place("a deep saudade", "mikels8")
    assert verdict.label == UNPARSED and verdict.error and "http_401" in verdict.error
    assert wrong_key not in verdict.error and wrong_key not in judge.describe_stats()
    assert judge_server.stats()["auth_failures"] == 1
    # after a fatal error the judge sends nothing more; the run goes on with unplaced answers
    later = judge.place("pure schadenfreude", "ekman6")
    assert later.label == UNPARSED and later.error.startswith("judge disabled after: FatalAPIError")
    assert judge_server.stats()["requests"] == before + 1 and "2 error(s)" in judge.describe_stats()
    cached = judge.place("ennui, mostly", "meld7")  # verdicts already in the cache still apply
    assert cached.cached and cached.error is None and judge_server.stats()["requests"] == before + 1
    judge.close()


def test_open_set_scoring_consults_the_judge_only_for_unplaced_answers(judge_server, tmp_path, monkeypatch):
    from lmms_emotion import task_utils
    from lmms_emotion.judge import ENV

    monkeypatch.setenv(ENV["model"], "fake-model")
    monkeypatch.setenv(ENV["base_url"], judge_server.base_url)
    monkeypatch.setenv(ENV["cache"], str(tmp_path / "c.jsonl"))
    monkeypatch.setenv(ENV["api_key_env"], "EMOBENCH_TEST_JUDGE_KEY")
    monkeypatch.setenv("EMOBENCH_TEST_JUDGE_KEY", SECRET)
    doc = {"id": "emotion_open/emoset/test/1", "task": "emotion_open", "source": "emoset", "split": "test",
           "modality": "image", "text": "", "label_set": "mikels8", "answer": "sadness", "media_types": [],
           "media_paths": [], "meta": "{}"}
    placed = task_utils.process_results_emobench(doc, ["Wistful."])
    assert placed["acc"]["score"] == 1.0 and placed["macro_f1"]["scored_by"] == "lexicon"
    assert placed["judge_rate"]["score"] == 0.0 and judge_server.stats()["requests"] == 0
    judged = task_utils.process_results_emobench(doc, ["A deep saudade."])
    assert judged["lexicon_acc"]["score"] == 0.0 and judged["judge_acc"]["score"] == 1.0 == judged["acc"]["score"]
    assert judged["macro_f1"]["scored_by"] == "judge" and judged["judge_rate"]["score"] == 1.0
    assert judged["scoring"] == "lexicon v1 + judge fake-model"
    assert judge_server.stats()["requests"] == 1


def _eval(root: Path, server, out: Path, cache: Path):
    return run_cli(["lmms-emotion", "eval", "--model", "dummy", "--model_args", "response=A deep saudade.",
                    "--tasks", "emobench_emotion_open_image,emobench_emotion_open_video",
                    "--judge-model", "fake-model", "--judge-base-url", server.base_url,
                    "--judge-api-key-env", "EMOBENCH_TEST_JUDGE_KEY", "--judge-cache", str(cache),
                    "--output_path", str(out), "--log_samples"],
                   data_root=root, EMOBENCH_TEST_JUDGE_KEY=SECRET)


@pytest.mark.e2e
def test_eval_with_judge_reports_both_accuracies_and_replays_the_cache(emobench_root, judge_server, tmp_path):
    from lmms_emotion.task_utils import read_task_docs

    cache = tmp_path / "judge_cache.jsonl"
    first = _eval(emobench_root, judge_server, tmp_path / "run1", cache)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    # one request per distinct question: the image task holds two label sets (Mikels-8: EmoSet, FI;
    # Ekman-6: EmotionROI), the video task one (MELD)
    assert judge_server.stats()["requests"] == 3
    results = read_results(tmp_path / "run1")
    for task, modality in (("emobench_emotion_open_image", "image"), ("emobench_emotion_open_video", "video")):
        index = {"dataset": "emobench", "split": "test", "where": {"task": "emotion_open", "modality": modality}}
        golds = [d["answer"] for d in read_task_docs(index, emobench_root)]
        metrics = results["results"][task]
        assert metrics["lexicon_acc,none"] == 0.0
        assert golds.count("sadness") > 0
        assert metrics["judge_acc,none"] == pytest.approx(golds.count("sadness") / len(golds))
        assert metrics["acc,none"] == metrics["judge_acc,none"] and metrics["judge_rate,none"] == 1.0
        assert metrics["scoring,none"] == "lexicon v1 + judge fake-model"
        assert all(s["macro_f1"]["scored_by"] == "judge" for s in read_samples(tmp_path / "run1", task))
    assert "[lmms-emotion] judge: model fake-model" in first.stderr and "3 request(s) sent" in first.stderr

    second = _eval(emobench_root, judge_server, tmp_path / "run2", cache)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    assert judge_server.stats()["requests"] == 3  # zero new requests: every verdict came from the cache
    assert "0 request(s) sent" in second.stderr
    again = read_results(tmp_path / "run2")
    for task in ("emobench_emotion_open_image", "emobench_emotion_open_video"):
        assert again["results"][task]["acc,none"] == results["results"][task]["acc,none"]
    # the key never reaches the output, the logs, the results or the cache
    written = [p.read_text() for run in ("run1", "run2") for p in (tmp_path / run).rglob("*.json*")]
    for text in (first.stdout, first.stderr, second.stdout, second.stderr, cache.read_text(), *written):
        assert SECRET not in text and SECRET[-8:] not in text


def test_judge_options_are_checked_before_anything_runs(monkeypatch):
    from lmms_emotion import eval_runner
    from lmms_emotion.judge import ENV

    for name in ENV.values():
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("NO_SUCH_KEY_VAR", raising=False)
    assert eval_runner.run(["--judge-base-url", "http://127.0.0.1:9/v1", "--model", "dummy"]) == 2
    assert eval_runner.run(["--judge-model", "gpt-x", "--judge-api-key-env", "NO_SUCH_KEY_VAR", "--model", "dummy"]) == 2
    assert all(name not in __import__("os").environ for name in ENV.values())
