"""Write a small folder in MMSD2.0's layout (``text_json_final/{train,valid,test}.json`` + ``dataset_image/``).

Each split file is a JSON array of ``{"image_id": <18-digit tweet id>, "text": ..., "label":
0 | 1}`` with the release's lower-cased, placeholder-laden tweet text (``<user>``, ``#
hashtag``, ``<num>``).
"""

from __future__ import annotations

import json
from pathlib import Path

from lmms_emotion.testing.media_files import write_image

FILES = {"train": "train.json", "val": "valid.json", "test": "test.json"}


def write_mmsd2(raw: str | Path, *, per_class: dict[str, int] | None = None, seed: int = 0,
                image_size: tuple[int, int] = (32, 24)) -> dict[str, dict[str, int]]:
    """Write ``per_class[split]`` sarcastic and sincere tweets per split; returns ``{split: {yes/no: n}}``."""
    raw = Path(raw)
    per_class = per_class or {"train": 3, "val": 1, "test": 2}
    image_id = 840006160660983809
    (raw / "text_json_final").mkdir(parents=True, exist_ok=True)
    for split, n in per_class.items():
        items = []
        for label in (1, 0):
            for k in range(n):
                image_id += 1_000_003
                text = (f"<user> thanks for showing up for our appointment today . # great {k}" if label
                        else f"the sunset over the bay tonight , <num> photos {k}")
                write_image(raw / "dataset_image" / f"{image_id}.jpg", seed=seed * 100003 + image_id % 100000,
                            size=image_size)
                items.append({"image_id": image_id, "text": text, "label": label})
        (raw / "text_json_final" / FILES[split]).write_text(json.dumps(items), encoding="utf-8")
    return {split: {"yes": n, "no": n} for split, n in per_class.items()}


def write_sample(out: Path) -> dict[str, dict[str, int]]:
    """The ``lmms-emotion sample-data mmsd2`` folder (official splits: train, val = valid, test)."""
    return write_mmsd2(out)
