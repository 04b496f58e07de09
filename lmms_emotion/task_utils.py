"""The plugin's data binding: the ``process_docs`` hook that reads built records from the data root.

Everything else a task needs (prompts, scoring, aggregations, filters) lives in
:mod:`lmms_emotion.scoring.hooks`, which the upstream export copies; this module is the
plugin-only part (exported tasks read the hub dataset instead).

How a task finds its data: lmms-eval cannot read environment variables in YAML, so each
task's YAML loads a one-line *index* file shipped with the task folder
(``_index/<task>.jsonl``: which built dataset and split to read, and the command that
builds it). ``process_docs`` (:func:`load_docs`) swaps that index for the real records
from the data root (``$LMMS_EMOTION_DATA``, default ``~/.cache/lmms_emotion``), checks
every media file exists, and fails with the exact ``lmms-emotion build-data`` command
when the data is absent.

Document order: docs are ordered by a hash of their id, a fixed pseudo-random order,
so lmms-eval's ``--limit N`` (always the first N docs) samples across classes instead
of taking the first class only.

Provenance: when a built dataset's manifest carries a ``summary`` (EmoBench's does: which
sources, splits, seed and sampling rule), :func:`load_docs` prints it once per process,
and the EmoBench hooks add a per-task ``sources`` metric naming the source datasets and
splits the task's samples came from, so every results table and ``results.json`` shows
what the numbers were computed on.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any, Mapping

from lmms_emotion.scoring.hooks import utf8_safe
from lmms_emotion.paths import data_root, media_root, records_path


class DataNotBuiltError(FileNotFoundError):
    """A task's records are missing or unusable; the message's first line names the file (and line) and the fix."""


class TaskDataExit(SystemExit):
    """Ends an lmms-eval run at task load with a data error as the only error output.

    lmms-eval 0.7.3 calls ``process_docs`` inside ``ConfigurableTask.download``, which a
    tenacity ``@retry`` repeats on any ``Exception`` (5 tries or 60 s), and its CLI
    catches ``Exception`` from an evaluation, prints the traceback and exits 0. Neither
    touches a ``SystemExit``: it is not retried, not caught, and Python prints its
    message (nothing else) and exits with status 1. Library callers of
    ``lmms_eval.evaluator.simple_evaluate`` can catch it as ``SystemExit``.
    """


# --- loading ---------------------------------------------------------------------------------


def _doc_from_record(record, root: Path, paths: Any = None) -> dict[str, Any]:
    """The lmms-eval doc of a record; ``paths`` given: its media paths, already resolved, instead of resolving."""
    from lmms_emotion.media import resolve_media_path
    from lmms_emotion.scoring.hooks import candidate_options

    if paths is None:
        paths = [resolve_media_path(root, m.path) for m in record.media]
    return {
        "id": record.id,
        "task": record.task,
        "source": record.source,
        "split": record.split,
        "modality": record.modality,
        "text": record.text,
        "label_set": record.label_set,
        "options": candidate_options(record.task, record.label_set),
        "answer": record.answer,
        "media_types": [m.type for m in record.media],
        "media_paths": [str(p) for p in paths],
        "meta": json.dumps(record.meta, sort_keys=True, ensure_ascii=False),
    }


def _matches(doc: Mapping[str, Any], where: Mapping[str, Any] | None) -> bool:
    return all(doc.get(key) == value for key, value in (where or {}).items())


def read_task_docs(index_row: Mapping[str, Any], root: str | Path | None = None) -> list[dict[str, Any]]:
    """Records named by one index row, as lmms-eval docs, in the fixed hash order.

    Every problem raises :class:`DataNotBuiltError` whose first line names the file (and
    line) and the fix: split not built, a line that is not UTF-8/JSON or breaks the schema
    (unknown label, duplicate id, unsafe path), a media file that is missing or is a link
    leading out of the media root (unless the build used ``--follow-symlinks``).
    """
    from lmms_emotion.media import MediaError
    from lmms_emotion.records import RecordError, iter_numbered_records

    dataset, split = index_row["dataset"], index_row["split"]
    build = index_row.get("build", f"lmms-emotion build-data {dataset} --raw <raw folder>")
    path = records_path(dataset, split, root)
    if not path.is_file():
        raise DataNotBuiltError(
            f"the '{dataset}' {split} split is not built; build it with: {build}\n"
            f"(looked for {path} under the data root {data_root(root)}; set LMMS_EMOTION_DATA or pass "
            "--data-root to use another data root)"
        )
    media = media_root(dataset, root)
    follow = bool(_read_manifest(path.parent).get("follow_symlinks"))
    docs: list[dict[str, Any]] = []
    missing: list[tuple[int, Path]] = []
    try:
        checked = _MediaChecker(media, follow)
        for line_no, record in iter_numbered_records(path):
            doc = _doc_from_record(record, media, paths=())
            if not _matches(doc, index_row.get("where")):
                continue
            try:
                paths = [checked(record, item.path) for item in record.media]
            except MediaError as err:
                raise DataNotBuiltError(f"{path}:{line_no}: {err}. Fix: rebuild with: {build}") from None
            missing.extend((line_no, p) for p in paths if not os.path.isfile(p))
            doc["media_paths"] = [str(p) for p in paths]
            docs.append(doc)
    except RecordError as err:
        raise DataNotBuiltError(f"{err}. Fix: rebuild with: {build} (or correct that line)") from None
    if missing:
        line_no, first = missing[0]
        raise DataNotBuiltError(
            f"{path}:{line_no}: media file {first} does not exist ({len(missing)} missing in all). Fix: the media "
            f"root {media} must point at the raw '{dataset}' folder; restore the files or rebuild with: {build}"
        )
    if not docs:
        raise DataNotBuiltError(_no_matching_docs(path, index_row, build))
    docs.sort(key=lambda d: hashlib.sha1(d["id"].encode("utf-8")).hexdigest())
    return docs


class _MediaChecker:
    """A records file's media paths through :class:`lmms_emotion.media.RootResolver` (no link out of the root).

    A composed dataset (EmoBench) links ``media/<source>`` to that source's own media root,
    so a path ``<source>/...`` under such a link is checked against the link's target.
    """

    def __init__(self, media: Path, follow_symlinks: bool) -> None:
        from lmms_emotion.media import RootResolver

        self.media = media
        self.follow_symlinks = follow_symlinks
        self.whole = RootResolver(media, follow_symlinks=follow_symlinks)
        self.per_source: dict[str, Any] = {}

    def __call__(self, record, rel: str) -> Path:
        from lmms_emotion.media import RootResolver

        head, _, rest = rel.partition("/")
        if rest and head == record.source:
            if head not in self.per_source:
                link = self.media / head
                self.per_source[head] = (RootResolver(link, follow_symlinks=self.follow_symlinks)
                                         if link.is_symlink() else None)
            if self.per_source[head] is not None:
                return self.media / head / self.per_source[head](rest).relative_to(self.media / head)
        return self.whole(rel)


def _no_matching_docs(path: Path, index_row: Mapping[str, Any], build: str) -> str:
    """Why a built dataset has no records for a task, and what to build."""
    where = index_row.get("where")
    message = f"{path} holds no records matching {where}."
    sources = index_row.get("sources") or []
    if sources:
        skipped = _read_manifest(path.parent).get("sources_skipped", {})
        reasons = "".join(f"\n    {name}: {skipped[name]}" for name in sources if name in skipped)
        message += (f" This task's records come from {', '.join(sources)}"
                    + (f"; the last build skipped:{reasons}" if reasons else "") +
                    "\nBuild one of those sources with `lmms-emotion build-data <source> --raw <folder>`, "
                    f"then rebuild with:\n    {build}\n"
                    "or run only the tasks whose sources you have (the manifest lists them).")
    else:
        message += f" Rebuild with: {build}"
    return message


def _read_manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


_ANNOUNCED: set[str] = set()
_ANNOUNCE_LOCK = threading.Lock()


def announce_provenance(dataset: str, root: str | Path | None = None) -> str | None:
    """Print a built dataset's manifest ``summary`` to stderr, once per process; returns it."""
    from lmms_emotion.paths import manifest_path

    path = manifest_path(dataset, root)
    summary = _read_manifest(path.parent).get("summary")
    if not summary:
        return None
    with _ANNOUNCE_LOCK:
        if str(path) in _ANNOUNCED:
            return summary
        _ANNOUNCED.add(str(path))
    print(f"[lmms-emotion] {summary} (manifest: {path})", file=sys.stderr, flush=True)
    return summary


def load_docs(index_dataset):
    """``process_docs`` hook: replace the shipped index with the built records it names.

    A data error (records not built, a damaged line, a missing or unsafe media file) ends
    the run here with :class:`TaskDataExit`: no retries, no traceback, exit status 1, the
    file, line and fix on the first line of the error.
    """
    import datasets

    guard_response_cache()  # lmms-eval is running: its --use_cache must survive any reply
    docs: list[dict[str, Any]] = []
    for row in task_index_rows(index_dataset):
        try:
            docs.extend(read_task_docs(row))
        except DataNotBuiltError as err:
            raise TaskDataExit(f"lmms-emotion: {err}") from None
        announce_provenance(row["dataset"])
    return datasets.Dataset.from_list(docs)


def task_index_rows(index_rows) -> list[dict[str, Any]]:
    """A task's index rows (``_index/<task>.jsonl``, as lmms-eval or ``json`` read them) with JSON fields decoded."""
    rows = [dict(row) for row in index_rows]
    for row in rows:
        if isinstance(row.get("where"), str):
            row["where"] = json.loads(row["where"])
        if isinstance(row.get("sources"), str):
            row["sources"] = json.loads(row["sources"])
    return rows


# --- plugin-only helpers of the loader ---------------------------------------------------


def guard_response_cache() -> bool:
    """Make lmms-eval's response cache (``--use_cache``) store replies UTF-8-safe too; True if it is guarded.

    lmms-eval 0.7.3 writes every raw reply to its SQLite cache and JSONL audit log before
    any task filter runs, and a lone surrogate fails that write (a ``UnicodeEncodeError``
    ends the run). No task hook reaches that point, so :func:`load_docs` wraps the cache's
    serializer (``lmms_eval.caching.response_cache._serialize_response``, looked up by name
    at each write) once per process; without that module nothing is changed. Cached replies
    then carry U+FFFD, the same text the filter passes on.
    """
    import importlib

    try:
        module = importlib.import_module("lmms_eval.caching.response_cache")
    except ImportError:
        return False
    original = getattr(module, "_serialize_response", None)
    if original is None:
        return False
    if getattr(original, "_lmms_emotion_utf8_safe", False):
        return True

    def serialize(response: Any) -> str:
        return original(utf8_safe(response))

    serialize._lmms_emotion_utf8_safe = True  # type: ignore[attr-defined]
    module._serialize_response = serialize
    return True
