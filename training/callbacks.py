"""Trainer callbacks the recipes add."""

from __future__ import annotations

import math
from typing import Any

from transformers import TrainerCallback


class DatasetEpochCallback(TrainerCallback):
    """Tell the dataset which epoch starts, so its augmentation draws fresh, reproducible crops.

    accelerate's data loader forwards ``set_epoch`` to the dataset only in some sampler
    layouts (not under a distributed batch sampler), so the recipes set it here for every
    layout. ``state.epoch`` is the whole number of the epoch at its start, and the
    fractional epoch of the checkpoint on a resume; its floor is the epoch being run.
    """

    def __init__(self, dataset: Any) -> None:
        self.dataset = dataset

    def on_epoch_begin(self, args, state, control, **kwargs):  # noqa: D401 - transformers' hook
        self.dataset.set_epoch(int(math.floor((state.epoch or 0.0) + 1e-9)))
        return control


class StepsRunCallback(TrainerCallback):
    """Count the optimizer steps this process runs, and the step it started at (a resumed run starts later).

    ``Trainer`` loads a checkpoint's state before ``on_train_begin``, so ``state.global_step``
    there is where this process starts; ``training_summary.json`` reports both.
    """

    def __init__(self) -> None:
        self.started_at_step: int | None = None
        self.steps_run = 0

    def on_train_begin(self, args, state, control, **kwargs):
        self.started_at_step = int(state.global_step)
        return control

    def on_step_end(self, args, state, control, **kwargs):
        self.steps_run += 1
        return control
