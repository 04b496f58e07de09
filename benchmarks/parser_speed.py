"""Answer-parser speed: replies per second, the current parser versus a frozen earlier one.

The "before" arm is the parser, lexicon and label-set tables as they stood at ``--before``
(a commit; by default the last one before the issue-15 rules), loaded with ``git show``
into throw-away modules, so both arms score the very same replies, each with its own
word tables. The replies are
generated deterministically in the styles of LLaVA-1.5 (short labels), InstructBLIP
(lower-case fragments), Qwen2-VL (sentences, lists) and GPT-4o (markdown, reasoning then
``Final answer:``), over closed sets, open-set (lexicon) answers and yes/no questions,
with a share of refusals, hedges and misspellings.

Rounds alternate the arms (before, after, after, before, ...) so drift on a shared machine
hits both alike; the script prints each round, the medians and the ratio after/before, in
wall-clock and in CPU seconds of its own process (steadier when other jobs share the CPU).

    python benchmarks/parser_speed.py                 # 100,000 replies, 3 rounds
    python benchmarks/parser_speed.py --replies 20000 --rounds 5
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BEFORE_COMMIT = "a0eebc9a597e63f8563835be82155b3211c1d1c4"
"""The last commit that changed answers.py, lexicon.py and taxonomy.py before the issue-15 rules."""

_LABEL_WORDS = {
    "mikels8": ["amusement", "awe", "contentment", "excitement", "anger", "disgust", "fear", "sadness",
                "scared", "joyful", "peaceful", "thrilled", "furious", "gross", "gloomy", "breathtaking"],
    "ekman6": ["anger", "disgust", "fear", "joy", "sadness", "surprise", "happy", "shocked", "terrified"],
    "webemo7": ["anger", "confusion", "fear", "joy", "love", "sadness", "surprise", "romantic", "nostalgia",
                "pride", "envy", "relief"],
    "meld7": ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise", "calm", "annoyed"],
    "mintrec20": ["complain", "praise", "apologize", "thank", "joke", "inform", "greet", "ask for help"],
}
_TYPOS = ["suprised", "happyness", "excitemnt", "fearfull", "sadnes", "disgusst", "angery", "contentmnet"]
_OPEN_WORDS = ["nostalgic", "a quiet melancholy", "over the moon", "serene", "on edge", "bittersweet",
               "wistful", "hopeful", "creeped out", "tranquil", "jittery", "heartwarming"]
_TEMPLATES = [
    "{w}", "{W}.", "**{W}**", "{w}</s>", "Answer: {w}", "Predict emotion: {w}",
    "The emotion conveyed by this image is {w}.",
    "The image shows a family at the beach under a bright sky, which evokes {w}.",
    "I think the person looks {w}, judging by the clenched jaw and the dark background.",
    "1. Facial expression: the eyes are wide.\n2. Scene: a narrow alley at night, not a calm place.\n"
    "3. Colour: muted greys.\nFinal answer: {w}",
    "Let's analyse the cues. The lighting is dim and nobody smiles, so it is not joyful. "
    "The posture is tense. **Final answer:** {W}",
    "The overall feeling is {w}, although a viewer might also sense {v}.",
    "A little {v}, but mostly {w}.",
    "Either {w} or {v}.",
    "The dominant emotion is {w}; there is no sign of {v}.",
    "- Emotion: {w}\n- Confidence: high",
]
_REFUSALS = [
    "I'm sorry, but I cannot determine the emotion from this image.",
    "It is hard to tell what the person feels.", "asdf qwerty", "The image shows a dog on a sofa.",
]
_YES_NO = [
    ("Yes.", "humor"), ("No, it is a serious news photo.", "humor"), ("Yes, the meme is hateful.", "hate"),
    ("No. The caption is a sincere thank-you.", "sarcasm"), ("The tweet is clearly sarcastic.", "sarcasm"),
    ("Honestly, yes: the caption mocks the weather forecast.", "sarcasm"),
    ("Some viewers could take it as mocking, others as harmless fun.", "sarcasm"),
    ("It is not trying to get a laugh; it is a sad story.", "humor"),
    ("**No** - there is nothing offensive about it.", "hate"),
    ("The meme attacks immigrants with a slur. Final answer: yes", "hate"),
    ("Humour is subjective here.", "humor"),
]


def make_replies(n: int, seed: int = 0) -> list[tuple[str, str, str | None, str]]:
    """``n`` replies as (kind, text, label set or concept, ...): kind is label, open or yes_no."""
    rng = random.Random(seed)
    replies: list[tuple[str, str, str | None, str]] = []
    sets = list(_LABEL_WORDS)
    for _ in range(n):
        roll = rng.random()
        if roll < 0.15:
            text, concept = rng.choice(_YES_NO)
            replies.append(("yes_no", text, concept, ""))
            continue
        label_set = rng.choice(sets)
        if roll < 0.2:
            replies.append(("label", rng.choice(_REFUSALS), label_set, ""))
            continue
        words = _LABEL_WORDS[label_set]
        if roll < 0.3:
            w, kind, label_set = rng.choice(_OPEN_WORDS), "open", "mikels8"
        elif roll < 0.33:
            w, kind = rng.choice(_TYPOS), "label"
        else:
            w, kind = rng.choice(words), "label"
        v = rng.choice(words)
        text = rng.choice(_TEMPLATES).format(w=w, W=w.capitalize(), v=v)
        replies.append((kind, text, label_set, ""))
    return replies


def _load_before(commit: str) -> tuple[Callable, Callable, Callable]:
    """The parser and lexicon at ``commit``, as fresh modules beside the current package."""
    modules = {}
    for name in ("taxonomy", "answers", "lexicon"):  # the word tables too: both arms read their own forms
        source = subprocess.run(["git", "show", f"{commit}:lmms_emotion/{name}.py"], cwd=REPO, check=True,
                                capture_output=True, text=True).stdout
        source = source.replace("lmms_emotion.answers", "_parser_before_answers")
        source = source.replace("lmms_emotion.taxonomy", "_parser_before_taxonomy")
        module = types.ModuleType(f"_parser_before_{name}")
        sys.modules[module.__name__] = module
        exec(compile(source, f"{commit[:8]}:lmms_emotion/{name}.py", "exec"), module.__dict__)
        modules[name] = module
    return modules["answers"].parse_label, modules["answers"].parse_yes_no, modules["lexicon"].place


def _run(replies, parse_label: Callable, parse_yes_no: Callable, place: Callable) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) to read every reply once."""
    start, cpu = time.perf_counter(), time.process_time()
    for kind, text, target, _ in replies:
        if kind == "yes_no":
            parse_yes_no(text, target)
        elif kind == "open":
            place(text, target)
        else:
            parse_label(text, target)
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replies", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", default=BEFORE_COMMIT, help="commit of the frozen parser (default: %(default)s)")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))
    from lmms_emotion.scoring.answers import parse_label, parse_yes_no
    from lmms_emotion.scoring.lexicon import place

    arms = {"before": _load_before(args.before), "after": (parse_label, parse_yes_no, place)}
    replies = make_replies(args.replies)
    warm = replies[:2000]
    for fns in arms.values():
        _run(warm, *fns)  # compile and cache every matcher outside the timed rounds
    times: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
    n = len(replies)
    print(f"{n:,} replies, before = {args.before[:10]}")
    for round_no in range(args.rounds):
        order = ("before", "after") if round_no % 2 == 0 else ("after", "before")
        for arm in order:
            wall, cpu = _run(replies, *arms[arm])
            times[arm].append((wall, cpu))
            print(f"round {round_no + 1} {arm:>6}: {wall:7.2f} s wall {n / wall:9,.0f} replies/s   "
                  f"{cpu:7.2f} s CPU {n / cpu:9,.0f} replies/CPU-s")
    for i, clock in enumerate(("wall", "CPU")):
        before = statistics.median(t[i] for t in times["before"])
        after = statistics.median(t[i] for t in times["after"])
        print(f"median {clock:>4}: before {before:.2f} s ({n / before:,.0f}/s), after {after:.2f} s "
              f"({n / after:,.0f}/s); after/before = {after / before:.2f}x")


if __name__ == "__main__":
    main()
