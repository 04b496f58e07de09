"""Write a small folder in Memotion 7k's layout (``labels.csv`` + ``images/``).

``labels.csv`` is written as the release (a pandas export) writes it: an unnamed index
column first, then ``image_name,text_ocr,text_corrected,humour,sarcasm,offensive,
motivational,overall_sentiment``; captions with commas, quotes and line breaks are quoted;
one row has an empty ``text_corrected``; some images are PNG.
"""

from __future__ import annotations

import csv
from pathlib import Path

from lmms_emotion.testing.media_files import write_image

HEADER = ("", "image_name", "text_ocr", "text_corrected", "humour", "sarcasm", "offensive", "motivational",
          "overall_sentiment")
LEVELS = ("not_funny", "funny", "very_funny", "hilarious")
FUNNY = {"not_funny": "no", "funny": "yes", "very_funny": "yes", "hilarious": "yes"}


def write_memotion(raw: str | Path, *, per_level: int = 5, seed: int = 0,
                   image_size: tuple[int, int] = (32, 24)) -> dict[str, dict[str, int]]:
    """Write ``per_level`` memes per humour level; returns ``{"all": {yes/no: n}, "levels": {level: n}}``."""
    raw = Path(raw)
    rows = []
    counter = 0
    for level in LEVELS:
        for k in range(per_level):
            counter += 1
            name = f"image_{counter}.{'png' if counter % 4 == 0 else 'jpg'}"
            write_image(raw / "images" / name, seed=seed * 100003 + counter, size=image_size)
            ocr = f"LOOK THERE MY FRIEND\nLIGHTYEAR NOW {k}" if k % 2 else f"when the meme is {level}, \"really\" {k}"
            corrected = "" if counter == 3 else ocr.lower().replace("\n", " ")
            rows.append([str(counter - 1), name, ocr, corrected, level, "general", "not_offensive",
                         "not_motivational", "positive"])
    raw.mkdir(parents=True, exist_ok=True)
    with (raw / "labels.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    yes = sum(per_level for level in LEVELS if FUNNY[level] == "yes")
    return {"all": {"yes": yes, "no": per_level}, "levels": {level: per_level for level in LEVELS}}


def write_sample(out: Path) -> dict[str, dict[str, int]]:
    """The ``lmms-emotion sample-data memotion`` folder (no official split: the builder makes one)."""
    return {"all": write_memotion(out)["all"]}
