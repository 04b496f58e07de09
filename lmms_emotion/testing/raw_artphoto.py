"""Write a small folder in ArtPhoto's published layout (``<emotion>_<n>.jpg``, generated images).

The label is the file-name prefix; sadness is written ``sad_`` as in the release.
"""

from __future__ import annotations

from pathlib import Path

from lmms_emotion.scoring.labels import MIKELS8
from lmms_emotion.testing.media_files import write_image

FILE_PREFIX = {"sadness": "sad"}
"""Labels whose ArtPhoto file-name prefix differs from the label."""


def write_artphoto(raw: str | Path, *, per_class: int = 5, seed: int = 0,
                   image_size: tuple[int, int] = (32, 24)) -> dict[str, dict[str, int]]:
    """Write ``per_class`` images per Mikels emotion in one flat folder; returns ``{"all": counts}``."""
    raw = Path(raw)
    counter = 0
    for emotion in MIKELS8.labels:
        for n in range(1, per_class + 1):
            counter += 1
            name = f"{FILE_PREFIX.get(emotion, emotion)}_{n}.jpg"
            write_image(raw / name, seed=seed * 100003 + 7 * counter, size=image_size)
    (raw / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    return {"all": {emotion: per_class for emotion in MIKELS8.labels}}


def write_sample(out: Path) -> dict[str, dict[str, int]]:
    """The ``lmms-emotion sample-data artphoto`` folder."""
    return write_artphoto(out)
