"""Parser table: MIntRec's 20 conversational intents.

Each row is a realistic model reply and the reading the documented rules (docs/scoring.md)
must give; tests/test_parser_tables.py runs every row. Rows are data: extend the table.
"""

from __future__ import annotations

from tests.parser_tables.rows import C, E, U, Row

TABLE: list[Row] = [
    # === closed-set replies =======================================================================
    # --- mintrec20 ---------------------------------------------------------------------------
    C("Complain", "complain"),
    C("ask for help", "ask for help"),
    C("Answer: greet", "greet"),
    C("The intent is to apologize.", "apologize"),
    C("She apologises for being late.", "apologize"),
    C("The speaker is asking for help with the boxes.", "ask for help"),
    C("He is saying hello to Amy as she walks in.", "greet"),
    C("The speaker is bragging about his sales numbers, so the intent is flaunt.", "flaunt"),
    C("Glenn is mocking Dina's outfit.", "taunt"),
    C("The intent is to inform the staff about the new policy.", "inform"),
    C("She suggests taking it from the top - advise.", "advise"),
    C("He is telling a joke.", "joke"),
    C("The speaker thanks Glenn for his help.", "thank"),
    C("Jonah disagrees with the plan.", "oppose"),
    C("The manager is assigning tasks to the employees: arrange.", "arrange"),
    C("She is consoling her coworker after the bad news.", "comfort"),
    C("The intent is to stop Garrett from hanging up.", "prevent"),
    C("He is leaving the store for the day.", "leave"),
    C("The speaker praises the new display.", "praise"),
    C("She introduces her boyfriend to the team.", "introduce"),
    C("Dina is criticizing Jonah for being late.", "criticize"),
    C("Sure, the speaker agrees with Amy.", "agree"),
    C("The speaker asks whether everything is okay, showing concern.", "care"),
    C("The speaker is not complaining; she is thanking him.", "thank"),
    C("Complain or criticize.", U),
    C("I'm sorry, but I can't tell the intent from this clip.", U),  # "sorry" is not an apology
    C("The speaker is smiling while she complains about the weather, so the intent is joke.", "joke"),
    C("Intent: ask for help", "ask for help"),
    C("She praises the cake, but her real intention is to taunt him.", "taunt"),
    # === EmoPrompt reasoning ending in a ``Final answer:`` line, scored by the EmoBench hook ======
    E("intent", "video", "Wow, nice outfit. Did your grandma knit it?", "The speaker smirks while looking the other person up and down; the compliment is followed by a "
        "mocking question.\nFinal answer: taunt", "taunt"),
    E("intent", "video", "Thank you so much for helping me move.", "She smiles warmly and hugs her friend; the words express gratitude.\nFinal answer: thank", "thank"),
    E("intent", "video", "I'm so sorry, I didn't mean to break it.", "He lowers his head and raises his hands apologetically.\nFinal answer: apologize", "apologize"),
    E("intent", "video", "You should really see a doctor about that cough.", "The speaker leans in with a concerned face and gives a recommendation.\nFinal answer: advise", "advise"),
    # === the reading rules of docs/scoring.md =====================================================
    C("She is slightly complaining but mainly asking for help.", "ask for help", rule="commitment"),
    C("The intent is to apologise for the delay, complainig a bit.", "apologize", rule="misspelling"),
    # === false positives: replies that must stay unparsed =========================================
    C("I cannot identify the intent of this person.", U, rule="false_positive"),
    C("Complain or praise, hard to choose.", U, rule="false_positive"),
]
