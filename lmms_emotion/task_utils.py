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
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Mapping

from lmms_emotion import UNPARSED
from lmms_emotion.paths import data_root, media_root, records_path


class DataNotBuiltError(FileNotFoundError):
    """A task's records are missing from the data root; the message holds the build command."""


# --- loading ---------------------------------------------------------------------------------


def _doc_from_record(record, root: Path) -> dict[str, Any]:
    from lmms_emotion.media import resolve_media_path

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
        "media_paths": [str(resolve_media_path(root, m.path)) for m in record.media],
        "meta": json.dumps(record.meta, sort_keys=True, ensure_ascii=False),
    }


def _matches(doc: Mapping[str, Any], where: Mapping[str, Any] | None) -> bool:
    return all(doc.get(key) == value for key, value in (where or {}).items())


def read_task_docs(index_row: Mapping[str, Any], root: str | Path | None = None) -> list[dict[str, Any]]:
    """Records named by one index row, as lmms-eval docs, in the fixed hash order."""
    from lmms_emotion.records import read_records

    dataset, split = index_row["dataset"], index_row["split"]
    build = index_row.get("build", f"lmms-emotion build-data {dataset} --raw <raw folder>")
    path = records_path(dataset, split, root)
    if not path.is_file():
        raise DataNotBuiltError(
            f"{path} does not exist: the '{dataset}' {split} split has not been built under the data root "
            f"{data_root(root)}.\nBuild it with:\n    {build}\n"
            "(set LMMS_EMOTION_DATA or pass --data-root to use another data root)"
        )
    media = media_root(dataset, root)
    docs = [_doc_from_record(r, media) for r in read_records(path)]
    docs = [d for d in docs if _matches(d, index_row.get("where"))]
    missing = [p for d in docs for p in d["media_paths"] if not Path(p).exists()]
    if missing:
        shown = "\n    ".join(missing[:5])
        raise DataNotBuiltError(
            f"{len(missing)} media file(s) listed in {path} are missing, e.g.:\n    {shown}\n"
            f"The media root {media} must point at the raw '{dataset}' folder. Rebuild with:\n    {build}"
        )
    if not docs:
        raise DataNotBuiltError(f"{path} holds no records matching {index_row.get('where')}; rebuild with:\n    {build}")
    docs.sort(key=lambda d: hashlib.sha1(d["id"].encode("utf-8")).hexdigest())
    return docs


def load_docs(index_dataset):
    """``process_docs`` hook: replace the shipped index with the built records it names."""
    import datasets

    rows = [dict(row) for row in index_dataset]
    docs: list[dict[str, Any]] = []
    for row in rows:
        if isinstance(row.get("where"), str):
            row["where"] = json.loads(row["where"])
        docs.extend(read_task_docs(row))
    return datasets.Dataset.from_list(docs)


# --- prompting -------------------------------------------------------------------------------


def doc_options(doc: Mapping[str, Any]) -> list[str]:
    """The answer options offered in the prompt: the label set's labels in order."""
    from lmms_emotion.taxonomy import get_label_set

    return list(get_label_set(doc["label_set"]).labels)


def doc_to_visual(doc: Mapping[str, Any]) -> list:
    """Images as RGB PIL images, videos as file paths (lmms-eval's convention)."""
    from lmms_emotion.media import open_image

    visuals: list = []
    for kind, path in zip(doc["media_types"], doc["media_paths"]):
        visuals.append(open_image(path) if kind == "image" else path)
    return visuals


def doc_to_text(doc: Mapping[str, Any], lmms_eval_specific_kwargs: Mapping | None = None) -> str:
    """The question for one doc, in the run's prompt style."""
    from lmms_emotion import prompts

    style = prompts.resolve_style(lmms_eval_specific_kwargs)
    return prompts.apply_style(prompts.wrap(_question(doc), lmms_eval_specific_kwargs), style)


def _question(doc: Mapping[str, Any]) -> str:
    """The question for one doc before styling and pre/post prompts."""
    from lmms_emotion import prompts

    return prompts.closed_set_prompt(doc_options(doc), modality=doc["modality"], text=doc.get("text", ""))


def doc_to_messages(doc: Mapping[str, Any], lmms_eval_specific_kwargs: Mapping | None = None) -> list[dict]:
    """One user turn for chat models: the media items, then the question."""
    content: list[dict] = []
    for kind, visual in zip(doc["media_types"], doc_to_visual(doc)):
        content.append({"type": kind, "url": visual})
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
    """Parse one model response and return the per-sample metric values."""
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


def aggregate_per_class_acc(items: list[Mapping[str, Any]]) -> dict[str, float | None]:
    """Accuracy (recall) per gold class."""
    from lmms_emotion.metrics import per_class_accuracy

    return per_class_accuracy([i["gold"] for i in items], [i["pred"] for i in items], _labels_of(items))


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
