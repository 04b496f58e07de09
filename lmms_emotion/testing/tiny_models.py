"""Tiny randomly initialised InstructBLIP, LLaVA-1.5, Video-LLaVA, LLaVA-OneVision, Qwen2.5-VL
and Qwen3-VL checkpoints.

Each builder writes a complete ``save_pretrained`` folder (model, generation config,
processor, tokenizer(s), chat template) that loads offline with the real classes::

    InstructBlipForConditionalGeneration.from_pretrained(d); InstructBlipProcessor.from_pretrained(d)
    LlavaForConditionalGeneration.from_pretrained(d);        LlavaProcessor.from_pretrained(d)
    VideoLlavaForConditionalGeneration.from_pretrained(d);   VideoLlavaProcessor.from_pretrained(d)

(and ``LlavaOnevision*``, ``Qwen2_5_VL*``, ``Qwen3VL*`` likewise, through ``AutoProcessor`` /
``AutoModelForImageTextToText`` too), so wrappers (ours and lmms-eval's own ``instructblip``,
``llava_hf``, ``qwen2_5_vl``, ``qwen3_vl``), tasks and training recipes run end to end on CPU
in seconds. Weights are a
deterministic function of ``seed``; everything is fp32. The architectures keep what the
code paths depend on (a Q-Former with cross-attention and query tokens; a CLIP tower
with a CLS token, ``vision_feature_layer=-2`` and the ``default`` strategy; the 2-layer
GELU projector; a Llama decoder with grouped-query attention) at toy widths.

Sizes (see :data:`TINY_SIZES`): vision and Q-Former width 32, language model width 64,
2 layers each, 32x32 images in 8x8 patches (16 patches + CLS), vocabulary of about
1,000 byte-level BPE tokens trained here on a built-in corpus holding every emotion word
of :mod:`lmms_emotion.scoring.labels`.

Token bookkeeping, which the processors and models must agree on:

- LLaVA: ``(32 // 8) ** 2 = 16`` patches, plus CLS (``num_additional_image_tokens=1``),
  minus CLS again for the ``default`` strategy: 16 ``<image>`` tokens per image.
- Video-LLaVA: images as LLaVA (16); videos keep CLS: ``17 * num_frames`` ``<video>``
  tokens (136 for 8 frames).
- InstructBLIP: ``num_query_tokens`` ``<image>`` tokens prepended before ``<s>``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING
from collections.abc import Iterable

if TYPE_CHECKING:  # pragma: no cover
    from transformers import GenerationConfig, PreTrainedTokenizerFast

__all__ = [
    "SPECIAL_TOKENS",
    "TINY_SIZES",
    "VICUNA_CHAT_TEMPLATE",
    "QWEN_CHAT_TEMPLATE",
    "QWEN_SPECIAL_TOKENS",
    "QWEN_TINY_PIXELS",
    "build_tiny_instructblip",
    "build_tiny_llava",
    "build_tiny_llava_onevision",
    "build_tiny_qwen2_5_vl",
    "build_tiny_qwen3_vl",
    "build_tiny_video_llava",
    "count_parameters",
    "tiny_corpus",
    "tiny_generation_config",
    "train_tiny_qformer_tokenizer",
    "train_tiny_qwen_tokenizer",
    "train_tiny_tokenizer",
]

TINY_SIZES = {
    "vocab_size": 2048,  # BPE target before <image>/<video> are appended; room for every label set
    "qformer_vocab_size": 768,
    "image_size": 32,
    "patch_size": 8,
    "vision_hidden": 32,
    "vision_layers": 2,
    "qformer_hidden": 32,
    "qformer_layers": 2,
    "text_hidden": 64,
    "text_layers": 2,
    "text_heads": 4,
    "text_kv_heads": 2,
    "max_positions": 512,
    "qformer_max_positions": 128,
}

SPECIAL_TOKENS = {"unk": "<unk>", "bos": "<s>", "eos": "</s>", "pad": "<pad>", "image": "<image>", "video": "<video>"}
"""Llama-style specials (ids 0-3, as in Llama/Vicuna) and the media placeholders (last ids)."""

VICUNA_CHAT_TEMPLATE = (
    "{%- for message in messages -%}"
    "{%- if message['role'] == 'system' -%}"
    "{%- if message['content'] is string -%}{{ message['content'] }}"
    "{%- else -%}{%- for item in message['content'] if item['type'] == 'text' -%}{{ item['text'] }}{%- endfor -%}"
    "{%- endif -%}{{ ' ' }}"
    "{%- elif message['role'] == 'user' -%}"
    "{{ 'USER: ' }}"
    "{%- if message['content'] is string -%}{{ message['content'] }}"
    "{%- else -%}"
    "{%- for item in message['content'] if item['type'] == 'image' -%}{{ '<image>\n' }}{%- endfor -%}"
    "{%- for item in message['content'] if item['type'] == 'video' -%}{{ '<video>\n' }}{%- endfor -%}"
    "{%- for item in message['content'] if item['type'] == 'text' -%}{{ item['text'] }}{%- endfor -%}"
    "{%- endif -%}{{ ' ' }}"
    "{%- elif message['role'] == 'assistant' -%}"
    "{{ 'ASSISTANT:' }}{% generation %}{{ ' ' }}"
    "{%- if message['content'] is string -%}{{ message['content'] }}"
    "{%- else -%}{%- for item in message['content'] if item['type'] == 'text' -%}{{ item['text'] }}{%- endfor -%}"
    "{%- endif -%}{{ '</s>' }}{% endgeneration %}"
    "{%- endif -%}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ 'ASSISTANT:' }}{%- endif -%}"
)
"""Vicuna v1 layout as used by LLaVA-1.5 / Video-LLaVA: ``[system ]USER: <image>\\n{text} ASSISTANT:``.

Media placeholders come first in a user turn, then its text. Assistant turns end with
``</s>``; the reply from the space after ``ASSISTANT:`` to ``</s>`` is wrapped in
``{% generation %}`` so ``return_assistant_tokens_mask`` marks exactly the reply tokens
(byte-level BPE attaches that space to the first reply token) for training collators.
"""

_PROMPT_TEXT = """
USER: ASSISTANT: SYSTEM: A chat between a curious human and an artificial intelligence assistant.
The assistant gives helpful, detailed, and polite answers to the human's questions.
Please select the emotion closest to the image from the following options.
Which emotion does this image evoke? Which emotion does this video express?
Answer with the option's letter from the given choices directly.
Answer with a single word. Answer yes or no. Respond with one word only.
Options: A. B. C. D. E. F. G. H. (A) (B) (C) (D) 1 2 3 4 5 6 7 8 9 0
Is this meme hateful? Is this humorous? Is the speaker being sarcastic? What is the intent?
What is the person feeling? Describe the scene, the objects, the colors and the brightness.
The image shows a person, a dog, a cat, a car, a tree, a house, a beach, a street, a sky,
a mountain, a flower, food, a crowd, a child, a woman, a man, people, animals, water, fire.
The photo is bright, dark, colorful, warm, cold, vivid, dull, sunny, rainy, at night.
Reasoning: first describe the visual cues, then the facial expression, then the context.
The emotion is neutral, positive, negative, mixed, other, unknown, none.
Because the colors are bright and the people are smiling, the image feels happy.
Describe this image. Explain why. Let's think step by step. The answer is:
image video frame frames picture photo meme tweet caption text utterance dialogue scene.
"""


# --- tokenizers -----------------------------------------------------------------------


def tiny_corpus() -> list[str]:
    """The training corpus: prompt-like English plus every emotion surface form.

    Every form of every label set in :data:`lmms_emotion.scoring.labels.LABEL_SETS` appears in
    several contexts (sentence start, after a space, capitalised, with punctuation), so
    common answers tokenise into few pieces.
    """
    from lmms_emotion.scoring.labels import LABEL_SETS

    forms: list[str] = []
    seen: set[str] = set()
    for name in sorted(LABEL_SETS):
        label_set = LABEL_SETS[name]
        for label in label_set.labels:
            for form in (label, *label_set.forms[label]):
                if form not in seen:
                    seen.add(form)
                    forms.append(form)
    lines = [line.strip() for line in _PROMPT_TEXT.strip().splitlines() if line.strip()]
    for name in sorted(LABEL_SETS):
        labels = LABEL_SETS[name].labels
        lines.append("Options: " + ", ".join(labels) + ".")
        lines.append(" ".join(f"({chr(65 + i)}) {label}" for i, label in enumerate(labels)))
    for form in forms:
        lines.append(f"{form}")
        lines.append(f"The emotion is {form}.")
        lines.append(f"ASSISTANT: {form.capitalize()}</s>")
        lines.append(f"It feels {form}, {form}!")
    # label names are what answers hold most: extra weight keeps every label a single token
    labels = sorted({label for ls in LABEL_SETS.values() for label in ls.labels})
    weighted = [f"Predict emotion: {label}" for label in labels for _ in range(4)]
    return lines * 3 + [_PROMPT_TEXT] + weighted


def _train_bpe(vocab_size: int, corpus: Iterable[str]):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    specials = [SPECIAL_TOKENS[k] for k in ("unk", "bos", "eos", "pad")]
    tokenizer = Tokenizer(models.BPE(unk_token=None, fuse_unk=False, byte_fallback=False))
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=1,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(list(corpus), trainer=trainer)
    bos = SPECIAL_TOKENS["bos"]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A",
        pair=f"{bos} $A {bos} $B",
        special_tokens=[(bos, tokenizer.token_to_id(bos))],
    )
    # Media placeholders: appended after the trained vocabulary, like LLaVA's id 32000.
    from tokenizers import AddedToken

    tokenizer.add_special_tokens(
        [AddedToken(SPECIAL_TOKENS[k], special=True, normalized=False) for k in ("image", "video")]
    )
    return tokenizer


def train_tiny_tokenizer(
    out_dir: str | os.PathLike | None = None,
    *,
    kind: str = "llama",
    vocab_size: int | None = None,
    chat_template: str | None = VICUNA_CHAT_TEMPLATE,
    named_media_tokens: bool = True,
) -> PreTrainedTokenizerFast:
    """Train a tiny tokenizer on :func:`tiny_corpus` and (if ``out_dir``) save it there.

    ``kind="llama"``: byte-level BPE (every string round-trips), Llama/Vicuna special
    tokens ``<unk>`` 0, ``<s>`` 1, ``</s>`` 2, ``<pad>`` 3, a ``<s>`` prepended on encode,
    ``<image>`` and ``<video>`` as the last two ids, exposed as ``tokenizer.image_token``
    / ``tokenizer.video_token`` (so LLaVA-family processors find them), left padding
    (batched generation), Vicuna chat template.

    ``named_media_tokens=False`` keeps ``<image>``/``<video>`` in the vocabulary but does
    not expose them as ``tokenizer.image_token``: ``InstructBlipProcessor`` (transformers
    5.23) crashes on a string ``tokenizer.image_token`` (it calls ``.content`` on it) and
    only works when it registers its own ``AddedToken``, as with the Salesforce checkpoints.

    ``kind="qformer"``: the BERT-style WordPiece tokenizer of the InstructBLIP Q-Former
    (see :func:`train_tiny_qformer_tokenizer`).

    Reload with ``AutoTokenizer.from_pretrained(out_dir)``.
    """
    if kind == "qformer":
        return train_tiny_qformer_tokenizer(out_dir, vocab_size=vocab_size)
    if kind != "llama":
        raise ValueError(f"unknown tokenizer kind {kind!r}; choose 'llama' or 'qformer'")
    from transformers import PreTrainedTokenizerFast

    backend = _train_bpe(vocab_size or TINY_SIZES["vocab_size"], tiny_corpus())
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token=SPECIAL_TOKENS["bos"],
        eos_token=SPECIAL_TOKENS["eos"],
        unk_token=SPECIAL_TOKENS["unk"],
        pad_token=SPECIAL_TOKENS["pad"],
        extra_special_tokens=(
            {"image_token": SPECIAL_TOKENS["image"], "video_token": SPECIAL_TOKENS["video"]}
            if named_media_tokens
            else None
        ),
        model_max_length=TINY_SIZES["max_positions"],
        padding_side="left",
        clean_up_tokenization_spaces=False,
    )
    if chat_template is not None:
        tokenizer.chat_template = chat_template
    if out_dir is not None:
        tokenizer.save_pretrained(str(out_dir))
    return tokenizer


def train_tiny_qformer_tokenizer(
    out_dir: str | os.PathLike | None = None, *, vocab_size: int | None = None
) -> PreTrainedTokenizerFast:
    """A tiny uncased WordPiece tokenizer for the InstructBLIP Q-Former.

    ``[PAD]`` 0, ``[UNK]`` 1, ``[CLS]`` 2, ``[SEP]`` 3, ``[MASK]`` 4, encodes as
    ``[CLS] text [SEP]``, plus ``[DEC]`` as bos (last id), as LAVIS/InstructBLIP add it.
    Truncates on the left, like LAVIS (instructions keep their end).

    The vocabulary is built directly, not with ``tokenizers``' WordPiece trainer (whose
    id order varies from run to run): the specials, every character of the corpus alone
    and as ``##`` continuation, then whole words by descending frequency (ties
    alphabetical) up to ``vocab_size``. Unknown words fall back to characters.
    """
    from collections import Counter

    from tokenizers import AddedToken, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    target = vocab_size or TINY_SIZES["qformer_vocab_size"]
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=True, clean_text=True)
    pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    words: Counter[str] = Counter()
    for line in tiny_corpus():
        words.update(word for word, _ in pre_tokenizer.pre_tokenize_str(normalizer.normalize_str(line)))
    chars = sorted({c for word in words for c in word})
    vocab: dict[str, int] = {}
    for token in [*specials, *chars, *(f"##{c}" for c in chars)]:
        vocab.setdefault(token, len(vocab))
    for word, _count in sorted(words.items(), key=lambda item: (-item[1], item[0])):
        if len(vocab) >= target:
            break
        vocab.setdefault(word, len(vocab))

    backend = Tokenizer(models.WordPiece(vocab=vocab, unk_token="[UNK]", max_input_chars_per_word=100))
    backend.normalizer = normalizer
    backend.pre_tokenizer = pre_tokenizer
    backend.decoder = decoders.WordPiece(prefix="##")
    backend.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in specials])
    backend.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])],
    )
    backend.add_special_tokens([AddedToken("[DEC]", special=True, normalized=False)])
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token="[DEC]",
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=TINY_SIZES["qformer_max_positions"],
        truncation_side="left",
        clean_up_tokenization_spaces=True,
    )
    if out_dir is not None:
        tokenizer.save_pretrained(str(out_dir))
    return tokenizer


def tiny_generation_config(tokenizer=None, *, max_new_tokens: int = 16) -> GenerationConfig:
    """Greedy decoding with the tiny tokenizer's ``<s>``/``</s>``/``<pad>`` ids.

    Without a tokenizer the Llama-style ids of :data:`SPECIAL_TOKENS` (1, 2, 3) are used.
    """
    from transformers import GenerationConfig

    if tokenizer is not None:
        bos, eos, pad = tokenizer.bos_token_id, tokenizer.eos_token_id, tokenizer.pad_token_id
    else:
        bos, eos, pad = 1, 2, 3
    return GenerationConfig(
        bos_token_id=bos, eos_token_id=eos, pad_token_id=pad, do_sample=False, num_beams=1, max_new_tokens=max_new_tokens
    )


# --- shared pieces ----------------------------------------------------------------------


def _llama_config(tokenizer):
    from transformers import LlamaConfig

    s = TINY_SIZES
    return LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=s["text_hidden"],
        intermediate_size=2 * s["text_hidden"],
        num_hidden_layers=s["text_layers"],
        num_attention_heads=s["text_heads"],
        num_key_value_heads=s["text_kv_heads"],
        max_position_embeddings=s["max_positions"],
        rms_norm_eps=1e-5,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=False,
        initializer_range=0.02,
    )


def _clip_vision_config():
    from transformers import CLIPVisionConfig

    s = TINY_SIZES
    return CLIPVisionConfig(
        hidden_size=s["vision_hidden"],
        intermediate_size=2 * s["vision_hidden"],
        projection_dim=s["vision_hidden"],
        num_hidden_layers=s["vision_layers"],
        num_attention_heads=4,
        image_size=s["image_size"],
        patch_size=s["patch_size"],
        hidden_act="quick_gelu",
        initializer_range=0.02,
    )


def _num_patches() -> int:
    return (TINY_SIZES["image_size"] // TINY_SIZES["patch_size"]) ** 2


def _clip_image_kwargs() -> dict:
    from transformers.image_utils import OPENAI_CLIP_MEAN, OPENAI_CLIP_STD

    side = TINY_SIZES["image_size"]
    return {
        "size": {"shortest_edge": side},
        "crop_size": {"height": side, "width": side},
        "do_center_crop": True,
        "image_mean": list(OPENAI_CLIP_MEAN),
        "image_std": list(OPENAI_CLIP_STD),
        "do_convert_rgb": True,
    }


def _build_seeded(model_cls, config, seed: int):
    """Instantiate ``model_cls(config)`` with weights drawn from ``seed``, leaving global RNG alone."""
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = model_cls(config)
    return model.float().eval()


def _save(model, processor, tokenizer, out_dir: str | os.PathLike) -> Path:
    from transformers.utils import logging as hf_logging

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model.generation_config = tiny_generation_config(tokenizer)
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # no "Writing model shards" bar for a 1 MB file
    try:
        model.save_pretrained(str(out))
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    processor.save_pretrained(str(out))
    return out


def count_parameters(model) -> int:
    """Number of parameters of a model (all of them, trainable or not)."""
    return sum(p.numel() for p in model.parameters())


# --- builders ---------------------------------------------------------------------------

LEARNABLE_TINY_SEED = 2
"""Seed of the tiny EmoVIT base that the training demo and tests train on the colour task.

Only the Q-Former side trains; the tiny Llama stays frozen and random, so whether a 32-query
prefix can steer its last position depends on that random draw. Measured on the colour
EmoSet (300 steps, lr 3e-3, likelihood scoring): seed 0 -> 0.625, 1 -> 0.5, 2 -> 1.0,
3 -> 0.875, 4 -> 1.0. Seed 0 reached 0.8 on another CPU, so the draw also meets machine
numerics; seed 2 has the widest margin seen."""


def build_tiny_instructblip(
    out_dir: str | os.PathLike, *, seed: int = 0, num_query_tokens: int = 4, return_model: bool = False
):
    """Write a tiny ``InstructBlipForConditionalGeneration`` + ``InstructBlipProcessor``.

    Vision: 32x32 images, 8x8 patches, width 32, 2 layers. Q-Former: width 32, 2 layers,
    cross-attention in every layer, ``num_query_tokens`` queries, WordPiece vocabulary with
    ``[DEC]``. LLM: tiny Llama (width 64, 2 layers). The processor prepends
    ``num_query_tokens`` ``<image>`` tokens (``config.image_token_index``) before ``<s>``.

    Returns ``out_dir`` (or ``(out_dir, model)`` with ``return_model=True``).
    """
    from transformers import (
        BlipImageProcessor,
        InstructBlipConfig,
        InstructBlipForConditionalGeneration,
        InstructBlipProcessor,
        InstructBlipQFormerConfig,
        InstructBlipVisionConfig,
    )
    from transformers.image_utils import OPENAI_CLIP_MEAN, OPENAI_CLIP_STD

    s = TINY_SIZES
    tokenizer = train_tiny_tokenizer(None, chat_template=None, named_media_tokens=False)
    qformer_tokenizer = train_tiny_qformer_tokenizer(None)
    vision = InstructBlipVisionConfig(
        hidden_size=s["vision_hidden"],
        intermediate_size=2 * s["vision_hidden"],
        num_hidden_layers=s["vision_layers"],
        num_attention_heads=4,
        image_size=s["image_size"],
        patch_size=s["patch_size"],
        initializer_range=0.02,
    )
    qformer = InstructBlipQFormerConfig(
        vocab_size=len(qformer_tokenizer),
        hidden_size=s["qformer_hidden"],
        num_hidden_layers=s["qformer_layers"],
        num_attention_heads=4,
        intermediate_size=2 * s["qformer_hidden"],
        hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0,
        max_position_embeddings=s["qformer_max_positions"],
        pad_token_id=qformer_tokenizer.pad_token_id,
        cross_attention_frequency=1,
        encoder_hidden_size=s["vision_hidden"],
    )
    config = InstructBlipConfig(
        vision_config=vision.to_dict(),
        qformer_config=qformer.to_dict(),
        text_config=_llama_config(tokenizer).to_dict(),
        num_query_tokens=num_query_tokens,
        image_token_index=tokenizer.convert_tokens_to_ids(SPECIAL_TOKENS["image"]),
    )
    model = _build_seeded(InstructBlipForConditionalGeneration, config, seed)
    image_processor = BlipImageProcessor(
        size={"height": s["image_size"], "width": s["image_size"]},
        image_mean=list(OPENAI_CLIP_MEAN),
        image_std=list(OPENAI_CLIP_STD),
        do_convert_rgb=True,
    )
    processor = InstructBlipProcessor(
        image_processor=image_processor,
        tokenizer=tokenizer,
        qformer_tokenizer=qformer_tokenizer,
        num_query_tokens=num_query_tokens,
    )
    out = _save(model, processor, tokenizer, out_dir)
    return (out, model) if return_model else out


def build_tiny_llava(out_dir: str | os.PathLike, *, seed: int = 0, return_model: bool = False):
    """Write a tiny LLaVA-1.5 (``LlavaForConditionalGeneration`` + ``LlavaProcessor``).

    CLIP tower (32x32, 8x8 patches, CLS, width 32, 2 layers), 2-layer GELU projector,
    tiny Llama. Processor: ``patch_size=8``, ``vision_feature_select_strategy="default"``,
    ``num_additional_image_tokens=1``: one ``<image>`` expands to 16 tokens, the number of
    image features. Vicuna chat template on processor and tokenizer.
    """
    from transformers import CLIPImageProcessor, LlavaConfig, LlavaForConditionalGeneration, LlavaProcessor

    tokenizer = train_tiny_tokenizer(None)
    config = LlavaConfig(
        vision_config=_clip_vision_config().to_dict(),
        text_config=_llama_config(tokenizer).to_dict(),
        image_token_index=tokenizer.convert_tokens_to_ids(tokenizer.image_token),
        image_seq_length=_num_patches(),
        vision_feature_select_strategy="default",
        vision_feature_layer=-2,
        projector_hidden_act="gelu",
    )
    model = _build_seeded(LlavaForConditionalGeneration, config, seed)
    processor = LlavaProcessor(
        image_processor=CLIPImageProcessor(**_clip_image_kwargs()),
        tokenizer=tokenizer,
        patch_size=TINY_SIZES["patch_size"],
        vision_feature_select_strategy="default",
        num_additional_image_tokens=1,
        chat_template=VICUNA_CHAT_TEMPLATE,
    )
    out = _save(model, processor, tokenizer, out_dir)
    return (out, model) if return_model else out


def build_tiny_video_llava(
    out_dir: str | os.PathLike, *, seed: int = 0, num_frames: int = 8, return_model: bool = False
):
    """Write a tiny Video-LLaVA (``VideoLlavaForConditionalGeneration`` + ``VideoLlavaProcessor``).

    Separate image and video CLIP towers (as in the real model), shared projector, tiny
    Llama. ``<image>`` expands to 16 tokens, ``<video>`` to ``17 * num_frames`` (frames
    keep CLS). ``num_frames`` is recorded in the video processor (``num_frames``, used
    when ``do_sample_frames=True``) and in ``config.video_seq_length``.
    """
    from transformers import VideoLlavaConfig, VideoLlavaForConditionalGeneration, VideoLlavaProcessor
    from transformers.models.video_llava import VideoLlavaImageProcessor, VideoLlavaVideoProcessor

    tokenizer = train_tiny_tokenizer(None)
    config = VideoLlavaConfig(
        vision_config=_clip_vision_config().to_dict(),
        text_config=_llama_config(tokenizer).to_dict(),
        image_token_index=tokenizer.convert_tokens_to_ids(tokenizer.image_token),
        video_token_index=tokenizer.convert_tokens_to_ids(tokenizer.video_token),
        image_seq_length=_num_patches(),
        video_seq_length=(_num_patches() + 1) * num_frames,
        vision_feature_select_strategy="default",
        vision_feature_layer=-2,
        projector_hidden_act="gelu",
    )
    model = _build_seeded(VideoLlavaForConditionalGeneration, config, seed)
    clip_kwargs = _clip_image_kwargs()
    processor = VideoLlavaProcessor(
        image_processor=VideoLlavaImageProcessor(**clip_kwargs),
        video_processor=VideoLlavaVideoProcessor(**clip_kwargs, num_frames=num_frames),
        tokenizer=tokenizer,
        patch_size=TINY_SIZES["patch_size"],
        vision_feature_select_strategy="default",
        num_additional_image_tokens=1,
        chat_template=VICUNA_CHAT_TEMPLATE,
    )
    out = _save(model, processor, tokenizer, out_dir)
    return (out, model) if return_model else out


# --- Qwen2.5-VL, Qwen3-VL, LLaVA-OneVision (the families users compare against) ----------

QWEN_SPECIAL_TOKENS = {
    "eos": "<|im_end|>",
    "pad": "<|endoftext|>",
    "im_start": "<|im_start|>",
    "vision_start": "<|vision_start|>",
    "vision_end": "<|vision_end|>",
    "image": "<|image_pad|>",
    "video": "<|video_pad|>",
}
"""The Qwen-VL control tokens, by the names Qwen's processors and configs look up."""

QWEN_CHAT_TEMPLATE = (
    "{%- for message in messages -%}"
    "{{ '<|im_start|>' + message['role'] + '\n' }}"
    "{%- if message['content'] is string -%}{{ message['content'] }}"
    "{%- else -%}{%- for item in message['content'] -%}"
    "{%- if item['type'] == 'image' -%}{{ '<|vision_start|><|image_pad|><|vision_end|>' }}"
    "{%- elif item['type'] == 'video' -%}{{ '<|vision_start|><|video_pad|><|vision_end|>' }}"
    "{%- elif item['type'] == 'text' -%}{{ item['text'] }}"
    "{%- endif -%}{%- endfor -%}{%- endif -%}"
    "{{ '<|im_end|>\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{ '<|im_start|>assistant\n' }}{%- endif -%}"
)
"""ChatML as the Qwen-VL models use it: ``<|im_start|>user\\n<|vision_start|><|image_pad|><|vision_end|>text<|im_end|>``.

Written for the tiny models (not Qwen's own template): media items in content order,
each wrapped in vision start/end tokens that the processors expand to the patch count.
"""

QWEN_TINY_PIXELS = {"min_pixels": 56 * 56, "max_pixels": 112 * 112}
"""Pixel bounds that keep the tiny Qwen models' inputs small (4 to 16 merged patches a
frame); pass them as ``--model_args min_pixels=3136,max_pixels=12544`` too, since
lmms-eval's Qwen wrappers override the processor's bounds with their own defaults."""


def train_tiny_qwen_tokenizer(out_dir: str | os.PathLike | None = None) -> PreTrainedTokenizerFast:
    """A tiny byte-level BPE tokenizer with Qwen-VL's control tokens and :data:`QWEN_CHAT_TEMPLATE`.

    The BPE is :func:`train_tiny_tokenizer`'s (same corpus), without the ``<s>`` that
    Llama prepends (Qwen prepends nothing); ``<|im_end|>`` is eos, ``<|endoftext|>`` pad,
    and ``<|image_pad|>``/``<|video_pad|>`` are exposed as ``image_token``/``video_token``.
    Left padding, for batched generation.
    """
    from tokenizers import AddedToken, processors
    from transformers import PreTrainedTokenizerFast

    backend = _train_bpe(TINY_SIZES["vocab_size"], tiny_corpus())
    backend.post_processor = processors.ByteLevel(trim_offsets=False)
    backend.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in QWEN_SPECIAL_TOKENS.values()])
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=backend,
        eos_token=QWEN_SPECIAL_TOKENS["eos"],
        pad_token=QWEN_SPECIAL_TOKENS["pad"],
        unk_token=None,
        extra_special_tokens={
            "image_token": QWEN_SPECIAL_TOKENS["image"],
            "video_token": QWEN_SPECIAL_TOKENS["video"],
            "vision_start_token": QWEN_SPECIAL_TOKENS["vision_start"],
            "vision_end_token": QWEN_SPECIAL_TOKENS["vision_end"],
        },
        model_max_length=4 * TINY_SIZES["max_positions"],
        padding_side="left",
        clean_up_tokenization_spaces=False,
    )
    tokenizer.chat_template = QWEN_CHAT_TEMPLATE
    if out_dir is not None:
        tokenizer.save_pretrained(str(out_dir))
    return tokenizer


def _qwen_token_ids(tokenizer) -> dict[str, int]:
    ids = {name: tokenizer.convert_tokens_to_ids(token) for name, token in QWEN_SPECIAL_TOKENS.items()}
    return {
        "image_token_id": ids["image"],
        "video_token_id": ids["video"],
        "vision_start_token_id": ids["vision_start"],
        "vision_end_token_id": ids["vision_end"],
    }


def _qwen_text_kwargs(tokenizer) -> dict:
    """Tiny Qwen decoder sizes; M-RoPE sections split the 16-wide heads' 8 frequencies over (t, h, w)."""
    s = TINY_SIZES
    return {
        "vocab_size": len(tokenizer),
        "hidden_size": s["text_hidden"],
        "intermediate_size": 2 * s["text_hidden"],
        "num_hidden_layers": s["text_layers"],
        "num_attention_heads": s["text_heads"],
        "num_key_value_heads": s["text_kv_heads"],
        "max_position_embeddings": 4 * s["max_positions"],
        "rope_parameters": {"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [2, 3, 3]},
        "bos_token_id": None,
        "eos_token_id": tokenizer.eos_token_id,
        "pad_token_id": tokenizer.pad_token_id,
        "tie_word_embeddings": False,
    }


def build_tiny_qwen2_5_vl(out_dir: str | os.PathLike, *, seed: int = 0, return_model: bool = False):
    """Write a tiny Qwen2.5-VL (``Qwen2_5_VLForConditionalGeneration`` + ``Qwen2_5_VLProcessor``).

    Vision: Qwen's window-attention ViT at width 32, 2 blocks (the second with full
    attention), 14x14 patches, 2x2 merge, temporal patch 2. LLM: a 2-layer Qwen2 decoder
    of width 64 with M-RoPE. Image and video processors resize to
    :data:`QWEN_TINY_PIXELS`, so a picture costs 4 to 16 ``<|image_pad|>`` tokens.
    Loads with lmms-eval's ``qwen2_5_vl`` wrapper (``device=cpu,device_map=cpu``).
    """
    from transformers import Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration, Qwen2_5_VLProcessor
    from transformers.models.qwen2_vl import Qwen2VLImageProcessor, Qwen2VLVideoProcessor

    tokenizer = train_tiny_qwen_tokenizer(None)
    return _build_tiny_qwen(
        out_dir, tokenizer, seed=seed, return_model=return_model, text_config=_qwen_text_kwargs(tokenizer),
        vision_config={"patch_size": 14, "window_size": 56, "fullatt_block_indexes": [1]},
        classes=(Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration, Qwen2_5_VLProcessor, Qwen2VLImageProcessor,
                 Qwen2VLVideoProcessor))


def _build_tiny_qwen(out_dir: str | os.PathLike, tokenizer, *, seed: int, return_model: bool, text_config: dict,
                     vision_config: dict, classes: tuple):
    """What the tiny Qwen2.5-VL and Qwen3-VL share: a 2-block ViT of width ``vision_hidden`` (2x2 merge,
    temporal patch 2) with ``vision_config`` on top, the seeded model, and image/video processors
    sized by :data:`QWEN_TINY_PIXELS`. ``classes``: config, model, processor, image and video processor."""
    config_class, model_class, processor_class, image_processor_class, video_processor_class = classes
    s = TINY_SIZES
    vision = {"depth": 2, "hidden_size": s["vision_hidden"], "intermediate_size": 2 * s["vision_hidden"],
              "num_heads": 4, "out_hidden_size": s["text_hidden"], "spatial_merge_size": 2, "temporal_patch_size": 2,
              **vision_config}
    config = config_class(text_config=text_config, vision_config=vision, **_qwen_token_ids(tokenizer))
    model = _build_seeded(model_class, config, seed)
    sizes = {"patch_size": vision["patch_size"], "merge_size": 2, "temporal_patch_size": 2,
             "size": {"shortest_edge": QWEN_TINY_PIXELS["min_pixels"], "longest_edge": QWEN_TINY_PIXELS["max_pixels"]}}
    processor = processor_class(image_processor=image_processor_class(**sizes),
                                video_processor=video_processor_class(**sizes),
                                tokenizer=tokenizer, chat_template=QWEN_CHAT_TEMPLATE)
    out = _save(model, processor, tokenizer, out_dir)
    return (out, model) if return_model else out


def build_tiny_qwen3_vl(out_dir: str | os.PathLike, *, seed: int = 0, return_model: bool = False):
    """Write a tiny Qwen3-VL (``Qwen3VLForConditionalGeneration`` + ``Qwen3VLProcessor``).

    Vision: Qwen3-VL's ViT at width 32, 2 blocks, 16x16 patches, 2x2 merge, learned
    position embeddings, DeepStack features from block 1. LLM: a 2-layer Qwen3 decoder of
    width 64 with interleaved M-RoPE. Sized by :data:`QWEN_TINY_PIXELS` like
    :func:`build_tiny_qwen2_5_vl`. Loads with lmms-eval's ``qwen3_vl`` wrapper.
    """
    from transformers import Qwen3VLConfig, Qwen3VLForConditionalGeneration, Qwen3VLProcessor
    from transformers.models.qwen2_vl import Qwen2VLImageProcessor
    from transformers.models.qwen3_vl import Qwen3VLVideoProcessor

    s = TINY_SIZES
    tokenizer = train_tiny_qwen_tokenizer(None)
    text = _qwen_text_kwargs(tokenizer)
    text["head_dim"] = s["text_hidden"] // s["text_heads"]
    return _build_tiny_qwen(
        out_dir, tokenizer, seed=seed, return_model=return_model, text_config=text,
        vision_config={"patch_size": 16, "num_position_embeddings": 64, "deepstack_visual_indexes": [1]},
        classes=(Qwen3VLConfig, Qwen3VLForConditionalGeneration, Qwen3VLProcessor, Qwen2VLImageProcessor,
                 Qwen3VLVideoProcessor))


def build_tiny_llava_onevision(out_dir: str | os.PathLike, *, seed: int = 0, return_model: bool = False):
    """Write a tiny LLaVA-OneVision (``LlavaOnevisionForConditionalGeneration`` + ``LlavaOnevisionProcessor``).

    SigLIP tower (32x32 images, 8x8 patches, no CLS, width 32, 2 layers), the ``full``
    feature strategy, anyres tiling on a 32/64-pixel grid with ``anyres_max_9``, a
    2-layer GELU projector and a 2-layer Qwen2 decoder (the real model's LLM family).
    One ``<image>`` expands to the base tile plus its grid tiles (16 tokens each, as the
    processor computes); a ``<video>`` to 16 pooled tokens per frame. The Llama-style
    tiny tokenizer and the Vicuna chat template stand in for Qwen's (token ids only
    matter to the tiny model). Loads with lmms-eval's ``llava_hf`` wrapper.
    """
    from transformers import LlavaOnevisionConfig, LlavaOnevisionForConditionalGeneration, LlavaOnevisionProcessor
    from transformers.models.llava_onevision import LlavaOnevisionImageProcessor, LlavaOnevisionVideoProcessor
    from transformers.image_utils import OPENAI_CLIP_MEAN, OPENAI_CLIP_STD

    s = TINY_SIZES
    side = s["image_size"]
    tokenizer = train_tiny_tokenizer(None)
    llama = _llama_config(tokenizer).to_dict()
    text = {key: llama[key] for key in ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                                         "num_attention_heads", "num_key_value_heads", "max_position_embeddings",
                                         "bos_token_id", "eos_token_id", "pad_token_id")}
    text.update(model_type="qwen2", max_position_embeddings=4 * s["max_positions"], tie_word_embeddings=False)
    grid = [[side, side], [side, 2 * side], [2 * side, side], [2 * side, 2 * side]]
    vision = {"model_type": "siglip_vision_model", "hidden_size": s["vision_hidden"],
              "intermediate_size": 2 * s["vision_hidden"], "num_hidden_layers": s["vision_layers"],
              "num_attention_heads": 4, "image_size": side, "patch_size": s["patch_size"]}
    config = LlavaOnevisionConfig(
        vision_config=vision,
        text_config=text,
        image_token_index=tokenizer.convert_tokens_to_ids(tokenizer.image_token),
        video_token_index=tokenizer.convert_tokens_to_ids(tokenizer.video_token),
        vision_feature_select_strategy="full",
        vision_feature_layer=-1,
        image_grid_pinpoints=grid,
        vision_aspect_ratio="anyres_max_9",
    )
    model = _build_seeded(LlavaOnevisionForConditionalGeneration, config, seed)
    pixels = {"size": {"height": side, "width": side}, "image_mean": list(OPENAI_CLIP_MEAN),
              "image_std": list(OPENAI_CLIP_STD), "do_convert_rgb": True}
    processor = LlavaOnevisionProcessor(
        image_processor=LlavaOnevisionImageProcessor(**pixels, image_grid_pinpoints=grid, do_pad=True),
        video_processor=LlavaOnevisionVideoProcessor(**pixels),
        tokenizer=tokenizer,
        num_image_tokens=_num_patches(),
        vision_feature_select_strategy="full",
        vision_aspect_ratio="anyres_max_9",
        chat_template=VICUNA_CHAT_TEMPLATE,
    )
    out = _save(model, processor, tokenizer, out_dir)
    return (out, model) if return_model else out
