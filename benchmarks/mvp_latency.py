"""Added latency of the MVP (``emollm``) over the base LLaVA projector.

Three measurements per base model, each the median of ``--repeats`` timed runs after a
warm-up, printed as milliseconds and as a ratio to the base model:

* **projector**: LLaVA's ``multi_modal_projector`` versus the MVP on the same vision
  features (a batch of images; for Video-LLaVA also a batch of videos), the projection alone;
* **forward**: one full forward pass (vision tower, projection, LLM prefill) of a batch of
  prompts with one image (Video-LLaVA: one video) each;
* **generate**: the same batch generating exactly ``--new-tokens`` tokens
  (``min_new_tokens = max_new_tokens``).

Each is run for the base model, the patch-only MVP (the base projector in MVP form: the
cost of the wrapper alone) and the full MVP (``patch+global+query+temporal``: its extra
compute *and* its extra tokens, which the LLM also reads; the token counts are printed).
The EmoLLM models share the base model's weights; inputs are random ids and pixels, so
no tokenizer or processor is involved and nothing is downloaded.

Default: the tiny LLaVA-1.5 and Video-LLaVA of the test kit, fp32 on CPU::

    python benchmarks/mvp_latency.py                       # batch 4, 16 new tokens, median of 5

``--full-size``: LLaVA-1.5-7B shapes (CLIP ViT-L/14-336, 576 patches; Vicuna-7B) and
Video-LLaVA-7B shapes (ViT-L/14-224 towers, 8 frames x 257 tokens; Vicuna-7B) built from
their configurations with random bf16 weights, on the GPU when there is one; peak GPU memory
is reported too. ``--text-layers`` / ``--vision-layers`` shrink the depth (widths stay) to
smoke-test that path on a CPU::

    python benchmarks/mvp_latency.py --full-size --batch-size 8 --new-tokens 32
    python benchmarks/mvp_latency.py --full-size --device cpu --dtype float32 --text-layers 1 --vision-layers 1 \\
        --repeats 1 --projector-repeats 1 --batch-size 1 --frames 2 --new-tokens 2
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

FULL_MVP = {"perspectives": ("patch", "global", "query", "temporal"), "num_queries": 8}


def _tiny_bases(folder: Path) -> dict:
    import transformers

    from lmms_emotion.testing.tiny_models import build_tiny_llava, build_tiny_video_llava

    return {
        "llava (tiny)": transformers.LlavaForConditionalGeneration.from_pretrained(build_tiny_llava(folder / "llava")),
        "video_llava (tiny)": transformers.VideoLlavaForConditionalGeneration.from_pretrained(
            build_tiny_video_llava(folder / "video_llava")),
    }


def _full_size_bases(args, device) -> dict:
    """LLaVA-1.5-7B and Video-LLaVA-7B shapes with random bf16 weights; nothing downloaded."""
    import torch
    from transformers import (
        CLIPVisionConfig,
        LlamaConfig,
        LlavaConfig,
        LlavaForConditionalGeneration,
        VideoLlavaConfig,
        VideoLlavaForConditionalGeneration,
    )

    text = LlamaConfig(vocab_size=32064, hidden_size=4096, intermediate_size=11008, num_hidden_layers=args.text_layers,
                       num_attention_heads=32, num_key_value_heads=32, max_position_embeddings=4096,
                       rms_norm_eps=1e-5, bos_token_id=1, eos_token_id=2, pad_token_id=0)

    def vision(image_size: int) -> CLIPVisionConfig:
        return CLIPVisionConfig(hidden_size=1024, intermediate_size=4096, num_hidden_layers=args.vision_layers,
                                num_attention_heads=16, image_size=image_size, patch_size=14, projection_dim=768,
                                hidden_act="quick_gelu")

    configs = {}
    if "llava" in args.bases:
        configs["llava-1.5-7b shapes"] = (LlavaForConditionalGeneration, LlavaConfig(
            vision_config=vision(336).to_dict(), text_config=text.to_dict(), image_token_index=32000,
            image_seq_length=576, vision_feature_layer=-2, vision_feature_select_strategy="default",
            projector_hidden_act="gelu"))
    if "video_llava" in args.bases:
        configs["video-llava-7b shapes"] = (VideoLlavaForConditionalGeneration, VideoLlavaConfig(
            vision_config=vision(224).to_dict(), text_config=text.to_dict(), image_token_index=32000,
            video_token_index=32001, image_seq_length=256, video_seq_length=8 * 257, vision_feature_layer=-2,
            vision_feature_select_strategy="default", projector_hidden_act="gelu"))
    dtype = {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}[args.dtype]
    bases = {}
    for name, (cls, config) in configs.items():
        with torch.device(device):
            bases[name] = cls._from_config(config, dtype=dtype)
    return bases


def _interleaved_medians(fns: dict[str, Callable[[], object]], repeats: int, sync: Callable[[], None]
                         ) -> dict[str, float]:
    """Median milliseconds of each function; the functions take turns in every repeat, so load drift hits all."""
    for fn in fns.values():  # warm-up
        fn()
    sync()
    times: dict[str, list[float]] = {label: [] for label in fns}
    for _ in range(repeats):
        for label, fn in fns.items():
            start = time.perf_counter()
            fn()
            sync()
            times[label].append((time.perf_counter() - start) * 1000)
    return {label: statistics.median(values) for label, values in times.items()}


def _inputs(base, media_tokens: int, args, device, video: bool):
    """Random prompts ``[placeholders][text]`` (batch) and pixels; placeholders counted for the given projector."""
    import torch

    config = base.config
    generator = torch.Generator().manual_seed(0)
    batch, text_len = args.batch_size, args.text_tokens
    ids = torch.randint(3, 30000 if config.text_config.vocab_size > 30000 else config.text_config.vocab_size - 3,
                        (batch, text_len), generator=generator)
    placeholder = config.video_token_id if video else config.image_token_id
    input_ids = torch.cat([torch.full((batch, media_tokens), placeholder), ids], dim=1).to(device)
    side = config.vision_config.image_size
    dtype = base.dtype
    if video:
        pixels = {"pixel_values_videos": torch.randn(batch, args.frames, 3, side, side, generator=generator)
                  .to(device, dtype)}
    else:
        pixels = {"pixel_values": torch.randn(batch, 3, side, side, generator=generator).to(device, dtype)}
    return {"input_ids": input_ids, "attention_mask": torch.ones_like(input_ids), **pixels}


def _vision_features(base, pixels: dict, video: bool):
    """What the projector receives: images ``(n, tokens, width)``; videos ``(n, frames, tokens, width)``."""
    import torch

    model = base.model
    layer = base.config.vision_feature_layer
    with torch.no_grad():
        if video:
            values = pixels["pixel_values_videos"]
            n, frames = values.shape[:2]
            hidden = model.video_tower(values.flatten(0, 1), output_hidden_states=True).hidden_states[layer]
            return hidden.reshape(n, frames, *hidden.shape[1:])
        tower = model.image_tower if hasattr(model, "image_tower") else model.vision_tower
        hidden = tower(pixels["pixel_values"], output_hidden_states=True).hidden_states[layer]
        return hidden[:, 1:]  # the default strategy drops CLS for images


def _bench_base(name: str, base, args, device, sync) -> list[tuple]:
    import torch

    from lmms_emotion.models.emollm_model import EmoLLMConfig, EmoLLMForConditionalGeneration
    from lmms_emotion.models.mvp import MultiPerspectiveProjector, MVPConfig

    base.eval()
    video = hasattr(base.model, "video_tower")
    heads = 8 if base.config.vision_config.hidden_size % 8 == 0 else 4
    projector = base.model.multi_modal_projector
    act = str(base.config.projector_hidden_act)
    configs = {"patch-only MVP": MVPConfig(perspectives=("patch",)),
               "full MVP": MVPConfig(**FULL_MVP, query_heads=heads, temporal_heads=heads)}
    mvps = {label: MultiPerspectiveProjector.from_projector(projector, config, act=act).eval()
            for label, config in configs.items()}
    probe = _inputs(base, 1, args, device, video)
    features = _vision_features(base, {k: v for k, v in probe.items() if k.startswith("pixel")}, video)
    frames, per_item = (features.shape[1], features.shape[2]) if video else (1, features.shape[1])
    counts = {"base": frames * per_item}
    for label, mvp in mvps.items():
        counts[label] = (mvp.config.video_token_count(frames, per_item) if video
                         else mvp.config.image_token_count(per_item))

    # the projection alone
    flat = features.flatten(0, 1) if video else features
    projections = {"base projector": lambda: projector(flat)}
    for label, mvp in mvps.items():
        projections[label] = (lambda m=mvp: m.forward_video(features)) if video else (lambda m=mvp: m(features))
    with torch.no_grad():
        projector_ms = _interleaved_medians(projections, args.projector_repeats, sync)

    # whole forward and generation; the EmoLLM models share the base's weights, each puts its MVP in place per call
    wrappers = {label: EmoLLMForConditionalGeneration(EmoLLMConfig(base=name, base_class=type(base).__name__,
                                                                   mvp=mvp.config, projector=mvp.shape), base, mvp)
                for label, mvp in mvps.items()}
    base.model.multi_modal_projector = projector
    inputs = {"base": _inputs(base, counts["base"], args, device, video)}
    inputs.update({label: _inputs(base, counts[label], args, device, video) for label in mvps})
    generation = {"max_new_tokens": args.new_tokens, "min_new_tokens": args.new_tokens, "do_sample": False}

    def run(label: str, method: str):
        module = mvps.get(label, projector)
        model = wrappers.get(label, base)

        def call():
            base.model.multi_modal_projector = module
            return model(**inputs[label]) if method == "forward" else model.generate(**inputs[label], **generation)

        return call

    with torch.no_grad():
        forward_ms = _interleaved_medians({"base model": run("base", "forward"),
                                           **{label: run(label, "forward") for label in mvps}}, args.repeats, sync)
        generate_ms = _interleaved_medians({"base model": run("base", "generate"),
                                            **{label: run(label, "generate") for label in mvps}}, args.repeats, sync)
    base.model.multi_modal_projector = projector

    rows = []
    for measure, results in (("projector", projector_ms), ("forward", forward_ms), ("generate", generate_ms)):
        reference = next(iter(results.values()))
        for label, ms in results.items():
            count = counts.get(label, counts["base"])
            rows.append((name, measure, label, count, ms, ms / reference))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--text-tokens", type=int, default=48, help="prompt tokens after the media placeholders")
    parser.add_argument("--new-tokens", type=int, default=16)
    parser.add_argument("--frames", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs of forward / generate")
    parser.add_argument("--projector-repeats", type=int, default=50, help="timed runs of the projector alone")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads (1 keeps shared machines steady)")
    parser.add_argument("--full-size", action="store_true", help="LLaVA-1.5-7B / Video-LLaVA-7B shapes, bf16")
    parser.add_argument("--bases", default="llava,video_llava", help="full size: which bases (comma separated)")
    parser.add_argument("--device", default=None, help="default: cuda when available, else cpu")
    parser.add_argument("--dtype", default="bfloat16", choices=("bfloat16", "float16", "float32"),
                        help="full size: weight dtype (float32 for a quick CPU smoke test)")
    parser.add_argument("--text-layers", type=int, default=32)
    parser.add_argument("--vision-layers", type=int, default=24)
    args = parser.parse_args()

    import torch

    warnings.filterwarnings("ignore")
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    if device.type == "cpu":
        torch.set_num_threads(args.threads)

    def sync() -> None:
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    with tempfile.TemporaryDirectory() as tmp:
        bases = _full_size_bases(args, device) if args.full_size else _tiny_bases(Path(tmp))
        rows = []
        for name, base in bases.items():
            base.to(device)
            if device.type == "cuda":
                torch.cuda.reset_peak_memory_stats(device)
            rows.extend(_bench_base(name, base, args, device, sync))
            if device.type == "cuda":
                peak = torch.cuda.max_memory_allocated(device) / 2**30
                print(f"{name}: peak GPU memory {peak:.1f} GiB", file=sys.stderr)

    dtype = args.dtype if args.full_size else "float32"
    print(f"device={device} dtype={dtype} batch={args.batch_size} text_tokens={args.text_tokens} "
          f"new_tokens={args.new_tokens} frames={args.frames} repeats={args.repeats}/{args.projector_repeats} "
          f"threads={torch.get_num_threads()} torch={torch.__version__}")
    print(f"{'model':<22} {'measure':<10} {'variant':<16} {'media tokens':>12} {'ms':>10} {'vs base':>8}")
    for name, measure, label, count, ms, ratio in rows:
        print(f"{name:<22} {measure:<10} {label:<16} {count:>12} {ms:>10.2f} {ratio:>7.2f}x")


if __name__ == "__main__":
    main()
