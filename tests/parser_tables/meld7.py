"""Parser table: MELD-7 (Ekman-6 plus neutral).

Each row is a realistic model reply and the reading the documented rules (docs/scoring.md)
must give; tests/test_parser_tables.py runs every row. Rows are data: extend the table.
"""

from __future__ import annotations

from tests.parser_tables.rows import C, E, O, U, Row

TABLE: list[Row] = [
    # === closed-set replies =======================================================================
    # --- meld7 -------------------------------------------------------------------------------
    C("Neutral", "neutral"),
    C("neutral.", "neutral"),
    C("Emotion: fear", "fear"),
    C("Answer: joy", "joy"),
    C("The speaker sounds angry.", "anger"),
    C("The emotion expressed by the speaker is surprise.", "surprise"),
    C("Rachel looks shocked and says 'What?!' - surprise.", "surprise"),
    C("The speaker shows no particular emotion.", "neutral"),
    C("The tone is matter-of-fact.", "neutral"),
    C("Monica is crying, so the emotion is sadness.", "sadness"),
    C("Disgust. Ross grimaces at the food.", "disgust"),
    C("The character seems scared of what might happen.", "fear"),
    C("I would say the speaker is happy.", "joy"),
    C("It is not anger; Chandler is just joking around, which is joy.", "joy"),
    C("The speaker is not neutral, she is clearly sad.", "sadness"),
    C("Either anger or disgust.", U),
    C("anger, disgust, fear, joy, neutral, sadness, surprise", U),  # the option list echoed
    C("I'm sorry, I cannot determine the emotion from this clip.", U),
    # === open-set replies, placed through the emotion lexicon =====================================
    O("Shocked.", "surprise"),
    O("Proud", "joy"),
    # --- MELD: neutral and calm ---
    O("Neutral", "neutral"),
    O("The speaker sounds calm and matter-of-fact.", "neutral"),
    O("There is no particular emotion.", "neutral"),
    O("Indifferent.", "neutral"),
    O("Content.", "joy"),
    O("Excited!", "joy"),
    O("Annoyed", "anger"),
    O("Worried", "fear"),
    O("Disappointed", "sadness"),
    O("Stunned", "surprise"),
    O("Grossed out", "disgust"),
    O("Embarrassed", "sadness"),
    O("Mixed feelings.", U),
    # === EmoPrompt reasoning ending in a ``Final answer:`` line, scored by the EmoBench hook ======
    # --- closed-set emotion, video (MELD: a person speaking) ---
    E("emotion_closed", "video", "Oh my God, you got the job!", "Across the frames the speaker's eyebrows rise and her mouth opens wide; she steps back and puts her "
        "hands up. The line is an exclamation.\nFinal answer: surprise", "surprise"),
    E("emotion_closed", "video", "Can you pass me the remote?", "The speaker's face stays relaxed, the voice is not raised, and the request is ordinary; there is no "
        "sign of joy or anger.\nFinal answer: neutral", "neutral"),
    E("emotion_closed", "video", "I can't believe you did that to me.", "He frowns and points at the other person; his jaw is tight and he leans forward. The words accuse.\n"
        "Final answer: anger", "anger"),
    E("emotion_closed", "video", "We're getting married!", "Both people are beaming and hugging; the speaker jumps up and down in later frames.\n"
        "Final answer: joy", "joy"),
    E("emotion_closed", "video", "I just miss her so much.", "The speaker looks down, her voice seems to break and she wipes her eyes across the frames.\n"
        "Final answer: sadness", "sadness"),
    E("emotion_open", "video", "We won! We actually won!", "The speaker jumps and hugs everyone, shouting.\nFinal answer: elation", "joy"),
    # === the reading rules of docs/scoring.md =====================================================
    C("Some annoyance, but above all she is surprised.", "surprise", rule="commitment"),
    C("Chandler sounds mildly annoyed, mostly neutral.", "neutral", rule="commitment"),
    O("Faintly irritated; mostly calm.", "neutral", rule="commitment"),
    C("nuetral", "neutral", rule="misspelling"),
    O("frustated", "anger", rule="misspelling"),
    # === false positives: replies that must stay unparsed =========================================
    C("I'm not able to determine people's emotions from their faces.", U, rule="false_positive"),
    C("Cannot be determined from the given frames.", U, rule="false_positive"),
    O("I don't know.", U, rule="false_positive"),
    C("Both surprise and fear, with no clear winner.", U, rule="false_positive"),
    C("The clip shows several emotions: anger, disgust, sadness.", U, rule="false_positive"),
    C("\u00bf\u00bf\u00bf", U, rule="false_positive"),
    C("The saddle of the old horse.", U, rule="false_positive"),
]
