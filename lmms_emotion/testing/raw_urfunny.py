"""Write a small folder in UR-FUNNY V2's released layout: the pickles (or the JSON export) + ``urfunny2_videos/``.

``fmt="pickle"`` writes ``data_folds.pkl`` (``{"train": [ids], "dev": [...], "test":
[...]}``), ``humor_label_sdk.pkl`` (``{id: 1 | 0}``) and ``language_sdk.pkl`` (``{id:
{"punchline_sentence", "context_sentences", word-index lists, numpy word intervals}}``),
with integer ids as in the release. These are our own generated files; the builder still
reads them only with ``--option allow_pickle=true``. ``fmt="json"`` writes the public
JSON export ``urfunny_dataset_{train,val,test}.json`` instead.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np

from lmms_emotion.testing.media_files import write_video

FOLDS = {"train": "train", "val": "dev", "test": "test"}


def _segment(segment: int, humorous: bool, k: int) -> dict:
    punchline = (f"and that is why my cat runs the household now {k}" if humorous
                 else f"the data shows a steady increase over ten years {k}")
    context = [f"so i was thinking about talk number {segment}", "here is what happened next"]
    words = punchline.split()
    return {
        "punchline_sentence": punchline,
        "context_sentences": context,
        "punchline_embedding_indexes": list(range(len(words))),
        "context_embedding_indexes": [list(range(len(s.split()))) for s in context],
        "punchline_intervals": np.arange(2 * len(words), dtype=np.float64).reshape(len(words), 2) / 10.0,
        "context_intervals": [np.zeros((len(s.split()), 2)) for s in context],
    }


def write_urfunny(raw: str | Path, *, per_class: dict[str, int] | None = None, fmt: str = "pickle", seed: int = 0,
                  video_size: tuple[int, int] = (32, 24)) -> dict[str, dict[str, int]]:
    """Write ``per_class[split]`` humorous and non-humorous segments per split; returns ``{split: {yes/no: n}}``."""
    if fmt not in ("pickle", "json"):
        raise ValueError(f"fmt must be pickle or json, got {fmt!r}")
    raw = Path(raw)
    raw.mkdir(parents=True, exist_ok=True)
    per_class = per_class or {"train": 2, "val": 1, "test": 1}
    folds: dict[str, list[int]] = {}
    labels: dict[int, int] = {}
    language: dict[int, dict] = {}
    exports: dict[str, dict[str, dict]] = {}
    segment = 100
    for split, n in per_class.items():
        folds[FOLDS[split]] = []
        exports[split] = {}
        for humorous in (True, False):
            for k in range(n):
                segment += 7
                folds[FOLDS[split]].append(segment)
                labels[segment] = int(humorous)
                language[segment] = _segment(segment, humorous, k)
                exports[split][str(segment)] = {"context_sentences": language[segment]["context_sentences"],
                                                "punchline_sentence": language[segment]["punchline_sentence"],
                                                "label": int(humorous)}
                write_video(raw / "urfunny2_videos" / f"{segment}.mp4", num_frames=8, size=video_size,
                            seed=seed * 100003 + segment)
    if fmt == "pickle":
        for name, value in (("data_folds.pkl", folds), ("humor_label_sdk.pkl", labels),
                            ("language_sdk.pkl", language)):
            with (raw / name).open("wb") as handle:
                pickle.dump(value, handle, protocol=2)
    else:
        for split, entries in exports.items():
            (raw / f"urfunny_dataset_{split}.json").write_text(json.dumps(entries, indent=2), encoding="utf-8")
    return {split: {"yes": n, "no": n} for split, n in per_class.items()}


def write_sample(out: Path) -> dict[str, dict[str, int]]:
    """The ``lmms-emotion sample-data urfunny`` folder, as the JSON export (pickles need a flag to build)."""
    return write_urfunny(out, fmt="json")
