"""What every recipe shares: data gathering, the output folder, transformers' ``Trainer``, resume, evaluation.

A recipe (:mod:`~lmms_emotion.training.emovit_recipe`, :mod:`~lmms_emotion.training.emollm_recipe`)
builds a :class:`RecipeParts` (model with its trainable set, processor, dataset, collator,
and how to write the final folder); :func:`run` does the rest:

1. the output folder: ``--resume`` picks the newest ``checkpoint-*`` in it; without it a
   folder that already holds checkpoints is refused (``--overwrite`` deletes them), so a
   run is never silently restarted over another one's work;
2. ``transformers.Trainer`` with ``TrainingArguments`` from the config (checkpoints every
   ``save_steps``, ``save_total_limit``, ``report_to``, mixed precision, gradient
   checkpointing, seeds); devices, DDP, FSDP and DeepSpeed come from accelerate (launch
   with ``accelerate launch --config_file training/configs/<name>.yaml``);
3. the final folder, written by the recipe on the main process, in the layout the
   ``lmms-eval`` wrapper loads with ``pretrained=<output-dir>``, plus
   ``training_config.json`` and ``trainer_state.json``;
4. with ``--eval-tasks``, ``lmms-emotion eval`` on the final folder (a fresh process, one
   device), results under ``<output-dir>/eval``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lmms_emotion.training.args import TrainConfig, dump_config
from lmms_emotion.training.data import TrainingExample, load_examples

CONFIG_FILE = "training_config.json"
EVAL_DIR = "eval"

# launcher variables a child evaluation must not inherit (it runs as one plain process)
_DISTRIBUTED_ENV = ("RANK", "LOCAL_RANK", "WORLD_SIZE", "LOCAL_WORLD_SIZE", "GROUP_RANK", "ROLE_RANK",
                    "ROLE_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "NODE_RANK")


class TrainingSetupError(ValueError):
    """A run that cannot start as asked; the message says what to change."""


def is_main_process() -> bool:
    """Rank 0 of a launch (or a plain process)."""
    return int(os.environ.get("RANK", "0")) == 0


def log(message: str) -> None:
    """Print on the main process only."""
    if is_main_process():
        print(f"[lmms-emotion train] {message}", file=sys.stderr, flush=True)


# --- data --------------------------------------------------------------------------------------


def gather_examples(config: TrainConfig) -> tuple[list[TrainingExample], list[dict[str, Any]]]:
    """Every example of ``--data`` files and ``--dataset`` splits, checked; plus a description of each source."""
    from lmms_emotion import paths

    examples: list[TrainingExample] = []
    sources: list[dict[str, Any]] = []
    for spec in config.dataset:
        name, _, split = spec.partition(":")
        split = split or "train"
        records = paths.records_path(name, split, config.data_root)
        if not records.is_file():
            raise TrainingSetupError(f"--dataset {spec}: {records} does not exist; build it first "
                                     f"(lmms-emotion build-data {name} ...)")
        found = load_examples([records], paths.media_root(name, config.data_root), verify_media=config.verify_media)
        examples.extend(found)
        sources.append({"dataset": name, "split": split, "examples": len(found)})
    for file in config.data:
        found = load_examples([file], config.media_root, verify_media=config.verify_media)
        examples.extend(found)
        sources.append({"file": Path(file).name, "examples": len(found)})
    ids: dict[str, str] = {}
    for example in examples:
        if example.id in ids:
            raise TrainingSetupError(f"example id {example.id!r} appears twice ({ids[example.id]} and "
                                     f"{example.origin}); each record may be given once")
        ids[example.id] = example.origin
    return examples, sources


# --- output folder and resume ------------------------------------------------------------------


TRAINER_STATE = "trainer_state.json"


def is_complete(checkpoint: Path) -> bool:
    """Whether a checkpoint was written to the end (``Trainer`` writes ``trainer_state.json`` last)."""
    return (checkpoint / TRAINER_STATE).is_file()


def checkpoints(output_dir: Path) -> list[Path]:
    """``checkpoint-<step>`` folders, oldest first."""
    found = [p for p in output_dir.glob("checkpoint-*") if p.is_dir() and p.name.split("-", 1)[1].isdigit()]
    return sorted(found, key=lambda p: int(p.name.split("-", 1)[1]))


def resume_checkpoint(config: TrainConfig, *, check_only: bool = False) -> str | None:
    """The checkpoint to resume from (``--resume``), after checking the folder can be used as asked.

    Without ``--resume`` a folder holding checkpoints is refused unless ``--overwrite``,
    which deletes them (not with ``check_only``, which only raises on a conflict).
    """
    output_dir = Path(config.output_dir).expanduser()
    existing = checkpoints(output_dir) if output_dir.is_dir() else []
    if config.resume:
        if not existing:
            if not check_only:
                log(f"--resume: no checkpoint in {output_dir} yet; starting from the beginning")
            return None
        _check_same_config(config, output_dir)
        complete = [p for p in existing if is_complete(p)]
        if not complete:
            raise TrainingSetupError(f"--resume: no complete checkpoint in {output_dir} ("
                                     f"{', '.join(p.name for p in existing)} lack {TRAINER_STATE}: the run was stopped "
                                     "while writing them); use --overwrite to start over")
        if not check_only:
            skipped = [p.name for p in existing[existing.index(complete[-1]) + 1:]]
            if skipped:
                log(f"skipping incomplete {', '.join(skipped)} (stopped while being written)")
            log(f"resuming from {complete[-1].name}")
        return str(complete[-1])
    if existing:
        if not config.overwrite:
            raise TrainingSetupError(
                f"{output_dir} already holds {', '.join(p.name for p in existing)}: pass --resume to continue that "
                "run, --overwrite to delete its checkpoints and start over, or choose another --output-dir")
        if not check_only and is_main_process():
            for path in existing:
                shutil.rmtree(path)
            log(f"--overwrite: deleted {len(existing)} checkpoint(s) in {output_dir}")
    return None


_RESUME_NEUTRAL = {"output_dir", "resume", "overwrite", "eval_tasks", "eval_model_args", "eval_batch_size", "eval_limit",
                   "disable_tqdm", "report_to", "run_name", "dataloader_num_workers", "verify_media", "save_total_limit"}


def _check_same_config(config: TrainConfig, output_dir: Path) -> None:
    """Refuse to resume with settings that change what is being trained."""
    stored_file = output_dir / CONFIG_FILE
    if not stored_file.is_file():
        return
    stored = json.loads(stored_file.read_text(encoding="utf-8"))
    current = json.loads(dump_config(config))
    changed = sorted(k for k in current if k not in _RESUME_NEUTRAL and stored.get(k) != current[k])
    if changed:
        details = "; ".join(f"{k}: {stored.get(k)!r} -> {current[k]!r}" for k in changed)
        raise TrainingSetupError(f"--resume with different settings than the run in {output_dir} ({details}). "
                                 "Use the original settings, or another --output-dir for a new run.")


# --- Trainer -----------------------------------------------------------------------------------


def resolve_precision(precision: str) -> str:
    """``auto`` -> ``bf16`` on a GPU that supports it, ``fp16`` on other GPUs, ``fp32`` without a GPU."""
    if precision != "auto":
        return precision
    import torch

    if torch.cuda.is_available():
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return "fp32"


def frozen_dtype(config: TrainConfig):
    """The torch dtype frozen weights are held in during training (``--frozen-dtype``)."""
    import torch

    precision = resolve_precision(config.precision)
    if config.frozen_dtype == "auto":
        return {"bf16": torch.bfloat16, "fp16": torch.float16}.get(precision, torch.float32)
    dtype = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[config.frozen_dtype]
    if dtype != torch.float32 and precision == "fp32":
        raise TrainingSetupError(f"--frozen-dtype {config.frozen_dtype} needs mixed precision "
                                 "(--precision bf16 or fp16)")
    return dtype


def cast_frozen(model: Any, dtype: Any) -> None:
    """Hold the frozen parameters in ``dtype``; trained ones stay float32 (the AMP master weights)."""
    import torch

    if dtype == torch.float32:
        return
    for param in model.parameters():
        if not param.requires_grad:
            param.data = param.data.to(dtype)


def resolve_deepspeed(value: str | None) -> str | None:
    """``zero2`` / ``zero3`` -> the shipped DeepSpeed JSON; a path as is; checks deepspeed is installed."""
    if not value:
        return None
    from importlib.util import find_spec

    from lmms_emotion.training import configs_dir

    path = configs_dir() / f"{value}.json" if value in ("zero2", "zero3") else Path(value).expanduser()
    if not path.is_file():
        raise TrainingSetupError(f"--deepspeed {value}: no such file (use zero2, zero3 or a DeepSpeed JSON path)")
    if find_spec("deepspeed") is None:
        raise TrainingSetupError("--deepspeed needs the deepspeed package: pip install deepspeed")
    return str(path)


def training_arguments(config: TrainConfig, **overrides: Any):
    """``transformers.TrainingArguments`` for a config."""
    from transformers import TrainingArguments

    precision = resolve_precision(config.precision)
    warmup = config.warmup_steps
    kwargs: dict[str, Any] = {
        "output_dir": str(Path(config.output_dir).expanduser()),
        "per_device_train_batch_size": config.per_device_train_batch_size,
        "gradient_accumulation_steps": config.gradient_accumulation_steps,
        "num_train_epochs": config.num_train_epochs,
        "max_steps": config.max_steps,
        "learning_rate": config.learning_rate,
        "lr_scheduler_type": config.lr_scheduler_type,
        "warmup_steps": int(warmup) if warmup >= 1 else float(warmup),
        "weight_decay": config.weight_decay,
        "adam_beta1": config.adam_beta1,
        "adam_beta2": config.adam_beta2,
        "max_grad_norm": config.max_grad_norm,
        "bf16": precision == "bf16",
        "fp16": precision == "fp16",
        "activation_checkpointing": config.gradient_checkpointing,
        "activation_checkpointing_kwargs": {"use_reentrant": False} if config.gradient_checkpointing else None,
        # some trained tensors get no gradient on some batches (the last Q-Former layer's text branch; an MVP
        # view that does not apply to the batch's media), which DDP must be told about
        "ddp_find_unused_parameters": True,
        "save_strategy": "steps",
        "save_steps": config.save_steps,
        "save_total_limit": config.save_total_limit,
        "logging_steps": config.logging_steps,
        "logging_first_step": True,
        "report_to": [r for r in config.report_to if r] or ["none"],
        "run_name": config.run_name,
        "seed": config.seed,
        "data_seed": config.seed,
        "full_determinism": config.full_determinism,
        "dataloader_num_workers": config.dataloader_num_workers,
        "remove_unused_columns": False,  # the collators need every field of an item
        "disable_tqdm": config.disable_tqdm,
        "deepspeed": resolve_deepspeed(config.deepspeed),
    }
    if config.lr_scheduler_type == "cosine_with_min_lr":
        kwargs["lr_scheduler_kwargs"] = {"min_lr": config.min_lr}
    kwargs.update(overrides)
    return TrainingArguments(**kwargs)


@dataclass
class RecipeParts:
    """What a recipe hands to :func:`run`."""

    model: Any
    processor: Any
    dataset: Any
    collator: Callable[[list[dict[str, Any]]], dict[str, Any]]
    write_final: Callable[[Any, Path], dict[str, Any]]
    """``write_final(trainer, output_dir) -> info``: the wrapper-loadable folder, on the main process."""
    eval_model: str
    trainable_summary: dict[str, Any] = field(default_factory=dict)
    data_summary: dict[str, Any] = field(default_factory=dict)
    trainer_class: Any = None
    trainer_kwargs: dict[str, Any] = field(default_factory=dict)
    callbacks: list[Any] = field(default_factory=list)


@dataclass
class RunResult:
    """What a finished run produced."""

    output_dir: Path
    global_step: int
    resumed_from: str | None
    train_metrics: dict[str, Any]
    final_info: dict[str, Any]
    eval_results: dict[str, Any] | None
    trainer: Any = None


def build_trainer(config: TrainConfig, parts: RecipeParts, **argument_overrides: Any):
    """The ``Trainer`` (or the recipe's subclass) for a config and its parts."""
    from transformers import Trainer

    from lmms_emotion.training.callbacks import DatasetEpochCallback

    trainer_class = parts.trainer_class or Trainer
    return trainer_class(
        model=parts.model,
        args=training_arguments(config, **argument_overrides),
        train_dataset=parts.dataset,
        data_collator=parts.collator,
        processing_class=parts.processor,
        callbacks=[DatasetEpochCallback(parts.dataset), *parts.callbacks],
        **parts.trainer_kwargs,
    )


def run(config: TrainConfig, parts: RecipeParts, *, resume_from: str | None = None) -> RunResult:
    """Train, write the final folder, and evaluate it when asked. ``resume_from``: see :func:`resume_checkpoint`."""
    output_dir = Path(config.output_dir).expanduser()
    trainer = build_trainer(config, parts)
    if trainer.is_world_process_zero():
        output_dir.mkdir(parents=True, exist_ok=True)
        _write_text(output_dir / CONFIG_FILE, dump_config(config))
    result = trainer.train(resume_from_checkpoint=resume_from)
    final_info: dict[str, Any] = {}
    # the recipe gathers the trained weights (a collective under FSDP/DeepSpeed) on every rank
    final_info = parts.write_final(trainer, output_dir)
    eval_results = None
    if trainer.is_world_process_zero():
        trainer.save_state()
        summary = {"recipe": config.recipe, "global_step": trainer.state.global_step, "resumed_from": resume_from,
                   "train_metrics": result.metrics, "trainable": parts.trainable_summary, "data": parts.data_summary,
                   "final": final_info, "versions": library_versions()}
        _write_text(output_dir / "training_summary.json", json.dumps(summary, indent=2, sort_keys=True, default=str)
                    + "\n")
        log(f"final model written to {output_dir} (step {trainer.state.global_step}); evaluate it with: "
            f"lmms-emotion eval --model {parts.eval_model} --model_args pretrained={output_dir} --tasks <tasks>")
        if config.eval_task_list():
            eval_results = evaluate(config, parts.eval_model, output_dir)
    trainer.accelerator.wait_for_everyone()
    return RunResult(output_dir, trainer.state.global_step, resume_from, dict(result.metrics), final_info,
                     eval_results, trainer)


# --- closing the loop ---------------------------------------------------------------------------


def eval_command(config: TrainConfig, model: str, model_dir: Path) -> list[str]:
    """The ``lmms-emotion eval`` command line that evaluates the final folder on ``--eval-tasks``."""
    model_args = f"pretrained={model_dir}"
    if config.eval_model_args:
        model_args += "," + config.eval_model_args
    command = [sys.executable, "-m", "lmms_emotion.cli", "eval", "--model", model, "--model_args", model_args,
               "--tasks", ",".join(config.eval_task_list()), "--batch_size", str(config.eval_batch_size),
               "--output_path", str(model_dir / EVAL_DIR), "--log_samples"]
    if config.eval_limit:
        command += ["--limit", str(config.eval_limit)]
    if config.data_root:
        command += ["--data-root", str(Path(config.data_root).expanduser())]
    return command


def evaluate(config: TrainConfig, model: str, model_dir: Path) -> dict[str, Any]:
    """Run the evaluation in a fresh single process; returns the results JSON (raises if it failed)."""
    command = eval_command(config, model, model_dir)
    env = {k: v for k, v in os.environ.items() if k not in _DISTRIBUTED_ENV and not k.startswith(
        ("ACCELERATE_", "TORCHELASTIC_", "FSDP_"))}
    log("evaluating: " + " ".join(command[2:]))
    proc = subprocess.run(command, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"the evaluation on {', '.join(config.eval_task_list())} failed (exit {proc.returncode}); "
                           f"the trained model is in {model_dir}; rerun: {' '.join(command[2:])}")
    files = sorted((model_dir / EVAL_DIR).rglob("*_results.json"), key=lambda p: p.stat().st_mtime)
    if not files:
        raise RuntimeError(f"the evaluation wrote no results under {model_dir / EVAL_DIR}")
    results = json.loads(files[-1].read_text(encoding="utf-8"))
    for task, metrics in sorted(results.get("results", {}).items()):
        shown = ", ".join(f"{k.split(',')[0]}={v:.4f}" for k, v in sorted(metrics.items())
                          if isinstance(v, (int, float)) and not isinstance(v, bool) and "stderr" not in k)
        log(f"eval {task}: {shown}")
    return results


# --- helpers ------------------------------------------------------------------------------------


def library_versions() -> dict[str, str]:
    """Versions of the libraries a run depends on."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("lmms-emotion", "torch", "transformers", "accelerate", "peft", "deepspeed"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


def _write_text(path: Path, text: str) -> None:
    from lmms_emotion.records import atomic_write_text

    atomic_write_text(path, text)


def trainable_summary(model: Any, groups: dict[str, Callable[[str], bool]]) -> dict[str, Any]:
    """Counts of trainable and frozen parameters (and tensors), the trainable ones per named group."""
    trainable = frozen = trainable_tensors = frozen_tensors = 0
    per_group = {name: 0 for name in groups}
    for name, param in model.named_parameters():
        if param.requires_grad:
            trainable += param.numel()
            trainable_tensors += 1
            for group, match in groups.items():
                if match(name):
                    per_group[group] += param.numel()
                    break
        else:
            frozen += param.numel()
            frozen_tensors += 1
    return {"trainable_parameters": trainable, "trainable_tensors": trainable_tensors, "frozen_parameters": frozen,
            "frozen_tensors": frozen_tensors, "trainable_per_group": per_group}


def describe_trainable(summary: dict[str, Any]) -> str:
    groups = ", ".join(f"{k} {v:,}" for k, v in summary["trainable_per_group"].items())
    total = summary["trainable_parameters"] + summary["frozen_parameters"]
    share = 100.0 * summary["trainable_parameters"] / total if total else 0.0
    return (f"trainable {summary['trainable_parameters']:,} parameters in {summary['trainable_tensors']} tensors "
            f"({share:.2f}% of {total:,}: {groups}); frozen {summary['frozen_parameters']:,} in "
            f"{summary['frozen_tensors']} tensors")
