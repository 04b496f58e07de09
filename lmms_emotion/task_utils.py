"""The lmms-eval hooks every emotion task shares (task folders' ``utils.py`` only re-export these).

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

EmoBench scoring (:func:`process_results_emobench`): every numeric per-sample value is
``{"score": x, "subtask": kind}`` (lmms-eval's CLT stderr reads ``score``), aggregated by
:func:`aggregate_score` into a float that remembers its sub-task (:class:`SubtaskScore`),
so the group aggregation :func:`aggregate_subtask_mean` can average sub-tasks rather
than tasks (lmms-eval hands a group only its leaf tasks' values, flattened).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any, Mapping

from lmms_emotion import UNPARSED
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


# --- prompting -------------------------------------------------------------------------------


def doc_options(doc: Mapping[str, Any]) -> list[str]:
    """The label set's labels in order: the options a closed-set prompt lists."""
    from lmms_emotion.taxonomy import get_label_set

    return list(get_label_set(doc["label_set"]).labels)


VIDEO_FRAMES_KEY = "video_as_frames"
"""``lmms_eval_specific_kwargs`` key: give this model each video as N sampled frames (images)."""


def video_frames_setting(lmms_eval_specific_kwargs: Mapping | None) -> int | None:
    """The number of frames to give a model in place of each video, or None (pass the video file).

    Set per model in a task YAML's ``lmms_eval_specific_kwargs`` (``video_as_frames: 8``)
    for lmms-eval wrappers that read images only (``instructblip``, ``llava_hf``); see
    docs/models.md for the per-model table.
    """
    value = (lmms_eval_specific_kwargs or {}).get(VIDEO_FRAMES_KEY)
    if value in (None, False, 0):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"lmms_eval_specific_kwargs {VIDEO_FRAMES_KEY}: expected a whole number of frames >= 1, "
                         f"got {value!r}; fix the task YAML")
    return value


def videos_as_frames(visuals: list, lmms_eval_specific_kwargs: Mapping | None) -> list:
    """Replace each video path in ``visuals`` by its sampled frames when the model's kwargs set
    ``video_as_frames`` (:func:`video_frames_setting`); otherwise return ``visuals`` unchanged."""
    from lmms_emotion.media import sample_video_frames

    frames = video_frames_setting(lmms_eval_specific_kwargs)
    if frames is None:
        return visuals
    out: list = []
    for visual in visuals:
        if isinstance(visual, (str, Path)):
            out.extend(sample_video_frames(visual, frames))
        else:
            out.append(visual)
    return out


def doc_to_visual(doc: Mapping[str, Any], lmms_eval_specific_kwargs: Mapping | None = None) -> list:
    """Images as RGB PIL images, videos as file paths (lmms-eval's convention), or as sampled
    frames for models whose task kwargs set ``video_as_frames`` (:func:`videos_as_frames`)."""
    from lmms_emotion.media import open_image

    visuals: list = []
    for kind, path in zip(doc["media_types"], doc["media_paths"]):
        visuals.append(open_image(path) if kind == "image" else path)
    return videos_as_frames(visuals, lmms_eval_specific_kwargs)


def doc_to_text(doc: Mapping[str, Any], lmms_eval_specific_kwargs: Mapping | None = None) -> str:
    """The question for one doc, in the run's prompt style."""
    from lmms_emotion import prompts

    style = prompts.resolve_style(lmms_eval_specific_kwargs)
    return prompts.apply_style(prompts.wrap(_question(doc), lmms_eval_specific_kwargs), style)


def _question(doc: Mapping[str, Any]) -> str:
    """The question for one doc before styling and pre/post prompts (dispatched on its task kind)."""
    from lmms_emotion import prompts

    options = doc_options(doc) if doc["task"] in prompts.CLOSED_SET_TASKS else ()
    return prompts.question_for(doc["task"], options=options, modality=doc["modality"], text=doc.get("text") or "")


def doc_to_messages(doc: Mapping[str, Any], lmms_eval_specific_kwargs: Mapping | None = None) -> list[dict]:
    """One user turn for chat models: the media items (videos as frames where the model's
    kwargs set ``video_as_frames``), then the question."""
    content: list[dict] = []
    for visual in doc_to_visual(doc, lmms_eval_specific_kwargs):
        # doc_to_visual's convention: a path is a video, anything else (a PIL image) an image
        content.append({"type": "video" if isinstance(visual, (str, Path)) else "image", "url": visual})
    content.append({"type": "text", "text": doc_to_text(doc, lmms_eval_specific_kwargs)})
    return [{"role": "user", "content": content}]


def doc_to_target(doc: Mapping[str, Any]) -> str:
    """The gold label."""
    return doc["answer"]


# --- scoring ---------------------------------------------------------------------------------


def _concept(doc: Mapping[str, Any]) -> str | None:
    """The yes/no concept of a binary detection doc (hate, humor, sarcasm), else None."""
    return doc["task"] if doc["label_set"] == "yes_no" else None


def strip_prompt_echo(doc: Mapping[str, Any], response: str) -> str:
    """Drop the question from the start of a response that repeats it.

    Some wrappers decode the prompt together with the answer (lmms-eval 0.7.3's built-in
    ``instructblip`` on transformers 5 does); left in place, the echoed option list would
    be parsed as the answer.
    """
    from lmms_emotion import prompts

    text = " ".join(response.split())
    for style in prompts.PROMPT_STYLES:
        question = " ".join(prompts.apply_style(_question(doc), style).split())
        if text.lower().startswith(question.lower()):
            return text[len(question):].strip()
    return response


def score_response(doc: Mapping[str, Any], response: str) -> dict[str, Any]:
    """Parse one closed-set or yes/no response and return the per-sample metric values."""
    from lmms_emotion.answers import parse_answer

    response = strip_prompt_echo(doc, response or "")

    # Our prompts list the options without letters or numbers, so a bare "A" or "2" is not
    # read as an option reference (options=None); the parser still resolves words and synonyms.
    pred = parse_answer(response or "", doc["label_set"], options=None, concept=_concept(doc))
    item = {"id": doc["id"], "gold": doc["answer"], "pred": pred, "label_set": doc["label_set"]}
    return {
        "acc": float(pred == doc["answer"]),
        "macro_f1": item,
        "per_class_acc": item,
        "unparsed_rate": float(pred == UNPARSED),
    }


def process_results(doc: Mapping[str, Any], results: list) -> dict[str, Any]:
    """lmms-eval ``process_results`` hook: ``results[0]`` is the model's text."""
    response = results[0] if results else ""
    if isinstance(response, (list, tuple)):
        response = response[0] if response else ""
    return score_response(doc, str(response))


def utf8_safe(value: Any) -> Any:
    """``value`` with every string made encodable as UTF-8 (lone surrogates become U+FFFD), lists kept."""
    if isinstance(value, str):
        if not _has_surrogate(value):
            return value
        return "".join("\ufffd" if "\ud800" <= char <= "\udfff" else char for char in value)
    if isinstance(value, list):
        return [utf8_safe(item) for item in value]
    if isinstance(value, tuple):
        return tuple(utf8_safe(item) for item in value)
    return value


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class UTF8SafeReplies:
    """lmms-eval filter (first step of every task's ``filter_list``): replies safe to write as UTF-8.

    A model (or an API) can return text holding lone surrogates; Python scores it, but
    lmms-eval's sample writer (``json.dumps(..., ensure_ascii=False)`` into a UTF-8 file)
    then fails and leaves the samples file empty. lmms-eval logs a sample's ``resps`` from
    the *filtered* replies (``raw_filtered_resps``), so a filter is the one channel that
    reaches every model wrapper, ours and lmms-eval's own. Duck-typed (``apply``) so this
    module need not import lmms-eval.
    """

    def __init__(self, **_kwargs: Any) -> None:
        pass

    def apply(self, resps: list, docs: list) -> list:
        """Each instance's reply list with lone surrogates replaced by U+FFFD."""
        return [utf8_safe(replies) for replies in resps]


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


def _labels_of(items: list[Mapping[str, Any]]) -> list[str]:
    from lmms_emotion.taxonomy import get_label_set

    names = {item["label_set"] for item in items}
    labels: list[str] = []
    for name in sorted(names):
        labels.extend(label for label in get_label_set(name).labels if label not in labels)
    return labels


def aggregate_macro_f1(items: list[Mapping[str, Any]]) -> float:
    """Macro-F1 over the task's label set (unparsed answers count as wrong)."""
    from lmms_emotion.metrics import macro_f1

    return macro_f1([i["gold"] for i in items], [i["pred"] for i in items], _labels_of(items))


class PerClassAccuracy(dict):
    """``{class: accuracy}`` that lmms-eval's printed results table leaves out.

    lmms-eval 0.7.3's ``make_table`` prints a dict value inline, which made every row of
    the table 538-828 characters wide, and it has no option to hide a metric; it does
    skip any value whose ``len()`` is 0. So ``len()`` reports 0 (and ``bool()`` True)
    while everything else reads the real dict: iteration, ``items()``, ``dict(x)``,
    ``json.dumps`` (the results JSON keeps ``per_class_acc,none`` as an object, which
    ``lmms-emotion compare`` reads), copying and pickling. Use ``len(dict(x))`` or
    :attr:`num_classes` to count the classes.
    """

    def __len__(self) -> int:
        return 0

    def __bool__(self) -> bool:
        return dict.__len__(self) > 0

    @property
    def num_classes(self) -> int:
        """How many classes the dict holds."""
        return dict.__len__(self)

    def __repr__(self) -> str:
        return f"PerClassAccuracy({dict.__repr__(self)})"

    def __reduce__(self):
        return (PerClassAccuracy, (dict(self.items()),))


def aggregate_per_class_acc(items: list[Mapping[str, Any]]) -> PerClassAccuracy:
    """Accuracy (recall) per gold class; in the results JSON, not in the printed table (:class:`PerClassAccuracy`)."""
    from lmms_emotion.metrics import per_class_accuracy

    return PerClassAccuracy(per_class_accuracy([i["gold"] for i in items], [i["pred"] for i in items], _labels_of(items)))


def aggregate_group_mean(metrics: list, sizes: list[int], weight_by_size: bool = False) -> float | None:
    """Group aggregation (``aggregate_metric_list``): the mean of the subtasks' scores.

    lmms-eval matches group metric names by substring, so ``acc`` also selects each
    task's ``per_class_acc`` dictionaries; those have no meaningful mean across label
    sets and give None (shown as N/A) instead of an error.
    """
    if not metrics or not all(isinstance(m, (int, float)) for m in metrics):
        return None
    weights = sizes if weight_by_size else [1] * len(metrics)
    return sum(m * w for m, w in zip(metrics, weights)) / sum(weights)


# --- EmoBench: open-set scoring, sub-task tags, provenance -------------------------------------


def score_open_response(doc: Mapping[str, Any], response: str) -> dict[str, Any]:
    """Score one open-set (Emo-O) answer: the lexicon first, then the judge if one is configured.

    Per-sample values: ``acc`` (the final decision: the judge's when enabled, else the
    lexicon's), ``lexicon_acc``, ``judge_acc`` (None without a judge), ``judge_rate``
    (1 when the lexicon could not place the answer and the judge was asked; None
    without a judge), ``unparsed_rate`` (nothing placed it), and the item dicts for
    ``macro_f1``/``per_class_acc`` with ``scored_by`` (``lexicon``, ``judge``,
    ``judge_error`` or ``none``).
    """
    from lmms_emotion.judge import active_judge
    from lmms_emotion.lexicon import place

    response = strip_prompt_echo(doc, response or "")
    gold = doc["answer"]
    lexicon_pred = place(response, doc["label_set"])
    pred, scored_by = lexicon_pred, ("lexicon" if lexicon_pred != UNPARSED else "none")
    judge = active_judge()
    if judge is not None and lexicon_pred == UNPARSED:
        verdict = judge.place(response, doc["label_set"])
        pred = verdict.label
        scored_by = "judge_error" if verdict.error else "judge"
    item = {"id": doc["id"], "gold": gold, "pred": pred, "label_set": doc["label_set"], "scored_by": scored_by,
            "lexicon_pred": lexicon_pred}
    return {
        "acc": float(pred == gold),
        "lexicon_acc": float(lexicon_pred == gold),
        "judge_acc": float(pred == gold) if judge is not None else None,
        "judge_rate": float(lexicon_pred == UNPARSED) if judge is not None else None,
        "macro_f1": item,
        "per_class_acc": item,
        "unparsed_rate": float(pred == UNPARSED),
    }


_TAGGED_METRICS = ("acc", "lexicon_acc", "judge_acc", "judge_rate", "unparsed_rate")


def process_results_emobench(doc: Mapping[str, Any], results: list) -> dict[str, Any]:
    """EmoBench ``process_results`` hook: score by task kind, tag values with the sub-task, add provenance.

    Besides the scores of :func:`score_response` / :func:`score_open_response` it returns
    ``acc_image`` or ``acc_video`` (the same value as ``acc``, under the doc's modality:
    a group then also shows its per-modality means, since lmms-eval runs no two groups
    that share tasks in one run) and ``sources`` (``<source>/<split>`` of the doc).
    """
    response = results[0] if results else ""
    if isinstance(response, (list, tuple)):
        response = response[0] if response else ""
    if doc["task"] == "emotion_open":
        scores = score_open_response(doc, str(response))
    else:
        scores = score_response(doc, str(response))
    subtask = doc["task"]
    for key in _TAGGED_METRICS:
        if key in scores and scores[key] is not None:
            scores[key] = {"score": scores[key], "subtask": subtask}
    scores[f"acc_{doc['modality']}"] = scores["acc"]
    for key in ("macro_f1", "per_class_acc"):
        scores[key] = {**scores[key], "subtask": subtask}
    scores["sources"] = f"{doc['source']}/{doc['split']}"
    if doc["task"] == "emotion_open":
        scores["scoring"] = _open_scoring_name()
    return scores


def _open_scoring_name() -> str:
    from lmms_emotion.judge import active_judge
    from lmms_emotion.lexicon import LEXICON_VERSION

    judge = active_judge()
    name = f"lexicon v{LEXICON_VERSION}"
    return f"{name} + judge {judge.settings.model}" if judge is not None else name


class SubtaskScore(float):
    """A task's aggregated score that remembers its EmoBench sub-task (``.subtask``).

    It prints, compares and serialises as the plain float it is; only
    :func:`aggregate_subtask_mean` reads the tag.
    """

    subtask: str | None

    def __new__(cls, value: float, subtask: str | None = None) -> SubtaskScore:
        obj = super().__new__(cls, value)
        obj.subtask = subtask
        return obj

    def __reduce__(self):
        return (SubtaskScore, (float(self), self.subtask))


def _subtask_of(items: list) -> str | None:
    kinds = {item.get("subtask") for item in items if isinstance(item, Mapping)}
    return kinds.pop() if len(kinds) == 1 else None


def aggregate_score(items: list) -> SubtaskScore | None:
    """Task aggregation of ``{"score", "subtask"}`` values: their mean, tagged; None when no item has a score."""
    scored = [item for item in items if isinstance(item, Mapping) and item.get("score") is not None]
    if not scored:
        return None
    return SubtaskScore(sum(float(item["score"]) for item in scored) / len(scored), _subtask_of(scored))


def aggregate_macro_f1_tagged(items: list[Mapping[str, Any]]) -> SubtaskScore:
    """:func:`aggregate_macro_f1`, tagged with the items' sub-task."""
    return SubtaskScore(aggregate_macro_f1(items), _subtask_of(items))


def aggregate_sources(items: list[str]) -> str:
    """Which source datasets and splits a task's samples came from: ``emoset/test=4, fi/test=4``."""
    from collections import Counter

    counts = Counter(str(item) for item in items)
    return ", ".join(f"{name}={n}" for name, n in sorted(counts.items()))


def aggregate_scoring(items: list[str]) -> str:
    """How open-set answers were scored (``lexicon v1`` or ``lexicon v1 + judge <model>``); logs judge usage."""
    from lmms_emotion.judge import active_judge

    judge = active_judge()
    if judge is not None:
        print(f"[lmms-emotion] judge: {judge.describe_stats()}", file=sys.stderr, flush=True)
    return ", ".join(sorted({str(item) for item in items}))


def aggregate_subtask_mean(metrics: list, sizes: list[int], weight_by_size: bool = False) -> float | None:
    """EmoBench group aggregation: the unweighted mean over sub-tasks of each sub-task's pooled score.

    lmms-eval hands a group the values of its *leaf tasks* (nested groups flattened), so
    each value carries its sub-task (:class:`SubtaskScore`). Tasks of one sub-task (its
    image and video tasks) are pooled by sample count (the sub-task's score over all its
    samples); the sub-tasks then count equally (EmoBench's six-task mean). With
    ``weight_by_size`` every sample counts equally instead. Values that are not numbers
    (``per_class_acc`` dictionaries, matched by lmms-eval's substring rule; ``judge_acc``
    without a judge) or carry no sub-task give None (shown as N/A).
    """
    if not metrics or not all(isinstance(m, (int, float)) and not isinstance(m, bool) for m in metrics):
        return None
    if weight_by_size:
        return sum(m * n for m, n in zip(metrics, sizes)) / sum(sizes)
    pooled: dict[str, list[tuple[float, int]]] = {}
    for metric, size in zip(metrics, sizes):
        subtask = getattr(metric, "subtask", None)
        if subtask is None:
            return None
        pooled.setdefault(subtask, []).append((float(metric), int(size)))
    means = [sum(m * n for m, n in pairs) / sum(n for _, n in pairs) for pairs in pooled.values()]
    return sum(means) / len(means)
