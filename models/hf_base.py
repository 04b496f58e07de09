"""Shared plumbing for lmms-eval wrappers around Hugging Face multimodal models.

A model wrapper (``emovit``, ``emollm``) subclasses :class:`HFMultimodalLM` and writes only
what is specific to its architecture:

``load_model(pretrained, dtype, device_map)``
    load weights and processor; set ``self._model``, ``self._tokenizer`` (and whatever
    else it needs).
``preprocess(samples) -> prepared`` (optional)
    the CPU part of a batch (pixel values, token ids); runs in a prefetch thread.
``generate_batch(samples, generation, prepared=None) -> list[str]``
    greedy/sampled generation for one batch of :class:`Sample` (prompt text plus decoded
    visuals); return only the new text.
``score_batch(samples, continuations, prepared=None) -> list[list[ContinuationScore]]``
    log-likelihood of each candidate continuation given each sample's media and prompt.

Everything else lives here, once: constructor arguments (``pretrained``, ``device``,
``dtype``, ``device_map``, ``batch_size`` - which lmms-eval passes as a string -,
``num_frames``, ``video_backend``, ``scoring``, generation overrides), device and
multi-GPU data parallel through accelerate, unpacking of simple and chat requests
(lmms-eval 0.7.3 argument layouts), fetching docs from ``self.task_dict``, turning visuals
into PIL frames (images as is, videos through :func:`lmms_emotion.media.sample_video_frames`),
batching with ``lmms_eval.utils.Collator`` (grouped by generation kwargs, longest request
first, counting media tokens as well as text tokens), merging generation kwargs over the
model's defaults, ``until`` stop strings (passed to ``generate`` so a batch stops decoding
once every row has produced one, and cut again afterwards), progress bars, and the
likelihood-scoring route for closed-set tasks.

Throughput machinery (also here, once):

* **Prefetching.** Decoding a batch's media and running the CPU preprocessing (the
  subclass's :meth:`HFMultimodalLM.preprocess`: image processor, tokenisers) happen in a
  small thread pool (``prefetch=N`` threads, default 2; ``prefetch=0`` runs everything
  serially in the calling thread) for the next batches while the model runs the current
  one. Worker threads use their own copies of the processor (``thread_local_copy``):
  Hugging Face fast tokenisers are not safe to call from several threads at once.
* **Shared-prefix likelihood** (:func:`shared_prefix_scores`): the prompt and media are
  prefilled once per sample with the KV cache; every candidate continuation is then scored
  from that cache in one batched pass (``LLM positions = prompt + label tokens`` instead
  of ``labels x (prompt + label)``).
* ``batch_size=auto``: the largest batch that fits, found once on the first (longest)
  request (halving on out-of-memory, detected with accelerate's memory utilities),
  starting from ``max_batch_size`` (default 64); on a CPU there is no out-of-memory
  signal, so ``auto`` means ``max_batch_size`` (default 8) there.
* ``preprocess_on_device=true`` (opt-in): torchvision-backed image processors resize and
  normalise on the model's device (pixel values may differ from CPU preprocessing by
  floating-point noise).
* ``compile=true`` (opt-in): ``torch.compile`` on the vision tower and a static KV cache
  for generation (transformers then compiles the decoding step). Outputs may differ from
  eager mode by floating-point noise.

Likelihood scoring (``scoring=likelihood``): instead of parsing free text, every candidate
label of a closed-set doc (its documented ``options`` field: the labels the prompt lists) is scored as a
continuation of the prompt and the best one is returned as the answer text, which the
task's parser then maps exactly. ``loglikelihood`` requests (lmms-eval's own
``loglikelihood`` / ``multiple_choice`` output types) use the same scorer.
"""

from __future__ import annotations

import copy
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
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

AUTO_BATCH_SIZE = 0
"""What :func:`parse_batch_size` returns for ``batch_size=auto`` (resolved on the first batch)."""
PREFETCH_THREAD_PREFIX = "lmms-emotion-prefetch"
STOP_STRINGS_KEY = "_stop_strings"
"""Private generation-settings key: the stop strings :meth:`HFMultimodalLM.split_generation` turns into a criterion."""
DEFAULT_AUTO_START = {"cuda": 64, "cpu": 8}

_DTYPES = {
    "float32": torch.float32, "fp32": torch.float32, "float": torch.float32,
    "float16": torch.float16, "fp16": torch.float16, "half": torch.float16,
    "bfloat16": torch.bfloat16, "bf16": torch.bfloat16,
}


# --- small pure helpers ----------------------------------------------------------------------------


def parse_batch_size(value: int | str | None) -> int:
    """``batch_size`` as an int >= 1, or :data:`AUTO_BATCH_SIZE` for ``auto`` (lmms-eval passes strings)."""
    if value is None:
        return 1
    text = str(value).strip().lower()
    if text == "auto" or text.startswith("auto:"):  # lmms-eval's "auto:N" (re-tune N times) is treated as auto
        return AUTO_BATCH_SIZE
    try:
        size = int(text)
    except ValueError:
        raise ValueError(f"batch_size must be a whole number >= 1 or 'auto', got {value!r}") from None
    if size < 1:
        raise ValueError(f"batch_size must be >= 1 or 'auto', got {size}")
    return size


def parse_whole_number(name: str, value: int | str, minimum: int, hint: str = "") -> int:
    """A model arg given as an int or a string of digits (lmms-eval passes strings), at least ``minimum``."""
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}{hint}, got {value!r}")
    return int(text)


def parse_flag(value: Any) -> bool:
    """A boolean model arg (``true``/``false``/``1``/``0``/...; lmms-eval passes strings)."""
    if isinstance(value, str):
        if value.strip().lower() in ("1", "true", "yes", "on"):
            return True
        if value.strip().lower() in ("0", "false", "no", "off", ""):
            return False
        raise ValueError(f"expected true or false, got {value!r}")
    return bool(value)


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


def largest_fitting_batch(start: int, run: Callable[[int], Any]) -> int:
    """The first of ``start, start // 2, ..., 1`` for which ``run(size)`` raises no out-of-memory error.

    accelerate's ``find_executable_batch_size`` shrinks by x0.9 per failure (many slow tries
    from 64); we halve instead, with its out-of-memory test and device-cache clearing.
    Other errors propagate; so does out-of-memory at batch 1.
    """
    from accelerate.utils.memory import clear_device_cache, should_reduce_batch_size

    size = max(1, int(start))
    while True:
        try:
            run(size)
            return size
        except Exception as exc:
            if not should_reduce_batch_size(exc) or size == 1:
                raise
        clear_device_cache(garbage_collection=True)
        size //= 2


def thread_local_copy(obj: Any, store: threading.local) -> Any:
    """``obj`` itself outside prefetch threads; inside one, that thread's own deep copy of it (made once).

    Hugging Face fast tokenisers keep their padding/truncation settings in the Rust object
    and raise "Already borrowed" when two threads use one at the same time, so each
    prefetch thread tokenises with its own copy while the model thread keeps the original.
    """
    if not threading.current_thread().name.startswith(PREFETCH_THREAD_PREFIX):
        return obj
    copies = getattr(store, "copies", None)
    if copies is None:
        copies = store.copies = {}
    if id(obj) not in copies:
        copies[id(obj)] = (obj, copy.deepcopy(obj))  # keep obj alive so its id is not reused
    return copies[id(obj)][1]


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

    def score(row: int, target: Sequence[int]) -> ContinuationScore:
        # predictions for the n continuation tokens sit at tail positions width-1-n .. width-2
        step = logprobs[row, width - 1 - len(target): width - 1]
        tokens = torch.as_tensor(list(target), device=step.device)
        picked = step.gather(-1, tokens[:, None]).squeeze(-1)
        return ContinuationScore(float(picked.sum()), len(target), bool((step.argmax(-1) == tokens).all()))

    return _score_each(targets, score)


def _score_each(targets: Sequence[Sequence[int]], score: Callable[[int, Sequence[int]], ContinuationScore]
                ) -> list[ContinuationScore]:
    """``score(row, target)`` for every non-empty target; an empty continuation scores 0 and counts as greedy."""
    return [score(row, target) if target else ContinuationScore(0.0, 0, True) for row, target in enumerate(targets)]


@torch.no_grad()
def shared_prefix_scores(
    lm_forward: Callable[..., Any],
    next_logits: torch.Tensor,
    cache: Any,
    prefix_mask: torch.Tensor,
    targets: Sequence[Sequence[int]],
    owners: Sequence[int],
    pad_id: int,
) -> list[ContinuationScore]:
    """Score continuations from a prefilled prompt cache: the prompt is computed once per sample.

    ``next_logits``: ``(samples, vocab)``, each sample's logits at its last prompt position
    (they predict every continuation's first token). ``cache``: the prefill's KV cache
    (transformers ``Cache``), prompts left-padded to ``prefix_mask``'s width. ``targets``:
    continuation token ids, one row per candidate; ``owners``: the sample each row belongs
    to. Rows whose continuation is longer than one token get one batched pass over their
    tokens but the last, right-padded, on a copy of the owner's cache rows, with positions
    continuing after the prompt's real tokens (what the full-sequence pass used). The cache
    is consumed. Same values as scoring ``prompt + continuation`` in one pass, up to
    floating-point noise.
    """
    first = torch.log_softmax(next_logits.float(), dim=-1)
    longest = max((len(t) for t in targets), default=0)
    rest: torch.Tensor | None = None
    if longest > 1:
        device = prefix_mask.device
        width = longest - 1
        ids = torch.full((len(targets), width), pad_id, dtype=torch.long)
        mask = torch.zeros((len(targets), width), dtype=prefix_mask.dtype)
        for row, target in enumerate(targets):
            if len(target) > 1:
                ids[row, :len(target) - 1] = torch.as_tensor(list(target[:-1]), dtype=torch.long)
                mask[row, :len(target) - 1] = 1
        owner = torch.as_tensor(list(owners), dtype=torch.long, device=device)
        cache.batch_select_indices(owner)
        attention_mask = torch.cat([prefix_mask[owner], mask.to(device)], dim=1)
        start = prefix_mask.long().sum(-1)[owner]
        positions = start[:, None] + torch.arange(width, device=device)[None, :]
        logits = lm_forward(input_ids=ids.to(device), attention_mask=attention_mask, position_ids=positions,
                            past_key_values=cache, use_cache=True).logits
        rest = torch.log_softmax(logits.float(), dim=-1)

    def score(row: int, target: Sequence[int]) -> ContinuationScore:
        head = first[owners[row]]
        total = head[target[0]]
        greedy = bool(head.argmax() == target[0])
        if len(target) > 1:
            assert rest is not None
            step = rest[row, :len(target) - 1]
            tokens = torch.as_tensor(list(target[1:]), device=step.device)
            total = total + step.gather(-1, tokens[:, None]).sum()
            greedy = greedy and bool((step.argmax(-1) == tokens).all())
        return ContinuationScore(float(total), len(target), greedy)

    return _score_each(targets, score)


def group_scores(flat: Sequence[ContinuationScore], continuations: Sequence[Sequence[str]]
                 ) -> list[list[ContinuationScore]]:
    """Split one flat list of scores back into per-sample lists (``continuations`` gives the counts)."""
    grouped: list[list[ContinuationScore]] = []
    start = 0
    for conts in continuations:
        grouped.append(list(flat[start:start + len(conts)]))
        start += len(conts)
    return grouped


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
        max_batch_size: int | str | None = None,
        prefetch: int | str = 2,
        compile: bool | str = False,
        preprocess_on_device: bool | str = False,
        **generation_overrides: Any,
    ) -> None:
        super().__init__()
        unknown = sorted(k for k in generation_overrides if k not in GENERATION_KEYS)
        if unknown:
            raise TypeError(
                f"{type(self).__name__}: unknown model argument(s) {', '.join(unknown)}. Accepted: pretrained, device, "
                "dtype, device_map, batch_size, max_batch_size, num_frames, video_backend, scoring, likelihood_norm, "
                f"attn_implementation, prefetch, compile, preprocess_on_device, {', '.join(self.extra_model_args())}, and generation settings "
                f"({', '.join(GENERATION_KEYS)})")
        if scoring not in SCORING_MODES:
            raise ValueError(f"scoring must be one of {', '.join(SCORING_MODES)}, got {scoring!r}")
        if likelihood_norm not in LIKELIHOOD_NORMS:
            raise ValueError(f"likelihood_norm must be one of {', '.join(LIKELIHOOD_NORMS)}, got {likelihood_norm!r}")
        self.num_frames = parse_whole_number("num_frames", num_frames, 1)
        self.prefetch = parse_whole_number("prefetch", prefetch, 0, " (0: decode and preprocess in the model's thread)")
        self.pretrained = str(pretrained or self.default_pretrained)
        self.batch_size_per_gpu = parse_batch_size(batch_size)
        self.auto_batch_size = self.batch_size_per_gpu == AUTO_BATCH_SIZE
        self.max_batch_size = parse_batch_size(max_batch_size) if max_batch_size not in (None, "") else None
        if self.max_batch_size == AUTO_BATCH_SIZE:
            raise ValueError("max_batch_size must be a whole number >= 1")
        self.compile_model = parse_flag(compile)
        self.preprocess_on_device = parse_flag(preprocess_on_device)
        self._thread_copies = threading.local()
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

        if self.auto_batch_size:  # an upper bound until the first batch resolves it
            self.batch_size_per_gpu = self.max_batch_size or DEFAULT_AUTO_START.get(self._device.type, 8)
        if self.compile_model:
            self.compile_modules()

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

    def generate_batch(self, samples: list[Sample], generation: dict[str, Any],
                       prepared: Any = None) -> list[str]:  # pragma: no cover
        raise NotImplementedError

    def score_batch(self, samples: list[Sample], continuations: list[list[str]],
                    prepared: Any = None) -> list[list[ContinuationScore]]:  # pragma: no cover
        raise NotImplementedError

    def preprocess(self, samples: list[Sample]) -> Any:
        """CPU-side inputs for a batch (pixel values, token ids), run in a prefetch thread; ``None`` by default.

        ``generate_batch`` / ``score_batch`` receive the result as ``prepared`` (and compute
        it themselves when called without). Use :meth:`local` for tokenisers/processors.
        """
        return None

    def local(self, obj: Any) -> Any:
        """``obj`` (a processor or tokeniser), or this prefetch thread's own copy of it."""
        return thread_local_copy(obj, self._thread_copies)

    def image_processor_kwargs(self, image_processor: Any) -> dict[str, Any]:
        """``{"device": ...}`` with ``preprocess_on_device=true`` when the image processor runs on torch.

        transformers' torchvision-backed image processors resize and normalise on the device
        they are given; PIL-backed ones cannot, and get nothing.
        """
        if not self.preprocess_on_device:
            return {}
        from transformers.image_processing_backends import TorchvisionBackend

        return {"device": self._device} if isinstance(image_processor, TorchvisionBackend) else {}

    def media_token_cost(self, kind: str) -> int:
        """LLM positions one visual of ``kind`` (``image``/``video``) takes; orders batches by total length."""
        return 1 if kind == "image" else self.num_frames

    def compile_modules(self) -> None:
        """``compile=true``: ``torch.compile`` the parts a subclass names; the base compiles nothing itself."""
        logger.info(f"{type(self).__name__}: compile=true, static KV cache for generation")

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

    def request_cost(self, request: _Request) -> int:
        """Approximate LLM positions of a request: prompt tokens plus media tokens (doc ``media_types``)."""
        text = len(self._tokenizer(str(request.context or ""), add_special_tokens=False)["input_ids"])
        kinds: Sequence[str] = ()
        if request.task is not None and getattr(self, "task_dict", None):
            try:
                doc = self._doc(request)
            except KeyError:
                doc = None
            if isinstance(doc, Mapping) and isinstance(doc.get("media_types"), (list, tuple)):
                kinds = doc["media_types"]
        return text + sum(self.media_token_cost(str(kind)) for kind in kinds)

    def _batches(self, requests: list[_Request], group: bool) -> Any:
        from lmms_eval.utils import Collator

        costs = {r.index: self.request_cost(r) for r in requests}
        collator = Collator(requests, lambda r: (-costs[r.index], r.index),
                            group_fn=lambda r: r.gen_kwargs, grouping=group)
        return collator, collator.get_batched(n=self.batch_size, batch_fn=None)

    def _prepare(self, batch: Sequence[_Request]) -> tuple[list[Sample], Any]:
        samples = [self.build_sample(r) for r in batch]
        return samples, self.preprocess(samples)

    def _preprocess_decoded(self, decoding: Sequence[Future]) -> tuple[list[Sample], Any]:
        """A batch's samples, once the pool has decoded each one, and their :meth:`preprocess` result."""
        samples = [future.result() for future in decoding]
        return samples, self.preprocess(samples)

    def prefetched(self, batches: Iterable[Sequence[_Request]]
                   ) -> Iterator[tuple[Sequence[_Request], list[Sample], Any]]:
        """``(batch, samples, prepared)`` in order; the next ``prefetch`` batches are prepared in threads meanwhile.

        Each request's media is decoded as its own task, so the ``prefetch`` threads share
        one batch's decoding (the first batch, which nothing overlaps, is ready sooner);
        the batch's :meth:`preprocess` is one more task, queued after its samples. The
        pool's queue is first in, first out, so when a preprocess task starts, its samples
        are already being decoded by other threads or done: it never waits on queued work.
        With ``prefetch=0`` every batch is decoded and preprocessed in the calling thread
        just before it runs (the serial mode benchmarks compare against).
        """
        if self.prefetch <= 0:
            for batch in batches:
                yield (batch, *self._prepare(batch))
            return
        pending: deque = deque()
        with ThreadPoolExecutor(max_workers=self.prefetch, thread_name_prefix=PREFETCH_THREAD_PREFIX) as pool:
            try:
                for batch in batches:
                    decoding = [pool.submit(self.build_sample, request) for request in batch]
                    pending.append((batch, decoding, pool.submit(self._preprocess_decoded, decoding)))
                    if len(pending) > self.prefetch:
                        ready, _, future = pending.popleft()
                        yield (ready, *future.result())
                while pending:
                    ready, _, future = pending.popleft()
                    yield (ready, *future.result())
            finally:
                for _, decoding, future in pending:
                    future.cancel()
                    for task in decoding:
                        task.cancel()

    def resolve_batch_size(self, items: list[_Request], probe: Callable[[list[Sample], Any], Any]) -> None:
        """``batch_size=auto``: on the first call, find the largest batch of the longest request that runs.

        ``probe(samples, prepared)`` runs one batch the way the real loop will (worst-case
        length). On CUDA it halves the batch after each out-of-memory error; elsewhere the
        start size is kept.
        """
        if not self.auto_batch_size or not items:
            return
        self.auto_batch_size = False
        start = self.batch_size_per_gpu
        if self._device.type != "cuda":
            logger.info(f"{type(self).__name__}: batch_size=auto on {self._device.type} uses {start} "
                        "(no out-of-memory signal to search with; set max_batch_size to change it)")
            return
        longest = max(items, key=self.request_cost)
        sample = self.build_sample(longest)

        def run(size: int) -> None:
            samples = [sample] * size
            probe(samples, self.preprocess(samples))

        size = largest_fitting_batch(start, run)
        self.batch_size_per_gpu = size
        logger.info(f"{type(self).__name__}: batch_size=auto resolved to {size}")

    def generation_stop_strings(self, until: Sequence[str]) -> list[str]:
        """Stop strings handed to ``generate`` (it stops a row once one appears); the task's ``until`` by default."""
        return [s for s in until if s]

    def generation_kwargs_for(self, generation: dict[str, Any], until: Sequence[str]) -> dict[str, Any]:
        """``generation`` plus the stop strings to pass to ``generate`` (and a static cache with ``compile=true``)."""
        settings = dict(generation)
        stops = self.generation_stop_strings(until)
        if stops:
            settings[STOP_STRINGS_KEY] = tuple(stops)
        if self.compile_model:
            settings["cache_implementation"] = "static"
        return settings

    def split_generation(self, generation: Mapping[str, Any]) -> tuple[dict[str, Any], list]:
        """``(GenerationConfig settings, stopping criteria)`` for one ``generate`` call.

        The stop strings become a transformers ``StopStringCriteria``, built once per set of
        strings and reused: building it walks the whole vocabulary (about 35 ms for the tiny
        test tokenizer, far more for a 32k one), which ``stop_strings=`` in the generation
        config would repeat on every call.
        """
        settings = dict(generation)
        criteria: list = []
        stops = settings.pop(STOP_STRINGS_KEY, None)
        if stops:
            cache = self.__dict__.setdefault("_stop_criteria", {})
            if stops not in cache:
                from transformers import StopStringCriteria

                cache[stops] = StopStringCriteria(tokenizer=self._tokenizer, stop_strings=list(stops))
            criteria.append(cache[stops])
        return settings, criteria

    # ---- lmms-eval entry points ----

    def generate_until(self, requests: list[Instance]) -> list[str]:
        """Batched generation; with ``scoring=likelihood``, the best closed-set label instead."""
        if not requests:
            return []
        items = [self._unpack(i, r, "generate") for i, r in enumerate(requests)]
        if self.scoring == "likelihood":
            return self._answer_by_likelihood(items)

        def probe(samples: list[Sample], prepared: Any) -> None:  # worst case: every row decodes to the limit
            generation, _ = self.generation_settings(items[0].gen_kwargs)
            generation["min_new_tokens"] = generation.get("max_new_tokens", 256)
            self.generate_batch(samples, self.generation_kwargs_for(generation, []), prepared=prepared)

        self.resolve_batch_size(items, probe)
        collator, batches = self._batches(items, group=True)
        results: list[str] = []
        with tqdm(total=len(items), disable=self.rank != 0, desc=f"{type(self).__name__} generating") as bar:
            for batch, samples, prepared in self.prefetched(batches):
                generation, until = self.generation_settings(batch[0].gen_kwargs)
                texts = self.generate_batch(samples, self.generation_kwargs_for(generation, until), prepared=prepared)
                for request, text in zip(batch, texts):
                    text = self.finish_text(text, until)
                    results.append(text)
                    self.cache_hook.add_partial("generate_until", (request.context, request.gen_kwargs), text)
                bar.update(len(batch))
        return collator.get_original(results)

    def _label_options(self, batch: Sequence[_Request], samples: list[Sample]) -> list[list[str]]:
        options = []
        for request, sample in zip(batch, samples):
            if sample.doc is None or not sample.doc.get("options"):
                raise ValueError(f"scoring=likelihood needs a closed-set lmms-emotion task; doc {request.doc_id} "
                                 f"of {request.task} lists no candidate labels (its 'options' field)")
            options.append(list(sample.doc["options"]))
        return options

    def _answer_by_likelihood(self, items: list[_Request]) -> list[str]:
        """Score every candidate label of each doc as the continuation; answer the best label."""

        def probe(samples: list[Sample], prepared: Any) -> None:
            options = self._label_options([items[0]] * len(samples), samples)
            self.score_batch(samples, [[" " + o for o in opts] for opts in options], prepared=prepared)

        self.resolve_batch_size(items, probe)
        collator, batches = self._batches(items, group=False)
        answers: list[str] = []
        with tqdm(total=len(items), disable=self.rank != 0, desc=f"{type(self).__name__} scoring labels") as bar:
            for batch, samples, prepared in self.prefetched(batches):
                options = self._label_options(batch, samples)
                scores = self.score_batch(samples, [[" " + o for o in opts] for opts in options], prepared=prepared)
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
        emits one per choice) share one sample, so media and prompt are encoded once per doc.
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

        def continuations_of(chunk: Sequence[list[_Request]], samples: list[Sample]) -> list[list[str]]:
            out = []
            for group, sample in zip(chunk, samples):
                out.append([str(item.continuation(sample.doc) if callable(item.continuation) else item.continuation)
                            for item in group])
            return out

        def probe(samples: list[Sample], prepared: Any) -> None:
            self.score_batch(samples, continuations_of([groups[0]] * len(samples), samples), prepared=prepared)

        self.resolve_batch_size([g[0] for g in groups], probe)
        results: list[tuple[float, bool]] = [(0.0, False)] * len(items)
        chunks = [groups[start:start + self.batch_size] for start in range(0, len(groups), self.batch_size)]
        firsts = ([group[0] for group in chunk] for chunk in chunks)
        with tqdm(total=len(items), disable=self.rank != 0, desc=f"{type(self).__name__} loglikelihood") as bar:
            for chunk, (_, samples, prepared) in zip(chunks, self.prefetched(firsts)):
                continuations = continuations_of(chunk, samples)
                scores = self.score_batch(samples, continuations, prepared=prepared)
                for group, row in zip(chunk, scores):
                    for item, score in zip(group, row):
                        results[item.index] = (score.logprob, score.is_greedy)
                bar.update(sum(len(g) for g in chunk))
        return results

    def generate_until_multi_round(self, requests: list[Instance]) -> list[str]:
        raise NotImplementedError(f"{type(self).__name__} answers single-turn requests only")

