"""Write a small folder in MUStARD's published layout (``sarcasm_data.json`` + ``mmsd_raw_data/utterances_final/``).

``sarcasm_data.json`` is one object keyed by id (``"1_60"``), each with ``utterance``,
``speaker``, ``context``, ``context_speakers``, ``show`` and a boolean ``sarcasm``, written
with 4-space indentation as in the repository. Every other utterance also gets a context
clip ``context_final/<id>_c.mp4``.
"""

from __future__ import annotations

import json
from pathlib import Path

from lmms_emotion.testing.media_files import write_video

SHOWS = ("BBT", "FRIENDS", "GOLDENGIRLS", "SARCASMOHOLICS")
SPEAKERS = ("SHELDON", "PENNY", "CHANDLER", "DOROTHY")


def write_mustard(raw: str | Path, *, per_class: int = 5, seed: int = 0,
                  video_size: tuple[int, int] = (32, 24)) -> dict[str, dict[str, int]]:
    """Write ``per_class`` sarcastic and non-sarcastic utterances; returns ``{"all": {...}, "friends": {...}}``.

    Shows cycle through :data:`SHOWS`, so ``friends`` counts what the speaker-independent
    split puts in test.
    """
    raw = Path(raw)
    clips = raw / "mmsd_raw_data"
    data = {}
    friends = {"yes": 0, "no": 0}
    counter = 0
    for sarcastic in (True, False):
        for k in range(per_class):
            counter += 1
            key = f"{1 + counter % 2}_{10 * counter}"
            show = SHOWS[counter % len(SHOWS)]
            speaker = SPEAKERS[counter % len(SPEAKERS)]
            data[key] = {
                "utterance": (f"Oh, it's just a privilege to watch your mind at work, number {k}." if sarcastic
                              else f"I think the bus leaves at {k} o'clock."),
                "speaker": speaker,
                "context": ["Where are we going?", f"To the \"meeting\", {k}."],
                "context_speakers": ["LEONARD", speaker],
                "show": show,
                "sarcasm": sarcastic,
            }
            if show == "FRIENDS":
                friends["yes" if sarcastic else "no"] += 1
            write_video(clips / "utterances_final" / f"{key}.mp4", num_frames=8, size=video_size,
                        seed=seed * 100003 + counter)
            if counter % 2:
                write_video(clips / "context_final" / f"{key}_c.mp4", num_frames=8, size=video_size,
                            seed=seed * 100003 + 50000 + counter)
    (raw / "sarcasm_data.json").write_text(json.dumps(data, indent=4, ensure_ascii=False) + "\n", encoding="utf-8")
    return {"all": {"yes": per_class, "no": per_class}, "friends": friends}


def write_sample(out: Path) -> dict[str, dict[str, int]]:
    """The ``lmms-emotion sample-data mustard`` folder (no official split: the builder makes one)."""
    return {"all": write_mustard(out)["all"]}
