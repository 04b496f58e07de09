"""Find the generated-sample writers: one ``raw_<dataset>`` module per dataset.

Each ``lmms_emotion/testing/raw_<dataset>.py`` exposes ``write_sample(out: Path) ->
{split: {label: count}}``, writing a small folder in that dataset's published raw
layout (the same writers the tests use). ``lmms-emotion sample-data`` lists them.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import lmms_emotion.testing as _testing


def available_writers() -> list[str]:
    """Datasets with a generated-sample writer."""
    return sorted(info.name[len("raw_"):] for info in pkgutil.iter_modules(_testing.__path__)
                  if info.name.startswith("raw_") and info.name != "raw_layouts")


def learnable_writers() -> list[str]:
    """Datasets whose sample can be written with a learnable signal (``write_learnable_sample``)."""
    return [name for name in available_writers()
            if hasattr(importlib.import_module(f"lmms_emotion.testing.raw_{name}"), "write_learnable_sample")]


def write_sample(dataset: str, out: str | Path, *, learnable: bool = False) -> dict[str, dict[str, int]]:
    """Write the generated sample of ``dataset`` to ``out``; returns expected counts per split and label.

    ``learnable``: write the variant whose labels can be learned from the media (for
    training demos), which only the writers listed by :func:`learnable_writers` have.
    """
    if dataset not in available_writers():
        raise KeyError(f"no sample writer for {dataset!r}; available: {', '.join(available_writers())}")
    module = importlib.import_module(f"lmms_emotion.testing.raw_{dataset}")
    if learnable:
        if not hasattr(module, "write_learnable_sample"):
            raise KeyError(f"no learnable sample for {dataset!r}; --learnable works for: "
                           f"{', '.join(learnable_writers())}")
        return module.write_learnable_sample(Path(out))
    return module.write_sample(Path(out))
