"""Parser table: WEBEmo, 2 polarities.

Each row is a realistic model reply and the reading the documented rules (docs/scoring.md)
must give; tests/test_parser_tables.py runs every row. Rows are data: extend the table.
"""

from __future__ import annotations

from tests.parser_tables.rows import C, E, O, U, Row

TABLE: list[Row] = [
    # === closed-set replies =======================================================================
    # --- webemo2: polarity -------------------------------------------------------------------
    C("positive", "positive"),
    C("Negative.", "negative"),
    C("Answer: Negative", "negative"),
    C("The sentiment is positive.", "positive"),
    C("The overall sentiment of this image is negative, as it depicts a car crash.", "negative"),
    C("Positive - the kids are smiling.", "positive"),
    C("It evokes a pleasant feeling.", "positive"),
    C("It's unpleasant to look at.", "negative"),
    C("The image conveys joy.", "positive"),
    C("sad", "negative"),
    C("Predict emotion: amusement", "positive"),
    C("The emotion is fear, so negative.", "negative"),
    C("The content of the image is negative.", "negative"),
    C("Not positive; negative.", "negative"),
    C("positive or negative", U),
    C("neutral", U),
    # === EmoPrompt reasoning ending in a ``Final answer:`` line, scored by the EmoBench hook ======
    E("emotion_closed", "image", "", "Sunlit meadow, children running with kites, everyone smiling.\nFinal answer: positive", "positive"),
    # === the reading rules of docs/scoring.md =====================================================
    C("Mostly positive, with a slight negative undertone.", "positive", rule="commitment"),
    C("romantic", "positive", rule="coarse"),
    C("Predict emotion: romance", "positive", rule="coarse"),
    C("upset", "negative", rule="coarse"),  # ... one at the 2 level
    C("The widow looks devastated.", "negative", rule="coarse"),
    C("Answer: zest", "positive", rule="coarse"),
    C("The emotion is exasperation.", "negative", rule="coarse"),
    C("**Sympathy**", "negative", rule="coarse"),
    C("The crowd is in awe of the fireworks.", "positive", rule="coarse"),
    C("The child is confused.", "negative", rule="coarse"),
    C("shocked", U, rule="coarse"),  # horror or surprise: two polarities
    C("A heartwarming reunion at the airport.", "positive", rule="coarse"),
    O("Final answer: disturbed", "negative", rule="coarse"),
    # === false positives: replies that must stay unparsed =========================================
    C("N/A", U, rule="false_positive"),
    C("positive/negative", U, rule="false_positive"),
    C("The leaves are turning yellow.", U, rule="false_positive"),
]
