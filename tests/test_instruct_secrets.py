"""The API key never reaches a file or the console, even when the server echoes it back in an error."""

from __future__ import annotations

import json
from pathlib import Path

from lmms_emotion.cli import main
from lmms_emotion.testing.fake_openai import FaultPlan

KEY = "sk-lmms-emotion-SECRET-7f3a9c1e5b2d4068"


def _scan(root: Path, texts: list[str]) -> list[str]:
    """Every file under ``root`` and every captured text that holds the key or its tail."""
    needles = (KEY.encode(), KEY[-8:].encode())
    hits = [str(p) for p in root.rglob("*") if p.is_file() and any(n in p.read_bytes() for n in needles)]
    hits += [f"console output {i}" for i, t in enumerate(texts) if KEY in t or KEY[-8:] in t]
    return hits


def test_key_is_never_written(fake_openai, emoset_train_records, emoset_captions, tmp_path, monkeypatch, capfd):
    """In process: capfd sees everything written to the console (file descriptors 1 and 2)."""
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    good = fake_openai(api_key=KEY, faults=FaultPlan(every=4), wrong_answer_rate=0.3, hang_seconds=1.0)
    # this server wants another key and answers 401 with the presented key in the message
    wrong = fake_openai(api_key="sk-some-other-key-123456")
    common = ["--records", str(emoset_train_records), "--captions", str(emoset_captions), "--model", "fake-model",
              "--no-progress", "--timeout", "0.5", "--backoff-base", "0.01", "--backoff-max", "0.1"]
    runs = [
        (["generate", "instructions", *common, "--out-dir", str(tmp_path / "instructions"),
          "--base-url", good.base_url], 0),
        (["generate", "rationales", *common, "--out-dir", str(tmp_path / "rationales"),
          "--base-url", good.base_url], 0),
        (["generate", "instructions", *common, "--out-dir", str(tmp_path / "dry"), "--base-url", good.base_url,
          "--dry-run"], 0),
        (["generate", "rationales", *common, "--out-dir", str(tmp_path / "rejected"),
          "--base-url", wrong.base_url], 4),
    ]
    texts = []
    for args, expected in runs:
        code = main(args)
        out, err = capfd.readouterr()
        texts += [out, err]
        assert code == expected, err
    assert good.stats()["authorized"] > 0  # the key was really used
    assert good.stats()["faults"] and good.stats()["wrong_answers"] > 0
    assert wrong.stats()["auth_failures"] > 0
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    names = {p.name for p in written}
    assert {"requests.cache.jsonl", "generate.log", "summary.json", "failures.jsonl", "llava.json",
            "instructions.jsonl", "rationales.jsonl", "dropped.jsonl"} <= names
    # the rejected run recorded the server's message, with the key redacted
    summary = json.loads((tmp_path / "rejected" / "summary.json").read_text())
    assert "Incorrect API key provided: [redacted]" in summary["stop_reason"]
    assert "[redacted]" in (tmp_path / "rejected" / "generate.log").read_text()
    assert _scan(tmp_path, texts) == []
