"""The optional LLM judge in EmoBench's open-set scoring: replies read with the closed-set parser, the
judge asked only about what the lexicon leaves unplaced, and end to end through plain ``lmms-eval``
with the judge set in the task YAML (the adapter itself: tests/test_upstream_judge.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lmms_emotion import UNPARSED
from lmms_emotion.scoring import hooks
from lmms_emotion.scoring.judge import JudgeSettings, OpenSetJudge
from tests.fixtures_data import read_results, read_samples, run_cli
from tests.test_upstream_judge import FAST, SECRET, serve_judge


@pytest.fixture
def judge_server(monkeypatch):
    yield from serve_judge(monkeypatch)


class _Scripted:
    """A stand-in llm_judge server replying from a table (no network)."""

    def __init__(self, reply: str) -> None:
        from lmms_eval.llm_judge import ServerConfig

        self.config = ServerConfig(model_name="scripted")
        self.reply = reply

    def evaluate(self, request):
        from lmms_eval.llm_judge import Response

        return Response(content=self.reply, model_used="scripted")


def _open_doc(answer: str = "sadness", label_set: str = "mikels8") -> dict:
    return {"id": "emotion_open/emoset/test/1", "task": "emotion_open", "source": "emoset", "split": "test",
            "modality": "image", "text": "", "label_set": label_set, "answer": answer, "media_types": [],
            "media_paths": [], "meta": "{}"}


@pytest.mark.parametrize("reply, expected", [
    ("sadness", "sadness"), ("Sadness.", "sadness"), ("Category: fear", "fear"), ("none", UNPARSED),
    ("None.", UNPARSED), ("N/A", UNPARSED), ("", UNPARSED), ("I cannot tell.", UNPARSED),
    ("anger or fear", UNPARSED), ("The answer fits awe best.", "awe"),
])
def test_a_judge_reply_is_read_with_the_closed_set_parser(reply, expected):
    judge = OpenSetJudge(JudgeSettings(model="scripted"), server=_Scripted(reply))
    scored = hooks.score_open_response(_open_doc(), "A deep saudade.", judge)
    assert scored["macro_f1"]["pred"] == expected and scored["macro_f1"]["scored_by"] == "judge"


def test_open_set_scoring_consults_the_judge_only_for_unplaced_answers(judge_server):
    judge = OpenSetJudge(JudgeSettings(model="fake-model", **FAST))
    hook = hooks.emobench_results_hook(judge)
    placed = hook(_open_doc(), ["Wistful."])
    assert placed["acc"]["score"] == 1.0 and placed["macro_f1"]["scored_by"] == "lexicon"
    assert placed["judge_rate"]["score"] == 0.0 and judge_server.stats()["requests"] == 0
    judged = hook(_open_doc(), ["A deep saudade."])
    assert judged["lexicon_acc"]["score"] == 0.0 and judged["judge_acc"]["score"] == 1.0 == judged["acc"]["score"]
    assert judged["macro_f1"]["scored_by"] == "judge" and judged["judge_rate"]["score"] == 1.0
    assert judged["scoring"] == "lexicon v1 + judge openai/fake-model"
    assert judge_server.stats()["requests"] == 1
    closed = hook({**_open_doc(), "task": "emotion_closed"}, ["A deep saudade."])  # never judged
    assert closed["macro_f1"]["pred"] == UNPARSED and judge_server.stats()["requests"] == 1


def _judged_folder(tmp_path: Path) -> Path:
    """A copy of the emobench task folder whose template turns the judge on (what a user does)."""
    from lmms_emotion.task_configs import task_dir

    folder = tmp_path / "tasks" / "emobench"
    shutil.copytree(Path(task_dir()) / "emobench", folder, ignore=shutil.ignore_patterns("__pycache__"))
    template = folder / "_default_template_yaml"
    text = template.read_text()
    assert "metadata:\n  version:" in text
    template.write_text(text.replace("metadata:\n", "metadata:\n  judge: {provider: openai, model: fake-model, "
                                                   "num_retries: 1, retry_delay: 0}\n", 1))
    return folder.parent


@pytest.mark.e2e
def test_plain_lmms_eval_with_the_judge_in_the_yaml(emobench_root, judge_server, tmp_path):
    from lmms_emotion.task_utils import read_task_docs

    tasks = _judged_folder(tmp_path)
    out = tmp_path / "run"
    proc = run_cli(["lmms-eval", "eval", "--include_path", str(tasks), "--model", "dummy",
                    "--model_args", "response=A deep saudade.",
                    "--tasks", "emobench_emotion_open_image,emobench_emotion_open_video",
                    "--output_path", str(out), "--log_samples"],
                   data_root=emobench_root, OPENAI_API_URL=judge_server.base_url, OPENAI_API_KEY=SECRET,
                   XDG_CACHE_HOME=str(tmp_path / "xdg_cache"))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    # one request per distinct question: the image task holds two label sets (Mikels-8: EmoSet, FI;
    # Ekman-6: EmotionROI), the video task one (MELD)
    assert judge_server.stats()["requests"] == 3
    results = read_results(out)
    for task, modality in (("emobench_emotion_open_image", "image"), ("emobench_emotion_open_video", "video")):
        index = {"dataset": "emobench", "split": "test", "where": {"task": "emotion_open", "modality": modality}}
        golds = [d["answer"] for d in read_task_docs(index, emobench_root)]
        metrics = results["results"][task]
        assert metrics["lexicon_acc,none"] == 0.0 and golds.count("sadness") > 0
        assert metrics["judge_acc,none"] == pytest.approx(golds.count("sadness") / len(golds))
        assert metrics["acc,none"] == metrics["judge_acc,none"] and metrics["judge_rate,none"] == 1.0
        assert metrics["scoring,none"] == "lexicon v1 + judge openai/fake-model"
        assert all(s["macro_f1"]["scored_by"] == "judge" for s in read_samples(out, task))
    assert "judge: openai/fake-model: " in proc.stderr and "3 request(s)" in proc.stderr
    written = [p.read_text() for p in out.rglob("*.json*")]
    for text in (proc.stdout, proc.stderr, *written):
        assert SECRET not in text
