"""Write a small folder in EmotionROI's published layout (``images/<class>/``, official split lists)."""

from __future__ import annotations

from pathlib import Path

from lmms_emotion.scoring.labels import EKMAN6
from lmms_emotion.testing.media_files import write_image


def write_emotionroi(raw: str | Path, *, per_class: dict[str, int] | None = None, seed: int = 0,
                     image_size: tuple[int, int] = (32, 24)) -> dict[str, dict[str, int]]:
    """Write images and ``training_testing_split/{training,testing}.txt``; returns ``{split: {class: count}}``."""
    per_class = per_class or {"train": 3, "test": 2}
    raw = Path(raw)
    lists = {"train": [], "test": []}
    counter = 0
    for emotion in EKMAN6.labels:
        for split in ("train", "test"):
            for _ in range(per_class.get(split, 0)):
                counter += 1
                rel = f"{emotion}/{counter}.jpg"
                write_image(raw / "images" / rel, seed=seed * 100003 + 13 * counter, size=image_size)
                lists[split].append(rel)
    split_dir = raw / "training_testing_split"
    split_dir.mkdir(parents=True, exist_ok=True)
    for split, name in (("train", "training.txt"), ("test", "testing.txt")):
        (split_dir / name).write_text("".join(line + "\n" for line in lists[split]), encoding="utf-8")
    (raw / "ground_truth").mkdir(exist_ok=True)
    return {split: {emotion: per_class.get(split, 0) for emotion in EKMAN6.labels} for split in ("train", "test")}


def write_sample(out: Path) -> dict[str, dict[str, int]]:
    """The ``lmms-emotion sample-data emotionroi`` folder."""
    return write_emotionroi(out)
