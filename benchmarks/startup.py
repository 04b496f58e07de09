"""Start-up time: command start -> first model request, `lmms-emotion eval` vs plain `lmms-eval eval`.

Both commands run the same task (emovit_emoset on a generated EmoSet-layout sample) with
the `emotion_oracle` model, which stamps the wall-clock time of the first request it
receives. Each command runs --repeats times; the medians and their ratio are printed.

    python benchmarks/startup.py --repeats 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _prepare(workdir: Path) -> Path:
    from lmms_emotion.cli import main as cli

    raw = workdir / "EmoSet-118K"
    data_root = workdir / "data"
    from lmms_emotion.testing.raw_emoset import write_emoset

    write_emoset(raw, per_class={"test": 2})
    if cli(["build-data", "emoset", "--raw", str(raw), "--data-root", str(data_root)]) != 0:
        raise SystemExit("could not build the sample data")
    return data_root


def _time_once(command: list[str], stamp: Path, env: dict[str, str]) -> float:
    if stamp.exists():
        stamp.unlink()
    start = time.time()
    proc = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0 or not stamp.exists():
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(command)}\n{proc.stderr[-3000:]}")
    return float(stamp.read_text()) - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="lmms_emotion_startup_"))
    try:
        data_root = _prepare(workdir)
        stamp = workdir / "first_request.txt"
        env = dict(os.environ, LMMS_EMOTION_DATA=str(data_root), HF_DATASETS_CACHE=str(workdir / "hf_datasets"))
        model_args = f"mode=gold,first_request_stamp={stamp}"
        common = ["--model", "emotion_oracle", "--model_args", model_args, "--tasks", "emovit_emoset", "--limit", "4"]
        bindir = Path(sys.executable).parent
        tasks_path = subprocess.run([str(bindir / "lmms-emotion"), "tasks-path"], capture_output=True, text=True,
                                    check=True).stdout.strip()
        commands = {
            "lmms-emotion eval": [str(bindir / "lmms-emotion"), "eval", *common],
            "lmms-eval eval --include_path": [str(bindir / "lmms-eval"), "eval", "--include_path", tasks_path, *common],
        }
        # one untimed warm-up each, so both read a warm file cache and datasets cache
        for command in commands.values():
            _time_once(command, stamp, env)
        timings = {name: [_time_once(cmd, stamp, env) for _ in range(args.repeats)] for name, cmd in commands.items()}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"time from command start to first model request (median of {args.repeats}, warm caches)")
    for name, values in timings.items():
        print(f"  {name:32s} {statistics.median(values):6.2f} s   (runs: {', '.join(f'{v:.2f}' for v in values)})")
    ours = statistics.median(timings["lmms-emotion eval"])
    theirs = statistics.median(timings["lmms-eval eval --include_path"])
    print(f"  speed-up: {theirs / ours:.1f}x (target: at least 5x)")


if __name__ == "__main__":
    main()
