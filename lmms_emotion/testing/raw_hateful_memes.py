"""Write a small folder in the Hateful Memes release layout (``img/*.png`` + ``*.jsonl`` split files).

Lines are written as the release writes them: compact JSON with the key order ``id, img,
label, text`` and an escaped slash in ``img`` (``"img\\/01235.png"``); ids below 10000 are
zero-padded in the image name only. An unlabelled phase-1 ``test.jsonl`` is included too.
"""

from __future__ import annotations

import json
from pathlib import Path

from lmms_emotion.testing.media_files import write_image

LABELLED = ("train", "dev_seen", "test_seen")


def _line(meme_id: int, label: int | None, text: str) -> str:
    item: dict = {"id": meme_id, "img": f"img/{meme_id:05d}.png"}
    if label is not None:
        item["label"] = label
    item["text"] = text
    return json.dumps(item, separators=(",", ":"), ensure_ascii=False).replace("/", "\\/")


def write_hateful_memes(raw: str | Path, *, per_class: dict[str, int] | None = None, unlabelled: int = 2,
                        seed: int = 0, image_size: tuple[int, int] = (32, 24)) -> dict[str, dict[str, int]]:
    """Write ``per_class[split]`` hateful and benign memes per labelled split; returns ``{split: {yes/no: n}}``."""
    raw = Path(raw)
    per_class = per_class or {"train": 3, "dev_seen": 1, "test_seen": 2}
    meme_id = 1000
    for split, n in per_class.items():
        lines = []
        for label in (1, 0):
            for k in range(n):
                meme_id += 13
                text = f"when they say \"{k}\", you know it's {'them again' if label else 'lunch time'}"
                write_image(raw / "img" / f"{meme_id:05d}.png", seed=seed * 100003 + meme_id, size=image_size)
                lines.append(_line(meme_id, label, text))
        (raw / f"{split}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    test_lines = []
    for k in range(unlabelled):
        meme_id += 13
        write_image(raw / "img" / f"{meme_id:05d}.png", seed=seed * 100003 + meme_id, size=image_size)
        test_lines.append(_line(meme_id, None, f"unlabelled meme {k}"))
    (raw / "test.jsonl").write_text("\n".join(test_lines) + "\n", encoding="utf-8")
    (raw / "LICENSE.txt").write_text("generated sample\n", encoding="utf-8")
    return {split: {"yes": n, "no": n} for split, n in per_class.items()}


def write_sample(out: Path) -> dict[str, dict[str, int]]:
    """The ``lmms-emotion sample-data hateful_memes`` folder (official split files)."""
    return write_hateful_memes(out)
