"""What every recipe shares: data gathering, the output folder, transformers' ``Trainer``, resume, evaluation.

A recipe (:mod:`~lmms_emotion.training.emovit_recipe`, :mod:`~lmms_emotion.training.emollm_recipe`)
builds a :class:`RecipeParts` (model with its trainable set, processor, dataset, collator,
and how to write the final folder); :func:`run` does the rest:

1. the output folder: ``--resume`` picks the newest ``checkpoint-*`` in it; without it a
   folder that already holds checkpoints is refused (``--overwrite`` deletes them), so a
   run is never silently restarted over another one's work;
2. ``transformers.Trainer`` with the recipe's ``TrainingArguments`` subclass (checkpoints every
   ``save_steps``, ``save_total_limit``, ``report_to``, mixed precision, gradient
   checkpointing, seeds); devices, DDP, FSDP and DeepSpeed come from accelerate (launch
   with ``accelerate launch --config_file training/configs/<name>.yaml``); a resumed run whose
   checkpoint already reached the asked number of steps is left as it is (nothing to do);
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

from transformers import Trainer
from transformers.trainer_pt_utils import LengthGroupedSampler

from lmms_emotion.jsonl import atomic_write_text
from lmms_emotion.training.args import RecipeArguments, RecipeTrainingArguments, dump_arguments
from lmms_emotion.training.callbacks import DatasetEpochCallback, StepsRunCallback
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


def gather_examples(config: RecipeArguments) -> tuple[list[TrainingExample], list[dict[str, Any]]]:
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
SUMMARY_FILE = "training_summary.json"


def is_complete(checkpoint: Path) -> bool:
    """Whether a checkpoint was written to the end (``Trainer`` writes ``trainer_state.json`` last)."""
    return (checkpoint / TRAINER_STATE).is_file()


def checkpoints(output_dir: Path) -> list[Path]:
    """``checkpoint-<step>`` folders, oldest first."""
    found = [p for p in output_dir.glob("checkpoint-*") if p.is_dir() and p.name.split("-", 1)[1].isdigit()]
    return sorted(found, key=lambda p: int(p.name.split("-", 1)[1]))


def resume_checkpoint(recipe: RecipeArguments, args: RecipeTrainingArguments, *, check_only: bool = False
                      ) -> str | None:
    """The checkpoint to resume from (``--resume``), after checking the folder can be used as asked.

    Without ``--resume`` a folder holding checkpoints is refused unless ``--overwrite``,
    which deletes them (not with ``check_only``, which only raises on a conflict).
    """
    output_dir = Path(args.output_dir).expanduser()
    existing = checkpoints(output_dir) if output_dir.is_dir() else []
    if recipe.resume:
        if not existing:
            if not check_only:
                log(f"--resume: no checkpoint in {output_dir} yet; starting from the beginning")
            return None
        _check_same_arguments(recipe, args, output_dir)
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
        if not recipe.overwrite:
            raise TrainingSetupError(
                f"{output_dir} already holds {', '.join(p.name for p in existing)}: pass --resume to continue that "
                "run, --overwrite to delete its checkpoints and start over, or choose another --output-dir")
        if not check_only and is_main_process():
            for path in existing:
                shutil.rmtree(path)
            log(f"--overwrite: deleted {len(existing)} checkpoint(s) in {output_dir}")
    return None


def finished_run(recipe: RecipeArguments, args: RecipeTrainingArguments) -> dict[str, Any] | None:
    """With ``--resume``: the summary of a run in ``--output-dir`` that already reached the asked length, else None.

    A finished run's folder holds ``training_summary.json`` (written last). It is finished for
    this call when its step count reaches ``--max-steps`` (when given), or else when its epoch
    reaches ``--num-train-epochs``; a larger ``--max-steps`` (or more epochs) continues it from
    its last checkpoint.
    """
    output_dir = Path(args.output_dir).expanduser()
    summary_file = output_dir / SUMMARY_FILE
    if not recipe.resume or not summary_file.is_file():
        return None
    _check_same_arguments(recipe, args, output_dir)
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    state_file = output_dir / TRAINER_STATE
    state = json.loads(state_file.read_text(encoding="utf-8")) if state_file.is_file() else {}
    step = int(summary.get("global_step") or 0)
    if args.max_steps > 0:
        done = step >= args.max_steps
    else:
        done = float(state.get("epoch") or 0.0) >= float(args.num_train_epochs) - 1e-9
    return summary if done else None


_RESUME_NEUTRAL = {"output_dir", "resume", "overwrite", "eval_tasks", "eval_model_args", "eval_batch_size", "eval_limit",
                   "disable_tqdm", "report_to", "run_name", "dataloader_num_workers", "dataloader_persistent_workers",
                   "verify_media", "save_total_limit", "max_steps", "num_train_epochs", "local_rank", "logging_dir",
                   "dataloader_prefetch_factor", "deepspeed", "ddp_backend"}
"""Settings a resumed run may change: they do not change what the steps already taken mean."""


def _check_same_arguments(recipe: RecipeArguments, args: RecipeTrainingArguments, output_dir: Path) -> None:
    """Refuse to resume with settings that change what is being trained (keys the stored file lacks pass)."""
    stored_file = output_dir / CONFIG_FILE
    if not stored_file.is_file():
        return
    stored = json.loads(stored_file.read_text(encoding="utf-8"))
    current = json.loads(dump_arguments(recipe, args))
    changed = sorted(k for k in current if k in stored and k not in _RESUME_NEUTRAL and stored[k] != current[k])
    if changed:
        details = "; ".join(f"{k}: {stored.get(k)!r} -> {current[k]!r}" for k in changed)
        raise TrainingSetupError(f"--resume with different settings than the run in {output_dir} ({details}). "
                                 "Use the original settings, or another --output-dir for a new run.")


# --- Trainer -----------------------------------------------------------------------------------


_DTYPES = {"float32": "float32", "bfloat16": "bfloat16", "float16": "float16"}


def frozen_dtype_for(precision: str, choice: str):
    """The torch dtype frozen weights are held in: ``choice`` (``--frozen-dtype``) under ``precision`` (bf16/fp16/fp32).

    ``auto`` follows the mixed-precision dtype; a half dtype needs mixed precision.
    """
    import torch

    if choice == "auto":
        return {"bf16": torch.bfloat16, "fp16": torch.float16}.get(precision, torch.float32)
    dtype = getattr(torch, _DTYPES[choice])
    if dtype != torch.float32 and precision == "fp32":
        raise TrainingSetupError(f"--frozen-dtype {choice} needs mixed precision (--precision bf16 or fp16)")
    return dtype


def frozen_dtype(args: RecipeTrainingArguments):
    """The torch dtype frozen weights are held in during training (``--frozen-dtype``)."""
    return frozen_dtype_for(args.mixed_precision_name, args.frozen_dtype)


def cast_frozen(model: Any, dtype: Any) -> None:
    """Hold the frozen parameters in ``dtype``; trained ones stay float32 (the AMP master weights)."""
    import torch

    if dtype == torch.float32:
        return
    for param in model.parameters():
        if not param.requires_grad:
            param.data = param.data.to(dtype)


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
    callbacks: list[Any] = field(default_factory=list)


@dataclass
class TrainingOutcome:
    """What a finished (or already finished) run produced."""

    output_dir: Path
    global_step: int
    resumed_from: str | None
    train_metrics: dict[str, Any]
    final_info: dict[str, Any]
    eval_results: dict[str, Any] | None
    trainer: Any = None
    nothing_to_do: bool = False


class RecipeTrainer(Trainer):
    """``Trainer`` whose ``group_by_length`` sampler gets the dataset's token estimates.

    transformers' sampler measures lengths by loading every item (decoding all media)
    unless the dataset is a ``datasets.Dataset`` with a length column; our dataset
    estimates each example's tokens, media tokens included, without decoding
    (:meth:`~lmms_emotion.training.dataset.ExampleDataset.token_lengths`).
    """

    def _get_train_sampler(self, train_dataset=None):
        dataset = self.train_dataset if train_dataset is None else train_dataset
        if self.args.train_sampling_strategy == "group_by_length" and hasattr(dataset, "token_lengths"):
            seed = self.args.data_seed if self.args.data_seed is not None else self.args.seed
            return EpochLengthGroupedSampler(self.args.train_batch_size * self.args.gradient_accumulation_steps,
                                             dataset, seed)
        return super()._get_train_sampler(train_dataset)


class EpochLengthGroupedSampler(LengthGroupedSampler):
    """transformers' length grouping, its shuffle seeded by ``(seed, the dataset's epoch)``.

    The stock sampler draws from one generator across epochs, so a run resumed in a later
    epoch would see another order than an uninterrupted one; seeding per epoch (the
    dataset's epoch, set by :class:`~lmms_emotion.training.callbacks.DatasetEpochCallback`
    before each epoch's iteration) makes the order a function of the epoch alone.
    """

    def __init__(self, batch_size: int, dataset: Any, seed: int) -> None:
        import torch

        super().__init__(batch_size, lengths=dataset.token_lengths(), generator=torch.Generator())
        self.dataset = dataset
        self.seed = int(seed)

    def __iter__(self):
        from lmms_emotion.training.dataset import hash_seed

        self.generator.manual_seed(hash_seed(self.seed, getattr(self.dataset, "epoch", 0)))
        return super().__iter__()


def build_trainer(args: RecipeTrainingArguments, parts: RecipeParts, **argument_overrides: Any):
    """The ``Trainer`` (or the recipe's subclass) for the arguments and parts (overrides: ``dataclasses.replace``)."""
    import dataclasses

    if argument_overrides:
        args = dataclasses.replace(args, **argument_overrides)
    trainer_class = parts.trainer_class or RecipeTrainer
    return trainer_class(
        model=parts.model,
        args=args,
        train_dataset=parts.dataset,
        data_collator=parts.collator,
        processing_class=parts.processor,
        callbacks=[DatasetEpochCallback(parts.dataset), StepsRunCallback(), *parts.callbacks],
    )


def run(recipe: RecipeArguments, args: RecipeTrainingArguments, parts: RecipeParts, *,
        resume_from: str | None = None) -> TrainingOutcome:
    """Train, write the final folder, and evaluate it when asked. ``resume_from``: see :func:`resume_checkpoint`."""
    output_dir = Path(args.output_dir).expanduser()
    trainer = build_trainer(args, parts)
    if trainer.is_world_process_zero():
        output_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(output_dir / CONFIG_FILE, dump_arguments(recipe, args))
    result = trainer.train(resume_from_checkpoint=resume_from)
    # the recipe gathers the trained weights (a collective under FSDP/DeepSpeed) on every rank
    final_info = parts.write_final(trainer, output_dir)
    eval_results = None
    if trainer.is_world_process_zero():
        trainer.save_state()
        steps = trainer.callback_handler.pop_callback(StepsRunCallback)
        summary = {"recipe": recipe.recipe, "global_step": trainer.state.global_step, "resumed_from": resume_from,
                   "started_at_step": steps.started_at_step, "steps_run": steps.steps_run,
                   "train_metrics": result.metrics, "trainable": parts.trainable_summary, "data": parts.data_summary,
                   "final": final_info, "versions": library_versions()}
        atomic_write_text(output_dir / SUMMARY_FILE, json.dumps(summary, indent=2, sort_keys=True, default=str) + "\n")
        log(f"final model written to {output_dir} (step {trainer.state.global_step}); evaluate it with: "
            f"lmms-emotion eval --model {parts.eval_model} --model_args pretrained={output_dir} --tasks <tasks>")
        if recipe.eval_task_list():
            eval_results = evaluate(recipe, parts.eval_model, output_dir)
    trainer.accelerator.wait_for_everyone()
    return TrainingOutcome(output_dir, trainer.state.global_step, resume_from, dict(result.metrics), final_info,
                           eval_results, trainer)


def train_recipe(recipe: RecipeArguments, args: RecipeTrainingArguments,
                 build: Callable[[RecipeArguments, RecipeTrainingArguments], RecipeParts]) -> TrainingOutcome:
    """A recipe end to end: check the folder, stop if the run is already finished, build, resume, train."""
    done = finished_run(recipe, args)
    output_dir = Path(args.output_dir).expanduser()
    if done is not None:
        log(f"nothing to do: the run in {output_dir} already finished at step {done.get('global_step')} "
            f"(raise --max-steps or --num-train-epochs to continue it); its files are left as they are")
        return TrainingOutcome(output_dir, int(done.get("global_step") or 0), None, dict(done.get("train_metrics") or {}),
                               dict(done.get("final") or {}), None, nothing_to_do=True)
    resume_checkpoint(recipe, args, check_only=True)  # refuse a conflicting folder before loading anything
    parts = build(recipe, args)
    resume_from = resume_checkpoint(recipe, args)
    return run(recipe, args, parts, resume_from=resume_from)


# --- closing the loop ---------------------------------------------------------------------------


def eval_command(recipe: RecipeArguments, model: str, model_dir: Path) -> list[str]:
    """The ``lmms-emotion eval`` command line that evaluates the final folder on ``--eval-tasks``."""
    model_args = f"pretrained={model_dir}"
    if recipe.eval_model_args:
        model_args += "," + recipe.eval_model_args
    command = [sys.executable, "-m", "lmms_emotion.cli", "eval", "--model", model, "--model_args", model_args,
               "--tasks", ",".join(recipe.eval_task_list()), "--batch_size", str(recipe.eval_batch_size),
               "--output_path", str(model_dir / EVAL_DIR), "--log_samples"]
    if recipe.eval_limit:
        command += ["--limit", str(recipe.eval_limit)]
    if recipe.data_root:
        command += ["--data-root", str(Path(recipe.data_root).expanduser())]
    return command


def shown_command(command: list[str]) -> str:
    """A ``python -m lmms_emotion.cli ...`` command as the ``lmms-emotion ...`` line a user can paste."""
    import shlex

    return shlex.join(["lmms-emotion", *command[3:]])


def evaluate(recipe: RecipeArguments, model: str, model_dir: Path) -> dict[str, Any]:
    """Run the evaluation in a fresh single process; returns the results JSON (raises if it failed)."""
    command = eval_command(recipe, model, model_dir)
    env = {k: v for k, v in os.environ.items() if k not in _DISTRIBUTED_ENV and not k.startswith(
        ("ACCELERATE_", "TORCHELASTIC_", "FSDP_"))}
    log("evaluating: " + shown_command(command))
    proc = subprocess.run(command, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"the evaluation on {', '.join(recipe.eval_task_list())} failed (exit {proc.returncode}); "
                           f"the trained model is in {model_dir}; rerun: {shown_command(command)}")
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
