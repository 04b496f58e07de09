"""Write a small folder in WEBEmo's release layout (``train25.txt``/``test25.txt`` URL lists + downloaded images).

URLs look like Adobe Stock thumbnails; the images are "downloaded" into ``images/``
under the two naming conventions the builder accepts: the URL's file name, and
``<class index>_<file name>`` inside a split sub-folder (as public download scripts do).
"""

from __future__ import annotations

from pathlib import Path

from lmms_emotion.sources.release_labels import WEBEMO_RELEASE_ORDER, get_dataset_table
from lmms_emotion.testing.media_files import write_image


def webemo_url(number: int) -> str:
    """A stock-photo-style image URL for item ``number``."""
    return f"https://t4.ftcdn.net/jpg/00/{number // 100:02d}/{number % 100:02d}/24/240_F_{1000000 + number}_Ab{number:04d}.jpg"


def write_webemo(raw: str | Path, *, per_class: dict[str, int] | None = None, seed: int = 0,
                 image_size: tuple[int, int] = (32, 24)) -> dict[str, dict[str, int]]:
    """Write the two lists and their images; returns ``{split: {25-level label: count}}``."""
    per_class = per_class or {"train": 1, "test": 1}
    raw = Path(raw)
    raw.mkdir(parents=True, exist_ok=True)
    table = get_dataset_table("webemo")
    expected: dict[str, dict[str, int]] = {}
    number = 0
    for split, list_name in (("train", "train25.txt"), ("test", "test25.txt")):
        lines = []
        expected[split] = {}
        for index in range(len(WEBEMO_RELEASE_ORDER)):
            label = table.label_for(str(index))
            expected[split][label] = per_class.get(split, 0)
            for _ in range(per_class.get(split, 0)):
                number += 1
                url = webemo_url(number)
                name = url.rsplit("/", 1)[1]
                target = raw / "images" / name if number % 2 else raw / "images" / split / f"{index}_{name}"
                write_image(target, seed=seed * 100003 + 23 * number, size=image_size)
                lines.append(f"{url} {index}")
        (raw / list_name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return expected


def write_sample(out: Path) -> dict[str, dict[str, int]]:
    """The ``lmms-emotion sample-data webemo`` folder."""
    return write_webemo(out)
