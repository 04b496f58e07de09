"""Training examples from our records and from LLaVA-style ``conversations`` JSON.

Two input formats, detected from the content:

* **records JSONL** (:mod:`lmms_emotion.records` schema): a record whose
  ``meta["instruction"]["turns"]`` holds generated question/answer turns
  (``lmms-emotion generate instructions|rationales``) trains on those turns; any other
  record is a classification example whose question is the evaluation prompt
  (:func:`lmms_emotion.scoring.prompts.question_for`, label-set options in order) and whose answer
  is the gold label (:func:`lmms_emotion.training_export.answer_text`). Media paths are
  relative to the media root.
* **conversations** (``lmms-emotion export-training`` / ``generate`` ``llava.json``, or any
  LLaVA-style file): a JSON array (or JSON lines) of ``{"id", "image" | "video",
  "conversations": [{"from": "human", "value": "<image>\\n..."}, {"from": "gpt", ...}, ...]}``;
  ``image`` / ``video`` may be one path or a list, relative to the media root or absolute.

Every file is read and checked in full before training starts (:func:`load_examples`): a
malformed row, an unknown label, a turn out of order or a media file that does not exist
stops with :class:`lmms_emotion.records.RecordError` naming the file, the line and the
field, so a long run never dies on row 90,000. Media *decoding* happens when an example is
used; a file that exists but cannot be decoded fails then, again naming file and line
(``--verify-media`` decodes every image up front instead).

The media root of a file is, in order: the one given, the ``media_root`` named by the
file's ``<name>.meta.json`` (``export-training``) or by ``summary.json`` beside it
(``generate``), or a ``media`` folder beside it (a built dataset's layout).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lmms_emotion.jsonl import JsonlError, iter_jsonl
from lmms_emotion.records import RecordError

MEDIA_TOKENS = {"image": "<image>", "video": "<video>"}
HUMAN_ROLES = ("human", "user")
ASSISTANT_ROLES = ("gpt", "assistant")


@dataclass(frozen=True)
class Turn:
    """One question and its answer."""

    question: str
    answer: str


@dataclass(frozen=True)
class MediaItem:
    """One image or video by absolute path."""

    type: str
    path: str


@dataclass(frozen=True)
class TrainingExample:
    """One training conversation: media, turns, and where it came from (``file:line``)."""

    id: str
    media: tuple[MediaItem, ...]
    turns: tuple[Turn, ...]
    origin: str
    kind: str = "classification"  # classification | conversation | reasoning | rationale | ...
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def modality(self) -> str:
        if not self.media:
            return "text"
        return "video" if any(m.type == "video" for m in self.media) else "image"


# --- media roots ------------------------------------------------------------------------------


def default_media_root(path: str | os.PathLike) -> Path | None:
    """The media root a data file names or implies (see the module docstring); None if none."""
    path = Path(path)
    meta = path.with_name(path.name.removesuffix(".json").removesuffix(".jsonl") + ".meta.json")
    for sidecar in (meta, path.parent / "summary.json"):
        if sidecar.is_file():
            try:
                root = json.loads(sidecar.read_text(encoding="utf-8")).get("media_root")
            except (json.JSONDecodeError, AttributeError, OSError):
                root = None
            if root:
                return Path(root)
    beside = path.parent / "media"
    return beside if beside.is_dir() else None


def _media_path(root: Path | None, rel: str, where: str, *, origin: tuple[Path, int], field_name: str) -> Path:
    from lmms_emotion.media import MediaError, resolve_media_path

    file, line = origin
    if os.path.isabs(rel):
        resolved = Path(rel)
    else:
        if root is None:
            raise RecordError(f"{where} {rel!r} is relative but no media root is known; pass --media-root "
                              "(the folder the paths are relative to)", path=file, line=line, field_name=field_name)
        try:
            resolved = resolve_media_path(root, rel)
        except MediaError as err:
            raise RecordError(str(err), path=file, line=line, field_name=field_name) from None
    if not resolved.is_file():
        raise RecordError(f"{where} {rel!r} does not exist (looked for {resolved}); fix the path or --media-root, "
                          "or rebuild the data (lmms-emotion build-data ...)", path=file, line=line,
                          field_name=field_name)
    return resolved


# --- records ----------------------------------------------------------------------------------


def record_turns(record: Any) -> tuple[str, list[Turn]]:
    """``(kind, turns)`` of a record: its generated turns, else the evaluation question and gold answer."""
    from lmms_emotion.scoring import prompts
    from lmms_emotion.scoring.labels import get_label_set
    from lmms_emotion.training_export import answer_text

    instruction = record.meta.get("instruction")
    if instruction is None:
        options = get_label_set(record.label_set).labels if record.task in prompts.CLOSED_SET_TASKS else ()
        question = prompts.question_for(record.task, options=options, modality=record.modality, text=record.text)
        return "classification", [Turn(question, answer_text(record))]
    if not isinstance(instruction, dict) or not isinstance(instruction.get("turns"), list) or not instruction["turns"]:
        raise ValueError('meta["instruction"] must be an object with a non-empty "turns" list')
    turns = []
    for n, turn in enumerate(instruction["turns"]):
        if not isinstance(turn, dict) or not isinstance(turn.get("question"), str) or not isinstance(
                turn.get("answer"), str) or not turn["question"].strip() or not turn["answer"].strip():
            raise ValueError(f'meta["instruction"]["turns"][{n}] needs non-empty string "question" and "answer"')
        turns.append(Turn(turn["question"], turn["answer"]))
    return str(instruction.get("kind") or "instruction"), turns


def read_records_file(path: str | os.PathLike, media_root: str | os.PathLike | None) -> list[TrainingExample]:
    """Training examples of a records JSONL file, every row and media file checked."""
    from lmms_emotion.records import record_from_dict

    path = Path(path)
    root = Path(media_root) if media_root is not None else None
    examples = []
    for line, obj in iter_json_rows(path):
        record = record_from_dict(obj, path=path, line=line)
        try:
            kind, turns = record_turns(record)
        except ValueError as err:
            raise RecordError(str(err), path=path, line=line, field_name="meta") from None
        media = tuple(MediaItem(m.type, str(_media_path(root, m.path, m.type, origin=(path, line), field_name="media")))
                      for m in record.media)
        meta = {"task": record.task, "label_set": record.label_set, "answer": record.answer,
                "source_record": record.meta.get("source_record", record.id)}
        examples.append(TrainingExample(record.id, media, tuple(turns), f"{path}:{line}", kind, meta))
    return examples


# --- conversations ----------------------------------------------------------------------------


def iter_json_rows(path: str | os.PathLike) -> Iterator[tuple[int, Any]]:
    """``(line, object)`` of each entry of a JSON array file or a JSON-lines file.

    Invalid JSON raises :class:`RecordError` with the line of the error.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    stripped = text.lstrip()
    decoder = json.JSONDecoder()
    if not stripped.startswith("["):
        try:
            for row in iter_jsonl(path):
                yield row.line, row.value
        except JsonlError as err:
            raise RecordError(f"not valid JSON ({err.reason})", path=path, line=err.line) from None
        return
    pos = len(text) - len(stripped) + 1

    def skip(index: int) -> int:
        while index < len(text) and text[index] in " \t\r\n":
            index += 1
        return index

    def fail(index: int, message: str) -> RecordError:
        return RecordError(message, path=path, line=text.count("\n", 0, index) + 1)

    pos = skip(pos)
    if pos < len(text) and text[pos] == "]":
        return
    while True:
        pos = skip(pos)
        try:
            obj, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as err:  # name the entry's first line, and where the error is
            raise fail(pos, f"not valid JSON ({err.msg} at line {err.lineno} column {err.colno})") from None
        yield text.count("\n", 0, pos) + 1, obj
        pos = skip(end)
        if pos >= len(text):
            raise fail(pos, "the JSON array is not closed with ']'")
        if text[pos] == "]":
            if text[skip(pos + 1):].strip():
                raise fail(pos + 1, "unexpected text after the JSON array")
            return
        if text[pos] != ",":
            raise fail(pos, f"expected ',' or ']' between entries, found {text[pos]!r}")
        pos += 1


def _strings(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def conversation_example(obj: Any, *, path: Path, line: int, media_root: Path | None) -> TrainingExample:
    """Validate one LLaVA-style entry and build its example; :class:`RecordError` names file, line and field."""

    def fail(message: str, field_name: str | None = None) -> RecordError:
        return RecordError(message, path=path, line=line, field_name=field_name)

    if not isinstance(obj, dict):
        raise fail(f"expected a JSON object, got {type(obj).__name__}")
    conversations = obj.get("conversations")
    if not isinstance(conversations, list) or not conversations:
        raise fail("must be a non-empty list of {from, value} turns", "conversations")
    media: list[MediaItem] = []
    for kind in ("image", "video"):
        if kind in obj and obj[kind] is not None:
            paths = _strings(obj[kind])
            if not paths:
                raise fail("must be a path or a list of paths", kind)
            media.extend(MediaItem(kind, str(_media_path(media_root, p, kind, origin=(path, line), field_name=kind)))
                         for p in paths)
    turns: list[Turn] = []
    question: str | None = None
    for n, turn in enumerate(conversations):
        if not isinstance(turn, dict) or not isinstance(turn.get("value"), str) or "from" not in turn:
            raise fail(f"turn {n} must be an object with 'from' and a string 'value'", "conversations")
        role = turn["from"]
        if role == "system":
            if n != 0:
                raise fail(f"turn {n}: a system turn may only come first", "conversations")
            continue
        if role in HUMAN_ROLES:
            if question is not None:
                raise fail(f"turn {n}: two human turns in a row; turns must alternate human, gpt", "conversations")
            question = turn["value"]
        elif role in ASSISTANT_ROLES:
            if question is None:
                raise fail(f"turn {n}: a gpt turn without a human turn before it", "conversations")
            if not turn["value"].strip():
                raise fail(f"turn {n}: empty answer", "conversations")
            turns.append(Turn(question, turn["value"]))
            question = None
        else:
            raise fail(f"turn {n}: unknown role {role!r}; expected human or gpt", "conversations")
    if question is not None:
        raise fail("the last human turn has no gpt answer", "conversations")
    if not turns:
        raise fail("holds no human/gpt pair", "conversations")
    for kind, token in MEDIA_TOKENS.items():
        count = sum(t.question.count(token) for t in turns)
        have = sum(1 for m in media if m.type == kind)
        if count and count != have:
            raise fail(f"{count} {token} token(s) in the human turns but {have} {kind}(s) given", "conversations")
    entry_id = str(obj.get("id") or f"{path.name}:{line}")
    meta = {k: obj[k] for k in ("task", "source", "label_set") if k in obj}
    return TrainingExample(entry_id, tuple(media), tuple(turns), f"{path}:{line}", "conversation", meta)


def read_conversations_file(path: str | os.PathLike, media_root: str | os.PathLike | None) -> list[TrainingExample]:
    """Training examples of a LLaVA-style conversations file, every entry and media file checked."""
    path = Path(path)
    root = Path(media_root) if media_root is not None else None
    return [conversation_example(obj, path=path, line=line, media_root=root) for line, obj in iter_json_rows(path)]


# --- any file ---------------------------------------------------------------------------------


def detect_format(path: str | os.PathLike) -> str:
    """``records`` or ``conversations``, from the first entry of the file."""
    path = Path(path)
    for line, obj in iter_json_rows(path):
        if isinstance(obj, dict) and "conversations" in obj:
            return "conversations"
        if isinstance(obj, dict) and "task" in obj and "label_set" in obj:
            return "records"
        raise RecordError("neither a record (id, task, label_set, answer, ...) nor a LLaVA-style entry "
                          "(conversations, image/video)", path=path, line=line)
    raise RecordError("holds no entries", path=path)


def load_examples(files: Sequence[str | os.PathLike], media_root: str | os.PathLike | None = None, *,
                  verify_media: bool = False) -> list[TrainingExample]:
    """Read and check every training file (records or conversations), in order; fail fast on the first fault.

    ``media_root`` applies to every file; without it each file's own default is used
    (:func:`default_media_root`). ``verify_media`` also decodes every image (slower).
    """
    from tqdm.auto import tqdm

    examples: list[TrainingExample] = []
    for file in files:
        path = Path(file).expanduser()
        if not path.is_file():
            raise FileNotFoundError(f"training data file {path} does not exist")
        root = Path(media_root).expanduser() if media_root is not None else default_media_root(path)
        fmt = detect_format(path)
        reader = read_records_file if fmt == "records" else read_conversations_file
        examples.extend(reader(path, root))
    if not examples:
        raise ValueError(f"no training examples in {', '.join(str(f) for f in files)}")
    ids: dict[str, str] = {}
    for example in examples:
        if example.id in ids:
            raise RecordError(f"duplicate id {example.id!r} (first at {ids[example.id]})",
                              path=example.origin.rsplit(":", 1)[0], line=int(example.origin.rsplit(":", 1)[1]),
                              field_name="id")
        ids[example.id] = example.origin
    if verify_media:
        from lmms_emotion.media import MediaError, verify_image

        images = [(e, m) for e in examples for m in e.media if m.type == "image"]
        for example, item in tqdm(images, desc="verifying images", unit="image", disable=len(images) < 1000):
            try:
                verify_image(item.path)
            except (MediaError, OSError) as err:
                file, line = example.origin.rsplit(":", 1)
                raise RecordError(str(err), path=file, line=int(line), field_name="media") from None
    return examples


def single_turn(examples: Sequence[TrainingExample]) -> list[TrainingExample]:
    """One example per question/answer pair (EmoVIT's layout); ids get ``/<n>`` appended."""
    out = []
    for example in examples:
        if len(example.turns) == 1:
            out.append(example)
            continue
        for n, turn in enumerate(example.turns):
            out.append(TrainingExample(f"{example.id}/{n}", example.media, (turn,), example.origin, example.kind,
                                       example.meta))
    return out


def strip_media_tokens(text: str) -> str:
    """The text without ``<image>`` / ``<video>`` placeholders (and the blank lines they leave)."""
    for token in MEDIA_TOKENS.values():
        text = text.replace(token, "")
    return text.strip()


def summarise(examples: Sequence[TrainingExample]) -> dict[str, Any]:
    """Counts per kind and modality, for logs and ``training_config.json``."""
    from collections import Counter

    kinds = Counter(e.kind for e in examples)
    modality = Counter(e.modality for e in examples)
    return {"examples": len(examples), "turns": sum(len(e.turns) for e in examples),
            "per_kind": dict(sorted(kinds.items())), "per_modality": dict(sorted(modality.items()))}


def with_rationales(examples: Sequence[TrainingExample], rationales: Sequence[TrainingExample]
                    ) -> tuple[list[TrainingExample], dict[str, int]]:
    """EmoPrompt targets: each rationale replaces the classification example of its source record.

    A rationale record (``lmms-emotion generate rationales``) asks the task's question with
    the EmoPrompt instruction and answers with the reasoning chain ending in ``Final
    answer: <label>`` - rationale, then answer. Classification examples without a
    rationale keep their plain answer; rationales whose source record is not in the
    training data are added as examples of their own.
    """
    by_source: dict[str, TrainingExample] = {}
    for rationale in rationales:
        if rationale.kind != "rationale":
            file, line = rationale.origin.rsplit(":", 1)
            raise RecordError(f"{rationale.id!r} is not a rationale record (meta.instruction.kind is "
                              f"{rationale.kind!r}); pass the rationales.jsonl of `lmms-emotion generate rationales`",
                              path=file, line=int(line), field_name="meta")
        by_source[str(rationale.meta.get("source_record", rationale.id))] = rationale
    out: list[TrainingExample] = []
    replaced = 0
    for example in examples:
        rationale = by_source.pop(str(example.meta.get("source_record", example.id)), None) \
            if example.kind == "classification" else None
        if rationale is not None:
            out.append(rationale)
            replaced += 1
        else:
            out.append(example)
    out.extend(by_source.values())
    return out, {"replaced": replaced, "added": len(by_source), "plain": len(examples) - replaced}
