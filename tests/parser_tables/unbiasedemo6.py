"""Parser table: UnbiasedEmo-6.

Each row is a realistic model reply and the reading the documented rules (docs/scoring.md)
must give; tests/test_parser_tables.py runs every row. Rows are data: extend the table.
"""

from __future__ import annotations

from tests.parser_tables.rows import C, E, L, O, U, Row

UNBIASED_OPTS = ["Anger", "Fear", "Joy", "Love", "Sadness", "Surprise"]

TABLE: list[Row] = [
    # === closed-set replies =======================================================================
    # --- unbiasedemo6 -----------------------------------------------------------------------
    C("love", "love"),
    C("Love.", "love"),
    C("The couple's embrace is romantic.", "love"),
    C("The mother holds her baby with tenderness.", "love"),
    C("The image conveys affection between the two friends.", "love"),
    C("Joy", "joy"),
    C("The children look happy.", "joy"),
    C("The fans are excited.", "joy"),
    C("Anger", "anger"),
    C("The crowd is outraged.", "anger"),
    C("Fear", "fear"),
    C("The soldier looks frightened.", "fear"),
    C("Sadness", "sadness"),
    C("The widow is grieving.", "sadness"),
    C("Surprise", "surprise"),
    C("He looks stunned.", "surprise"),
    C("Disgust", U),
    C("Love or joy.", U),
    C("Not love but sadness.", "sadness"),
    C("Predict emotion: love", "love"),
    # === closed-set replies with the prompt's option list (letters, numbers) ======================
    L("D", UNBIASED_OPTS, "love"),
    L("(B) Fear", UNBIASED_OPTS, "fear"),
    L("5", UNBIASED_OPTS, "sadness"),
    L("Option C", UNBIASED_OPTS, "joy"),
    L("F)", UNBIASED_OPTS, "surprise"),
    L("The answer is love.", UNBIASED_OPTS, "love"),
    # === open-set replies, placed through the emotion lexicon =====================================
    O("Tenderness", "love"),
    O("Disgusted", "anger"),
    # === EmoPrompt reasoning ending in a ``Final answer:`` line, scored by the EmoBench hook ======
    # --- other closed label sets ---
    E("emotion_closed", "image", "", "An elderly couple holds hands on a bench, gazing at each other tenderly. The warmth is affectionate "
        "rather than joyful excitement.\nFinal answer: love", "love"),
    # === the reading rules of docs/scoring.md =====================================================
    C("There may also be a little fear, but the emotion is most likely love.", "love", rule="commitment"),
    C("Predominantly joy, with slight surprise.", "joy", rule="commitment"),
    C("Surpised", "surprise", rule="misspelling"),
    # === false positives: replies that must stay unparsed =========================================
    C("I am unable to view images.", U, rule="false_positive"),
    C("The image is too blurry to judge.", U, rule="false_positive"),
    C("Options: (A) anger (B) fear (C) joy (D) love (E) sadness (F) surprise", U, rule="false_positive"),
    C("...", U, rule="false_positive"),
    C("bear", U, rule="false_positive"),
]
