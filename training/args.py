"""Recipe configurations: dataclasses whose defaults run, one per recipe, and their CLI.

:class:`TrainConfig` holds what every recipe shares (data, schedule, checkpoints, logging,
closing the loop); :class:`EmoVITConfig` and :class:`EmoLLMConfig` add their recipe's own
settings and defaults. ``lmms-emotion train <recipe>`` builds its options from these fields
(:func:`add_arguments` / :func:`config_from_args`), so a default lives in one place. A
YAML file with the same field names (``--config``) sets values too; explicit options win.

Import-light on purpose (stdlib only): the CLI parser is built without torch.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import typing
from dataclasses import dataclass, field
from typing import Any

PRECISIONS = ("auto", "bf16", "fp16", "fp32")


def _opt(default: Any, help: str, **extra: Any) -> Any:
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata={"help": help, **extra})
    return field(default=default, metadata={"help": help, **extra})


@dataclass
class TrainConfig:
    """Settings every recipe shares. Paths may use ``~``; defaults are the recipe's published ones."""

    output_dir: str = _opt("", "where checkpoints, the final model and logs go (required)")
    base: str = _opt("", "base model: a hub id or a local save_pretrained folder")
    data: list[str] = _opt([], "training file(s): records JSONL or LLaVA-style conversations JSON/JSONL "
                               "(repeatable)", repeat=True)
    dataset: list[str] = _opt([], "a built dataset's split under the data root, NAME[:SPLIT] (split default "
                                  "train; repeatable)", repeat=True)
    data_root: str | None = _opt(None, "data root for --dataset (default $LMMS_EMOTION_DATA or "
                                       "~/.cache/lmms_emotion)")
    media_root: str | None = _opt(None, "folder the media paths of every --data file are relative to (default: "
                                        "what the file's .meta.json / summary.json names, else ./media beside it)")
    verify_media: bool = _opt(False, "decode every image before training (slower; otherwise files are only "
                                     "checked to exist)")
    num_frames: int = _opt(8, "frames sampled per video")
    video_backend: str = _opt("auto", "video decoder: auto, decord or pyav", choices=("auto", "decord", "pyav"))

    num_train_epochs: float = _opt(1.0, "epochs over the training data")
    max_steps: int = _opt(-1, "optimizer steps in all (overrides epochs when > 0)")
    learning_rate: float = _opt(1e-5, "peak learning rate")
    min_lr: float = _opt(0.0, "learning rate the cosine schedule ends at")
    warmup_steps: float = _opt(0, "linear warm-up from 0: steps, or a share of all steps when below 1")
    lr_scheduler_type: str = _opt("cosine_with_min_lr", "transformers scheduler name (cosine_with_min_lr uses "
                                                        "--min-lr)")
    weight_decay: float = _opt(0.0, "AdamW weight decay (never on biases, norms and other 1-D tensors)")
    adam_beta1: float = _opt(0.9, "AdamW beta1")
    adam_beta2: float = _opt(0.999, "AdamW beta2")
    max_grad_norm: float = _opt(1.0, "gradient clipping norm (0 = no clipping)")
    per_device_train_batch_size: int = _opt(1, "examples per device per step")
    gradient_accumulation_steps: int = _opt(1, "micro-batches per optimizer step")
    seed: int = _opt(42, "seed of weights' random init, data order and augmentation")
    precision: str = _opt("auto", "auto (bf16 on GPUs that support it, else fp16 on GPU, fp32 on CPU), bf16, "
                                  "fp16 or fp32 (mixed precision: trained weights stay fp32)", choices=PRECISIONS)
    frozen_dtype: str = _opt("auto", "dtype the frozen weights are held in while training: auto (the "
                                     "mixed-precision dtype, else float32), float32, bfloat16 or float16; the "
                                     "trained weights stay float32", choices=("auto", "float32", "bfloat16", "float16"))
    gradient_checkpointing: bool = _opt(False, "recompute activations in the backward pass (less memory)")
    full_determinism: bool = _opt(False, "deterministic kernels (torch.use_deterministic_algorithms); slower")
    dataloader_num_workers: int = _opt(0, "data-loading worker processes per device")

    save_steps: int = _opt(500, "write a checkpoint every N optimizer steps")
    save_total_limit: int | None = _opt(3, "keep at most N checkpoints (oldest deleted)")
    logging_steps: int = _opt(10, "log loss and learning rate every N steps")
    report_to: list[str] = _opt(["none"], "where logs go: none, tensorboard, wandb, ... (repeatable)", repeat=True)
    run_name: str | None = _opt(None, "run name for the loggers")
    resume: bool = _opt(False, "continue from the newest checkpoint-* in --output-dir (starts fresh if none)")
    overwrite: bool = _opt(False, "delete existing checkpoint-* folders in --output-dir and start over")
    deepspeed: str | None = _opt(None, "a DeepSpeed JSON config (e.g. the shipped zero2.json / zero3.json); or "
                                       "launch with an accelerate config that names one")
    disable_tqdm: bool = _opt(False, "no progress bar")

    eval_tasks: list[str] = _opt([], "lmms-eval tasks to run on the final model (comma-separated or repeated); "
                                     "results go to <output-dir>/eval", repeat=True)
    eval_model_args: str = _opt("", "extra --model_args for that evaluation, e.g. scoring=likelihood")
    eval_batch_size: int = _opt(8, "batch size of that evaluation")
    eval_limit: int | None = _opt(None, "evaluate only the first N docs of each task")

    recipe: typing.ClassVar[str] = ""

    def validate(self) -> None:
        """Raise ``ValueError`` naming the option at fault."""
        if not self.output_dir:
            raise ValueError("--output-dir is required")
        if not self.base:
            raise ValueError("--base is required (a hub id or a local model folder)")
        if not self.data and not self.dataset:
            raise ValueError("no training data: pass --data FILE and/or --dataset NAME[:SPLIT]")
        if self.resume and self.overwrite:
            raise ValueError("--resume and --overwrite contradict each other; choose one")
        for name in ("per_device_train_batch_size", "gradient_accumulation_steps", "save_steps", "logging_steps",
                     "num_frames"):
            if getattr(self, name) < 1:
                raise ValueError(f"--{name.replace('_', '-')} must be >= 1")
        if self.precision not in PRECISIONS:
            raise ValueError(f"--precision must be one of {', '.join(PRECISIONS)}")

    def eval_task_list(self) -> list[str]:
        return [t.strip() for item in self.eval_tasks for t in item.split(",") if t.strip()]

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["recipe"] = self.recipe
        return data


@dataclass
class EmoVITConfig(TrainConfig):
    """EmoVIT's recipe: Q-Former, query tokens, LLM projection and vision LayerNorm of InstructBLIP trained.

    Defaults are EmoVIT's 2025 ("corrected") ``FT.yaml``: peak LR 1e-5, warm-up 30,000
    steps, cosine to 1e-8, weight decay 0.005, 4 epochs, batch 1, no gradient clipping,
    seed 42, mixed precision. See docs/training.md for where transformers' schedule differs.
    """

    base: str = _opt("Salesforce/instructblip-vicuna-7b", "base InstructBLIP: hub id or local folder")
    num_train_epochs: float = _opt(4.0, "epochs (EmoVIT: 4)")
    learning_rate: float = _opt(1e-5, "peak learning rate (EmoVIT: 1e-5)")
    min_lr: float = _opt(1e-8, "final learning rate of the cosine schedule (EmoVIT: 1e-8)")
    warmup_steps: float = _opt(30000, "linear warm-up steps (EmoVIT: 30,000)")
    weight_decay: float = _opt(0.005, "AdamW weight decay (EmoVIT: 0.005; none on biases and norms)")
    max_grad_norm: float = _opt(0.0, "gradient clipping norm (EmoVIT/LAVIS: none = 0)")
    per_device_train_batch_size: int = _opt(1, "examples per device per step (EmoVIT: 1)")

    max_txt_len: int = _opt(128, "instruction tokens kept (from the end) for the Q-Former and the LLM (LAVIS: 128)")
    max_output_txt_len: int = _opt(256, "answer tokens kept (from the start), eos included (LAVIS: 256)")
    normalise_instruction: bool = _opt(True, "EmoVIT's blip_caption normalisation of instructions (lower case, "
                                             "punctuation removed, 50 words); answers are never changed")
    augment: bool = _opt(True, "EmoVIT's training augmentation: random resized crop (scale 0.5-1) and flip")
    write_delta: bool = _opt(True, "also write the trained modules alone (<output-dir>/emovit_delta, "
                                   "for --model_args emovit_weights=)")

    recipe: typing.ClassVar[str] = "emovit"

    def validate(self) -> None:
        super().validate()
        if self.max_txt_len < 2 or self.max_output_txt_len < 1:
            raise ValueError("--max-txt-len must be >= 2 and --max-output-txt-len >= 1")


@dataclass
class EmoLLMConfig(TrainConfig):
    """EmoLLM's recipe: the MVP projector trained, the LLM adapted with LoRA; images and videos mixed."""

    base: str = _opt("llava-hf/llava-1.5-7b-hf", "base LLaVA-1.5 / Video-LLaVA: hub id or local folder "
                                                 "(or an EmoLLM folder to continue from)")
    num_train_epochs: float = _opt(1.0, "epochs (LLaVA-1.5 instruction tuning: 1)")
    learning_rate: float = _opt(2e-4, "peak learning rate of the LoRA weights (LLaVA-1.5 LoRA: 2e-4)")
    mvp_learning_rate: float = _opt(2e-5, "learning rate of the MVP projector (LLaVA-1.5 LoRA: 2e-5)")
    warmup_steps: float = _opt(0.03, "warm-up: a share of all steps when below 1, else steps (LLaVA-1.5: 3 %)")
    lr_scheduler_type: str = _opt("cosine", "transformers scheduler name (LLaVA-1.5: cosine)")
    weight_decay: float = _opt(0.0, "AdamW weight decay (LLaVA-1.5: 0)")
    per_device_train_batch_size: int = _opt(16, "examples per device per step (LLaVA-1.5 LoRA: 16 x 8 GPUs)")
    lora: bool = _opt(True, "adapt the language model with LoRA (off: only the MVP trains)")
    lora_r: int = _opt(128, "LoRA rank (LLaVA-1.5: 128)")
    lora_alpha: int = _opt(256, "LoRA alpha (LLaVA-1.5: 256)")
    lora_dropout: float = _opt(0.05, "LoRA dropout (LLaVA-1.5: 0.05)")
    rationales: list[str] = _opt([], "EmoPrompt rationales (records JSONL from `lmms-emotion generate "
                                     "rationales`): examples whose source record has one train on "
                                     "rationale-then-answer targets (repeatable)", repeat=True)
    model_max_length: int = _opt(2048, "longest token sequence kept (truncated on the right; LLaVA-1.5: 2048)")
    gradient_checkpointing: bool = _opt(True, "recompute activations in the backward pass (LLaVA-1.5: on)")
    perspectives: str | None = _opt(None, "MVP perspectives of a fresh MVP, e.g. patch+global+query (default: "
                                          "all four; an EmoLLM --base keeps its own)")
    num_queries: int | None = _opt(None, "tokens of the MVP's query view (fresh MVP; default 8)")

    recipe: typing.ClassVar[str] = "emollm"


RECIPES: dict[str, type[TrainConfig]] = {"emovit": EmoVITConfig, "emollm": EmoLLMConfig}


# --- CLI --------------------------------------------------------------------------------------------


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _base_type(annotation: Any) -> type:
    """``bool``/``int``/``float`` for such fields (also ``X | None``), else ``str``."""
    options = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    base = options[0]
    return base if base in (bool, int, float) else str


def add_arguments(parser: argparse.ArgumentParser, config_cls: type[TrainConfig]) -> None:
    """One option per field of ``config_cls`` (``--output-dir``, ``--learning-rate``/``--lr``, ...).

    Options default to ``None`` so that :func:`config_from_args` can tell an explicit value
    from the dataclass default (and a ``--config`` YAML value).
    """
    parser.add_argument("--config", default=None, help="YAML file of option values (field names as keys); "
                                                       "explicit options win")
    hints = typing.get_type_hints(config_cls)
    for f in dataclasses.fields(config_cls):
        meta = f.metadata
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
        kind = _base_type(hints[f.name])
        help_text = f"{meta.get('help', '')} (default: {default!r})"
        names = [_flag(f.name)] + {"learning_rate": ["--lr"], "per_device_train_batch_size": ["--batch-size"],
                                   "num_train_epochs": ["--epochs"]}.get(f.name, [])
        if kind is bool:
            parser.add_argument(*names, dest=f.name, default=None, action=argparse.BooleanOptionalAction,
                                help=help_text)
        elif meta.get("repeat"):
            parser.add_argument(*names, dest=f.name, default=None, action="append", help=help_text)
        else:
            parser.add_argument(*names, dest=f.name, default=None, type=kind, choices=meta.get("choices"),
                                help=help_text)


def config_from_args(config_cls: type[TrainConfig], args: argparse.Namespace) -> TrainConfig:
    """The config: dataclass defaults, then ``--config`` YAML values, then explicit options."""
    values: dict[str, Any] = {}
    names = {f.name for f in dataclasses.fields(config_cls)}
    if getattr(args, "config", None):
        values.update(load_yaml_values(args.config, names))
    for name in names:
        value = getattr(args, name, None)
        if value is not None:
            values[name] = value
    return config_cls(**values)


def load_yaml_values(path: str | os.PathLike, names: set[str]) -> dict[str, Any]:
    """Field values from a YAML mapping; unknown keys fail, naming them."""
    import yaml

    with open(os.path.expanduser(os.fspath(path)), encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of option names to values")
    data = {str(k).replace("-", "_"): v for k, v in data.items()}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ValueError(f"{path}: unknown option(s) {', '.join(unknown)}")
    return data


def dump_config(config: TrainConfig) -> str:
    """The config as stable JSON (what ``training_config.json`` stores)."""
    return json.dumps(config.to_dict(), indent=2, sort_keys=True) + "\n"
