"""Fixtures for EmoBench: every source built from its generated raw folder, EmoBench composed
from them, data roots holding only some sources, and a judge server on loopback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

EMOBENCH_SOURCES = ("emoset", "fi", "emotionroi", "emotion6", "intentonomy", "hateful_memes", "memotion", "mmsd2",
                    "meld", "mintrec", "urfunny", "mustard")
EMOBENCH_TASKS = (
    "emobench_emotion_closed_image", "emobench_emotion_closed_video", "emobench_emotion_open_image",
    "emobench_emotion_open_video", "emobench_intent_image", "emobench_intent_video", "emobench_hate_image",
    "emobench_humor_image", "emobench_humor_video", "emobench_sarcasm_image", "emobench_sarcasm_video",
)
SUBTASK_GROUPS = ("emobench_emotion_closed", "emobench_emotion_open", "emobench_intent", "emobench_hate",
                  "emobench_humor", "emobench_sarcasm")


def build_dataset(args: list[str], root: Path) -> None:
    """``lmms-emotion build-data ARGS --data-root ROOT`` in this process; fails the test on an error."""
    from lmms_emotion.cli import main

    assert main(["build-data", *args, "--data-root", str(root)]) == 0, args


@pytest.fixture(scope="session")
def emobench_sources_root(session_tmp: Path) -> Path:
    """A data root with all twelve EmoBench sources built from their generated raw folders."""
    from lmms_emotion.testing.raw_layouts import write_sample

    base = session_tmp / "emobench_sources"
    root = base / "data"
    for name in EMOBENCH_SOURCES:
        write_sample(name, base / "raw" / name)
        build_dataset([name, "--raw", str(base / "raw" / name), "--verify", "exists"], root)
    return root


@pytest.fixture(scope="session")
def emobench_root(emobench_sources_root: Path) -> Path:
    """The sources root with EmoBench composed into it (default options, seed 0)."""
    build_dataset(["emobench"], emobench_sources_root)
    return emobench_sources_root


def root_with_sources(sources_root: Path, target: Path, names: tuple[str, ...]) -> Path:
    """A new data root holding only ``names`` (symlinks to the built source folders)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        (target / name).symlink_to(sources_root / name, target_is_directory=True)
    return target


def make_judge_server(verdicts: dict[str, str], **kwargs):
    """A fake OpenAI-compatible server on loopback that answers judge requests like a judge model.

    It reads the answer and the categories from the request (the shape of
    ``lmms_emotion.scoring.judge.judge_messages``) and replies with ``verdicts[word]`` for the first
    word of ``verdicts`` the answer contains, if that category is offered, else ``none``.
    """
    from lmms_emotion.testing.fake_openai import FakeOpenAIServer

    class JudgeServer(FakeOpenAIServer):
        def _reply_content(self, body: dict, digest: str) -> tuple[str, bool]:
            text = "\n".join(str(m.get("content", "")) for m in body["messages"] if isinstance(m, dict))
            answer = re.search(r'Answer: "(.*)"', text)
            categories = re.search(r"Categories: (.*)", text)
            if not answer or not categories:
                return "none", False
            offered = [c.strip() for c in categories.group(1).split(",")]
            for word, category in verdicts.items():
                if word in answer.group(1).lower():
                    return (category if category in offered else "none"), False
            return "none", False

    return JudgeServer(**kwargs)
