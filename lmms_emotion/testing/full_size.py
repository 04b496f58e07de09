"""Full-size model shapes with random weights, for benchmarks on a GPU (nothing downloaded).

The tokenizers are the test kit's tiny stand-ins: the benchmarks feed token ids and pixels
and measure compute, which depends on the model's shapes and not on its vocabulary's words.
"""

from __future__ import annotations

from typing import Any

INSTRUCTBLIP_VICUNA_7B_LAYERS = {"vision": 39, "qformer": 12, "text": 32}
"""Depths of InstructBLIP-Vicuna-7B: EVA ViT-g, BERT-base Q-Former, Vicuna-7B."""


def instructblip_vicuna_7b(device: str, *, vision_layers: int = 39, qformer_layers: int = 12, text_layers: int = 32,
                           dtype: Any = None, width_divisor: int = 1) -> tuple[Any, Any]:
    """InstructBLIP-Vicuna-7B's widths (depths overridable) with random weights on ``device``, and a processor.

    ``dtype`` defaults to bfloat16. Fewer layers keep the widths, so the same code path can
    be smoke-tested on a CPU; ``width_divisor`` > 1 also shrinks every width (CPU smoke runs
    of benchmarks/gpu_check.py).
    """

    def w(width: int) -> int:
        return width // width_divisor

    import torch
    from transformers import (
        BlipImageProcessor,
        InstructBlipConfig,
        InstructBlipForConditionalGeneration,
        InstructBlipProcessor,
        InstructBlipQFormerConfig,
        InstructBlipVisionConfig,
        LlamaConfig,
    )
    from transformers.image_utils import OPENAI_CLIP_MEAN, OPENAI_CLIP_STD

    from lmms_emotion.testing.tiny_models import train_tiny_qformer_tokenizer, train_tiny_tokenizer

    tokenizer = train_tiny_tokenizer(None, chat_template=None, named_media_tokens=False)
    qformer_tokenizer = train_tiny_qformer_tokenizer(None)
    vision = InstructBlipVisionConfig(image_size=224, patch_size=14, hidden_size=w(1408), intermediate_size=w(6144),
                                      num_hidden_layers=vision_layers, num_attention_heads=16)
    qformer = InstructBlipQFormerConfig(vocab_size=30523, hidden_size=w(768), num_hidden_layers=qformer_layers,
                                        num_attention_heads=12, intermediate_size=w(3072), cross_attention_frequency=2,
                                        encoder_hidden_size=w(1408))
    text = LlamaConfig(vocab_size=32001, hidden_size=w(4096), intermediate_size=w(11008),
                       num_hidden_layers=text_layers, num_attention_heads=32, num_key_value_heads=32,
                       max_position_embeddings=2048, rms_norm_eps=1e-6, bos_token_id=tokenizer.bos_token_id,
                       eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    config = InstructBlipConfig(vision_config=vision.to_dict(), qformer_config=qformer.to_dict(),
                                text_config=text.to_dict(), num_query_tokens=32,
                                image_token_index=tokenizer.convert_tokens_to_ids("<image>"))
    with torch.device(device):
        model = InstructBlipForConditionalGeneration._from_config(config, dtype=dtype or torch.bfloat16)
    processor = InstructBlipProcessor(
        image_processor=BlipImageProcessor(size={"height": 224, "width": 224}, image_mean=list(OPENAI_CLIP_MEAN),
                                           image_std=list(OPENAI_CLIP_STD), do_convert_rgb=True),
        tokenizer=tokenizer, qformer_tokenizer=qformer_tokenizer, num_query_tokens=32)
    return model, processor
