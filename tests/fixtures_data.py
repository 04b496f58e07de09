"""Fixtures for generated raw datasets, built data roots, and running the CLIs (in this process or a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def emoset_raw(session_tmp: Path) -> tuple[Path, dict]:
    """A generated EmoSet-118K folder (official 4-element split rows) and its expected counts."""
    from lmms_emotion.testing.raw_emoset import write_emoset

    raw = session_tmp / "raw" / "EmoSet-118K"
    expected = write_emoset(raw, per_class={"train": 2, "val": 1, "test": 2})
    return raw, expected


@pytest.fixture(scope="session")
def emoset_root(session_tmp: Path, emoset_raw) -> Path:
    """A data root with the generated EmoSet built into it."""
    from lmms_emotion.cli import main

    root = session_tmp / "data_emoset"
    assert main(["build-data", "emoset", "--raw", str(emoset_raw[0]), "--data-root", str(root)]) == 0
    return root


def cli_env(data_root: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment for a CLI subprocess: offline, isolated caches, a given data root."""
    env = dict(os.environ)
    if data_root is not None:
        env["LMMS_EMOTION_DATA"] = str(data_root)
    env.update(extra)
    return env


def run_cli(args: list[str], *, data_root: Path | None = None, timeout: int = 600, isolated: bool = False,
            **env: str) -> subprocess.CompletedProcess:
    """Run ``lmms-emotion`` or ``lmms-eval`` with ``args[1:]`` and capture its exit status and output.

    By default the command runs in this process (its ``main`` with stdout/stderr captured and
    the environment swapped for the call): a CLI process costs several seconds of imports.
    ``isolated=True`` runs the console script in a subprocess instead; use it where the process
    itself is what a test checks (exit hooks, kills, environment read at import time). Training
    always runs isolated: its thread settings (``OMP_NUM_THREADS``) only act at start-up.
    ``timeout`` bounds subprocesses only (pytest's own timeout bounds an in-process run).
    """
    if isolated or args[0] not in _IN_PROCESS or (args[0] == "lmms-emotion" and args[1:2] == ["train"]):
        command = [str(BIN / args[0]), *args[1:]]
        return subprocess.run(command, env=cli_env(data_root, **env), capture_output=True, text=True, timeout=timeout)
    return _run_in_process(args, cli_env(data_root, **env))


def _lmms_emotion_main(argv: list[str]) -> int:
    from lmms_emotion.cli import main

    return main(argv)


def _lmms_eval_main(argv: list[str]) -> int | None:
    """The function the installed ``lmms-eval`` console script calls (looked up, as it moves between releases)."""
    from importlib.metadata import entry_points

    (script,) = entry_points(group="console_scripts", name="lmms-eval")
    sys.argv = ["lmms-eval", *argv]
    return script.load()()


def _index_builtin_tasks_once() -> None:
    """lmms-eval's index of its own ~2,000 built-in task YAMLs, read once per test process.

    lmms-eval re-reads that folder for every run (about 5 s each); its files do not
    change during a test session, so in-process runs get a copy of the first reading. Every
    other folder (``--include_path``: the folders under test) is still read on every run.
    """
    import copy

    from lmms_eval import tasks

    original = tasks.TaskManager._get_task_and_group
    if getattr(original, "_builtin_index_cached", False):
        return
    builtin_dir = os.path.normpath(os.path.dirname(os.path.abspath(tasks.__file__)))
    cached: dict = {}

    def get_task_and_group(self, task_dir: str):
        if os.path.normpath(task_dir) != builtin_dir:
            return original(self, task_dir)
        if "index" not in cached:
            cached["index"] = original(self, task_dir)
        return copy.deepcopy(cached["index"])

    get_task_and_group._builtin_index_cached = True  # type: ignore[attr-defined]
    tasks.TaskManager._get_task_and_group = get_task_and_group


_IN_PROCESS = {"lmms-emotion": _lmms_emotion_main, "lmms-eval": _lmms_eval_main}


def _forget_process_state() -> None:
    """What a new process would not remember: the datasets already announced and the judges already made
    (each is once per process by design; an in-process run stands for a new process)."""
    from lmms_emotion import task_utils
    from lmms_emotion.scoring import judge

    with task_utils._ANNOUNCE_LOCK:
        task_utils._ANNOUNCED.clear()
    with judge._JUDGES_LOCK:
        judge._JUDGES.clear()


def _run_in_process(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """``args`` through the command's Python entry point in this process, as a subprocess would report it."""
    import contextlib
    import io
    import traceback

    _forget_process_state()
    _index_builtin_tasks_once()
    out, err = io.StringIO(), io.StringIO()
    saved_env, saved_argv = dict(os.environ), list(sys.argv)
    os.environ.clear()
    os.environ.update(env)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = _IN_PROCESS[args[0]](list(args[1:]))
            except SystemExit as exit_:
                status = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
                if exit_.code is not None and not isinstance(exit_.code, int):
                    print(exit_.code, file=sys.stderr)
            except Exception:  # what the interpreter would print before exiting with status 1
                traceback.print_exc()
                status = 1
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        sys.argv = saved_argv
    return subprocess.CompletedProcess(args, status or 0, out.getvalue(), err.getvalue())


def read_results(output_path: Path) -> dict:
    """The single ``*_results.json`` lmms-eval wrote below ``output_path``."""
    files = sorted(output_path.rglob("*_results.json"))
    assert len(files) == 1, f"expected one results file under {output_path}, found {files}"
    return json.loads(files[0].read_text())


def read_samples(output_path: Path, task: str) -> list[dict]:
    """The logged samples of one task below ``output_path``."""
    files = sorted(output_path.rglob(f"*_samples_{task}.jsonl"))
    assert len(files) == 1, f"expected one samples file for {task} under {output_path}, found {files}"
    return [json.loads(line) for line in files[0].read_text().splitlines() if line.strip()]
