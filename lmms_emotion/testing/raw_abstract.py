"""Write a small folder in the Abstract dataset's published layout (``ABSTRACT_groundTruth.csv`` + images).

The vote table quotes file names (``'1.jpg'``) and names the columns Amusement, Anger,
Awe, Content, Disgust, Excitement, Fear, Sad, as the release does. Each emotion gets
``per_class`` images it wins outright; ``ties`` more images have a tied top count.
"""

from __future__ import annotations

from pathlib import Path

from lmms_emotion.scoring.labels import MIKELS8
from lmms_emotion.testing.media_files import write_image

COLUMNS = ("Amusement", "Anger", "Awe", "Content", "Disgust", "Excitement", "Fear", "Sad")
COLUMN_LABEL = {"Content": "contentment", "Sad": "sadness"}


def write_abstract(raw: str | Path, *, per_class: int = 5, ties: int = 2, seed: int = 0,
                   image_size: tuple[int, int] = (32, 24)) -> dict:
    """Write the folder; returns ``{"all": {label: count}, "ties": ties, "labels": {file name: label}}``."""
    raw = Path(raw)
    labels = [COLUMN_LABEL.get(c, c.lower()) for c in COLUMNS]
    rows = ["," + ",".join(f"'{c}'" for c in COLUMNS)]
    expected: dict[str, str] = {}
    number = 0
    for _ in range(per_class):
        for i, label in enumerate(labels):
            number += 1
            counts = [(number + j) % 3 for j in range(len(COLUMNS))]
            counts[i] = 9  # the clear winner
            rows.append(f"'{number}.jpg'," + ",".join(str(c) for c in counts))
            expected[f"{number}.jpg"] = label
            write_image(raw / f"{number}.jpg", seed=seed * 100003 + 19 * number, size=image_size)
    for t in range(ties):
        number += 1
        counts = [1] * len(COLUMNS)
        counts[t % len(COLUMNS)] = counts[(t + 3) % len(COLUMNS)] = 6
        rows.append(f"'{number}.jpg'," + ",".join(str(c) for c in counts))
        write_image(raw / f"{number}.jpg", seed=seed * 100003 + 19 * number, size=image_size)
    (raw / "ABSTRACT_groundTruth.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return {"all": {label: per_class for label in MIKELS8.labels}, "ties": ties, "labels": expected}


def write_sample(out: Path) -> dict[str, dict[str, int]]:
    """The ``lmms-emotion sample-data abstract`` folder."""
    return {"all": write_abstract(out)["all"]}
