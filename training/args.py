"""Recipe arguments: transformers' ``HfArgumentParser`` over two dataclasses per recipe.

* the recipe's own settings (data, base model, recipe options, closing the loop):
  :class:`EmoVITRecipeArguments` / :class:`EmoLLMRecipeArguments`;
* the loop's settings: a ``transformers.TrainingArguments`` subclass with the recipe's
  published defaults (:class:`EmoVITTrainingArguments` / :class:`EmoLLMTrainingArguments`),
  so every ``Trainer`` option is an option of ``lmms-emotion train`` and reaches the
  ``Trainer`` as is. Three settings are ours: ``--precision`` (auto / bf16 / fp16 / fp32,
  resolved to ``bf16`` / ``fp16``), ``--frozen-dtype`` and ``--min-lr`` (the cosine's floor,
  put into ``lr_scheduler_kwargs``).

``--config FILE`` (YAML or JSON, field names as keys) sets values; explicit options win.

Importing this module imports transformers (and torch); the ``lmms-emotion`` parser imports
it only when ``train`` runs (``lmms_emotion.commands.train``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from transformers import HfArgumentParser, TrainingArguments

PRECISIONS = ("auto", "bf16", "fp16", "fp32")
FROZEN_DTYPES = ("auto", "float32", "bfloat16", "float16")


def _opt(default: Any, help: str, **extra: Any) -> Any:
    """A dataclass field with its ``--help`` text (``%`` escaped for argparse) and parser metadata."""
    metadata = {"help": help.replace("%", "%%"), **extra}
    if isinstance(default, list):
        return field(default_factory=lambda: list(default), metadata=metadata)
    return field(default=default, metadata=metadata)


# ``action="extend"``: ``--data a --data b`` and ``--data a b`` both give [a, b]; HfArgumentParser's plain
# ``nargs="+"`` would keep only the last of repeated options
_REPEAT = {"action": "extend"}


# --- the recipes' own settings ------------------------------------------------------------------


@dataclass
class RecipeArguments:
    """Data, base model and closing the loop: what every recipe shares beside the ``Trainer``'s settings."""

    base: str = _opt("", "base model: a hub id or a local save_pretrained folder")
    data: list[str] = _opt([], "training file(s): records JSONL or LLaVA-style conversations JSON/JSONL "
                               "(repeatable)", **_REPEAT)
    dataset: list[str] = _opt([], "a built dataset's split under the data root, NAME[:SPLIT] (split default "
                                  "train; repeatable)", **_REPEAT)
    data_root: str | None = _opt(None, "data root for --dataset (default $LMMS_EMOTION_DATA or "
                                       "~/.cache/lmms_emotion)")
    media_root: str | None = _opt(None, "folder the media paths of every --data file are relative to (default: "
                                        "what the file's .meta.json / summary.json names, else ./media beside it)")
    verify_media: bool = _opt(False, "decode every image before training (slower; otherwise files are only "
                                     "checked to exist)")
    num_frames: int = _opt(8, "frames sampled per video")
    video_backend: str = _opt("auto", "video decoder: auto, decord or pyav", choices=("auto", "decord", "pyav"))
    resume: bool = _opt(False, "continue from the newest checkpoint-* in --output-dir (starts fresh if none; "
                               "a finished run is left as it is)")
    overwrite: bool = _opt(False, "delete existing checkpoint-* folders in --output-dir and start over")
    eval_tasks: list[str] = _opt([], "lmms-eval tasks to run on the final model (comma-separated or repeated); "
                                     "results go to <output-dir>/eval", **_REPEAT)
    eval_model_args: str = _opt("", "extra --model_args for that evaluation, e.g. scoring=likelihood")
    eval_batch_size: int = _opt(8, "batch size of that evaluation")
    eval_limit: int | None = _opt(None, "evaluate only the first N docs of each task")

    recipe: ClassVar[str] = ""

    def eval_task_list(self) -> list[str]:
        """``--eval-tasks`` split at commas."""
        return [t.strip() for item in self.eval_tasks for t in item.split(",") if t.strip()]


@dataclass
class EmoVITRecipeArguments(RecipeArguments):
    """EmoVIT's recipe: Q-Former, query tokens, LLM projection and vision LayerNorm of InstructBLIP trained.

    Defaults are EmoVIT's 2025 ("corrected") ``FT.yaml``: peak LR 1e-5, warm-up 30,000
    steps, cosine to 1e-8, weight decay 0.005, 4 epochs, batch 1, no gradient clipping,
    seed 42, mixed precision. See docs/training.md for where transformers' schedule differs.
    """

    base: str = _opt("Salesforce/instructblip-vicuna-7b", "base InstructBLIP: hub id or local folder")
    max_txt_len: int = _opt(128, "instruction tokens kept (from the end) for the Q-Former and the LLM (LAVIS: 128)")
    max_output_txt_len: int = _opt(256, "answer tokens kept (from the start), eos included (LAVIS: 256)")
    normalise_instruction: bool = _opt(True, "EmoVIT's blip_caption normalisation of instructions (lower case, "
                                             "punctuation removed, 50 words); answers are never changed")
    augment: bool = _opt(True, "EmoVIT's training augmentation: random resized crop (scale 0.5-1) and flip")
    write_delta: bool = _opt(True, "also write the trained modules alone (<output-dir>/emovit_delta, "
                                   "for --model_args emovit_weights=)")

    recipe: ClassVar[str] = "emovit"


@dataclass
class EmoLLMRecipeArguments(RecipeArguments):
    """EmoLLM's recipe: the MVP projector trained, the LLM adapted with LoRA; images and videos mixed."""

    base: str = _opt("llava-hf/llava-1.5-7b-hf", "base LLaVA-1.5 / Video-LLaVA: hub id or local folder "
                                                 "(or an EmoLLM folder to continue from)")
    lora: bool = _opt(True, "adapt the language model with LoRA (off: only the MVP trains)")
    lora_r: int = _opt(128, "LoRA rank (LLaVA-1.5: 128)")
    lora_alpha: int = _opt(256, "LoRA alpha (LLaVA-1.5: 256)")
    lora_dropout: float = _opt(0.05, "LoRA dropout (LLaVA-1.5: 0.05)")
    rationales: list[str] = _opt([], "EmoPrompt rationales (records JSONL from `lmms-emotion generate "
                                     "rationales`): examples whose source record has one train on "
                                     "rationale-then-answer targets (repeatable)", **_REPEAT)
    model_max_length: int = _opt(2048, "longest token sequence kept (truncated on the right; LLaVA-1.5: 2048)")
    perspectives: str | None = _opt(None, "MVP perspectives of a fresh MVP, e.g. patch+global+query (default: "
                                          "all four; an EmoLLM --base keeps its own)")
    num_queries: int | None = _opt(None, "tokens of the MVP's query view (fresh MVP; default 8)")

    recipe: ClassVar[str] = "emollm"


# --- the Trainer's settings --------------------------------------------------------------------


def resolve_precision(precision: str) -> str:
    """``auto`` -> ``bf16`` on a GPU that supports it, ``fp16`` on other GPUs, ``fp32`` without a GPU."""
    if precision != "auto":
        return precision
    import torch

    if torch.cuda.is_available():
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return "fp32"


def resolve_deepspeed(value: str | dict | None) -> str | dict | None:
    """``zero2`` / ``zero3`` -> the shipped DeepSpeed JSON; a path as is; checks deepspeed is installed."""
    if not value or isinstance(value, dict):
        return value or None
    from importlib.util import find_spec

    from lmms_emotion.training import configs_dir

    path = configs_dir() / f"{value}.json" if value in ("zero2", "zero3") else Path(value).expanduser()
    if not path.is_file():
        raise ValueError(f"--deepspeed {value}: no such file (use zero2, zero3 or a DeepSpeed JSON path)")
    if find_spec("deepspeed") is None:
        raise ValueError("--deepspeed needs the deepspeed package: pip install deepspeed")
    return str(path)


@dataclass
class RecipeTrainingArguments(TrainingArguments):
    """``TrainingArguments`` with the defaults both recipes share, plus ``precision``, ``frozen_dtype``, ``min_lr``."""

    output_dir: str = _opt("", "where checkpoints, the final model and logs go (required)")
    num_train_epochs: float = _opt(1.0, "epochs over the training data", aliases=["--epochs"])
    learning_rate: float = _opt(1e-5, "peak learning rate", aliases=["--lr"])
    min_lr: float = _opt(0.0, "learning rate the cosine schedule ends at (with cosine_with_min_lr)")
    warmup_steps: float = _opt(0, "linear warm-up from 0: steps, or a share of all steps when below 1")
    lr_scheduler_type: str = _opt("cosine_with_min_lr", "transformers scheduler name (cosine_with_min_lr uses "
                                                        "--min-lr)")
    weight_decay: float = _opt(0.0, "AdamW weight decay (never on biases, norms and other 1-D tensors)")
    max_grad_norm: float = _opt(1.0, "gradient clipping norm (0 = no clipping)")
    per_device_train_batch_size: int = _opt(1, "examples per device per step", aliases=["--batch-size"])
    precision: str = _opt("auto", "auto (bf16 on GPUs that support it, else fp16 on GPU, fp32 on CPU), bf16, "
                                  "fp16 or fp32 (mixed precision: trained weights stay fp32)", choices=PRECISIONS)
    frozen_dtype: str = _opt("auto", "dtype the frozen weights are held in while training: auto (the "
                                     "mixed-precision dtype, else float32), float32, bfloat16 or float16; the "
                                     "trained weights stay float32", choices=FROZEN_DTYPES)
    gradient_checkpointing: bool = _opt(False, "recompute activations in the backward pass (less memory)")
    # workers are started afresh each epoch (not persistent), so they see the epoch the augmentation draws from
    dataloader_num_workers: int = _opt(2, "data-loading worker processes per device (media decoding overlaps "
                                          "the step; 0 decodes in the training process)")
    train_sampling_strategy: str = _opt(
        "group_by_length", "order of the training examples: group_by_length (batches of similar token counts, "
                           "media tokens included: less padding), random, sequential",
        choices=["random", "sequential", "group_by_length", "batch_rebalance"])
    save_total_limit: int | None = _opt(3, "keep at most N checkpoints (oldest deleted)")
    logging_steps: float = _opt(10, "log loss and learning rate every N steps")
    logging_first_step: bool = _opt(True, "log the first step too")
    report_to: list[str] = _opt(["none"], "where logs go: none, tensorboard, wandb, ... (repeatable)", **_REPEAT)
    disable_tqdm: bool = _opt(False, "no progress bar")
    remove_unused_columns: bool = _opt(False, "the recipes' collators need every field of an example: keep off")
    # both recipes train tensors that some batches give no gradient (EmoVIT: the last Q-Former layer's text
    # branch, always; EmoLLM: an MVP view that does not apply to the batch's media), which DDP must be told
    ddp_find_unused_parameters: bool | None = _opt(True, "let DDP skip trained tensors a batch gives no gradient")
    deepspeed: str | None = _opt(None, "a DeepSpeed JSON config, or zero2 / zero3 for the shipped ones; or launch "
                                       "with an accelerate config that names one")

    def __post_init__(self) -> None:
        """Resolve our settings into transformers' own, then let ``TrainingArguments`` check everything."""
        if self.precision not in PRECISIONS:
            raise ValueError(f"--precision must be one of {', '.join(PRECISIONS)}")
        precision = resolve_precision(self.precision)
        if not (self.bf16 or self.fp16):
            self.bf16, self.fp16 = precision == "bf16", precision == "fp16"
        if self.lr_scheduler_type == "cosine_with_min_lr" and not self.lr_scheduler_kwargs:
            self.lr_scheduler_kwargs = {"min_lr": self.min_lr}
        if self.activation_checkpointing is None:
            self.activation_checkpointing = bool(self.gradient_checkpointing)
        if self.activation_checkpointing and self.activation_checkpointing_kwargs is None:
            self.activation_checkpointing_kwargs = {"use_reentrant": False}
        if self.data_seed is None:
            self.data_seed = self.seed
        if isinstance(self.warmup_steps, float) and self.warmup_steps >= 1:
            self.warmup_steps = int(self.warmup_steps)
        reports = [self.report_to] if isinstance(self.report_to, str) else list(self.report_to or [])
        self.report_to = [r for r in reports if r and r != "none"] or "none"
        self.deepspeed = resolve_deepspeed(self.deepspeed)
        super().__post_init__()

    @property
    def mixed_precision_name(self) -> str:
        """``bf16``, ``fp16`` or ``fp32``: what the run computes in."""
        return "bf16" if self.bf16 else "fp16" if self.fp16 else "fp32"


@dataclass
class EmoVITTrainingArguments(RecipeTrainingArguments):
    """EmoVIT's published schedule (``FT.yaml``)."""

    num_train_epochs: float = _opt(4.0, "epochs (EmoVIT: 4)", aliases=["--epochs"])
    learning_rate: float = _opt(1e-5, "peak learning rate (EmoVIT: 1e-5)", aliases=["--lr"])
    min_lr: float = _opt(1e-8, "final learning rate of the cosine schedule (EmoVIT: 1e-8)")
    warmup_steps: float = _opt(30000, "linear warm-up steps (EmoVIT: 30,000)")
    weight_decay: float = _opt(0.005, "AdamW weight decay (EmoVIT: 0.005; none on biases and norms)")
    max_grad_norm: float = _opt(0.0, "gradient clipping norm (EmoVIT/LAVIS: none = 0)")
    per_device_train_batch_size: int = _opt(1, "examples per device per step (EmoVIT: 1)", aliases=["--batch-size"])


@dataclass
class EmoLLMTrainingArguments(RecipeTrainingArguments):
    """LLaVA-1.5's LoRA fine-tuning schedule, with the MVP's own learning rate."""

    num_train_epochs: float = _opt(1.0, "epochs (LLaVA-1.5 instruction tuning: 1)", aliases=["--epochs"])
    learning_rate: float = _opt(2e-4, "peak learning rate of the LoRA weights (LLaVA-1.5 LoRA: 2e-4)",
                                aliases=["--lr"])
    mvp_learning_rate: float = _opt(2e-5, "learning rate of the MVP projector (LLaVA-1.5 LoRA: 2e-5)")
    warmup_steps: float = _opt(0.03, "warm-up: a share of all steps when below 1, else steps (LLaVA-1.5: 3 %)")
    lr_scheduler_type: str = _opt("cosine", "transformers scheduler name (LLaVA-1.5: cosine)")
    weight_decay: float = _opt(0.0, "AdamW weight decay (LLaVA-1.5: 0)")
    per_device_train_batch_size: int = _opt(16, "examples per device per step (LLaVA-1.5 LoRA: 16 x 8 GPUs)",
                                            aliases=["--batch-size"])
    gradient_checkpointing: bool = _opt(True, "recompute activations in the backward pass (LLaVA-1.5: on)")


RECIPES: dict[str, tuple[type[RecipeArguments], type[RecipeTrainingArguments]]] = {
    "emovit": (EmoVITRecipeArguments, EmoVITTrainingArguments),
    "emollm": (EmoLLMRecipeArguments, EmoLLMTrainingArguments),
}


# --- parsing ----------------------------------------------------------------------------------------

_SWITCHES = ("verify_media", "resume", "overwrite", "gradient_checkpointing", "full_determinism", "disable_tqdm")
"""Switches that default to off, which also take ``--no-X`` (as ``lmms-emotion train`` always accepted)."""


def recipe_parser(recipe: str, **parser_kwargs: Any) -> HfArgumentParser:
    """The ``HfArgumentParser`` of a recipe (its two dataclasses) plus ``--config``."""
    parser = HfArgumentParser(RECIPES[recipe], **parser_kwargs)
    parser.add_argument("--config", default=None, help="YAML or JSON file of option values (field names as keys); "
                                                       "explicit options win")
    # HfArgumentParser adds --no-X only for options that default to True; the earlier CLI had it for every switch
    for name in _SWITCHES:
        flags = [f"--no-{name.replace('_', '-')}", f"--no_{name}"]
        if not any(flag in parser._option_string_actions for flag in flags):
            parser.add_argument(*flags, dest=name, action="store_false", help=argparse.SUPPRESS)
    return parser


def _config_file_values(parser: HfArgumentParser, path: str) -> dict[str, Any]:
    """A ``--config`` file's values, checked against the parser's options.

    HfArgumentParser's ``parse_yaml_file`` / ``parse_json_file`` build the dataclasses from
    the file alone and have no "file, then explicit options" order; we read the mapping
    (``yaml.safe_load`` reads JSON too), reject unknown keys as those loaders do, and give
    the values to argparse as defaults, so explicit options win.
    """
    import yaml

    file = Path(os.path.expanduser(path))
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"--config {path}: cannot read it ({exc})") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of option names to values")
    data = {str(k).replace("-", "_"): v for k, v in data.items()}
    known = {f.name for dtype in parser.dataclass_types for f in dataclasses.fields(dtype) if f.init}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"{path}: unknown option(s) {', '.join(unknown)} (keys are option names, e.g. "
                         "learning_rate)")
    return data


def parse_recipe_arguments(recipe: str, argv: Sequence[str], parser: HfArgumentParser | None = None
                           ) -> tuple[RecipeArguments, RecipeTrainingArguments]:
    """``(recipe arguments, training arguments)`` from a command line (``--config`` first, explicit options win)."""
    parser = parser or recipe_parser(recipe)
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--config", default=None)
    known, _ = pre.parse_known_args(list(argv))
    if known.config:
        parser.set_defaults(**_config_file_values(parser, known.config))
    recipe_args, training_args, _extra = parser.parse_args_into_dataclasses(list(argv), look_for_args_file=False)
    validate(recipe_args, training_args)
    return recipe_args, training_args


def recipe_arguments(recipe: str, **values: Any) -> tuple[RecipeArguments, RecipeTrainingArguments]:
    """``(recipe arguments, training arguments)`` from keyword values (``HfArgumentParser.parse_dict``)."""
    recipe_args, training_args = HfArgumentParser(RECIPES[recipe]).parse_dict(values)
    validate(recipe_args, training_args)
    return recipe_args, training_args


def validate(recipe: RecipeArguments, args: RecipeTrainingArguments) -> None:
    """Raise ``ValueError`` naming the option at fault."""
    if not args.output_dir:
        raise ValueError("--output-dir is required")
    if not recipe.base:
        raise ValueError("--base is required (a hub id or a local model folder)")
    if not recipe.data and not recipe.dataset:
        raise ValueError("no training data: pass --data FILE and/or --dataset NAME[:SPLIT]")
    if recipe.resume and recipe.overwrite:
        raise ValueError("--resume and --overwrite contradict each other; choose one")
    for owner, name in ((args, "per_device_train_batch_size"), (args, "gradient_accumulation_steps"),
                        (args, "save_steps"), (args, "logging_steps"), (recipe, "num_frames")):
        if getattr(owner, name) < 1:
            raise ValueError(f"--{name.replace('_', '-')} must be >= 1")
    if isinstance(recipe, EmoVITRecipeArguments) and (recipe.max_txt_len < 2 or recipe.max_output_txt_len < 1):
        raise ValueError("--max-txt-len must be >= 2 and --max-output-txt-len >= 1")


def arguments_dict(recipe: RecipeArguments, args: RecipeTrainingArguments) -> dict[str, Any]:
    """Both dataclasses as one flat mapping (what ``training_config.json`` stores)."""
    return {**args.to_dict(), **dataclasses.asdict(recipe), "recipe": recipe.recipe}


def dump_arguments(recipe: RecipeArguments, args: RecipeTrainingArguments) -> str:
    """The arguments as stable JSON."""
    return json.dumps(arguments_dict(recipe, args), indent=2, sort_keys=True, default=str) + "\n"
