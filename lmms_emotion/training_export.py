"""Built records -> LLaVA-style ``conversations`` JSON for instruction tuning.

Each record becomes one entry::

    {"id": "emotion_closed/emoset/train/amusement_00012",
     "image": "emoset/image/amusement/amusement_00012.jpg",      (or "video": ...)
     "conversations": [
         {"from": "human", "value": "<image>\\nWhich emotion does this image evoke? ..."},
         {"from": "gpt", "value": "amusement"}],
     "task": "emotion_closed", "source": "emoset", "label_set": "mikels8"}

Media paths stay relative to the dataset's media root (``<data root>/<dataset>/media``),
which the export names (it is what LLaVA-style trainers take as ``image_folder`` /
``video_folder``); ``absolute=True`` writes absolute paths instead. The human turn is the
evaluation prompt itself (:func:`lmms_emotion.scoring.prompts.question_for`, in the chosen style)
after one ``<image>`` / ``<video>`` token per media item; the gpt turn is the gold label
(``Yes`` / ``No`` for the detection tasks).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lmms_emotion.records import Record

EXPORT_FORMAT = "llava-conversations-1"


class ExportError(ValueError):
    """A record cannot be exported (its media file is missing); the message names file, line and record."""


def answer_text(record: Record) -> str:
    """The assistant turn: the gold label, or ``Yes`` / ``No`` for yes/no tasks."""
    if record.label_set == "yes_no":
        return record.answer.capitalize()
    return record.answer


def human_turn(record: Record, style: str = "plain") -> str:
    """The user turn: one media token per item, then the evaluation prompt in ``style``."""
    from lmms_emotion.scoring import prompts
    from lmms_emotion.scoring.labels import get_label_set

    options = get_label_set(record.label_set).labels if record.task in prompts.CLOSED_SET_TASKS else ()
    question = prompts.question_for(record.task, options=options, modality=record.modality, text=record.text)
    tokens = "".join(f"<{item.type}>\n" for item in record.media)
    return tokens + prompts.apply_style(question, style)


def conversation(record: Record, *, style: str = "plain", media_root: Path | None = None) -> dict[str, Any]:
    """One LLaVA-style entry; paths relative to the media root, or absolute under ``media_root`` when given."""
    entry: dict[str, Any] = {"id": record.id}
    for kind in ("image", "video"):
        paths = [item.path if media_root is None else str(media_root / item.path)
                 for item in record.media if item.type == kind]
        if paths:
            entry[kind] = paths[0] if len(paths) == 1 else paths
    entry["conversations"] = [
        {"from": "human", "value": human_turn(record, style)},
        {"from": "gpt", "value": answer_text(record)},
    ]
    entry.update({"task": record.task, "source": record.source, "label_set": record.label_set})
    return entry


@dataclass
class ExportSummary:
    """What an export wrote."""

    out: Path
    meta: Path
    count: int
    media_root: Path
    per_task: dict[str, int]


def export_records(records_file: Path, media_root: Path, out: Path, *, style: str = "plain",
                   absolute: bool = False, dataset: str = "", split: str = "") -> ExportSummary:
    """Write the conversations JSON of one records file (and ``<out>.meta.json`` describing it)."""
    from lmms_emotion.scoring import prompts
    from lmms_emotion.jsonl import write_json
    from lmms_emotion.records import iter_records

    if style not in prompts.PROMPT_STYLES:
        raise ExportError(f"unknown prompt style {style!r}; use one of {', '.join(prompts.PROMPT_STYLES)}")
    from tqdm.auto import tqdm

    entries = []
    tasks: Counter[str] = Counter()
    records = list(iter_records(records_file))
    for line, record in enumerate(tqdm(records, desc=f"exporting {records_file.name}", unit="record",
                                       disable=len(records) < 5000), start=1):
        _check_media(record, media_root, records_file, line)
        entries.append(conversation(record, style=style, media_root=media_root.absolute() if absolute else None))
        tasks[f"{record.task}/{record.modality}"] += 1
    write_json(out, entries)
    meta = out.with_name(out.name.removesuffix(".json") + ".meta.json")
    write_json(meta, {
        "format": EXPORT_FORMAT,
        "dataset": dataset,
        "split": split,
        "records_file": str(records_file),
        "media_root": str(media_root.absolute()),
        "paths": "absolute" if absolute else "relative to media_root",
        "prompt_style": style,
        "prompt_version": prompts.PROMPT_VERSION,
        "count": len(entries),
        "per_task": dict(sorted(tasks.items())),
    })
    return ExportSummary(out, meta, len(entries), media_root.absolute(), dict(sorted(tasks.items())))


def _check_media(record: Record, media_root: Path, records_file: Path, line: int) -> None:
    from lmms_emotion.media import resolve_media_path

    for item in record.media:
        if not resolve_media_path(media_root, item.path).exists():
            raise ExportError(f"{records_file} line {line} (record {record.id}): media {item.path} does not exist "
                              f"under {media_root}; rebuild the dataset (lmms-emotion build-data ...)")
