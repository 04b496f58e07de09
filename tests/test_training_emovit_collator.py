"""EmoVIT's collator: EmoVIT's input layout, truncation, normalisation, answer-only labels; parity with the wrapper."""

from __future__ import annotations

import pytest
import torch

from lmms_emotion.scoring.prompts import emovit_normalise
from lmms_emotion.training.collators import IGNORE_INDEX, EmoVITCollator, continuation_ids
from lmms_emotion.training.data import Turn


@pytest.fixture(scope="module")
def parts(tiny_instructblip_dir):
    from transformers import InstructBlipForConditionalGeneration, InstructBlipProcessor

    processor = InstructBlipProcessor.from_pretrained(tiny_instructblip_dir)
    model = InstructBlipForConditionalGeneration.from_pretrained(tiny_instructblip_dir).eval()
    collator = EmoVITCollator(processor, image_token_id=int(model.config.image_token_id),
                              num_query_tokens=int(model.config.num_query_tokens))
    return processor, model, collator


def _image(color="red"):
    from PIL import Image

    return Image.new("RGB", (40, 36), color)


def _item(question: str, answer: str, frames=None) -> dict:
    return {"frames": frames if frames is not None else [[_image()]], "turns": (Turn(question, answer),),
            "origin": "train.jsonl:1"}


QUESTION = "<image>\nWhich emotion does this image evoke? Choose: (A) awe; (B) fear. Reply!"


def test_layout_queries_then_bos_instruction_then_answer_eos(parts):
    processor, model, collator = parts
    tok = processor.tokenizer
    batch = collator([_item(QUESTION, "Predict emotion: Awe")])
    ids, labels = batch["input_ids"][0].tolist(), batch["labels"][0].tolist()
    nq = model.config.num_query_tokens
    instruction = emovit_normalise("Which emotion does this image evoke? Choose: (A) awe; (B) fear. Reply!")
    assert instruction == "which emotion does this image evoke? choose a awe b fear reply"
    prompt = tok(instruction)["input_ids"]
    answer = continuation_ids(tok, instruction, " Predict emotion: Awe") + [tok.eos_token_id]
    assert ids == [model.config.image_token_id] * nq + prompt + answer
    assert prompt[0] == tok.bos_token_id
    assert labels == [IGNORE_INDEX] * (nq + len(prompt)) + answer  # loss on the answer and eos only
    assert tok.decode(answer, skip_special_tokens=True).strip() == "Predict emotion: Awe"  # answer untouched
    qformer_text = processor.qformer_tokenizer.decode(batch["qformer_input_ids"][0], skip_special_tokens=True)
    assert qformer_text == instruction  # the Q-Former reads the same normalised instruction
    assert batch["pixel_values"].shape == (1, 3, 32, 32)


def test_normalisation_can_be_switched_off(parts):
    processor, model, _ = parts
    raw = EmoVITCollator(processor, image_token_id=int(model.config.image_token_id),
                         num_query_tokens=int(model.config.num_query_tokens), normalise_instruction=False)
    assert raw.instruction(QUESTION) == "Which emotion does this image evoke? Choose: (A) awe; (B) fear. Reply!"


def test_truncation_left_for_instruction_right_for_answer(parts):
    processor, model, _ = parts
    tok = processor.tokenizer
    collator = EmoVITCollator(processor, image_token_id=int(model.config.image_token_id),
                              num_query_tokens=int(model.config.num_query_tokens), max_txt_len=8,
                              max_output_txt_len=5)
    question = " ".join(f"w{i}" for i in range(40)) + " which emotion"
    answer = "the image feels calm because the sky is blue and the sea is quiet"
    batch = collator([_item(question, answer)])
    nq = model.config.num_query_tokens
    ids, labels = batch["input_ids"][0].tolist(), batch["labels"][0].tolist()
    prompt, target = ids[nq:len(ids) - 5], ids[len(ids) - 5:]
    full_prompt = tok(collator.instruction(question))["input_ids"]
    assert len(prompt) == 8 and prompt[0] == tok.bos_token_id and prompt[1:] == full_prompt[-7:]  # keeps the end
    full_answer = continuation_ids(tok, collator.instruction(question), " " + answer) + [tok.eos_token_id]
    assert target == full_answer[:5] and tok.eos_token_id not in target  # keeps the start; eos cut, as LAVIS
    assert labels[-5:] == target
    assert batch["qformer_attention_mask"][0].sum() == 8  # the Q-Former gets the same limit
    qformer_ids = processor.qformer_tokenizer(collator.instruction(question))["input_ids"]
    assert batch["qformer_input_ids"][0].tolist()[1:-1] == qformer_ids[-7:-1]  # its end too, [CLS]/[SEP] kept


def test_batch_is_right_padded_with_labels_ignored_on_padding(parts):
    processor, model, collator = parts
    batch = collator([_item("short?", "awe"), _item("a much longer question about the picture?", "sadness")])
    mask, labels, ids = batch["attention_mask"], batch["labels"], batch["input_ids"]
    assert mask[0].sum() < mask[1].sum() == ids.shape[1]
    first_pad = int(mask[0].sum())
    assert mask[0, :first_pad].all() and not mask[0, first_pad:].any()
    assert (labels[0, first_pad:] == IGNORE_INDEX).all()
    assert (ids[0, first_pad:] == collator.pad_token_id).all()


def test_video_frames_each_get_queries_and_the_instruction(parts):
    processor, model, collator = parts
    frames = [[_image("red"), _image("blue"), _image("green")]]
    batch = collator([_item("which emotion?", "awe", frames=frames), _item("and here?", "fear")])
    nq = model.config.num_query_tokens
    image_token = model.config.image_token_id
    assert batch["pixel_values"].shape[0] == 4  # 3 video frames + 1 image
    assert (batch["input_ids"][0] == image_token).sum() == 3 * nq
    assert (batch["input_ids"][1] == image_token).sum() == nq
    q = batch["qformer_input_ids"]
    assert torch.equal(q[0], q[1]) and torch.equal(q[1], q[2]) and not torch.equal(q[2], q[3])
    out = model(**batch)  # forward accepts it: every placeholder filled, loss defined
    assert torch.isfinite(out.loss)


def test_every_example_needs_media_and_one_turn(parts):
    _, _, collator = parts
    with pytest.raises(ValueError, match="train.jsonl:1: EmoVIT needs an image or a video"):
        collator([_item("q", "a", frames=[])])
    item = _item("q", "a")
    item["turns"] = (Turn("q", "a"), Turn("q2", "a2"))
    with pytest.raises(ValueError, match="single-turn"):
        collator([item])


def test_training_layout_equals_the_wrappers_inference_layout(parts, tiny_instructblip_dir):
    """The logits the loss sees at the query and instruction positions are the wrapper's prompt logits."""
    from lmms_emotion.models.emovit import EmoVIT
    from lmms_emotion.models.hf_base import Sample, Visual

    _, model, collator = parts
    wrapper = EmoVIT(pretrained=str(tiny_instructblip_dir), device="cpu")
    items = [_item(QUESTION, "awe"), _item("Is it calm? Answer: yes or no.", "yes", frames=[[_image("blue")]])]
    batch = collator(items)
    with torch.no_grad():
        logits = model(**batch).logits
    samples = [Sample(collator.instruction(item["turns"][0].question), [Visual("image", item["frames"][0])], None)
               for item in items]
    expected = wrapper.prompt_logits(samples)
    for row, (item_logits, labels) in enumerate(zip(expected, batch["labels"])):
        prompt_length = int((labels == IGNORE_INDEX).logical_and(batch["attention_mask"][row].bool()).sum())
        assert item_logits.shape[0] == prompt_length
        torch.testing.assert_close(logits[row, :prompt_length], item_logits, rtol=1e-5, atol=1e-5)
