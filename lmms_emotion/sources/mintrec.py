"""MIntRec (Zhang et al., ACM MM 2022): Superstore utterances with one of 20 intents -> video records.

Published layout (github.com/thuiar/MIntRec README and its loaders ``data/base.py``,
``data/text_pre.py``, ``tools/audio_preprocess.py``)::

    <raw>/train.tsv, dev.tsv, test.tsv
    <raw>/raw_data/<season>/<episode>/<clip>.mp4     e.g. raw_data/S04/E13/377.mp4

Each TSV is tab-separated without quoting, with a header ``season  episode  clip  text
label``; a segment's id is ``<season>_<episode>_<clip>`` and its clip lies at
``raw_data/<season>/<episode>/<clip>.mp4``. Labels are the benchmark's spellings
(``Complain`` ... ``Apologise`` ... ``Ask for help``, any case; the snake-case
``ask_help`` of some redistributions is accepted too). Accepted variant: the clip folder
named ``raw_video`` (the name the release's audio tool defaults to).

``text`` is the utterance; season, episode, clip, the raw label and MIntRec's coarse
intent (express emotions or attitudes / achieve goals) go to ``meta``. Splits: the official
ones, with ``dev`` named ``val``.
"""

from __future__ import annotations

from lmms_emotion.records import Media, Record
from lmms_emotion.sources.builder_api import BuildError, BuildOptions, BuildResult, IssueLog
from lmms_emotion.sources.dataset_writer import link_media
from lmms_emotion.sources.media_checks import PendingItem, keep_readable
from lmms_emotion.sources.raw_files import find_first, read_table, relative_to_raw, require_dir, safe_relative
from lmms_emotion.sources.release_labels import MINTREC_COARSE, get_dataset_table

NAME = "mintrec"
DESCRIPTION = "MIntRec: 20 conversational intents of Superstore utterances, video clips; official splits."
OBTAIN = ("Download MIntRec from the links in https://github.com/thuiar/MIntRec (Google Drive / BaiduYun), "
          "unpack it, and pass the folder holding train.tsv, dev.tsv, test.tsv and raw_data/.")
SPLITS = (("train", "train", "train.tsv"), ("val", "dev", "dev.tsv"), ("test", "test", "test.tsv"))
CLIP_FOLDERS = ("raw_data", "raw_video")
REQUIRED = ("season", "episode", "clip", "text", "label")


def build(options: BuildOptions) -> BuildResult:
    """Read every split TSV present, match each row to ``raw_data/<season>/<episode>/<clip>.mp4``, verify."""
    raw = options.raw.absolute()
    require_dir(raw, "MIntRec folder", NAME, OBTAIN)
    present = [(split, source, raw / name) for split, source, name in SPLITS if (raw / name).is_file()]
    if not present:
        raise BuildError(f"{NAME}: no split file (train.tsv, dev.tsv, test.tsv) in {raw}. {OBTAIN}")
    clips = find_first([raw / name for name in CLIP_FOLDERS])
    if clips is None or not clips.is_dir():
        raise BuildError(f"{NAME}: no clip folder ({' or '.join(CLIP_FOLDERS)}) in {raw}. {OBTAIN}")
    table = get_dataset_table(NAME)
    issues = IssueLog(NAME, skip_bad=options.skip_bad)
    splits: dict[str, list[Record]] = {}
    for split, source_split, tsv in present:
        rows, _encoding = read_table(tsv, NAME, issues, required=REQUIRED, delimiter="\t", quoted=False)
        rule = f"official MIntRec {source_split} split ({tsv.name})"
        seen: dict[str, int] = {}
        pending = []
        for row in rows:
            values = {key: value.strip() for key, value in row.values.items()}
            season, episode, clip_name = values["season"], values["episode"], values["clip"]
            rel_clip = safe_relative(f"{season}/{episode}/{clip_name}.mp4")
            if not (season and episode and clip_name) or rel_clip is None or rel_clip.count("/") != 2:
                issues.report(tsv, row.row, f"season, episode and clip must name a clip folder, got "
                                            f"{season!r}, {episode!r}, {clip_name!r}")
                continue
            label = table.label_for(values["label"])
            if label is None:
                issues.report(tsv, row.row, f"unknown intent {values['label']!r}; MIntRec uses "
                                            f"{', '.join(table.known_raw())}")
                continue
            source_id = f"{season}_{episode}_{clip_name}"
            if source_id in seen:
                issues.report(tsv, row.row, f"segment {source_id} repeats row {seen[source_id]}")
                continue
            seen[source_id] = row.row
            clip = clips / rel_clip
            rel = relative_to_raw(clip, raw)
            if not clip.is_file():
                issues.report(tsv, row.row, f"clip {rel} does not exist")
                continue
            meta = {"source_id": source_id, "source_split": source_split, "season": season, "episode": episode,
                    "clip": clip_name, "raw_label": values["label"], "coarse_intent": MINTREC_COARSE[label],
                    "split_rule": rule}
            record = Record(id=f"{NAME}/{split}/{source_id}", task="intent", source=NAME, split=split,
                            media=(Media("video", rel),), text=values["text"], label_set=table.label_set,
                            answer=label, meta=meta)
            pending.append(PendingItem(record, clip, str(tsv), row.row))
        splits[split] = keep_readable(pending, issues, options, NAME, kind="video")

    link_media(NAME, options.out_root, raw, options.link_mode)
    manifest = {"source": "MIntRec", "raw": str(raw), "label_set": table.label_set, "verify": options.verify,
                "clip_folder": clips.name, "split_rule": "official MIntRec train/dev/test (dev named val)"}
    return BuildResult(dataset=NAME, splits=splits, skipped=issues.issues, manifest=manifest)
