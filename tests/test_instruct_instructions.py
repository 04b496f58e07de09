"""``lmms-emotion generate instructions`` end to end against a fake OpenAI-compatible server."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from lmms_emotion.scoring.answers import parse_answer
from lmms_emotion.cli import main
from lmms_emotion.instruct.generation_run import (
    EXIT_BUDGET,
    EXIT_FATAL,
    EXIT_INCOMPLETE,
    EXIT_USAGE,
)
from lmms_emotion.records import read_records
from lmms_emotion.testing.fake_openai import FaultPlan

KEY = "sk-test-instructions-000000"


def _generate(args: list[str], monkeypatch, key: str | None = KEY) -> int:
    if key is None:
        monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    else:
        monkeypatch.setenv("OPENAI_API_KEY", key)
    return main(["generate", "instructions", *args])


def _base(records: Path, captions: Path, out: Path, server) -> list[str]:
    return ["--records", str(records), "--captions", str(captions), "--out-dir", str(out),
            "--base-url", server.base_url, "--model", "fake-model", "--no-progress", "--timeout", "1",
            "--backoff-base", "0.01", "--backoff-max", "0.1"]


@pytest.mark.e2e
def test_three_kinds_records_and_llava(fake_openai, emoset_train_records, emoset_captions, tmp_path, monkeypatch):
    server = fake_openai(faults=FaultPlan(every=7), hang_seconds=2.0)
    out = tmp_path / "gen"
    assert _generate(_base(emoset_train_records, emoset_captions, out, server), monkeypatch) == 0
    sources = {r.id: r for r in read_records(emoset_train_records)}
    records = read_records(out / "instructions.jsonl")  # validates the schema, ids unique
    assert len(records) == 3 * len(sources)
    by_kind: dict[str, list] = {}
    for record in records:
        kind = record.meta["instruction"]["kind"]
        by_kind.setdefault(kind, []).append(record)
        source = sources[record.meta["source_record"]]
        assert record.id == f"{source.id}/{kind}"
        assert record.answer == source.answer and record.media == source.media
        assert record.meta["instruction"]["prompt_version"] == f"{kind}-v1"
    assert {k: len(v) for k, v in by_kind.items()} == {k: len(sources) for k in
                                                        ("categorical", "conversation", "reasoning")}
    assert all(len(r.meta["instruction"]["turns"]) == 3 for r in by_kind["conversation"])
    assert all(r.meta["instruction"]["model"] == "fake-model" for r in by_kind["reasoning"])
    assert all(parse_answer(r.meta["instruction"]["turns"][0]["answer"], "mikels8") == r.answer
               for r in by_kind["categorical"])

    llava = json.loads((out / "llava.json").read_text())
    assert [e["id"] for e in llava] == [r.id for r in records] == sorted(r.id for r in records)
    summary = json.loads((out / "summary.json").read_text())
    media_root = Path(summary["media_root"])
    for entry in llava:
        assert (media_root / entry["image"]).is_file()
        turns = entry["conversations"]
        assert [t["from"] for t in turns] == ["human", "gpt"] * (len(turns) // 2)
        assert turns[0]["value"].startswith("<image>\n")
        assert all("<image>" not in t["value"] for t in turns[1:])
    assert summary["exit_code"] == 0 and summary["finished"]
    assert summary["kinds"]["conversation"] == {"ok": len(sources)}
    assert summary["usage"]["retries"] > 0 and summary["usage"]["repair_requests"] > 0  # faults were injected
    assert summary["usage"]["requests_sent"] == server.stats()["requests"]


def test_rerun_sends_nothing_and_writes_the_same_outputs(fake_openai, emoset_train_records, emoset_captions,
                                                         tmp_path, monkeypatch):
    server = fake_openai(faults=FaultPlan(every=5))
    out = tmp_path / "gen"
    args = _base(emoset_train_records, emoset_captions, out, server) + ["--kinds", "conversation,reasoning"]
    assert _generate(args, monkeypatch) == 0
    first = server.stats()["requests"]
    records_before = (out / "instructions.jsonl").read_bytes()
    llava_before = (out / "llava.json").read_bytes()
    assert _generate(args, monkeypatch) == 0
    assert server.stats()["requests"] == first
    assert (out / "instructions.jsonl").read_bytes() == records_before
    assert (out / "llava.json").read_bytes() == llava_before
    summary = json.loads((out / "summary.json").read_text())
    assert summary["usage"]["requests_sent"] == 0 and summary["usage"]["replies_from_cache"] > 0


def test_single_turn_layout(fake_openai, emoset_train_records, emoset_captions, tmp_path, monkeypatch):
    server = fake_openai()
    out = tmp_path / "gen"
    args = _base(emoset_train_records, emoset_captions, out, server) + ["--kinds", "conversation", "--single-turn",
                                                                        "--limit", "3"]
    assert _generate(args, monkeypatch) == 0
    records = read_records(out / "instructions.jsonl")
    assert len(records) == 9
    assert records[0].id.endswith("/conversation/0") and records[2].id.endswith("/conversation/2")
    llava = json.loads((out / "llava.json").read_text())
    assert all(len(e["conversations"]) == 2 and e["conversations"][0]["value"].startswith("<image>\n") for e in llava)


def test_dry_run_sends_nothing_and_writes_nothing(fake_openai, emoset_train_records, emoset_captions, tmp_path,
                                                  monkeypatch, capsys):
    server = fake_openai()
    out = tmp_path / "gen"
    args = _base(emoset_train_records, emoset_captions, out, server) + ["--model", "gpt-4o", "--dry-run",
                                                                        "--samples", "1"]
    assert _generate(args, monkeypatch, key=None) == 0  # no key needed
    printed = capsys.readouterr().out
    assert server.stats()["requests"] == 0 and not out.exists()
    assert printed.count("--- sample request:") == 2
    assert "scene:" in printed and "Emotion viewers reported:" in printed
    n = len(read_records(emoset_train_records))
    assert f"requests to send: {2 * n}" in printed
    assert "tokens (chars/4)" in printed and "gpt-4o: $2.5 / $10 per 1M" in printed
    assert "estimated cost: $" in printed


def test_missing_captions_fail_fast_with_the_fix(fake_openai, emoset_train_records, tmp_path, monkeypatch, capsys):
    server = fake_openai()
    partial = tmp_path / "partial.jsonl"
    first = read_records(emoset_train_records)[0]
    partial.write_text(json.dumps({"image": first.media[0].path, "caption": "one"}) + "\n")
    args = _base(emoset_train_records, partial, tmp_path / "gen", server)
    assert _generate(args, monkeypatch) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "have no caption" in err and "lmms-emotion generate captions" in err
    assert server.stats()["requests"] == 0
    # leaving them out is an explicit choice, reported in the summary
    assert _generate(args + ["--missing-captions", "skip", "--kinds", "reasoning"], monkeypatch) == 0
    summary = json.loads((tmp_path / "gen" / "summary.json").read_text())
    assert summary["records"] == 1 and summary["images_without_caption_left_out"] == summary["records_skipped"] > 0
    no_caption = _base(emoset_train_records, partial, tmp_path / "gen2", server)
    no_caption.remove("--captions"), no_caption.remove(str(partial))
    assert _generate(no_caption, monkeypatch) == EXIT_USAGE
    assert "--no-captions" in capsys.readouterr().err


def test_never_overwrites_an_input(fake_openai, emoset_train_records, emoset_captions, tmp_path, monkeypatch,
                                   capsys):
    server = fake_openai()
    folder = tmp_path / "here"
    folder.mkdir()
    records = folder / "instructions.jsonl"
    shutil.copy(emoset_train_records, records)
    before = records.read_bytes()
    args = _base(records, emoset_captions, folder, server) + ["--media-root", str(emoset_train_records.parent / "media")]
    assert _generate(args, monkeypatch) == EXIT_USAGE
    assert "is also an input" in capsys.readouterr().err
    assert records.read_bytes() == before and server.stats()["requests"] == 0


def test_max_cost_stops_cleanly_and_resume_finishes(fake_openai, emoset_train_records, emoset_captions, tmp_path,
                                                    monkeypatch, capsys):
    server = fake_openai(latency=0.02)
    out = tmp_path / "gen"
    prices = ["--price-in", "1000", "--price-out", "1000", "--kinds", "reasoning", "--concurrency", "2"]
    args = _base(emoset_train_records, emoset_captions, out, server) + prices
    n = len(read_records(emoset_train_records))
    assert _generate(args + ["--max-cost", "2.5"], monkeypatch) == EXIT_BUDGET
    summary = json.loads((out / "summary.json").read_text())
    assert summary["stop_reason"].startswith("max_cost") and not summary["finished"]
    assert summary["usage"]["cost_usd"] <= 2.5
    done = summary["status_counts"]["ok"]
    assert 0 < done < n and summary["status_counts"]["pending"] == n - done
    assert len(read_records(out / "instructions.jsonl")) == done  # completed work is written
    pending = [json.loads(line) for line in (out / "failures.jsonl").read_text().splitlines()]
    assert len(pending) == n - done and all(row["status"] == "pending" for row in pending)
    assert "stopped: max_cost" in capsys.readouterr().out
    sent = server.stats()["requests"]
    assert sent == done  # nothing sent that was then thrown away
    assert _generate(args + ["--max-cost", "100"], monkeypatch) == 0
    assert len(read_records(out / "instructions.jsonl")) == n
    assert server.stats()["requests"] == n  # finished items came from the cache


def test_max_cost_needs_a_price(fake_openai, emoset_train_records, emoset_captions, tmp_path, monkeypatch, capsys):
    server = fake_openai()
    args = _base(emoset_train_records, emoset_captions, tmp_path / "gen", server) + ["--max-cost", "1"]
    assert _generate(args, monkeypatch) == EXIT_USAGE
    assert "--price-in" in capsys.readouterr().err


def test_fatal_api_error_stops_with_exit_4(fake_openai, emoset_train_records, emoset_captions, tmp_path, monkeypatch):
    server = fake_openai(api_key="sk-another-key-entirely")
    out = tmp_path / "gen"
    assert _generate(_base(emoset_train_records, emoset_captions, out, server), monkeypatch) == EXIT_FATAL
    summary = json.loads((out / "summary.json").read_text())
    assert "http_401" in summary["stop_reason"]
    assert server.stats()["requests"] <= 16  # no retries; at most the requests already in flight


def test_invalid_replies_are_repaired_within_bounds(fake_openai, emoset_train_records, emoset_captions, tmp_path,
                                                    monkeypatch):
    # every reply malformed: each item sends 1 + max_repairs requests, then is reported invalid
    server = fake_openai(faults=FaultPlan(every=1, kinds=("bad_json", "truncated")))
    out = tmp_path / "gen"
    args = _base(emoset_train_records, emoset_captions, out, server) + ["--kinds", "reasoning", "--limit", "4",
                                                                        "--max-repairs", "2"]
    assert _generate(args, monkeypatch) == EXIT_INCOMPLETE
    assert server.stats()["requests"] == 4 * 3
    rows = [json.loads(line) for line in (out / "failures.jsonl").read_text().splitlines()]
    assert len(rows) == 4 and all(r["status"] == "invalid" for r in rows)
    assert (out / "instructions.jsonl").read_text() == ""


@pytest.mark.parametrize("fmt", ["json_object", "none"])
def test_other_response_formats_are_validated_locally(fake_openai, emoset_train_records, emoset_captions, tmp_path,
                                                      monkeypatch, fmt):
    # the fake server cannot produce the schema without it: replies fail validation and are reported, not kept
    server = fake_openai()
    out = tmp_path / "gen"
    args = _base(emoset_train_records, emoset_captions, out, server) + ["--kinds", "reasoning", "--limit", "2",
                                                                        "--response-format", fmt, "--max-repairs", "0"]
    assert _generate(args, monkeypatch) == EXIT_INCOMPLETE
    assert server.stats()["requests"] == 2
    rows = [json.loads(line) for line in (out / "failures.jsonl").read_text().splitlines()]
    assert [r["status"] for r in rows] == ["invalid", "invalid"]
