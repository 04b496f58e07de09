"""The lmms-eval hooks every emotion task shares; a task folder's ``utils.py`` only binds them.

**Docs.** One doc is one record: ``id``, ``task`` (the task kind),
``source``, ``split``, ``modality``, ``text``, ``label_set``, ``answer``, ``media_types``,
``options`` (:func:`candidate_options`) and ``meta``. Media come as local files
(``media_paths``, the plugin's data root) or as hub columns (``image``; ``video``: a path in
the dataset repository, found through lmms-eval's ``media_resolver``). Docs keep the data's
order (a fixed hash order of their ids), so lmms-eval's ``--limit N`` samples across classes.

**EmoBench scoring** (:func:`process_results_emobench`): every numeric per-sample value is
``{"score": x, "subtask": kind}`` (lmms-eval's CLT stderr reads ``score``), aggregated by
:func:`aggregate_score` into a float that remembers its sub-task (:class:`SubtaskScore`),
so the group aggregation :func:`aggregate_subtask_mean` can average sub-tasks rather than
tasks. :func:`emobench_results_hook` binds the hook to an optional open-set
:class:`~.judge.OpenSetJudge`, which places what the lexicon cannot.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from . import UNPARSED, prompts
from .answers import parse_answer, parse_label
from .labels import get_label_set
from .lexicon import LEXICON_VERSION, place
from .metrics import macro_f1, per_class_accuracy

# --- prompting -------------------------------------------------------------------------------


def candidate_options(task: str, label_set: str) -> list[str]:
    """A doc's ``options``: the labels its prompt lists (closed-set kinds), ``yes``/``no`` (detection), else none."""
    if task in prompts.CLOSED_SET_TASKS or label_set == "yes_no":
        return list(get_label_set(label_set).labels)
    return []


def doc_options(doc: Mapping[str, Any]) -> list[str]:
    """The labels a closed-set prompt lists: the doc's ``options``, else its label set's labels in order."""
    options = doc.get("options")
    return list(options) if options else list(get_label_set(doc["label_set"]).labels)


def _open_image(doc: Mapping[str, Any], path: str):
    from PIL import Image

    try:
        with Image.open(path) as image:
            return image.convert("RGB")
    except FileNotFoundError:
        raise FileNotFoundError(f"doc {doc.get('id')}: image {path} does not exist") from None
    except (OSError, ValueError) as err:
        raise ValueError(f"doc {doc.get('id')}: cannot read image {path}: {err}") from None


def _hub_video(doc: Mapping[str, Any], cache_dir: str | None) -> str:
    import os

    from lmms_eval.tasks._task_utils.media_resolver import resolve_media_reference

    reference = doc.get("video") or ""
    if not reference:
        raise ValueError(f"doc {doc.get('id')}: media_types lists a video but the 'video' column is empty")
    resolved = resolve_media_reference(reference, media_type="video", cache_dir=cache_dir or None)
    if not isinstance(resolved, str) or not os.path.exists(resolved):
        raise FileNotFoundError(
            f"doc {doc.get('id')}: video {reference!r} not found under $HF_HOME/{cache_dir or '<cache_dir>'} "
            "or $LMMS_EVAL_MEDIA_ROOT; let lmms-eval download the dataset repository "
            "(dataset_kwargs video: true) or point LMMS_EVAL_MEDIA_ROOT at a local copy of it")
    return resolved


VIDEO_FRAMES_KEY = "video_as_frames"
"""``lmms_eval_specific_kwargs`` key: give this model each video as N sampled frames (images)."""


def video_frames_setting(lmms_eval_specific_kwargs: Mapping | None) -> int | None:
    """Frames to give a model in place of each video, or None (the file): ``video_as_frames: 8`` in a task
    YAML's ``lmms_eval_specific_kwargs``, for wrappers that read images only (``instructblip``, ``llava_hf``)."""
    value = (lmms_eval_specific_kwargs or {}).get(VIDEO_FRAMES_KEY)
    if value in (None, False, 0):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"lmms_eval_specific_kwargs {VIDEO_FRAMES_KEY}: expected a whole number of frames >= 1, "
                         f"got {value!r}; fix the task YAML")
    return value


def videos_as_frames(visuals: list, lmms_eval_specific_kwargs: Mapping | None) -> list:
    """Replace each video path in ``visuals`` by RGB frames sampled uniformly from it (PIL images, decoded by
    lmms-eval's own ``read_video``) when the model's kwargs set ``video_as_frames``; else return ``visuals``."""
    frames = video_frames_setting(lmms_eval_specific_kwargs)
    if frames is None:
        return visuals
    from lmms_eval.models.model_utils.load_video import read_video
    from PIL import Image

    out: list = []
    for visual in visuals:
        if isinstance(visual, (str, Path)):
            out.extend(Image.fromarray(frame) for frame in read_video(str(visual), num_frm=frames))
        else:
            out.append(visual)
    return out


def visuals(doc: Mapping[str, Any], video_cache_dir: str | None = None) -> list:
    """Images as RGB PIL images, videos as local file paths (lmms-eval's convention), in media order."""
    paths = doc.get("media_paths") or []
    out: list = []
    for i, kind in enumerate(doc["media_types"]):
        local = paths[i] if i < len(paths) else None
        if kind == "image":
            image = doc.get("image")
            if image is not None:
                out.append(image.convert("RGB"))
            elif local:
                out.append(_open_image(doc, local))
            else:
                raise ValueError(f"doc {doc.get('id')}: media_types lists an image but it has no 'image' "
                                 "column and no media_paths")
        else:
            out.append(local if local else _hub_video(doc, video_cache_dir))
    return out


def visual_hook(video_cache_dir: str | None) -> Callable[..., list]:
    """A ``doc_to_visual`` hook: :func:`visuals` with hub videos under ``$HF_HOME/<video_cache_dir>``
    (None: lmms-eval's default cache), or sampled frames for models whose task kwargs set
    ``video_as_frames`` (:func:`videos_as_frames`)."""

    def doc_to_visual(doc: Mapping[str, Any], lmms_eval_specific_kwargs: Mapping | None = None) -> list:
        return videos_as_frames(visuals(doc, video_cache_dir), lmms_eval_specific_kwargs)

    return doc_to_visual


doc_to_visual = visual_hook(None)
"""The ``doc_to_visual`` hook, hub videos in lmms-eval's default cache (:func:`visual_hook`)."""


def question(doc: Mapping[str, Any]) -> str:
    """The question for one doc before styling and pre/post prompts (dispatched on its task kind)."""
    options = doc_options(doc) if doc["task"] in prompts.CLOSED_SET_TASKS else ()
    return prompts.question_for(doc["task"], options=options, modality=doc["modality"], text=doc.get("text") or "")


def doc_to_text(doc: Mapping[str, Any], lmms_eval_specific_kwargs: Mapping | None = None) -> str:
    """The question for one doc, in the prompt style of the task YAML's ``lmms_eval_specific_kwargs``."""
    style = prompts.resolve_style(lmms_eval_specific_kwargs)
    return prompts.apply_style(prompts.wrap(question(doc), lmms_eval_specific_kwargs), style)


def doc_to_messages(doc: Mapping[str, Any], lmms_eval_specific_kwargs: Mapping | None = None) -> list[dict]:
    """One user turn for chat models: the media items (videos as frames where the model's
    kwargs set ``video_as_frames``), then the question."""
    # doc_to_visual's convention: a path is a video, anything else (a PIL image) an image
    content: list[dict] = [{"type": "video" if isinstance(visual, (str, Path)) else "image", "url": visual}
                           for visual in doc_to_visual(doc, lmms_eval_specific_kwargs)]
    content.append({"type": "text", "text": doc_to_text(doc, lmms_eval_specific_kwargs)})
    return [{"role": "user", "content": content}]


def doc_to_target(doc: Mapping[str, Any]) -> str:
    """The gold label."""
    return doc["answer"]


# --- scoring ---------------------------------------------------------------------------------


def strip_prompt_echo(doc: Mapping[str, Any], response: str) -> str:
    """Drop the question from the start of a response that repeats it (lmms-eval 0.7.3's ``instructblip``
    on transformers 5 decodes the prompt too); the echoed option list would be parsed as the answer."""
    text = " ".join(response.split())
    for style in prompts.PROMPT_STYLES:
        asked = " ".join(prompts.apply_style(question(doc), style).split())
        if text.lower().startswith(asked.lower()):
            return text[len(asked):].strip()
    return response


def _first_response(results: list) -> str:
    response = results[0] if results else ""
    if isinstance(response, (list, tuple)):
        response = response[0] if response else ""
    return str(response or "")


def score_response(doc: Mapping[str, Any], response: str) -> dict[str, Any]:
    """Parse one closed-set or yes/no response and return the per-sample metric values."""
    response = strip_prompt_echo(doc, response or "")
    # Our prompts list the options without letters or numbers, so a bare "A" or "2" is not
    # read as an option reference (options=None); the parser still resolves words and synonyms.
    concept = doc["task"] if doc["label_set"] == "yes_no" else None  # hate, humor or sarcasm
    pred = parse_answer(response, doc["label_set"], options=None, concept=concept)
    item = {"id": doc["id"], "gold": doc["answer"], "pred": pred, "label_set": doc["label_set"]}
    return {"acc": float(pred == doc["answer"]), "macro_f1": item, "per_class_acc": item,
            "unparsed_rate": float(pred == UNPARSED)}


def process_results(doc: Mapping[str, Any], results: list) -> dict[str, Any]:
    """``process_results`` hook of the closed-set tasks: ``results[0]`` is the model's text."""
    return score_response(doc, _first_response(results))


def utf8_safe(value: Any) -> Any:
    """``value`` with every string made encodable as UTF-8 (lone surrogates become U+FFFD), lists kept."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
            return value
        except UnicodeEncodeError:
            return "".join("\ufffd" if "\ud800" <= char <= "\udfff" else char for char in value)
    if isinstance(value, (list, tuple)):
        return type(value)(utf8_safe(item) for item in value)
    return value


class UTF8SafeReplies:
    """lmms-eval filter (first step of every task's ``filter_list``): replies safe to write as UTF-8.

    A reply holding lone surrogates makes lmms-eval's sample writer fail and leave the samples
    file empty; samples log the *filtered* replies, so a filter reaches every model wrapper.
    """

    def __init__(self, **_kwargs: Any) -> None:
        pass

    def apply(self, resps: list, docs: list) -> list:
        """Each instance's reply list with lone surrogates replaced by U+FFFD."""
        return [utf8_safe(replies) for replies in resps]


def _labels_of(items: list[Mapping[str, Any]]) -> list[str]:
    labels: list[str] = []
    for name in sorted({item["label_set"] for item in items}):
        labels.extend(label for label in get_label_set(name).labels if label not in labels)
    return labels


def aggregate_macro_f1(items: list[Mapping[str, Any]]) -> float:
    """Macro-F1 over the task's label set (unparsed answers count as wrong)."""
    return macro_f1([i["gold"] for i in items], [i["pred"] for i in items], _labels_of(items))


class PerClassAccuracy(dict):
    """``{class: accuracy}`` that lmms-eval's printed results table leaves out.

    lmms-eval 0.7.3's ``make_table`` prints dict values inline (500-800 characters a row) and skips
    any value whose ``len()`` is 0. So ``len()`` is 0 (``bool()`` True) while iteration, ``items()``,
    ``json.dumps``, copying and pickling read the real dict; :attr:`num_classes` counts the classes.
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
    return PerClassAccuracy(per_class_accuracy([i["gold"] for i in items], [i["pred"] for i in items],
                                               _labels_of(items)))


def aggregate_group_mean(metrics: list, sizes: list[int], weight_by_size: bool = False) -> float | None:
    """Group aggregation (``aggregate_metric_list``): the mean of the subtasks' scores; None (N/A) for the
    ``per_class_acc`` dictionaries that lmms-eval's substring match on ``acc`` also selects."""
    if not metrics or not all(isinstance(m, (int, float)) for m in metrics):
        return None
    weights = sizes if weight_by_size else [1] * len(metrics)
    return sum(m * w for m, w in zip(metrics, weights)) / sum(weights)


# --- EmoBench: open-set scoring, sub-task tags, provenance -------------------------------------


def score_open_response(doc: Mapping[str, Any], response: str, judge=None) -> dict[str, Any]:
    """Score one open-set (Emo-O) answer: the lexicon first, then ``judge`` (an :class:`~.judge.OpenSetJudge`).

    Values: ``acc`` (final), ``lexicon_acc``, ``judge_acc`` and ``judge_rate`` (the judge was asked; both
    None without a judge), ``unparsed_rate``, and items with ``scored_by`` (``lexicon``, ``judge``,
    ``judge_error`` or ``none``).
    """
    response = strip_prompt_echo(doc, response or "")
    gold, label_set = doc["answer"], doc["label_set"]
    lexicon_pred = place(response, label_set)
    pred, scored_by = lexicon_pred, ("lexicon" if lexicon_pred != UNPARSED else "none")
    if judge is not None and lexicon_pred == UNPARSED:
        verdict = judge.ask(response, get_label_set(label_set).labels)
        pred = UNPARSED if verdict.reply is None else parse_label(verdict.reply, label_set)
        scored_by = "judge_error" if verdict.error else "judge"
    item = {"id": doc["id"], "gold": gold, "pred": pred, "label_set": label_set, "scored_by": scored_by,
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


def score_emobench(doc: Mapping[str, Any], response: str, judge=None) -> dict[str, Any]:
    """Score one EmoBench doc by its task kind, tag values with the sub-task, add provenance: also
    ``acc_image``/``acc_video`` (``acc`` under the doc's modality, so a group shows per-modality means)
    and ``sources`` (``<source>/<split>``)."""
    is_open = doc["task"] == "emotion_open"
    scores = score_open_response(doc, response, judge) if is_open else score_response(doc, response)
    subtask = doc["task"]
    for key in _TAGGED_METRICS:
        if scores.get(key) is not None:
            scores[key] = {"score": scores[key], "subtask": subtask}
    scores[f"acc_{doc['modality']}"] = scores["acc"]
    for key in ("macro_f1", "per_class_acc"):
        scores[key] = {**scores[key], "subtask": subtask}
    scores["sources"] = f"{doc['source']}/{doc['split']}"
    if is_open:
        scores["scoring"] = scoring_name(judge)
    return scores


def emobench_results_hook(judge=None) -> Callable[[Mapping[str, Any], list], dict[str, Any]]:
    """The EmoBench ``process_results`` hook bound to ``judge`` (None: the lexicon alone)."""

    def process_results_emobench(doc: Mapping[str, Any], results: list) -> dict[str, Any]:
        return score_emobench(doc, _first_response(results), judge)

    return process_results_emobench


process_results_emobench = emobench_results_hook()
"""EmoBench ``process_results`` hook without a judge (the lexicon alone scores open-set answers)."""


def scoring_name(judge=None) -> str:
    """How open-set answers are scored: ``lexicon v1`` or ``lexicon v1 + judge <provider>/<model>``."""
    name = f"lexicon v{LEXICON_VERSION}"
    return f"{name} + judge {judge.settings.describe()}" if judge is not None else name


class SubtaskScore(float):
    """A task's aggregated score that remembers its EmoBench sub-task (``.subtask``); it prints, compares
    and serialises as the plain float it is, only :func:`aggregate_subtask_mean` reads the tag."""

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
    counts = Counter(str(item) for item in items)
    return ", ".join(f"{name}={n}" for name, n in sorted(counts.items()))


def aggregate_scoring(items: list[str]) -> str:
    """How open-set answers were scored (``lexicon v1`` or ``lexicon v1 + judge ...``); logs each judge's usage."""
    from .judge import active_judges

    for judge in active_judges():
        print(f"[emotion scoring] judge: {judge.describe_stats()}", file=sys.stderr, flush=True)
    return ", ".join(sorted({str(item) for item in items}))


def aggregate_subtask_mean(metrics: list, sizes: list[int], weight_by_size: bool = False) -> float | None:
    """EmoBench group aggregation: the unweighted mean over sub-tasks of each sub-task's pooled score.

    lmms-eval hands a group its *leaf tasks'* values, each tagged with its sub-task (:class:`SubtaskScore`).
    A sub-task's tasks (image, video) are pooled by sample count; the sub-tasks then count equally
    (EmoBench's six-task mean); ``weight_by_size``: every sample counts equally. Values that are no number
    (``per_class_acc`` dicts, ``judge_acc`` without a judge) or carry no sub-task give None (N/A).
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
