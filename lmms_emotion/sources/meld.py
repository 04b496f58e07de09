"""MELD (Poria et al., ACL 2019): Friends utterances with one of seven emotions -> video records.

Published layout (github.com/declare-lab/MELD README; ``MELD.Raw.tar.gz`` from
affective-meld.github.io)::

    <raw>/train_sent_emo.csv, dev_sent_emo.csv, test_sent_emo.csv
    <raw>/train/train_splits/dia<D>_utt<U>.mp4             (train.tar.gz)
    <raw>/dev/dev_splits_complete/dia<D>_utt<U>.mp4        (dev.tar.gz)
    <raw>/test/output_repeated_splits_test/dia<D>_utt<U>.mp4 (test.tar.gz)

Each CSV is comma-separated with a header ``Sr No., Utterance, Speaker, Emotion,
Sentiment, Dialogue_ID, Utterance_ID, Season, Episode, StartTime, EndTime``; quoted fields
may hold commas. Clip ``dia<D>_utt<U>.mp4`` is the utterance with ``Dialogue_ID`` D and
``Utterance_ID`` U of the same split. Accepted variants (seen in public loaders): the CSVs
inside the split folders (``<raw>/train/train_sent_emo.csv``) and the clip folders directly
under ``<raw>`` (``<raw>/train_splits/``).

Gold label: the ``Emotion`` column (anger, disgust, fear, joy, neutral, sadness, surprise).
``text`` is the utterance; speaker, sentiment, dialogue/utterance ids, season, episode and
timestamps go to ``meta``. Splits: the official ones, with ``dev`` named ``val``.
"""

from __future__ import annotations

from pathlib import Path

from lmms_emotion.records import Media, Record
from lmms_emotion.sources.builder_api import BuildError, BuildOptions, BuildResult, IssueLog
from lmms_emotion.sources.dataset_writer import link_media
from lmms_emotion.sources.media_checks import PendingItem, keep_readable
from lmms_emotion.sources.raw_files import find_first, read_table, relative_to_raw, require_dir
from lmms_emotion.sources.release_labels import get_dataset_table

NAME = "meld"
DESCRIPTION = "MELD: 7 emotions (Ekman's six + neutral) of Friends utterances, video clips; official splits."
OBTAIN = ("Download MELD.Raw.tar.gz (https://affective-meld.github.io, or "
          "http://web.eecs.umich.edu/~mihalcea/downloads/MELD.Raw.tar.gz), unpack it and the train/dev/test "
          "archives inside it, and pass the MELD.Raw folder (it holds *_sent_emo.csv).")
# (our split name, the release's split name, its CSV, the folders its clips unpack to)
SPLITS = (
    ("train", "train", "train_sent_emo.csv", ("train_splits",)),
    ("val", "dev", "dev_sent_emo.csv", ("dev_splits_complete",)),
    ("test", "test", "test_sent_emo.csv", ("output_repeated_splits_test",)),
)
REQUIRED = ("Utterance", "Emotion", "Dialogue_ID", "Utterance_ID")
META_COLUMNS = {"sr no.": "sr_no", "speaker": "speaker", "sentiment": "sentiment", "season": "season",
                "episode": "episode", "starttime": "start_time", "endtime": "end_time"}


def _clip_folder(raw: Path, source_split: str, names: tuple[str, ...], csv_path: Path) -> Path:
    candidates = [raw / source_split / name for name in names] + [raw / name for name in names]
    found = find_first(candidates)
    if found is None or not found.is_dir():
        listed = ", ".join(str(c.relative_to(raw)) for c in candidates)
        raise BuildError(f"{NAME}: {csv_path.name} is present but its clips are not: none of {listed} exists "
                         f"under {raw}. Unpack {source_split}.tar.gz there (or move {csv_path.name} away to "
                         f"build the other splits only). {OBTAIN}")
    return found


def build(options: BuildOptions) -> BuildResult:
    """Read every split CSV present, match each row to its clip, and verify the clips."""
    raw = options.raw.absolute()
    require_dir(raw, "MELD folder", NAME, OBTAIN)
    table = get_dataset_table(NAME)
    issues = IssueLog(NAME, skip_bad=options.skip_bad)
    splits: dict[str, list[Record]] = {}
    encodings = {}
    for split, source_split, csv_name, clip_names in SPLITS:
        csv_path = find_first([raw / csv_name, raw / source_split / csv_name])
        if csv_path is None:
            continue
        clips = _clip_folder(raw, source_split, clip_names, csv_path)
        rows, encodings[csv_name] = read_table(csv_path, NAME, issues, required=REQUIRED)
        rule = f"official MELD {source_split} split ({csv_name})"
        seen: dict[str, int] = {}
        pending = []
        for row in rows:
            values = row.values
            dialogue, utterance = values["dialogue_id"].strip(), values["utterance_id"].strip()
            if not (dialogue.isdigit() and utterance.isdigit()):
                issues.report(csv_path, row.row, f"Dialogue_ID and Utterance_ID must be whole numbers, got "
                                                 f"{dialogue!r} and {utterance!r}")
                continue
            label = table.label_for(values["emotion"])
            if label is None:
                issues.report(csv_path, row.row, f"unknown emotion {values['emotion']!r}; MELD uses "
                                                 f"{', '.join(table.known_raw())}")
                continue
            source_id = f"dia{int(dialogue)}_utt{int(utterance)}"
            if source_id in seen:
                issues.report(csv_path, row.row, f"utterance {source_id} repeats row {seen[source_id]}")
                continue
            seen[source_id] = row.row
            clip = clips / f"{source_id}.mp4"
            rel = relative_to_raw(clip, raw)
            if not clip.is_file():
                issues.report(csv_path, row.row, f"clip {rel} does not exist")
                continue
            meta = {"source_id": source_id, "source_split": source_split, "dialogue_id": int(dialogue),
                    "utterance_id": int(utterance), "split_rule": rule}
            meta.update({key: values[column].strip() for column, key in META_COLUMNS.items() if column in values})
            record = Record(id=f"{NAME}/{split}/{source_id}", task="emotion_closed", source=NAME, split=split,
                            media=(Media("video", rel),), text=values["utterance"].strip(),
                            label_set=table.label_set, answer=label, meta=meta)
            pending.append(PendingItem(record, clip, str(csv_path), row.row))
        splits[split] = keep_readable(pending, issues, options, NAME, kind="video")
    if not splits:
        raise BuildError(f"{NAME}: no split CSV (train_sent_emo.csv, dev_sent_emo.csv, test_sent_emo.csv) in "
                         f"{raw} or its train/dev/test folders. {OBTAIN}")

    link_media(NAME, options.out_root, raw, options.link_mode)
    manifest = {"source": "MELD", "raw": str(raw), "label_set": table.label_set, "verify": options.verify,
                "split_rule": "official MELD train/dev/test (dev named val)", "encodings": encodings}
    return BuildResult(dataset=NAME, splits=splits, skipped=issues.issues, manifest=manifest)
