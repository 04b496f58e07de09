"""Shared plumbing for lmms-eval wrappers around Hugging Face multimodal models.

A model wrapper (``emovit``, ``emollm``) subclasses :class:`HFMultimodalLM` and writes only
what is specific to its architecture:

``load_model(pretrained, dtype, device_map)``
    load weights and processor; set ``self._model``, ``self._tokenizer`` (and whatever
    else it needs).
``generate_batch(samples, generation) -> list[str]``
    greedy/sampled generation for one batch of :class:`Sample` (prompt text plus decoded
    visuals); return only the new text.
``score_batch(samples, continuations) -> list[list[ContinuationScore]]``
    log-likelihood of each candidate continuation given each sample's media and prompt.

Everything else lives here, once: constructor arguments (``pretrained``, ``device``,
``dtype``, ``device_map``, ``batch_size`` - which lmms-eval passes as a string -,
``num_frames``, ``video_backend``, ``scoring``, generation overrides), device and
multi-GPU data parallel through accelerate, unpacking of simple and chat requests
(lmms-eval 0.7.3 argument layouts), fetching docs from ``self.task_dict``, turning visuals
into PIL frames (images as is, videos through :func:`lmms_emotion.media.sample_video_frames`),
batching with ``lmms_eval.utils.Collator`` (grouped by generation kwargs, longest prompt
first), merging generation kwargs over the model's defaults, cutting at ``until`` stop
strings, progress bars, and the likelihood-scoring route for closed-set tasks.

Likelihood scoring (``scoring=likelihood``): instead of parsing free text, every candidate
label of a closed-set doc (:func:`lmms_emotion.task_utils.doc_options`) is scored as a
continuation of the prompt and the best one is returned as the answer text, which the
task's parser then maps exactly. ``loglikelihood`` requests (lmms-eval's own
``loglikelihood`` / ``multiple_choice`` output types) use the same scorer.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import torch
from accelerate import Accelerator, DistributedType
from lmms_eval.api.instance import Instance
from lmms_eval.api.model import lmms
from loguru import logger
from tqdm import tqdm

SCORING_MODES = ("generate", "likelihood")
LIKELIHOOD_NORMS = ("sum", "mean")
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".tiff", ".tif", ".webp"}

GENERATION_KEYS = (
    "max_new_tokens", "min_new_tokens", "do_sample", "temperature", "top_p", "top_k", "num_beams",
    "repetition_penalty", "length_penalty", "no_repeat_ngram_size",
)
"""Generation settings a task's ``generation_kwargs`` or the model args may set (others are ignored)."""

_DTYPES = {
    "float32": torch.float32, "fp32": torch.float32, "float": torch.float32,
    "float16": torch.float16, "fp16": torch.float16, "half": torch.float16,
    "bfloat16": torch.bfloat16, "bf16": torch.bfloat16,
}


# --- small pure helpers ----------------------------------------------------------------------------


def parse_batch_size(value: int | str | None) -> int:
    """``batch_size`` as an int >= 1 (lmms-eval passes ``--batch_size 8`` as the string ``"8"``)."""
    if value is None:
        return 1
    try:
        size = int(str(value).strip())
    except ValueError:
        raise ValueError(f"batch_size must be a whole number >= 1, got {value!r} ('auto' is not supported)") from None
    if size < 1:
        raise ValueError(f"batch_size must be >= 1, got {size}")
    return size


def resolve_device(device: str | None) -> torch.device:
    """The device for a single-process run: the one asked for, else CUDA when present, else CPU."""
    if device in (None, "", "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    resolved = torch.device(device)
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device={device!r} but no CUDA GPU is available; pass --device cpu")
    return resolved


def resolve_dtype(dtype: str | torch.dtype | None, device: torch.device) -> torch.dtype:
    """``auto``: bfloat16 on a GPU that supports it, else float16 on GPU, float32 on CPU."""
    if isinstance(dtype, torch.dtype):
        return dtype
    if dtype in (None, "", "auto"):
        if device.type == "cuda":
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.float32
    key = str(dtype).lower().replace("torch.", "")
    if key not in _DTYPES:
        raise ValueError(f"unknown dtype {dtype!r}; use auto, float32, float16 or bfloat16")
    return _DTYPES[key]


def merge_generation_kwargs(*layers: Mapping[str, Any] | None) -> tuple[dict[str, Any], list[str]]:
    """Merge generation settings (later layers win) into transformers kwargs plus ``until`` stop strings.

    Layers are typically: the model's defaults, the user's model args, the task's
    ``generation_kwargs``. lmms-eval conventions are translated: ``temperature: 0`` means
    greedy; a layer giving ``temperature`` without ``do_sample`` sets ``do_sample =
    temperature > 0`` (lmms-eval's wrappers' rule); sampling-only
    settings are dropped when decoding greedily; keys transformers would not accept from
    a task (e.g. ``image_sizes``) are ignored.
    """
    merged: dict[str, Any] = {}
    until: list[str] = []
    for layer in layers:
        layer = layer or {}
        for key, value in layer.items():
            if key == "until":
                until = [value] if isinstance(value, str) else list(value or [])
            elif key in GENERATION_KEYS and value is not None:
                merged[key] = value
        if layer.get("temperature") is not None and "do_sample" not in layer:
            merged["do_sample"] = float(layer["temperature"]) > 0  # lmms-eval: a temperature alone decides
    temperature = merged.get("temperature")
    if temperature is not None and float(temperature) <= 0:
        merged["do_sample"] = False
    merged["do_sample"] = bool(merged.get("do_sample", False))
    if not merged["do_sample"]:
        for key in ("temperature", "top_p", "top_k"):
            merged.pop(key, None)
    for key in ("max_new_tokens", "min_new_tokens", "num_beams", "top_k", "no_repeat_ngram_size"):
        if key in merged:
            merged[key] = int(merged[key])
    for key in ("temperature", "top_p", "repetition_penalty", "length_penalty"):
        if key in merged:
            merged[key] = float(merged[key])
    return merged, [s for s in until if s]


def embeds_only_processors(generation: Mapping[str, Any]) -> tuple[dict[str, Any], Any]:
    """Move ``repetition_penalty`` out of the settings into a logits processor for ``inputs_embeds``-only generation.

    transformers 5.23 builds its repetition-penalty processor with
    ``prompt_ignore_length`` = each row's count of left-padding positions (taken from the
    attention mask), assuming ``input_ids`` starts with the padded prompt. When
    generating from ``inputs_embeds`` alone, ``input_ids`` holds only the new tokens, so
    in padded rows the first new tokens escaped the penalty and batched output differed
    from unbatched output. A processor without ``prompt_ignore_length`` penalises exactly
    the generated tokens in every row, as LAVIS (transformers 4.3x) did.
    """
    from transformers import LogitsProcessorList, RepetitionPenaltyLogitsProcessor

    settings = dict(generation)
    penalty = float(settings.pop("repetition_penalty", 1.0) or 1.0)
    processors = LogitsProcessorList()
    if penalty != 1.0:
        processors.append(RepetitionPenaltyLogitsProcessor(penalty))
    return settings, processors


def truncate_at_stop(text: str, until: Sequence[str]) -> str:
    """Cut ``text`` at the first occurrence of any stop string."""
    cut = len(text)
    for stop in until:
        if stop:
            index = text.find(stop)
            if index != -1:
                cut = min(cut, index)
    return text[:cut]


def left_pad(sequences: Sequence[Sequence[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Left-pad token id lists into ``(input_ids, attention_mask)``; every sequence ends at the last column."""
    width = max((len(s) for s in sequences), default=0)
    ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(sequences), width), dtype=torch.long)
    for row, seq in enumerate(sequences):
        if seq:
            ids[row, width - len(seq):] = torch.as_tensor(list(seq), dtype=torch.long)
            mask[row, width - len(seq):] = 1
    return ids, mask


def position_ids_from_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """Positions counted over real tokens only (what ``generate`` uses with left padding)."""
    positions = attention_mask.long().cumsum(-1) - 1
    return positions.masked_fill(attention_mask == 0, 0)


@dataclass(frozen=True)
class ContinuationScore:
    """Log-probability of one continuation, its length in tokens, and whether greedy decoding yields it."""

    logprob: float
    num_tokens: int
    is_greedy: bool

    def normalised(self, norm: str) -> float:
        """``sum``: total log-probability; ``mean``: per token."""
        if norm == "mean":
            return self.logprob / max(self.num_tokens, 1)
        return self.logprob


def score_continuations(tail_logits: torch.Tensor, targets: Sequence[Sequence[int]]) -> list[ContinuationScore]:
    """Scores of left-padded rows whose last ``len(targets[i])`` tokens are the continuation.

    ``tail_logits``: ``(rows, K, vocab)``, the logits of each row's last ``K`` positions
    (``K = max target length + 1``; the logits at position ``t`` predict token ``t + 1``).
    """
    logprobs = torch.log_softmax(tail_logits.float(), dim=-1)
    width = tail_logits.shape[1]
    scores = []
    for row, target in enumerate(targets):
        n = len(target)
        if n == 0:
            scores.append(ContinuationScore(0.0, 0, True))
            continue
        # predictions for the n continuation tokens sit at tail positions width-1-n .. width-2
        step = logprobs[row, width - 1 - n: width - 1]
        tokens = torch.as_tensor(list(target), device=step.device)
        picked = step.gather(-1, tokens[:, None]).squeeze(-1)
        greedy = bool((step.argmax(-1) == tokens).all())
        scores.append(ContinuationScore(float(picked.sum()), n, greedy))
    return scores


# --- requests and samples --------------------------------------------------------------------------


@dataclass
class Visual:
    """One image (a single frame) or one video (its sampled frames), as RGB PIL images."""

    kind: str  # "image" | "video"
    frames: list


@dataclass
class Sample:
    """What a model sees for one request: the prompt text and its decoded visuals, in order."""

    context: str
    visuals: list[Visual] = field(default_factory=list)
    doc: Mapping[str, Any] | None = None

    @property
    def frames(self) -> list:
        """All frames of all visuals, in order (an image counts as one frame)."""
        return [frame for visual in self.visuals for frame in visual.frames]

    @property
    def images(self) -> list:
        """The single-frame visuals' images."""
        return [v.frames[0] for v in self.visuals if v.kind == "image"]

    @property
    def videos(self) -> list[list]:
        """The videos' frame lists."""
        return [v.frames for v in self.visuals if v.kind == "video"]


@dataclass
class _Request:
    """One lmms-eval request, unpacked from either the simple or the chat argument layout."""

    index: int
    context: str
    gen_kwargs: dict
    doc_id: Any
    task: str | None
    split: str | None
    doc_to_visual: Callable | None = None
    doc_to_messages: Callable | None = None
    continuation: Any = None


def _chat_text_and_media(messages: list) -> tuple[str, list[tuple[str, Any]]]:
    """Text (user/system turns joined) and ``(kind, url)`` media items, in order, of a chat payload."""
    from lmms_eval.protocol import ChatMessages

    chat = ChatMessages(messages=messages)
    texts: list[str] = []
    media: list[tuple[str, Any]] = []
    for message in chat.messages:
        for content in message.content:
            if content.type == "text":
                if message.role != "assistant":
                    texts.append(content.text)
            elif content.type in ("image", "video"):
                media.append((content.type, content.url))
            else:
                raise ValueError(f"{content.type} inputs are not supported by this model")
    return "\n".join(texts), media


# --- the base class --------------------------------------------------------------------------------


class HFMultimodalLM(lmms):
    """lmms-eval wrapper base for a transformers image/video-language model; see the module docstring."""

    default_pretrained: ClassVar[str] = ""
    generation_defaults: ClassVar[dict[str, Any]] = {"do_sample": False, "num_beams": 1, "max_new_tokens": 256}

    def __init__(
        self,
        pretrained: str | None = None,
        device: str | None = None,
        dtype: str | None = "auto",
        device_map: str | None = None,
        batch_size: int | str = 1,
        num_frames: int = 8,
        video_backend: str = "auto",
        scoring: str = "generate",
        likelihood_norm: str = "sum",
        attn_implementation: str | None = None,
        max_batch_size: int | None = None,  # passed by lmms-eval; fixed batches only
        **generation_overrides: Any,
    ) -> None:
        super().__init__()
        unknown = sorted(k for k in generation_overrides if k not in GENERATION_KEYS)
        if unknown:
            raise TypeError(
                f"{type(self).__name__}: unknown model argument(s) {', '.join(unknown)}. Accepted: pretrained, device, "
                "dtype, device_map, batch_size, num_frames, video_backend, scoring, likelihood_norm, "
                f"attn_implementation, {', '.join(self.extra_model_args())}, and generation settings "
                f"({', '.join(GENERATION_KEYS)})")
        if scoring not in SCORING_MODES:
            raise ValueError(f"scoring must be one of {', '.join(SCORING_MODES)}, got {scoring!r}")
        if likelihood_norm not in LIKELIHOOD_NORMS:
            raise ValueError(f"likelihood_norm must be one of {', '.join(LIKELIHOOD_NORMS)}, got {likelihood_norm!r}")
        if int(num_frames) < 1:
            raise ValueError(f"num_frames must be >= 1, got {num_frames}")
        self.pretrained = str(pretrained or self.default_pretrained)
        self.batch_size_per_gpu = parse_batch_size(batch_size)
        self.num_frames = int(num_frames)
        self.video_backend = str(video_backend)
        self.scoring = scoring
        self.likelihood_norm = likelihood_norm
        self.attn_implementation = attn_implementation
        self.generation_overrides = dict(generation_overrides)

        accelerator = Accelerator()
        distributed = accelerator.num_processes > 1
        if distributed:
            if device_map:
                raise ValueError("device_map shards one model over several GPUs; a data-parallel launch "
                                 "(accelerate launch / torchrun) keeps a full copy per process. Drop device_map.")
            # one GPU per process; on a CPU-only launch (accelerate launch --cpu) every process uses the CPU
            self._device = (torch.device(f"cuda:{accelerator.local_process_index}") if torch.cuda.is_available()
                            else torch.device("cpu"))
        else:
            self._device = resolve_device(device)
        self.torch_dtype = resolve_dtype(dtype, self._device)
        self.device_map = device_map or None

        # load straight onto the device (no full CPU copy first), or shard with the user's device_map
        self.load_model(self.pretrained, dtype=self.torch_dtype,
                        device_map=self.device_map if self.device_map else {"": str(self._device)})
        self._model.eval()
        if self.device_map:
            self._device = self._model.get_input_embeddings().weight.device

        if distributed:
            self._distribute(accelerator)
        else:
            self._rank, self._world_size = 0, 1

    # ---- hooks for subclasses ----

    @classmethod
    def extra_model_args(cls) -> tuple[str, ...]:
        """Names of the subclass's own model args (for the error message on a typo)."""
        return ()

    def load_model(self, pretrained: str, *, dtype: torch.dtype, device_map: Any) -> None:  # pragma: no cover
        raise NotImplementedError

    def generate_batch(self, samples: list[Sample], generation: dict[str, Any]) -> list[str]:  # pragma: no cover
        raise NotImplementedError

    def score_batch(self, samples: list[Sample], continuations: list[list[str]]) -> list[list[ContinuationScore]]:  # pragma: no cover
        raise NotImplementedError

    # ---- accelerate / lmms-eval properties ----

    def _distribute(self, accelerator: Accelerator) -> None:
        """Data parallel over processes (DDP; FSDP or DeepSpeed ZeRO-0 through ``accelerate config``)."""
        allowed = (DistributedType.FSDP, DistributedType.MULTI_GPU, DistributedType.DEEPSPEED, DistributedType.MULTI_CPU)
        if accelerator.distributed_type not in allowed:
            raise ValueError(f"unsupported distributed type {accelerator.distributed_type}; use DDP, FSDP or DeepSpeed")
        if accelerator.distributed_type == DistributedType.DEEPSPEED:
            from accelerate.state import AcceleratorState

            AcceleratorState().deepspeed_plugin.deepspeed_config_process(
                must_match=True, train_micro_batch_size_per_gpu=self.batch_size_per_gpu,
                train_batch_size=self.batch_size_per_gpu * accelerator.num_processes)
        if accelerator.distributed_type in (DistributedType.FSDP, DistributedType.DEEPSPEED):
            self._model = accelerator.prepare(self._model)
        else:
            self._model = accelerator.prepare_model(self._model, evaluation_mode=True)
        self.accelerator = accelerator
        if accelerator.is_local_main_process:
            logger.info(f"{type(self).__name__}: data parallel over {accelerator.num_processes} processes")
        self._rank = accelerator.local_process_index
        self._world_size = accelerator.num_processes

    @property
    def model(self) -> torch.nn.Module:
        """The underlying transformers model (unwrapped from DDP/FSDP)."""
        if hasattr(self, "accelerator"):
            return self.accelerator.unwrap_model(self._model)
        return self._model

    @property
    def tokenizer(self):
        return self._tokenizer

    @property
    def device(self) -> torch.device:
        return self._device

    @property
    def batch_size(self) -> int:
        return self.batch_size_per_gpu

    @property
    def eot_token_id(self) -> int:
        return self._tokenizer.eos_token_id

    # ---- request plumbing ----

    def _unpack(self, index: int, request: Instance, kind: str) -> _Request:
        args = request.args
        if kind == "loglikelihood":
            if len(args) == 2:  # lmms-eval's unconditional (mutual-information) requests
                return _Request(index, args[0], {}, None, None, None, continuation=args[1])
            ctx, continuation, doc_to_visual, doc_id, task, split = args
            return _Request(index, ctx, {}, doc_id, task, split, doc_to_visual=doc_to_visual, continuation=continuation)
        if len(args) != 6:
            raise ValueError(f"{type(self).__name__} handles single-turn generation requests only; got {len(args)} arguments")
        if self.is_simple:
            ctx, gen_kwargs, doc_to_visual, doc_id, task, split = args
            return _Request(index, ctx, dict(gen_kwargs or {}), doc_id, task, split, doc_to_visual=doc_to_visual)
        ctx, doc_to_messages, gen_kwargs, doc_id, task, split = args
        return _Request(index, ctx, dict(gen_kwargs or {}), doc_id, task, split, doc_to_messages=doc_to_messages)

    def _doc(self, request: _Request) -> Mapping[str, Any] | None:
        if request.task is None:
            return None
        try:
            return self.task_dict[request.task][request.split][request.doc_id]
        except (KeyError, IndexError, TypeError) as exc:
            raise KeyError(f"doc {request.doc_id} of {request.task}/{request.split} is not in the model's task_dict") from exc

    def load_visual(self, kind: str, item: Any) -> Visual:
        """One visual as PIL frames: a PIL image, an image path, or a video path (sampled to ``num_frames``)."""
        from PIL import Image

        from lmms_emotion.media import open_image, sample_video_frames

        if isinstance(item, Image.Image):
            return Visual("image", [item.convert("RGB") if item.mode != "RGB" else item])
        if isinstance(item, Mapping):  # lmms-eval video dicts carry the path under url/path
            item = item.get("url") or item.get("path") or item.get("video")
        if isinstance(item, (str, os.PathLike)):
            path = os.fspath(item)
            if kind == "image" or os.path.splitext(path)[1].lower() in IMAGE_EXTENSIONS:
                return Visual("image", [open_image(path)])
            return Visual("video", sample_video_frames(path, self.num_frames, self.video_backend))
        raise TypeError(f"unsupported visual of type {type(item).__name__}; expected a PIL image or a file path")

    def build_sample(self, request: _Request) -> Sample:
        """Fetch the doc, render the prompt and decode the visuals of one request."""
        doc = self._doc(request)
        if request.doc_to_messages is not None:
            text, media = _chat_text_and_media(request.doc_to_messages(doc))
            return Sample(text, [self.load_visual(kind, url) for kind, url in media], doc)
        visuals: list[Visual] = []
        if request.doc_to_visual is not None and doc is not None:
            raw = request.doc_to_visual(doc) or []
            for item in raw if isinstance(raw, (list, tuple)) else [raw]:
                visuals.append(self.load_visual("auto", item))
        return Sample(str(request.context or ""), visuals, doc)

    def finish_text(self, text: str, until: Sequence[str]) -> str:
        """The answer lmms-eval receives for one generated text: cut at the first stop string, stripped."""
        return truncate_at_stop(text, until).strip()

    def generation_settings(self, task_kwargs: Mapping[str, Any] | None) -> tuple[dict[str, Any], list[str]]:
        """The model's defaults, then the user's model args, then the task's ``generation_kwargs``."""
        return merge_generation_kwargs(self.generation_defaults, self.generation_overrides, task_kwargs)

    def generation_config(self, generation: dict[str, Any]):
        """A ``GenerationConfig`` of ``generation`` with the model's special tokens (tokenizer's as fallback)."""
        from transformers import GenerationConfig

        base = self.model.generation_config
        eos = base.eos_token_id if base.eos_token_id is not None else self._tokenizer.eos_token_id
        bos = base.bos_token_id if base.bos_token_id is not None else self._tokenizer.bos_token_id
        return GenerationConfig(**generation, eos_token_id=eos, bos_token_id=bos, pad_token_id=self.pad_token_id)

    def _batches(self, requests: list[_Request], group: bool) -> Any:
        from lmms_eval.utils import Collator

        collator = Collator(requests, lambda r: (-len(r.context or ""), r.index),
                            group_fn=lambda r: r.gen_kwargs, grouping=group)
        return collator, collator.get_batched(n=self.batch_size, batch_fn=None)

    # ---- lmms-eval entry points ----

    def generate_until(self, requests: list[Instance]) -> list[str]:
        """Batched generation; with ``scoring=likelihood``, the best closed-set label instead."""
        if not requests:
            return []
        items = [self._unpack(i, r, "generate") for i, r in enumerate(requests)]
        if self.scoring == "likelihood":
            return self._answer_by_likelihood(items)
        collator, batches = self._batches(items, group=True)
        results: list[str] = []
        with tqdm(total=len(items), disable=self.rank != 0, desc=f"{type(self).__name__} generating") as bar:
            for batch in batches:
                samples = [self.build_sample(r) for r in batch]
                generation, until = self.generation_settings(batch[0].gen_kwargs)
                texts = self.generate_batch(samples, generation)
                for request, text in zip(batch, texts):
                    text = self.finish_text(text, until)
                    results.append(text)
                    self.cache_hook.add_partial("generate_until", (request.context, request.gen_kwargs), text)
                bar.update(len(batch))
        return collator.get_original(results)

    def _answer_by_likelihood(self, items: list[_Request]) -> list[str]:
        """Score every candidate label of each doc as the continuation; answer the best label."""
        from lmms_emotion.task_utils import doc_options

        collator, batches = self._batches(items, group=False)
        answers: list[str] = []
        with tqdm(total=len(items), disable=self.rank != 0, desc=f"{type(self).__name__} scoring labels") as bar:
            for batch in batches:
                samples = [self.build_sample(r) for r in batch]
                options = []
                for request, sample in zip(batch, samples):
                    if sample.doc is None or "label_set" not in sample.doc:
                        raise ValueError(f"scoring=likelihood needs a closed-set lmms-emotion task; doc {request.doc_id} "
                                         f"of {request.task} has no label_set")
                    options.append(doc_options(sample.doc))
                scores = self.score_batch(samples, [[" " + o for o in opts] for opts in options])
                for request, opts, row in zip(batch, options, scores):
                    values = [s.normalised(self.likelihood_norm) for s in row]
                    best = opts[max(range(len(opts)), key=lambda i: values[i])]
                    answers.append(best)
                    self.cache_hook.add_partial("generate_until", (request.context, request.gen_kwargs), best)
                bar.update(len(batch))
        return collator.get_original(answers)

    def loglikelihood(self, requests: list[Instance]) -> list[tuple[float, bool]]:
        """``(sum of log-probabilities, is_greedy)`` of each request's continuation given media and context.

        Consecutive requests on the same doc and context (lmms-eval's ``multiple_choice``
        emits one per choice) share one sample, so media is encoded once per doc.
        """
        items = [self._unpack(i, r, "loglikelihood") for i, r in enumerate(requests)]
        groups: list[list[_Request]] = []
        for item in items:
            last = groups[-1][0] if groups else None
            if last is not None and (last.task, last.split, last.doc_id, last.context) == (
                    item.task, item.split, item.doc_id, item.context) and item.task is not None:
                groups[-1].append(item)
            else:
                groups.append([item])
        results: list[tuple[float, bool]] = [(0.0, False)] * len(items)
        with tqdm(total=len(items), disable=self.rank != 0, desc=f"{type(self).__name__} loglikelihood") as bar:
            for start in range(0, len(groups), self.batch_size):
                chunk = groups[start:start + self.batch_size]
                samples = [self.build_sample(group[0]) for group in chunk]
                continuations = []
                for group, sample in zip(chunk, samples):
                    conts = []
                    for item in group:
                        cont = item.continuation
                        conts.append(str(cont(sample.doc) if callable(cont) else cont))
                    continuations.append(conts)
                scores = self.score_batch(samples, continuations)
                for group, row in zip(chunk, scores):
                    for item, score in zip(group, row):
                        results[item.index] = (score.logprob, score.is_greedy)
                bar.update(sum(len(g) for g in chunk))
        return results

    def generate_until_multi_round(self, requests: list[Instance]) -> list[str]:
        raise NotImplementedError(f"{type(self).__name__} answers single-turn requests only")

