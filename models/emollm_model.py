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

Structure: a transformers ``PreTrainedModel`` (config class :class:`EmoLLMConfig`, a
``PretrainedConfig``; dtype, device, ``.to()``, activation checkpointing from transformers)
composing the base (no transformers internals patched): ``model.base`` is the stock
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

    config.json            EmoLLMConfig (model_type "emollm"): base id or folder, base class,
                           MVP config, projector widths, LoRA config (if any), format version,
                           library versions
    model.safetensors      the trained tensors only (the MVP and the LoRA weights), under
                           the model's own parameter names
    processor files        the base processor (when passed to save_pretrained)

The frozen weights are not copied: they load from the base the config names. ``Trainer``
saves every checkpoint through ``save_pretrained`` (a checkpoint is an EmoLLM folder) and
resumes by loading ``model.safetensors`` into the model. Folders in the first layout
(``emollm_config.json``, ``mvp.safetensors``, ``adapter/``) still load. A folder without
either config (or a hub id) loads as "the plain base model plus a fresh MVP initialised
from its projector".
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

import torch
import transformers
from torch import nn
from transformers import LlavaProcessor, PretrainedConfig, PreTrainedModel, VideoLlavaProcessor

from lmms_emotion.models.mvp import MultiPerspectiveProjector, MVPConfig, ProjectorShape

CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"
FORMAT_VERSION = 2
# the first layout (format version 1), still read
LEGACY_CONFIG_NAME = "emollm_config.json"
MVP_WEIGHTS_NAME = "mvp.safetensors"
ADAPTER_DIR = "adapter"

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

def _lora_config(settings: Mapping[str, Any]):
    """A ``peft.LoraConfig`` from the settings ``config.json`` stores (peft's own ``to_dict``)."""
    import dataclasses

    from peft import LoraConfig

    fields = {f.name for f in dataclasses.fields(LoraConfig) if f.init}
    return LoraConfig(**{k: v for k, v in settings.items() if k in fields})


_PROCESSOR_FILES = ("processor_config.json", "preprocessor_config.json", "tokenizer_config.json")


class EmoLLMLoadError(OSError):
    """An EmoLLM folder or base that cannot be loaded; the message names the file and the fix."""


# --- configuration ---------------------------------------------------------------------------------


class EmoLLMConfig(PretrainedConfig):
    """What ``config.json`` holds: the base it was built on, the MVP, the projector widths, the LoRA settings."""

    model_type = "emollm"

    def __init__(self, base: str = "", base_class: str = "", mvp: MVPConfig | Mapping[str, Any] | None = None,
                 projector: ProjectorShape | Mapping[str, Any] | None = None, lora: dict[str, Any] | None = None,
                 format_version: int = FORMAT_VERSION, versions: dict[str, str] | None = None, **kwargs: Any) -> None:
        for legacy_key in ("format", "adapter"):  # keys of the first layout's emollm_config.json
            kwargs.pop(legacy_key, None)
        super().__init__(**kwargs)
        self.base = base
        self.base_class = base_class
        self.mvp = MVPConfig.from_dict(mvp) if isinstance(mvp, Mapping) else mvp
        self.projector = ProjectorShape(**projector) if isinstance(projector, Mapping) else projector
        self.lora = lora
        self.format_version = int(format_version)
        self.versions = dict(versions or {})

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data["mvp"] = self.mvp.to_dict() if self.mvp is not None else None
        data["projector"] = asdict(self.projector) if self.projector is not None else None
        return data

    @classmethod
    def read(cls, folder: str | Path) -> EmoLLMConfig:
        """The config of an EmoLLM folder (``config.json``, or the first layout's ``emollm_config.json``)."""
        folder = Path(folder)
        legacy = not (folder / CONFIG_NAME).is_file() and (folder / LEGACY_CONFIG_NAME).is_file()
        path = folder / (LEGACY_CONFIG_NAME if legacy else CONFIG_NAME)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise EmoLLMLoadError(f"{path}: cannot read the EmoLLM config ({exc})") from exc
        kind = data.get("format") if legacy else data.get("model_type")
        if kind != "emollm":
            raise EmoLLMLoadError(f"{path}: not an EmoLLM config ({'format' if legacy else 'model_type'}={kind!r})")
        version = int(data.get("format_version", 1))
        if version > FORMAT_VERSION:
            raise EmoLLMLoadError(f"{path}: format version {version} is newer than this lmms-emotion reads "
                                  f"({FORMAT_VERSION}); upgrade lmms-emotion")
        try:
            config = cls.from_dict({**data, "format_version": version})
            if config.mvp is None or config.projector is None or not config.base_class:
                raise ValueError("base_class, mvp and projector are required")
        except (KeyError, TypeError, ValueError) as exc:
            raise EmoLLMLoadError(f"{path}: invalid EmoLLM config ({exc})") from exc
        return config


def is_emollm_dir(path: str | Path) -> bool:
    """True for a folder written by :meth:`EmoLLMForConditionalGeneration.save_pretrained` (either layout)."""
    folder = Path(path)
    if (folder / LEGACY_CONFIG_NAME).is_file():
        return True
    try:
        return json.loads((folder / CONFIG_NAME).read_text(encoding="utf-8")).get("model_type") == "emollm"
    except (OSError, ValueError, AttributeError):
        return False


def _is_saved_key(name: str) -> bool:
    """The tensors an EmoLLM folder stores: the MVP's and the LoRA weights (the rest comes from the base)."""
    return "multi_modal_projector." in name or "lora_" in name


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
    config = EmoLLMConfig.read(path) if is_emollm_dir(path) else None
    base_ref = base or (config.base if config else str(path))
    source = str(path) if _has_processor_files(path) else base_ref
    kind = _base_kind(base_ref)
    processor = _PROCESSOR_CLASSES[kind].from_pretrained(source)
    processor.mvp_config = mvp_config or (config.mvp if config else MVPConfig())
    return processor


# --- the model -------------------------------------------------------------------------------------


class EmoLLMForConditionalGeneration(PreTrainedModel):
    """A LLaVA-family model with a :class:`MultiPerspectiveProjector` (module docstring)."""

    config_class = EmoLLMConfig
    base_model_prefix = "emollm"
    main_input_name = "input_ids"
    supports_gradient_checkpointing = True

    def __init__(self, config: EmoLLMConfig, base: nn.Module, mvp: MultiPerspectiveProjector | None = None) -> None:
        super().__init__(config)
        self.base = base
        if mvp is not None:
            self.base.model.multi_modal_projector = mvp
        self.kind = "video_llava" if config.base_class == BASE_CLASSES["video_llava"] else "llava"
        self.generation_config = base.generation_config  # generation is the base's
        for key in ("image_token_id", "video_token_id"):  # the placeholders, as LLaVA's own config names them
            setattr(self.config, key, getattr(base.config, key, None))

    @property
    def emollm_config(self) -> EmoLLMConfig:
        """The model's :class:`EmoLLMConfig` (``model.config``)."""
        return self.config

    @property
    def _keys_to_ignore_on_save(self) -> list[str]:
        """The frozen tensors: not in a saved folder (``Trainer`` then expects them missing on resume)."""
        return [name for name in self.state_dict() if not _is_saved_key(name)]

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
        return cls(config, base_model, mvp)

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
        """Load an EmoLLM folder (the base it names + the saved MVP and LoRA weights), or a plain base with a fresh MVP.

        Ours rather than ``PreTrainedModel.from_pretrained``: a folder holds only the trained
        tensors, and the frozen ones must come from the base model (transformers would
        initialise them at random). ``base`` points a folder at another copy of its base (a
        moved folder, a local mirror of the hub id). ``mvp_config`` is only for plain bases:
        an EmoLLM folder defines its own. ``is_trainable`` keeps the LoRA weights trainable.
        """
        load = {"dtype": dtype, "device_map": device_map, "attn_implementation": attn_implementation}
        if not is_emollm_dir(path):
            return cls.from_base(base or path, mvp_config, **load)
        folder = Path(path)
        if mvp_config is not None:
            raise ValueError(f"{path} is an EmoLLM folder and defines its own MVP ({CONFIG_NAME}); "
                             "mvp_config / perspectives apply to plain base models only")
        config = EmoLLMConfig.read(folder)
        base_ref = base or config.base
        try:
            model = cls.from_base(base_ref, config.mvp, **load)
        except EmoLLMLoadError as exc:
            raise EmoLLMLoadError(f"{folder / CONFIG_NAME} names the base model {base_ref!r}, which could not be "
                                  f"loaded: {exc}\nPoint at a copy of it with base=<hub id or folder> "
                                  "(model arg base=...)") from exc
        if model.config.base_class != config.base_class:
            raise EmoLLMLoadError(f"{folder}: saved on a {config.base_class} base, but {base_ref!r} is a "
                                  f"{model.config.base_class}")
        if model.config.projector != config.projector:
            raise EmoLLMLoadError(f"{folder}: the MVP was built for projector widths {asdict(config.projector)}, "
                                  f"but {base_ref!r} has {asdict(model.config.projector)}")
        if config.format_version < 2:
            model._load_weights(model.mvp, folder / MVP_WEIGHTS_NAME, required=model.mvp.state_dict())
            if config.lora is not None:
                model.load_lora(folder / ADAPTER_DIR, is_trainable=is_trainable)
        else:
            if config.lora is not None:
                model.add_lora(_lora_config(config.lora))
            model._load_weights(model, folder / WEIGHTS_NAME,
                                required=[k for k in model.state_dict() if _is_saved_key(k)])
            for name, param in model.named_parameters():
                if "lora_" in name:
                    param.requires_grad_(is_trainable)
        model.config.base, model.config.lora, model.config.versions = base_ref, config.lora, config.versions
        return model

    @staticmethod
    def _load_weights(module: nn.Module, path: Path, required: Any) -> None:
        """Load a safetensors file into ``module``: every ``required`` key present, none unknown, shapes equal."""
        from safetensors.torch import load_file

        if not path.is_file():
            raise EmoLLMLoadError(f"{path} is missing: an EmoLLM folder needs its weights next to its config")
        state = load_file(str(path))
        try:
            result = module.load_state_dict(state, strict=False)  # torch names wrong shapes itself
        except RuntimeError as exc:
            raise EmoLLMLoadError(f"{path} does not match the model of its config ({exc})") from exc
        missing = sorted(set(required) & set(result.missing_keys))
        problems = [f"{label}: {', '.join(keys)}" for label, keys in
                    (("missing", missing), ("unexpected", sorted(result.unexpected_keys))) if keys]
        if problems:
            raise EmoLLMLoadError(f"{path} does not match the model of its config ({'; '.join(problems)})")

    def save_pretrained(self, save_directory: str | Path, processor: Any = None, *,
                        state_dict: dict[str, torch.Tensor] | None = None, is_main_process: bool = True,
                        **kwargs: Any) -> Path:
        """Write the EmoLLM layout (module docstring); ``config.json`` is written last.

        ``Trainer`` calls this for every checkpoint (``state_dict``: the gathered weights under
        FSDP / DeepSpeed). The weights are written with safetensors under the model's own
        names rather than by ``PreTrainedModel.save_pretrained``, which renames LLaVA's keys to
        its legacy checkpoint layout - names ``load_state_dict`` (what ``Trainer`` resumes
        with) would not find.
        """
        from safetensors.torch import save_file

        out = Path(save_directory)
        if not is_main_process:
            return out
        out.mkdir(parents=True, exist_ok=True)
        source = state_dict if state_dict is not None else self.state_dict()
        trained = {k: v.detach().to("cpu").contiguous() for k, v in source.items() if _is_saved_key(k)}
        save_file(trained, str(out / WEIGHTS_NAME), metadata={"format": "pt"})
        for stale in (MVP_WEIGHTS_NAME, LEGACY_CONFIG_NAME):  # the first layout's files, if this folder had them
            (out / stale).unlink(missing_ok=True)
        if (out / ADAPTER_DIR).is_dir():
            shutil.rmtree(out / ADAPTER_DIR)
        if processor is not None:
            processor.save_pretrained(str(out))
        self.config.versions = _library_versions()
        self.config.lora = self._lora_config_dict() if self.has_lora else None
        self.config.format_version = FORMAT_VERSION
        self.config.save_pretrained(str(out))
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
        """The adapter's peft settings, JSON-ready (what ``config.json`` stores to rebuild it)."""
        config = self.language_model.peft_config["default"].to_dict()

        def plain(value: Any) -> Any:
            return sorted(value) if isinstance(value, (set, frozenset)) else str(value)

        return json.loads(json.dumps(config, default=plain))

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

    def visual_token_count(self, kind: str, num_frames: int) -> int:
        """LLM positions one image or video becomes through the MVP (a video on LLaVA-1.5: ``num_frames`` images)."""
        vision = self.base.config.vision_config
        per_frame = (int(vision.image_size) // int(vision.patch_size)) ** 2
        image = self.config.mvp.image_token_count(per_frame)
        if kind != "video":
            return image
        if self.kind == "video_llava":
            return self.config.mvp.video_token_count(num_frames, per_frame + 1)  # Video-LLaVA keeps each CLS
        return num_frames * image

    # ---- passthroughs ----

    @property
    def mvp(self) -> MultiPerspectiveProjector:
        return self.base.model.multi_modal_projector

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
    "LEGACY_CONFIG_NAME",
    "MVP_WEIGHTS_NAME",
    "WEIGHTS_NAME",
    "is_emollm_dir",
    "load_emollm",
    "load_processor",
]
