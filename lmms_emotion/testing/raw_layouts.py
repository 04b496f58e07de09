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


def write_sample(dataset: str, out: str | Path) -> dict[str, dict[str, int]]:
    """Write the generated sample of ``dataset`` to ``out``; returns expected counts per split and label."""
    if dataset not in available_writers():
        raise KeyError(f"no sample writer for {dataset!r}; available: {', '.join(available_writers())}")
    module = importlib.import_module(f"lmms_emotion.testing.raw_{dataset}")
    return module.write_sample(Path(out))
