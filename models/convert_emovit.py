"""EmoVIT's LAVIS checkpoint -> a transformers ``InstructBlipForConditionalGeneration`` delta or full model.

EmoVIT trains only four parts of InstructBLIP-Vicuna-7B: the Q-Former (with its word and
position embeddings), the 32 query tokens, the projection into the LLM, and the LayerNorm
after the vision tower (LAVIS ``ln_vision``). The EVA ViT-g and Vicuna-7B stay frozen, so
an EmoVIT checkpoint differs from stock InstructBLIP only in those four parts. This module

1. reads a checkpoint: a plain state dict (``torch.load(weights_only=True)``, safe), a
   LAVIS runner checkpoint (``{"model": state_dict, ...}``), a ``.safetensors`` file, or -
   only when the caller allows pickle - the *whole pickled LAVIS module* the EmoVIT
   release ships. Whole modules are read with :class:`StubUnpickler`, which never imports
   LAVIS (or any class outside a short torch allow-list): every other class becomes an
   inert placeholder, and parameters and buffers are collected from the module tree;
2. renames every key from the LAVIS layout to the transformers layout
   (:func:`lavis_to_hf_key`; docs/models.md lists the renames)
   and fails on any key it does not know, naming it;
3. checks the delta against the base model's parameter names and shapes (no unexpected,
   no missing, no mismatched tensor; each failure names the key);
4. writes ``emovit_delta.safetensors`` + ``emovit_delta.json`` (or, with ``full=True``, a
   ``save_pretrained`` folder of the base with the delta applied) and a model card
   ``README.md`` with provenance (source file name and sha256, key counts, date,
   converter version). Absolute paths of the user are never written.

:func:`load_delta` / :func:`apply_delta` are what the ``emovit`` lmms-eval wrapper uses to
put a converted delta over a base model, with the same strict checks.
"""

from __future__ import annotations

import datetime as _dt
import os
import pickle
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from lmms_emotion.hashing import file_sha256
from lmms_emotion.jsonl import write_json

CONVERTER_VERSION = "1"
DELTA_FORMAT = "lmms-emotion/emovit-delta"
DELTA_WEIGHTS = "emovit_delta.safetensors"
DELTA_INFO = "emovit_delta.json"
CONVERSION_INFO = "emovit_conversion.json"
DEFAULT_BASE = "Salesforce/instructblip-vicuna-7b"

DELTA_PREFIXES = ("qformer.", "query_tokens", "language_projection.", "vision_model.post_layernorm.")
"""transformers key prefixes of the modules EmoVIT trains: the only keys a delta may hold."""

FROZEN_PREFIXES = {"visual_encoder.": "frozen vision encoder (EVA ViT-g)", "llm_model.": "frozen language model (Vicuna)"}
"""LAVIS prefixes of frozen modules: recognised, counted, and taken from the base instead."""

IGNORED_KEYS = {
    "Qformer.bert.embeddings.position_ids": "position-id buffer (an arange; transformers rebuilds it)",
}

PICKLE_REFUSED = (
    "{path} is a pickled Python object (EmoVIT's release saves the whole LAVIS module this way), "
    "not a plain state dict. Reading it needs Python's pickle, which can run arbitrary code stored "
    "in the file, so it is refused by default.\n"
    "If you trust the file (e.g. you downloaded it yourself from the EmoVIT authors' link), re-run with "
    "--allow-pickle. lmms-emotion then reads it with a restricted unpickler that imports no LAVIS code "
    "(LAVIS need not be installed) and keeps only tensors; the output is safetensors, which never needs "
    "pickle again.\n(torch said: {reason})"
)


class ConversionError(ValueError):
    """A checkpoint or delta cannot be converted or applied; the message names the key or file at fault."""


class PickleRefusedError(ConversionError):
    """The checkpoint needs pickle and the caller did not allow it."""


# --- key mapping ----------------------------------------------------------------------------------

_VIT_BLOCK = re.compile(r"^visual_encoder\.blocks\.(\d+)\.(.+)$")
_VIT_BLOCK_MAP = {
    "norm1.weight": "layer_norm1.weight", "norm1.bias": "layer_norm1.bias",
    "norm2.weight": "layer_norm2.weight", "norm2.bias": "layer_norm2.bias",
    "attn.qkv.weight": "self_attn.qkv.weight",
    "attn.proj.weight": "self_attn.projection.weight", "attn.proj.bias": "self_attn.projection.bias",
    "mlp.fc1.weight": "mlp.fc1.weight", "mlp.fc1.bias": "mlp.fc1.bias",
    "mlp.fc2.weight": "mlp.fc2.weight", "mlp.fc2.bias": "mlp.fc2.bias",
    # q_bias and v_bias together become self_attn.qkv.bias = cat(q, zeros, v)
    "attn.q_bias": "self_attn.qkv.bias", "attn.v_bias": "self_attn.qkv.bias",
}
_VIT_TOP_MAP = {
    "visual_encoder.cls_token": "vision_model.embeddings.class_embedding",
    "visual_encoder.pos_embed": "vision_model.embeddings.position_embedding",
    "visual_encoder.patch_embed.proj.weight": "vision_model.embeddings.patch_embedding.weight",
    "visual_encoder.patch_embed.proj.bias": "vision_model.embeddings.patch_embedding.bias",
}


def lavis_to_hf_key(key: str) -> str:
    """The transformers key of one LAVIS ``Blip2VicunaInstruct`` key; :class:`ConversionError` if unknown.

    Frozen modules map too (``visual_encoder.*`` -> ``vision_model.*``, ``llm_model.*`` ->
    ``language_model.*``) so a checkpoint's key names are checked in full, although only
    the trainable ones (:data:`DELTA_PREFIXES`) go into a delta.
    """
    if key in ("ln_vision.weight", "ln_vision.bias"):
        return "vision_model.post_layernorm." + key.rsplit(".", 1)[1]
    if key == "query_tokens":
        return key
    if key in ("llm_proj.weight", "llm_proj.bias"):
        return "language_projection." + key.rsplit(".", 1)[1]
    if key.startswith("Qformer.bert."):
        rest = key[len("Qformer.bert."):]
        if rest.startswith("embeddings.LayerNorm."):
            rest = "embeddings.layernorm." + rest[len("embeddings.LayerNorm."):]
        rest = rest.replace(".attention.self.", ".attention.attention.").replace(
            ".crossattention.self.", ".crossattention.attention.")
        return "qformer." + rest
    if key in _VIT_TOP_MAP:
        return _VIT_TOP_MAP[key]
    match = _VIT_BLOCK.match(key)
    if match and match.group(2) in _VIT_BLOCK_MAP:
        return f"vision_model.encoder.layers.{match.group(1)}.{_VIT_BLOCK_MAP[match.group(2)]}"
    if key.startswith("llm_model."):
        return "language_model." + key[len("llm_model."):]
    raise ConversionError(
        f"unknown key {key!r} in the checkpoint: it is not part of LAVIS's Blip2VicunaInstruct "
        "(expected ln_vision.*, query_tokens, Qformer.bert.*, llm_proj.*, visual_encoder.*, llm_model.*). "
        "Is this an EmoVIT / InstructBLIP-Vicuna checkpoint?")


def is_delta_key(hf_key: str) -> bool:
    """Whether a transformers key belongs to a module EmoVIT trains."""
    return any(hf_key == p or hf_key.startswith(p) for p in DELTA_PREFIXES)


# --- reading checkpoints --------------------------------------------------------------------------

_TORCH_ALLOWED = {
    ("torch._utils", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor"),
    ("torch._utils", "_rebuild_parameter"), ("torch._utils", "_rebuild_parameter_with_state"),
    ("torch._tensor", "_rebuild_from_type_v2"), ("torch.nn.parameter", "Parameter"),
    ("torch", "Tensor"), ("torch", "Size"), ("torch", "device"),
    ("collections", "OrderedDict"), ("copyreg", "_reconstructor"),
    ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "object"), ("builtins", "list"),
    ("builtins", "dict"), ("builtins", "tuple"), ("builtins", "bytearray"), ("builtins", "complex"),
    ("__builtin__", "set"), ("__builtin__", "frozenset"), ("__builtin__", "object"),
}
_TORCH_DTYPES = {name for name in dir(torch) if isinstance(getattr(torch, name, None), torch.dtype)}


class Stub:
    """Inert stand-in for any class the :class:`StubUnpickler` will not import.

    Accepts whatever pickle hands it (constructor arguments, ``__setstate__`` state, list
    or dict items) and keeps it in ``__dict__``; runs no code of the original class.
    """

    stub_of = "?"

    def __new__(cls, *args: Any, **kwargs: Any) -> Stub:
        obj = object.__new__(cls)
        obj.__dict__["_stub_args"] = args
        return obj

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __setstate__(self, state: Any) -> None:
        if isinstance(state, tuple) and len(state) == 2 and all(s is None or isinstance(s, dict) for s in state):
            for part in state:
                self.__dict__.update(part or {})
        elif isinstance(state, dict):
            self.__dict__.update(state)
        else:
            self.__dict__["_stub_state"] = state

    def __setitem__(self, key: Any, value: Any) -> None:
        self.__dict__.setdefault("_stub_items", {})[key] = value

    def append(self, value: Any) -> None:
        self.__dict__.setdefault("_stub_list", []).append(value)

    def extend(self, values: Iterable[Any]) -> None:
        self.__dict__.setdefault("_stub_list", []).extend(values)

    def __repr__(self) -> str:
        return f"<stub of {self.stub_of}>"


class StubUnpickler(pickle.Unpickler):
    """Unpickler that imports only torch's tensor-rebuild functions and a few builtins.

    Every other global (LAVIS classes, torch.nn modules, tokenizers, functions) resolves to
    a fresh :class:`Stub` subclass named after it, so nothing from the file's classes runs
    and LAVIS need not be installed. Used as ``torch.load(..., pickle_module=...)``.
    """

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _TORCH_ALLOWED or (module == "torch" and name in _TORCH_DTYPES):
            return super().find_class(module, name)
        return type(name, (Stub,), {"stub_of": f"{module}.{name}"})


class _StubPickleModule:
    """The ``pickle_module`` torch.load wants: ``Unpickler`` and ``load``."""

    Unpickler = StubUnpickler
    __name__ = "lmms_emotion_stub_pickle"

    @staticmethod
    def load(file, **kwargs):  # pragma: no cover - legacy (non-zip) torch files only
        return StubUnpickler(file, **kwargs).load()


@dataclass
class Checkpoint:
    """Tensors read from a checkpoint file, in the LAVIS layout, with where they came from."""

    tensors: dict[str, torch.Tensor]
    kind: str  # "state_dict" | "lavis_runner_checkpoint" | "pickled_module" | "safetensors"
    root_class: str | None = None
    notes: list[str] = field(default_factory=list)


def _pickle_reason(exc: Exception) -> str:
    """The class torch's safe loader stopped at, or its first message line."""
    text = str(exc)
    match = re.search(r"Unsupported global: GLOBAL (\S+)", text)
    if match:
        return f"the file needs the class {match.group(1)}"
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def _torch_load(path: Path, **kwargs: Any) -> Any:
    try:
        return torch.load(str(path), map_location="cpu", mmap=True, **kwargs)
    except RuntimeError as exc:
        if "mmap" not in str(exc):
            raise
        return torch.load(str(path), map_location="cpu", **kwargs)  # legacy (non-zip) format


def _module_tensors(root: Any) -> dict[str, torch.Tensor]:
    """Parameters and persistent buffers of a (stubbed) pickled ``nn.Module`` tree, by dotted name."""
    tensors: dict[str, torch.Tensor] = {}
    seen: set[int] = set()

    def visit(obj: Any, prefix: str) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        state = getattr(obj, "__dict__", {})
        for name, value in (state.get("_parameters") or {}).items():
            if value is not None:
                tensors[prefix + name] = value.detach() if isinstance(value, torch.Tensor) else value
        skip = set(state.get("_non_persistent_buffers_set") or ())
        for name, value in (state.get("_buffers") or {}).items():
            if value is not None and name not in skip:
                tensors[prefix + name] = value
        for name, child in (state.get("_modules") or {}).items():
            if child is not None:
                visit(child, f"{prefix}{name}.")

    visit(root, "")
    bad = [k for k, v in tensors.items() if not isinstance(v, torch.Tensor)]
    if bad:
        raise ConversionError(f"pickled module holds non-tensor parameters, e.g. {bad[0]!r}")
    return tensors


def _tensor_dict(obj: Any) -> dict[str, torch.Tensor] | None:
    if isinstance(obj, Mapping) and obj and all(isinstance(k, str) for k in obj) and all(
            isinstance(v, torch.Tensor) for v in obj.values()):
        return dict(obj)
    return None


def _strip_wrapper_prefix(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Drop a DataParallel/DDP ``module.`` prefix carried by every key."""
    if tensors and all(k.startswith("module.") for k in tensors):
        return {k[len("module."):]: v for k, v in tensors.items()}
    return tensors


def _load_stubbed(path: Path) -> Any:
    """Unpickle with :class:`StubUnpickler`; any failure becomes a :class:`ConversionError`.

    Nothing in the file runs (every class is a stub), but a crafted or damaged pickle can
    still hand the few allowed torch functions arguments they reject (``TypeError``), or
    not be a torch file at all (``RuntimeError``); either is a bad input, not a crash.
    """
    try:
        return _torch_load(path, weights_only=False, pickle_module=_StubPickleModule)
    except Exception as exc:  # noqa: BLE001 - whatever a hostile pickle provokes
        raise ConversionError(
            f"cannot read {path.name} as a pickled LAVIS module ({type(exc).__name__}: {exc}). The file is damaged, "
            "not an EmoVIT/LAVIS checkpoint, or crafted; nothing in it was run. Re-download the checkpoint from "
            "the EmoVIT release and check its sha256.") from None


def read_checkpoint(path: str | os.PathLike, *, allow_pickle: bool = False) -> Checkpoint:
    """Read an EmoVIT/LAVIS checkpoint file into LAVIS-layout tensors.

    Plain state dicts and LAVIS runner checkpoints load with ``weights_only=True``. A whole
    pickled module raises :class:`PickleRefusedError` unless ``allow_pickle``; then it is
    read with :class:`StubUnpickler`.
    """
    path = Path(path)
    if not path.is_file():
        raise ConversionError(f"checkpoint {path} does not exist or is not a file")
    if path.suffix == ".safetensors":
        from safetensors.torch import load_file

        return Checkpoint(_strip_wrapper_prefix(load_file(str(path))), "safetensors")
    try:
        obj = _torch_load(path, weights_only=True)
    except pickle.UnpicklingError as exc:
        if not allow_pickle:
            raise PickleRefusedError(PICKLE_REFUSED.format(path=path.name, reason=_pickle_reason(exc))) from None
        obj = _load_stubbed(path)
        if isinstance(obj, Stub):
            return Checkpoint(_strip_wrapper_prefix(_module_tensors(obj)), "pickled_module", root_class=obj.stub_of)
        if isinstance(obj, torch.nn.Module):  # pragma: no cover - a stock torch module cannot come through stubs
            return Checkpoint(_strip_wrapper_prefix(dict(obj.state_dict())), "pickled_module",
                              root_class=type(obj).__qualname__)
    except (RuntimeError, OSError, EOFError, TypeError, ValueError, AttributeError, IndexError, KeyError) as exc:
        # a damaged or crafted file can make even torch's safe loader call an allowed function wrongly
        raise ConversionError(f"cannot read checkpoint {path.name}: {type(exc).__name__}: {exc}. The file is "
                              "damaged or not an EmoVIT/LAVIS checkpoint; re-download it from the EmoVIT "
                              "release") from None
    tensors = _tensor_dict(obj)
    if tensors is not None:
        return Checkpoint(_strip_wrapper_prefix(tensors), "state_dict")
    if isinstance(obj, Mapping):
        for key in ("model", "state_dict", "module"):
            tensors = _tensor_dict(obj.get(key))
            if tensors is not None:
                return Checkpoint(_strip_wrapper_prefix(tensors), "lavis_runner_checkpoint",
                                  notes=[f"tensors read from the checkpoint's {key!r} entry"])
    raise ConversionError(
        f"{path.name} holds a {type(obj).__name__}, not a state dict (str -> tensor) nor a LAVIS runner "
        "checkpoint with a 'model' state dict")


# --- conversion -----------------------------------------------------------------------------------


@dataclass
class Conversion:
    """The delta (transformers keys) and what was recognised, skipped and ignored on the way."""

    delta: dict[str, torch.Tensor]
    frozen: dict[str, int]  # description -> number of tensors skipped
    ignored: dict[str, str]  # LAVIS key -> why


def convert_state_dict(tensors: Mapping[str, torch.Tensor]) -> Conversion:
    """LAVIS-layout tensors -> the EmoVIT delta in transformers keys; unknown keys fail by name."""
    delta: dict[str, torch.Tensor] = {}
    frozen: dict[str, int] = {}
    ignored: dict[str, str] = {}
    for key in sorted(tensors):
        if key in IGNORED_KEYS:
            ignored[key] = IGNORED_KEYS[key]
            continue
        hf_key = lavis_to_hf_key(key)  # raises on unknown keys, for frozen modules too
        frozen_kind = next((desc for prefix, desc in FROZEN_PREFIXES.items() if key.startswith(prefix)), None)
        if frozen_kind is not None:
            frozen[frozen_kind] = frozen.get(frozen_kind, 0) + 1
            continue
        if not is_delta_key(hf_key):  # pragma: no cover - the mapping only yields delta keys here
            raise ConversionError(f"key {key!r} maps to {hf_key!r}, which is not a trained EmoVIT module")
        delta[hf_key] = tensors[key].detach().contiguous()
    if not delta:
        raise ConversionError("the checkpoint holds none of the modules EmoVIT trains "
                              "(ln_vision, query_tokens, Qformer.bert.*, llm_proj)")
    return Conversion(delta, frozen, ignored)


def check_delta(delta: Mapping[str, torch.Tensor], expected: Mapping[str, tuple[int, ...]], *, source: str) -> None:
    """Every delta tensor names a trainable parameter of the base with the same shape, and none is missing.

    ``expected`` is the base model's ``{key: shape}``. Raises :class:`ConversionError`
    naming the keys at fault.
    """
    problems: list[str] = []
    outside = sorted(k for k in delta if not is_delta_key(k))
    if outside:
        problems.append("keys outside the modules EmoVIT trains (" + ", ".join(DELTA_PREFIXES) + "): "
                        + ", ".join(repr(k) for k in outside[:10]))
    unexpected = sorted(k for k in delta if is_delta_key(k) and k not in expected)
    if unexpected:
        problems.append("keys the base model does not have (unexpected): "
                        + ", ".join(repr(k) for k in unexpected[:10])
                        + (f" and {len(unexpected) - 10} more" if len(unexpected) > 10 else ""))
    for key in sorted(delta):
        if key in expected and tuple(delta[key].shape) != tuple(expected[key]):
            problems.append(f"shape mismatch for {key!r}: {source} has {tuple(delta[key].shape)}, "
                            f"the base model expects {tuple(expected[key])}")
    missing = sorted(k for k in expected if is_delta_key(k) and k not in delta)
    if missing:
        problems.append("trainable keys of the base missing from the delta: "
                        + ", ".join(repr(k) for k in missing[:10])
                        + (f" and {len(missing) - 10} more" if len(missing) > 10 else ""))
    if problems:
        raise ConversionError(f"{source} does not fit the base model:\n  - " + "\n  - ".join(problems))


def base_shapes(base: str | os.PathLike) -> dict[str, tuple[int, ...]]:
    """``{key: shape}`` of the base InstructBLIP's state dict, built on the meta device (no weights read)."""
    from transformers import InstructBlipConfig, InstructBlipForConditionalGeneration

    try:
        config = InstructBlipConfig.from_pretrained(str(base))
    except (OSError, ValueError) as exc:
        raise ConversionError(
            f"cannot read the base model's config from {display_name(base)!r}: {exc}\n"
            "Pass --base with a local InstructBLIP folder (or a hub id while online).") from exc
    with torch.device("meta"):
        model = InstructBlipForConditionalGeneration(config)
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


def display_name(value: str | os.PathLike) -> str:
    """A hub id as is; a local path as its folder name only (no absolute user paths in outputs)."""
    text = os.fspath(value)
    if os.path.exists(text):
        return Path(text).resolve().name + " (local folder)"
    return text


# --- writing --------------------------------------------------------------------------------------


def _provenance(checkpoint_path: Path, checkpoint: Checkpoint, conversion: Conversion, base: str,
                full: bool) -> dict[str, Any]:
    from lmms_emotion import __version__

    return {
        "format": DELTA_FORMAT,
        "format_version": 1,
        "output": "full_model" if full else "delta",
        "base_model": display_name(base),
        "source": {
            "file": checkpoint_path.name,
            "sha256": file_sha256(checkpoint_path),
            "size_bytes": checkpoint_path.stat().st_size,
            "format": checkpoint.kind,
            "root_class": checkpoint.root_class,
            "notes": checkpoint.notes,
        },
        "counts": {
            "source_tensors": len(checkpoint.tensors),
            "delta_tensors": len(conversion.delta),
            "delta_parameters": int(sum(t.numel() for t in conversion.delta.values())),
            "frozen_tensors_skipped": conversion.frozen,
            "ignored": conversion.ignored,
        },
        "delta_modules": list(DELTA_PREFIXES),
        "delta_keys": sorted(conversion.delta),
        "dtypes": sorted({str(t.dtype).replace("torch.", "") for t in conversion.delta.values()}),
        "converted_utc": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "converter": f"lmms-emotion {__version__} (emovit converter v{CONVERTER_VERSION})",
    }


def model_card(info: Mapping[str, Any]) -> str:
    """The README.md written next to converted weights."""
    src, counts = info["source"], info["counts"]
    frozen = ", ".join(f"{n} {what}" for what, n in counts["frozen_tensors_skipped"].items()) or "none"
    ignored = ", ".join(f"`{k}`" for k in counts["ignored"]) or "none"
    full = info["output"] == "full_model"
    base = info["base_model"]
    use_args = "pretrained=<this folder>" if full else f"pretrained={base.split(' (')[0]},emovit_weights=<this folder>"
    what = ("a complete `InstructBlipForConditionalGeneration` folder (the base model with EmoVIT's trained "
            "modules put in)" if full else
            f"the tensors EmoVIT trains (`{DELTA_WEIGHTS}`, transformers key names), to be put over the base model")
    return f"""---
library_name: transformers
base_model: {base.split(' (')[0]}
tags: [emovit, instructblip, visual-emotion, lmms-emotion]
---

# EmoVIT weights for transformers

EmoVIT (CVPR 2024) is InstructBLIP-Vicuna-7B whose Q-Former, query tokens, LLM projection and
vision LayerNorm were instruction-tuned on GPT-generated emotion instructions; the ViT and
the LLM were frozen. This folder holds {what}. It was converted from the authors' LAVIS
checkpoint by `lmms-emotion convert emovit`; no weight was changed, only renamed.

## Use

```bash
lmms-emotion eval --model emovit --model_args {use_args} --tasks emovit_emoset --batch_size 8
```

## Provenance

| field | value |
|---|---|
| source file | `{src['file']}` |
| source sha256 | `{src['sha256']}` |
| source size | {src['size_bytes']:,} bytes |
| source format | {src['format']}{f" (root class `{src['root_class']}`)" if src.get('root_class') else ''} |
| tensors in source | {counts['source_tensors']} |
| tensors converted | {counts['delta_tensors']} ({counts['delta_parameters']:,} parameters; dtype {', '.join(info['dtypes'])}) |
| frozen tensors skipped (taken from the base) | {frozen} |
| ignored | {ignored} |
| base model | `{base}` |
| converted (UTC) | {info['converted_utc']} |
| converter | {info['converter']} |

Key renaming follows transformers' own InstructBLIP conversion (LAVIS `ln_vision` ->
`vision_model.post_layernorm`, `Qformer.bert.*` -> `qformer.*` with `attention.self` ->
`attention.attention`, `llm_proj` -> `language_projection`). Every converted tensor was
checked against the base model's names and shapes.

## Licence and credit

The weights are the EmoVIT authors' (github.com/aimmemotion/EmoVIT); their terms, and those of
InstructBLIP and Vicuna, apply. Cite the EmoVIT paper (Xie et al., CVPR 2024) when you use them.
"""


def convert_checkpoint(checkpoint_path: str | os.PathLike, out_dir: str | os.PathLike, *,
                       base: str | os.PathLike = DEFAULT_BASE, full: bool = False,
                       allow_pickle: bool = False) -> dict[str, Any]:
    """Convert an EmoVIT LAVIS checkpoint; write a delta (default) or a full model to ``out_dir``.

    Returns the provenance record that was written (``emovit_delta.json`` or
    ``emovit_conversion.json``).
    """
    from safetensors.torch import save_file

    checkpoint_path = Path(checkpoint_path)
    checkpoint = read_checkpoint(checkpoint_path, allow_pickle=allow_pickle)
    conversion = convert_state_dict(checkpoint.tensors)
    check_delta(conversion.delta, base_shapes(base), source=checkpoint_path.name)
    info = _provenance(checkpoint_path, checkpoint, conversion, os.fspath(base), full)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if full:
        from transformers import InstructBlipForConditionalGeneration, InstructBlipProcessor

        model = InstructBlipForConditionalGeneration.from_pretrained(os.fspath(base), dtype="auto")
        apply_delta(model, conversion.delta, source=checkpoint_path.name)
        model.save_pretrained(str(out))
        InstructBlipProcessor.from_pretrained(os.fspath(base)).save_pretrained(str(out))
        write_json(out / CONVERSION_INFO, info)
    else:
        save_file({k: v.clone() for k, v in conversion.delta.items()}, str(out / DELTA_WEIGHTS),
                  metadata={"format": DELTA_FORMAT, "source_sha256": info["source"]["sha256"]})
        write_json(out / DELTA_INFO, info)
    (out / "README.md").write_text(model_card(info), encoding="utf-8")
    return info


# --- applying a delta -----------------------------------------------------------------------------


def load_delta(path: str | os.PathLike) -> dict[str, torch.Tensor]:
    """Read a converted delta: a folder holding ``emovit_delta.safetensors`` or that file itself."""
    from safetensors.torch import load_file

    path = Path(path)
    file = path / DELTA_WEIGHTS if path.is_dir() else path
    if not file.is_file():
        hint = (" It looks like a full model folder: pass it as pretrained= instead."
                if (path / "config.json").is_file() else "")
        raise ConversionError(
            f"emovit_weights={display_name(path)!r}: no {DELTA_WEIGHTS} found.{hint} Create one with "
            "`lmms-emotion convert emovit --checkpoint <EmoVIT .pth> --out <folder>`.")
    return load_file(str(file))


def apply_delta(model: torch.nn.Module, delta: Mapping[str, torch.Tensor], *, source: str) -> dict[str, int]:
    """Put a delta into an ``InstructBlipForConditionalGeneration`` in place, strictly.

    Every tensor must name a trainable parameter of ``model`` with the same shape and
    every trainable parameter must be covered (:func:`check_delta`). Values are cast to
    each parameter's own dtype and device. Returns ``{"applied": n, "missing": 0,
    "unexpected": 0}`` for the caller's log.
    """
    state = model.state_dict()
    check_delta(delta, {k: tuple(v.shape) for k, v in state.items()}, source=source)
    result = model.load_state_dict(dict(delta), strict=False, assign=False)
    unexpected = list(result.unexpected_keys)
    missing = [k for k in result.missing_keys if is_delta_key(k)]
    if unexpected or missing:  # pragma: no cover - check_delta has already ruled these out
        raise ConversionError(f"{source}: unexpected {unexpected[:5]}, missing {missing[:5]}")
    return {"applied": len(delta), "missing": 0, "unexpected": 0}
