"""EmoLLM on transformers: LLaVA-1.5 / Video-LLaVA with the MVP in place of ``multi_modal_projector``.

The API the training recipe and the ``emollm`` wrapper use::

    from lmms_emotion.models.emollm_model import EmoLLMForConditionalGeneration, load_processor
    from lmms_emotion.models.mvp import MVPConfig

    model = EmoLLMForConditionalGeneration.from_base("llava-hf/llava-1.5-7b-hf", MVPConfig())
    processor = load_processor("llava-hf/llava-1.5-7b-hf", model.emollm_config.mvp)
    model.add_lora()                       # peft LoRA on the language model (LLaVA-1.5's LoRA recipe)
    model.set_trainable(mvp=True, lora=True)
    optimizer = torch.optim.AdamW(model.trainable_parameters().values(), lr=2e-5)
    ...
    model.save_pretrained("runs/emollm", processor=processor)
    model = EmoLLMForConditionalGeneration.from_pretrained("runs/emollm")   # or --model_args pretrained=runs/emollm

Structure (composition, no transformers internals patched): ``model.base`` is the stock
``LlavaForConditionalGeneration`` / ``VideoLlavaForConditionalGeneration``, whose
``model.multi_modal_projector`` attribute is the :class:`MultiPerspectiveProjector`
(``model.mvp``). :meth:`EmoLLMForConditionalGeneration.forward` / ``generate`` compute the
visual tokens themselves - images through the base's own ``get_image_features`` (which calls
the MVP where LLaVA's projector was), videos by taking the base's per-frame features and
projecting them per video (:meth:`MultiPerspectiveProjector.forward_video`, so the temporal
view sees the frames together) - and hand them to the base as ``mm_encoder_outputs``,
transformers' hook for pre-computed media features. The base's own placeholder masking then
puts them in place of the ``<image>``/``<video>`` tokens.

Token budget: the MVP may emit more (or fewer) tokens per image/video than LLaVA's
projector. :func:`load_processor` returns the base's processor class with its
placeholder expansion (``replace_image_token`` / ``replace_video_token``, transformers'
override points) giving the MVP's count, so ``processor(text=..., images=..., videos=...)``
and ``apply_chat_template(..., tokenize=True)`` always insert as many placeholders as the
MVP produces tokens. It saves as the plain base processor.

Saved layout (:meth:`~EmoLLMForConditionalGeneration.save_pretrained`)::

    emollm_config.json     base id or folder, base class, MVP config, projector widths,
                           LoRA config (if any), format version, library versions
    mvp.safetensors        the MVP's weights
    adapter/               peft LoRA adapter of the language model (only with LoRA)
    processor files        the base processor (when passed to save_pretrained)

A folder without ``emollm_config.json`` (or a hub id) loads as "the plain base model plus a
fresh MVP initialised from its projector".
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
import transformers
from torch import nn
from transformers import LlavaProcessor, VideoLlavaProcessor

from lmms_emotion.models.mvp import MultiPerspectiveProjector, MVPConfig, ProjectorShape

CONFIG_NAME = "emollm_config.json"
MVP_WEIGHTS_NAME = "mvp.safetensors"
ADAPTER_DIR = "adapter"
FORMAT_VERSION = 1

BASE_CLASSES = {"llava": "LlavaForConditionalGeneration", "video_llava": "VideoLlavaForConditionalGeneration"}
"""Supported bases: transformers ``model_type`` -> model class."""

DEFAULT_LORA: dict[str, Any] = {
    "r": 128,
    "lora_alpha": 256,
    "lora_dropout": 0.05,
    "bias": "none",
    "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
}
"""LLaVA-1.5's LoRA recipe (rank 128, alpha 256, dropout 0.05, every linear layer of the LLM)."""

_LORA_SUMMARY_KEYS = ("peft_type", "r", "lora_alpha", "lora_dropout", "target_modules", "bias", "use_dora",
                      "use_rslora", "modules_to_save")

_PROCESSOR_FILES = ("processor_config.json", "preprocessor_config.json", "tokenizer_config.json")


class EmoLLMLoadError(OSError):
    """An EmoLLM folder or base that cannot be loaded; the message names the file and the fix."""


# --- configuration ---------------------------------------------------------------------------------


@dataclass
class EmoLLMConfig:
    """What ``emollm_config.json`` holds."""

    base: str
    base_class: str
    mvp: MVPConfig
    projector: ProjectorShape
    lora: dict[str, Any] | None = None
    format_version: int = FORMAT_VERSION
    versions: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "emollm",
            "format_version": self.format_version,
            "base": self.base,
            "base_class": self.base_class,
            "mvp": self.mvp.to_dict(),
            "projector": asdict(self.projector),
            "lora": self.lora,
            "adapter": ADAPTER_DIR if self.lora is not None else None,
            "versions": dict(self.versions),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = CONFIG_NAME) -> EmoLLMConfig:
        if data.get("format") != "emollm":
            raise EmoLLMLoadError(f"{source}: not an EmoLLM config (format={data.get('format')!r})")
        version = int(data.get("format_version", 0))
        if version > FORMAT_VERSION:
            raise EmoLLMLoadError(f"{source}: format version {version} is newer than this lmms-emotion reads "
                                  f"({FORMAT_VERSION}); upgrade lmms-emotion")
        try:
            return cls(base=str(data["base"]), base_class=str(data["base_class"]), mvp=MVPConfig.from_dict(data["mvp"]),
                       projector=ProjectorShape(**data["projector"]), lora=data.get("lora"),
                       format_version=version, versions=dict(data.get("versions") or {}))
        except (KeyError, TypeError, ValueError) as exc:
            raise EmoLLMLoadError(f"{source}: invalid EmoLLM config ({exc})") from exc

    @classmethod
    def load(cls, path: str | Path) -> EmoLLMConfig:
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise EmoLLMLoadError(f"{path}: cannot read the EmoLLM config ({exc})") from exc
        return cls.from_dict(data, str(path))


def is_emollm_dir(path: str | Path) -> bool:
    """True for a folder written by :meth:`EmoLLMForConditionalGeneration.save_pretrained`."""
    return (Path(path) / CONFIG_NAME).is_file()


def _library_versions() -> dict[str, str]:
    import peft

    from lmms_emotion import __version__

    return {"lmms_emotion": __version__, "transformers": transformers.__version__, "torch": torch.__version__,
            "peft": peft.__version__}


def _base_kind(base: str | Path) -> str:
    """``llava`` or ``video_llava`` from the base's config; a clear error for anything else."""
    text = str(base)
    if (Path(text).is_absolute() or text.startswith((".", "~"))) and not Path(text).expanduser().is_dir():
        raise EmoLLMLoadError(f"the base model folder {text} does not exist")
    try:
        config = transformers.AutoConfig.from_pretrained(str(base))
    except (OSError, ValueError) as exc:
        raise EmoLLMLoadError(f"cannot load the base model config from {base!r} ({exc}). Give a LLaVA-1.5 or "
                              "Video-LLaVA hub id or folder (e.g. llava-hf/llava-1.5-7b-hf, "
                              "LanguageBind/Video-LLaVA-7B-hf), or an EmoLLM folder with emollm_config.json") from exc
    kind = getattr(config, "model_type", None)
    if kind not in BASE_CLASSES:
        raise EmoLLMLoadError(f"{base!r} is a {kind!r} model; EmoLLM supports {', '.join(BASE_CLASSES)} bases")
    return kind


def _stored_base_reference(base: str | Path) -> str:
    """A local folder is stored as an absolute path (loads from any working directory); a hub id as given."""
    path = Path(base)
    return str(path.resolve()) if path.is_dir() else str(base)


# --- processors with the MVP's token budget -------------------------------------------------------


class _MVPTokenBudget:
    """Placeholder expansion by the MVP's token count (mixed into the base's processor class)."""

    mvp_config: MVPConfig | None = None

    def replace_image_token(self, image_inputs: dict, image_idx: int, **kwargs) -> str:
        base = super().replace_image_token(image_inputs, image_idx, **kwargs)
        if self.mvp_config is None:
            return base
        return self.image_token * self.mvp_config.image_token_count(base.count(self.image_token))

    def replace_video_token(self, video_inputs: dict, video_idx: int, **kwargs) -> str:
        base = super().replace_video_token(video_inputs, video_idx, **kwargs)
        if self.mvp_config is None:
            return base
        frames = len(video_inputs["pixel_values_videos"][video_idx])
        return self.video_token * self.mvp_config.video_token_count(frames, base.count(self.video_token) // frames)

    def plain(self):
        """The same processor as the base class (what is saved, so any tool loads it)."""
        import inspect

        base_cls = next(c for c in type(self).__mro__ if c in (LlavaProcessor, VideoLlavaProcessor))
        names = [p for p in inspect.signature(base_cls.__init__).parameters if p not in ("self", "kwargs")]
        return base_cls(**{name: getattr(self, name) for name in names if hasattr(self, name)})

    def save_pretrained(self, save_directory, **kwargs):
        return self.plain().save_pretrained(save_directory, **kwargs)


class EmoLLMLlavaProcessor(_MVPTokenBudget, LlavaProcessor):
    """``LlavaProcessor`` that inserts the MVP's number of ``<image>`` tokens."""


class EmoLLMVideoLlavaProcessor(_MVPTokenBudget, VideoLlavaProcessor):
    """``VideoLlavaProcessor`` that inserts the MVP's number of ``<image>`` / ``<video>`` tokens."""


_PROCESSOR_CLASSES = {"llava": EmoLLMLlavaProcessor, "video_llava": EmoLLMVideoLlavaProcessor}


def _has_processor_files(path: str | Path) -> bool:
    return Path(path).is_dir() and any((Path(path) / name).is_file() for name in _PROCESSOR_FILES)


def load_processor(path: str | Path, mvp_config: MVPConfig | None = None, *, base: str | None = None):
    """The processor for an EmoLLM folder, a base folder or a hub id, expanding placeholders by the MVP's budget.

    The processor files come from ``path`` when it holds them, else from the base
    (``base``, or the one ``emollm_config.json`` names). ``mvp_config`` defaults to the
    folder's; for a plain base, to :class:`MVPConfig()` (what ``from_pretrained`` builds).
    """
    config = EmoLLMConfig.load(Path(path) / CONFIG_NAME) if is_emollm_dir(path) else None
    base_ref = base or (config.base if config else str(path))
    source = str(path) if _has_processor_files(path) else base_ref
    kind = _base_kind(base_ref)
    processor = _PROCESSOR_CLASSES[kind].from_pretrained(source)
    processor.mvp_config = mvp_config or (config.mvp if config else MVPConfig())
    return processor


# --- the model -------------------------------------------------------------------------------------


class EmoLLMForConditionalGeneration(nn.Module):
    """A LLaVA-family model with a :class:`MultiPerspectiveProjector` (module docstring)."""

    main_input_name = "input_ids"

    def __init__(self, base: nn.Module, mvp: MultiPerspectiveProjector, emollm_config: EmoLLMConfig) -> None:
        super().__init__()
        self.base = base
        self.base.model.multi_modal_projector = mvp
        self.emollm_config = emollm_config
        self.kind = "video_llava" if emollm_config.base_class == BASE_CLASSES["video_llava"] else "llava"

    # ---- construction ----

    @classmethod
    def from_base_model(cls, base_model: nn.Module, mvp_config: MVPConfig | None = None,
                        base_reference: str = "") -> EmoLLMForConditionalGeneration:
        """Wrap a loaded (or in-memory) base; the fresh MVP copies its ``multi_modal_projector``."""
        class_name = type(base_model).__name__
        if class_name not in BASE_CLASSES.values():
            raise TypeError(f"EmoLLM wraps {' or '.join(BASE_CLASSES.values())}, not {class_name}")
        if isinstance(base_model.model.multi_modal_projector, MultiPerspectiveProjector):
            raise ValueError("this base model already carries an MVP; load a fresh base to wrap")
        act = str(base_model.config.projector_hidden_act)
        mvp = MultiPerspectiveProjector.from_projector(base_model.model.multi_modal_projector, mvp_config, act=act)
        config = EmoLLMConfig(base=base_reference or str(base_model.config._name_or_path or ""), base_class=class_name,
                              mvp=mvp.config, projector=mvp.shape)
        return cls(base_model, mvp, config)

    @classmethod
    def from_base(cls, base: str | Path, mvp_config: MVPConfig | None = None, *, dtype: torch.dtype | str | None = None,
                  device_map: Any = None, attn_implementation: str | None = None) -> EmoLLMForConditionalGeneration:
        """Load a LLaVA-1.5 / Video-LLaVA (hub id or folder) and put a fresh MVP in place of its projector."""
        kind = _base_kind(base)
        model_cls = getattr(transformers, BASE_CLASSES[kind])
        kwargs: dict[str, Any] = {}
        if dtype is not None:
            kwargs["dtype"] = dtype
        if device_map is not None:
            kwargs["device_map"] = device_map
        if attn_implementation:
            kwargs["attn_implementation"] = attn_implementation
        try:
            base_model = model_cls.from_pretrained(str(base), **kwargs)
        except OSError as exc:
            raise EmoLLMLoadError(f"cannot load the base model {base!r} ({exc})") from exc
        return cls.from_base_model(base_model, mvp_config, _stored_base_reference(base))

    @classmethod
    def from_pretrained(cls, path: str | Path, *, base: str | None = None, mvp_config: MVPConfig | None = None,
                        dtype: torch.dtype | str | None = None, device_map: Any = None,
                        attn_implementation: str | None = None, is_trainable: bool = False
                        ) -> EmoLLMForConditionalGeneration:
        """Load an EmoLLM folder (base + ``mvp.safetensors`` + adapter), or a plain base with a fresh MVP.

        ``base`` points a folder at another copy of its base model (a moved folder, a
        local mirror of the hub id). ``mvp_config`` is only for plain bases: an EmoLLM
        folder defines its own. ``is_trainable`` loads the LoRA adapter for further training.
        """
        load = {"dtype": dtype, "device_map": device_map, "attn_implementation": attn_implementation}
        if not is_emollm_dir(path):
            return cls.from_base(base or path, mvp_config, **load)
        if mvp_config is not None:
            raise ValueError(f"{path} is an EmoLLM folder and defines its own MVP ({CONFIG_NAME}); "
                             "mvp_config / perspectives apply to plain base models only")
        folder = Path(path)
        config = EmoLLMConfig.load(folder / CONFIG_NAME)
        base_ref = base or config.base
        try:
            model = cls.from_base(base_ref, config.mvp, **load)
        except EmoLLMLoadError as exc:
            raise EmoLLMLoadError(f"{folder / CONFIG_NAME} names the base model {base_ref!r}, which could not be "
                                  f"loaded: {exc}\nPoint at a copy of it with base=<hub id or folder> "
                                  "(model arg base=...)") from exc
        if model.emollm_config.base_class != config.base_class:
            raise EmoLLMLoadError(f"{folder}: saved on a {config.base_class} base, but {base_ref!r} is a "
                                  f"{model.emollm_config.base_class}")
        if model.emollm_config.projector != config.projector:
            raise EmoLLMLoadError(f"{folder}: the MVP was built for projector widths {asdict(config.projector)}, "
                                  f"but {base_ref!r} has {asdict(model.emollm_config.projector)}")
        model.load_mvp_weights(folder / MVP_WEIGHTS_NAME)
        if config.lora is not None:
            model.load_lora(folder / ADAPTER_DIR, is_trainable=is_trainable)
        model.emollm_config = EmoLLMConfig(base=base_ref, base_class=config.base_class, mvp=config.mvp,
                                           projector=config.projector, lora=config.lora, versions=config.versions)
        return model

    def load_mvp_weights(self, path: str | Path) -> None:
        """Load ``mvp.safetensors`` strictly: every key present, none extra, same shapes (named on failure)."""
        from safetensors.torch import load_file

        path = Path(path)
        if not path.is_file():
            raise EmoLLMLoadError(f"{path} is missing: an EmoLLM folder needs the MVP weights next to {CONFIG_NAME}")
        state = load_file(str(path))
        expected = self.mvp.state_dict()
        missing = sorted(set(expected) - set(state))
        unexpected = sorted(set(state) - set(expected))
        wrong = sorted(k for k in set(state) & set(expected) if state[k].shape != expected[k].shape)
        if missing or unexpected or wrong:
            problems = [f"{label}: {', '.join(keys)}" for label, keys in
                        (("missing", missing), ("unexpected", unexpected), ("wrong shape", wrong)) if keys]
            raise EmoLLMLoadError(f"{path} does not match the MVP of {CONFIG_NAME} ({'; '.join(problems)})")
        self.mvp.load_state_dict(state)

    def save_pretrained(self, save_directory: str | Path, processor: Any = None) -> Path:
        """Write the EmoLLM layout (module docstring); ``emollm_config.json`` is written last."""
        from safetensors.torch import save_file

        from lmms_emotion.records import atomic_write_text

        out = Path(save_directory)
        out.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().to("cpu").contiguous() for k, v in self.mvp.state_dict().items()}
        save_file(state, str(out / MVP_WEIGHTS_NAME), metadata={"format": "pt"})
        adapter = out / ADAPTER_DIR
        if self.has_lora:
            self.language_model.save_pretrained(str(adapter))
        elif adapter.is_dir():
            shutil.rmtree(adapter)  # a stale adapter from an earlier save into this folder
        if processor is not None:
            processor.save_pretrained(str(out))
        config = self.emollm_config
        config.versions = _library_versions()
        config.lora = self._lora_config_dict() if self.has_lora else None
        atomic_write_text(out / CONFIG_NAME, json.dumps(config.to_dict(), indent=2, sort_keys=True) + "\n")
        return out

    # ---- LoRA ----

    @property
    def language_model(self) -> nn.Module:
        return self.base.model.language_model

    @property
    def has_lora(self) -> bool:
        from peft import PeftModel

        return isinstance(self.language_model, PeftModel)

    def add_lora(self, config: Any = None) -> None:
        """Put a peft LoRA adapter on the language model.

        ``config``: a ``peft.LoraConfig``, a dict of its settings (over :data:`DEFAULT_LORA`),
        or None for :data:`DEFAULT_LORA`.
        """
        from peft import LoraConfig, get_peft_model

        if self.has_lora:
            raise ValueError("this model already has a LoRA adapter")
        if config is None or isinstance(config, Mapping):
            config = LoraConfig(**{**DEFAULT_LORA, **dict(config or {})})
        self.base.model.language_model = get_peft_model(self.language_model, config)
        self.language_model.train(self.training)  # new LoRA layers (dropout) follow the model's mode

    def load_lora(self, adapter_dir: str | Path, is_trainable: bool = False) -> None:
        """Load a saved adapter onto the language model."""
        from peft import PeftModel

        if not (Path(adapter_dir) / "adapter_config.json").is_file():
            raise EmoLLMLoadError(f"{adapter_dir}/adapter_config.json is missing, but {CONFIG_NAME} lists a "
                                  "LoRA adapter")
        self.base.model.language_model = PeftModel.from_pretrained(self.language_model, str(adapter_dir),
                                                                   is_trainable=is_trainable)
        self.language_model.train(self.training)

    def _lora_config_dict(self) -> dict[str, Any]:
        """The adapter's main settings (the full peft config is ``adapter/adapter_config.json``)."""
        config = self.language_model.peft_config["default"].to_dict()
        summary = {key: config.get(key) for key in _LORA_SUMMARY_KEYS}
        def plain(value: Any) -> Any:
            return sorted(value) if isinstance(value, (set, frozenset)) else str(value)

        return json.loads(json.dumps(summary, default=plain))

    # ---- training helpers ----

    def set_trainable(self, *, mvp: bool = True, lora: bool = True, language_model: bool = False,
                      vision: bool = False) -> None:
        """Choose what trains: the MVP, the LoRA weights, the rest of the LLM (with ``lm_head``), the vision towers."""
        mvp_ids = {id(p) for p in self.mvp.parameters()}
        for name, param in self.named_parameters():
            if id(param) in mvp_ids:
                wanted = mvp
            elif "lora_" in name:
                wanted = lora
            elif "_tower." in name:
                wanted = vision
            else:
                wanted = language_model
            param.requires_grad_(wanted)

    def trainable_parameters(self) -> dict[str, nn.Parameter]:
        """Parameters that require gradients, by name."""
        return {name: p for name, p in self.named_parameters() if p.requires_grad}

    def gradient_checkpointing_enable(self, **kwargs: Any) -> None:
        self.base.gradient_checkpointing_enable(**kwargs)

    # ---- passthroughs ----

    @property
    def mvp(self) -> MultiPerspectiveProjector:
        return self.base.model.multi_modal_projector

    @property
    def config(self):
        """The base model's transformers config (what Trainer and generate expect)."""
        return self.base.config

    @property
    def generation_config(self):
        return self.base.generation_config

    @property
    def device(self) -> torch.device:
        return self.base.device

    @property
    def dtype(self) -> torch.dtype:
        return self.base.dtype

    def get_input_embeddings(self) -> nn.Module:
        return self.base.get_input_embeddings()

    # ---- media -> LLM tokens ----

    def image_tokens(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """``(images, image_token_count, text_width)``: the base's vision features through the MVP."""
        tower = self.base.model.image_tower if self.kind == "video_llava" else self.base.model.vision_tower
        weight = next(tower.parameters())
        out = self.base.model.get_image_features(pixel_values=pixel_values.to(weight.device, weight.dtype),
                                                 return_dict=True).pooler_output
        return torch.stack(list(out)) if isinstance(out, (list, tuple)) else out

    def video_tokens(self, pixel_values_videos: torch.Tensor) -> torch.Tensor:
        """``(videos, video_token_count, text_width)``: Video-LLaVA's per-frame features, projected per video."""
        if self.kind != "video_llava":
            raise ValueError("LLaVA-1.5 has no video input; give a video's frames as images, or use a Video-LLaVA base")
        tower = self.base.model.video_tower
        weight = next(tower.parameters())
        videos, frames = pixel_values_videos.shape[:2]
        pixels = pixel_values_videos.reshape(videos * frames, *pixel_values_videos.shape[2:])
        pixels = pixels.to(weight.device, weight.dtype)
        hidden = tower(pixels, output_hidden_states=True, return_dict=True).hidden_states
        layer = self.base.config.vision_feature_layer
        features = hidden[layer] if isinstance(layer, int) else torch.cat([hidden[i] for i in layer], dim=-1)
        # Video-LLaVA keeps every frame's CLS token (no select strategy on videos)
        return self.mvp.forward_video(features.reshape(videos, frames, *features.shape[1:]))

    def media_encoder_outputs(self, image_tokens: torch.Tensor | None = None,
                              video_tokens: torch.Tensor | None = None) -> dict[str, Any] | None:
        """Visual tokens packed as the base's ``mm_encoder_outputs`` (None without media)."""
        from transformers.modeling_outputs import BaseModelOutputWithPooling

        outputs: dict[str, Any] = {}
        if image_tokens is not None:
            pooled = list(image_tokens) if self.kind == "llava" else image_tokens  # LLaVA concatenates a list
            outputs["image"] = BaseModelOutputWithPooling(pooler_output=pooled)
        if video_tokens is not None:
            outputs["video"] = BaseModelOutputWithPooling(pooler_output=video_tokens)
        return outputs or None

    def encode_media(self, pixel_values: torch.Tensor | None = None, pixel_values_videos: torch.Tensor | None = None,
                     pixel_values_images: torch.Tensor | None = None) -> dict[str, Any] | None:
        """``mm_encoder_outputs`` for processor outputs (``pixel_values_images`` is Video-LLaVA's legacy name)."""
        if pixel_values is None:
            pixel_values = pixel_values_images
        images = self.image_tokens(pixel_values) if pixel_values is not None else None
        videos = self.video_tokens(pixel_values_videos) if pixel_values_videos is not None else None
        return self.media_encoder_outputs(images, videos)

    # ---- forward / generate ----

    def forward(self, input_ids: torch.Tensor | None = None, attention_mask: torch.Tensor | None = None,
                pixel_values: torch.Tensor | None = None, pixel_values_videos: torch.Tensor | None = None,
                labels: torch.Tensor | None = None, pixel_values_images: torch.Tensor | None = None,
                mm_encoder_outputs: dict[str, Any] | None = None, **kwargs: Any):
        """The base's forward (loss with ``labels``), with the MVP's visual tokens in place of the placeholders."""
        if mm_encoder_outputs is None:
            mm_encoder_outputs = self.encode_media(pixel_values, pixel_values_videos, pixel_values_images)
        return self.base(input_ids=input_ids, attention_mask=attention_mask, labels=labels,
                         mm_encoder_outputs=mm_encoder_outputs, **kwargs)

    @torch.no_grad()
    def generate(self, input_ids: torch.Tensor | None = None, attention_mask: torch.Tensor | None = None,
                 pixel_values: torch.Tensor | None = None, pixel_values_videos: torch.Tensor | None = None,
                 pixel_values_images: torch.Tensor | None = None, mm_encoder_outputs: dict[str, Any] | None = None,
                 **kwargs: Any) -> torch.Tensor:
        """The base's ``generate`` (prompt ids + new ids), with the MVP's visual tokens."""
        if mm_encoder_outputs is None:
            mm_encoder_outputs = self.encode_media(pixel_values, pixel_values_videos, pixel_values_images)
        if mm_encoder_outputs is not None:
            kwargs["mm_encoder_outputs"] = mm_encoder_outputs
        return self.base.generate(input_ids=input_ids, attention_mask=attention_mask, **kwargs)


def load_emollm(path: str | Path, *, base: str | None = None, mvp_config: MVPConfig | None = None,
                dtype: Any = None, device_map: Any = None, attn_implementation: str | None = None):
    """``(model, processor)`` for an EmoLLM folder, or a plain base with a fresh MVP (one argument suffices)."""
    model = EmoLLMForConditionalGeneration.from_pretrained(path, base=base, mvp_config=mvp_config, dtype=dtype,
                                                           device_map=device_map,
                                                           attn_implementation=attn_implementation)
    processor = load_processor(path, model.emollm_config.mvp, base=model.emollm_config.base)
    return model, processor


__all__ = [
    "ADAPTER_DIR",
    "BASE_CLASSES",
    "CONFIG_NAME",
    "DEFAULT_LORA",
    "EmoLLMConfig",
    "EmoLLMForConditionalGeneration",
    "EmoLLMLlavaProcessor",
    "EmoLLMLoadError",
    "EmoLLMVideoLlavaProcessor",
    "MVP_WEIGHTS_NAME",
    "is_emollm_dir",
    "load_emollm",
    "load_processor",
]
