"""``lmms-emotion`` subcommands, one module each.

Every module here defines ``register(subparsers)``, which adds its parser and sets
``handler(args) -> int``. Modules must stay import-light (import heavy libraries inside
the handler) so ``lmms-emotion --help`` is instant. :func:`command_modules` finds them,
so adding a command never means editing a central list.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def command_modules() -> list[ModuleType]:
    """Every subcommand module, in name order."""
    return [importlib.import_module(f"{__name__}.{info.name}")
            for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
            if not info.name.startswith("_")]
