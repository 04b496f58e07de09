"""Write a small folder in FI's published layout (``emotion_dataset/<emotion>/*.jpg``, generated images).

Used by the tests of ``lmms-emotion build-data fi`` and by ``lmms-emotion sample-data fi``.
"""

from __future__ import annotations

from pathlib import Path

from lmms_emotion.scoring.labels import MIKELS8
from lmms_emotion.testing.media_files import write_image


def write_fi(raw: str | Path, *, per_class: int = 6, seed: int = 0,
             image_size: tuple[int, int] = (32, 24)) -> dict[str, dict[str, int]]:
    """Write ``per_class`` images per Mikels emotion; returns ``{"all": {emotion: count}}``.

    FI has no official split (the builder defines one), hence the single ``all`` entry.
    A ``Thumbs.db`` and a ``README.txt`` stand in for the clutter real archives carry.
    """
    root = Path(raw) / "emotion_dataset"
    counter = 0
    for emotion in MIKELS8.labels:
        for n in range(1, per_class + 1):
            counter += 1
            write_image(root / emotion / f"{emotion}_{n:05d}.jpg", seed=seed * 100003 + counter, size=image_size)
    (root / "amusement" / "Thumbs.db").write_bytes(b"\x00" * 16)
    (root / "README.txt").write_text("FI emotion dataset (generated sample)\n", encoding="utf-8")
    return {"all": {emotion: per_class for emotion in MIKELS8.labels}}


def write_sample(out: Path) -> dict[str, dict[str, int]]:
    """The ``lmms-emotion sample-data fi`` folder."""
    return write_fi(out)
