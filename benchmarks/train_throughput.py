"""Training throughput and peak memory of the EmoVIT and EmoLLM recipes (the real Trainer loop).

Each recipe runs in its own process (so peak memory is its own) through the same code as
``lmms-emotion train``: the recipe's ``build`` (data checks, model, trainable set, dataset,
collator), then ``transformers.Trainer``. The first ``--warmup-steps`` optimizer steps are
not timed; samples/s is over the next ``--steps``.

Default: the test kit's tiny models on CPU (EmoVIT: tiny InstructBLIP with 32 queries;
EmoLLM: tiny LLaVA with MVP + LoRA), synthetic colour-coded images::

    python benchmarks/train_throughput.py                      # both recipes, batch 8

``--full-size`` (a GPU): one EmoVIT step on InstructBLIP-Vicuna-7B built from its
configuration with random weights (nothing downloaded; the test kit's tokenizers stand in
for Vicuna's and BERT's), frozen ViT and LLM in bf16, trained modules in fp32 under bf16
autocast, reporting samples/s, peak GPU memory and model FLOPs utilisation::

    python benchmarks/train_throughput.py --full-size --batch-size 8 --steps 10

``--text-layers/--vision-layers/--qformer-layers`` shrink the full-size depth (widths stay)
to smoke-test that path on a CPU.

Model FLOPs of one EmoVIT step (dense matmuls, 2 FLOPs per multiply-add; B samples; T_v =
257 ViT tokens; n = 32 queries, t = Q-Former instruction tokens, T = LLM tokens; d/f the
widths and FFN widths; L the depths; V the vocabulary)::

    ViT    (forward only: frozen, nothing flows back into it)
           F_vit = L_v [2 T_v (4 d_v^2 + 2 d_v f_v) + 4 T_v^2 d_v]
    Q-Former (forward, then backward for weights and activations = 2x forward)
           F_q = L_q [2 (n+t) (4 d_q^2 + 2 d_q f_q) + 4 (n+t)^2 d_q]
                 + L_q/2 [2 n 2 d_q^2 + 2 T_v 2 d_v d_q + 4 n T_v d_q]     (cross-attention)
           + projection 2 n d_q d
    LLM    (frozen, but the gradient must reach the query embeddings: the backward computes
           activation gradients only = 1x forward)
           F_llm = L [2 T (4 d^2 + 3 d f) + 4 T^2 d] + 2 T d V
    step   = B [F_vit + 3 (F_q + projection) + 2 F_llm]
    MFU    = step FLOPs / (step seconds x peak bf16 FLOP/s)

``--count-flops`` also counts the FLOPs torch actually runs in one step
(``torch.utils.flop_counter``), as a check of the formula (it includes attention's softmax
side and the cross-attention key/value recomputation per frame, which the formula ignores).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PEAK_BF16_TFLOPS = {"H200": 989.4, "H100 SXM": 989.4, "H100 80GB HBM3": 989.4, "H100 PCIe": 756.0, "H100": 989.4,
                    "A100": 312.0, "L40S": 362.1, "A10G": 125.0}
"""Dense bf16 peak by device name (NVIDIA data sheets); --peak-tflops overrides."""


# --- data --------------------------------------------------------------------------------------


def colour_records(folder: Path, count: int, size: int) -> Path:
    """``count`` colour-coded single-image classification records (8 Mikels emotions) and their media."""
    from lmms_emotion.scoring.labels import MIKELS8
    from lmms_emotion.testing.media_files import write_image

    colours = ["red", "lime", "blue", "yellow", "cyan", "magenta", "white", "black"]
    rows = []
    for i in range(count):
        label = MIKELS8.labels[i % 8]
        rel = f"img/{i:05d}.jpg"
        write_image(folder / "media" / rel, seed=i, size=(size, size), color=colours[i % 8])
        rows.append({"id": f"bench/train/{i}", "task": "emotion_closed", "source": "bench", "split": "train",
                     "media": [{"type": "image", "path": rel}], "text": "", "label_set": "mikels8",
                     "answer": label, "meta": {}})
    file = folder / "train.jsonl"
    file.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return file


# --- timing -------------------------------------------------------------------------------------


def timing_callback(warmup: int):
    from transformers import TrainerCallback

    class Timer(TrainerCallback):
        """Wall time of the optimizer steps after ``warmup``."""

        def __init__(self) -> None:
            self.start = None
            self.end = None

        @staticmethod
        def _now() -> float:
            import torch

            if torch.cuda.is_available():
                torch.cuda.synchronize()
            return time.perf_counter()

        def on_step_begin(self, args, state, control, **kwargs):
            if state.global_step == warmup and self.start is None:
                self.start = self._now()
            return control

        def on_step_end(self, args, state, control, **kwargs):
            self.end = self._now()
            return control

    return Timer()


def run_parts(config, parts, warmup: int, steps: int) -> dict:
    """Train ``warmup + steps`` steps with the recipe's Trainer; samples/s over the timed steps."""
    import torch

    from lmms_emotion.training import trainer_run

    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
    timer = timing_callback(warmup)
    parts.callbacks = [*parts.callbacks, timer]
    trainer = trainer_run.build_trainer(config, parts, save_strategy="no")
    trainer.train()
    seconds = timer.end - timer.start
    samples = steps * config.per_device_train_batch_size * config.gradient_accumulation_steps
    result = {"samples_per_s": samples / seconds, "step_s": seconds / steps, "steps": steps,
              "batch": config.per_device_train_batch_size, "device": str(trainer.args.device),
              "precision": config.mixed_precision_name}
    if torch.cuda.is_available():
        result["peak_gpu_gib"] = torch.cuda.max_memory_allocated() / 2**30
    result["peak_rss_gib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    return result


# --- the recipes on the tiny models -------------------------------------------------------------


def tiny_recipe(recipe: str, args) -> dict:
    import torch

    from lmms_emotion.testing.tiny_models import build_tiny_instructblip, build_tiny_llava

    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        records = colour_records(tmp / "data", args.num_examples, 48)
        common = dict(data=[str(records)], output_dir=str(tmp / "out"), max_steps=args.warmup_steps + args.steps,
                      learning_rate=1e-4, warmup_steps=0, per_device_train_batch_size=args.batch_size,
                      logging_steps=10**6, disable_tqdm=True, precision="fp32", report_to=["none"])
        if recipe == "emovit":
            from lmms_emotion.training import emovit_recipe
            from lmms_emotion.training.args import recipe_arguments

            base = build_tiny_instructblip(tmp / "base", seed=0, num_query_tokens=32)
            recipe_args, config = recipe_arguments("emovit", base=str(base), **common)
            parts = emovit_recipe.build(recipe_args, config)
        else:
            from lmms_emotion.training import emollm_recipe
            from lmms_emotion.training.args import recipe_arguments

            base = build_tiny_llava(tmp / "base", seed=0)
            recipe_args, config = recipe_arguments("emollm", base=str(base), gradient_checkpointing=False, **common)
            parts = emollm_recipe.build(recipe_args, config)
        result = run_parts(config, parts, args.warmup_steps, args.steps)
        result.update(recipe=recipe, model="tiny", trainable=parts.trainable_summary["trainable_parameters"],
                      total=parts.trainable_summary["trainable_parameters"]
                      + parts.trainable_summary["frozen_parameters"])
        if args.count_flops and recipe == "emovit":
            result.update(flops_check(parts, config))
        return result


# --- EmoVIT at full size -------------------------------------------------------------------------


def full_size_model(args, device: str):
    """InstructBLIP-Vicuna-7B shapes (``--*-layers`` depths), random bf16 weights, stand-in tokenizers."""
    from lmms_emotion.testing.full_size import instructblip_vicuna_7b

    model, processor = instructblip_vicuna_7b(device, vision_layers=args.vision_layers,
                                              qformer_layers=args.qformer_layers, text_layers=args.text_layers)
    return model, processor


def full_size_emovit(args) -> dict:
    import torch

    from lmms_emotion.training.args import recipe_arguments
    from lmms_emotion.training.collators import EmoVITCollator
    from lmms_emotion.training.data import load_examples
    from lmms_emotion.training.dataset import ExampleDataset, RandomResizedCropFlip
    from lmms_emotion.training.emovit_recipe import set_emovit_trainable
    from lmms_emotion.training.trainer_run import RecipeParts

    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    precision = "bf16" if device.startswith("cuda") else "fp32"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        records = colour_records(tmp / "data", args.num_examples, 256)
        model, processor = full_size_model(args, device)
        summary = set_emovit_trainable(model)
        for param in model.parameters():  # AMP master weights for what trains; frozen stays bf16
            if param.requires_grad:
                param.data = param.data.float()
        if precision == "fp32":
            model.float()
        _, config = recipe_arguments("emovit", base="(in memory)", data=[str(records)], output_dir=str(tmp / "out"),
                              max_steps=args.warmup_steps + args.steps, learning_rate=1e-5, warmup_steps=0,
                              per_device_train_batch_size=args.batch_size, logging_steps=10**6, disable_tqdm=True,
                              precision=precision, gradient_checkpointing=args.gradient_checkpointing)
        examples = load_examples([records])
        dataset = ExampleDataset(examples, augment=RandomResizedCropFlip((224, 224)), seed=42)
        collator = EmoVITCollator(processor, image_token_id=int(model.config.image_token_id), num_query_tokens=32)
        parts = RecipeParts(model=model, processor=processor, dataset=dataset, collator=collator,
                            write_final=lambda trainer, out: {}, eval_model="emovit", trainable_summary=summary)
        result = run_parts(config, parts, args.warmup_steps, args.steps)
        batch = collator([dataset[i] for i in range(args.batch_size)])
        flops = emovit_step_flops(model.config, batch)
        result.update(recipe="emovit", model="InstructBLIP-Vicuna-7B shapes, random weights",
                      layers={"vision": args.vision_layers, "qformer": args.qformer_layers, "text": args.text_layers},
                      trainable=summary["trainable_parameters"],
                      total=summary["trainable_parameters"] + summary["frozen_parameters"],
                      llm_tokens_per_sample=batch["input_ids"].shape[1], model_tflops_per_step=flops / 1e12,
                      gradient_checkpointing=args.gradient_checkpointing)
        peak = peak_tflops(args)
        if peak:
            result["peak_tflops"] = peak
            result["mfu"] = flops / result["step_s"] / (peak * 1e12)
        if args.count_flops:
            result.update(flops_check(parts, config, batch))
        return result


def emovit_step_flops(config, batch) -> float:
    """The docstring's formula for one EmoVIT step on ``batch`` (padded lengths)."""
    v, q, x = config.vision_config, config.qformer_config, config.text_config
    samples = batch["input_ids"].shape[0]
    frames = batch["pixel_values"].shape[0]
    tv = (v.image_size // v.patch_size) ** 2 + 1
    n, t, tokens = config.num_query_tokens, batch["qformer_input_ids"].shape[1], batch["input_ids"].shape[1]
    dv, fv, dq, fq, d, f = v.hidden_size, v.intermediate_size, q.hidden_size, q.intermediate_size, x.hidden_size, \
        x.intermediate_size
    vit = v.num_hidden_layers * (2 * tv * (4 * dv * dv + 2 * dv * fv) + 4 * tv * tv * dv)
    cross_layers = (q.num_hidden_layers + q.cross_attention_frequency - 1) // q.cross_attention_frequency
    qformer = (q.num_hidden_layers * (2 * (n + t) * (4 * dq * dq + 2 * dq * fq) + 4 * (n + t) ** 2 * dq)
               + cross_layers * (2 * n * 2 * dq * dq + 2 * tv * 2 * dv * dq + 4 * n * tv * dq)
               + 2 * n * dq * d)
    llm = x.num_hidden_layers * (2 * tokens * (4 * d * d + 3 * d * f) + 4 * tokens * tokens * d) \
        + 2 * tokens * d * x.vocab_size
    return float(frames * (vit + 3 * qformer) + samples * 2 * llm)


def flops_check(parts, config, batch=None) -> dict:
    """FLOPs torch runs for one forward + backward on a batch (torch.utils.flop_counter), and the formula's."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    model = parts.model
    if batch is None:
        batch = parts.collator([parts.dataset[i] for i in range(config.per_device_train_batch_size)])
    device = next(model.parameters()).device
    batch = {k: v.to(device) for k, v in batch.items()}
    autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda")
    model.train()
    with FlopCounterMode(display=False) as counter, autocast:
        model(**batch).loss.backward()
    model.zero_grad(set_to_none=True)
    return {"counted_tflops_per_step": counter.get_total_flops() / 1e12,
            "formula_tflops_per_step": emovit_step_flops(model.config, batch) / 1e12}


def peak_tflops(args) -> float | None:
    import torch

    if args.peak_tflops:
        return args.peak_tflops
    if not torch.cuda.is_available():
        return None
    name = torch.cuda.get_device_name()
    for key, value in PEAK_BF16_TFLOPS.items():
        if key in name:
            return value
    return None


# --- driver ---------------------------------------------------------------------------------------


def child(args) -> None:
    result = full_size_emovit(args) if args.full_size else tiny_recipe(args.recipe, args)
    print("RESULT " + json.dumps(result), flush=True)


def report(result: dict) -> str:
    parts = [f"{result['recipe']:7s} {result['model']}: {result['samples_per_s']:.2f} samples/s "
             f"({result['step_s'] * 1000:.1f} ms/step, batch {result['batch']}, {result['precision']}, "
             f"{result['device']})"]
    if "peak_gpu_gib" in result:
        parts.append(f"peak GPU memory {result['peak_gpu_gib']:.2f} GiB")
    parts.append(f"peak RSS {result['peak_rss_gib']:.2f} GiB")
    parts.append(f"trainable {result['trainable']:,} of {result['total']:,} parameters")
    if "model_tflops_per_step" in result:
        parts.append(f"model FLOPs {result['model_tflops_per_step']:.2f} TFLOP/step")
    if "mfu" in result:
        parts.append(f"MFU {100 * result['mfu']:.1f}% of {result['peak_tflops']:.0f} TFLOP/s")
    elif "model_tflops_per_step" in result:
        parts.append("MFU n/a (no GPU peak known; --peak-tflops)")
    if "counted_tflops_per_step" in result:
        parts.append(f"FLOPs counted by torch {result['counted_tflops_per_step']:.4g} vs formula "
                     f"{result['formula_tflops_per_step']:.4g} TFLOP/step")
    return "; ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipes", default="emovit,emollm", help="tiny mode: which recipes (comma-separated)")
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--steps", type=int, default=20, help="timed optimizer steps")
    parser.add_argument("--warmup-steps", type=int, default=3, help="untimed steps first")
    parser.add_argument("--num-examples", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1, help="CPU threads (tiny mode)")
    parser.add_argument("--full-size", action="store_true", help="EmoVIT on InstructBLIP-Vicuna-7B shapes (a GPU)")
    parser.add_argument("--device", default=None)
    parser.add_argument("--text-layers", type=int, default=32)
    parser.add_argument("--vision-layers", type=int, default=39)
    parser.add_argument("--qformer-layers", type=int, default=12)
    parser.add_argument("--gradient-checkpointing", action="store_true")
    parser.add_argument("--count-flops", action="store_true", help="also count one step's FLOPs with torch")
    parser.add_argument("--peak-tflops", type=float, default=None, help="device bf16 peak for MFU")
    parser.add_argument("--recipe", default=None, help=argparse.SUPPRESS)  # internal: the child process
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if args.recipe or (args.full_size and os.environ.get("_TRAIN_BENCH_CHILD")):
        child(args)
        return
    recipes = ["emovit"] if args.full_size else [r.strip() for r in args.recipes.split(",") if r.strip()]
    for recipe in recipes:
        command = [sys.executable, __file__, *sys.argv[1:]]
        if not args.full_size:
            command += ["--recipe", recipe]
        env = {**os.environ, "_TRAIN_BENCH_CHILD": "1", "OMP_NUM_THREADS": str(args.threads)}
        proc = subprocess.run(command, env=env, capture_output=True, text=True)
        line = next((l for l in proc.stdout.splitlines() if l.startswith("RESULT ")), None)
        if proc.returncode != 0 or line is None:
            sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-5000:])
            raise SystemExit(f"{recipe}: the benchmark process failed")
        print(report(json.loads(line[len("RESULT "):])), flush=True)


if __name__ == "__main__":
    main()
