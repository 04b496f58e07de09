"""Write a small folder in Intentonomy's layout (``annotations/intentonomy_{split}2020.json`` + ``images/low/``).

Annotation files are COCO-style as DATA.md describes: ``info``, ``categories`` (ids 0-27
with the release's names), ``images`` (``id`` a hex hash, ``filename`` ``low/<id>.jpg``,
``original_id``, ``unsplash_url``) and ``annotations`` — ``category_ids`` lists in val/test,
``category_ids_softprob`` (28 shares, multiples of 1/3) in train.

Per split and category the writer makes ``per_class`` single-intent images, and per split
three multi-intent images: in train one with a unique top share, one with a tie, one with no
intent at all; in val/test two with two ids and one with an empty list.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from lmms_emotion.scoring.labels import INTENTONOMY28
from lmms_emotion.sources.release_labels import INTENTONOMY_RELEASE_NAMES
from lmms_emotion.testing.media_files import write_image

SPLITS = ("train", "val", "test")


def _image_id(split: str, n: int) -> str:
    return hashlib.md5(f"{split}-{n}".encode()).hexdigest()


def _shares(**by_id: float) -> list[float]:
    """28 soft probabilities, zero except ``c<id>=share``."""
    out = [0.0] * len(INTENTONOMY28.labels)
    for key, value in by_id.items():
        out[int(key[1:])] = value
    return out


class _SplitFile:
    """The images and annotations of one split's annotation file, written as they are added."""

    def __init__(self, raw: Path, split: str, seed: int, image_size: tuple[int, int]) -> None:
        self.raw, self.split, self.seed, self.image_size = raw, split, seed, image_size
        self.images: list[dict] = []
        self.annotations: list[dict] = []

    def add(self, counter: int, category_ids: list[int], probs: list[float] | None) -> None:
        image_id = _image_id(self.split, counter)
        write_image(self.raw / "images" / "low" / f"{image_id}.jpg", seed=self.seed * 100003 + counter,
                    size=self.image_size)
        self.images.append({"id": image_id, "filename": f"low/{image_id}.jpg", "original_id": f"u{counter}",
                            "unsplash_url": f"https://images.unsplash.com/photo-{counter}"})
        annotation: dict = {"id": counter, "image_id": image_id}
        if probs is None:
            annotation["category_ids"] = category_ids
        else:
            annotation["category_ids_softprob"] = probs
        self.annotations.append(annotation)

    def write(self, categories: list[dict]) -> None:
        data = {"info": {"year": 2020, "version": "1.0", "description": "generated Intentonomy sample",
                         "date_created": "2020-11-01"},
                "categories": categories, "images": self.images, "annotations": self.annotations}
        path = self.raw / "annotations" / f"intentonomy_{self.split}2020.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data), encoding="utf-8")


def write_intentonomy(raw: str | Path, *, per_class: int = 1, seed: int = 0,
                      image_size: tuple[int, int] = (32, 24)) -> dict:
    """Write the folder; returns expected counts under both label rules.

    ``{"single": {split: {label: n}}, "top": {split: {label: n}}, "excluded": {rule: {split: {reason: n}}}}``.
    """
    raw = Path(raw)
    categories = [{"id": i, "name": name} for i, name in enumerate(INTENTONOMY_RELEASE_NAMES)]
    labels = INTENTONOMY28.labels
    expected: dict = {"single": {}, "top": {}, "excluded": {"single": {}, "top": {}}}
    counter = 0
    for split in SPLITS:
        out = _SplitFile(raw, split, seed, image_size)
        single = {label: per_class for label in labels}
        top = dict(single)
        for index in range(len(labels)):
            for _ in range(per_class):
                counter += 1
                if split == "train":
                    out.add(counter, [], _shares(**{f"c{index}": 2 / 3}))
                else:
                    out.add(counter, [index], None)
        if split == "train":
            extras = [([], _shares(c0=1.0, c5=1 / 3)),    # unique top share: counted under "top" only
                      ([], _shares(c1=2 / 3, c2=2 / 3)),  # tie
                      ([], [0.0] * len(labels))]          # no intent
            top[labels[0]] += 1
            expected["excluded"]["single"][split] = {"multi_label": 2, "no_intent": 1}
            expected["excluded"]["top"][split] = {"tie": 1, "no_intent": 1}
        else:
            extras = [([3, 7], None), ([0, 27], None), ([], None)]
            expected["excluded"]["single"][split] = {"multi_label": 2, "no_intent": 1}
            expected["excluded"]["top"][split] = {"multi_label": 2, "no_intent": 1}
        for category_ids, probs in extras:
            counter += 1
            out.add(counter, category_ids, probs)
        out.write(categories)
        expected["single"][split] = single
        expected["top"][split] = top
    return expected


def write_sample(out: Path) -> dict[str, dict[str, int]]:
    """The ``lmms-emotion sample-data intentonomy`` folder (default ``single`` labels, official splits)."""
    return write_intentonomy(out)["single"]
