"""Open-set emotion answers -> a label of the gold taxonomy, through an emotion lexicon.

EmoBench's open-set sub-task (Emo-O) asks a model to *name* the emotion with no options,
so the answer ("nostalgic", "a quiet melancholy", "over the moon") must be mapped onto the
record's label set before it can be scored. The lexicon does that deterministically.

**The lexicon.** Related words are grouped into *wheel groups* (:data:`WHEEL_GROUPS`),
in the spirit of emotion wheels: Plutchik's wheel (its intensity rings: serenity / joy /
ecstasy, apprehension / fear / terror, pensiveness / sadness / grief, annoyance / anger /
rage), Parrott's tree (primary -> secondary -> tertiary emotions) and the Geneva Emotion
Wheel. Each label set then *places* every group on one of its labels, or on none
(:data:`PLACEMENTS`; ``None`` = deliberately unplaced because the word fits several labels
equally, e.g. ``happy`` in Mikels-8, whose four positive labels it fits alike). A label
set's *lexicon forms* are its own forms from :mod:`lmms_emotion.taxonomy` (which always
win) plus the words of every group it places; the words of unplaced groups are known
too, as *unplaced* mentions.

**The rule** (:func:`place`) is the parser's own (:func:`lmms_emotion.answers.committed_value`),
run over the lexicon's forms, so open-set answers are read exactly like closed-set ones
(every rule with its cues and examples: docs/scoring.md):

1. Normalise and keep the final-answer segment (:func:`~lmms_emotion.answers.split_final_answer`):
   ``... Final answer: nostalgia`` counts only ``nostalgia``.
2. Find every lexicon word on word boundaries, longest form first (``on edge`` before
   ``edge``), with the parser's one false-positive guard (``the content of the image``,
   ``I hope this helps``).
3. Drop negated mentions with the parser's negation rule (``not scary, rather calm`` ->
   ``calm``). Negation never implies the opposite label: ``not happy`` alone is unplaced.
4. Two different labels (or a label and an unplaced word) offered as alternatives
   (``sad or angry``, ``happy or sad``) leave the answer unplaced: the model did not
   commit. A self-correction (``sad, or rather angry``) keeps the correction.
5. Unplaced words are then set aside. A mention after a commitment cue (``mostly``,
   ``overall``) wins over the rest; two answers with equal weight (``in equal measure``)
   leave it unplaced; a mention after a secondary cue (``a hint of``) loses to any other;
   then the first remaining mention that follows an evocation cue (``evokes``, ``a sense
   of``, ``feeling``) wins, else the first one: ``happy and relaxed`` -> contentment in
   Mikels-8. Naming more than half of a set's labels is a list, not an answer: unplaced.
6. Nothing left: the reply is read once more with close misspellings corrected
   (``nostalgik`` -> ``nostalgic``); still nothing: :data:`~lmms_emotion.UNPARSED`. The
   lexicon never guesses; an optional LLM judge (:mod:`lmms_emotion.judge`) may place what
   it leaves.

The lexicon is versioned (:data:`LEXICON_VERSION`); results say which version scored them.
"""

from __future__ import annotations

from collections.abc import Mapping

from lmms_emotion import UNPARSED
from lmms_emotion.answers import FormMatcher, committed_value, form_matcher, split_final_answer
from lmms_emotion.taxonomy import LabelSet, get_label_set

__all__ = [
    "LEXICON_VERSION",
    "PLACEMENTS",
    "UNPLACED",
    "WHEEL_GROUPS",
    "lexicon_forms",
    "lexicon_words",
    "place",
    "placed_label_sets",
    "synonyms",
]

LEXICON_VERSION = "1"
UNPLACED = "__unplaced__"
"""The value of a known emotion word that a label set deliberately leaves unplaced."""

# --- wheel groups: related words, one group per wheel region ------------------------------------
# Every word belongs to exactly one group (tests/test_lexicon.py checks). Forms are lower
# case; inflections are listed, since matching is on whole words.

WHEEL_GROUPS: dict[str, tuple[str, ...]] = {
    # Plutchik's joy ring and Parrott's cheerfulness: happiness in general. Fits all four
    # positive Mikels labels equally, so Mikels-8 leaves it unplaced.
    "joy": (
        "happy", "happiness", "happily", "joy", "joyful", "joyous", "joyfulness", "glad", "gladness",
        "cheerful", "cheerfulness", "cheery", "cheer", "delighted", "delight", "delightful", "elated",
        "elation", "ecstatic", "ecstasy", "blissful", "bliss", "jubilant", "jubilation", "merry",
        "merriment", "gleeful", "glee", "jolly", "jovial", "upbeat", "radiant", "beaming", "overjoyed",
        "over the moon", "on cloud nine", "exultant", "rejoicing", "euphoric", "euphoria",
    ),
    # Mikels' amusement; Parrott's cheerfulness (amusement, glee, jolliness).
    "amusement": (
        "amusement", "amused", "amusing", "funny", "fun", "humor", "humour", "humorous", "hilarious",
        "hilarity", "playful", "playfulness", "silly", "goofy", "comical", "comic", "whimsical",
        "whimsy", "lighthearted", "light-hearted", "mirth", "mirthful", "laughter", "laughing",
        "giggly", "giggling", "entertained", "entertaining", "witty", "cheeky", "mischievous",
        "tickled", "zany", "jokey", "lol",
    ),
    # Mikels' awe; the Geneva wheel's wonder / admiration region.
    "awe": (
        "awe", "awed", "awestruck", "awe-struck", "in awe", "awe-inspiring", "wonder", "wonderment",
        "wondrous", "amazement", "majestic", "majesty", "grandeur", "sublime", "reverence",
        "reverent", "breathtaking", "marvel", "marvelous", "marvellous", "magnificent",
        "magnificence", "spectacular", "humbled", "humbling", "transcendent", "mesmerized",
        "mesmerised", "mesmerizing", "mesmerising", "captivated", "captivating", "enchanted",
        "enchanting", "fascinated", "fascination", "spellbound", "dazzled", "dazzling", "admiration",
        "admiring", "inspired", "inspiring", "impressed", "astonishing beauty",
    ),
    # Mikels' contentment: satisfaction, comfort, gratitude (Parrott: contentment, relief).
    "contentment": (
        "content", "contented", "contentment", "satisfied", "satisfaction", "fulfilled",
        "fulfillment", "fulfilment", "gratified", "pleased", "comfortable", "comfort", "comforting",
        "cozy", "cosy", "snug", "heartwarming", "heart-warming", "grateful", "gratitude", "thankful",
        "thankfulness", "appreciative", "wholesome", "relief", "relieved", "reassured", "at ease",
    ),
    # Plutchik's serenity ring: calm. MELD counts calm as neutral (taxonomy's meld7 does).
    "calm": (
        "calm", "calmness", "calming", "peaceful", "peace", "at peace", "peacefulness", "serene",
        "serenity", "tranquil", "tranquility", "tranquillity", "relaxed", "relaxing", "relaxation",
        "restful", "soothing", "soothed", "placid", "mellow", "harmonious", "harmony", "untroubled",
        "carefree", "laid-back", "idyllic", "zen",
    ),
    # Mikels' excitement; Parrott's zest; Plutchik's anticipation when it is eager.
    "excitement": (
        "excitement", "excited", "exciting", "thrilled", "thrilling", "thrill", "exhilarated",
        "exhilarating", "exhilaration", "enthusiastic", "enthusiasm", "eager", "eagerness",
        "energetic", "energized", "energised", "exuberant", "exuberance", "adrenaline", "pumped",
        "pumped up", "hyped", "psyched", "fired up", "invigorated", "invigorating", "electrifying",
        "adventurous", "anticipation", "lively", "vibrant", "zest", "zestful", "stoked",
        "high-spirited",
    ),
    # Parrott's pride; positive, but neither Mikels label in particular.
    "pride": (
        "proud", "pride", "triumphant", "triumph", "victorious", "accomplished", "accomplishment",
        "confident", "confidence", "empowered", "empowering", "dignified",
    ),
    # Parrott's optimism; positive, but neither Mikels label in particular.
    "hope": (
        "hopeful", "hope", "optimistic", "optimism", "encouraged", "uplifted", "uplifting",
    ),
    # Parrott's love (affection, tenderness); its own label in UnbiasedEmo.
    "love": (
        "love", "loving", "loved", "affection", "affectionate", "tender", "tenderness", "caring",
        "romance", "romantic", "adoration", "adoring", "fondness", "warmth", "intimacy", "devotion",
        "devoted", "compassion", "compassionate", "kindness", "sentimental", "in love",
    ),
    # Plutchik's surprise ring (distraction / surprise / amazement).
    "surprise": (
        "surprise", "surprised", "surprising", "astonished", "astonishment", "astonishing",
        "shocked", "shock", "shocking", "startled", "startling", "stunned", "astounded",
        "astounding", "amazed", "dumbfounded", "flabbergasted", "speechless", "taken aback",
        "caught off guard", "unexpected", "disbelief", "incredulous", "jaw-dropping", "gobsmacked",
    ),
    # Parrott's confusion (WEBEmo's own class): no wheel places it on a basic emotion.
    "confusion": (
        "confused", "confusion", "puzzled", "puzzlement", "perplexed", "bewildered", "bewilderment",
        "baffled", "disoriented",
    ),
    # Plutchik's anger ring (annoyance / anger / rage) and Parrott's anger (irritation,
    # exasperation, rage, envy).
    "anger": (
        "anger", "angry", "angered", "mad", "furious", "fury", "rage", "raging", "enraged", "irate",
        "livid", "incensed", "infuriated", "infuriating", "outraged", "outrage", "wrath", "wrathful",
        "irritated", "irritation", "irritable", "annoyed", "annoyance", "annoying", "aggravated",
        "exasperated", "exasperation", "frustrated", "frustration", "frustrating", "hostile",
        "hostility", "resentful", "resentment", "bitter", "bitterness", "indignant", "indignation",
        "vengeful", "spiteful", "hatred", "hateful", "aggressive", "aggression", "fuming",
        "seething", "grumpy", "cranky", "grouchy", "defiant", "defiance", "jealous", "jealousy",
        "envious", "envy", "vexed", "provoked", "fed up", "pissed off", "ticked off", "belligerent",
    ),
    # Plutchik's disgust ring (boredom excluded, see below) and contempt.
    "disgust": (
        "disgust", "disgusted", "disgusting", "gross", "grossed out", "repulsed", "repulsive",
        "revolted", "revolting", "revulsion", "nauseated", "nauseating", "nausea", "sickened",
        "sickening", "repugnant", "repelled", "loathing", "loathe", "loathsome", "distaste",
        "distasteful", "aversion", "abhorrence", "abhorrent", "contempt", "contemptuous", "scorn",
        "scornful", "disdain", "disdainful", "vile", "yuck", "icky", "queasy", "squeamish", "putrid",
        "appalled",
    ),
    # Plutchik's fear ring (terror / fear) and the Geneva wheel's fear.
    "fear": (
        "fear", "fearful", "afraid", "scared", "scary", "frightened", "frightening", "fright",
        "terrified", "terrifying", "terror", "horror", "horrified", "horrifying", "horrific", "panic",
        "panicked", "panicky", "dread", "alarmed", "petrified", "spooked", "spooky", "creepy",
        "eerie", "ominous", "menacing", "threatening", "threatened", "intimidated", "intimidating",
        "fearsome", "hair-raising", "spine-chilling", "bone-chilling", "chilling", "unsettling",
        "unsettled", "sinister", "foreboding", "suspense", "suspenseful", "paranoid", "timid",
        "vulnerable",
    ),
    # Plutchik's apprehension ring; Parrott's nervousness (under fear).
    "anxiety": (
        "anxious", "anxiety", "nervous", "nervousness", "worried", "worry", "worrying", "uneasy",
        "unease", "uneasiness", "apprehensive", "apprehension", "tense", "tension", "stressed",
        "stress", "stressful", "on edge", "jittery", "jumpy", "distressed", "distress", "troubled",
    ),
    # Plutchik's sadness ring (pensiveness / sadness / grief); Parrott's sadness with its
    # disappointment, shame, neglect (loneliness, homesickness) and sympathy branches.
    "sadness": (
        "sad", "sadness", "saddened", "unhappy", "unhappiness", "sorrow", "sorrowful", "grief",
        "grieving", "grief-stricken", "depressed", "depression", "depressing", "gloomy", "gloom",
        "melancholy", "melancholic", "heartbroken", "heartbreak", "heartbreaking", "mournful",
        "mourning", "despair", "despairing", "despondent", "miserable", "misery", "somber", "sombre",
        "downcast", "tearful", "crying", "weeping", "tears", "glum", "forlorn", "woeful", "woe",
        "dejected", "dejection", "disheartened", "discouraged", "downhearted", "crestfallen",
        "hopeless", "hopelessness", "desolate", "desolation", "bleak", "dreary", "dismal", "pensive",
        "wistful", "nostalgic", "nostalgia", "longing", "yearning", "homesick", "homesickness",
        "lonely", "loneliness", "lonesome", "heartache", "anguish", "anguished", "suffering",
        "regret", "regretful", "remorse", "remorseful", "guilt", "guilty", "shame", "ashamed",
        "embarrassed", "embarrassment", "humiliated", "humiliation", "disappointed",
        "disappointment", "disappointing", "let down", "defeated", "resigned", "sympathy",
        "sympathetic", "pity", "tragic", "bereaved", "bereavement", "down in the dumps",
    ),
    # No emotion at all: MELD's neutral.
    "neutral": (
        "neutral", "neutrality", "indifferent", "indifference", "emotionless", "unemotional",
        "expressionless", "impassive", "matter-of-fact", "deadpan", "nonchalant", "no emotion",
        "no particular emotion", "no strong emotion", "no clear emotion", "apathetic", "apathy",
        "detached", "unmoved", "stoic", "composed",
    ),
    # Low arousal, no clear valence: Plutchik puts boredom on the disgust ring, but models
    # use it for tired or flat scenes; no label set places it.
    "boredom": (
        "bored", "boredom", "boring", "tedious", "uninterested", "disinterested", "weary", "tired",
        "fatigued", "sleepy", "drowsy", "listless", "lethargic", "monotonous",
    ),
    # Plutchik's interest / anticipation: not an emotion class anywhere.
    "interest": ("curious", "curiosity", "intrigued", "intriguing", "inquisitive"),
    # Mixed feelings: unplaced by construction.
    "mixed": ("bittersweet", "ambivalent", "ambivalence", "conflicted", "mixed feelings", "overwhelmed"),
}

# --- placements: wheel group -> label, per label set ---------------------------------------------
# None: deliberately unplaced in that set. A group a set does not list is unplaced too.

PLACEMENTS: dict[str, dict[str, str | None]] = {
    "mikels8": {
        "joy": None, "amusement": "amusement", "awe": "awe", "contentment": "contentment",
        "calm": "contentment", "excitement": "excitement", "pride": None, "hope": None, "love": None,
        "surprise": None, "confusion": None, "anger": "anger", "disgust": "disgust", "fear": "fear",
        "anxiety": "fear", "sadness": "sadness", "neutral": None, "boredom": None, "interest": None,
        "mixed": None,
    },
    # Ekman-6 folds the positive Mikels labels into joy and awe into surprise (as the
    # taxonomy's ekman6 forms do).
    "ekman6": {
        "joy": "joy", "amusement": "joy", "awe": "surprise", "contentment": "joy", "calm": "joy",
        "excitement": "joy", "pride": "joy", "hope": "joy", "love": "joy", "surprise": "surprise",
        "confusion": None, "anger": "anger", "disgust": "disgust", "fear": "fear", "anxiety": "fear",
        "sadness": "sadness", "neutral": None, "boredom": None, "interest": None, "mixed": None,
    },
    # MELD: Ekman-6 plus neutral; calm is neutral, contentment is joy (taxonomy's meld7).
    "meld7": {
        "joy": "joy", "amusement": "joy", "awe": "surprise", "contentment": "joy", "calm": "neutral",
        "excitement": "joy", "pride": "joy", "hope": "joy", "love": "joy", "surprise": "surprise",
        "confusion": None, "anger": "anger", "disgust": "disgust", "fear": "fear", "anxiety": "fear",
        "sadness": "sadness", "neutral": "neutral", "boredom": None, "interest": None, "mixed": None,
    },
    # UnbiasedEmo: love is its own label; disgust goes to anger, as in Parrott's tree.
    "unbiasedemo6": {
        "joy": "joy", "amusement": "joy", "awe": "surprise", "contentment": "joy", "calm": "joy",
        "excitement": "joy", "pride": "joy", "hope": "joy", "love": "love", "surprise": "surprise",
        "confusion": None, "anger": "anger", "disgust": "anger", "fear": "fear", "anxiety": "fear",
        "sadness": "sadness", "neutral": None, "boredom": None, "interest": None, "mixed": None,
    },
}


def placed_label_sets() -> list[str]:
    """Label sets with a lexicon placement (others use their taxonomy forms only)."""
    return sorted(PLACEMENTS)


def _key(form: str) -> str:
    return " ".join(form.strip().lower().replace("-", " ").split())


def lexicon_forms(label_set: str | LabelSet) -> dict[str, str]:
    """Every lexicon word of a label set -> its label, or :data:`UNPLACED`.

    The set's own taxonomy forms come first and always win; then the words of each
    wheel group, placed as :data:`PLACEMENTS` says (unlisted groups, and sets without a
    placement, leave their words :data:`UNPLACED`).
    """
    ls = label_set if isinstance(label_set, LabelSet) else get_label_set(label_set)
    cached = _FORMS_CACHE.get(ls.name)
    if cached is not None and cached[0] is ls:
        return cached[1]
    placement = PLACEMENTS.get(ls.name, {})
    forms: dict[str, str] = {}
    taken = {_key(form) for form in ls.surface_forms()}
    for group, words in WHEEL_GROUPS.items():
        label = placement.get(group) or UNPLACED
        if label != UNPLACED and label not in ls.labels:
            raise ValueError(f"lexicon: group {group!r} is placed on {label!r}, not a label of {ls.name}")
        for word in words:
            if _key(word) not in taken:
                forms[word] = label
    forms.update(ls.surface_forms())
    _FORMS_CACHE[ls.name] = (ls, forms)
    return forms


_FORMS_CACHE: dict[str, tuple[LabelSet, dict[str, str]]] = {}


def lexicon_words(label_set: str | LabelSet, label: str) -> list[str]:
    """The lexicon words that place on ``label`` (taxonomy forms included), sorted."""
    return sorted(word for word, owner in lexicon_forms(label_set).items() if owner == label)


def synonyms(label_set: str | LabelSet, label: str) -> list[str]:
    """Words placing on ``label`` that name no label of the set (what an open answer may say), sorted."""
    ls = label_set if isinstance(label_set, LabelSet) else get_label_set(label_set)
    labels = {_key(lab) for lab in ls.labels}
    return [w for w in lexicon_words(ls, label) if _key(w) not in labels]


def _matcher(ls: LabelSet) -> FormMatcher:
    forms = lexicon_forms(ls)
    return form_matcher(f"lexicon{LEXICON_VERSION}:{ls.name}", forms, forms)


def place(text: str, label_set: str | LabelSet) -> str:
    """The label of ``label_set`` an open-set answer names, or ``UNPARSED`` (rule in the module docstring)."""
    ls = label_set if isinstance(label_set, LabelSet) else get_label_set(label_set)
    _, final = split_final_answer(text)
    if not final:
        return UNPARSED
    value = committed_value(final, _matcher(ls), len(ls), set_aside=frozenset({UNPLACED}))
    return UNPARSED if value is None else value


def describe(label_set: str | LabelSet) -> Mapping[str, list[str]]:
    """Per label (and ``unplaced``): the wheel groups placed there, for documentation."""
    ls = label_set if isinstance(label_set, LabelSet) else get_label_set(label_set)
    placement = PLACEMENTS.get(ls.name, {})
    out: dict[str, list[str]] = {label: [] for label in ls.labels}
    out["unplaced"] = []
    for group in WHEEL_GROUPS:
        out[placement.get(group) or "unplaced"].append(group)
    return out
