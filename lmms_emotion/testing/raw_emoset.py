"""Write a small folder in EmoSet-118K's published layout (generated images, real JSON files).

Used by the tests of ``lmms-emotion build-data emoset`` and by end-to-end evaluation
tests; the layout follows the official README (``image/<emotion>/``,
``annotation/<emotion>/``, ``train.json``/``val.json``/``test.json``, ``info.json``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Mapping

from lmms_emotion.scoring.labels import MIKELS8
from lmms_emotion.testing.media_files import write_image

DEFAULT_COUNTS = {"train": 3, "val": 1, "test": 2}
_SCENES = ("beach", "cemetery", "stadium", "forest", "kitchen", "street")
_OBJECTS = ("Person", "Dog", "Balloon", "Car", "Tree", "Candle")

LEARNABLE_COLOURS = {"amusement": "red", "awe": "lime", "contentment": "blue", "excitement": "yellow",
                     "anger": "cyan", "disgust": "magenta", "fear": "white", "sadness": "black"}
"""One dominant image colour per Mikels emotion: the learnable signal of the synthetic EmoSet."""


def emoset_info() -> dict:
    """The emotion part of EmoSet's ``info.json``."""
    labels = list(MIKELS8.labels)
    return {"emotion": {"label2idx": {label: i for i, label in enumerate(labels)},
                        "idx2label": {str(i): label for i, label in enumerate(labels)}}}


def write_emoset(raw: str | Path, *, per_class: Mapping[str, int] = DEFAULT_COUNTS, row_format: int = 4,
                 seed: int = 0, image_size: tuple[int, int] = (48, 40),
                 colors: Mapping[str, str] | None = None) -> dict[str, dict[str, int]]:
    """Write an EmoSet-style folder; returns the expected ``{split: {emotion: count}}``.

    ``row_format`` 4 writes the official ``[emotion, image_id, image_path, annotation_path]``
    rows, 3 the EmoVIT release's rows without ``image_id``. ``colors`` optionally maps an
    emotion to a dominant image colour (for learnable synthetic tasks).
    """
    if row_format not in (3, 4):
        raise ValueError("row_format must be 3 or 4")
    raw = Path(raw)
    (raw / "info.json").parent.mkdir(parents=True, exist_ok=True)
    (raw / "info.json").write_text(json.dumps(emoset_info(), indent=2), encoding="utf-8")
    expected: dict[str, dict[str, int]] = {}
    counter = 0
    for split, count in per_class.items():
        rows = []
        expected[split] = {}
        for emotion in MIKELS8.labels:
            expected[split][emotion] = count
            for _ in range(count):
                counter += 1
                image_id = f"{emotion}_{counter:05d}"
                image_rel = f"image/{emotion}/{image_id}.jpg"
                annotation_rel = f"annotation/{emotion}/{image_id}.json"
                color = (colors or {}).get(emotion)
                write_image(raw / image_rel, seed=seed * 100003 + counter, size=image_size, color=color)
                annotation = {
                    "emotion": emotion,
                    "image_id": image_id,
                    "brightness": round((counter % 11) / 10, 1),
                    "colorfulness": round(((counter * 3) % 11) / 10, 1),
                    "scene": _SCENES[counter % len(_SCENES)],
                    "object": [_OBJECTS[counter % len(_OBJECTS)]],
                }
                if counter % 3 == 0:
                    annotation["facial_expression"] = "happy" if counter % 2 else "sad"
                    annotation["human_action"] = "running"
                (raw / annotation_rel).parent.mkdir(parents=True, exist_ok=True)
                (raw / annotation_rel).write_text(json.dumps(annotation), encoding="utf-8")
                rows.append([emotion, image_id, image_rel, annotation_rel] if row_format == 4
                            else [emotion, image_rel, annotation_rel])
        (raw / f"{split}.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return expected


def write_sample(out: Path) -> dict[str, dict[str, int]]:
    """The ``lmms-emotion sample-data emoset`` folder: official rows, a few images per class and split."""
    return write_emoset(out, per_class=DEFAULT_COUNTS)


LEARNABLE_COUNTS = {"train": 8, "val": 1, "test": 4}
"""Images per emotion and split of the learnable sample: enough to learn from and to measure it."""


def write_learnable_sample(out: Path) -> dict[str, dict[str, int]]:
    """``sample-data emoset --learnable``: each emotion's images in its own colour
    (:data:`LEARNABLE_COLOURS`), so a model can learn the labels from the pixels."""
    return write_emoset(out, per_class=LEARNABLE_COUNTS, colors=LEARNABLE_COLOURS)
