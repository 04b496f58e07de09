"""Fixtures for tiny model checkpoints and generated media files.

Models are built once per session under ``session_tmp/tiny_models`` with
:mod:`lmms_emotion.testing.tiny_models` (a second or two each); media files are
written per test into ``tmp_path`` with :mod:`lmms_emotion.testing.media_files`.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from collections.abc import Callable

import pytest


@pytest.fixture(scope="session")
def tiny_models_root(session_tmp: Path) -> Path:
    root = session_tmp / "tiny_models"
    root.mkdir(parents=True, exist_ok=True)
    return root


@pytest.fixture(scope="session")
def tiny_tokenizer_dir(tiny_models_root: Path) -> Path:
    """A saved tiny Llama-style BPE tokenizer (``AutoTokenizer.from_pretrained(dir)``)."""
    from lmms_emotion.testing.tiny_models import train_tiny_tokenizer

    out = tiny_models_root / "tokenizer"
    train_tiny_tokenizer(out)
    return out


@pytest.fixture(scope="session")
def tiny_instructblip_dir(tiny_models_root: Path) -> Path:
    """A saved tiny InstructBLIP (model + processor), 4 query tokens, seed 0."""
    from lmms_emotion.testing.tiny_models import build_tiny_instructblip

    return build_tiny_instructblip(tiny_models_root / "instructblip", seed=0)


@pytest.fixture(scope="session")
def tiny_llava_dir(tiny_models_root: Path) -> Path:
    """A saved tiny LLaVA-1.5 (model + processor + chat template), seed 0."""
    from lmms_emotion.testing.tiny_models import build_tiny_llava

    return build_tiny_llava(tiny_models_root / "llava", seed=0)


@pytest.fixture(scope="session")
def tiny_video_llava_dir(tiny_models_root: Path) -> Path:
    """A saved tiny Video-LLaVA (model + image/video processors + chat template), 8 frames, seed 0."""
    from lmms_emotion.testing.tiny_models import build_tiny_video_llava

    return build_tiny_video_llava(tiny_models_root / "video_llava", seed=0, num_frames=8)


@pytest.fixture(scope="session")
def tiny_qwen2_5_vl_dir(tiny_models_root: Path) -> Path:
    """A saved tiny Qwen2.5-VL (model + image/video processors + ChatML template), seed 0."""
    from lmms_emotion.testing.tiny_models import build_tiny_qwen2_5_vl

    return build_tiny_qwen2_5_vl(tiny_models_root / "qwen2_5_vl", seed=0)


@pytest.fixture(scope="session")
def tiny_qwen3_vl_dir(tiny_models_root: Path) -> Path:
    """A saved tiny Qwen3-VL (model + image/video processors + ChatML template), seed 0."""
    from lmms_emotion.testing.tiny_models import build_tiny_qwen3_vl

    return build_tiny_qwen3_vl(tiny_models_root / "qwen3_vl", seed=0)


@pytest.fixture(scope="session")
def tiny_llava_onevision_dir(tiny_models_root: Path) -> Path:
    """A saved tiny LLaVA-OneVision (SigLIP + Qwen2, anyres processor, chat template), seed 0."""
    from lmms_emotion.testing.tiny_models import build_tiny_llava_onevision

    return build_tiny_llava_onevision(tiny_models_root / "llava_onevision", seed=0)


@pytest.fixture
def image_file_factory(tmp_path: Path) -> Callable[..., Path]:
    """``make(name="image.jpg", **write_image_kwargs) -> Path``; files land in ``tmp_path``.

    Without a name, files are numbered (``image_0.jpg``, ...); the seed defaults to that
    number so successive images differ.
    """
    from lmms_emotion.testing.media_files import write_image

    counter = itertools.count()

    def make(name: str | None = None, **kwargs) -> Path:
        index = next(counter)
        kwargs.setdefault("seed", index)
        return write_image(tmp_path / (name or f"image_{index}.jpg"), **kwargs)

    return make


@pytest.fixture
def video_file_factory(tmp_path: Path) -> Callable[..., Path]:
    """``make(name="video.mp4", **write_video_kwargs) -> Path``; H.264 MP4 files in ``tmp_path``."""
    from lmms_emotion.testing.media_files import write_video

    counter = itertools.count()

    def make(name: str | None = None, **kwargs) -> Path:
        index = next(counter)
        kwargs.setdefault("seed", index)
        return write_video(tmp_path / (name or f"video_{index}.mp4"), **kwargs)

    return make
