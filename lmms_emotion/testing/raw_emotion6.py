"""Write a small folder in Emotion6's published layout (``ground_truth.txt`` + ``images/<category>/``).

Vote shares are made from 15 annotators per image (as in Emotion6) in four patterns per
category, so both label rules are exercised: the category wins; another emotion wins;
neutral wins; two emotions tie.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from lmms_emotion.scoring.labels import EKMAN6
from lmms_emotion.testing.media_files import write_image

HEADER = ("[image_filename]", "[valence]", "[arousal]", "[prob. anger]", "[prob. disgust]", "[prob. fear]",
          "[prob. joy]", "[prob. sadness]", "[prob. surprise]", "[prob. neutral]")
VOTE_ORDER = (*EKMAN6.labels, "neutral")


def _votes(category: str, pattern: str) -> dict[str, int]:
    labels = list(EKMAN6.labels)
    other = labels[(labels.index(category) + 1) % len(labels)]
    third = labels[(labels.index(category) + 2) % len(labels)]
    votes = dict.fromkeys(VOTE_ORDER, 0)
    if pattern == "category":
        votes.update({category: 9, "neutral": 2, other: 2, third: 2})
    elif pattern == "other":
        votes.update({other: 7, category: 4, "neutral": 2, third: 2})
    elif pattern == "neutral":
        votes.update({"neutral": 8, category: 4, other: 3})
    else:  # tie
        votes.update({category: 5, other: 5, "neutral": 3, third: 2})
    return votes


PATTERNS = ("category", "other", "neutral", "tie", "category")


def write_emotion6(raw: str | Path, *, per_class: int = 5, seed: int = 0, image_size: tuple[int, int] = (32, 24)) -> dict:
    """Write the folder; returns the expected counts under both label rules.

    ``{"category": {label: n}, "votes": {label: n}, "excluded": {"neutral": n, "tie": n}}``.
    Image ``i`` (1-based) of a category follows ``PATTERNS[(i - 1) % 5]``.
    """
    raw = Path(raw)
    lines = ["\t".join(HEADER)]
    by_category: Counter = Counter()
    by_votes: Counter = Counter()
    excluded: Counter = Counter()
    counter = 0
    for category in EKMAN6.labels:
        for n in range(1, per_class + 1):
            counter += 1
            rel = f"{category}/{n}.jpg"
            write_image(raw / "images" / rel, seed=seed * 100003 + 17 * counter, size=image_size)
            pattern = PATTERNS[(n - 1) % len(PATTERNS)]
            votes = _votes(category, pattern)
            shares = [f"{votes[name] / 15:.4f}" for name in VOTE_ORDER]
            valence, arousal = 1 + (counter % 9), 1 + ((counter * 5) % 9)
            lines.append("\t".join([rel, f"{valence:.1f}", f"{arousal:.1f}", *shares]))
            by_category[category] += 1
            if pattern in ("neutral", "tie"):
                excluded[pattern] += 1
            else:
                by_votes[max(EKMAN6.labels, key=lambda label: votes[label])] += 1
    (raw / "ground_truth.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"category": dict(by_category), "votes": dict(by_votes), "excluded": dict(excluded)}


def write_sample(out: Path) -> dict[str, dict[str, int]]:
    """The ``lmms-emotion sample-data emotion6`` folder (default ``category`` labels, no official split)."""
    return {"all": write_emotion6(out)["category"]}
