"""Shared pytest setup: an offline, isolated environment for every test.

Nothing here downloads: the hub is switched off, caches point into a per-session
temporary folder, and the tiny models and datasets the tests need are built on the
fly by the fixtures in ``tests/fixtures_*.py``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

# Set before anything imports huggingface_hub / datasets / transformers.
_SESSION_TMP = Path(tempfile.mkdtemp(prefix="lmms_emotion_tests_"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ["HF_HOME"] = str(_SESSION_TMP / "hf_home")
os.environ["HF_DATASETS_CACHE"] = str(_SESSION_TMP / "hf_datasets")
os.environ["LMMS_EMOTION_DATA"] = str(_SESSION_TMP / "data_root_unset")
os.environ["XDG_CACHE_HOME"] = str(_SESSION_TMP / "xdg_cache")  # the judge cache (lmms_emotion.judge_cache)
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("WANDB_MODE", "disabled")
# Under pytest-xdist each worker is one process per core: one intra-op thread each, or the
# workers' torch thread pools fight over the same cores (the suite then takes twice as long).
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")

import pytest  # noqa: E402

# Every tests/fixtures_*.py module is a fixture plugin; adding one needs no edit here.
pytest_plugins = sorted(f"tests.{p.stem}" for p in Path(__file__).parent.glob("fixtures_*.py"))


@pytest.fixture(scope="session")
def session_tmp() -> Path:
    """A folder shared by the whole test session (tiny models, generated datasets)."""
    return _SESSION_TMP


def pytest_collection_modifyitems(config, items) -> None:
    """Files with end-to-end tests first (whole files keep together, otherwise collection order).

    xdist hands whole files to its workers in this order (``--dist loadfile
    --no-loadscope-reorder`` in pytest.ini): the long end-to-end files start at once and the many short
    files fill in at the end, instead of one long file starting last on an otherwise idle run.
    """
    e2e_files = {item.path for item in items if item.get_closest_marker("e2e")}
    items.sort(key=lambda item: item.path not in e2e_files)
