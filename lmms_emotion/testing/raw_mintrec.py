"""Write a small folder in MIntRec's published layout (``{train,dev,test}.tsv`` + ``raw_data/S/E/clip.mp4``).

TSV files are tab-separated without quoting and with the header ``season episode clip
text label``; labels use the release's spellings (``Apologise``, ``Ask for help``), and
one utterance holds a bare double quote, as real transcripts do.
"""

from __future__ import annotations

from pathlib import Path

from lmms_emotion.scoring.labels import MINTREC20
from lmms_emotion.sources.release_labels import MINTREC_RELEASE_NAMES
from lmms_emotion.testing.media_files import write_video

TSV = {"train": "train.tsv", "val": "dev.tsv", "test": "test.tsv"}
RAW_LABELS = MINTREC_RELEASE_NAMES
CANONICAL = dict(zip(MINTREC_RELEASE_NAMES, MINTREC20.labels))


def write_mintrec(raw: str | Path, *, per_class: dict[str, int] | None = None, seed: int = 0,
                  clip_folder: str = "raw_data", video_size: tuple[int, int] = (32, 24)) -> dict[str, dict[str, int]]:
    """Write ``per_class[split]`` segments per intent for each split; returns ``{split: {intent: n}}``."""
    raw = Path(raw)
    per_class = per_class or {"train": 1, "val": 1, "test": 1}
    expected: dict[str, dict[str, int]] = {}
    counter = 0
    for split, n in per_class.items():
        lines = ["season\tepisode\tclip\ttext\tlabel"]
        for raw_label in RAW_LABELS:
            for k in range(n):
                counter += 1
                season, episode, clip = f"S0{4 + counter % 3}", f"E{1 + counter % 20:02d}", str(counter)
                text = f"i said \"{raw_label.lower()}\" and meant it {k}" if counter % 3 == 0 else \
                    f"well, {raw_label.lower()} then, number {k}."
                lines.append(f"{season}\t{episode}\t{clip}\t{text}\t{raw_label}")
                write_video(raw / clip_folder / season / episode / f"{clip}.mp4", num_frames=8, size=video_size,
                            seed=seed * 100003 + counter)
        (raw / TSV[split]).write_text("\n".join(lines) + "\n", encoding="utf-8")
        expected[split] = {CANONICAL[raw_label]: n for raw_label in RAW_LABELS}
    return expected


def write_sample(out: Path) -> dict[str, dict[str, int]]:
    """The ``lmms-emotion sample-data mintrec`` folder (official splits: train, val = dev, test)."""
    return write_mintrec(out)
