"""Fixtures for the training tests: a learnable synthetic EmoSet and InstructBLIP with EmoVIT's 32 queries.

The synthetic task: every Mikels emotion has its own dominant image colour
(:func:`lmms_emotion.testing.raw_emoset.write_emoset` ``colors=``), so the image content
determines the label; 8 training and 4 test images per emotion, built into a data root
with ``lmms-emotion build-data emoset`` (the real builder), which the ``emovit_emoset``
task then evaluates.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lmms_emotion.testing.raw_emoset import LEARNABLE_COLOURS as COLOURS  # one table, shared with sample-data --learnable


@pytest.fixture(scope="session")
def colour_emoset_root(session_tmp: Path) -> Path:
    """A data root holding the colour-coded EmoSet: train 64 images (8 per emotion), test 32 (4 per emotion)."""
    from lmms_emotion.cli import main
    from lmms_emotion.testing.raw_emoset import write_emoset

    raw = session_tmp / "raw" / "EmoSet-colours"
    write_emoset(raw, per_class={"train": 8, "test": 4}, colors=COLOURS)
    root = session_tmp / "data_colour_emoset"
    assert main(["build-data", "emoset", "--raw", str(raw), "--data-root", str(root)]) == 0
    return root


@pytest.fixture(scope="session")
def tiny_instructblip32_dir(tiny_models_root: Path) -> Path:
    """The tiny InstructBLIP with EmoVIT's 32 query tokens (the shared fixture has 4), the learnable seed."""
    from lmms_emotion.testing.tiny_models import LEARNABLE_TINY_SEED, build_tiny_instructblip

    return build_tiny_instructblip(tiny_models_root / "instructblip_q32", seed=LEARNABLE_TINY_SEED, num_query_tokens=32)


@pytest.fixture
def one_thread():
    """Run tiny models on one intra-op thread (faster for toy sizes, immune to a busy second core)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def train_env() -> dict[str, str]:
    """Environment for ``lmms-emotion train`` subprocesses."""
    return {"OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
