"""Parser table: Ekman-6 (EmotionROI, Emotion6).

Each row is a realistic model reply and the reading the documented rules (docs/scoring.md)
must give; tests/test_parser_tables.py runs every row. Rows are data: extend the table.
"""

from __future__ import annotations

from tests.parser_tables.rows import C, E, L, O, U, Row

EKMAN_OPTS = ["anger", "disgust", "fear", "joy", "sadness", "surprise"]

TABLE: list[Row] = [
    # === closed-set replies =======================================================================
    C("The image does not evoke joy; it evokes sadness.", "sadness"),
    # --- ekman6 -----------------------------------------------------------------------------
    C("joy", "joy"),
    C("Joy.", "joy"),
    C("Happy", "joy"),
    C("The person looks happy.", "joy"),
    C("Happiness", "joy"),
    C("The kids are having fun at the beach.", "joy"),
    C("Surprise", "surprise"),
    C("The woman looks shocked by the news.", "surprise"),
    C("Surprised.", "surprise"),
    C("He is astonished.", "surprise"),
    C("The aurora leaves viewers in awe.", "surprise"),
    C("Anger", "anger"),
    C("The driver is furious.", "anger"),
    C("Disgust", "disgust"),
    C("Gross.", "disgust"),
    C("The image of the spoiled milk is revolting.", "disgust"),
    C("Fear", "fear"),
    C("The girl seems scared of the dog.", "fear"),
    C("The man looks anxious.", "fear"),
    C("Sadness", "sadness"),
    C("The abandoned puppy looks sad.", "sadness"),
    C("The scene is gloomy and lonely.", "sadness"),
    C("Emotion: Disgust\n", "disgust"),
    C("The emotion is not joy but rather sadness", "sadness"),
    C("It could be either fear or sadness.", U),
    C("Joy or surprise.", U),
    C("The answer is joy/happiness.", "joy"),
    C("The couple looks happy and relaxed.", "joy"),
    C("Neither happy nor sad.", U),
    C("She isn't happy; she is angry.", "anger"),
    C("The predominant emotion is fear, with a hint of surprise.", "fear"),
    C("Scared.", "fear"),
    C("Angry.", "anger"),
    C("Neutral", U),
    C("Contempt", U),
    C("Love", U),
    C("The content of the image is a birthday party.", U),
    C("The image conveys joy rather than surprise.", "joy"),
    C("After analyzing the image, the final answer is: surprise.", "surprise"),
    C("Thinking about the cues... the emotion is fear.", "fear"),
    C("The man's face is red and he is shouting. Emotion: anger", "anger"),
    # === closed-set replies with the prompt's option list (letters, numbers) ======================
    L("C", EKMAN_OPTS, "fear"),
    L("(D) joy", EKMAN_OPTS, "joy"),
    L("4", EKMAN_OPTS, "joy"),
    L("Option A", EKMAN_OPTS, "anger"),
    L("B. disgust", EKMAN_OPTS, "disgust"),
    L("The answer is F.", EKMAN_OPTS, "surprise"),
    L("(E) sadness", EKMAN_OPTS, "sadness"),
    L("G", EKMAN_OPTS, U),
    L("happy", EKMAN_OPTS, "joy"),
    L("A happy family picnic.", EKMAN_OPTS, "joy"),
    L("(D) sadness", EKMAN_OPTS, U),
    # === open-set replies, placed through the emotion lexicon =====================================
    O("Not happy.", U),
    O("Joyful", "joy"),
    O("Over the moon!", "joy"),
    O("Surprised", "surprise"),
    O("Tenderness", "joy"),
    O("Hopeful", "joy"),
    O("Awe", "surprise"),
    O("Breathtaking", "surprise"),
    O("Confused", U),
    O("zxqv blorf", U),
    O("I hope this helps!", U),
    O("I hope this helps. The image feels gloomy.", "sadness"),
    # === EmoPrompt reasoning ending in a ``Final answer:`` line, scored by the EmoBench hook ======
    # --- closed-set emotion, Ekman-6 (EmotionROI, Emotion6) ---
    E("emotion_closed", "image", "", "1. A woman receives flowers and covers her mouth with both hands.\n2. Her eyes are wide and her "
        "eyebrows raised.\n3. The gesture suggests an unexpected moment.\nFinal answer: surprise", "surprise"),
    E("emotion_closed", "image", "", "The friends on the beach smile broadly, the sun is bright and the colours are saturated. No sign of "
        "sadness or fear.\nFinal answer: joy", "joy"),
    E("emotion_closed", "image", "", "A burnt-out house with a family standing in front of it, heads lowered. The muted grey palette "
        "reinforces loss.\n\nFinal answer: sadness", "sadness"),
    E("emotion_closed", "image", "", "Cockroaches crawl over a kitchen counter next to open food. The viewer would want to look away.\n"
        "Final answer: disgust", "disgust"),
    E("emotion_closed", "image", "", "The driver yells out of his car window with his fist raised at another driver. His brows are drawn "
        "together.\nFinal answer: anger", "anger"),
    E("emotion_closed", "image", "", "A shark fin breaks the surface near a swimmer who is looking away. The danger is imminent; it is not "
        "surprise but threat.\nFinal answer: fear", "fear"),
    E("emotion_open", "image", "", "A man screams at his laptop, veins on his forehead visible.\nFinal answer: rage", "anger"),
    E("emotion_open", "image", "", "An overturned bin of rotting waste with maggots.\nFinal answer: revulsion", "disgust"),
    E("emotion_closed", "image", "", "Everyone at the table is smiling and raising glasses.\nFinal answer: happiness", "joy"),
    # === the reading rules of docs/scoring.md =====================================================
    C("The face shows surprise, mostly, with some fear.", "surprise", rule="commitment"),
    C("A tinge of sadness, but the dominant note is joy. Final answer: mostly joy", "joy", rule="commitment"),
    C("Mainly anger, a bit of disgust.", "anger", rule="commitment"),
    C("A mix of joy and sadness.", U, rule="commitment"),
    O("A touch of worry, but chiefly delight.", "joy", rule="commitment"),
    # --- misspellings: one close misspelling of a label or lexicon word is read; real words never --
    C("suprised", "surprise", rule="misspelling"),
    C("Happyness", "joy", rule="misspelling"),
    C("Final answer: digust", "disgust", rule="misspelling"),
    C("The man is angery.", "anger", rule="misspelling"),
    O("nostalgik", "sadness", rule="misspelling"),
    E("emotion_closed", "image", "",
      "The child opens a gift box and her mouth falls open.\nFinal answer: suprise", "surprise", rule="misspelling"),
    # === false positives: replies that must stay unparsed =========================================
    C("Sorry, I cannot assist with that request.", U, rule="false_positive"),
    C("It is impossible to tell which emotion is intended.", U, rule="false_positive"),
    O("Unknown.", U, rule="false_positive"),
    # lists of several emotions with no preference
    C("The image evokes joy, sadness, fear and anger.", U, rule="false_positive"),
    C("Joy and sadness equally.", U, rule="false_positive"),
    O("Happiness and grief alike.", U, rule="false_positive"),
    C("</s>", U, rule="false_positive"),
    C("dear", U, rule="false_positive"),
    C("Angers is a city in France.", U, rule="false_positive"),
    C("He plays the lover's role in a sitcom, loveless marriage aside.", U, rule="false_positive"),
    O("The fearless firefighter.", U, rule="false_positive"),
]
