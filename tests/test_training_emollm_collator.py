"""EmoLLM's collator: the wrapper's prompt, assistant-only labels, multi-turn, videos, rationales, limits."""

from __future__ import annotations

import pytest
import torch

from lmms_emotion.training.collators import IGNORE_INDEX, EmoLLMCollator
from lmms_emotion.training.data import Turn


def _image(color="red"):
    from PIL import Image

    return Image.new("RGB", (40, 36), color)


def _item(turns, frames=None, media_types=("image",)) -> dict:
    return {"frames": frames if frames is not None else [[_image()]], "media_types": tuple(media_types),
            "turns": tuple(Turn(q, a) for q, a in turns), "origin": "train.json:3"}


@pytest.fixture(scope="module")
def llava(tiny_llava_dir):
    from lmms_emotion.models.emollm_model import EmoLLMForConditionalGeneration, load_processor

    model = EmoLLMForConditionalGeneration.from_base(tiny_llava_dir).eval()
    processor = load_processor(tiny_llava_dir, model.emollm_config.mvp)
    return model, processor, EmoLLMCollator(processor, is_video_model=False)


@pytest.fixture(scope="module")
def video_llava(tiny_video_llava_dir):
    from lmms_emotion.models.emollm_model import EmoLLMForConditionalGeneration, load_processor

    model = EmoLLMForConditionalGeneration.from_base(tiny_video_llava_dir).eval()
    processor = load_processor(tiny_video_llava_dir, model.emollm_config.mvp)
    return model, processor, EmoLLMCollator(processor, is_video_model=True, num_frames=8)


def _answer_text(tokenizer, ids, labels) -> list[str]:
    """The label spans of one row, decoded (special tokens kept)."""
    spans, current = [], []
    for token, label in zip(ids.tolist(), labels.tolist()):
        if label != IGNORE_INDEX:
            assert label == token
            current.append(token)
        elif current:
            spans.append(tokenizer.decode(current))
            current = []
    if current:
        spans.append(tokenizer.decode(current))
    return spans


def test_single_turn_labels_only_the_reply_and_eos(llava):
    _, processor, collator = llava
    batch = collator([_item([("<image>\nWhich emotion does this image evoke?", "awe")])])
    spans = _answer_text(processor.tokenizer, batch["input_ids"][0], batch["labels"][0])
    assert spans == [" awe</s>"]
    text = processor.tokenizer.decode(batch["input_ids"][0])
    assert text.startswith("<s>USER: <image>") and text.endswith("Which emotion does this image evoke? ASSISTANT: awe</s>")
    assert batch["pixel_values"].shape[0] == 1


def test_multi_turn_labels_every_reply_and_nothing_else(llava):
    _, processor, collator = llava
    turns = [("<image>\nWhat colour dominates?", "Red."), ("How does it feel?", "Warm, cheerful."),
             ("Which emotion?", "amusement")]
    batch = collator([_item(turns)])
    spans = _answer_text(processor.tokenizer, batch["input_ids"][0], batch["labels"][0])
    assert spans == [" Red.</s>", " Warm, cheerful.</s>", " amusement</s>"]
    text = processor.tokenizer.decode(batch["input_ids"][0])
    assert text.count("<image>") == collator.processor.mvp_config.image_token_count(16)
    assert "</s>USER: How does it feel? ASSISTANT: Warm, cheerful.</s>USER: Which emotion? ASSISTANT:" in text


def test_prompt_equals_the_wrappers_and_batches_pad_right(llava, tiny_llava_dir):
    """Prompt ids and pixels are what the emollm wrapper feeds the model at inference."""
    from lmms_emotion.models.emollm import EmoLLM
    from lmms_emotion.models.hf_base import Sample, Visual

    _, processor, collator = llava
    wrapper = EmoLLM(pretrained=str(tiny_llava_dir), device="cpu")
    items = [_item([("Which emotion does this image evoke?", "awe")]),
             _item([("Is it sad? Answer yes or no.", "No")], frames=[[_image("blue")], [_image("green")]],
                   media_types=("image", "image"))]
    batch = collator(items)
    samples = [Sample(item["turns"][0].question, [Visual("image", frames) for frames in item["frames"]], None)
               for item in items]
    expected = wrapper.encode_prompts(samples)
    for row in range(2):
        prompt = expected["input_ids"][row][expected["attention_mask"][row].bool()]
        got = batch["input_ids"][row][:len(prompt)]
        assert torch.equal(got, prompt)
        assert (batch["labels"][row][:len(prompt)] == IGNORE_INDEX).all()
    torch.testing.assert_close(batch["pixel_values"], expected["pixel_values"])
    short = int(batch["attention_mask"][0].sum())
    assert short < batch["input_ids"].shape[1] and not batch["attention_mask"][0, short:].any()
    assert (batch["labels"][0, short:] == IGNORE_INDEX).all()


def test_video_on_video_llava_is_one_video_of_num_frames(video_llava, tiny_video_llava_dir):
    from lmms_emotion.models.emollm import EmoLLM
    from lmms_emotion.models.hf_base import Sample, Visual

    model, processor, collator = video_llava
    frames = [_image(c) for c in ("red", "blue", "green", "white", "black")]  # resampled to 8, as the wrapper
    video = _item([("Which emotion does the person express?", "fear")], frames=[frames], media_types=("video",))
    image = _item([("Which emotion does this image evoke?", "awe")])
    batch = collator([video, image])
    assert batch["pixel_values_videos"].shape[:2] == (1, 8) and batch["pixel_values"].shape[0] == 1
    wrapper = EmoLLM(pretrained=str(tiny_video_llava_dir), device="cpu")
    expected = wrapper.encode_prompts([Sample("Which emotion does the person express?", [Visual("video", frames)],
                                              None)])
    prompt = expected["input_ids"][0][expected["attention_mask"][0].bool()]
    assert torch.equal(batch["input_ids"][0][:len(prompt)], prompt)
    torch.testing.assert_close(batch["pixel_values_videos"], expected["pixel_values_videos"])
    out = model(**batch)
    assert torch.isfinite(out.loss)


def test_video_on_an_image_base_becomes_num_frames_images(llava):
    _, processor, _ = llava
    collator = EmoLLMCollator(processor, is_video_model=False, num_frames=4)
    frames = [_image(c) for c in ("red", "blue", "green", "white")]
    batch = collator([_item([("Which emotion?", "fear")], frames=[frames], media_types=("video",))])
    assert batch["pixel_values"].shape[0] == 4


def test_rationale_targets_train_the_reasoning_then_the_answer(llava):
    _, processor, collator = llava
    chain = "The scene is dark and the person's face is tense.\nFinal answer: fear"
    batch = collator([_item([("Which emotion? Reason step by step, then 'Final answer: <option>'.", chain)])])
    (span,) = _answer_text(processor.tokenizer, batch["input_ids"][0], batch["labels"][0])
    assert span == f" {chain}</s>"


def test_length_limits(llava):
    _, processor, _ = llava
    prompt_tokens = len(EmoLLMCollator(processor, is_video_model=False)(
        [_item([("Which emotion?", "awe")])])["input_ids"][0]) - 2  # minus " awe</s>"
    tight = EmoLLMCollator(processor, is_video_model=False, model_max_length=prompt_tokens + 3)
    batch = tight([_item([("Which emotion?", "the answer is a long explanation of many words")])])
    assert batch["input_ids"].shape[1] == prompt_tokens + 3 and (batch["labels"][0, -3:] != IGNORE_INDEX).all()
    too_small = EmoLLMCollator(processor, is_video_model=False, model_max_length=prompt_tokens - 1)
    with pytest.raises(ValueError, match="train.json:3: the prompt with its visual tokens"):
        too_small([_item([("Which emotion?", "awe")])])
