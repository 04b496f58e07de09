"""Generated data on disk: records in the project schema and LLaVA-style conversations.

**Records** (``<out>/instructions.jsonl`` or ``<out>/rationales.jsonl``): the base record
schema, one per generated item, id ``<source record id>/<kind>`` (``.../<kind>/<n>``
with ``--single-turn``), with the source record's task, media, label set and gold
answer, and the generated turns under ``meta["instruction"]``::

    {"kind": "conversation", "turns": [{"question", "answer", "type"}, ...],
     "prompt_version": "conversation-v1", "model": "gpt-4o-mini"}

plus ``meta["source_record"]``, ``meta["caption"]`` and ``meta["attributes"]``.
They load with :func:`lmms_emotion.records.read_records`.

**Conversations** (``<out>/llava.json``): a JSON list of ``{"id", "image",
"conversations": [{"from": "human", "value": "<image>\\n..."}, {"from": "gpt", "value":
...}, ...]}``, ``image`` relative to the media root named in ``summary.json``. Ids are
the record ids, so they are unique and stable across runs. Both files are sorted by id
and written atomically; nothing is ever written over an input file (EmoVIT's merge
script overwrote its own input).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from lmms_emotion.jsonl import atomic_write_text
from lmms_emotion.records import Record, write_records

__all__ = ["IMAGE_TOKEN", "OutputError", "guard_inputs", "instruction_record", "llava_entry", "split_turns",
           "write_generated"]

IMAGE_TOKEN = "<image>"


class OutputError(ValueError):
    """An output location that would overwrite an input."""


def guard_inputs(outputs: Iterable[Path], inputs: Iterable[Path | None]) -> None:
    """Refuse to write any output over an input file."""
    resolved_inputs = {Path(p).resolve() for p in inputs if p is not None}
    for out in outputs:
        if Path(out).resolve() in resolved_inputs:
            raise OutputError(f"output {out} is also an input; choose another --out-dir (inputs are never overwritten)")


def instruction_record(record: Record, item_id: str, kind: str, turns: Sequence[dict[str, str]], *,
                       prompt_version: str, model: str | None, extra_meta: dict[str, Any] | None = None) -> Record:
    """A record in the base schema carrying generated turns under ``meta["instruction"]``."""
    instruction = {"kind": kind, "turns": [dict(t) for t in turns], "prompt_version": prompt_version}
    if model is not None:
        instruction["model"] = model
    meta = {"source_record": record.id, "instruction": instruction}
    if "attributes" in record.meta:
        meta["attributes"] = record.meta["attributes"]
    meta.update(extra_meta or {})
    return Record(id=item_id, task=record.task, source=record.source, split=record.split, media=record.media,
                  text=record.text, label_set=record.label_set, answer=record.answer, meta=meta)


def split_turns(record: Record) -> list[Record]:
    """One single-turn record per turn (EmoVIT's layout); ids get ``/<n>`` appended."""
    turns = record.meta["instruction"]["turns"]
    if len(turns) == 1:
        return [record]
    out = []
    for n, turn in enumerate(turns):
        meta = json.loads(json.dumps(record.meta))
        meta["instruction"]["turns"] = [turn]
        out.append(Record(id=f"{record.id}/{n}", task=record.task, source=record.source, split=record.split,
                          media=record.media, text=record.text, label_set=record.label_set, answer=record.answer,
                          meta=meta))
    return out


def llava_entry(record: Record) -> dict[str, Any]:
    """The LLaVA-style conversation of a generated record (``<image>`` or ``<video>`` in the first human turn)."""
    kind = record.media[0].type
    token = IMAGE_TOKEN if kind == "image" else f"<{kind}>"
    conversations = []
    for n, turn in enumerate(record.meta["instruction"]["turns"]):
        question = turn["question"]
        conversations.append({"from": "human", "value": f"{token}\n{question}" if n == 0 else question})
        conversations.append({"from": "gpt", "value": turn["answer"]})
    return {"id": record.id, kind: record.media[0].path, "conversations": conversations}


def write_generated(out_dir: Path, stem: str, records: Iterable[Record], *, single_turn: bool = False) -> dict[str, Any]:
    """Write ``<stem>.jsonl`` (records) and ``llava.json``, sorted by id; returns paths and counts."""
    rows = sorted(records, key=lambda r: r.id)
    if single_turn:
        rows = [piece for row in rows for piece in split_turns(row)]
    ids = [r.id for r in rows]
    if len(ids) != len(set(ids)):
        raise AssertionError("generated ids are not unique")  # ids derive from unique record ids
    records_file = out_dir / f"{stem}.jsonl"
    llava_file = out_dir / "llava.json"
    write_records(records_file, rows)
    atomic_write_text(llava_file, json.dumps([llava_entry(r) for r in rows], ensure_ascii=False, indent=1) + "\n")
    return {"records_file": str(records_file), "llava_file": str(llava_file), "count": len(rows)}
