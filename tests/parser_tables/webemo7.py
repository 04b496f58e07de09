"""Parser table: WEBEmo, 7 middle classes.

Each row is a realistic model reply and the reading the documented rules (docs/scoring.md)
must give; tests/test_parser_tables.py runs every row. Rows are data: extend the table.
"""

from __future__ import annotations

from tests.parser_tables.rows import C, E, O, U, Row

TABLE: list[Row] = [
    # === closed-set replies =======================================================================
    # --- webemo7: middle level --------------------------------------------------------------
    C("anger", "anger"),
    C("Joy", "joy"),
    C("The emotion is love.", "love"),
    C("confusion", "confusion"),
    C("The image evokes fear; the storm looks menacing.", "fear"),
    C("**Surprise**", "surprise"),
    C("Predict emotion: joy", "joy"),
    C("It shows a disgusted face, so anger.", "anger"),
    C("The person appears puzzled.", "confusion"),
    C("The family is laughing together at dinner.", "joy"),
    C("horror", "fear"),
    C("grateful", "love"),
    C("The dog looks lonely in the rain.", "sadness"),
    C("nervous", "fear"),
    C("Predict emotion: awe", "joy"),
    C("Predict emotion: disgust", "anger"),  # disgust is a child of anger in Parrott's tree
    C("Neither joy nor love; it is sadness.", "sadness"),
    C("joy or love", U),
    # === EmoPrompt reasoning ending in a ``Final answer:`` line, scored by the EmoBench hook ======
    E("emotion_closed", "image", "", "A man stares at a tangle of cables with a puzzled look, scratching his head.\nFinal answer: confusion", "confusion"),
    # === the reading rules of docs/scoring.md =====================================================
    C("A hint of fear, but overall joy.", "joy", rule="commitment"),
    C("confussion", "confusion", rule="misspelling"),
    # --- coarse label sets take the words of their finer children --------------------------------
    C("romantic", "love", rule="coarse"),
    C("The couple's candlelit dinner feels romantic.", "love", rule="coarse"),
    C("Gratitude.", "love", rule="coarse"),
    C("The emotion is lust.", "love", rule="coarse"),
    C("nervousness", "fear", rule="coarse"),
    C("She looks ashamed after the fall.", "sadness", rule="coarse"),
    C("Enthrallment", "joy", rule="coarse"),
    C("A heartache you can see in his eyes.", "sadness", rule="coarse"),
    C("The man is envious of his neighbour.", "anger", rule="coarse"),
    C("upset", U, rule="coarse"),  # rage or sadness: two parents at the 7 level
    C("The reunion is heartwarming.", U, rule="coarse"),  # affection or contentment: love or joy
    O("Romantic.", "love", rule="coarse"),
    E("emotion_closed", "image", "",
      "Two people share a candlelit dinner, holding hands across the table.\nFinal answer: romantic", "love",
      rule="coarse"),
    # === false positives: replies that must stay unparsed =========================================
    C("There is not enough information to decide.", U, rule="false_positive"),
    C("Love, joy, fear, anger, surprise.", U, rule="false_positive"),
    C("[IMG] [IMG] [IMG]", U, rule="false_positive"),
    C("The madness of the crowd.", U, rule="false_positive"),
]
