"""EmoPrompt outputs -> labels: realistic reasoning ending in a final-answer line, read by the tasks' own scoring.

Every row goes through :func:`lmms_emotion.task_utils.process_results_emobench` (prompt-echo
stripping, the closed-set / yes-no parser, the open-set lexicon), exactly as lmms-eval scores
an ``emollm`` response with ``emoprompt=true``; then the text-side rules of the wrapper
(:func:`finish_reasoned_text`, :func:`with_emoprompt`) are checked on their own.
"""

from __future__ import annotations

import pytest

from lmms_emotion import UNPARSED
from lmms_emotion.models.emoprompt import emoprompt_instruction, finish_reasoned_text, with_emoprompt
from lmms_emotion.task_utils import doc_to_text, process_results_emobench

# (task kind, label set, modality, accompanying text, model output, expected label)
ROWS: list[tuple[str, str, str, str, str, str]] = [
    # --- closed-set emotion, Mikels-8 (EmoSet, FI) ---
    ("emotion_closed", "mikels8", "image", "",
     "1. The scene shows a vast mountain range at sunrise with a tiny hiker on the ridge.\n"
     "2. The scale of the landscape against the small figure suggests grandeur.\n"
     "3. The colours are soft and golden, nothing threatening is visible.\n"
     "Final answer: awe", "awe"),
    ("emotion_closed", "mikels8", "image", "",
     "The image shows children laughing while a clown juggles. Their open mouths and raised arms "
     "signal delight rather than fear.\nFinal answer: amusement", "amusement"),
    ("emotion_closed", "mikels8", "image", "",
     "Step 1: A flooded street, a woman holding a crying child.\nStep 2: Grey sky, debris everywhere.\n"
     "Step 3: The posture is slumped and the faces are tense - this is not excitement or amusement.\n"
     "Final answer: sadness", "sadness"),
    ("emotion_closed", "mikels8", "image", "",
     "There is rotting food on a dirty plate with flies around it. The close-up makes the viewer recoil.\n\n"
     "Final answer: Disgust.", "disgust"),
    ("emotion_closed", "mikels8", "image", "",
     "A dark alley at night, a figure in a hood stands under a flickering lamp. Shadows hide the face, "
     "which creates suspense and threat.\nFinal answer: fear", "fear"),
    ("emotion_closed", "mikels8", "image", "",
     "- Cues: a crowd cheering at a concert, confetti, bright stage lights.\n"
     "- The energy is high and the people jump with their arms up.\n"
     "- Contentment would be calmer than this.\n**Final answer:** Excitement", "excitement"),
    ("emotion_closed", "mikels8", "image", "",
     "A cat sleeps on a sunny windowsill next to a cup of tea. Warm light, soft blanket, a quiet room. "
     "It feels peaceful and satisfied rather than exciting.\nFinal answer: contentment", "contentment"),
    ("emotion_closed", "mikels8", "image", "",
     "Protesters shout with clenched fists; one man's face is red and his mouth wide open. The red banners "
     "add intensity.\nFinal answer:\nanger", "anger"),
    ("emotion_closed", "mikels8", "image", "",
     "At first the bright colours suggest amusement, but the subject is a hospital bed and the relatives "
     "look down in grief.\nFinal answer: sadness", "sadness"),
    ("emotion_closed", "mikels8", "image", "",
     "The photo shows a waterfall in a misty forest. The light beams through the trees and the scene feels "
     "majestic.\nFinal Answer - awe", "awe"),
    ("emotion_closed", "mikels8", "image", "",
     "A toddler smeared with spaghetti sauce grins at the camera. It is funny, not disgusting.\n"
     "Final answer: amusement (the messy face is comic)", "amusement"),
    ("emotion_closed", "mikels8", "image", "",
     "Snarling dog with bared teeth lunging at the camera; the low angle puts the viewer in its path.\n"
     "Final answer: FEAR", "fear"),
    # --- closed-set emotion, Ekman-6 (EmotionROI, Emotion6) ---
    ("emotion_closed", "ekman6", "image", "",
     "1. A woman receives flowers and covers her mouth with both hands.\n2. Her eyes are wide and her "
     "eyebrows raised.\n3. The gesture suggests an unexpected moment.\nFinal answer: surprise", "surprise"),
    ("emotion_closed", "ekman6", "image", "",
     "The friends on the beach smile broadly, the sun is bright and the colours are saturated. No sign of "
     "sadness or fear.\nFinal answer: joy", "joy"),
    ("emotion_closed", "ekman6", "image", "",
     "A burnt-out house with a family standing in front of it, heads lowered. The muted grey palette "
     "reinforces loss.\n\nFinal answer: sadness", "sadness"),
    ("emotion_closed", "ekman6", "image", "",
     "Cockroaches crawl over a kitchen counter next to open food. The viewer would want to look away.\n"
     "Final answer: disgust", "disgust"),
    ("emotion_closed", "ekman6", "image", "",
     "The driver yells out of his car window with his fist raised at another driver. His brows are drawn "
     "together.\nFinal answer: anger", "anger"),
    ("emotion_closed", "ekman6", "image", "",
     "A shark fin breaks the surface near a swimmer who is looking away. The danger is imminent; it is not "
     "surprise but threat.\nFinal answer: fear", "fear"),
    # --- closed-set emotion, video (MELD: a person speaking) ---
    ("emotion_closed", "meld7", "video", "Oh my God, you got the job!",
     "Across the frames the speaker's eyebrows rise and her mouth opens wide; she steps back and puts her "
     "hands up. The line is an exclamation.\nFinal answer: surprise", "surprise"),
    ("emotion_closed", "meld7", "video", "Can you pass me the remote?",
     "The speaker's face stays relaxed, the voice is not raised, and the request is ordinary; there is no "
     "sign of joy or anger.\nFinal answer: neutral", "neutral"),
    ("emotion_closed", "meld7", "video", "I can't believe you did that to me.",
     "He frowns and points at the other person; his jaw is tight and he leans forward. The words accuse.\n"
     "Final answer: anger", "anger"),
    ("emotion_closed", "meld7", "video", "We're getting married!",
     "Both people are beaming and hugging; the speaker jumps up and down in later frames.\n"
     "Final answer: joy", "joy"),
    ("emotion_closed", "meld7", "video", "I just miss her so much.",
     "The speaker looks down, her voice seems to break and she wipes her eyes across the frames.\n"
     "Final answer: sadness", "sadness"),
    # --- other closed label sets ---
    ("emotion_closed", "unbiasedemo6", "image", "",
     "An elderly couple holds hands on a bench, gazing at each other tenderly. The warmth is affectionate "
     "rather than joyful excitement.\nFinal answer: love", "love"),
    ("emotion_closed", "webemo7", "image", "",
     "A man stares at a tangle of cables with a puzzled look, scratching his head.\nFinal answer: confusion",
     "confusion"),
    ("emotion_closed", "webemo25", "image", "",
     "A student bites her nails while waiting outside an exam hall, glancing at the clock. Her shoulders are "
     "raised and tense.\nFinal answer: nervousness", "nervousness"),
    ("emotion_closed", "webemo2", "image", "",
     "Sunlit meadow, children running with kites, everyone smiling.\nFinal answer: positive", "positive"),
    # --- intent (Intentonomy, MIntRec) ---
    ("intent", "intentonomy28", "image", "",
     "1. A group of friends share a meal and laugh around a table.\n2. The photo is casual and the people "
     "look at each other, not at the camera.\n3. Someone would share it to show good times with friends.\n"
     "Final answer: enjoy friendship and social life", "enjoy friendship and social life"),
    ("intent", "intentonomy28", "image", "",
     "The picture is a carefully lit portrait with makeup and styled hair, posed for the viewer.\n"
     "Final answer: be attractive", "be attractive"),
    ("intent", "intentonomy28", "image", "",
     "A hiker photographs a lake framed by snowy peaks; the composition centres the landscape, no people.\n"
     "Final answer: appreciate nature", "appreciate nature"),
    ("intent", "intentonomy28", "image", "",
     "A father teaches his daughter to ride a bike, holding the seat. The moment is about care and "
     "guidance.\nFinal answer: be a good parent", "be a good parent"),
    ("intent", "mintrec20", "video", "Wow, nice outfit. Did your grandma knit it?",
     "The speaker smirks while looking the other person up and down; the compliment is followed by a "
     "mocking question.\nFinal answer: taunt", "taunt"),
    ("intent", "mintrec20", "video", "Thank you so much for helping me move.",
     "She smiles warmly and hugs her friend; the words express gratitude.\nFinal answer: thank", "thank"),
    ("intent", "mintrec20", "video", "I'm so sorry, I didn't mean to break it.",
     "He lowers his head and raises his hands apologetically.\nFinal answer: apologize", "apologize"),
    ("intent", "mintrec20", "video", "You should really see a doctor about that cough.",
     "The speaker leans in with a concerned face and gives a recommendation.\nFinal answer: advise", "advise"),
    # --- yes / no: hate (Hateful Memes) ---
    ("hate", "yes_no", "image", "look how many people love you",
     "The image shows an empty desert; the caption ironically says many people love you. It mocks "
     "loneliness but does not attack anyone for their race, religion or origin.\nFinal answer: no", "no"),
    ("hate", "yes_no", "image", "they should all go back where they came from",
     "A photo of a group of migrants on a boat with a caption telling them to go back. It targets people "
     "for their origin, which is demeaning.\nFinal answer: yes", "yes"),
    ("hate", "yes_no", "image", "when your coffee kicks in",
     "A dog running at full speed with a caption about coffee. Harmless humour, no target group.\n\n"
     "Final answer: No.", "no"),
    ("hate", "yes_no", "image", "religion of peace",
     "The caption sarcastically labels a religion over an image of an explosion, linking the faith to "
     "violence. That demeans believers as a group.\nFinal answer: Yes, it is hateful.", "yes"),
    # --- yes / no: humor (Memotion, UR-FUNNY) ---
    ("humor", "yes_no", "image", "me explaining to my mom why I need another monitor",
     "A cartoon character gesturing wildly at a chart. The exaggeration of a mundane situation is a joke.\n"
     "Final answer: yes", "yes"),
    ("humor", "yes_no", "image", "in loving memory 1950-2020",
     "A memorial photo with candles and flowers; the tone is solemn and there is no punchline.\n"
     "Final answer: no", "no"),
    ("humor", "yes_no", "video", "and that's when I realised the goat was my landlord",
     "The speaker pauses, raises his eyebrows and the audience in the background starts laughing. The "
     "absurd twist is the punchline.\nFinal answer: Yes", "yes"),
    ("humor", "yes_no", "video", "the quarterly numbers are down four percent",
     "The speaker reads from slides with a flat expression; nobody reacts. It is not meant to be funny.\n"
     "Final answer: no", "no"),
    # --- yes / no: sarcasm (MMSD2.0, MUStARD) ---
    ("sarcasm", "yes_no", "image", "great, another monday. just what I needed",
     "A photo of a rainy street and a broken umbrella. The caption praises Monday while the picture shows a "
     "miserable morning, so the words mean the opposite.\nFinal answer: yes", "yes"),
    ("sarcasm", "yes_no", "image", "happy birthday to my best friend",
     "Two friends hugging at a party with a cake. The caption matches the picture literally.\n"
     "Final answer: no", "no"),
    ("sarcasm", "yes_no", "video", "Oh yeah, because that worked so well last time.",
     "The speaker rolls his eyes and smirks; his tone is flat. The statement praises something that failed, "
     "which is not sincere.\nFinal answer: yes", "yes"),
    ("sarcasm", "yes_no", "video", "I think we should leave before it rains.",
     "She looks at the sky and speaks plainly; at first it might seem sarcastic, but nothing contrasts with "
     "her words.\nFinal answer: No", "no"),
    ("sarcasm", "yes_no", "video", "Wow, you're a genius.",
     "The speaker's face is deadpan while the other character has just dropped the cake. The praise "
     "contradicts what happened.\n\nFinal answer: yes, sarcastic", "yes"),
    ("sarcasm", "yes_no", "video", "This is the best day of my life.",
     "He is sitting in a hospital waiting room, staring at the floor; his voice is monotone. The literal "
     "words are positive but the situation is bleak, so he does not mean them.\nFinal answer: yes", "yes"),
    # --- open-set emotion (Emo-O, lexicon) ---
    ("emotion_open", "mikels8", "image", "",
     "Old photographs scattered on a table next to a faded letter, lit by a low lamp. It evokes longing for "
     "the past.\nFinal answer: nostalgia", "sadness"),
    ("emotion_open", "ekman6", "image", "",
     "A man screams at his laptop, veins on his forehead visible.\nFinal answer: rage", "anger"),
    ("emotion_open", "mikels8", "image", "",
     "A shadowy figure stands at the end of a dark corridor; the viewer cannot see its face.\n"
     "Final answer: terror", "fear"),
    ("emotion_open", "meld7", "video", "We won! We actually won!",
     "The speaker jumps and hugs everyone, shouting.\nFinal answer: elation", "joy"),
    ("emotion_open", "ekman6", "image", "",
     "An overturned bin of rotting waste with maggots.\nFinal answer: revulsion", "disgust"),
    # --- final answers phrased as words or sentences rather than the bare option ---
    ("emotion_closed", "mikels8", "image", "",
     "A child holds a balloon and laughs at a puppy licking her face.\nFinal answer: The emotion is amused "
     "delight, so amusement.", "amusement"),
    ("emotion_closed", "mikels8", "image", "",
     "Grey waiting room, a man with his head in his hands.\nMy final answer is: sad", "sadness"),
    ("emotion_closed", "ekman6", "image", "",
     "Everyone at the table is smiling and raising glasses.\nFinal answer: happiness", "joy"),
    ("emotion_closed", "mikels8", "image", "",
     "1. Calm lake. 2. Soft evening light. 3. A couple on a bench.\nFinal answer: Contentment\n"
     "Confidence: high", "contentment"),
    ("sarcasm", "yes_no", "image", "love waiting 2 hours for a bus",
     "A crowded bus stop in the rain with a grinning selfie. The caption claims to love a miserable wait.\n"
     "Final answer: The tweet is sarcastic.", "yes"),
    ("humor", "yes_no", "image", "breaking news: markets fall",
     "A stock chart with a news banner, no joke or absurd element.\nFinal answer: No, it is not humorous.",
     "no"),
    # --- odd but honest endings ---
    ("emotion_closed", "mikels8", "image", "",
     "Fireworks over a city skyline, people cheering on rooftops.\nFinal answer: excitement\n\nUSER: thanks",
     "excitement"),
    ("emotion_closed", "mikels8", "image", "",
     "The image is too dark to make out faces, and the objects could be anything.\nFinal answer: fear or "
     "sadness", UNPARSED),
    ("sarcasm", "yes_no", "video", "Sure, I'd love to work this weekend.",
     "His smile is forced and he sighs before speaking; the enthusiasm is exaggerated.\n"
     "Final answer: yes or no is hard to say", UNPARSED),
]


def _doc(kind: str, label_set: str, modality: str, text: str, answer: str = "x") -> dict:
    return {"id": f"t/{kind}/{label_set}", "task": kind, "source": "table", "split": "test", "modality": modality,
            "text": text, "label_set": label_set, "answer": answer, "media_types": [modality],
            "media_paths": ["/nonexistent"], "meta": "{}"}


def test_the_table_is_large_and_covers_every_task_kind():
    assert len(ROWS) >= 50
    kinds = {row[0] for row in ROWS}
    assert kinds == {"emotion_closed", "emotion_open", "intent", "hate", "humor", "sarcasm"}
    assert len({row[1] for row in ROWS}) >= 10
    assert all("final answer" in row[4].lower() for row in ROWS)


@pytest.mark.parametrize("kind,label_set,modality,text,response,expected", ROWS,
                         ids=[f"{i:02d}-{r[0]}-{r[1]}" for i, r in enumerate(ROWS)])
def test_reasoning_output_scores_as_its_final_answer(kind, label_set, modality, text, response, expected):
    from lmms_emotion.taxonomy import get_label_set

    gold = expected if expected != UNPARSED else get_label_set(label_set).labels[0]
    scores = process_results_emobench(_doc(kind, label_set, modality, text, answer=gold), [response])
    assert scores["macro_f1"]["pred"] == expected
    assert scores["acc"]["score"] == (1.0 if expected != UNPARSED else 0.0)
    assert scores["unparsed_rate"]["score"] == (1.0 if expected == UNPARSED else 0.0)


@pytest.mark.parametrize("index", [0, 13, 27, 36, 44])
def test_an_echo_of_the_whole_emoprompt_is_harmless(index):
    """A model that repeats the question and our instruction (which itself says 'Final answer: <option>')
    before reasoning is still scored on its own final line."""
    kind, label_set, modality, text, response, expected = ROWS[index]
    doc = _doc(kind, label_set, modality, text, answer=expected)
    echoed = with_emoprompt(doc_to_text(doc), doc, modality) + "\n" + response
    assert process_results_emobench(doc, [echoed])["macro_f1"]["pred"] == expected


# --- the wrapper's text handling ----------------------------------------------------------------------


def test_stop_strings_do_not_cut_the_reasoning_and_the_final_line_ends_the_answer():
    text = "The sky is grey.\n\nThe man looks down.\nFinal answer: sadness\n\nUSER: and now?"
    assert finish_reasoned_text(text, ["\n\n"]) == "The sky is grey.\n\nThe man looks down.\nFinal answer: sadness"
    assert finish_reasoned_text("Cues...\nFinal answer:\nawe\nMore text", ["\n\n"]) == "Cues...\nFinal answer:\nawe"
    assert finish_reasoned_text("Cues. Final answer: joy USER: next", ["USER:"]) == "Cues. Final answer: joy"
    # no final-answer line: nothing is cut (the parser falls back to its other markers)
    assert finish_reasoned_text("It is dark.\n\nThe answer is fear", ["\n\n"]) == "It is dark.\n\nThe answer is fear"


def test_emoprompt_instruction_per_task_kind():
    closed = emoprompt_instruction("emotion_closed", "image")
    assert "'Final answer: <option>'" in closed and "exactly as written" in closed and "faces" in closed
    assert "across the frames" in emoprompt_instruction("emotion_closed", "video")
    assert "'Final answer: <emotion>'" in emoprompt_instruction("emotion_open")
    assert "'Final answer: yes' or 'Final answer: no'" in emoprompt_instruction("sarcasm", "video")
    assert "video clip shows" in emoprompt_instruction("humor", "video")
    assert "arranged for" in emoprompt_instruction("intent")
    assert "'Final answer: <answer>'" in emoprompt_instruction(None)


def test_with_emoprompt_keeps_the_task_prompt_and_adds_one_line():
    doc = _doc("emotion_closed", "mikels8", "image", "")
    prompt = doc_to_text(doc)
    wrapped = with_emoprompt(prompt, doc)
    assert wrapped.startswith(prompt) and wrapped.count("\n") == 1
    assert wrapped.splitlines()[1] == emoprompt_instruction("emotion_closed", "image")
    assert with_emoprompt("Is this a cat?", {"question": "x"}).endswith(emoprompt_instruction(None))
    yes_no = _doc("hate", "yes_no", "image", "a caption")
    assert with_emoprompt(doc_to_text(yes_no), yes_no).endswith(emoprompt_instruction("hate", "image"))


def test_emoprompt_module_is_import_light():
    import subprocess
    import sys

    code = ("import sys\nimport lmms_emotion.models.emoprompt\n"
            "print(','.join(m for m in ('torch', 'transformers', 'lmms_eval') if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_closed_set_instruction_matches_the_training_rationales():
    """The rationale export teaches 'Reason about the visual cues step by step ... Final answer: <option>';
    EmoPrompt at inference asks in the same words, so a tuned model sees what it learnt."""
    from lmms_emotion.instruct.templates import load_template

    train_question = load_template("rationale").extra["train_question"]
    ours = emoprompt_instruction("emotion_closed")
    assert "Reason about the visual cues step by step" in train_question and ours.startswith(
        "Reason about the visual cues step by step")
    assert "give your answer on a last line of the form 'Final answer: <option>'" in train_question
    assert "give your answer on a last line of the form 'Final answer: <option>'" in ours
