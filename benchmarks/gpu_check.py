"""GPU check: full-size models with random weights (nothing downloaded), samples/s, peak memory and MFU.

What it runs, on one GPU, in well under 8 minutes:

1. ``emovit`` on InstructBLIP-Vicuna-7B shapes (EVA ViT-g 39 layers, Q-Former 12, Vicuna-7B 32;
   bf16), closed-set emotion requests on 640x480 JPEGs: generation (5 new tokens, the
   length of a label answer) and likelihood scoring (8 labels) at batch 1, 16, 64 and
   ``auto`` (the wrapper's own search, up to ``--auto-max``);
2. ``emollm`` on LLaVA-1.5-7B shapes (CLIP ViT-L/14-336, Vicuna-7B; the default MVP with all
   perspectives) at batch 16, closed-set generation;
3. one EmoVIT training step at batch 16 (the real Trainer loop of ``train_throughput.py
   --full-size``: frozen ViT and LLM in bf16, Q-Former trained under bf16 autocast).

Each line gives samples/s, peak GPU memory and model FLOPs utilisation (MFU: dense-matmul
FLOPs from the model shapes and the token counts actually run, counted by a hook on the
language model, over the card's bf16 peak; ``--peak-tflops`` overrides the table in
``train_throughput.py``). The test kit's tiny tokenizers stand in for Vicuna's and BERT's:
compute depends on shapes and token counts, not on the words.

``--smoke`` runs the same code on a CPU with every width divided by 8 and one layer per
stack, batch 1 and ``auto`` (2), one training step at batch 2, a few samples (a CI smoke
test, under a minute; its figures mean nothing)::

    python benchmarks/gpu_check.py            # or: sh benchmarks/gpu_check.sh
    python benchmarks/gpu_check.py --smoke
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling benchmark modules

from eval_throughput import PositionCounter, attach, make_docs, requests_for  # noqa: E402


@dataclass(frozen=True)
class Shapes:
    """Widths divided by ``divisor`` and depths, for the full-size builders."""

    divisor: int = 1
    vision_layers: int = 39
    qformer_layers: int = 12
    text_layers: int = 32
    clip_layers: int = 24

    def w(self, value: int) -> int:
        return value // self.divisor


def build_instructblip(device: str, dtype: Any, shapes: Shapes) -> tuple[Any, Any]:
    """InstructBLIP-Vicuna-7B's configuration (widths / ``divisor``), random weights on ``device``."""
    from lmms_emotion.testing.full_size import instructblip_vicuna_7b

    model, processor = instructblip_vicuna_7b(device, vision_layers=shapes.vision_layers,
                                              qformer_layers=shapes.qformer_layers, text_layers=shapes.text_layers,
                                              dtype=dtype, width_divisor=shapes.divisor)
    return model.eval(), processor


def build_llava_emollm(device: str, dtype: Any, shapes: Shapes) -> tuple[Any, Any]:
    """EmoLLM (default MVP) on LLaVA-1.5-7B's configuration (widths / ``divisor``), random weights."""
    import torch
    from transformers import CLIPImageProcessor, CLIPVisionConfig, LlamaConfig, LlavaConfig, LlavaForConditionalGeneration
    from transformers.image_utils import OPENAI_CLIP_MEAN, OPENAI_CLIP_STD

    from lmms_emotion.models.emollm_model import EmoLLMForConditionalGeneration, EmoLLMLlavaProcessor
    from lmms_emotion.models.mvp import MVPConfig
    from lmms_emotion.testing.tiny_models import VICUNA_CHAT_TEMPLATE, train_tiny_tokenizer

    tokenizer = train_tiny_tokenizer(None)
    vision = CLIPVisionConfig(hidden_size=shapes.w(1024), intermediate_size=shapes.w(4096),
                              num_hidden_layers=shapes.clip_layers, num_attention_heads=16, image_size=336,
                              patch_size=14, projection_dim=shapes.w(768))
    text = LlamaConfig(vocab_size=32064, hidden_size=shapes.w(4096), intermediate_size=shapes.w(11008),
                       num_hidden_layers=shapes.text_layers, num_attention_heads=32, num_key_value_heads=32,
                       max_position_embeddings=4096, rms_norm_eps=1e-5, bos_token_id=tokenizer.bos_token_id,
                       eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    config = LlavaConfig(vision_config=vision.to_dict(), text_config=text.to_dict(),
                         image_token_index=tokenizer.convert_tokens_to_ids(tokenizer.image_token),
                         image_seq_length=576, vision_feature_select_strategy="default", vision_feature_layer=-2,
                         projector_hidden_act="gelu")
    with torch.device(device):
        base = LlavaForConditionalGeneration._from_config(config, dtype=dtype)
        model = EmoLLMForConditionalGeneration.from_base_model(base, MVPConfig(), base_reference="llava-1.5-7b shapes")
    model.to(device=device, dtype=dtype)
    processor = EmoLLMLlavaProcessor(
        image_processor=CLIPImageProcessor(size={"shortest_edge": 336}, crop_size={"height": 336, "width": 336},
                                           image_mean=list(OPENAI_CLIP_MEAN), image_std=list(OPENAI_CLIP_STD)),
        tokenizer=tokenizer, patch_size=14, vision_feature_select_strategy="default", num_additional_image_tokens=1,
        chat_template=VICUNA_CHAT_TEMPLATE)
    processor.mvp_config = model.emollm_config.mvp
    return model.eval(), processor


# --- FLOPs (dense matmuls, 2 per multiply-add) ----------------------------------------------------


def vit_flops(hidden: int, ffn: int, layers: int, tokens: int) -> float:
    return float(layers * (2 * tokens * (4 * hidden * hidden + 2 * hidden * ffn) + 4 * tokens * tokens * hidden))


def llm_flops(text_config: Any, positions: int, head_rows: int) -> float:
    """Decoder layers over every computed position, plus the LM head over the rows whose logits are computed."""
    d, f, layers = text_config.hidden_size, text_config.intermediate_size, text_config.num_hidden_layers
    return float(positions * layers * 2 * (4 * d * d + 3 * d * f) + head_rows * 2 * d * text_config.vocab_size)


def instructblip_media_flops(config: Any, frames: int, instruction_tokens: int = 64) -> float:
    v, q = config.vision_config, config.qformer_config
    tv = (v.image_size // v.patch_size) ** 2 + 1
    n, dq, fq = config.num_query_tokens, q.hidden_size, q.intermediate_size
    cross = (q.num_hidden_layers + q.cross_attention_frequency - 1) // q.cross_attention_frequency
    qformer = (q.num_hidden_layers * 2 * (n + instruction_tokens) * (4 * dq * dq + 2 * dq * fq)
               + cross * (2 * n * 2 * dq * dq + 2 * tv * 2 * v.hidden_size * dq)
               + 2 * n * dq * config.text_config.hidden_size)
    return frames * (vit_flops(v.hidden_size, v.intermediate_size, v.num_hidden_layers, tv) + qformer)


def llava_media_flops(config: Any, images: int) -> float:
    v = config.vision_config
    tv = (v.image_size // v.patch_size) ** 2 + 1
    projector = 2 * (tv - 1) * (v.hidden_size * config.text_config.hidden_size + config.text_config.hidden_size ** 2)
    return images * (vit_flops(v.hidden_size, v.intermediate_size, v.num_hidden_layers, tv) + projector)


class RowCounter(PositionCounter):
    """Also counts rows per forward call (the LM head runs on each row's last position at least)."""

    def __init__(self, module) -> None:
        self.rows = 0
        super().__init__(module)

    def _hook(self, module, args, kwargs) -> None:
        super()._hook(module, args, kwargs)
        tensor = kwargs.get("inputs_embeds")
        if tensor is None:
            tensor = kwargs.get("input_ids", args[0] if args else None)
        self.rows += int(tensor.shape[0])


# --- running arms ----------------------------------------------------------------------------------


def time_arm(name: str, wrapper: Any, docs: list[dict], gen_kwargs: dict, lm: Any, text_config: Any,
             media_flops_per_sample: float, peak: float | None, passes: int) -> dict:
    """Warm-up pass on one batch, then ``passes`` timed passes over ``docs``; median samples/s."""
    import torch

    cuda = torch.cuda.is_available() and str(wrapper.device).startswith("cuda")
    attach(wrapper, docs)
    wrapper.generate_until(requests_for(docs[:max(1, min(len(docs), wrapper.batch_size))], gen_kwargs))
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    rates, flops = [], []
    for _ in range(passes):
        counter = RowCounter(lm)
        start = time.perf_counter()
        wrapper.generate_until(requests_for(docs, gen_kwargs))
        if cuda:
            torch.cuda.synchronize()
        seconds = time.perf_counter() - start
        counter.remove()
        rates.append(len(docs) / seconds)
        total = media_flops_per_sample * len(docs) + llm_flops(text_config, counter.positions, counter.rows)
        flops.append(total / seconds)
    result = {"name": name, "batch": wrapper.batch_size, "samples_per_s": statistics.median(rates),
              "tflops": statistics.median(flops) / 1e12}
    result["peak_gib"] = torch.cuda.max_memory_allocated() / 2**30 if cuda else None
    result["mfu"] = result["tflops"] / peak if peak else None
    return result


def docs_for(docs: list[dict], batch: int, smoke: bool) -> list[dict]:
    """Docs for one arm: 16 at batch 1, else 4 batches (smoke: 2 batches), repeating the written media."""
    wanted = (2 * batch if smoke else (16 if batch == 1 else 4 * batch))
    return [dict(docs[i % len(docs)], id=f"bench/{i}") for i in range(wanted)]


def line(result: dict) -> str:
    memory = f"{result['peak_gib']:6.1f} GiB" if result.get("peak_gib") is not None else "     n/a"
    mfu = f"{100 * result['mfu']:5.1f}%" if result.get("mfu") is not None else "  n/a"
    return (f"  {result['name']:44s} batch {result['batch']:>4}  {result['samples_per_s']:9.2f} samples/s  "
            f"peak {memory}  {result['tflops']:7.1f} TFLOP/s  MFU {mfu}")


def free(*objects: Any) -> None:
    import torch

    for obj in objects:
        del obj
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="CPU smoke test: widths / 8, one layer per stack")
    parser.add_argument("--device", default=None)
    parser.add_argument("--batch-sizes", default="1,16,64,auto")
    parser.add_argument("--auto-max", type=int, default=256, help="batch_size=auto searches down from here")
    parser.add_argument("--samples", type=int, default=0, help="distinct JPEGs written (arms repeat them)")
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--prefetch", type=int, default=4, help="decode/preprocess threads per wrapper")
    parser.add_argument("--peak-tflops", type=float, default=None)
    parser.add_argument("--skip", default="", help="comma-separated: emovit, emollm, train")
    args = parser.parse_args()

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ["TQDM_DISABLE"] = "1"
    warnings.filterwarnings("ignore")
    import torch
    from loguru import logger
    from transformers.utils import logging as hf_logging

    import train_throughput
    from lmms_emotion.models.emollm import EmoLLM
    from lmms_emotion.models.emovit import EmoVIT

    logger.remove()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    started = time.perf_counter()
    device = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    if args.smoke:
        shapes = Shapes(divisor=8, vision_layers=1, qformer_layers=2, text_layers=1, clip_layers=1)
        batch_sizes = ["1", "auto"]  # auto on a CPU: max_batch_size (2)
        args.auto_max = min(args.auto_max, 2)
        args.passes = 1
        train_batch, train_steps, train_warmup = 2, 1, 0
    else:
        shapes = Shapes()
        batch_sizes = [b.strip() for b in args.batch_sizes.split(",") if b.strip()]
        train_batch, train_steps, train_warmup = 16, 3, 1
    dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
    card = torch.cuda.get_device_name() if device.startswith("cuda") else "CPU"
    peak = train_throughput.peak_tflops(SimpleNamespace(peak_tflops=args.peak_tflops)) if device.startswith("cuda") \
        else None
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    print(f"device: {card} ({device}), {dtype}, torch {torch.__version__}, bf16 peak "
          f"{f'{peak:.0f} TFLOP/s' if peak else 'unknown (no MFU)'}; "
          f"{'SMOKE (widths / 8, 1 layer): figures are meaningless' if args.smoke else 'full-size shapes'}")

    folder = Path(tempfile.mkdtemp(prefix="lmms_emotion_gpu_check_"))
    docs, _ = make_docs(folder / "media", args.samples or (4 if args.smoke else 32), 0)
    results: list[dict] = []

    if "emovit" not in skip:
        model, processor = build_instructblip(device, dtype, shapes)
        print(f"InstructBLIP-Vicuna-7B shapes built in {time.perf_counter() - started:.0f}s "
              f"({sum(p.numel() for p in model.parameters()) / 1e9:.2f}B parameters)")

        class PreloadedEmoVIT(EmoVIT):
            def load_model(self, pretrained, *, dtype, device_map):
                self.install_components(model, processor)

        gen_kwargs = {"max_new_tokens": 5, "min_new_tokens": 5, "do_sample": False, "until": ["\n\n"]}
        media = instructblip_media_flops(model.config, 1)
        for scoring in ("generate", "likelihood"):
            for batch in batch_sizes:
                wrapper = PreloadedEmoVIT(pretrained="random InstructBLIP-Vicuna-7B", device=device, batch_size=batch,
                                          prefetch=args.prefetch,
                                          max_batch_size=args.auto_max if batch == "auto" else None, scoring=scoring)
                if batch == "auto":  # resolve first, so the timed docs cover a few batches of the size found
                    attach(wrapper, docs).generate_until(requests_for(docs[:1], gen_kwargs))
                arm_docs = docs_for(docs, wrapper.batch_size, args.smoke)
                label = f"emovit {'generation' if scoring == 'generate' else 'likelihood (8 labels)'}" + \
                    (" [auto]" if batch == "auto" else "")
                result = time_arm(label, wrapper, arm_docs, gen_kwargs, model.language_model, model.config.text_config,
                                  media, peak, args.passes)
                results.append(result)
                print(line(result), flush=True)
                free(wrapper)
        free(model, processor)

    if "emollm" not in skip:
        model, processor = build_llava_emollm(device, dtype, shapes)

        class PreloadedEmoLLM(EmoLLM):
            def load_model(self, pretrained, *, dtype, device_map):
                self.install_components(model, processor)

        batch = 2 if args.smoke else 16
        wrapper = PreloadedEmoLLM(pretrained="random LLaVA-1.5-7B", device=device, batch_size=batch,
                                  prefetch=args.prefetch)
        gen_kwargs = {"max_new_tokens": 5, "min_new_tokens": 5, "do_sample": False, "until": ["\n\n"]}
        emollm_docs = [dict(d, task="emotion_closed", text="") for d in docs]
        emollm_docs = docs_for(emollm_docs, batch, args.smoke)
        from lmms_emotion.scoring.hooks import doc_to_text

        for doc in emollm_docs:
            doc["prompt"] = doc_to_text(doc)
        result = time_arm("emollm generation (LLaVA-1.5-7B, MVP)", wrapper, emollm_docs, gen_kwargs,
                          model.base.model.language_model, model.base.config.text_config,
                          llava_media_flops(model.base.config, 1), peak, args.passes)
        results.append(result)
        print(line(result), flush=True)
        free(wrapper, model, processor)

    if "train" not in skip:
        def scaled_full_size_model(train_args, train_device):
            return build_instructblip(train_device, torch.bfloat16 if train_device.startswith("cuda") else
                                      torch.float32, shapes)

        train_throughput.full_size_model = scaled_full_size_model  # same recipe, our (possibly scaled) shapes
        train_args = SimpleNamespace(device=device, num_examples=max(train_batch * (train_steps + 1), 8),
                                     batch_size=train_batch, warmup_steps=train_warmup, steps=train_steps,
                                     gradient_checkpointing=False, count_flops=False, peak_tflops=args.peak_tflops,
                                     text_layers=shapes.text_layers, vision_layers=shapes.vision_layers,
                                     qformer_layers=shapes.qformer_layers)
        trained = train_throughput.full_size_emovit(train_args)
        result = {"name": "emovit training step (Trainer)", "batch": trained["batch"],
                  "samples_per_s": trained["samples_per_s"],
                  "tflops": trained["model_tflops_per_step"] / trained["step_s"],
                  "peak_gib": trained.get("peak_gpu_gib"), "mfu": trained.get("mfu")}
        results.append(result)
        print(line(result), flush=True)

    elapsed = time.perf_counter() - started
    print(f"total {elapsed:.0f}s{'' if elapsed < 480 else ' (over the 8-minute budget)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
