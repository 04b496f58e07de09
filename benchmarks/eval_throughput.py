"""Throughput of the ``emovit`` wrapper at batch 1/8/16 versus lmms-eval's built-in ``instructblip`` wrapper.

Both wrappers answer the same N generate_until requests (our closed-set emotion prompt in
EmoVIT's style, one image each) on the same checkpoint, through their real
``generate_until`` entry points. Every answer is forced to the same length (``min_new_tokens
= max_new_tokens``, also set on the built-in's generation config, which it reads), so the
rates compare the same work. The built-in wrapper supports batch 1 only.

Default: the tiny InstructBLIP of the test kit on CPU (what CI can run)::

    python benchmarks/eval_throughput.py                    # N=32, 16 new tokens, median of 3

``--full-size``: InstructBLIP-Vicuna-7B built from its configuration with random weights
(nothing downloaded; the tiny test-kit tokenizers stand in for Vicuna's and BERT's), in
bf16 on the GPU when there is one, also reporting peak GPU memory. Both wrappers get the
same in-memory model (the built-in wrapper's constructor would reload it in fp32)::

    python benchmarks/eval_throughput.py --full-size --num-samples 64 --max-new-tokens 32

``--text-layers/--vision-layers/--qformer-layers`` shrink the full-size depth (widths stay)
to smoke-test that path on a CPU.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path


def _docs(folder: Path, count: int, size: int) -> list[dict]:
    from lmms_emotion.prompts import apply_style, closed_set_prompt
    from lmms_emotion.taxonomy import get_label_set
    from lmms_emotion.testing.media_files import write_image

    labels = list(get_label_set("mikels8").labels)
    prompt = apply_style(closed_set_prompt(labels), "emovit")
    docs = []
    for i in range(count):
        path = write_image(folder / f"bench_{i}.jpg", seed=i, size=(size, size))
        docs.append({"id": f"bench/{i}", "label_set": "mikels8", "answer": labels[i % len(labels)],
                     "media_types": ["image"], "media_paths": [str(path)], "prompt": prompt})
    return docs


def _requests(docs: list[dict], gen_kwargs: dict) -> list:
    from lmms_eval.api.instance import Instance

    from lmms_emotion.task_utils import doc_to_visual

    return [Instance("generate_until", (d["prompt"], dict(gen_kwargs), doc_to_visual, i, "bench", "test"), idx=0,
                     metadata={"task": "bench", "doc_id": i, "repeats": 1}) for i, d in enumerate(docs)]


def _rate(model, docs: list[dict], gen_kwargs: dict, repeats: int) -> tuple[float, float, list[float]]:
    """Median samples/s over ``repeats`` timed passes (after one untimed warm-up pass on 2 docs).

    Returns the wall-clock rate, the rate per CPU-second of this process (steadier on a
    shared CPU, where other jobs stretch wall time), and the wall-clock rate of each pass.
    """
    import torch

    model.task_dict = {"bench": {"test": docs}}
    model.generate_until(_requests(docs[:2], gen_kwargs))
    rates, cpu_rates = [], []
    for _ in range(repeats):
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        start, cpu_start = time.perf_counter(), time.process_time()
        answers = model.generate_until(_requests(docs, gen_kwargs))
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        rates.append(len(docs) / (time.perf_counter() - start))
        cpu_rates.append(len(docs) / max(time.process_time() - cpu_start, 1e-9))
        if len(answers) != len(docs):
            raise SystemExit(f"{type(model).__name__} returned {len(answers)} answers for {len(docs)} requests")
    return statistics.median(rates), statistics.median(cpu_rates), rates


def _builtin_from_loaded(model, processor, device):
    """lmms-eval's ``instructblip`` wrapper around an in-memory model (its constructor only loads from disk)."""
    from lmms_eval.api.model import lmms
    from lmms_eval.models.simple.instructblip import InstructBLIP

    builtin = InstructBLIP.__new__(InstructBLIP)
    lmms.__init__(builtin)
    builtin._model, builtin._image_processor = model, processor
    builtin._tokenizer, builtin._config = processor.tokenizer, model.config
    builtin.batch_size_per_gpu, builtin._device = 1, device
    return builtin


def _full_size_components(args, device: str):
    """InstructBLIP-Vicuna-7B shapes (``--*-layers`` depths), random bf16 weights, stand-in tokenizers."""
    from lmms_emotion.testing.full_size import instructblip_vicuna_7b

    model, processor = instructblip_vicuna_7b(device, vision_layers=args.vision_layers,
                                              qformer_layers=args.qformer_layers, text_layers=args.text_layers)
    return model.eval(), processor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--num-samples", type=int, default=32)
    parser.add_argument("--max-new-tokens", type=int, default=16)
    parser.add_argument("--batch-sizes", default="1,8,16")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1,
                        help="torch CPU threads (default 1: steadier figures for a tiny model on a shared CPU; "
                             "0 keeps torch's default)")
    parser.add_argument("--full-size", action="store_true", help="InstructBLIP-Vicuna-7B shapes, random bf16 weights")
    parser.add_argument("--device", default=None, help="default: cuda when available, else cpu")
    parser.add_argument("--text-layers", type=int, default=32)
    parser.add_argument("--vision-layers", type=int, default=39)
    parser.add_argument("--qformer-layers", type=int, default=12)
    parser.add_argument("--skip-builtin", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    warnings.filterwarnings("ignore")
    import torch
    from lmms_emotion.models.emovit import EmoVIT
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    gen_kwargs = {"max_new_tokens": args.max_new_tokens, "min_new_tokens": args.max_new_tokens,
                  "do_sample": False, "until": ["\n\n"]}
    workdir = Path(tempfile.mkdtemp(prefix="lmms_emotion_throughput_"))

    if args.full_size:
        model, processor = _full_size_components(args, device)
        image_side = 224

        class Preloaded(EmoVIT):
            def load_model(self, pretrained, *, dtype, device_map):
                self.install_components(model, processor)

        def ours(batch_size: int):
            return Preloaded(pretrained="random-init InstructBLIP-Vicuna-7B", device=device, batch_size=batch_size)

        def builtin():
            return _builtin_from_loaded(model, processor, device)

        checkpoint = (f"InstructBLIP-Vicuna-7B shapes (text {args.text_layers} / vision {args.vision_layers} / "
                      f"Q-Former {args.qformer_layers} layers), random weights, bf16")
    else:
        from lmms_emotion.testing.tiny_models import build_tiny_instructblip

        model_dir = build_tiny_instructblip(workdir / "tiny_instructblip", seed=0)
        image_side = 32

        def ours(batch_size: int):
            return EmoVIT(pretrained=str(model_dir), device=device, batch_size=batch_size)

        def builtin():
            from lmms_eval.models.simple.instructblip import InstructBLIP

            return InstructBLIP(pretrained=str(model_dir), device=device, batch_size=1)

        checkpoint = "tiny InstructBLIP of the test kit (fp32)"

    docs = _docs(workdir, args.num_samples, image_side)
    print(f"checkpoint: {checkpoint}")
    print(f"device: {device}{f' ({torch.cuda.get_device_name()})' if device.startswith('cuda') else ''}, "
          f"torch threads {torch.get_num_threads()}, {args.num_samples} samples x {args.max_new_tokens} new tokens, "
          f"median of {args.repeats}")

    results: dict[str, float] = {}
    cpu_results: dict[str, float] = {}

    def record(name: str, wrapper) -> None:
        if device.startswith("cuda"):
            torch.cuda.reset_peak_memory_stats()
        rate, cpu_rate, runs = _rate(wrapper, docs, gen_kwargs, args.repeats)
        results[name], cpu_results[name] = rate, cpu_rate
        peak = (f"   peak GPU memory {torch.cuda.max_memory_allocated() / 2**30:.1f} GiB"
                if device.startswith("cuda") else f"   {cpu_rate:8.2f} per CPU-second")
        print(f"  {name:32s} {rate:8.2f} samples/s{peak}   (runs: {', '.join(f'{r:.2f}' for r in runs)})")

    for batch_size in batch_sizes:
        wrapper = ours(batch_size)
        record(f"emovit batch {batch_size}", wrapper)
        del wrapper
    reference_name = "instructblip (built-in) batch 1"
    if not args.skip_builtin:
        reference = builtin()
        reference.model.language_model.generation_config.min_new_tokens = args.max_new_tokens  # same work
        record(reference_name, reference)

    for title, table in (("wall clock", results), ("CPU time", cpu_results)):
        if device.startswith("cuda") and title == "CPU time":
            continue
        base = table.get(reference_name)
        one = table.get("emovit batch 1")
        if not base and not (one and len(table) > 1):
            continue
        print(f"ratios ({title}):")
        for name, value in table.items():
            if name.startswith("emovit"):
                versus = f"{value / base:6.2f}x the built-in wrapper" if base else ""
                own = f"{value / one:6.2f}x emovit batch 1" if one and name != "emovit batch 1" else ""
                print(f"  {name:32s} {versus}   {own}")


if __name__ == "__main__":
    sys.exit(main())
