"""How each public dataset release spells its labels, mapped onto the scoring package's label sets.

A *dataset table* says which label set a dataset uses and how its raw annotation strings
(folder names, CSV values, class indices) map onto canonical labels. Only the dataset
builders (``lmms_emotion.sources``) and the raw-release writers of the test kit
(``lmms_emotion.testing.raw_*``) read these; scoring never sees a raw spelling, so the
tables stay out of the exported ``lmms_emotion.scoring`` package.

The releases' own spellings and orders are data (``release_labels.json`` beside this module):
WEBEmo's class index order, MIntRec's label names and Intentonomy's category names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from lmms_emotion.scoring.labels import (
    EKMAN6,
    INTENTONOMY28,
    MELD7,
    MIKELS8,
    MINTREC20,
    UNBIASEDEMO6,
    WEBEMO25,
    WEBEMO_7_TO_2,
    WEBEMO_25_TO_7,
    YES_NO,
    LabelSet,
    get_label_set,
)

_DATA_PATH = Path(__file__).with_name("release_labels.json")


def _release_names(name: str, label_set: LabelSet | None = None) -> tuple[str, ...]:
    """One list of ``release_labels.json``; with ``label_set``, checked to name one raw string per label."""
    try:
        names = tuple(json.loads(_DATA_PATH.read_text(encoding="utf-8"))[name])
    except (OSError, ValueError, KeyError) as err:
        raise RuntimeError(f"{_DATA_PATH}: cannot read the table {name} ({type(err).__name__}: {err}); "
                           "reinstall lmms-emotion or restore the file from the repository") from None
    if label_set is not None and len(names) != len(label_set):
        raise RuntimeError(f"{_DATA_PATH}: {name} has {len(names)} names but label set {label_set.name} has "
                           f"{len(label_set)} labels; list one raw name per label, in label order")
    return names


WEBEMO_RELEASE_ORDER: tuple[str, ...] = _release_names("WEBEMO_RELEASE_ORDER", WEBEMO25)
"""WEBEmo's class index order (``train25.txt``/``test25.txt`` label i), in the release's own
spelling (``cheerfullness``, ``irritabilty``); alphabetical."""

MINTREC_RELEASE_NAMES: tuple[str, ...] = _release_names("MINTREC_RELEASE_NAMES", MINTREC20)
"""MIntRec's label column values (``Apologise``, ``Ask for help``), index-aligned with ``MINTREC20.labels``."""

INTENTONOMY_RELEASE_NAMES: tuple[str, ...] = _release_names("INTENTONOMY_RELEASE_NAMES", INTENTONOMY28)
"""Intentonomy's category names as its annotation files spell them, index = category id."""

MINTREC_COARSE: dict[str, str] = {
    canonical: ("express emotions or attitudes" if index < 11 else "achieve goals")
    for index, canonical in enumerate(("complain", "praise", "apologize", "thank", "criticize", "agree", "taunt",
                                       "flaunt", "joke", "oppose", "care", "comfort", "inform", "advise",
                                       "arrange", "introduce", "leave", "prevent", "greet", "ask for help"))
}
"""MIntRec's two coarse intents (its README's grouping): 11 'express emotions or attitudes', 9 'achieve goals'."""


def webemo_levels(fine_label: str) -> tuple[str, str]:
    """The (middle, top) WEBEmo labels above a 25-level label."""
    middle = WEBEMO_25_TO_7[fine_label]
    return middle, WEBEMO_7_TO_2[middle]


@dataclass(frozen=True)
class DatasetTable:
    """How one public dataset's raw annotation strings map onto a label set."""

    dataset: str
    label_set: str
    raw_to_label: Mapping[str, str]

    def __post_init__(self) -> None:
        labels = get_label_set(self.label_set)
        for raw, label in self.raw_to_label.items():
            if label not in labels:
                raise ValueError(f"{self.dataset}: raw label {raw!r} maps to {label!r}, not in {self.label_set}")

    def label_for(self, raw: str) -> str | None:
        """Canonical label for a raw annotation string (case-insensitive), or None."""
        return self.raw_to_label.get(raw.strip().lower())

    def known_raw(self) -> list[str]:
        """Every raw string the table knows, sorted (for error messages)."""
        return sorted(self.raw_to_label)


def _identity_table(dataset: str, label_set: LabelSet, **extra: str) -> DatasetTable:
    return DatasetTable(dataset, label_set.name, {**{label: label for label in label_set.labels}, **extra})


def _named_table(dataset: str, label_set: LabelSet, raw_names: tuple[str, ...], *, by_index: bool = False,
                 **extra: str) -> DatasetTable:
    """Raw names (any case; index-aligned with the labels) -> labels; ``by_index`` also maps ``"0"``, ``"1"``, ..."""
    mapping = {label: label for label in label_set.labels}
    for index, (raw, label) in enumerate(zip(raw_names, label_set.labels)):
        mapping[raw.lower()] = label
        if by_index:
            mapping[str(index)] = label
    return DatasetTable(dataset, label_set.name, {**mapping, **extra})


def _webemo_table() -> DatasetTable:
    """WEBEmo's raw labels: the class index in its lists, or a class name in either spelling."""
    mapping = {label: label for label in WEBEMO25.labels}
    for index, raw in enumerate(WEBEMO_RELEASE_ORDER):
        canonical = {"cheerfullness": "cheerfulness", "irritabilty": "irritability"}.get(raw, raw)
        mapping[str(index)] = canonical
        mapping[raw] = canonical
    return DatasetTable("webemo", WEBEMO25.name, mapping)


def _yes_no_table(dataset: str, yes: tuple[str, ...], no: tuple[str, ...]) -> DatasetTable:
    return DatasetTable(dataset, YES_NO.name, {**{raw: "yes" for raw in yes}, **{raw: "no" for raw in no}})


DATASET_TABLES: dict[str, DatasetTable] = {table.dataset: table for table in (
    # EmoSet-118K folder and annotation names, FI's folders: the Mikels labels themselves.
    _identity_table("emoset", MIKELS8),
    _identity_table("fi", MIKELS8),
    # ArtPhoto file-name prefixes and Abstract's vote-table columns shorten two labels.
    _identity_table("artphoto", MIKELS8, sad="sadness", content="contentment"),
    _identity_table("abstract", MIKELS8, sad="sadness", content="contentment"),
    # Emotion6 and EmotionROI (the same 1,980 images): folders named by the Ekman label.
    _identity_table("emotion6", EKMAN6),
    _identity_table("emotionroi", EKMAN6),
    _identity_table("unbiasedemo", UNBIASEDEMO6),
    _webemo_table(),
    # MELD's Emotion column: the seven labels in lower case.
    _identity_table("meld", MELD7),
    # MIntRec's label column: the benchmark spelling ("Apologise", "Ask for help"), case-insensitive,
    # plus the snake-case spellings some redistributions use.
    _named_table("mintrec", MINTREC20, MINTREC_RELEASE_NAMES, apologise="apologize", ask_help="ask for help",
                 ask_for_help="ask for help", criticise="criticize"),
    # Intentonomy: category names and category ids.
    _named_table("intentonomy", INTENTONOMY28, INTENTONOMY_RELEASE_NAMES, by_index=True),
    # Binary sources: their raw label values.
    _yes_no_table("hateful_memes", yes=("1", "hateful"), no=("0", "not-hateful", "not_hateful")),
    _yes_no_table("mmsd2", yes=("1",), no=("0",)),
    _yes_no_table("memotion", yes=("funny", "very_funny", "hilarious"), no=("not_funny",)),
    _yes_no_table("mustard", yes=("true", "1"), no=("false", "0")),
    _yes_no_table("urfunny", yes=("1", "true"), no=("0", "false")),
)}


def get_dataset_table(dataset: str) -> DatasetTable:
    """Look up a dataset table by dataset name."""
    try:
        return DATASET_TABLES[dataset]
    except KeyError:
        raise KeyError(f"no label table for dataset {dataset!r}; known: {', '.join(sorted(DATASET_TABLES))}") from None
