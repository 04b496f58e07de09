"""One module per public dataset: its raw release layout -> records + media root.

Every module exposes ``NAME``, ``DESCRIPTION``, ``OBTAIN`` (where to get the raw
release) and ``build(options: BuildOptions) -> BuildResult``. Modules are imported only
when their dataset is built, so adding one costs nothing at import time.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# dataset name -> module path; the CLI's build-data choices come from here.
SOURCES: dict[str, str] = {
    "emoset": "lmms_emotion.sources.emoset",
}


def get_source(name: str) -> ModuleType:
    """Import the builder module of one dataset."""
    try:
        module_path = SOURCES[name]
    except KeyError:
        raise KeyError(f"unknown dataset {name!r}; buildable: {', '.join(sorted(SOURCES))}") from None
    return importlib.import_module(module_path)
