"""``emotion_oracle``: an answer-key model for checking task configs and the answer parser end to end.

It reads each request's document (``self.task_dict[task][split][doc_id]``) and answers
from its gold label, phrased in many different ways, so a task wired correctly scores
``acc == 1.0`` with it. The phrasing follows the document's task kind: a label word or
synonym for closed-set emotion; an intent (``The intent is to complain.``); yes/no or a
statement (``It is not sarcastic.``) for hate, humor and sarcasm; and, for open-set
emotion (EmoBench Emo-O), a *synonym* from the emotion lexicon that names no label of
the set (``wistful`` for sadness), so the lexicon is exercised end to end. Two other modes check the failure paths: ``mode=wrong`` answers
a different label of the same set (``acc == 0``) and ``mode=gibberish`` answers nonsense
(``unparsed_rate == 1``). No weights, no GPU; it never opens media.

    lmms-emotion eval --model emotion_oracle --model_args mode=gold --tasks emovit --limit 20
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from lmms_eval.api.instance import Instance
from lmms_eval.api.model import lmms

from lmms_emotion.scoring.labels import get_label_set

MODES = ("gold", "wrong", "gibberish")

_LABEL_PHRASINGS = (
    "{label}",
    "{Label}.",
    "Predict emotion: {label}",
    "The emotion evoked by this image is {label}.",
    "**{Label}**",
    "I would say the dominant feeling here is {synonym}.",
    "Answer: {Label}",
    "Looking at the scene, the overall mood points to {label}. Final answer: {label}",
)
_INTENT_PHRASINGS = (
    "{label}",
    "{Label}.",
    "Answer: {label}",
    "The intent is to {label}.",
    "I would say {synonym}.",
    "Judging by the scene, the intent is to {label}.",
)
_OPEN_PHRASINGS = (
    "{Synonym}",
    "{Synonym}.",
    "Emotion: {synonym}",
    "I would describe it as {synonym}.",
    "The overall feeling is {synonym}.",
    "Looking at it closely, the dominant emotion is {synonym}.",
)
_YES_PHRASINGS = ("Yes", "yes.", "Yes, it is.", "Answer: yes", "Yes - clearly.", "This is {concept}.")
_NO_PHRASINGS = ("No", "no.", "No, it is not.", "Answer: no", "No - not at all.", "It is not {concept}.")
_CONCEPT_WORDS = {"hate": "hateful", "humor": "funny", "sarcasm": "sarcastic"}
_GIBBERISH = ("zxqv blorf", "...", "lorem ipsum dolor", "42 42 42", "I cannot see anything.", "")


def _stable_index(key: str, modulo: int) -> int:
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % modulo


def _synonym(label_set_name: str, label: str, key: str) -> str:
    forms = sorted(form for form, owner in get_label_set(label_set_name).surface_forms().items() if owner == label)
    return forms[_stable_index(key + "/syn", len(forms))]


def _open_synonym(label_set_name: str, label: str, key: str) -> str:
    """A lexicon word for ``label`` that contains no label word of the set (an open-set answer)."""
    from lmms_emotion.scoring.lexicon import synonyms

    label_words = {word for lab in get_label_set(label_set_name).labels for word in lab.split()}
    candidates = [w for w in synonyms(label_set_name, label)
                  if not set(w.replace("-", " ").split()) & label_words]
    return candidates[_stable_index(key + "/open", len(candidates))]


def oracle_answer(doc: dict[str, Any], mode: str) -> str:
    """The oracle's reply to one document."""
    key = str(doc.get("id", ""))
    if mode == "gibberish":
        return _GIBBERISH[_stable_index(key, len(_GIBBERISH))]
    label_set = get_label_set(doc["label_set"])
    gold = doc["answer"]
    label = gold
    if mode == "wrong":
        labels = list(label_set.labels)
        offset = 1 + _stable_index(key, len(labels) - 1)
        label = labels[(labels.index(gold) + offset) % len(labels)]
    task = doc.get("task", "emotion_closed")
    if label_set.name == "yes_no":
        phrasings = _YES_PHRASINGS if label == "yes" else _NO_PHRASINGS
        concept = _CONCEPT_WORDS.get(task)
        if concept is None:
            phrasings = tuple(p for p in phrasings if "{concept}" not in p)
        return phrasings[_stable_index(key, len(phrasings))].format(concept=concept)
    if task == "emotion_open":
        synonym = _open_synonym(label_set.name, label, key)
        template = _OPEN_PHRASINGS[_stable_index(key, len(_OPEN_PHRASINGS))]
        return template.format(synonym=synonym, Synonym=synonym[:1].upper() + synonym[1:])
    phrasings = _INTENT_PHRASINGS if task == "intent" else _LABEL_PHRASINGS
    template = phrasings[_stable_index(key, len(phrasings))]
    return template.format(label=label, Label=label.capitalize(), synonym=_synonym(label_set.name, label, key))


class EmotionOracle(lmms):
    """Answers from the gold label (``mode=gold``), a wrong label (``wrong``) or nonsense (``gibberish``)."""

    def __init__(self, mode: str = "gold", first_request_stamp: str = "", **kwargs: Any) -> None:
        super().__init__()
        if mode not in MODES:
            raise ValueError(f"emotion_oracle: unknown mode {mode!r}; use one of {', '.join(MODES)}")
        self.mode = mode
        self._stamp_path = str(first_request_stamp or "")

    def _stamp_first_request(self) -> None:
        """Write the wall-clock time of the first request (``benchmarks/startup.py`` reads it)."""
        if self._stamp_path:
            with open(self._stamp_path, "w", encoding="utf-8") as handle:
                handle.write(repr(time.time()))
            self._stamp_path = ""

    def generate_until(self, requests: list[Instance]) -> list[str]:
        self._stamp_first_request()
        replies = []
        for request in requests:
            _ctx, _gen_kwargs, _doc_to_visual, doc_id, task, split = request.args
            doc = self.task_dict[task][split][doc_id]
            replies.append(oracle_answer(doc, self.mode))
        return replies

    def loglikelihood(self, requests: list[Instance]) -> list[tuple[float, bool]]:
        raise NotImplementedError("emotion_oracle answers generation requests only")

    def generate_until_multi_round(self, requests: list[Instance]) -> list[str]:
        raise NotImplementedError("emotion_oracle answers single-turn generation requests only")
