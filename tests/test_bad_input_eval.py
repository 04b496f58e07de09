"""Evaluating on damaged or unbuilt records (issue 16 item 3, issue 13 item 3).

Every case must stop before the model loads (``lmms-emotion eval``'s pre-flight) or, under
plain ``lmms-eval --include_path``, at task load with no retries, and the FIRST error line
must name the records file, the line and the fix.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest

from lmms_emotion import task_utils
from tests.fixtures_data import run_cli

INDEX = {"dataset": "emoset", "split": "test", "build": "lmms-emotion build-data emoset --raw <EmoSet-118K folder>"}


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def _malformed(root: Path, raw: Path) -> int:
    lines = _lines(root / "emoset" / "test.jsonl")
    lines[3] = lines[3][:-5]  # a truncated line
    _write_lines(root / "emoset" / "test.jsonl", lines)
    return 4


def _unknown_label(root: Path, raw: Path) -> int:
    lines = _lines(root / "emoset" / "test.jsonl")
    record = json.loads(lines[1])
    record["answer"] = "joyfulness"
    lines[1] = json.dumps(record)
    _write_lines(root / "emoset" / "test.jsonl", lines)
    return 2


def _duplicate_id(root: Path, raw: Path) -> int:
    lines = _lines(root / "emoset" / "test.jsonl")
    record = json.loads(lines[2])
    record["id"] = json.loads(lines[0])["id"]
    lines[2] = json.dumps(record)
    _write_lines(root / "emoset" / "test.jsonl", lines)
    return 3


def _escaping_path(root: Path, raw: Path) -> int:
    lines = _lines(root / "emoset" / "test.jsonl")
    record = json.loads(lines[4])
    record["media"][0]["path"] = "../../outside.jpg"
    lines[4] = json.dumps(record)
    _write_lines(root / "emoset" / "test.jsonl", lines)
    return 5


def _escaping_link(root: Path, raw: Path) -> int:
    record = json.loads(_lines(root / "emoset" / "test.jsonl")[5])
    image = raw / record["media"][0]["path"]
    outside = raw.parent / "outside.jpg"
    shutil.move(image, outside)
    image.symlink_to(outside)
    return 6


def _missing_media(root: Path, raw: Path) -> int:
    record = json.loads(_lines(root / "emoset" / "test.jsonl")[6])
    (raw / record["media"][0]["path"]).unlink()
    return 7


CASES = {
    "malformed line": (_malformed, "not valid JSON"),
    "unknown answer label": (_unknown_label, "is not a label of mikels8"),
    "duplicate id": (_duplicate_id, "duplicate id"),
    "media path escaping the root": (_escaping_path, "climbs out of the media root"),
    "symlink escaping the root": (_escaping_link, "symbolic link"),
    "missing media": (_missing_media, "does not exist"),
}


@pytest.fixture
def damaged(emoset_raw, tmp_path):
    """A factory: a freshly built data root with one case of damage applied; returns (root, line, words)."""
    from lmms_emotion.cli import main

    def make(case: str) -> tuple[Path, int, str]:
        raw = tmp_path / "raw"
        shutil.copytree(emoset_raw[0], raw)
        root = tmp_path / "root"
        assert main(["build-data", "emoset", "--raw", str(raw), "--data-root", str(root), "--verify", "exists"]) == 0
        damage, words = CASES[case]
        return root, damage(root, raw), words

    return make


def _assert_first_line(text: str, root: Path, line: int, words: str) -> None:
    first = text.strip().splitlines()[0]
    assert re.search(re.escape(f"{root / 'emoset' / 'test.jsonl'}:{line}") + "[:,]", first), first
    assert words in first and "Fix:" in first and "lmms-emotion build-data emoset" in first, first


@pytest.mark.parametrize("case", CASES)
def test_read_task_docs_names_file_line_and_fix(case, damaged):
    root, line, words = damaged(case)
    with pytest.raises(task_utils.DataNotBuiltError) as err:
        task_utils.read_task_docs(INDEX, root)
    _assert_first_line(str(err.value), root, line, words)


@pytest.mark.parametrize("case", CASES)
def test_lmms_eval_task_load_stops_without_retries(case, damaged, monkeypatch):
    """lmms-eval's own task loading (TaskManager + get_task_dict, the tenacity-wrapped download) ends at once."""
    from lmms_eval.tasks import TaskManager, get_task_dict

    from lmms_emotion.discovery import plugin_task_dirs

    root, line, words = damaged(case)
    monkeypatch.setenv("LMMS_EMOTION_DATA", str(root))
    manager = TaskManager("ERROR", include_path=plugin_task_dirs(), include_defaults=False)
    calls = []
    real = task_utils.read_task_docs
    monkeypatch.setattr(task_utils, "read_task_docs", lambda *a, **k: calls.append(1) or real(*a, **k))
    start = time.monotonic()
    with pytest.raises(SystemExit) as err:
        get_task_dict(["emovit_emoset"], manager)
    assert time.monotonic() - start < 10 and len(calls) == 1  # tenacity did not retry
    assert err.value.code != 0
    _assert_first_line(str(err.value.code).removeprefix("lmms-emotion: "), root, line, words)


@pytest.mark.e2e
@pytest.mark.parametrize("case", CASES)
def test_lmms_emotion_eval_preflight(case, damaged):
    root, line, words = damaged(case)
    start = time.monotonic()
    proc = run_cli(["lmms-emotion", "eval", "--model", "dummy", "--tasks", "emovit_emoset"], data_root=root)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert time.monotonic() - start < 20  # decided before lmms-eval (and any model) is imported
    first = proc.stderr.strip().splitlines()[0]
    assert first.startswith("lmms-emotion eval: task emovit_emoset: "), first
    _assert_first_line(first.removeprefix("lmms-emotion eval: task emovit_emoset: "), root, line, words)
    assert "Traceback" not in proc.stderr


@pytest.mark.e2e
@pytest.mark.parametrize("case", ["unbuilt", "malformed line"])
def test_plain_lmms_eval_fails_loudly(case, damaged, tmp_path):
    """Plain lmms-eval: exit status 1, the message is the first (and only) error output, no retries."""
    tasks_path = run_cli(["lmms-emotion", "tasks-path"]).stdout.strip()
    if case == "unbuilt":
        root, line, words = tmp_path / "empty", None, ""
    else:
        root, line, words = damaged(case)
    start = time.monotonic()
    proc = run_cli(["lmms-eval", "eval", "--include_path", tasks_path, "--model", "dummy", "--tasks", "emovit_emoset",
                    "--verbosity", "ERROR"], data_root=root)
    elapsed = time.monotonic() - start
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "RetryError" not in proc.stderr
    # the only other stderr output allowed before it: HF datasets' progress bar reading the task index
    messages = [line for line in proc.stderr.strip().splitlines() if "examples/s" not in line]
    first = messages[0]
    assert first.startswith("lmms-emotion: "), first
    if case == "unbuilt":
        assert "build it with: lmms-emotion build-data emoset --raw" in first, first
    else:
        _assert_first_line(first.removeprefix("lmms-emotion: "), root, line, words)
    assert elapsed < 60 + 10 or proc.stderr.count(first) <= 2  # tenacity's 60 s of retries did not happen


def test_follow_symlinks_build_is_served_and_recorded(emoset_raw, tmp_path, capsys):
    """--follow-symlinks: the build accepts a link farm, says so in the manifest, and the task serves it."""
    from lmms_emotion.cli import main

    raw = tmp_path / "raw"
    shutil.copytree(emoset_raw[0], raw)
    test_rows = json.loads((raw / "test.json").read_text())
    image = raw / test_rows[0][2]  # [emotion, image_id, image path, annotation path]
    outside = tmp_path / "elsewhere.jpg"
    shutil.move(image, outside)
    image.symlink_to(outside)
    root = tmp_path / "root"
    args = ["build-data", "emoset", "--raw", str(raw), "--data-root", str(root), "--verify", "exists"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("build-data failed: emoset: ") and "--follow-symlinks" in err and "Traceback" not in err
    assert main([*args, "--follow-symlinks"]) == 0
    assert json.loads((root / "emoset" / "manifest.json").read_text())["follow_symlinks"] is True
    docs = task_utils.read_task_docs(INDEX, root)
    assert any(Path(d["media_paths"][0]).name == image.name for d in docs)
