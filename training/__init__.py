"""Training recipes, installed as ``lmms_emotion.training``: EmoVIT (Q-Former tuning) and EmoLLM (MVP + LoRA).

Both run on transformers' ``Trainer`` with accelerate for devices (DDP, FSDP and DeepSpeed
by configuration) and write a folder the ``emovit`` / ``emollm`` lmms-eval wrappers load
with ``pretrained=<folder>``. Entry point: ``lmms-emotion train emovit|emollm``; see
docs/training.md.

Modules (import what you use; this package itself imports nothing heavy):

* :mod:`~lmms_emotion.training.args` - recipe arguments: ``HfArgumentParser`` over recipe dataclasses and a
  ``TrainingArguments`` subclass per recipe
* :mod:`~lmms_emotion.training.data` - records / conversations files -> checked training examples
* :mod:`~lmms_emotion.training.dataset` - a torch ``Dataset`` decoding media, reproducible augmentation
* :mod:`~lmms_emotion.training.collators` - per-family batches with answer-only labels
* :mod:`~lmms_emotion.training.trainer_run` - output folder, resume, ``Trainer``, final folder, evaluation
* :mod:`~lmms_emotion.training.emovit_recipe`, :mod:`~lmms_emotion.training.emollm_recipe` - the recipes
* ``configs/`` - accelerate configs (single GPU, DDP, FSDP, DeepSpeed ZeRO-2/3) and DeepSpeed JSON
"""

from __future__ import annotations

from pathlib import Path


def configs_dir() -> Path:
    """The folder of the shipped accelerate / DeepSpeed configs."""
    return Path(__file__).resolve().parent / "configs"
