"""lmms-eval's own wrappers for the model families users compare against, on every task: the
runs and the checks both ``tests/test_builtin_wrappers_*.py`` files share.

Tiny random checkpoints (:mod:`lmms_emotion.testing.tiny_models`) of InstructBLIP,
LLaVA-1.5, LLaVA-OneVision, Qwen2.5-VL and Qwen3-VL, and lmms-eval's chat ``openai``
wrapper against the loopback server of :mod:`lmms_emotion.testing.fake_openai`, run every
``emovit_*`` and ``emobench_*`` task (images and videos, ``--limit 2``) through
``lmms-emotion eval`` and through plain ``lmms-eval eval --include_path``. To keep CI
cheap, each CLI runs once with lmms-eval's ``--config`` list (one process, one task
index); the tests below read what each configuration wrote. docs/models.md holds the
resulting table (family x image/video x batch).

The families are split over two test files (each runs its own two CLI processes' worth of
configurations), so the two pytest workers share the work: each test file sets ``SPECS``, and
the module fixtures below (and the shared checks of :mod:`tests.builtin_wrapper_checks`) read
the configurations of the file they run in.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.fixtures_data import read_results, read_samples, run_cli
from tests.fixtures_emobench import (
    EMOBENCH_SOURCES,
    EMOBENCH_TASKS,
    build_dataset,
    root_with_sources,
)

EMOVIT_TASKS = ("emovit_emoset", "emovit_fi", "emovit_emotion6", "emovit_emotionroi", "emovit_webemo25",
                "emovit_webemo7", "emovit_webemo2", "emovit_artphoto", "emovit_abstract", "emovit_unbiasedemo")
EVERY_TASK = EMOVIT_TASKS + EMOBENCH_TASKS
VIDEO_TASKS = tuple(t for t in EMOBENCH_TASKS if t.endswith("_video"))
LIMIT = 2
FRAMES = 4  # video_as_frames in the emobench template (instructblip, llava_hf), max_frames_num for openai
QWEN_ARGS = "device=cpu,device_map=cpu,min_pixels=3136,max_pixels=12544,max_num_frames=4"
MAX_TABLE_WIDTH = 160
# the tiny random models never stop on their own: every answer runs to max_new_tokens (32 in the
# task YAMLs); 8 tokens keep each answer several words long for the checks below at a quarter of the decoding
GEN_KWARGS = "max_new_tokens=8"
# characters of a batched answer that must match batch 1 exactly: about the first token or two. bf16
# near-ties of the random tiny Qwen models can tip any later token (seen: a batched answer that
# matched its first 14 characters of 8 tokens, under transformers 5.25)
SAME_PREFIX = 8


@dataclass(frozen=True)
class Spec:
    """One lmms-eval configuration: a family, the wrapper that runs it, a batch size."""

    family: str
    model: str
    fixture: str  # the tiny-model fixture giving pretrained=, or "server" for openai
    extra_args: str
    batch: int

    @property
    def name(self) -> str:
        return f"{self.family}-b{self.batch}"


ALL_SPECS = (
    Spec("instructblip", "instructblip", "tiny_instructblip_dir", "device=cpu", 1),
    Spec("llava-1.5", "llava_hf", "tiny_llava_dir", "device=cpu,device_map=cpu", 1),
    Spec("llava-onevision", "llava_hf", "tiny_llava_onevision_dir", "device=cpu,device_map=cpu", 1),
    Spec("qwen2.5-vl", "qwen2_5_vl", "tiny_qwen2_5_vl_dir", QWEN_ARGS, 1),
    Spec("qwen2.5-vl", "qwen2_5_vl", "tiny_qwen2_5_vl_dir", QWEN_ARGS, 8),
    Spec("qwen3-vl", "qwen3_vl", "tiny_qwen3_vl_dir", QWEN_ARGS, 1),
    Spec("qwen3-vl", "qwen3_vl", "tiny_qwen3_vl_dir", QWEN_ARGS, 8),
    Spec("openai", "openai", "server", f"model_version=tiny-fake,api_key=test-key,max_frames_num={FRAMES}", 1),
    Spec("openai", "openai", "server", f"model_version=tiny-fake,api_key=test-key,max_frames_num={FRAMES}", 8),
)


def specs_of(*families: str) -> tuple[Spec, ...]:
    """The configurations of ``families``, in :data:`ALL_SPECS` order."""
    assert set(families) <= {s.family for s in ALL_SPECS}, families
    return tuple(s for s in ALL_SPECS if s.family in families)


def plain_specs(specs) -> list[Spec]:
    """Plain lmms-eval runs batch 1 (batching is the wrapper's, not the CLI's)."""
    return [s for s in specs if s.batch == 1]


# --- data, server, runs ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def every_task_root(emobench_root: Path, tmp_path_factory) -> Path:
    """A data root where every emovit_* and emobench_* task has data (EmoBench's sources + the rest of EmoVIT's)."""
    from lmms_emotion.testing.raw_layouts import write_sample

    base = tmp_path_factory.mktemp("every_task")
    root = root_with_sources(emobench_root, base / "data", (*EMOBENCH_SOURCES, "emobench"))
    for dataset in ("webemo", "artphoto", "abstract", "unbiasedemo"):
        write_sample(dataset, base / "raw" / dataset)
        build_dataset([dataset, "--raw", str(base / "raw" / dataset)], root)
    return root


class _RecordingServer:
    """The loopback OpenAI-compatible server, recording how many images each request carried."""

    def __init__(self) -> None:
        from lmms_emotion.testing.fake_openai import FakeOpenAIServer

        images_per_request = self.images_per_request = []
        lock = threading.Lock()

        class Recording(FakeOpenAIServer):
            def _reply_content(self, body: dict, digest: str) -> tuple[str, bool]:
                parts = [p for m in body.get("messages", []) if isinstance(m.get("content"), list) for p in m["content"]]
                with lock:
                    images_per_request.append(sum(1 for p in parts if p.get("type") == "image_url"))
                return super()._reply_content(body, digest)

        self.server = Recording(api_key="test-key").start()

    @property
    def base_url(self) -> str:
        return self.server.base_url


@pytest.fixture(scope="module")
def openai_server():
    recording = _RecordingServer()
    yield recording
    recording.server.stop()


def _model_args(spec: Spec, request, server: _RecordingServer) -> str:
    if spec.fixture == "server":
        return f"{spec.extra_args},base_url={server.base_url}"
    return f"pretrained={request.getfixturevalue(spec.fixture)},{spec.extra_args}"


def _run_all(cli: list[str], specs, out: Path, root: Path, request, server) -> dict:
    configs = [{"model": s.model, "model_args": _model_args(s, request, server), "tasks": "emovit,emobench",
                "limit": LIMIT, "batch_size": s.batch, "gen_kwargs": GEN_KWARGS, "output_path": str(out / s.name), "log_samples": True}
               for s in specs]
    config_file = out / "runs.yaml"
    out.mkdir(parents=True, exist_ok=True)
    config_file.write_text(yaml.safe_dump(configs))
    # a process of its own: the bf16 Qwen answers compared across batch sizes and CLIs sit on
    # near-ties of random tiny models, which a test process's earlier allocations can tip
    # (seen in-process: a batch-8 answer leaving batch 1's after 10 characters in 2 of 5 suites)
    proc = run_cli([*cli, "--config", str(config_file)], data_root=root, timeout=900, isolated=True)
    return {"proc": proc, "out": out}


@pytest.fixture(scope="module")
def emotion_cli_runs(every_task_root, openai_server, tmp_path_factory, request) -> dict:
    """Every spec through ``lmms-emotion eval --config`` (one process)."""
    return _run_all(["lmms-emotion", "eval"], request.module.SPECS, tmp_path_factory.mktemp("emotion_cli"),
                    every_task_root, request, openai_server)


@pytest.fixture(scope="module")
def plain_cli_runs(every_task_root, openai_server, tmp_path_factory, request) -> dict:
    """The batch-1 specs through plain ``lmms-eval eval --include_path "$(lmms-emotion tasks-path)" --config``."""
    from lmms_emotion.task_configs import task_dir

    return _run_all(["lmms-eval", "eval", "--include_path", str(task_dir())], plain_specs(request.module.SPECS),
                    tmp_path_factory.mktemp("plain_cli"), every_task_root, request, openai_server)


def _expected_n(root: Path) -> dict[str, int]:
    """min(LIMIT, task size) per task: the number of samples each task must have answered."""
    from lmms_emotion.task_utils import read_task_docs

    sizes = {}
    for task in EVERY_TASK:
        folder = "emovit" if task.startswith("emovit_") else "emobench"
        index = Path(__file__).parents[1] / "task_configs" / folder / "_index" / f"{task}.jsonl"
        row = json.loads(index.read_text().splitlines()[0])
        sizes[task] = min(LIMIT, len(read_task_docs(row, root)))
    return sizes


def _responses(output: Path, task: str) -> dict[int, str]:
    out = {}
    for sample in read_samples(output, task):
        response = sample["filtered_resps"]
        out[sample["doc_id"]] = response[0] if isinstance(response, list) else response
    return out


def _check_spec_ran_every_task(runs: dict, spec: Spec, root: Path) -> None:
    proc, output = runs["proc"], runs["out"] / spec.name
    assert output.exists() and list(output.rglob("*_results.json")), (
        f"{spec.name}: no results written\n" + proc.stdout[-3000:] + proc.stderr[-5000:])
    results = read_results(output)
    for task, n in _expected_n(root).items():
        assert n > 0, f"{task} has no data in the test root"
        assert results["n-samples"][task]["effective"] == n, (spec.name, task)
        responses = _responses(output, task)
        assert len(responses) == n and all(isinstance(r, str) for r in responses.values()), (spec.name, task)
        assert set(results["results"][task]) >= {"acc,none", "macro_f1,none", "per_class_acc,none"}, (spec.name, task)
