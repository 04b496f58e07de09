"""``emovit``: EmoVIT (InstructBLIP-Vicuna-7B with an emotion-tuned Q-Former) for lmms-eval.

    lmms-emotion eval --model emovit \\
        --model_args pretrained=Salesforce/instructblip-vicuna-7b,emovit_weights=<converted folder> \\
        --tasks emovit --batch_size 8

Built on transformers' ``InstructBlipForConditionalGeneration``; the lmms-eval plumbing
(devices, multi-GPU, batching, requests, visuals, likelihood scoring) is in
:mod:`lmms_emotion.models.hf_base`. This module holds what is InstructBLIP-specific:

* **Weights.** ``pretrained=`` a hub id or local folder (default the InstructBLIP-Vicuna-7B
  EmoVIT starts from, or a full folder written by ``lmms-emotion convert emovit --full``);
  ``emovit_weights=`` a converted delta (Q-Former, query tokens, language projection,
  vision post-LayerNorm) put over it with a strict check
  (:func:`lmms_emotion.models.convert_emovit.apply_delta`).
* **Input layout** (as LAVIS ``Blip2VicunaInstruct.generate``, which EmoVIT uses): the LLM
  sees ``[query embeddings][bos + instruction]``. With the Salesforce tokenizer ``bos`` is
  ``</s>``, so this is EmoVIT's ``[queries][</s> instruction]``. The Q-Former gets the
  instruction too (``[DEC]`` tokenizer, truncated from the left to ``max_txt_len`` = 128
  tokens, right-padded so its absolute positions do not move with batch size). There is
  no chat template and no system prompt: the task's prompt text is used exactly as given
  (our ``emovit_*`` tasks render it in EmoVIT's normalised style for ``--model emovit``).
* **Batching.** We tokenise ourselves and left-pad whole rows, ``[pad][queries][bos +
  text]``, instead of the processor's ``[queries][pad][text]``; with the attention mask and
  positions counted over real tokens both are the same computation, and every row ends at
  the last column (which likelihood scoring relies on). Batched greedy output equals
  per-sample output.
* **Generation** runs the language model on ``inputs_embeds`` only, as LAVIS does, so the
  repetition penalty sees generated tokens only (transformers' own InstructBLIP
  ``generate`` also passes the prompt ids, which would penalise every prompt token -
  including the option words the answer must repeat - by EmoVIT's factor of 5). The
  output holds new tokens only. (The penalty is applied by our own logits processor:
  transformers 5.23's built-in one mis-aligns it in left-padded rows when generating from
  embeddings, see :func:`~lmms_emotion.models.hf_base.embeds_only_processors`.)
* **Video.** Frames are sampled by :func:`lmms_emotion.media.sample_video_frames`
  (``num_frames``, default 8: the centre frame of equal segments; decord, PyAV fallback);
  each frame goes through the ViT and Q-Former with the same instruction, and the
  per-frame query outputs are concatenated (``num_frames x 32`` embeddings), as LAVIS's
  video branch does. Several images in one doc are treated the same way.

* **Likelihood scoring** prefills ``[queries][bos + instruction]`` once per sample with the
  KV cache and scores every candidate label from it
  (:func:`~lmms_emotion.models.hf_base.shared_prefix_scores`).

Generation defaults are EmoVIT's release settings (greedy, one beam, repetition penalty
5.0, up to 256 new tokens, at least 1); a task's ``generation_kwargs`` override them, and
so do model args (``repetition_penalty=1.0``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from lmms_emotion.models.convert_emovit import apply_delta, display_name, load_delta
from lmms_emotion.models.hf_base import (
    ContinuationScore,
    HFMultimodalLM,
    Sample,
    embeds_only_processors,
    group_scores,
    left_pad,
    position_ids_from_mask,
    shared_prefix_scores,
)

EMOVIT_GENERATION: dict[str, Any] = {
    "do_sample": False,
    "num_beams": 1,
    "max_new_tokens": 256,
    "min_new_tokens": 1,
    "repetition_penalty": 5.0,
    "length_penalty": 1.0,
}
"""EmoVIT's 2025 ``generate()`` defaults in transformers terms (LAVIS ``max_length=256`` / ``min_length=1``
count new tokens only, since LAVIS generates from embeddings)."""

DEFAULT_PRETRAINED = "Salesforce/instructblip-vicuna-7b"
MAX_TXT_LEN = 128


@dataclass
class EmoVITInputs:
    """The CPU-side inputs of one batch (made by :meth:`EmoVIT.preprocess`, possibly in a prefetch thread)."""

    pixel_values: torch.Tensor | None
    frame_counts: list[int]
    qformer_ids: torch.Tensor | None
    qformer_mask: torch.Tensor | None
    text_ids: list[list[int]]


class EmoVIT(HFMultimodalLM):
    """EmoVIT / InstructBLIP on transformers, simple (``doc_to_visual`` + ``doc_to_text``) requests."""

    default_pretrained = DEFAULT_PRETRAINED
    generation_defaults = EMOVIT_GENERATION

    def __init__(self, pretrained: str | None = None, emovit_weights: str | None = None,
                 max_txt_len: int = MAX_TXT_LEN, **kwargs: Any) -> None:
        self.emovit_weights = emovit_weights or None
        self.max_txt_len = int(max_txt_len)
        self.delta_report: dict[str, int] | None = None
        super().__init__(pretrained=pretrained, **kwargs)

    @classmethod
    def extra_model_args(cls) -> tuple[str, ...]:
        return ("emovit_weights", "max_txt_len")

    # ---- loading ----

    def load_model(self, pretrained: str, *, dtype: torch.dtype, device_map: Any) -> None:
        from transformers import InstructBlipForConditionalGeneration, InstructBlipProcessor

        kwargs: dict[str, Any] = {"dtype": dtype, "device_map": device_map}
        if self.attn_implementation:
            kwargs["attn_implementation"] = self.attn_implementation
        model = InstructBlipForConditionalGeneration.from_pretrained(pretrained, **kwargs)
        processor = InstructBlipProcessor.from_pretrained(pretrained)
        if self.emovit_weights:
            self.delta_report = apply_delta(model, load_delta(self.emovit_weights),
                                            source=f"emovit_weights={display_name(self.emovit_weights)}")
        self.install_components(model, processor)

    def install_components(self, model: Any, processor: Any) -> None:
        """Adopt a loaded ``InstructBlipForConditionalGeneration`` and its ``InstructBlipProcessor``.

        ``load_model`` calls this after ``from_pretrained``; a subclass may call it with a
        model built in memory (``benchmarks/eval_throughput.py --full-size`` does).
        """
        self._model = model
        self.processor = processor
        self._tokenizer = processor.tokenizer
        self.qformer_tokenizer = processor.qformer_tokenizer
        # LAVIS: the Q-Former keeps the end of long instructions; padding on the right keeps
        # every real token at the absolute position it has unpadded.
        self.qformer_tokenizer.truncation_side = "left"
        self.qformer_tokenizer.padding_side = "right"
        self.image_token_id = int(model.config.image_token_id)
        processor_image_id = self._tokenizer.convert_tokens_to_ids(str(processor.image_token))
        if processor_image_id != self.image_token_id:
            raise ValueError(f"{display_name(self.pretrained)}: the tokenizer's image token id {processor_image_id} "
                             f"differs from the model's image_token_id {self.image_token_id}")
        self.num_query_tokens = int(model.config.num_query_tokens)
        pad = self._tokenizer.pad_token_id
        self.pad_token_id = int(pad if pad is not None else self._tokenizer.eos_token_id)

    def media_token_cost(self, kind: str) -> int:
        """32 query outputs per image (the Q-Former's), ``num_frames`` times that per video."""
        return self.num_query_tokens * (self.num_frames if kind == "video" else 1)

    def compile_modules(self) -> None:
        """``compile=true``: compile the ViT and the Q-Former; generation uses a static cache."""
        super().compile_modules()
        self._model.vision_model.compile()
        self._model.qformer.compile()

    # ---- encoding ----

    def _text_ids(self, text: str, tokenizer: Any = None) -> list[int]:
        """LLM token ids of prompt text: the tokenizer's bos, then the text; never an image placeholder."""
        ids = (tokenizer or self._tokenizer)(text, add_special_tokens=True)["input_ids"]
        return [i for i in ids if i != self.image_token_id]

    def _continuation_ids(self, context: str, continuation: str, context_ids: list[int]) -> list[int]:
        """Ids of ``continuation`` as tokenised after ``context`` (lm-eval's rule), else on its own."""
        whole = self._text_ids(context + continuation)
        if len(whole) > len(context_ids) and whole[:len(context_ids)] == context_ids:
            return whole[len(context_ids):]
        ids = self._tokenizer(continuation, add_special_tokens=False)["input_ids"]
        return [i for i in ids if i != self.image_token_id]

    def preprocess(self, samples: list[Sample]) -> EmoVITInputs:
        """Pixel values of every frame, the Q-Former's instruction ids, the LLM's prompt ids (CPU, prefetchable)."""
        processor = self.local(self.processor)
        counts = [len(s.frames) for s in samples]
        frames = [frame for s in samples for frame in s.frames]
        pixel_values = qformer_ids = qformer_mask = None
        if frames:
            pixel_values = processor.image_processor(
                frames, return_tensors="pt", **self.image_processor_kwargs(processor.image_processor))["pixel_values"]
            qformer = processor.qformer_tokenizer([s.context for s in samples], padding="longest", truncation=True,
                                                  max_length=self.max_txt_len, return_tensors="pt")
            qformer_ids, qformer_mask = qformer["input_ids"], qformer["attention_mask"]
            if self._device.type == "cuda" and pixel_values.device.type == "cpu":  # page-locked: the copy overlaps
                pixel_values = pixel_values.pin_memory()
        text_ids = [self._text_ids(s.context, processor.tokenizer) for s in samples]
        return EmoVITInputs(pixel_values, counts, qformer_ids, qformer_mask, text_ids)

    @torch.no_grad()
    def encode_media(self, samples: list[Sample], prepared: EmoVITInputs | None = None) -> list[torch.Tensor | None]:
        """Per sample, the projected query outputs of all its frames: ``(frames * num_query_tokens, llm_width)``.

        All frames of the batch go through the ViT and Q-Former together; each frame is
        paired with its sample's instruction for the Q-Former.
        """
        prepared = prepared if prepared is not None else self.preprocess(samples)
        counts = prepared.frame_counts
        if prepared.pixel_values is None:
            return [None] * len(samples)
        model = self.model
        per_frame = torch.repeat_interleave(torch.arange(len(samples)), torch.tensor(counts))
        patch = model.vision_model.embeddings.patch_embedding.weight
        features = model.get_image_features(
            prepared.pixel_values.to(patch.device, patch.dtype, non_blocking=True),
            qformer_input_ids=prepared.qformer_ids[per_frame].to(patch.device),
            qformer_attention_mask=prepared.qformer_mask[per_frame].to(patch.device),
            return_dict=True,
        ).pooler_output
        out: list[torch.Tensor | None] = []
        start = 0
        for count in counts:
            out.append(features[start:start + count].reshape(-1, features.shape[-1]) if count else None)
            start += count
        return out

    def assemble(self, rows: list[tuple[int, list[int]]], media: list[torch.Tensor | None]
                 ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Left-padded ``inputs_embeds``, ``attention_mask`` and ``input_ids`` for ``(sample index, text ids)`` rows.

        Each row is ``[image placeholders for its sample's query outputs][text ids]``; the
        placeholders' embeddings are replaced by the query outputs, in order.
        """
        embedding = self.model.get_input_embeddings()
        sequences = []
        features = []
        for sample_index, text_ids in rows:
            feats = media[sample_index]
            n = 0 if feats is None else feats.shape[0]
            sequences.append([self.image_token_id] * n + list(text_ids))
            if feats is not None:
                features.append(feats)
        input_ids, attention_mask = left_pad(sequences, self.pad_token_id)
        input_ids = input_ids.to(embedding.weight.device)
        attention_mask = attention_mask.to(embedding.weight.device)
        embeds = embedding(input_ids)
        if features:
            placeholder = (input_ids == self.image_token_id).unsqueeze(-1)
            stacked = torch.cat(features).to(embeds.device, embeds.dtype)
            embeds = embeds.masked_scatter(placeholder, stacked)
        return embeds, attention_mask, input_ids

    def _prompts(self, samples: list[Sample], prepared: EmoVITInputs | None
                 ) -> tuple[EmoVITInputs, torch.Tensor, torch.Tensor]:
        prepared = prepared if prepared is not None else self.preprocess(samples)
        media = self.encode_media(samples, prepared)
        embeds, attention_mask, _ = self.assemble(list(enumerate(prepared.text_ids)), media)
        return prepared, embeds, attention_mask

    # ---- inference ----

    @torch.no_grad()
    def generate_batch(self, samples: list[Sample], generation: dict[str, Any],
                       prepared: EmoVITInputs | None = None) -> list[str]:
        from transformers import StoppingCriteriaList

        _, embeds, attention_mask = self._prompts(samples, prepared)
        settings, criteria = self.split_generation(generation)
        settings, processors = embeds_only_processors(settings)
        output = self.model.language_model.generate(
            inputs_embeds=embeds, attention_mask=attention_mask, generation_config=self.generation_config(settings),
            logits_processor=processors, stopping_criteria=StoppingCriteriaList(criteria))
        return [text.strip() for text in self._tokenizer.batch_decode(output, skip_special_tokens=True)]

    @torch.no_grad()
    def prompt_logits(self, samples: list[Sample]) -> list[torch.Tensor]:
        """Per sample, the LLM logits at each of its real (unpadded) positions: ``(length, vocab)``."""
        _, embeds, attention_mask = self._prompts(samples, None)
        logits = self.model.language_model(inputs_embeds=embeds, attention_mask=attention_mask,
                                           position_ids=position_ids_from_mask(attention_mask), use_cache=False).logits
        return [row[mask.bool()] for row, mask in zip(logits, attention_mask)]

    @torch.no_grad()
    def score_batch(self, samples: list[Sample], continuations: list[list[str]],
                    prepared: EmoVITInputs | None = None) -> list[list[ContinuationScore]]:
        """Each continuation's log-probability: prompt and media prefilled once per sample, labels from the cache."""
        if not any(continuations):
            return [[] for _ in samples]
        prepared, embeds, attention_mask = self._prompts(samples, prepared)
        targets: list[list[int]] = []
        owners: list[int] = []
        for index, (sample, conts) in enumerate(zip(samples, continuations)):
            context_ids = prepared.text_ids[index]
            for continuation in conts:
                targets.append(self._continuation_ids(sample.context, continuation, context_ids))
                owners.append(index)
        language_model = self.model.language_model
        prefill = language_model(inputs_embeds=embeds, attention_mask=attention_mask,
                                 position_ids=position_ids_from_mask(attention_mask), use_cache=True, logits_to_keep=1)
        flat = shared_prefix_scores(language_model, prefill.logits[:, -1], prefill.past_key_values, attention_mask,
                                    targets, owners, self.pad_token_id)
        return group_scores(flat, continuations)


class EmoVITChat(EmoVIT):
    """The same model for chat requests (``doc_to_messages``); lmms-eval prefers this class.

    EmoVIT has no chat template: the text items of the user turn(s) are joined and used as
    the instruction, the image/video items as the visuals.
    """

    is_simple = False
