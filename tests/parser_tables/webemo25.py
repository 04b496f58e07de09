"""Parser table: WEBEmo, 25 fine classes.

Each row is a realistic model reply and the reading the documented rules (docs/scoring.md)
must give; tests/test_parser_tables.py runs every row. Rows are data: extend the table.
"""

from __future__ import annotations

from tests.parser_tables.rows import C, E, U, Row

TABLE: list[Row] = [
    # === closed-set replies =======================================================================
    # --- webemo25: the label itself, in the forms models write it --------------------------
    C("Affection", "affection"),
    C("cheerfulness", "cheerfulness"),
    C("Cheerfullness", U),  # the release's misspelling is not a word models write
    C("Answer: zest", "zest"),
    C("Predict emotion: enthrallment", "enthrallment"),
    C("**Sympathy**", "sympathy"),
    C("disgust", "disgust"),
    C("Irritability.", "irritability"),
    # --- webemo25: sentences and Parrott's tertiary words ------------------------------------
    C("The image evokes a sense of nostalgia and gratitude.", "gratitude"),
    C("The emotion conveyed is horror: the figure in the dark hallway is terrifying.", "horror"),
    C("I would say the dominant feeling here is nervousness, as the person bites their nails.", "nervousness"),
    C("The couple embracing conveys lust rather than affection.", "lust"),
    C("This photo shows a man frowning at a spreadsheet; he looks exasperated.", "exasperation"),
    C("The child looks confused by the puzzle.", "confusion"),
    C("The image shows a graduate holding a diploma, which conveys pride.", "pride"),
    C("Relief. The firefighter has just rescued the dog.", "relief"),
    C("Envy - the woman stares at her friend's new car.", "envy"),
    C("It depicts an elderly man alone in an empty room, suggesting neglect.", "neglect"),
    C("The mood is one of suffering.", "suffering"),
    C("The boy hides his face in shame after breaking the vase.", "shame"),
    C("The overall feeling is optimism: a sunrise over a new city.", "optimism"),
    C("The man is furious, shouting at the referee. Final answer: rage", "rage"),
    C("The person looks annoyed and irritable.", "irritability"),
    C("The dominant emotion is disappointment.", "disappointment"),
    C("She looks heartbroken at the funeral.", "sadness"),
    C("The kids are jumping with enthusiasm at the concert.", "zest"),
    C("A mother holding her newborn: tenderness.", "affection"),
    C("The diver seems anxious before the jump.", "nervousness"),
    C("He is embarrassed after tripping on stage.", "shame"),
    C("The soldier's face shows anguish.", "suffering"),
    C("She is jealous of her sister.", "envy"),
    # --- webemo25: Mikels/Ekman words from EmoSet-trained models ----------------------------
    C("Predict emotion: amusement", "cheerfulness"),
    C("predict emotion: excitement", "zest"),
    C("The viewer would feel awe at the canyon.", "enthrallment"),
    C("contentment", "contentment"),
    C("happy", "cheerfulness"),
    C("Fear.", "horror"),
    C("Surprise!", "surprise"),
    # --- webemo25: negation, hedges, refusals ----------------------------------------------
    C("It is not contentment but rather sadness.", "sadness"),
    C("The image does not evoke fear; the lake is calm.", "contentment"),
    C("Surprise or confusion.", U),
    C("I would say sadness or sympathy.", U),
    C("I'm not sure.", U),
    # === EmoPrompt reasoning ending in a ``Final answer:`` line, scored by the EmoBench hook ======
    E("emotion_closed", "image", "", "A student bites her nails while waiting outside an exam hall, glancing at the clock. Her shoulders are "
        "raised and tense.\nFinal answer: nervousness", "nervousness"),
    # === the reading rules of docs/scoring.md =====================================================
    C("Primarily pride, with a touch of relief.", "pride", rule="commitment"),
    C("nervousnes", "nervousness", rule="misspelling"),
    # === false positives: replies that must stay unparsed =========================================
    C("The emotion is unclear.", U, rule="false_positive"),
    C("000000", U, rule="false_positive"),
    C("A wonderer walking alone.", U, rule="false_positive"),
    C("Gloaming light over a declined offer.", U, rule="false_positive"),
]
