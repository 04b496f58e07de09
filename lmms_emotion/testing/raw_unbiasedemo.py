"""Write a small folder in UnbiasedEmo's published layout (``images/<emotion>/<object>/*.jpg``)."""

from __future__ import annotations

from pathlib import Path

from lmms_emotion.scoring.labels import UNBIASEDEMO6
from lmms_emotion.testing.media_files import write_image

OBJECTS = ("baby", "dog", "couple")


def write_unbiasedemo(raw: str | Path, *, per_object: int = 3, objects: tuple[str, ...] = OBJECTS, seed: int = 0,
                      image_size: tuple[int, int] = (32, 24)) -> dict[str, dict[str, int]]:
    """Write ``per_object`` images for every (emotion, object); returns ``{"all": {emotion: count}}``."""
    images = Path(raw) / "images"
    counter = 0
    for emotion in UNBIASEDEMO6.labels:
        for obj in objects:
            for n in range(1, per_object + 1):
                counter += 1
                write_image(images / emotion / obj / f"{obj}_{emotion}_{n}.jpg", seed=seed * 100003 + 11 * counter,
                            size=image_size)
    return {"all": {emotion: per_object * len(objects) for emotion in UNBIASEDEMO6.labels}}


def write_sample(out: Path) -> dict[str, dict[str, int]]:
    """The ``lmms-emotion sample-data unbiasedemo`` folder."""
    return write_unbiasedemo(out)
