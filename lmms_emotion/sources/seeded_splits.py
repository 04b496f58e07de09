"""Seeded, class-stratified splits for releases without official ones, and closed-set emotion
records built from listed images with them."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from lmms_emotion.records import Media, Record
from lmms_emotion.sources.builder_api import BuildOptions, IssueLog
from lmms_emotion.sources.media_checks import PendingItem, keep_readable

T = TypeVar("T")


def stratified_split(items: Sequence[T], *, key: Callable[[T], Hashable], test_fraction: float, seed: int,
                     order_key: Callable[[T], str]) -> tuple[list[T], list[T]]:
    """Seeded, class-stratified (train, test) split.

    Items are first sorted by ``order_key`` so the result does not depend on the order
    the raw folder was listed in; each class then contributes ``round(n * test_fraction)``
    items (at least one when it has two or more) to the test side.
    """
    by_class: dict[Hashable, list[T]] = defaultdict(list)
    for item in sorted(items, key=order_key):
        by_class[key(item)].append(item)
    rng = random.Random(seed)
    train: list[T] = []
    test: list[T] = []
    for cls in sorted(by_class, key=str):
        members = list(by_class[cls])
        rng.shuffle(members)
        n_test = round(len(members) * test_fraction)
        if len(members) >= 2:
            n_test = min(max(n_test, 1), len(members) - 1)
        test.extend(members[:n_test])
        train.extend(members[n_test:])
    return sorted(train, key=order_key), sorted(test, key=order_key)


def stratified_splits(items: Sequence[T], *, key: Callable[[T], Hashable], order_key: Callable[[T], str],
                      fractions: Sequence[tuple[str, float]], seed: int, rest: str = "train") -> dict[str, list[T]]:
    """Seeded, class-stratified splits: each ``(name, fraction)`` of the whole, in order, the rest to ``rest``.

    Repeated :func:`stratified_split`: the first split takes its fraction of every class,
    the next takes its share of what remains, and so on, so ``[("test", 0.15), ("val",
    0.05)]`` gives about 80/5/15.
    """
    remaining = list(items)
    left = 1.0
    splits: dict[str, list[T]] = {}
    for name, fraction in fractions:
        remaining, taken = stratified_split(remaining, key=key, test_fraction=fraction / left, seed=seed,
                                            order_key=order_key)
        splits[name] = taken
        left -= fraction
    splits[rest] = remaining
    return splits


def describe_split(fractions: Sequence[tuple[str, float]], seed: int, rest: str = "train") -> str:
    """The split rule in words, for records' ``meta`` and the manifest."""
    parts = [f"{name} {fraction:.0%}" for name, fraction in fractions]
    parts.append(f"{rest} the rest")
    return f"lmms-emotion seeded class-stratified split (sources.seeded_splits.stratified_splits, seed {seed}): " + ", ".join(parts)


@dataclass(frozen=True)
class ListedImage:
    """One labelled image found in a raw release that has no official split.

    ``where``/``row`` name the place in the raw data that listed it (for error messages);
    ``stratum`` defaults to the label (give e.g. ``(label, object)`` to stratify finer).
    """

    label: str
    rel: str
    path: Path
    source_id: str
    where: str
    row: int | None = None
    meta: dict = field(default_factory=dict)
    stratum: Hashable | None = None


def seeded_image_records(listed: Sequence[ListedImage], *, dataset: str, label_set: str,
                         fractions: Sequence[tuple[str, float]], issues: IssueLog, options: BuildOptions,
                         rule_note: str = "") -> tuple[dict[str, list[Record]], str]:
    """Split listed images with :func:`stratified_splits`, build closed-set emotion records, verify the images.

    Returns the records per split (``train`` plus each split named in ``fractions``) and
    the split rule in words (also stored in every record's ``meta.split_rule``).
    """
    rule = describe_split(fractions, options.seed) + (f"; {rule_note}" if rule_note else "")
    assigned = stratified_splits(listed, key=lambda i: i.label if i.stratum is None else i.stratum,
                                 order_key=lambda i: i.rel, fractions=fractions, seed=options.seed)
    splits: dict[str, list[Record]] = {}
    for split in ("train", *[name for name, _ in fractions]):
        pending = [
            PendingItem(
                Record(id=f"{dataset}/{split}/{item.source_id}", task="emotion_closed", source=dataset, split=split,
                       media=(Media("image", item.rel),), text="", label_set=label_set, answer=item.label,
                       meta={"source_id": item.source_id, **item.meta, "split_rule": rule}),
                item.path, item.where, item.row)
            for item in assigned[split]
        ]
        splits[split] = keep_readable(pending, issues, options, dataset)
    return splits, rule
