"""The ``emollm`` lmms-eval wrapper on tiny EmoLLM checkpoints: batching, chat, EmoPrompt, scoring, arguments."""

from __future__ import annotations

import pytest
import torch
from lmms_eval.api.instance import Instance

from lmms_emotion.models.emollm import EmoLLM, EmoLLMChat, resample_frames
from lmms_emotion.models.emollm_model import EmoLLMForConditionalGeneration, load_processor
from lmms_emotion.models.emoprompt import answer_form, emoprompt_instruction
from lmms_emotion.models.mvp import MVPConfig
from lmms_emotion.scoring.hooks import doc_to_messages, doc_to_text, doc_to_visual

TASK, SPLIT = "toy_emobench", "test"
SMALL = {"num_queries": 3, "query_heads": 4, "temporal_heads": 4}


def _doc(index: int, kind: str, path: str, task: str = "emotion_closed", label_set: str = "mikels8",
         text: str = "", answer: str = "awe") -> dict:
    from lmms_emotion.scoring.hooks import candidate_options

    return {"id": f"toy/{index}", "task": task, "source": "toy", "split": SPLIT, "modality": kind, "text": text,
            "label_set": label_set, "options": candidate_options(task, label_set), "answer": answer,
            "media_types": [kind], "media_paths": [path], "meta": "{}"}


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> list[dict]:
    from lmms_emotion.testing.media_files import write_image, write_video

    folder = tmp_path_factory.mktemp("emollm_docs")
    images = [str(write_image(folder / f"img_{i}.jpg", seed=i, size=(32 + 4 * i, 40))) for i in range(3)]
    videos = [str(write_video(folder / f"vid_{i}.mp4", seed=i, num_frames=6 + 4 * i)) for i in range(2)]
    return [
        _doc(0, "image", images[0]),
        _doc(1, "video", videos[0], task="sarcasm", label_set="yes_no", text="Oh great, another meeting.",
             answer="yes"),
        _doc(2, "image", images[1], task="emotion_closed", label_set="ekman6", answer="joy"),
        _doc(3, "video", videos[1], task="emotion_closed", label_set="meld7", text="I can't believe it!",
             answer="surprise"),
        _doc(4, "image", images[2], task="hate", label_set="yes_no", text="a caption", answer="no"),
    ]


@pytest.fixture(scope="module")
def emollm_dir(tiny_video_llava_dir, tmp_path_factory):
    """A saved tiny EmoLLM on Video-LLaVA: every perspective, moved weights, a LoRA adapter, the processor."""
    with torch.random.fork_rng(devices=[]):  # the fresh MVP's queries and LoRA's B draw from the global RNG
        torch.manual_seed(3)
        model = EmoLLMForConditionalGeneration.from_base(tiny_video_llava_dir, MVPConfig(**SMALL))
        with torch.no_grad():
            for param in model.mvp.parameters():
                param.add_(torch.randn(param.shape) * 0.05)
        model.add_lora({"r": 4, "lora_alpha": 8, "init_lora_weights": False})
    processor = load_processor(tiny_video_llava_dir, model.emollm_config.mvp)
    return model.save_pretrained(tmp_path_factory.mktemp("emollm") / "run", processor=processor)


def _load(folder, cls=EmoLLM, **kwargs) -> EmoLLM:
    return cls(pretrained=str(folder), device="cpu", **kwargs)


def _attach(model: EmoLLM, docs: list[dict]) -> EmoLLM:
    model.task_dict = {TASK: {SPLIT: docs}}
    return model


def _requests(model: EmoLLM, docs: list[dict], gen_kwargs: dict, ids: list[int] | None = None) -> list[Instance]:
    """Requests for ``docs`` (the task's docs), or for the docs at ``ids`` only."""
    requests = []
    for i in ids if ids is not None else range(len(docs)):
        doc = docs[i]
        if model.is_simple:
            args = (doc_to_text(doc), dict(gen_kwargs), doc_to_visual, i, TASK, SPLIT)
        else:
            args = (doc_to_text(doc), doc_to_messages, dict(gen_kwargs), i, TASK, SPLIT)
        requests.append(Instance("generate_until", args, idx=0, metadata={"task": TASK, "doc_id": i, "repeats": 1}))
    return requests


# --- generation ------------------------------------------------------------------------------------


def test_batched_answers_equal_one_by_one_and_come_back_in_order(emollm_dir, docs):
    gen_kwargs = {"max_new_tokens": 6, "do_sample": False, "until": ["\n\n"]}
    batched = _attach(_load(emollm_dir, batch_size="4"), docs)
    single = _attach(_load(emollm_dir, batch_size=1), docs)
    out4 = batched.generate_until(_requests(batched, docs, gen_kwargs))
    out1 = single.generate_until(_requests(single, docs, gen_kwargs))
    assert out4 == out1
    assert len(set(out1)) >= 3 and all(out1), "different, non-empty answers (the check is not vacuous)"
    reversed_docs = list(reversed(docs))
    batched.task_dict = {TASK: {SPLIT: reversed_docs}}
    assert batched.generate_until(_requests(batched, reversed_docs, gen_kwargs)) == list(reversed(out1))


def test_answers_equal_the_model_called_directly(emollm_dir, docs):
    """The wrapper's prompt: the chat template, the video as one <video> of num_frames frames."""
    from lmms_emotion.media import sample_video_frames

    lm = _attach(_load(emollm_dir, num_frames=4), docs)
    answer = lm.generate_until(_requests(lm, docs, {"max_new_tokens": 5}, ids=[1]))[0]
    processor = lm.processor
    prompt = processor.apply_chat_template(
        [{"role": "user", "content": [{"type": "video"}, {"type": "text", "text": doc_to_text(docs[1])}]}],
        add_generation_prompt=True)
    frames = sample_video_frames(docs[1]["media_paths"][0], 4)
    inputs = processor(text=[prompt], videos=[frames], return_tensors="pt", return_legacy_image_output=False)
    assert inputs["pixel_values_videos"].shape[1] == 4
    output = lm.model.generate(**inputs, max_new_tokens=5, do_sample=False)
    expected = processor.tokenizer.decode(output[0, inputs["input_ids"].shape[1]:], skip_special_tokens=True)
    assert answer == expected.strip() and answer


def test_chat_requests_give_the_same_answers(emollm_dir, docs):
    gen_kwargs = {"max_new_tokens": 5}
    simple = _attach(_load(emollm_dir, batch_size=2), docs)
    chat = _attach(_load(emollm_dir, cls=EmoLLMChat, batch_size=2), docs)
    assert not chat.is_simple
    assert chat.generate_until(_requests(chat, docs, gen_kwargs)) == simple.generate_until(
        _requests(simple, docs, gen_kwargs))


def test_llava_base_takes_a_video_as_its_frames(tiny_llava_dir, docs):
    lm = _attach(_load(tiny_llava_dir, perspectives="patch", num_frames=3), docs)
    sample = lm.build_sample(lm._unpack(0, _requests(lm, docs, {}, ids=[1])[0], "generate"))
    inputs = lm.encode_prompts([sample])
    assert int((inputs["input_ids"] == lm.model.config.image_token_id).sum()) == 3 * 16
    assert lm.generate_until(_requests(lm, docs, {"max_new_tokens": 3}, ids=[1]))[0]


def test_frames_are_resampled_to_a_fixed_count():
    assert resample_frames(list("abcdefgh"), 4) == list("bdfh")
    assert resample_frames(list("abc"), 6) == list("aabbcc")
    assert resample_frames(list("abcd"), 4) == list("abcd")


# --- EmoPrompt -------------------------------------------------------------------------------------


def test_emoprompt_adds_the_instruction_and_its_token_budget(emollm_dir, docs):
    lm = _attach(_load(emollm_dir, emoprompt=True, emoprompt_max_new_tokens=24), docs)
    plain = _attach(_load(emollm_dir), docs)
    samples = [lm.build_sample(lm._unpack(i, r, "generate")) for i, r in enumerate(_requests(lm, docs, {}))]
    for doc, sample in zip(docs, samples):
        question = lm.question(sample)
        assert question.startswith(doc_to_text(doc))
        assert question.endswith(emoprompt_instruction(answer_form(doc), doc["modality"]))
        assert plain.question(sample) == doc_to_text(doc)
    settings, until = lm.generation_settings({"max_new_tokens": 4, "until": ["\n\n"]})
    assert settings["max_new_tokens"] == 24 and until == ["\n\n"]
    assert plain.generation_settings({"max_new_tokens": 4})[0]["max_new_tokens"] == 4
    # the task's 4-token budget does not bind: the reasoning may run to emoprompt_max_new_tokens
    assert _new_token_counts(lm, docs) == [24, 24]  # the tiny model never stops early
    assert _new_token_counts(plain, docs) == [4, 4]


def _new_token_counts(lm: EmoLLM, docs: list[dict]) -> list[int]:
    """How many tokens the model generated for docs 0 and 1 under a task budget of 4."""
    counts: list[int] = []
    model = lm.model
    original = model.generate

    def spy(**kwargs):
        output = original(**kwargs)
        counts.extend([output.shape[1] - kwargs["input_ids"].shape[1]] * output.shape[0])
        return output

    model.generate = spy
    try:
        lm.generate_until(_requests(lm, docs, {"max_new_tokens": 4, "until": ["\n\n"]}, ids=[0, 1]))
    finally:
        del model.generate
    return counts


def test_emoprompt_finishes_text_at_the_final_answer_line(emollm_dir):
    lm = _load(emollm_dir, emoprompt=True)
    plain = _load(emollm_dir)
    text = "Cue one.\n\nCue two.\nFinal answer: fear\n\nUSER: more"
    assert lm.finish_text(text, ["\n\n"]) == "Cue one.\n\nCue two.\nFinal answer: fear"
    assert plain.finish_text(text, ["\n\n"]) == "Cue one."


# --- likelihood scoring ----------------------------------------------------------------------------


def test_likelihood_scoring_matches_a_direct_forward_pass(emollm_dir, docs):
    lm = _attach(_load(emollm_dir, batch_size=3), docs)
    requests = _requests(lm, docs, {}, ids=[0, 1, 2])
    samples = [lm.build_sample(lm._unpack(i, r, "generate")) for i, r in enumerate(requests)]
    candidates = [[" awe", " fear"], [" yes", " no", " maybe not"], [" joy"]]
    scores = lm.score_batch(samples, candidates)
    for sample, conts, row in zip(samples, candidates, scores):
        for continuation, score in zip(conts, row):
            single = lm.encode_prompts([sample])
            prompt = lm.render_prompt(lm._media_items(sample)[0], lm.question(sample))
            cont_ids = lm._continuation_ids(prompt, continuation)
            ids = torch.cat([single["input_ids"], torch.tensor([cont_ids])], dim=1)
            with torch.no_grad():
                logits = lm.model(input_ids=ids, attention_mask=torch.ones_like(ids),
                                  pixel_values=single.get("pixel_values"),
                                  pixel_values_videos=single.get("pixel_values_videos")).logits[0]
            steps = torch.log_softmax(logits[-len(cont_ids) - 1:-1].float(), dim=-1)
            expected = float(steps.gather(-1, torch.tensor(cont_ids)[:, None]).sum())
            assert score.num_tokens == len(cont_ids)
            assert score.logprob == pytest.approx(expected, rel=1e-4, abs=1e-4)
    scored = _attach(_load(emollm_dir, scoring="likelihood"), docs)
    answers = scored.generate_until(_requests(scored, docs, {}))
    assert answers[0] in ("amusement", "awe", "contentment", "excitement", "anger", "disgust", "fear", "sadness")
    assert answers[1] in ("yes", "no") and answers[4] in ("yes", "no")


# --- arguments -------------------------------------------------------------------------------------


def test_constructor_arguments(tiny_llava_dir, emollm_dir):
    with pytest.raises(TypeError, match="unknown model argument.*emoprompt, emoprompt_max_new_tokens, perspectives"):
        _load(tiny_llava_dir, emoprompts=True)
    with pytest.raises(ValueError, match="emoprompt=true .* needs scoring=generate"):
        _load(tiny_llava_dir, emoprompt=True, scoring="likelihood")
    with pytest.raises(ValueError, match="defines its own MVP"):
        _load(emollm_dir, perspectives="patch")
    lm = _load(tiny_llava_dir, perspectives="patch+global", num_queries=2, emoprompt="true")
    assert lm.emoprompt is True and list(lm.model.mvp.perspectives) == ["patch", "global"]
    assert lm.processor.mvp_config.perspectives == ("patch", "global")
    assert _load(emollm_dir, emoprompt="false").emoprompt is False
