"""Model text -> closed-set label, yes/no, or ``"unparsed"``: the one parser every task uses.

Pure Python and :mod:`re`; importing it costs nothing. docs/scoring.md states every rule with
its cues and examples; ``tests/parser_tables/`` and ``tests/test_answers_rules.py`` hold the
parser to them. In order, for a closed-set label (:func:`parse_label`):

1. **Normalise** (:func:`normalize`) and keep the **final segment** (:func:`split_final_answer`):
   the text after the last explicit answer marker (``Final answer:``, ``the dominant emotion
   is``, ``I would say``, ...), else after the last concluding connective (``therefore``), else all.
2. **Misspellings**: a word of five or more letters that is no known word
   (:data:`NEAR_MISS_WORDS`) and within :func:`spelling_tolerance` edits of exactly one
   label's forms is read as that form (``suprised``; never ``fare`` or ``dear``).
3. **Mentions** of the label set's forms on word boundaries, longest first, minus known
   false positives (:data:`FALSE_POSITIVE_CONTEXTS`: ``the content of the image``).
4. **Negation**: a mention is dropped when its clause holds a negation cue before it
   (``not``, ``without``, ``rather than``) or one follows it (``joy is not present``).
5. **Alternatives**: two labels offered as alternatives (``X or Y``, ``X/Y``) give UNPARSED;
   a self-correction (``X, or rather Y``) keeps ``Y``.
6. **Commitment**: a mention after a :data:`COMMITMENT_CUES` cue wins; an
   :data:`EQUAL_WEIGHT_CUES` tie gives UNPARSED; mentions after :data:`SECONDARY_CUES` lose to
   any other; then the first mention after an evocation cue (``evokes``), else the first one.
   Naming more than half of a set's labels (sets of four or more) is an echoed list: UNPARSED.
7. **Option letters** (with ``options``): ``(B)``, ``Option B``, a lone ``B`` or ``2`` name an
   option; disagreeing options or words give UNPARSED. No mention at all: UNPARSED.

A coarse label set (WEBEmo 7 and 2, :data:`.labels.LABEL_HIERARCHY`) takes every word of
its finer set, mapped to the parent. Yes/no answers (:func:`parse_yes_no`): an explicit
answer token (a leading ``Yes``/``No``, also after a :data:`LEAD_INS` lead-in) decides; with a
``concept`` (:data:`.labels.BINARY_CONCEPTS`), statements such as ``the meme is not hateful``
vote too, negation flipping them, except inside questions, ``whether``/``if`` clauses or
:data:`HEDGE_CUES` hedges. Disagreement gives UNPARSED.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from . import UNPARSED
from .labels import LabelSet, get_binary_concept, get_label_set, near_miss_words

NEAR_MISS_WORDS: frozenset[str] = near_miss_words()
"""Real words close to a form, never read as a misspelling (``data/near_words.txt``): English words and
the dataset releases' own spellings (WEBEmo's ``cheerfullness`` names a file's class, not an answer)."""

# --- normalisation ----------------------------------------------------------------------

_REASONING_TAGS = r"think|thinking|reasoning|thought"
_REASONING_BLOCK = re.compile(rf"<({_REASONING_TAGS})>.*?</\1>", re.DOTALL | re.IGNORECASE)
_REASONING_CLOSE = re.compile(rf"</(?:{_REASONING_TAGS})>", re.IGNORECASE)
_REASONING_OPEN = re.compile(rf"<(?:{_REASONING_TAGS})>", re.IGNORECASE)
_ANSWER_TAG_OPEN = re.compile(r"<answer>", re.IGNORECASE)
_ANSWER_TAG_CLOSE = re.compile(r"</answer>", re.IGNORECASE)
_BOXED = re.compile(r"\\boxed\{([^{}]*)\}")
_CHAR_MAP = str.maketrans({
    **{c: "'" for c in "\u2018\u2019\u201a\u201b\u2032\u00b4"},
    **{c: '"' for c in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"},
    **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"},
    **{c: " " for c in "*`\u200b\u200c\u200d\ufeff"},
})
_UNDERLINE = re.compile(r"_{2,}")
_WHITESPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Canonical form of a model answer for matching: reasoning blocks removed (``<think>...</think>``,
    text before a stray closing tag, all after an unclosed opening tag), ``<answer>X</answer>`` and
    ``\\boxed{X}`` as ``answer: X``, NFKC, quotes and dashes unified, markdown emphasis dropped, lower case,
    whitespace collapsed."""
    if not isinstance(text, str):
        return ""
    text = _REASONING_BLOCK.sub(" ", text)
    closes = list(_REASONING_CLOSE.finditer(text))
    if closes:
        text = text[closes[-1].end():]
    opened = _REASONING_OPEN.search(text)
    if opened:
        text = text[: opened.start()]
    text = _ANSWER_TAG_OPEN.sub(" answer: ", text)
    text = _ANSWER_TAG_CLOSE.sub(" ", text)
    text = _BOXED.sub(r" answer: \1 ", text)
    text = unicodedata.normalize("NFKC", text).translate(_CHAR_MAP)
    text = _UNDERLINE.sub(" ", text)
    return _WHITESPACE.sub(" ", text.lower()).strip()


# --- final-answer segment ---------------------------------------------------------------

_EMOTION_ADJ = (r"dominant|primary|main|overall|predominant|prevailing|principal|most likely|likely|"
                r"most prominent|prominent|most appropriate|appropriate|closest|best|strongest|"
                r"most fitting|fitting|most suitable|suitable|key|central|core|general|underlying|"
                r"predicted|final|correct|single|most evident|evident|clear|expressed|evoked|conveyed")
_EMOTION_FILLER = (r"conveyed|evoked|expressed|depicted|shown|displayed|portrayed|elicited|represented|"
                   r"reflected|captured|felt|present|communicated|that|which|is|being|most|strongly|"
                   r"clearly|in|by|from|of|the|this|that|image|picture|photo|photograph|scene|painting|"
                   r"artwork|art|person|people|video|clip|meme|here|it|viewer|viewers")
# Explicit answer markers: the text after the last one is the final answer.
_STRONG_MARKERS = tuple(
    re.compile(p)
    for p in (
        r"\bpredict(?:ed)? emotions?\s*[:\-]",
        r"\bfinal (?:answer|prediction|choice|label)\b\s*(?:is\b|:|-|=)?",
        r"\b(?:answer|response|output|prediction|classification)\s*(?:is\s*)?[:=]",
        (r"\b(?:emotions?|emotional (?:label|category|class)|emotion (?:label|category|class)|"
         r"label|category|class|intent|intention)\s*[:=]"),
        (rf"\b(?:the|this|its|their|his|her|my)\s+"
         rf"(?:(?:{_EMOTION_ADJ}|real|true|actual|speaker's|person's|poster's)\s+){{0,2}}"
         r"(?:intent|intention|purpose|goal)(?:\s+(?:behind|of)\s+(?:it|this|the [a-z]+))?\s+"
         r"(?:is|would be|seems to be|appears to be|is likely|is probably)(?:\s+to)?(?![a-z'])"),
        (r"\b(?:the|my|our|correct|best|right)\s+(?:(?:final|correct|best|right|most appropriate|"
         r"appropriate|only)\s+)?(?:answer|option|choice)\s+(?:is|would be|will be|here is)\b"),
        (rf"\b(?:the|this|its|their|my)\s+(?:(?:{_EMOTION_ADJ})\s+){{0,2}}"
         rf"(?:emotion|emotional tone|emotional response|feeling|sentiment|mood)"
         rf"(?:\s+(?:{_EMOTION_FILLER})){{0,6}}\s+"
         rf"(?:is|would be|seems to be|appears to be|is likely|is most likely|is probably|"
         rf"is best described as|can be described as|could be described as)(?![a-z'])"),
        (r"\bi(?:'d| would| will|'ll)?\s+(?:say|choose|pick|select|go with|guess|answer|opt for|"
         r"classify (?:it|this|the image|the emotion) as|label (?:it|this|the image) as|"
         r"describe (?:it|this|the image|the emotion) as)\b"),
        (r"\b(?:best|most accurately|most appropriately|most aptly|accurately|appropriately)\s+"
         r"(?:be\s+)?(?:described|characteri[sz]ed|categori[sz]ed|classified|labell?ed|"
         r"summari[sz]ed)\s+as\b"),
        r"\b(?:is|be|are)\s+(?:classified|categori[sz]ed|labell?ed)\s+as\b",
        r"\(?yes\s*/\s*no\)?\s*:",
    )
)
# Concluding connectives: used only when no explicit marker is present.
_WEAK_MARKERS = (
    re.compile(r"\b(?:therefore|thus|hence|consequently|in conclusion|to conclude|in summary|"
               r"to summari[sz]e|to sum up|all in all|overall|ultimately|in short)\b"),
)
_LEADING_JUNK = " \t:-=>\"'.,;"


# "several emotions: X, Y, Z" introduces a list, not an answer.
_LIST_INTRO = re.compile(r"\b(?:several|multiple|various|mixed|many|conflicting|some|two|three)\s+$")


def _last_usable_marker(text: str, patterns: Sequence[re.Pattern[str]]) -> re.Match[str] | None:
    """The marker with the latest end that is followed by some alphanumeric text."""
    candidates = [m for p in patterns for m in p.finditer(text)]
    for match in sorted(candidates, key=lambda m: (m.end(), m.start()), reverse=True):
        if re.search(r"[a-z0-9]", text[match.end():]) and not _LIST_INTRO.search(text, 0, match.start()):
            return match
    return None


def split_final_answer(text: str) -> tuple[str, str]:
    """Split normalised text into ``(reasoning, final segment)``: at the last explicit answer marker
    (``Final answer: X``, ``the dominant emotion is X``), else the last concluding connective
    (``therefore``); without either, ``("", whole text)``. Both parts are returned normalised.
    """
    norm = normalize(text)
    match = _last_usable_marker(norm, _STRONG_MARKERS) or _last_usable_marker(norm, _WEAK_MARKERS)
    if match is None:
        return "", norm
    return norm[: match.start()].strip(), norm[match.end():].lstrip(_LEADING_JUNK).strip()


# --- form matching ----------------------------------------------------------------------


@dataclass(frozen=True)
class FormMatcher:
    """One compiled alternation of surface forms and the value each form stands for; ``spelling`` holds
    the lazily built misspelling index (:func:`_spelling_index`) and the memo of corrected words."""

    pattern: re.Pattern[str]
    values: Mapping[str, str]
    spelling: dict[str, object] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    key: str
    value: str


_MATCHER_CACHE: dict[str, tuple[object, FormMatcher]] = {}


def _form_key(form: str) -> str:
    return re.sub(r"[\s\-]+", " ", form.strip().lower())


def _build_matcher(forms: Mapping[str, str]) -> FormMatcher:
    values = {_form_key(form): value for form, value in forms.items()}
    alternation = "|".join(
        r"[\s\-]+".join(re.escape(word) for word in key.split(" "))
        for key in sorted(values, key=len, reverse=True)
    )
    return FormMatcher(re.compile(rf"(?<![a-z0-9])(?:{alternation})(?![a-z0-9])"), values)


def form_matcher(cache_key: str, owner: object,
                 forms: Mapping[str, str] | Callable[[], Mapping[str, str]]) -> FormMatcher:
    """The compiled matcher for ``forms`` (form -> value, or a function returning them, called only
    to build), cached under ``cache_key`` while ``owner`` (the object the forms come from) stays the same."""
    cached = _MATCHER_CACHE.get(cache_key)
    if cached is not None and cached[0] is owner:
        return cached[1]
    matcher = _build_matcher(forms() if callable(forms) else forms)
    _MATCHER_CACHE[cache_key] = (owner, matcher)
    return matcher


def _label_matcher(label_set: LabelSet) -> FormMatcher:
    return form_matcher(f"labels:{label_set.name}", label_set, label_set.surface_forms)


def _concept_matcher(concept: str) -> FormMatcher:
    spec = get_binary_concept(concept)
    return form_matcher(f"concept:{spec.name}", spec,
                        lambda: {**{f: "yes" for f in spec.positive}, **{f: "no" for f in spec.negative}})


# The one false-positive guard of the parser and the open-set lexicon: per form, (context
# that must not end just before it, context that must not start right after it). A form
# another sense of which a model often writes: "the content of the image", "I wonder",
# "make fun of", "I hope this helps", "points of interest", "tears apart".
FALSE_POSITIVE_CONTEXTS: dict[str, tuple[re.Pattern[str] | None, re.Pattern[str] | None]] = {
    "content": (
        re.compile(r"\b(?:the|this|that|these|those|its|their|his|her|our|your|my|image|images|image's|"
                   r"visual|video|emotional|textual|text|meme|photo|picture|any|such|main|overall|whole|"
                   r"general|graphic|explicit|offensive|hateful|harmful|media|same|scene|artistic|"
                   r"visible|web|online|social|written|sexual|violent|original|semantic|thematic)\s+$"),
        re.compile(r"^(?:\s+(?:of|shows?|depicts?|includes?|contains?|creators?|warning|moderation|itself|types?)\b"
                   r"|\s*-\s*(?:rich|heavy|based|aware|driven|specific|wise)\b)"),
    ),
    "wonder": (
        re.compile(r"\b(?:i|we|you|one|no|might|may|can|could|to|they)\s+$"),
        re.compile(r"^\s+(?:if|whether|what|why|how|who|where|when)\b"),
    ),
    "fun": (re.compile(r"\b(?:make|makes|making|made|poke|pokes|poking|poked)\s+$"), None),
    "comic": (None, re.compile(r"^\s+(?:books?|strips?|style|panels?|sans)\b")),
    "marvel": (None, re.compile(r"^\s+(?:comics|studios?|movies?|universe|characters?|superheroes?)\b")),
    "hope": (re.compile(r"\b(?:i|we)\s+$"), re.compile(r"^\s+(?:this|that|it|you)\b")),
    "interest": (re.compile(r"\b(?:of|in|points? of|areas? of)\s+$"), None),
    "tears": (None, re.compile(r"^\s+(?:apart|down|up|through|off)\b")),
}


def is_false_positive(text: str, start: int, end: int, key: str) -> bool:
    """Whether the form ``key`` found at ``text[start:end]`` is another sense of the word."""
    guard = FALSE_POSITIVE_CONTEXTS.get(key)
    if guard is None:
        return False
    before, after = guard
    return bool((before and before.search(text[:start])) or (after and after.search(text[end:])))


def _find_mentions(text: str, matcher: FormMatcher) -> list[_Mention]:
    mentions = []
    for m in matcher.pattern.finditer(text):
        key = _form_key(m.group())
        if not is_false_positive(text, m.start(), m.end(), key):
            mentions.append(_Mention(m.start(), m.end(), key, matcher.values[key]))
    return mentions


# --- negation ---------------------------------------------------------------------------

_CLAUSE_BREAK = re.compile(r"[.;:!?,()\[\]]|\s-\s"
                           r"|\b(?:but|however|although|though|whereas|while|yet|because|since|hence|therefore|thus|"
                           r"instead(?!\s+of)|rather(?!\s+than))\b"
                           r"|\band\s+(?=(?:it|it's|this|that|the|there|they|he|she|i|instead|rather|more|evokes?|"
                           r"conveys?|seems?|looks?|appears?|shows?|feels?|is|are|suggests?|creates?|gives?|"
                           r"expresses?)\b)")
_NEGATION_CUE = re.compile(
    r"\b(?:not|no|never|without|nor|neither|none|nothing|nobody|no one|lacks?|lacking|lack of|absence of|"
    r"absent|free of|devoid of|rather than|instead of|as opposed to|other than|rules? out|"
    r"ruled out|ruling out|far from|hardly|barely|[a-z]+n't|isnt|arent|wasnt|werent|doesnt|"
    r"dont|didnt|cant|cannot|couldnt|wouldnt|shouldnt|hasnt|havent|aint)\b"
)
_AFFIRMING = re.compile(r"\b(?:not only|not just|not merely|not simply|no doubt|without (?:a |any )?doubt|"
                        r"no question|nothing but|nothing short of|no matter|not to mention|not least|"
                        r"(?:can't|cannot|can not) help but|no wonder|never fails to)\b")
_POST_NEGATION = re.compile(r"^\s*(?:"
                            r"(?:is|are|was|were|seems?|appears?)\s+(?:not|absent|missing|lacking)\b"
                            r"(?!\s+(?:only|just|merely|the only|limited))"
                            r"|(?:isn't|aren't|wasn't|weren't|isnt|arent|doesn't|does not|do not|don't)\b"
                            r"(?!\s+(?:only|just))"
                            r"|[:=\-]\s*(?:no|none|false|absent|0)\b"
                            r")")


class _Clauses:
    """Clause boundaries of one text, for negation scope look-ups."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = [m.end() for m in _CLAUSE_BREAK.finditer(text)]

    def before(self, pos: int) -> str:
        """The part of the clause that precedes ``pos``."""
        i = bisect.bisect_right(self._starts, pos) - 1
        return self.text[self._starts[i] if i >= 0 else 0: pos]


def _is_negated(clauses: _Clauses, mention: _Mention) -> bool:
    window = _AFFIRMING.sub(" ", clauses.before(mention.start))
    if _NEGATION_CUE.search(window):
        return True
    return bool(_POST_NEGATION.match(clauses.text[mention.end:]))


# --- closed-set labels ------------------------------------------------------------------

_CORRECTION_GAP = re.compile(r"^[\s,(]*or\s*,?\s*(?:rather|more (?:precisely|accurately|specifically|exactly))\b")
_ALTERNATIVE_WORD = re.compile(r"\bor\b|/")


def _resolve_alternatives(text: str, mentions: list[_Mention]) -> list[_Mention] | None:
    """Apply self-corrections; None when two different labels are offered as alternatives."""
    kept: list[_Mention] = []
    for mention in mentions:
        if kept and kept[-1].value != mention.value:
            gap = text[kept[-1].end: mention.start]
            if _CORRECTION_GAP.match(gap):
                kept.pop()
            elif (
                _ALTERNATIVE_WORD.search(gap)
                and not re.search(r"[.;!?:]", gap)
                and len(re.findall(r"[a-z']+", gap)) <= 6
            ):
                return None
        kept.append(mention)
    return kept


# An emotion word right after one of these names the evoked emotion, not a scene detail.
_EVOCATION_CUE = re.compile(
    r"\b(?:evok(?:e|es|ed|ing)|elicit(?:s|ed|ing)?|convey(?:s|ed|ing)?|inspir(?:e|es|ed|ing)|"
    r"feel(?:s|ing|ings)?|felt|sense of|emotions? of|mood of|atmosphere of)\b(?:\s+[a-z'-]+){0,4}\s*$"
)
# Commitment cues: a mention right after one is the answer the reply commits to.
COMMITMENT_CUES = (
    "mostly", "mainly", "primarily", "predominantly", "chiefly", "largely", "principally", "overall",
    "most likely", "most probably", "above all", "more than anything", "first and foremost", "at its core",
    "at heart", "in the end", "ultimately", "essentially", "dominated by", "above everything",
)
_COMMITMENT = re.compile(rf"\b(?:{'|'.join(COMMITMENT_CUES)})\b(?:\s+[a-z'-]+){{0,3}}\s*$")
# Secondary cues: a mention right after one is a side note, outweighed by any other mention.
SECONDARY_CUES = (
    "a little", "a bit of", "a touch of", "a hint of", "hint of", "hints of", "a tinge of", "tinge of",
    "a trace of", "traces of", "a dash of", "a note of", "notes of", "undertones? of", "an undercurrent of",
    "a sliver of", "a whiff of", "some", "slight", "slightly", "faint", "faintly", "mild", "mildly",
    "somewhat", "also", "secondary", "minor", "might also", "may also", "could also",
)
_SECONDARY = re.compile(rf"\b(?:{'|'.join(SECONDARY_CUES)})\b(?:\s+[a-z'-]+){{0,4}}\s*$")
# Equal-weight cues: two different answers named with one of these are a tie, not a choice.
EQUAL_WEIGHT_CUES = (
    "equally", "in equal measure", "in equal parts", "equal parts", "equal amounts of", r"as much [a-z]+ as",
    "a mix of", "a mixture of", "a blend of", "a combination of", "a balance of", "a balance between",
    "torn between", r"both [a-z]+ and", "mixed", "no single", "no one emotion", "no clear winner",
    "all of these", "all of them", "several emotions", "multiple emotions", "many emotions", "hard to choose",
    "can't choose", "cannot choose", "can't pick", "cannot pick", r"and [a-z]+ alike", "as well as",
)
_EQUAL_WEIGHT = re.compile(rf"\b(?:{'|'.join(EQUAL_WEIGHT_CUES)})\b")


def committed_value(text: str, matcher: FormMatcher, n_labels: int,
                    set_aside: frozenset[str] = frozenset()) -> str | None:
    """The value the normalised ``text`` commits to among ``matcher``'s forms, or None: steps 2-6 of the
    module rule. Values in ``set_aside`` (the lexicon's unplaced words) take part in the alternatives check only.
    """
    text = correct_misspellings(text, matcher)
    clauses = _Clauses(text)
    mentions = [m for m in _find_mentions(text, matcher) if not _is_negated(clauses, m)]
    resolved = _resolve_alternatives(text, mentions)
    if not resolved:
        return None
    kept = [m for m in resolved if m.value not in set_aside]
    if not kept:
        return None
    values = {m.value for m in kept}
    if n_labels >= 4 and len(values) > n_labels // 2:
        return None  # more than half the labels named: an echoed option list, not a choice
    if len(values) > 1:
        committed = {m.value for m in kept if _COMMITMENT.search(clauses.before(m.start))}
        if committed:
            return committed.pop() if len(committed) == 1 else None
        if _EQUAL_WEIGHT.search(text):
            return None
        kept = [m for m in kept if not _SECONDARY.search(clauses.before(m.start))] or kept
    for mention in kept:
        if _EVOCATION_CUE.search(clauses.before(mention.start)):
            return mention.value
    return kept[0].value


def _label_from_text(text: str, label_set: LabelSet) -> str | None:
    """The label of ``label_set`` that the normalised ``text`` commits to (None if none)."""
    return committed_value(text, _label_matcher(label_set), len(label_set))


# --- misspellings -----------------------------------------------------------------------
# Hand-written: difflib and the like rank by similarity ratio, not edit distance, and a
# symmetric-deletion index (as SymSpell builds) keeps the look-up a few dict probes per word.

_WORD = re.compile(r"(?<![a-z'-])[a-z]{5,}(?![a-z'-])")


def spelling_tolerance(length: int) -> int:
    """Edits a misspelling of a form of ``length`` letters may make: 0 below 5, 1 up to 7, 2 from 8."""
    return 0 if length < 5 else 1 if length < 8 else 2


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance (a swap of two neighbours is one edit); ``limit + 1`` beyond ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def _deletions(word: str, depth: int) -> set[str]:
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def _spelling_index(matcher: FormMatcher) -> dict[str, tuple[str, ...]]:
    """Deletion variant -> the single-word forms it comes from, within each form's tolerance."""
    index = matcher.spelling.get("index")
    if index is None:
        grouped: dict[str, set[str]] = {}
        for key in matcher.values:
            if key.isalpha() and spelling_tolerance(len(key)):
                for variant in _deletions(key, spelling_tolerance(len(key))):
                    grouped.setdefault(variant, set()).add(key)
        index = matcher.spelling["index"] = {v: tuple(sorted(forms)) for v, forms in grouped.items()}
    return index  # type: ignore[return-value]


def _correction(word: str, matcher: FormMatcher) -> str | None:
    """The form ``word`` misspells, if exactly one value is nearest and the word is no known word."""
    memo: dict[str, str | None] = matcher.spelling.setdefault("memo", {})  # type: ignore[assignment]
    if word in memo:
        return memo[word]
    best: str | None = None
    if word not in matcher.values and word not in NEAR_MISS_WORDS:
        index = _spelling_index(matcher)
        candidates = {form for variant in _deletions(word, 2 if len(word) >= 6 else 1)
                      for form in index.get(variant, ())}
        scored = [(edit_distance(word, form), form) for form in candidates]
        scored = [(d, form) for d, form in scored if d <= spelling_tolerance(len(form))]
        if scored:
            nearest = min(d for d, _ in scored)
            forms = sorted(form for d, form in scored if d == nearest)
            if len({matcher.values[form] for form in forms}) == 1:
                best = forms[0]
    if len(memo) > 50_000:
        memo.clear()
    memo[word] = best
    return best


def correct_misspellings(text: str, matcher: FormMatcher) -> str:
    """``text`` with each word of five or more letters that closely misspells one of
    ``matcher``'s forms replaced by that form (rule in docs/scoring.md)."""
    return _WORD.sub(lambda m: _correction(m.group(), matcher) or m.group(), text)


_OPTION_TOKEN = r"([a-z]|\d{1,2})"
_OPTION_WHOLE = re.compile(rf"^[\s(\[]*{_OPTION_TOKEN}[\s)\].:]*$")
_OPTION_LEADING = re.compile(rf"^[\s(\[]*{_OPTION_TOKEN}\s*[).:\]\-](?:\s|$)")
_OPTION_BRACKETED = re.compile(rf"[(\[]\s*{_OPTION_TOKEN}\s*[)\]]")
_OPTION_NAMED = re.compile(
    rf"\b(?:option|choice|letter|number)\s*(?:is\s*)?[:#]?\s*[(\[]?\s*{_OPTION_TOKEN}(?![a-z0-9])"
)


def _option_index(token: str, n_options: int) -> int | None:
    index = int(token) - 1 if token.isdigit() else ord(token) - ord("a")
    return index if 0 <= index < n_options else None


def _chosen_options(final: str, n_options: int) -> set[int]:
    """Indices of the options the final segment names by letter or number."""
    whole = _OPTION_WHOLE.match(final)
    if whole:
        index = _option_index(whole.group(1), n_options)
        return set() if index is None else {index}
    found = set()
    for pattern in (_OPTION_LEADING, _OPTION_BRACKETED, _OPTION_NAMED):
        for m in pattern.finditer(final):
            index = _option_index(m.group(1), n_options)
            if index is not None:
                found.add(index)
    return found


def _option_labels(options: Sequence[str], label_set: LabelSet) -> list[str]:
    labels = []
    for option in options:
        label = label_set.canonical(option) or _label_from_text(normalize(option), label_set)
        if label is None:
            raise ValueError(f"option {option!r} names no label of set {label_set.name!r} "
                             f"({', '.join(label_set.labels)})")
        labels.append(label)
    return labels


def parse_label(text: str, label_set: str | LabelSet, options: Sequence[str] | None = None) -> str:
    """The canonical label of ``label_set`` that ``text`` commits to, or ``UNPARSED`` (the module rule).

    ``options``: the labels in the order the prompt listed them, so letters (``(B)``) and numbers (``2``)
    name an option. A ``yes_no`` label set is handed to :func:`parse_yes_no`.
    """
    ls = get_label_set(label_set)
    if ls.name == "yes_no":
        return parse_yes_no(text)
    option_labels = _option_labels(options, ls) if options else []
    _, final = split_final_answer(text)
    if not final:
        return UNPARSED
    chosen = {option_labels[i] for i in _chosen_options(final, len(option_labels))} if option_labels else set()
    if len(chosen) > 1:
        return UNPARSED
    from_text = _label_from_text(final, ls)
    if chosen:
        from_option = chosen.pop()
        return from_option if from_text in (None, from_option) else UNPARSED
    return from_text if from_text is not None else UNPARSED


# --- yes / no ---------------------------------------------------------------------------

# A committed answer may open a sentence after a short lead-in: "Honestly, yes: ...",
# "Ha, yes - the joke is the pun", "So no, it is not funny".
LEAD_INS = (
    "honestly", "frankly", "well", "ha", "haha", "hah", "heh", "hmm", "um", "oh", "ah", "okay", "ok",
    "so", "actually", "sure", "indeed", "in short", "in a word", "short answer", "the short answer",
    "simply put", "put simply", "to be honest", "to be fair", "i'd say", "i would say", "i think",
    "i believe", "i guess", "quick answer", "clearly", "obviously", "then", "and",
)
_SENTENCE_START = rf"(?:^|[.!?;:]\s*)(?:(?:{'|'.join(LEAD_INS)})\s*[,!:\-]*\s+){{0,2}}"
_YES_TOKEN = re.compile(rf"{_SENTENCE_START}(?:yes|yeah|yep|yup)(?![a-z0-9])")
_SHORT_TOKEN = re.compile(
    rf"{_SENTENCE_START}(?P<word>absolutely not|definitely not|certainly not|of course not|not at all|"
    r"not really|no way|no|nope|nah|true|false|correct|incorrect|affirmative|negative)\s*(?=[,.!;:)\-]|$)"
)
_SHORT_VALUES = {"true": "yes", "correct": "yes", "affirmative": "yes"}
_BOTH_WAYS = re.compile(r"\b(?:yes\s*(?:and|or|/)\s*no|no\s*(?:and|or|/)\s*yes)\b")
_HYPOTHETICAL = re.compile(r"\b(?:whether|if)\b")
# Hedge cues: a statement in a sentence with one of these commits to neither side.
HEDGE_CUES = (
    "matter of taste", "matter of opinion", "matter of perspective", "matter of interpretation",
    "subjective", "open to interpretation", "up for debate", "debatable", "up to the viewer",
    "up to the reader", "eye of the beholder", "go either way", "hard to say", "hard to tell",
    "difficult to say", "difficult to tell", "impossible to say", "impossible to tell", "can't say for sure",
    "cannot say for sure", "it depends", r"depends (?:on|upon) (?:who|whom|the viewer|the reader|the audience|"
    r"your|one's|personal|individual|how|taste|perspective|interpretation)",
    r"(?:is|it's|remains|seems|looks|rather|quite|too|somewhat) ambiguous", "ambiguous whether", "borderline",
    "unclear whether", "not sure", "unsure", "no clear answer", "could be read",
    r"some\b[^.!?;]{0,80}?\bothers", "others might", "others may", "others could", "others would",
)
_HEDGE = re.compile(rf"\b(?:{'|'.join(HEDGE_CUES)})\b")
# A hedge reaches to the end of its sentence; a contrast ("but", "however") starts a new scope.
_HEDGE_SCOPE = re.compile(r"[.!?;]|\b(?:but|however|yet|still|nonetheless|that said)\b")
# A topic noun as a sentence subject votes only with one of these predicates ("Sarcasm is evident").
_PRESENCE = re.compile(
    r"^\s+(?:(?:is|are|was|were|seems?|appears?)\s+(?:(?:clearly|obviously|definitely|certainly|very|quite|"
    r"really|plainly|unmistakably)\s+)?(?:present|evident|obvious|apparent|clear|there|intended|used|at play|"
    r"at work|the point|the goal|the aim|involved|detectable|visible|everywhere|unmistakable)\b"
    r"|(?:lies|lie|comes|come|here comes|runs|drips|dominates|abounds)\b)"
)
_SUBJECT_START = re.compile(r"^\s*(?:(?:the|its|any|this|such|their|a|some)\s+)?$")


def _answer_tokens(final: str) -> set[str]:
    """Explicit yes/no answer words: leading, or opening a later sentence (after a lead-in)."""
    if _BOTH_WAYS.search(final):
        return {"yes", "no"}
    tokens = {"yes" for _ in _YES_TOKEN.finditer(final)}
    for m in _SHORT_TOKEN.finditer(final):
        tokens.add(_SHORT_VALUES.get(m.group("word"), "no"))
    return tokens


def _in_question(text: str, end: int) -> bool:
    terminator = re.search(r"[.!?]", text[end:])
    return bool(terminator and terminator.group() == "?")


def _hedged_spans(final: str) -> list[tuple[int, int]]:
    """Character spans (sentence parts) that hold a hedge cue."""
    if not _HEDGE.search(final):
        return []
    bounds = [0, *(m.end() for m in _HEDGE_SCOPE.finditer(final)), len(final)]
    return [(a, b) for a, b in zip(bounds, bounds[1:]) if _HEDGE.search(final, a, b)]


def _concept_votes(final: str, concept: str) -> set[str]:
    """Polarity of every assertive concept mention (negation flips it)."""
    clauses = _Clauses(final)
    hedged = _hedged_spans(final)
    topic_nouns = set(get_binary_concept(concept).topic_nouns)
    votes = set()
    for mention in _find_mentions(final, _concept_matcher(concept)):
        before = clauses.before(mention.start)
        if _in_question(final, mention.end) or _HYPOTHETICAL.search(before):
            continue
        if any(a <= mention.start < b for a, b in hedged):
            continue
        if (mention.key in topic_nouns and _SUBJECT_START.match(before)
                and not _PRESENCE.match(final[mention.end:])):
            continue  # "Humour is subjective here": the topic, not a verdict
        polarity = mention.value
        if _is_negated(clauses, mention):
            polarity = "no" if polarity == "yes" else "yes"
        votes.add(polarity)
    return votes


def _yes_no_from(final: str, concept: str | None) -> str:
    tokens = _answer_tokens(final)
    votes = _concept_votes(final, concept) if concept else set()
    if len(tokens) > 1:
        return UNPARSED
    if tokens:
        token = tokens.pop()
        return UNPARSED if votes and token not in votes else token
    return votes.pop() if len(votes) == 1 else UNPARSED


def parse_yes_no(text: str, concept: str | None = None) -> str:
    """``"yes"``, ``"no"`` or ``UNPARSED`` for a binary detection answer.

    ``concept`` (``hate``, ``humor``, ``sarcasm``) lets statements such as ``the tweet is
    sarcastic`` or ``there is no hate speech`` count; see the module docstring.
    """
    _, final = split_final_answer(text)
    if not final:
        return UNPARSED
    if concept:
        final = correct_misspellings(final, _concept_matcher(concept))
    return _yes_no_from(final, concept)


# --- dispatch ---------------------------------------------------------------------------


def parse_answer(text: str, label_set: str, options: Sequence[str] | None = None, concept: str | None = None) -> str:
    """Parse ``text`` for a task: ``yes_no`` goes to :func:`parse_yes_no`, other label sets to :func:`parse_label`."""
    if label_set == "yes_no":
        return parse_yes_no(text, concept)
    return parse_label(text, label_set, options)
