"""Parser table: Mikels-8 (EmoSet, FI, ArtPhoto, Abstract).

Each row is a realistic model reply and the reading the documented rules (docs/scoring.md)
must give; tests/test_parser_tables.py runs every row. Rows are data: extend the table.
"""

from __future__ import annotations

from tests.parser_tables.rows import C, E, L, O, U, Row

MIKELS_OPTS = ["amusement", "awe", "contentment", "excitement", "anger", "disgust", "fear", "sadness"]

# EmoPrompt-style reasoning (tests/test_answers.py splits these too)
EMOPROMPT_FEAR = (
    "Let's analyze the visual cues step by step.\n"
    "1. Facial expression: the woman's eyes are wide open and her mouth is slightly agape.\n"
    "2. Body language: she is leaning away from the dark doorway, which is not a relaxed pose.\n"
    "3. Scene: the lighting is dim and the corridor looks gloomy.\n"
    "Although the gloomy setting could hint at sadness, her reaction is the key cue.\n"
    "Final answer: fear"
)

EMOPROMPT_AWE = (
    "Visual cues: a vast starry sky over snow-capped mountains, a tiny human silhouette.\n"
    "Color and lighting: deep blues with bright highlights, high colorfulness.\n"
    "Reasoning: the scale contrast makes the viewer feel small, which is not fear but wonderment.\n"
    "Predict emotion: awe"
)

EMOPROMPT_NO_MARKER = (
    "The image shows a crowded stadium with fans raising their arms. The bright lights and "
    "motion blur suggest energy. Therefore, the image most likely evokes excitement."
)

TABLE: list[Row] = [
    # === closed-set replies =======================================================================
    # --- mikels8: plain labels, casing, punctuation, markdown -------------------------------
    C("amusement", "amusement"),
    C("Awe", "awe"),
    C("Contentment.", "contentment"),
    C("EXCITEMENT", "excitement"),
    C("anger\n", "anger"),
    C("Disgust!", "disgust"),
    C("fear.", "fear"),
    C("Sadness.", "sadness"),
    C("**Anger**", "anger"),
    C("*awe*", "awe"),
    C("`sadness`", "sadness"),
    C('"Excitement"', "excitement"),
    C("\u201cContentment\u201d", "contentment"),
    C("  Fear  ", "fear"),
    C("'disgust'", "disgust"),
    C("Amusement</s>", "amusement"),
    # --- mikels8: EmoVIT's training target and other answer markers -------------------------
    C("Predict emotion: excitement", "excitement"),
    C("predict emotion: amusement", "amusement"),
    C("Predict emotion: Sadness", "sadness"),
    C("Predict emotion:awe", "awe"),
    C("Predicted emotion: contentment", "contentment"),
    C("Emotion: Disgust\n", "disgust"),
    C("Emotion - fear", "fear"),
    C("Answer: anger", "anger"),
    C("Final answer: fear", "fear"),
    C("Final Answer: **Sadness**", "sadness"),
    C("**Final answer:** Awe", "awe"),
    C("The answer is contentment.", "contentment"),
    C("My answer is excitement.", "excitement"),
    C("The correct answer is disgust.", "disgust"),
    C("<answer>amusement</answer>", "amusement"),
    C("Label: sadness", "sadness"),
    C("Emotion category: awe", "awe"),
    C("The dominant emotion is fear.", "fear"),
    C("The primary emotion conveyed is contentment.", "contentment"),
    C("The main emotion evoked is awe.", "awe"),
    C("The overall emotion expressed in the image is sadness.", "sadness"),
    C("The emotion conveyed by this image is excitement.", "excitement"),
    C("The most likely emotion is amusement.", "amusement"),
    C("I would say amusement.", "amusement"),
    C("I'd say the image evokes disgust.", "disgust"),
    C("The emotion is best described as awe.", "awe"),
    C("This image can best be described as sad.", "sadness"),
    C("It would be classified as excitement.", "excitement"),
    C("Sadness is my final answer.", "sadness"),
    # --- mikels8: verbose sentences ---------------------------------------------------------
    C("The image evokes a sense of awe due to the vast mountain landscape.", "awe"),
    C("I think the person looks scared.", "fear"),
    C("The people in the picture are laughing, so the emotion is amusement.", "amusement"),
    C("The child in the image appears to be crying, suggesting sadness.", "sadness"),
    C("The man is shouting and clenching his fists, which indicates anger.", "anger"),
    C("The rotting food on the table is disgusting.", "disgust"),
    C("This picture makes me feel calm and relaxed.", "contentment"),
    C("A peaceful lake at sunset.", "contentment"),
    C("The roller coaster ride looks thrilling!", "excitement"),
    C("The fans are cheering with enthusiasm at the concert.", "excitement"),
    C("The clown's silly face is funny.", "amusement"),
    C("The dark alley with a shadowy figure looks creepy.", "fear"),
    C("The viewer would feel terrified.", "fear"),
    C("The majestic waterfall is breathtaking.", "awe"),
    C("An awe-inspiring view of the Grand Canyon.", "awe"),
    C("Standing in awe of the cathedral's ceiling.", "awe"),
    C("The cat is curled up on a cozy blanket, looking at ease.", "contentment"),
    C("The woman looks content as she reads her book.", "contentment"),
    C("He seems satisfied with his meal.", "contentment"),
    C("The image of maggots would leave most viewers grossed out.", "disgust"),
    C("The protesters look furious.", "anger"),
    C("The lonely old man on the bench evokes melancholy.", "sadness"),
    C("The image is depressing.", "sadness"),
    C("A feeling of dread.", "fear"),
    C("The emotion here is clearly excitement, as the athletes celebrate their victory.", "excitement"),
    C("Based on the facial expression, the person is angry.", "anger"),
    C("The puppy playing in the mud is amusing.", "amusement"),
    C("There is no doubt the image evokes fear.", "fear"),
    C("No wonder the child looks scared.", "fear"),
    C("The painting evokes not only awe but also contentment.", "awe"),
    C("The scene is nothing short of awe-inspiring.", "awe"),
    C("Light-hearted and playful.", "amusement"),
    # an emotion after an evocation cue beats a scene detail named first
    C("The image shows a calm lake at sunset, evoking awe.", "awe"),
    C("The dark, gloomy forest evokes fear.", "fear"),
    C("The peaceful beach with kids playing inspires excitement.", "excitement"),
    C("The man looks angry, which makes the viewer feel scared.", "fear"),
    C("The painting is content-rich and colorful.", U),
    C("I wonder why the man is angry.", "anger"),
    C("The teenagers are making fun of each other and laughing.", "amusement"),
    C("The image shows a repulsive pile of garbage.", "disgust"),
    # --- mikels8: "content" the noun is not contentment ------------------------------------
    C("The content of the image is a dog running on a beach.", U),
    C("The image content is unclear, so I cannot tell.", U),
    C("Based on the visual content, the emotion is fear.", "fear"),
    C("The image content shows a man who appears angry.", "anger"),
    C("I cannot judge the emotional content of this photo.", U),
    C("Looking at the content of this picture, the family seems content.", "contentment"),
    C("The video content depicts a storm; the emotion is fear.", "fear"),
    # --- mikels8: negation ------------------------------------------------------------------
    C("Not sad, but angry.", "anger"),
    C("The man appears angry, not sad.", "anger"),
    C("There is no sign of fear; the scene is peaceful.", "contentment"),
    C("The woman isn't angry, she is amused.", "amusement"),
    C("The emotion is sadness rather than anger.", "sadness"),
    C("Instead of fear, the image evokes awe.", "awe"),
    C("It is neither anger nor disgust, but sadness.", "sadness"),
    C("The image does not convey fear.", U),
    C("Neither amusement nor excitement.", U),
    C("I don't think the person looks angry.", U),
    C("The scene lacks excitement; it feels calm.", "contentment"),
    C("Fear is not present; sadness is.", "sadness"),
    C("Anger: no. Sadness: yes.", "sadness"),
    C("The image has no scary elements and the children are laughing.", "amusement"),
    C("Without any trace of anger, the monks look serene.", "contentment"),
    C("This is not disgust, it is fear.", "fear"),
    C("There's nothing frightening here; the sunset is tranquil.", "contentment"),
    # --- mikels8: hedges and multi-label ----------------------------------------------------
    C("It could be either fear or sadness.", U),
    C("Fear or sadness.", U),
    C("fear/sadness", U),
    C("Sadness (or possibly fear).", U),
    C("Awe or maybe contentment, hard to say.", U),
    C("sadness, fear", "sadness"),
    C("Sadness and fear.", "sadness"),
    C("Mostly awe, with some contentment.", "awe"),
    C("Excitement, or rather amusement.", "amusement"),
    C("Fear or terror.", "fear"),
    C("The image might evoke fear, sadness, or anger.", U),
    C("Not fear or anger, but sadness.", "sadness"),
    # --- mikels8: nothing usable ------------------------------------------------------------
    C("Happy", U),
    C("The people look happy.", U),
    C("Surprised", U),
    C("joy", U),
    C("", U),
    C("   ", U),
    C("asdfgh qwerty zxcv", U),
    C("I'm sorry, I can't determine the emotion of this image.", U),
    C("The image shows a red car parked on a street.", U),
    C("A", U),
    C("2", U),
    C("Neutral.", U),
    C("Final answer:", U),
    C("<think>The child is crying, so sadness.", U),  # cut-off reasoning never answered
    # --- reasoning models and EmoPrompt-style outputs ---------------------------------------
    C("<think>Bright colors could mean joy, but the tears suggest sadness.</think>\nSadness", "sadness"),
    C("<think>\nmaybe fear? maybe awe?\n</think>\n\nThe answer is awe.", "awe"),
    C("The person looks happy at first.\nBut the tears suggest otherwise.\nFinal answer: fear", "fear"),
    C(EMOPROMPT_FEAR, "fear"),
    C(EMOPROMPT_AWE, "awe"),
    C(EMOPROMPT_NO_MARKER, "excitement"),
    C("The dark clouds might suggest sadness. However, the lightning is striking.\nAnswer: fear", "fear"),
    C("Answer: anger\nExplanation: the man's frown and raised fist show frustration, not fear.", "anger"),
    C("Step 1: the scene is a funeral.\nStep 2: people are crying.\nConclusion: In conclusion, sadness.", "sadness"),
    C("Overall, the image conveys contentment.", "contentment"),
    C("Thus, the emotion evoked is disgust.", "disgust"),
    C("The kids laugh at the clown.\nThe dominant emotion is amusement.", "amusement"),
    C("The image is dark and scary. The dominant emotion is not fear but sadness.", "sadness"),
    C("Predict emotion: fear\nPredict emotion: sadness", "sadness"),
    C("Answer: \\boxed{excitement}", "excitement"),
    # === closed-set replies with the prompt's option list (letters, numbers) ======================
    # --- mikels8 with options (EmoVIT/EmoBench-style closed prompts) ------------------------
    L("A", MIKELS_OPTS, "amusement"),
    L("a", MIKELS_OPTS, "amusement"),
    L("B", MIKELS_OPTS, "awe"),
    L("(C) contentment", MIKELS_OPTS, "contentment"),
    L("(C)", MIKELS_OPTS, "contentment"),
    L("D)", MIKELS_OPTS, "excitement"),
    L("E.", MIKELS_OPTS, "anger"),
    L("Option F", MIKELS_OPTS, "disgust"),
    L("answer: g", MIKELS_OPTS, "fear"),
    L("The answer is (H).", MIKELS_OPTS, "sadness"),
    L("H. sadness", MIKELS_OPTS, "sadness"),
    L("[B] awe", MIKELS_OPTS, "awe"),
    L("2", MIKELS_OPTS, "awe"),
    L("2.", MIKELS_OPTS, "awe"),
    L("8", MIKELS_OPTS, "sadness"),
    L("Option 7", MIKELS_OPTS, "fear"),
    L("The correct option is B.", MIKELS_OPTS, "awe"),
    L("A sense of awe.", MIKELS_OPTS, "awe"),
    L("A peaceful scene, so contentment.", MIKELS_OPTS, "contentment"),
    L("A child crying.", MIKELS_OPTS, "sadness"),
    L("fear", MIKELS_OPTS, "fear"),
    L("(B) fear", MIKELS_OPTS, U),  # letter and word disagree
    L("A or B", MIKELS_OPTS, U),
    L("(A) amusement or (B) awe", MIKELS_OPTS, U),
    L("Z", MIKELS_OPTS, U),
    L("9", MIKELS_OPTS, U),
    L("I choose C.", MIKELS_OPTS, "contentment"),
    L("The image shows a storm.\nAnswer: (G) fear", MIKELS_OPTS, "fear"),
    L("B) awe, because the mountains look majestic.", MIKELS_OPTS, "awe"),
    # === open-set replies, placed through the emotion lexicon =====================================
    # --- plain synonyms and related words (Mikels-8) ---
    O("Nostalgic.", "sadness"),
    O("The person seems quite nostalgic and wistful.", "sadness"),
    O("Melancholy", "sadness"),
    O("A quiet sense of loneliness.", "sadness"),
    O("Grief", "sadness"),
    O("heartbroken", "sadness"),
    O("The mood is somber and bleak.", "sadness"),
    O("It feels desolate.", "sadness"),
    O("Disappointment.", "sadness"),
    O("The dominant emotion is sorrow.", "sadness"),
    O("Dread", "fear"),
    O("Terrified!", "fear"),
    O("The image feels eerie and unsettling.", "fear"),
    O("Anxiety", "fear"),
    O("This evokes a sense of unease.", "fear"),
    O("Creepy.", "fear"),
    O("The viewer would feel on edge.", "fear"),
    O("Suspense", "fear"),
    O("Ominous", "fear"),
    O("Nervousness", "fear"),
    O("Furious", "anger"),
    O("Rage.", "anger"),
    O("The man looks irritated.", "anger"),
    O("Frustration", "anger"),
    O("Outrage", "anger"),
    O("The protesters are clearly indignant.", "anger"),
    O("Resentment.", "anger"),
    O("Jealousy", "anger"),
    O("Revulsion", "disgust"),
    O("Gross.", "disgust"),
    O("The rotting food is nauseating.", "disgust"),
    O("Contempt", "disgust"),
    O("It makes me feel repulsed.", "disgust"),
    O("Sickened", "disgust"),
    O("Hilarious", "amusement"),
    O("The dog's expression is so funny.", "amusement"),
    O("Playful", "amusement"),
    O("Lighthearted and silly.", "amusement"),
    O("Mirth", "amusement"),
    O("Whimsical", "amusement"),
    O("Wonder.", "awe"),
    O("Majestic", "awe"),
    O("The mountains are breathtaking.", "awe"),
    O("I feel humbled by the scale of it.", "awe"),
    O("Admiration", "awe"),
    O("Mesmerized", "awe"),
    O("Serenity", "contentment"),
    O("Peaceful.", "contentment"),
    O("The scene feels calm and relaxing.", "contentment"),
    O("Satisfied", "contentment"),
    O("Cozy", "contentment"),
    O("Gratitude.", "contentment"),
    O("A feeling of tranquility.", "contentment"),
    O("Thrilled", "excitement"),
    O("Exhilaration!", "excitement"),
    O("The crowd is pumped up.", "excitement"),
    O("Adrenaline", "excitement"),
    O("Enthusiastic.", "excitement"),
    O("Eager anticipation", "excitement"),
    # --- markers, reasoning and formatting ---
    O("Looking at the dark alley and the figure in the shadows, the emotion is fear. Final answer: terror", "fear"),
    O("<think>The child is crying, maybe sadness.</think>Grief", "sadness"),
    O("**Emotion:** Serene", "contentment"),
    O("Answer: Awestruck.", "awe"),
    O("The bright colours and the smiles suggest joy, but overall it is best described as playful.", "amusement"),
    O("Emotion: exhilarated", "excitement"),
    O("In one word: longing.", "sadness"),
    O("I would say the emotion conveyed is disgust.", "disgust"),
    # --- hedges (not lexicon words, so they do not matter) ---
    O("Probably melancholy.", "sadness"),
    O("I think it's somewhat eerie.", "fear"),
    O("Maybe a bit annoyed?", "anger"),
    O("Likely awe.", "awe"),
    # --- negation ---
    O("Not scary at all, rather calm.", "contentment"),
    O("It is not sad; it is cheerful and funny.", "amusement"),
    O("There is no fear here, just peace.", "contentment"),
    O("I don't feel any fear.", U),
    O("The man is not angry but frustrated.", "anger"),
    O("Neither sad nor afraid.", U),
    # --- alternatives and lists ---
    O("Sad or angry.", U),
    O("Happy or sad?", U),
    O("Either awe or fear.", U),
    O("Sadness, or rather anger.", "anger"),
    O("Fear, sadness, anger, disgust, awe.", U),
    O("It evokes wonder, with a hint of fear.", "awe"),
    # --- words Mikels-8 leaves unplaced, placed elsewhere ---
    O("Happy", U),
    O("Happy and relaxed.", "contentment"),
    O("Joyful", U),
    O("Surprised", U),
    O("Love.", U),
    O("Pride", U),
    O("Neutral", U),
    # --- unplaceable answers ---
    O("Bored.", U),
    O("Curious", U),
    O("Bittersweet", U),
    O("I cannot determine the emotion from this image.", U),
    O("The image shows a red car parked on a street.", U),
    O("", U),
    O("Sorry, I can't help with that.", U),
    # === EmoPrompt reasoning ending in a ``Final answer:`` line, scored by the EmoBench hook ======
    # --- closed-set emotion, Mikels-8 (EmoSet, FI) ---
    E("emotion_closed", "image", "", "1. The scene shows a vast mountain range at sunrise with a tiny hiker on the ridge.\n"
        "2. The scale of the landscape against the small figure suggests grandeur.\n"
        "3. The colours are soft and golden, nothing threatening is visible.\n"
        "Final answer: awe", "awe"),
    E("emotion_closed", "image", "", "The image shows children laughing while a clown juggles. Their open mouths and raised arms "
        "signal delight rather than fear.\nFinal answer: amusement", "amusement"),
    E("emotion_closed", "image", "", "Step 1: A flooded street, a woman holding a crying child.\nStep 2: Grey sky, debris everywhere.\n"
        "Step 3: The posture is slumped and the faces are tense - this is not excitement or amusement.\n"
        "Final answer: sadness", "sadness"),
    E("emotion_closed", "image", "", "There is rotting food on a dirty plate with flies around it. The close-up makes the viewer recoil.\n\n"
        "Final answer: Disgust.", "disgust"),
    E("emotion_closed", "image", "", "A dark alley at night, a figure in a hood stands under a flickering lamp. Shadows hide the face, "
        "which creates suspense and threat.\nFinal answer: fear", "fear"),
    E("emotion_closed", "image", "", "- Cues: a crowd cheering at a concert, confetti, bright stage lights.\n"
        "- The energy is high and the people jump with their arms up.\n"
        "- Contentment would be calmer than this.\n**Final answer:** Excitement", "excitement"),
    E("emotion_closed", "image", "", "A cat sleeps on a sunny windowsill next to a cup of tea. Warm light, soft blanket, a quiet room. "
        "It feels peaceful and satisfied rather than exciting.\nFinal answer: contentment", "contentment"),
    E("emotion_closed", "image", "", "Protesters shout with clenched fists; one man's face is red and his mouth wide open. The red banners "
        "add intensity.\nFinal answer:\nanger", "anger"),
    E("emotion_closed", "image", "", "At first the bright colours suggest amusement, but the subject is a hospital bed and the relatives "
        "look down in grief.\nFinal answer: sadness", "sadness"),
    E("emotion_closed", "image", "", "The photo shows a waterfall in a misty forest. The light beams through the trees and the scene feels "
        "majestic.\nFinal Answer - awe", "awe"),
    E("emotion_closed", "image", "", "A toddler smeared with spaghetti sauce grins at the camera. It is funny, not disgusting.\n"
        "Final answer: amusement (the messy face is comic)", "amusement"),
    E("emotion_closed", "image", "", "Snarling dog with bared teeth lunging at the camera; the low angle puts the viewer in its path.\n"
        "Final answer: FEAR", "fear"),
    # --- open-set emotion (Emo-O, lexicon) ---
    E("emotion_open", "image", "", "Old photographs scattered on a table next to a faded letter, lit by a low lamp. It evokes longing for "
        "the past.\nFinal answer: nostalgia", "sadness"),
    E("emotion_open", "image", "", "A shadowy figure stands at the end of a dark corridor; the viewer cannot see its face.\n"
        "Final answer: terror", "fear"),
    # --- final answers phrased as words or sentences rather than the bare option ---
    E("emotion_closed", "image", "", "A child holds a balloon and laughs at a puppy licking her face.\nFinal answer: The emotion is amused "
        "delight, so amusement.", "amusement"),
    E("emotion_closed", "image", "", "Grey waiting room, a man with his head in his hands.\nMy final answer is: sad", "sadness"),
    E("emotion_closed", "image", "", "1. Calm lake. 2. Soft evening light. 3. A couple on a bench.\nFinal answer: Contentment\n"
        "Confidence: high", "contentment"),
    # --- odd but honest endings ---
    E("emotion_closed", "image", "", "Fireworks over a city skyline, people cheering on rooftops.\nFinal answer: excitement\n\nUSER: thanks", "excitement"),
    E("emotion_closed", "image", "", "The image is too dark to make out faces, and the objects could be anything.\nFinal answer: fear or "
        "sadness", U),
    # === the reading rules of docs/scoring.md =====================================================
    # --- the committed answer wins over secondary mentions; equal weight stays unparsed ----------
    C("The overall feeling is awe, although a viewer might also sense fear.", "awe", rule="commitment"),
    C("A hint of sadness, but mostly contentment.", "contentment", rule="commitment"),
    O("A little nostalgia, but mostly contentment.", "contentment", rule="commitment"),
    C("There is a touch of fear in the dark clouds, yet primarily awe at the storm's scale.", "awe", rule="commitment"),
    C("Sadness, with a trace of anger.", "sadness", rule="commitment"),
    C("slight disgust but mainly amusement", "amusement", rule="commitment"),
    C("Fear and sadness in equal measure.", U, rule="commitment"),
    C("It evokes both awe and fear, equally.", U, rule="commitment"),
    O("Serenity and dread in equal parts.", U, rule="commitment"),
    C("**Emotion:** awe (a hint of fear as well)", "awe", rule="commitment"),
    C("1. The crowd cheers.\n2. Someone frowns.\nFinal answer: mostly excitement, a little anger", "excitement", rule="commitment"),
    C("excitemnt", "excitement", rule="misspelling"),
    C("The woman looks fearfull.", "fear", rule="misspelling"),
    C("sadnes", "sadness", rule="misspelling"),
    C("Predict emotion: disgusst", "disgust", rule="misspelling"),
    C("The emotion is amusment.", "amusement", rule="misspelling"),
    C("contentmnet", "contentment", rule="misspelling"),
    C("the image is suprising and excitng", "excitement", rule="misspelling"),
    C("Not sadnes, but fearfull.", "fear", rule="misspelling"),  # negation still applies
    C("Fear or sadnes.", U, rule="misspelling"),  # and alternatives
    C("fare", U, rule="misspelling"),
    C("Dear viewer, the answer is unclear.", U, rule="misspelling"),
    C("A bear in the woods.", U, rule="misspelling"),
    C("The content of the photograph is a bare tree.", U, rule="misspelling"),
    O("Nostalgik and wistfull.", "sadness", rule="misspelling"),
    E("emotion_closed", "image", "",
      "1. A lighthouse in a storm, waves crashing.\n2. The scale is overwhelming; a touch of fear.\n"
      "Final answer: mostly awe, with a hint of fear", "awe", rule="commitment"),
    # === false positives: replies that must stay unparsed =========================================
    # refusals
    C("I'm sorry, but I can't help with identifying emotions in this image.", U, rule="false_positive"),
    C("As an AI, I don't have feelings and cannot say what emotion this evokes.", U, rule="false_positive"),
    O("Sorry, I cannot help.", U, rule="false_positive"),
    # cannot determine
    C("I cannot determine the emotion from this image.", U, rule="false_positive"),
    C("amusement, awe, contentment, excitement, anger", U, rule="false_positive"),
    C("It could be anger, or disgust, or fear.", U, rule="false_positive"),
    C("A mixture of fear and excitement.", U, rule="false_positive"),
    C("Torn between awe and fear.", U, rule="false_positive"),
    O("Equal parts serenity and unease.", U, rule="false_positive"),
    # gibberish and empty output
    C("asdkjh qwpoe zmxn", U, rule="false_positive"),
    O("lorem ipsum dolor sit amet", U, rule="false_positive"),
    C("ASSISTANT: USER: ASSISTANT:", U, rule="false_positive"),
    C("klsdjf qqqqqqq wrrrrrrrr", U, rule="false_positive"),
    # near-miss real words
    C("fare", U, rule="false_positive"),
    C("A bare wall.", U, rule="false_positive"),
    C("The dog is at a shelter; it looks well fed.", U, rule="false_positive"),
    C("A terrier on a couch.", U, rule="false_positive"),
]
