"""Test kit: build the tiny models and media files that tests and benchmarks share.

Like ``transformers.testing_utils``, this ships with the package so that the test suite,
benchmark scripts and users reproducing a bug build identical artifacts:

- :mod:`lmms_emotion.testing.media_files`: deterministic JPEG/PNG images and H.264 MP4
  videos, plus corrupt ones (truncated JPEG, MP4 without its index, non-image bytes).
- :mod:`lmms_emotion.testing.tiny_models`: tiny randomly initialised InstructBLIP,
  LLaVA-1.5 and Video-LLaVA checkpoints (and their tokenizers) written with
  ``save_pretrained``, loadable offline with ``from_pretrained(dir)``.

Importing this package is cheap: it imports neither torch nor transformers. The names
below are resolved from the submodules on first access.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "write_image": "media_files",
    "write_corrupt_image": "media_files",
    "write_not_an_image": "media_files",
    "write_video": "media_files",
    "write_corrupt_video": "media_files",
    "frame_stamp_level": "media_files",
    "train_tiny_tokenizer": "tiny_models",
    "train_tiny_qformer_tokenizer": "tiny_models",
    "build_tiny_instructblip": "tiny_models",
    "build_tiny_llava": "tiny_models",
    "build_tiny_video_llava": "tiny_models",
    "tiny_generation_config": "tiny_models",
    "count_parameters": "tiny_models",
}

__all__ = [
    "build_tiny_instructblip",
    "build_tiny_llava",
    "build_tiny_video_llava",
    "count_parameters",
    "frame_stamp_level",
    "tiny_generation_config",
    "train_tiny_qformer_tokenizer",
    "train_tiny_tokenizer",
    "write_corrupt_image",
    "write_corrupt_video",
    "write_image",
    "write_not_an_image",
    "write_video",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
