"""Throughput of instruction generation: concurrent client vs a sequential one.

A fake OpenAI-compatible server (``lmms_emotion.testing.fake_openai``, started as a
subprocess on loopback) answers every request after a fixed latency (default 100 ms).
The same generation path the CLI uses (templates, ``ChatClient`` with its fsync-ed
request cache, validation, ``run_jobs``) runs twice on fresh caches: once with
concurrency 1 (sequential) and once with ``--concurrency`` (default 32). Items are
conversation instructions for synthetic EmoSet-like records. Prints items/s of both and
their ratio.

    python benchmarks/generation_throughput.py
    python benchmarks/generation_throughput.py --latency 0.1 --concurrency 32 --items 960
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _records(n: int):
    from lmms_emotion.records import Media, Record
    from lmms_emotion.scoring.labels import MIKELS8

    scenes = ("beach", "cemetery", "stadium", "forest", "kitchen", "street")
    out = []
    for i in range(n):
        label = MIKELS8.labels[i % len(MIKELS8.labels)]
        attributes = {"brightness": round((i % 11) / 10, 1), "colorfulness": round((i * 3 % 11) / 10, 1),
                      "scene": scenes[i % len(scenes)], "object": ["person", "dog"][: 1 + i % 2]}
        out.append(Record(id=f"bench/train/{label}_{i:06d}", task="emotion_closed", source="bench", split="train",
                          media=(Media("image", f"image/{label}/{label}_{i:06d}.jpg"),), text="", label_set="mikels8",
                          answer=label, meta={"attributes": attributes}))
    return out


def _start_server(latency: float) -> tuple[subprocess.Popen, str]:
    folder = Path(tempfile.mkdtemp(prefix="fake_openai_"))
    port_file = folder / "port"
    proc = subprocess.Popen([sys.executable, "-m", "lmms_emotion.testing.fake_openai", "--port", "0",
                             "--latency", str(latency), "--port-file", str(port_file)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while not port_file.exists():
        if proc.poll() is not None or time.time() > deadline:
            raise SystemExit("the fake server did not start")
        time.sleep(0.05)
    return proc, f"http://127.0.0.1:{port_file.read_text().strip()}/v1"


async def _run(base_url: str, n_items: int, concurrency: int, offset: int, workdir: Path) -> tuple[int, float, int]:
    import openai  # noqa: F401 - imported before timing, so neither run pays for it

    from lmms_emotion.instruct.cache import ResponseCache
    from lmms_emotion.instruct.client import ChatClient, ClientConfig
    from lmms_emotion.instruct.instructions import build_jobs
    from lmms_emotion.instruct.jobs import run_jobs

    records = _records(offset + n_items)[offset:]
    captions = {r.media[0].path: f"photo number {i + offset} of a scene" for i, r in enumerate(records)}
    jobs, _ = build_jobs(records, ["conversation"], captions)  # unique captions: no two requests alike
    cache = ResponseCache(workdir / f"cache_c{concurrency}.jsonl")
    client = ChatClient(ClientConfig(model="fake-model", base_url=base_url, concurrency=concurrency, timeout=30),
                        cache=cache, api_key="bench-key")
    try:
        start = time.perf_counter()
        result = await run_jobs(jobs, total=len(jobs), client=client, progress=False)
        elapsed = time.perf_counter() - start
    finally:
        await client.aclose()
        cache.close()
    return result.count("ok"), elapsed, client.stats.requests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.1, help="server latency per request, seconds")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--items", type=int, default=960, help="items for the concurrent run")
    parser.add_argument("--sequential-items", type=int, default=40, help="items for the sequential run")
    args = parser.parse_args(argv)

    proc, base_url = _start_server(args.latency)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            ok_seq, t_seq, req_seq = asyncio.run(_run(base_url, args.sequential_items, 1, 0, workdir))
            ok_con, t_con, req_con = asyncio.run(_run(base_url, args.items, args.concurrency,
                                                      args.sequential_items, workdir))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    rate_seq = ok_seq / t_seq
    rate_con = ok_con / t_con
    print(f"server latency {args.latency * 1000:.0f} ms, {os.cpu_count()} CPUs, python {sys.version.split()[0]}")
    print(f"sequential (concurrency 1):  {ok_seq} items in {t_seq:.2f} s = {rate_seq:.2f} items/s ({req_seq} requests)")
    print(f"concurrent (concurrency {args.concurrency}): {ok_con} items in {t_con:.2f} s = {rate_con:.2f} items/s "
          f"({req_con} requests)")
    print(f"ratio: {rate_con / rate_seq:.1f}x (ideal {args.concurrency}x; target >= 15x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
