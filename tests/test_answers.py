"""The answer parser against a table of realistic model outputs.

Each row is what an MLLM (LLaVA, InstructBLIP/EmoVIT, Qwen-VL, GPT-style chat models,
EmoLLM's EmoPrompt reasoning) plausibly writes, with the label the documented rule in
``lmms_emotion.answers`` must return. Rows are data; extend the tables, not the tests.
"""

from __future__ import annotations

import pytest

from lmms_emotion import UNPARSED
from lmms_emotion.answers import normalize, parse_answer, parse_label, parse_yes_no, split_final_answer
from lmms_emotion.taxonomy import get_label_set

U = UNPARSED
# Option lists in the order a prompt would list them.
MIKELS_OPTS = ["amusement", "awe", "contentment", "excitement", "anger", "disgust", "fear", "sadness"]
EKMAN_OPTS = ["anger", "disgust", "fear", "joy", "sadness", "surprise"]
UNBIASED_OPTS = ["Anger", "Fear", "Joy", "Love", "Sadness", "Surprise"]

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

# (model output, label set, options or None, expected)
LABEL_CASES: list[tuple[str, str, list[str] | None, str]] = [
    # --- mikels8: plain labels, casing, punctuation, markdown -------------------------------
    ("amusement", "mikels8", None, "amusement"),
    ("Awe", "mikels8", None, "awe"),
    ("Contentment.", "mikels8", None, "contentment"),
    ("EXCITEMENT", "mikels8", None, "excitement"),
    ("anger\n", "mikels8", None, "anger"),
    ("Disgust!", "mikels8", None, "disgust"),
    ("fear.", "mikels8", None, "fear"),
    ("Sadness.", "mikels8", None, "sadness"),
    ("**Anger**", "mikels8", None, "anger"),
    ("*awe*", "mikels8", None, "awe"),
    ("`sadness`", "mikels8", None, "sadness"),
    ('"Excitement"', "mikels8", None, "excitement"),
    ("\u201cContentment\u201d", "mikels8", None, "contentment"),
    ("  Fear  ", "mikels8", None, "fear"),
    ("'disgust'", "mikels8", None, "disgust"),
    ("Amusement</s>", "mikels8", None, "amusement"),
    # --- mikels8: EmoVIT's training target and other answer markers -------------------------
    ("Predict emotion: excitement", "mikels8", None, "excitement"),
    ("predict emotion: amusement", "mikels8", None, "amusement"),
    ("Predict emotion: Sadness", "mikels8", None, "sadness"),
    ("Predict emotion:awe", "mikels8", None, "awe"),
    ("Predicted emotion: contentment", "mikels8", None, "contentment"),
    ("Emotion: Disgust\n", "mikels8", None, "disgust"),
    ("Emotion - fear", "mikels8", None, "fear"),
    ("Answer: anger", "mikels8", None, "anger"),
    ("Final answer: fear", "mikels8", None, "fear"),
    ("Final Answer: **Sadness**", "mikels8", None, "sadness"),
    ("**Final answer:** Awe", "mikels8", None, "awe"),
    ("The answer is contentment.", "mikels8", None, "contentment"),
    ("My answer is excitement.", "mikels8", None, "excitement"),
    ("The correct answer is disgust.", "mikels8", None, "disgust"),
    ("<answer>amusement</answer>", "mikels8", None, "amusement"),
    ("Label: sadness", "mikels8", None, "sadness"),
    ("Emotion category: awe", "mikels8", None, "awe"),
    ("The dominant emotion is fear.", "mikels8", None, "fear"),
    ("The primary emotion conveyed is contentment.", "mikels8", None, "contentment"),
    ("The main emotion evoked is awe.", "mikels8", None, "awe"),
    ("The overall emotion expressed in the image is sadness.", "mikels8", None, "sadness"),
    ("The emotion conveyed by this image is excitement.", "mikels8", None, "excitement"),
    ("The most likely emotion is amusement.", "mikels8", None, "amusement"),
    ("I would say amusement.", "mikels8", None, "amusement"),
    ("I'd say the image evokes disgust.", "mikels8", None, "disgust"),
    ("The emotion is best described as awe.", "mikels8", None, "awe"),
    ("This image can best be described as sad.", "mikels8", None, "sadness"),
    ("It would be classified as excitement.", "mikels8", None, "excitement"),
    ("Sadness is my final answer.", "mikels8", None, "sadness"),
    # --- mikels8: verbose sentences ---------------------------------------------------------
    ("The image evokes a sense of awe due to the vast mountain landscape.", "mikels8", None, "awe"),
    ("I think the person looks scared.", "mikels8", None, "fear"),
    ("The people in the picture are laughing, so the emotion is amusement.", "mikels8", None, "amusement"),
    ("The child in the image appears to be crying, suggesting sadness.", "mikels8", None, "sadness"),
    ("The man is shouting and clenching his fists, which indicates anger.", "mikels8", None, "anger"),
    ("The rotting food on the table is disgusting.", "mikels8", None, "disgust"),
    ("This picture makes me feel calm and relaxed.", "mikels8", None, "contentment"),
    ("A peaceful lake at sunset.", "mikels8", None, "contentment"),
    ("The roller coaster ride looks thrilling!", "mikels8", None, "excitement"),
    ("The fans are cheering with enthusiasm at the concert.", "mikels8", None, "excitement"),
    ("The clown's silly face is funny.", "mikels8", None, "amusement"),
    ("The dark alley with a shadowy figure looks creepy.", "mikels8", None, "fear"),
    ("The viewer would feel terrified.", "mikels8", None, "fear"),
    ("The majestic waterfall is breathtaking.", "mikels8", None, "awe"),
    ("An awe-inspiring view of the Grand Canyon.", "mikels8", None, "awe"),
    ("Standing in awe of the cathedral's ceiling.", "mikels8", None, "awe"),
    ("The cat is curled up on a cozy blanket, looking at ease.", "mikels8", None, "contentment"),
    ("The woman looks content as she reads her book.", "mikels8", None, "contentment"),
    ("He seems satisfied with his meal.", "mikels8", None, "contentment"),
    ("The image of maggots would leave most viewers grossed out.", "mikels8", None, "disgust"),
    ("The protesters look furious.", "mikels8", None, "anger"),
    ("The lonely old man on the bench evokes melancholy.", "mikels8", None, "sadness"),
    ("The image is depressing.", "mikels8", None, "sadness"),
    ("A feeling of dread.", "mikels8", None, "fear"),
    ("The emotion here is clearly excitement, as the athletes celebrate their victory.", "mikels8", None, "excitement"),
    ("Based on the facial expression, the person is angry.", "mikels8", None, "anger"),
    ("The puppy playing in the mud is amusing.", "mikels8", None, "amusement"),
    ("There is no doubt the image evokes fear.", "mikels8", None, "fear"),
    ("No wonder the child looks scared.", "mikels8", None, "fear"),
    ("The painting evokes not only awe but also contentment.", "mikels8", None, "awe"),
    ("The scene is nothing short of awe-inspiring.", "mikels8", None, "awe"),
    ("Light-hearted and playful.", "mikels8", None, "amusement"),
    # an emotion after an evocation cue beats a scene detail named first
    ("The image shows a calm lake at sunset, evoking awe.", "mikels8", None, "awe"),
    ("The dark, gloomy forest evokes fear.", "mikels8", None, "fear"),
    ("The peaceful beach with kids playing inspires excitement.", "mikels8", None, "excitement"),
    ("The man looks angry, which makes the viewer feel scared.", "mikels8", None, "fear"),
    ("The image does not evoke joy; it evokes sadness.", "ekman6", None, "sadness"),
    ("The painting is content-rich and colorful.", "mikels8", None, U),
    ("I wonder why the man is angry.", "mikels8", None, "anger"),
    ("The teenagers are making fun of each other and laughing.", "mikels8", None, "amusement"),
    ("The image shows a repulsive pile of garbage.", "mikels8", None, "disgust"),
    # --- mikels8: "content" the noun is not contentment ------------------------------------
    ("The content of the image is a dog running on a beach.", "mikels8", None, U),
    ("The image content is unclear, so I cannot tell.", "mikels8", None, U),
    ("Based on the visual content, the emotion is fear.", "mikels8", None, "fear"),
    ("The image content shows a man who appears angry.", "mikels8", None, "anger"),
    ("I cannot judge the emotional content of this photo.", "mikels8", None, U),
    ("Looking at the content of this picture, the family seems content.", "mikels8", None, "contentment"),
    ("The video content depicts a storm; the emotion is fear.", "mikels8", None, "fear"),
    # --- mikels8: negation ------------------------------------------------------------------
    ("Not sad, but angry.", "mikels8", None, "anger"),
    ("The man appears angry, not sad.", "mikels8", None, "anger"),
    ("There is no sign of fear; the scene is peaceful.", "mikels8", None, "contentment"),
    ("The woman isn't angry, she is amused.", "mikels8", None, "amusement"),
    ("The emotion is sadness rather than anger.", "mikels8", None, "sadness"),
    ("Instead of fear, the image evokes awe.", "mikels8", None, "awe"),
    ("It is neither anger nor disgust, but sadness.", "mikels8", None, "sadness"),
    ("The image does not convey fear.", "mikels8", None, U),
    ("Neither amusement nor excitement.", "mikels8", None, U),
    ("I don't think the person looks angry.", "mikels8", None, U),
    ("The scene lacks excitement; it feels calm.", "mikels8", None, "contentment"),
    ("Fear is not present; sadness is.", "mikels8", None, "sadness"),
    ("Anger: no. Sadness: yes.", "mikels8", None, "sadness"),
    ("The image has no scary elements and the children are laughing.", "mikels8", None, "amusement"),
    ("Without any trace of anger, the monks look serene.", "mikels8", None, "contentment"),
    ("This is not disgust, it is fear.", "mikels8", None, "fear"),
    ("There's nothing frightening here; the sunset is tranquil.", "mikels8", None, "contentment"),
    # --- mikels8: hedges and multi-label ----------------------------------------------------
    ("It could be either fear or sadness.", "mikels8", None, U),
    ("Fear or sadness.", "mikels8", None, U),
    ("fear/sadness", "mikels8", None, U),
    ("Sadness (or possibly fear).", "mikels8", None, U),
    ("Awe or maybe contentment, hard to say.", "mikels8", None, U),
    ("sadness, fear", "mikels8", None, "sadness"),
    ("Sadness and fear.", "mikels8", None, "sadness"),
    ("Mostly awe, with some contentment.", "mikels8", None, "awe"),
    ("Excitement, or rather amusement.", "mikels8", None, "amusement"),
    ("Fear or terror.", "mikels8", None, "fear"),
    ("The image might evoke fear, sadness, or anger.", "mikels8", None, U),
    ("Not fear or anger, but sadness.", "mikels8", None, "sadness"),
    # --- mikels8: nothing usable ------------------------------------------------------------
    ("Happy", "mikels8", None, U),
    ("The people look happy.", "mikels8", None, U),
    ("Surprised", "mikels8", None, U),
    ("joy", "mikels8", None, U),
    ("", "mikels8", None, U),
    ("   ", "mikels8", None, U),
    ("asdfgh qwerty zxcv", "mikels8", None, U),
    ("I'm sorry, I can't determine the emotion of this image.", "mikels8", None, U),
    ("The image shows a red car parked on a street.", "mikels8", None, U),
    ("A", "mikels8", None, U),
    ("2", "mikels8", None, U),
    ("Neutral.", "mikels8", None, U),
    ("Final answer:", "mikels8", None, U),
    ("<think>The child is crying, so sadness.", "mikels8", None, U),  # cut-off reasoning never answered
    # --- reasoning models and EmoPrompt-style outputs ---------------------------------------
    ("<think>Bright colors could mean joy, but the tears suggest sadness.</think>\nSadness", "mikels8", None, "sadness"),
    ("<think>\nmaybe fear? maybe awe?\n</think>\n\nThe answer is awe.", "mikels8", None, "awe"),
    ("The person looks happy at first.\nBut the tears suggest otherwise.\nFinal answer: fear", "mikels8", None, "fear"),
    (EMOPROMPT_FEAR, "mikels8", None, "fear"),
    (EMOPROMPT_AWE, "mikels8", None, "awe"),
    (EMOPROMPT_NO_MARKER, "mikels8", None, "excitement"),
    ("The dark clouds might suggest sadness. However, the lightning is striking.\nAnswer: fear", "mikels8", None, "fear"),
    ("Answer: anger\nExplanation: the man's frown and raised fist show frustration, not fear.", "mikels8", None, "anger"),
    ("Step 1: the scene is a funeral.\nStep 2: people are crying.\nConclusion: In conclusion, sadness.", "mikels8", None, "sadness"),
    ("Overall, the image conveys contentment.", "mikels8", None, "contentment"),
    ("Thus, the emotion evoked is disgust.", "mikels8", None, "disgust"),
    ("The kids laugh at the clown.\nThe dominant emotion is amusement.", "mikels8", None, "amusement"),
    ("The image is dark and scary. The dominant emotion is not fear but sadness.", "mikels8", None, "sadness"),
    ("Predict emotion: fear\nPredict emotion: sadness", "mikels8", None, "sadness"),
    ("Answer: \\boxed{excitement}", "mikels8", None, "excitement"),
    # --- mikels8 with options (EmoVIT/EmoBench-style closed prompts) ------------------------
    ("A", "mikels8", MIKELS_OPTS, "amusement"),
    ("a", "mikels8", MIKELS_OPTS, "amusement"),
    ("B", "mikels8", MIKELS_OPTS, "awe"),
    ("(C) contentment", "mikels8", MIKELS_OPTS, "contentment"),
    ("(C)", "mikels8", MIKELS_OPTS, "contentment"),
    ("D)", "mikels8", MIKELS_OPTS, "excitement"),
    ("E.", "mikels8", MIKELS_OPTS, "anger"),
    ("Option F", "mikels8", MIKELS_OPTS, "disgust"),
    ("answer: g", "mikels8", MIKELS_OPTS, "fear"),
    ("The answer is (H).", "mikels8", MIKELS_OPTS, "sadness"),
    ("H. sadness", "mikels8", MIKELS_OPTS, "sadness"),
    ("[B] awe", "mikels8", MIKELS_OPTS, "awe"),
    ("2", "mikels8", MIKELS_OPTS, "awe"),
    ("2.", "mikels8", MIKELS_OPTS, "awe"),
    ("8", "mikels8", MIKELS_OPTS, "sadness"),
    ("Option 7", "mikels8", MIKELS_OPTS, "fear"),
    ("The correct option is B.", "mikels8", MIKELS_OPTS, "awe"),
    ("A sense of awe.", "mikels8", MIKELS_OPTS, "awe"),
    ("A peaceful scene, so contentment.", "mikels8", MIKELS_OPTS, "contentment"),
    ("A child crying.", "mikels8", MIKELS_OPTS, "sadness"),
    ("fear", "mikels8", MIKELS_OPTS, "fear"),
    ("(B) fear", "mikels8", MIKELS_OPTS, U),  # letter and word disagree
    ("A or B", "mikels8", MIKELS_OPTS, U),
    ("(A) amusement or (B) awe", "mikels8", MIKELS_OPTS, U),
    ("Z", "mikels8", MIKELS_OPTS, U),
    ("9", "mikels8", MIKELS_OPTS, U),
    ("I choose C.", "mikels8", MIKELS_OPTS, "contentment"),
    ("The image shows a storm.\nAnswer: (G) fear", "mikels8", MIKELS_OPTS, "fear"),
    ("B) awe, because the mountains look majestic.", "mikels8", MIKELS_OPTS, "awe"),
    # --- ekman6 -----------------------------------------------------------------------------
    ("joy", "ekman6", None, "joy"),
    ("Joy.", "ekman6", None, "joy"),
    ("Happy", "ekman6", None, "joy"),
    ("The person looks happy.", "ekman6", None, "joy"),
    ("Happiness", "ekman6", None, "joy"),
    ("The kids are having fun at the beach.", "ekman6", None, "joy"),
    ("Surprise", "ekman6", None, "surprise"),
    ("The woman looks shocked by the news.", "ekman6", None, "surprise"),
    ("Surprised.", "ekman6", None, "surprise"),
    ("He is astonished.", "ekman6", None, "surprise"),
    ("The aurora leaves viewers in awe.", "ekman6", None, "surprise"),
    ("Anger", "ekman6", None, "anger"),
    ("The driver is furious.", "ekman6", None, "anger"),
    ("Disgust", "ekman6", None, "disgust"),
    ("Gross.", "ekman6", None, "disgust"),
    ("The image of the spoiled milk is revolting.", "ekman6", None, "disgust"),
    ("Fear", "ekman6", None, "fear"),
    ("The girl seems scared of the dog.", "ekman6", None, "fear"),
    ("The man looks anxious.", "ekman6", None, "fear"),
    ("Sadness", "ekman6", None, "sadness"),
    ("The abandoned puppy looks sad.", "ekman6", None, "sadness"),
    ("The scene is gloomy and lonely.", "ekman6", None, "sadness"),
    ("Emotion: Disgust\n", "ekman6", None, "disgust"),
    ("The emotion is not joy but rather sadness", "ekman6", None, "sadness"),
    ("It could be either fear or sadness.", "ekman6", None, U),
    ("Joy or surprise.", "ekman6", None, U),
    ("The answer is joy/happiness.", "ekman6", None, "joy"),
    ("The couple looks happy and relaxed.", "ekman6", None, "joy"),
    ("Neither happy nor sad.", "ekman6", None, U),
    ("She isn't happy; she is angry.", "ekman6", None, "anger"),
    ("The predominant emotion is fear, with a hint of surprise.", "ekman6", None, "fear"),
    ("Scared.", "ekman6", None, "fear"),
    ("Angry.", "ekman6", None, "anger"),
    ("Neutral", "ekman6", None, U),
    ("Contempt", "ekman6", None, U),
    ("Love", "ekman6", None, U),
    ("The content of the image is a birthday party.", "ekman6", None, U),
    ("The image conveys joy rather than surprise.", "ekman6", None, "joy"),
    ("After analyzing the image, the final answer is: surprise.", "ekman6", None, "surprise"),
    ("Thinking about the cues... the emotion is fear.", "ekman6", None, "fear"),
    ("The man's face is red and he is shouting. Emotion: anger", "ekman6", None, "anger"),
    ("C", "ekman6", EKMAN_OPTS, "fear"),
    ("(D) joy", "ekman6", EKMAN_OPTS, "joy"),
    ("4", "ekman6", EKMAN_OPTS, "joy"),
    ("Option A", "ekman6", EKMAN_OPTS, "anger"),
    ("B. disgust", "ekman6", EKMAN_OPTS, "disgust"),
    ("The answer is F.", "ekman6", EKMAN_OPTS, "surprise"),
    ("(E) sadness", "ekman6", EKMAN_OPTS, "sadness"),
    ("G", "ekman6", EKMAN_OPTS, U),
    ("happy", "ekman6", EKMAN_OPTS, "joy"),
    ("A happy family picnic.", "ekman6", EKMAN_OPTS, "joy"),
    ("(D) sadness", "ekman6", EKMAN_OPTS, U),
    # --- unbiasedemo6 -----------------------------------------------------------------------
    ("love", "unbiasedemo6", None, "love"),
    ("Love.", "unbiasedemo6", None, "love"),
    ("The couple's embrace is romantic.", "unbiasedemo6", None, "love"),
    ("The mother holds her baby with tenderness.", "unbiasedemo6", None, "love"),
    ("The image conveys affection between the two friends.", "unbiasedemo6", None, "love"),
    ("Joy", "unbiasedemo6", None, "joy"),
    ("The children look happy.", "unbiasedemo6", None, "joy"),
    ("The fans are excited.", "unbiasedemo6", None, "joy"),
    ("Anger", "unbiasedemo6", None, "anger"),
    ("The crowd is outraged.", "unbiasedemo6", None, "anger"),
    ("Fear", "unbiasedemo6", None, "fear"),
    ("The soldier looks frightened.", "unbiasedemo6", None, "fear"),
    ("Sadness", "unbiasedemo6", None, "sadness"),
    ("The widow is grieving.", "unbiasedemo6", None, "sadness"),
    ("Surprise", "unbiasedemo6", None, "surprise"),
    ("He looks stunned.", "unbiasedemo6", None, "surprise"),
    ("Disgust", "unbiasedemo6", None, U),
    ("Love or joy.", "unbiasedemo6", None, U),
    ("Not love but sadness.", "unbiasedemo6", None, "sadness"),
    ("Predict emotion: love", "unbiasedemo6", None, "love"),
    ("D", "unbiasedemo6", UNBIASED_OPTS, "love"),
    ("(B) Fear", "unbiasedemo6", UNBIASED_OPTS, "fear"),
    ("5", "unbiasedemo6", UNBIASED_OPTS, "sadness"),
    ("Option C", "unbiasedemo6", UNBIASED_OPTS, "joy"),
    ("F)", "unbiasedemo6", UNBIASED_OPTS, "surprise"),
    ("The answer is love.", "unbiasedemo6", UNBIASED_OPTS, "love"),
]


@pytest.mark.parametrize(("text", "label_set", "options", "expected"), LABEL_CASES)
def test_parse_label_table(text: str, label_set: str, options: list[str] | None, expected: str) -> None:
    assert parse_label(text, label_set, options) == expected
    assert parse_answer(text, label_set, options) == expected


def test_label_table_size_and_coverage() -> None:
    assert len(LABEL_CASES) >= 200
    sets = {row[1] for row in LABEL_CASES}
    assert sets == {"mikels8", "ekman6", "unbiasedemo6"}
    assert sum(row[2] is not None for row in LABEL_CASES) >= 30
    assert sum(row[3] == UNPARSED for row in LABEL_CASES) >= 30


# (model output, concept, expected)
YES_NO_CASES: list[tuple[str, str | None, str]] = [
    # --- bare answers, any concept ----------------------------------------------------------
    ("Yes", "hate", "yes"),
    ("yes", "humor", "yes"),
    ("Yes.", "sarcasm", "yes"),
    ("No", "hate", "no"),
    ("no", "humor", "no"),
    ("No.", "sarcasm", "no"),
    ("YES", None, "yes"),
    ("Nope.", None, "no"),
    ("True", "sarcasm", "yes"),
    ("False.", "hate", "no"),
    ("**Yes**", "humor", "yes"),
    ("Answer: No", "hate", "no"),
    ("The answer is yes.", "sarcasm", "yes"),
    ("Yes/No: No", "humor", "no"),
    ("I would say no.", "humor", "no"),
    ("Not at all.", None, "no"),
    ("Absolutely not.", "hate", "no"),
    ("", "hate", U),
    ("Maybe.", "sarcasm", U),
    ("I'm not sure.", "humor", U),
    ("Yes and no.", "humor", U),
    ("The meme shows a cat and a dog.", "hate", U),
    ("This meme is hateful.", None, U),
    # --- hate -------------------------------------------------------------------------------
    ("Yes, the meme is hateful.", "hate", "yes"),
    ("Yes, this meme contains hate speech targeting Muslims.", "hate", "yes"),
    ("This is hateful.", "hate", "yes"),
    ("The meme is racist and dehumanizing.", "hate", "yes"),
    ("The meme uses a slur against immigrants, so it is offensive.", "hate", "yes"),
    ("No, the meme is not hateful.", "hate", "no"),
    ("There is no hate speech in this meme.", "hate", "no"),
    ("The meme does not contain hateful content.", "hate", "no"),
    ("It is a harmless joke about cats.", "hate", "no"),
    ("The meme is benign.", "hate", "no"),
    ("No. Although the caption mentions hate, the image itself is harmless.", "hate", "no"),
    ("Yes, although it is not hateful.", "hate", U),
    ("It is hard to say whether the meme is hateful.", "hate", U),
    ("Hateful: no", "hate", "no"),
    ("Hateful: yes", "hate", "yes"),
    ("The meme isn't offensive.", "hate", "no"),
    ("Is this meme hateful? No.", "hate", "no"),
    ("The meme is not racist; it is respectful.", "hate", "no"),
    ("The text attacks women, which is sexist. Final answer: yes", "hate", "yes"),
    ("The image alone is innocuous, but combined with the text it is hateful.\nAnswer: Yes", "hate", "yes"),
    ("<think>The caption could be offensive... but it is a pun.</think>No", "hate", "no"),
    # --- humor ------------------------------------------------------------------------------
    ("Yes, the meme is funny.", "humor", "yes"),
    ("The meme is hilarious.", "humor", "yes"),
    ("This is a joke about Mondays.", "humor", "yes"),
    ("It is humorous because the dog wears glasses.", "humor", "yes"),
    ("The meme is not funny.", "humor", "no"),
    ("No, it isn't humorous.", "humor", "no"),
    ("The image is serious and depicts a tragedy.", "humor", "no"),
    ("There is no humor in this image.", "humor", "no"),
    ("This is no joke.", "humor", "no"),
    ("The clip is meant to be funny.", "humor", "yes"),
    ("The video is unfunny.", "humor", "no"),
    ("Funny? Not really.", "humor", "no"),
    ("The punchline is witty. Final answer: Yes.", "humor", "yes"),
    ("Yes, the meme is not funny.", "humor", U),
    ("It is funny, but it is also serious.", "humor", U),
    # --- sarcasm ----------------------------------------------------------------------------
    ("The tweet is sarcastic.", "sarcasm", "yes"),
    ("Yes, it's sarcastic.", "sarcasm", "yes"),
    ("The text is ironic given the flooded street in the image.", "sarcasm", "yes"),
    ("The author is mocking the weather.", "sarcasm", "yes"),
    ("The post is not sarcastic.", "sarcasm", "no"),
    ("It isn't sarcastic.", "sarcasm", "no"),
    ("There is no sarcasm here.", "sarcasm", "no"),
    ("No, it's sincere.", "sarcasm", "no"),
    ("The tweet is a sincere compliment.", "sarcasm", "no"),
    ("The caption is meant literally.", "sarcasm", U),
    ("The caption should be taken as literal praise.", "sarcasm", "no"),
    ("I don't think this is sarcastic.", "sarcasm", "no"),
    ("Saying 'great weather' under a photo of a storm is sarcasm. Answer: yes", "sarcasm", "yes"),
    ("The tweet seems genuine.", "sarcasm", "no"),
    ("It could be sarcastic, or it could be sincere.", "sarcasm", U),
    ("Definitely not sarcastic.", "sarcasm", "no"),
    ("The user is being facetious.", "sarcasm", "yes"),
    ("Sarcastic", "sarcasm", "yes"),
    ("Not sarcastic", "sarcasm", "no"),
    ("non-sarcastic", "sarcasm", "no"),
    ("Sarcasm: yes", "sarcasm", "yes"),
    ("Yes, there is sarcasm in the tweet.", "sarcasm", "yes"),
    ("No sarcasm detected.", "sarcasm", "no"),
    ("The answer is No, the tweet is sincere.", "sarcasm", "no"),
    ("The tweet is not meant to be sarcastic; the user genuinely loves the food.", "sarcasm", "no"),
    ("Funny", "humor", "yes"),
    ("Not funny", "humor", "no"),
    ("No, it's not a joke.", "humor", "no"),
    ("Yes! This is hilarious.", "humor", "yes"),
    ("This meme is not intended to be humorous.", "humor", "no"),
    ("The meme is a joke, not hate speech.", "humor", "yes"),
    ("The meme is a joke, not hate speech.", "hate", "no"),
    ("Hateful", "hate", "yes"),
    ("Non-hateful", "hate", "no"),
    ("No doubt this is hateful.", "hate", "yes"),
    ("Yes, it's hateful. No doubt.", "hate", "yes"),
    ("Based on the image and text, I would say that this meme is not hateful.", "hate", "no"),
    ("The meme is making fun of a politician, but it does not contain hate speech.", "hate", "no"),
    ("The meme is offensive but not hateful.", "hate", U),
]


@pytest.mark.parametrize(("text", "concept", "expected"), YES_NO_CASES)
def test_parse_yes_no_table(text: str, concept: str | None, expected: str) -> None:
    assert parse_yes_no(text, concept) == expected
    assert parse_answer(text, "yes_no", concept=concept) == expected


def test_yes_no_table_size() -> None:
    assert len(YES_NO_CASES) >= 60
    assert {row[1] for row in YES_NO_CASES} >= {"hate", "humor", "sarcasm", None}


def test_parse_label_dispatches_yes_no_label_set() -> None:
    assert parse_label("Yes, it is.", "yes_no") == "yes"
    assert parse_label("No.", get_label_set("yes_no")) == "no"


def test_parse_label_accepts_label_set_object() -> None:
    assert parse_label("Predict emotion: awe", get_label_set("mikels8")) == "awe"


def test_unknown_option_raises() -> None:
    with pytest.raises(ValueError, match="names no label"):
        parse_label("A", "mikels8", ["amusement", "banana"])


def test_unknown_label_set_raises() -> None:
    with pytest.raises(KeyError, match="known"):
        parse_label("joy", "no_such_set")


def test_non_string_is_unparsed() -> None:
    assert parse_label(None, "mikels8") == UNPARSED  # type: ignore[arg-type]
    assert parse_yes_no(None, "hate") == UNPARSED  # type: ignore[arg-type]


# --- normalize and split_final_answer ---------------------------------------------------------


def test_normalize() -> None:
    assert normalize("  The Image\n\n is  \u201cSAD\u201d \u2014 isn\u2019t it?  ") == 'the image is "sad" - isn\'t it?'
    assert normalize("<think>fear? awe?</think>\n**Awe**") == "awe"
    assert normalize("<think>never finished") == ""
    assert normalize("stray reasoning</think> Joy") == "joy"
    assert normalize("<answer>Fear</answer>") == "answer: fear"


EMOPROMPT_SADNESS = (
    "To determine the emotion, I examine the visual cues.\n"
    "- The sky is overcast and the colors are desaturated.\n"
    "- A woman sits alone at a bus stop with her head lowered; she is not smiling.\n"
    "- Nothing in the scene suggests anger or fear.\n"
    "These cues point to a low-arousal, negative feeling.\n"
    "The dominant emotion is sadness."
)


@pytest.mark.parametrize(
    ("text", "reasoning_contains", "final"),
    [
        (EMOPROMPT_FEAR, "facial expression", "fear"),
        (EMOPROMPT_AWE, "scale contrast", "awe"),
        (EMOPROMPT_SADNESS, "bus stop", "sadness."),
        ("Predict emotion: excitement", "", "excitement"),
        ("Answer: fear\nReason: the dark corridor.", "", "fear reason: the dark corridor."),
        ("The image is calm. I would say contentment.", "the image is calm.", "contentment."),
        ("The scene is best described as awe-inspiring.", "the scene is", "awe-inspiring."),
        ("Emotion: joy. Final answer: sadness", "emotion: joy.", "sadness"),
        ("Rain on the window. Therefore, sadness.", "rain on the window.", "sadness."),
    ],
)
def test_split_final_answer(text: str, reasoning_contains: str, final: str) -> None:
    reasoning, got_final = split_final_answer(text)
    assert reasoning_contains in reasoning
    assert got_final == final


def test_split_without_marker_returns_whole_text() -> None:
    assert split_final_answer("The kids are laughing at the clown.") == ("", "the kids are laughing at the clown.")


def test_split_ignores_marker_with_nothing_after_it() -> None:
    assert split_final_answer("Sadness is my final answer.") == ("", "sadness is my final answer.")


def test_emoprompt_reasoning_parses_to_final_line() -> None:
    assert parse_label(EMOPROMPT_SADNESS, "mikels8") == "sadness"
    assert parse_label(EMOPROMPT_SADNESS, "ekman6") == "sadness"
