"""The plugin's durable judge cache (``lmms_emotion.judge_cache``): a second run asks nothing and scores the
same, failures are asked again, damaged lines and unwritable folders only warn, no key material on disk,
and nothing of it reaches the exported task folder."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from lmms_emotion import judge_cache
from lmms_emotion.judge_cache import CachedJudgeServer, JudgeCacheWarning
from lmms_emotion.scoring import hooks
from lmms_emotion.scoring.judge import JudgeSettings, OpenSetJudge
from tests.test_upstream_judge import FAST, SECRET, serve_judge

SETTINGS = JudgeSettings(model="fake/model-1", **FAST)
ANSWERS = ["A deep saudade.", "Pure schadenfreude.", "Ennui, mostly.", "Something else entirely."]


class _FakeServer:
    """An llm_judge server stand-in: ``config``, ``evaluate(request)``; replies from a table, counts requests."""

    def __init__(self, fail: tuple[str, ...] = ()) -> None:
        from lmms_eval.llm_judge import ServerConfig

        self.config = ServerConfig(model_name="fake")
        self.fail = fail
        self.asked: list[str] = []
        self._lock = threading.Lock()

    def evaluate(self, request):
        from lmms_eval.llm_judge import Response

        content = request.messages[-1]["content"]
        with self._lock:
            self.asked.append(content)
        if any(word in content for word in self.fail):
            return Response(content="", model_used="fake", success=False, error_message="HTTP 503")
        reply = "sadness" if "saudade" in content else "amusement" if "schadenfreude" in content else "none"
        return Response(content=reply, model_used="fake")


def _doc(i: int) -> dict:
    return {"id": f"emotion_open/emoset/test/{i}", "task": "emotion_open", "source": "emoset", "split": "test",
            "modality": "image", "text": "", "label_set": "mikels8", "answer": "sadness", "media_types": [],
            "media_paths": [], "meta": "{}"}


def _run(fake: _FakeServer, path: Path | None = None) -> list[dict]:
    """One 'process': a fresh judge and cache wrapper, every answer scored once."""
    judge = OpenSetJudge(SETTINGS, server=CachedJudgeServer(SETTINGS, server=fake, path=path))
    hook = hooks.emobench_results_hook(judge)
    scores = [hook(_doc(i), [answer]) for i, answer in enumerate(ANSWERS)]
    judge._server.close()
    return scores


@pytest.fixture
def cache_home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "lmms-emotion" / "judge"


def test_the_cache_lives_under_xdg_cache_home_one_file_per_provider_and_model(cache_home, monkeypatch):
    assert judge_cache.cache_file(SETTINGS) == cache_home / "openai--fake_model-1.jsonl"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert judge_cache.cache_dir() == Path.home() / ".cache" / "lmms-emotion" / "judge"


def test_a_second_run_sends_no_request_and_scores_the_same(cache_home):
    first_server, second_server = _FakeServer(), _FakeServer()
    first = _run(first_server)
    assert len(first_server.asked) == len(ANSWERS)
    lines = judge_cache.cache_file(SETTINGS).read_text().splitlines()
    assert len(lines) == len(ANSWERS) and all("key" in json.loads(line) for line in lines)
    second = _run(second_server)
    assert second_server.asked == [] and second == first
    assert [s["macro_f1"]["pred"] for s in second][:2] == ["sadness", "amusement"]


def test_failed_requests_are_not_cached_and_are_asked_again(cache_home):
    first = _run(_FakeServer(fail=("schadenfreude",)))
    assert first[1]["macro_f1"]["scored_by"] == "judge_error"
    assert len(judge_cache.cache_file(SETTINGS).read_text().splitlines()) == len(ANSWERS) - 1
    again = _FakeServer()
    second = _run(again)
    assert len(again.asked) == 1 and "schadenfreude" in again.asked[0]
    assert second[1]["macro_f1"]["pred"] == "amusement" and second[0] == first[0]


def test_a_damaged_line_is_skipped_counted_and_named_once(cache_home):
    _run(_FakeServer())
    path = judge_cache.cache_file(SETTINGS)
    lines = path.read_text().splitlines()
    path.write_text("\n".join([lines[0], '{"key": broken', *lines[1:], "[1, 2]"]) + "\n")
    server = CachedJudgeServer(SETTINGS, server=_FakeServer())
    judge = OpenSetJudge(SETTINGS, server=server)
    with pytest.warns(JudgeCacheWarning, match=rf"{path}:2: damaged line skipped \(2 in all\)") as caught:
        scored = [hooks.emobench_results_hook(judge)(_doc(i), [a]) for i, a in enumerate(ANSWERS)]
    assert len([w for w in caught if issubclass(w.category, JudgeCacheWarning)]) == 1
    assert server.counts["damaged_lines"] == 2 and server.counts["hits"] == len(ANSWERS)
    assert scored[0]["macro_f1"]["pred"] == "sadness"


def test_an_unwritable_cache_folder_warns_and_the_run_goes_on_uncached(tmp_path, monkeypatch):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    fake = _FakeServer()
    with pytest.warns(JudgeCacheWarning, match="cannot write .*run asks the judge without a cache"):
        scores = _run(fake)
    assert len(fake.asked) == len(ANSWERS) and scores[0]["macro_f1"]["pred"] == "sadness"


def test_threads_append_whole_lines(cache_home):
    server = CachedJudgeServer(SETTINGS, server=_FakeServer())
    judge = OpenSetJudge(SETTINGS, server=server)
    answers = [f"A saudade number {i}" for i in range(40)]
    threads = [threading.Thread(target=judge.ask, args=(a, ("sadness", "joy"))) for a in answers * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server.close()
    rows = [json.loads(line) for line in judge_cache.cache_file(SETTINGS).read_text().splitlines()]
    assert len(rows) == len({row["key"] for row in rows}) == len(answers)


def test_no_key_material_reaches_the_cache(cache_home, monkeypatch):
    judge_server = next(serve_judge(monkeypatch))  # the openai provider against a loopback server, key = SECRET
    try:
        settings = JudgeSettings(model="fake-model", provider="openai", **FAST)
        judge = OpenSetJudge(settings, server=CachedJudgeServer(settings))
        assert judge.ask("a deep saudade", ("sadness", "joy")).reply == "sadness"
        judge._server.close()
    finally:
        judge_server.stop()
    assert judge_server.stats()["requests"] == 1
    text = judge_cache.cache_file(settings).read_text()
    assert text.count("\n") == 1 and SECRET not in text and "Bearer" not in text and "sk-" not in text


def test_the_plugin_binds_the_cached_judge_and_the_export_drops_it():
    from lmms_emotion.task_configs import task_dir
    from lmms_emotion.upstream.export import scoring_package_dir, thin_utils
    from lmms_emotion.upstream.task_folder import read_task_folder

    plugin = (Path(task_dir()) / "emobench" / "utils.py").read_text()
    assert "from lmms_emotion.judge_cache import judge_for" in plugin
    exported, _ = thin_utils(read_task_folder(Path(task_dir()) / "emobench"))
    assert "judge_cache" not in exported and "lmms_emotion" not in exported
    assert "from lmms_eval.tasks._task_utils.emotion.judge import judge_for, settings_from_yaml" in exported
    for path in scoring_package_dir().rglob("*.py"):
        text = path.read_text()
        assert "judge_cache" not in text and "XDG_CACHE_HOME" not in text and "ResponseCache" not in text, path


def test_judge_for_gives_one_cached_judge_per_settings():
    settings = JudgeSettings(model="fake-model-for-judge-for", **FAST)
    judge = judge_cache.judge_for(settings)
    assert judge is judge_cache.judge_for(settings) and isinstance(judge._server, CachedJudgeServer)
    assert judge_cache.judge_for(None) is None
