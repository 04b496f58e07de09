"""Write a small folder in MELD's published layout (``*_sent_emo.csv`` + ``<split>/<clips folder>/dia<D>_utt<U>.mp4``).

CSV files are written as the release writes them: comma-separated with the header ``Sr
No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,StartTime,
EndTime``, timestamps quoted (they hold commas), CRLF line ends in the train file, curly
apostrophes and an utterance with a comma in quotes.
"""

from __future__ import annotations

import csv
from pathlib import Path

from lmms_emotion.scoring.labels import MELD7
from lmms_emotion.testing.media_files import write_video

HEADER = ("Sr No.", "Utterance", "Speaker", "Emotion", "Sentiment", "Dialogue_ID", "Utterance_ID", "Season",
          "Episode", "StartTime", "EndTime")
# our split -> (CSV name, release split folder, clips folder)
LAYOUT = {
    "train": ("train_sent_emo.csv", "train", "train_splits"),
    "val": ("dev_sent_emo.csv", "dev", "dev_splits_complete"),
    "test": ("test_sent_emo.csv", "test", "output_repeated_splits_test"),
}
SENTIMENT = {"anger": "negative", "disgust": "negative", "fear": "negative", "sadness": "negative",
             "joy": "positive", "surprise": "positive", "neutral": "neutral"}
SPEAKERS = ("Chandler", "The Interviewer", "Monica", "Joey")
PER_DIALOGUE = 3


def clip_path(raw: Path, split: str, dialogue: int, utterance: int, *, nested: bool = True) -> Path:
    """Where the clip of one utterance lies in the generated folder."""
    _csv, folder, clips = LAYOUT[split]
    base = raw / folder if nested else raw
    return base / clips / f"dia{dialogue}_utt{utterance}.mp4"


def write_meld(raw: str | Path, *, per_class: dict[str, int] | None = None, seed: int = 0, nested: bool = True,
               video_size: tuple[int, int] = (32, 24)) -> dict[str, dict[str, int]]:
    """Write ``per_class[split]`` utterances per emotion for each split; returns ``{split: {emotion: n}}``.

    Utterances are grouped ``PER_DIALOGUE`` to a dialogue, as in MELD. ``nested`` puts the
    clip folders inside ``train/``, ``dev/``, ``test/`` (the unpacked archives); otherwise
    directly in ``raw``.
    """
    raw = Path(raw)
    per_class = per_class or {"train": 2, "val": 1, "test": 1}
    expected: dict[str, dict[str, int]] = {}
    counter = 0
    for split, n in per_class.items():
        csv_name, _folder, _clips = LAYOUT[split]
        rows = []
        position = 0
        for emotion in MELD7.labels:
            for k in range(n):
                dialogue, utterance = divmod(position, PER_DIALOGUE)
                position += 1
                counter += 1
                text = (f"Oh, that’s so {emotion}, isn't it? Number {k}" if k % 2 == 0
                        else f"I said \"{emotion}\", okay. Take {k}")
                start = f"00:{counter % 60:02d}:16,059"
                rows.append([str(counter), text, SPEAKERS[counter % len(SPEAKERS)], emotion, SENTIMENT[emotion],
                             str(dialogue), str(utterance), str(1 + counter % 9), str(1 + counter % 24), start,
                             f"00:{counter % 60:02d}:19,731"])
                write_video(clip_path(raw, split, dialogue, utterance, nested=nested), num_frames=8,
                            size=video_size, seed=seed * 100003 + counter)
        path = raw / csv_name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n" if split == "train" else "\n")
            writer.writerow(HEADER)
            writer.writerows(rows)
        expected[split] = {emotion: n for emotion in MELD7.labels}
    return expected


def write_sample(out: Path) -> dict[str, dict[str, int]]:
    """The ``lmms-emotion sample-data meld`` folder (official splits: train, val = dev, test)."""
    return write_meld(out)
