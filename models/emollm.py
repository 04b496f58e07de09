"""``emollm``: EmoLLM (LLaVA-1.5 / Video-LLaVA with multi-perspective visual projection) for lmms-eval.

    lmms-emotion eval --model emollm --model_args pretrained=runs/emollm,emoprompt=true \\
        --tasks emobench --batch_size 8

``pretrained=`` is an EmoLLM folder (``save_pretrained`` of
:class:`~lmms_emotion.models.emollm_model.EmoLLMForConditionalGeneration`: base id, MVP
weights, LoRA adapter, processor), or a plain LLaVA-1.5 / Video-LLaVA hub id or folder, which
gets a fresh MVP initialised from its projector (``perspectives=patch`` reproduces the base
model exactly). The lmms-eval plumbing (devices, multi-GPU, batching, requests, visuals,
likelihood scoring) is :mod:`lmms_emotion.models.hf_base`; the model is
:mod:`lmms_emotion.models.emollm_model`; EmoPrompt is :mod:`lmms_emotion.models.emoprompt`.

What this module adds:

* **Prompt.** The base's chat template (Vicuna v1 for both bases: ``USER: <image>\\n{text}
  ASSISTANT:``), one placeholder per visual, visuals first. The processor expands each
  placeholder to the MVP's token count. A video is one ``<video>`` on Video-LLaVA (frames
  resampled to exactly ``num_frames`` so videos batch together) and ``num_frames``
  ``<image>`` items on LLaVA-1.5, which has no video input (the temporal view then has
  nothing to see).
* **EmoPrompt** (``emoprompt=true``): the task's prompt plus our reasoning instruction
  for its task kind; ``max_new_tokens`` becomes ``emoprompt_max_new_tokens`` (default
  512) whatever the task set, because a task's budget (32 for ours) is sized for a bare
  answer; the task's stop strings apply only after the final-answer line. The returned
  text is the reasoning plus the final line; the task's parser reads the final line.
* **Generation.** Left-padded batches through ``generate``; only new tokens are decoded.
  The task's stop strings go to ``generate``; with EmoPrompt a row instead stops once its
  final-answer line is complete (:class:`FinalAnswerStop`), with the same returned text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from lmms_emotion.models.emoprompt import finish_reasoned_text, reasoned_text_complete, with_emoprompt
from lmms_emotion.models.hf_base import (
    ContinuationScore,
    HFMultimodalLM,
    Sample,
    group_scores,
    parse_flag,
    position_ids_from_mask,
    shared_prefix_scores,
)

DEFAULT_PRETRAINED = "llava-hf/llava-1.5-7b-hf"
EMOLLM_GENERATION: dict[str, Any] = {"do_sample": False, "num_beams": 1, "max_new_tokens": 256}
"""Greedy decoding, as LLaVA-1.5's evaluation scripts use; a task's ``generation_kwargs`` override it."""
EMOPROMPT_MAX_NEW_TOKENS = 512
VICUNA_FALLBACK = "USER: {media}{text} ASSISTANT:"
"""The Vicuna v1 prompt LLaVA-1.5 and Video-LLaVA use, for processors saved without a chat template."""


_REASONING_STOPS = "_emoprompt_until"
"""Private generation-settings key carrying the task's stop strings to :class:`FinalAnswerStop`."""


class FinalAnswerStop:
    """A ``generate`` stopping criterion for EmoPrompt: a row stops once its final-answer line is complete.

    Each step, the new tokens of every row still running are decoded and checked with
    :func:`~lmms_emotion.models.emoprompt.reasoned_text_complete`, which is true only when
    more text could not change what :func:`finish_reasoned_text` returns, so answers stay
    identical while a batch no longer decodes to ``emoprompt_max_new_tokens``.
    """

    def __init__(self, tokenizer: Any, prompt_width: int, until: Sequence[str]) -> None:
        self.tokenizer = tokenizer
        self.prompt_width = int(prompt_width)
        self.until = list(until)
        self.done: torch.Tensor | None = None

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor | None = None, **kwargs: Any) -> torch.Tensor:
        if self.done is None or self.done.shape[0] != input_ids.shape[0]:
            self.done = torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)
        for row in range(input_ids.shape[0]):
            if not bool(self.done[row]):
                text = self.tokenizer.decode(input_ids[row, self.prompt_width:], skip_special_tokens=True)
                if reasoned_text_complete(text, self.until):
                    self.done[row] = True
        return self.done.clone()


@dataclass
class EmoLLMInputs:
    """The CPU-side inputs of one batch (made by :meth:`EmoLLM.preprocess`, possibly in a prefetch thread)."""

    encoded: Any  # the processor's BatchFeature: left-padded ids with expanded placeholders, pixel values
    prompts: list[str]  # each sample's rendered chat prompt (for continuation tokenisation)


def resample_frames(frames: list, count: int) -> list:
    """Exactly ``count`` frames: ``frames`` evenly re-indexed (a short video repeats frames)."""
    if not frames:
        raise ValueError("a video without frames")
    if len(frames) == count:
        return list(frames)
    return [frames[min(len(frames) - 1, (2 * i + 1) * len(frames) // (2 * count))] for i in range(count)]


class EmoLLM(HFMultimodalLM):
    """EmoLLM on LLaVA-1.5 / Video-LLaVA, simple (``doc_to_visual`` + ``doc_to_text``) requests."""

    default_pretrained = DEFAULT_PRETRAINED
    generation_defaults = EMOLLM_GENERATION

    def __init__(self, pretrained: str | None = None, emoprompt: bool | str = False,
                 emoprompt_max_new_tokens: int = EMOPROMPT_MAX_NEW_TOKENS, perspectives: str | None = None,
                 num_queries: int | None = None, base: str | None = None, **kwargs: Any) -> None:
        self.emoprompt = parse_flag(emoprompt)
        self.emoprompt_max_new_tokens = int(emoprompt_max_new_tokens)
        if self.emoprompt_max_new_tokens < 1:
            raise ValueError(f"emoprompt_max_new_tokens must be >= 1, got {emoprompt_max_new_tokens}")
        if self.emoprompt and kwargs.get("scoring", "generate") != "generate":
            raise ValueError("emoprompt=true asks the model to reason before answering; it needs scoring=generate")
        self.perspectives = perspectives or None
        self.num_queries = int(num_queries) if num_queries is not None else None
        self.base_override = base or None
        super().__init__(pretrained=pretrained, **kwargs)

    @classmethod
    def extra_model_args(cls) -> tuple[str, ...]:
        return ("emoprompt", "emoprompt_max_new_tokens", "perspectives", "num_queries", "base")

    # ---- loading ----

    def _mvp_config(self):
        from lmms_emotion.models.mvp import MVPConfig

        if self.perspectives is None and self.num_queries is None:
            return None
        settings: dict[str, Any] = {}
        if self.perspectives is not None:
            settings["perspectives"] = self.perspectives
        if self.num_queries is not None:
            settings["num_queries"] = self.num_queries
        return MVPConfig(**settings)

    def load_model(self, pretrained: str, *, dtype: torch.dtype, device_map: Any) -> None:
        from lmms_emotion.models.emollm_model import load_emollm

        model, processor = load_emollm(pretrained, base=self.base_override, mvp_config=self._mvp_config(), dtype=dtype,
                                       device_map=device_map, attn_implementation=self.attn_implementation)
        self.install_components(model, processor)

    def install_components(self, model: Any, processor: Any) -> None:
        """Adopt an :class:`EmoLLMForConditionalGeneration` and its budgeted processor (also for in-memory models)."""
        self._model = model
        self.processor = processor
        self._tokenizer = processor.tokenizer
        self._tokenizer.padding_side = "left"  # batched generation: every row ends at the last column
        pad = self._tokenizer.pad_token_id
        self.pad_token_id = int(pad if pad is not None else self._tokenizer.eos_token_id)
        self.is_video_model = model.kind == "video_llava"
        self._media_costs: dict[str, int] = {}

    def media_token_cost(self, kind: str) -> int:
        """LLM positions of one image / video after the MVP (orders batches by total length)."""
        if kind not in self._media_costs:
            self._media_costs[kind] = int(self.model.visual_token_count(kind, self.num_frames))
        return self._media_costs[kind]

    def compile_modules(self) -> None:
        """``compile=true``: compile the vision tower(s); generation uses a static cache."""
        super().compile_modules()
        for name in ("vision_tower", "image_tower", "video_tower"):
            tower = getattr(self._model.base.model, name, None)
            if tower is not None:
                tower.compile()

    # ---- prompts ----

    def generation_settings(self, task_kwargs: Mapping[str, Any] | None) -> tuple[dict[str, Any], list[str]]:
        settings, until = super().generation_settings(task_kwargs)
        if self.emoprompt:
            settings["max_new_tokens"] = self.emoprompt_max_new_tokens
        return settings, until

    def generation_stop_strings(self, until: Sequence[str]) -> list[str]:
        """None with EmoPrompt: the task's stop strings apply only after the final-answer line."""
        return [] if self.emoprompt else super().generation_stop_strings(until)

    def generation_kwargs_for(self, generation: dict[str, Any], until: Sequence[str]) -> dict[str, Any]:
        """With EmoPrompt, also the task's stop strings for :class:`FinalAnswerStop`."""
        settings = super().generation_kwargs_for(generation, until)
        if self.emoprompt:
            settings[_REASONING_STOPS] = list(until)
        return settings

    def finish_text(self, text: str, until: Sequence[str]) -> str:
        if self.emoprompt:
            return finish_reasoned_text(text, until)
        return super().finish_text(text, until)

    def question(self, sample: Sample) -> str:
        """The user text: the task's prompt, with the EmoPrompt instruction when ``emoprompt=true``."""
        if not self.emoprompt:
            return sample.context
        modality = "video" if any(v.kind == "video" for v in sample.visuals) else "image"
        return with_emoprompt(sample.context, sample.doc, modality)

    def _media_items(self, sample: Sample) -> tuple[list[str], list, list[list]]:
        """Placeholder kinds in order, the images and the videos (frame lists) of one sample."""
        kinds: list[str] = []
        images: list = []
        videos: list[list] = []
        for visual in sample.visuals:
            if visual.kind == "video" and self.is_video_model:
                kinds.append("video")
                videos.append(resample_frames(visual.frames, self.num_frames))
            else:
                kinds.extend(["image"] * len(visual.frames))
                images.extend(visual.frames)
        return kinds, images, videos

    def render_prompt(self, kinds: list[str], text: str) -> str:
        """The chat prompt with one placeholder per media item, visuals first."""
        template = getattr(self.processor, "chat_template", None)
        if template:
            content = [{"type": kind} for kind in kinds] + [{"type": "text", "text": text}]
            messages = [{"role": "user", "content": content}]
            return self.processor.apply_chat_template(messages, add_generation_prompt=True)
        tokens = {"image": self.processor.image_token, "video": getattr(self.processor, "video_token", "<video>")}
        return VICUNA_FALLBACK.format(media="".join(f"{tokens[kind]}\n" for kind in kinds), text=text)

    def encode_prompts(self, samples: list[Sample]):
        """Processor outputs (left-padded ids with expanded placeholders, pixel values) for a batch."""
        return self.preprocess(samples).encoded

    def preprocess(self, samples: list[Sample]) -> EmoLLMInputs:
        """Render the prompts and run the processor (CPU, prefetchable; a thread-local processor in workers)."""
        processor = self.local(self.processor)
        prompts, images, videos = [], [], []
        for sample in samples:
            kinds, sample_images, sample_videos = self._media_items(sample)
            prompts.append(self.render_prompt(kinds, self.question(sample)))
            images.extend(sample_images)
            videos.extend(sample_videos)
        extra = {"return_legacy_image_output": False} if self.is_video_model else {}
        if self.is_video_model:
            extra["videos"] = videos or None
        extra.update(self.image_processor_kwargs(processor.image_processor))
        encoded = processor(text=prompts, images=images or None, padding=True, return_tensors="pt", **extra)
        if self._device.type == "cuda":  # page-locked, so the copy to the GPU can overlap
            encoded = type(encoded)({k: v.pin_memory() if getattr(v, "device", None) == torch.device("cpu") else v
                                     for k, v in encoded.items()})
        return EmoLLMInputs(encoded, prompts)

    # ---- inference ----

    @torch.no_grad()
    def generate_batch(self, samples: list[Sample], generation: dict[str, Any],
                       prepared: EmoLLMInputs | None = None) -> list[str]:
        prepared = prepared if prepared is not None else self.preprocess(samples)
        inputs = prepared.encoded.to(self.device)
        from transformers import StoppingCriteriaList

        settings, criteria = self.split_generation(generation)
        reasoning_until = settings.pop(_REASONING_STOPS, None)
        if reasoning_until is not None:
            criteria.append(FinalAnswerStop(self._tokenizer, inputs["input_ids"].shape[1], reasoning_until))
        output = self.model.generate(**inputs, generation_config=self.generation_config(settings),
                                     stopping_criteria=StoppingCriteriaList(criteria))
        new_tokens = output[:, inputs["input_ids"].shape[1]:]
        return [text.strip() for text in self._tokenizer.batch_decode(new_tokens, skip_special_tokens=True)]

    def _continuation_ids(self, prompt: str, continuation: str, prompt_ids: list[int] | None = None) -> list[int]:
        """Ids of ``continuation`` as tokenised after ``prompt`` (lm-eval's rule), else on its own."""
        if prompt_ids is None:
            prompt_ids = self._tokenizer(prompt)["input_ids"]
        whole = self._tokenizer(prompt + continuation)["input_ids"]
        if len(whole) > len(prompt_ids) and whole[:len(prompt_ids)] == prompt_ids:
            return whole[len(prompt_ids):]
        return self._tokenizer(continuation, add_special_tokens=False)["input_ids"]

    @torch.no_grad()
    def score_batch(self, samples: list[Sample], continuations: list[list[str]],
                    prepared: EmoLLMInputs | None = None) -> list[list[ContinuationScore]]:
        """Each continuation's log-probability: prompt and media prefilled once per sample, labels from the cache."""
        if not any(continuations):
            return [[] for _ in samples]
        prepared = prepared if prepared is not None else self.preprocess(samples)
        targets: list[list[int]] = []
        owners: list[int] = []
        for index, (prompt, conts) in enumerate(zip(prepared.prompts, continuations)):
            prompt_ids = self._tokenizer(prompt)["input_ids"]
            for continuation in conts:
                targets.append(self._continuation_ids(prompt, continuation, prompt_ids))
                owners.append(index)
        model = self.model
        inputs = prepared.encoded.to(self.device)
        prefill = model(**inputs, position_ids=position_ids_from_mask(inputs["attention_mask"]), use_cache=True,
                        logits_to_keep=1)
        flat = shared_prefix_scores(model, prefill.logits[:, -1], prefill.past_key_values, inputs["attention_mask"],
                                    targets, owners, self.pad_token_id)
        return group_scores(flat, continuations)


class EmoLLMChat(EmoLLM):
    """The same model for chat requests (``doc_to_messages``); lmms-eval prefers this class.

    The text items of the user turn(s) are joined into the prompt; image and video items are
    the visuals, in order, placed before the text as LLaVA does.
    """

    is_simple = False
