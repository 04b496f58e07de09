"""One module per public dataset: its raw release layout -> records + media root.

Every builder module here exposes ``NAME`` (the ``build-data`` name), ``DESCRIPTION``,
``OBTAIN`` (where to get the raw release) and ``build(options: BuildOptions) ->
BuildResult``. Builders are found by scanning this package (the shared machinery named
in ``_NOT_BUILDERS`` and ``_private`` modules excluded), so adding a dataset means adding
one module; each is imported only when listed or built.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

_NOT_BUILDERS = {"builder_api", "dataset_writer", "media_checks", "raw_files", "release_labels", "seeded_splits",
                 "split_leakage", "verify_cache"}


def available_sources() -> list[str]:
    """Names of every dataset ``build-data`` can build."""
    return sorted(info.name for info in pkgutil.iter_modules(__path__)
                  if not info.name.startswith("_") and info.name not in _NOT_BUILDERS)


def get_source(name: str) -> ModuleType:
    """Import the builder module of one dataset."""
    if name not in available_sources():
        raise KeyError(f"unknown dataset {name!r}; buildable: {', '.join(available_sources())}")
    return importlib.import_module(f"{__name__}.{name}")
