"""Parser table: Intentonomy's 28 image intents.

Each row is a realistic model reply and the reading the documented rules (docs/scoring.md)
must give; tests/test_parser_tables.py runs every row. Rows are data: extend the table.
"""

from __future__ import annotations

from tests.parser_tables.rows import C, E, U, Row

TABLE: list[Row] = [
    # === closed-set replies =======================================================================
    # --- intentonomy28 -----------------------------------------------------------------------
    C("be attractive", "be attractive"),
    C("Answer: teach others", "teach others"),
    C("The intent is to appreciate nature.", "appreciate nature"),
    C("The photographer wants to show the beauty of nature: the mountains and the lake.", "appreciate nature"),
    C("The person posted this to show how much they love animals.", "love animals"),
    C("The image of a couple holding hands suggests being in love.", "be in love"),
    C("The intent is to inspire others.", "inspire others"),
    C("A family picnic with the kids: the intent is to be a good parent.", "be a good parent"),
    C("The runner is training to be healthy.", "be healthy"),
    C("The photo of a neatly organized desk expresses the intent to keep things in order.", "keep things in order"),
    C("Friendship - a group of friends hanging out at a cafe.", "enjoy friendship and social life"),
    C("The intent is to show creativity and uniqueness.", "be creative and unique"),
    C("This is about architecture.", "appreciate architecture"),
    C("The intent behind this image is to succeed at work; the man in a suit is closing a deal.", "succeed at work"),
    C("The climber seeks adventure and an exciting life.", "live an exciting life"),
    C("The person is posing in order to look attractive.", "be attractive"),  # not "order"
    C("The intent is not competition but enjoying life.", "enjoy life"),
    C("To share feelings with others.", "share feelings"),
    C("I would say the dominant feeling here is enjoy work.", "enjoy one's work"),
    C("Happy or playful.", U),
    # "the intent is ..." marks the answer, so a scene word named earlier does not win
    C("A dog sits on the sofa next to a tidy shelf; the intent is to keep things in order.", "keep things in order"),
    # === EmoPrompt reasoning ending in a ``Final answer:`` line, scored by the EmoBench hook ======
    # --- intent (Intentonomy, MIntRec) ---
    E("intent", "image", "", "1. A group of friends share a meal and laugh around a table.\n2. The photo is casual and the people "
        "look at each other, not at the camera.\n3. Someone would share it to show good times with friends.\n"
        "Final answer: enjoy friendship and social life", "enjoy friendship and social life"),
    E("intent", "image", "", "The picture is a carefully lit portrait with makeup and styled hair, posed for the viewer.\n"
        "Final answer: be attractive", "be attractive"),
    E("intent", "image", "", "A hiker photographs a lake framed by snowy peaks; the composition centres the landscape, no people.\n"
        "Final answer: appreciate nature", "appreciate nature"),
    E("intent", "image", "", "A father teaches his daughter to ride a bike, holding the seat. The moment is about care and "
        "guidance.\nFinal answer: be a good parent", "be a good parent"),
    # === false positives: replies that must stay unparsed =========================================
    C("Unable to process the video.", U, rule="false_positive"),
    C("The beach is crowded.", U, rule="false_positive"),
]
