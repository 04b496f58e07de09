"""A tiny randomly initialised BLIP-2 captioner, saved with ``save_pretrained``.

Loads offline with the real classes the captioner uses
(``AutoModelForImageTextToText`` -> ``Blip2ForConditionalGeneration``, ``AutoProcessor``
-> ``Blip2Processor``), so ``lmms-emotion generate captions --model DIR`` runs end to end
on CPU in seconds. Its captions are deterministic gibberish from the test kit's tiny
vocabulary: what matters is the code path (batching, prompt stripping, caching).

Sizes: 32x32 images in 8x8 patches, vision and Q-Former width 32, 2 layers each,
``num_query_tokens`` queries, the test kit's tiny Llama decoder (width 64, 2 layers).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["build_tiny_blip2"]


def build_tiny_blip2(out_dir: str | os.PathLike, *, seed: int = 0, num_query_tokens: int = 4,
                     max_new_tokens: int = 8) -> Path:
    """Write a tiny ``Blip2ForConditionalGeneration`` + ``Blip2Processor`` folder; returns it."""
    from transformers import (
        Blip2Config,
        Blip2ForConditionalGeneration,
        Blip2Processor,
        Blip2QFormerConfig,
        Blip2VisionConfig,
        BlipImageProcessor,
    )
    from transformers.image_utils import OPENAI_CLIP_MEAN, OPENAI_CLIP_STD

    from lmms_emotion.testing.tiny_models import (
        SPECIAL_TOKENS,
        TINY_SIZES,
        _build_seeded,
        _llama_config,
        _save,
        train_tiny_tokenizer,
    )

    s = TINY_SIZES
    # The processor registers its own <image> AddedToken (see train_tiny_tokenizer's notes).
    tokenizer = train_tiny_tokenizer(None, chat_template=None, named_media_tokens=False)
    vision = Blip2VisionConfig(hidden_size=s["vision_hidden"], intermediate_size=2 * s["vision_hidden"],
                               num_hidden_layers=s["vision_layers"], num_attention_heads=4,
                               image_size=s["image_size"], patch_size=s["patch_size"], initializer_range=0.02)
    qformer = Blip2QFormerConfig(vocab_size=64, hidden_size=s["qformer_hidden"], num_hidden_layers=s["qformer_layers"],
                                 num_attention_heads=4, intermediate_size=2 * s["qformer_hidden"],
                                 hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
                                 max_position_embeddings=s["qformer_max_positions"], cross_attention_frequency=1,
                                 encoder_hidden_size=s["vision_hidden"])
    config = Blip2Config(vision_config=vision.to_dict(), qformer_config=qformer.to_dict(),
                         text_config=_llama_config(tokenizer).to_dict(), num_query_tokens=num_query_tokens,
                         image_token_index=tokenizer.convert_tokens_to_ids(SPECIAL_TOKENS["image"]))
    model = _build_seeded(Blip2ForConditionalGeneration, config, seed)
    image_processor = BlipImageProcessor(size={"height": s["image_size"], "width": s["image_size"]},
                                         image_mean=list(OPENAI_CLIP_MEAN), image_std=list(OPENAI_CLIP_STD),
                                         do_convert_rgb=True)
    processor = Blip2Processor(image_processor=image_processor, tokenizer=tokenizer,
                               num_query_tokens=num_query_tokens)
    out = _save(model, processor, tokenizer, out_dir)
    model.generation_config.max_new_tokens = max_new_tokens
    model.generation_config.save_pretrained(str(out))
    return out
