"""The tiny checkpoints of lmms_emotion.testing.tiny_models: reload, generate, token counts."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from lmms_emotion import media
from lmms_emotion.scoring.labels import LABEL_SETS
from lmms_emotion.testing import tiny_models as tm

PROMPT = "Which emotion does this image evoke?"


def _image(image_file_factory, **kwargs):
    return media.open_image(image_file_factory(**kwargs))


def _video_frames(video_file_factory, num_frames: int = 8):
    return media.sample_video_frames(video_file_factory(num_frames=16), num_frames=num_frames)


def _chat(processor, *media_types: str, text: str = PROMPT) -> str:
    content = [{"type": kind} for kind in media_types] + [{"type": "text", "text": text}]
    return processor.apply_chat_template([{"role": "user", "content": content}], add_generation_prompt=True)


# --- tokenizers -----------------------------------------------------------------------


def test_tokenizer_reloads_with_llama_specials(tiny_tokenizer_dir: Path) -> None:
    tok = transformers.AutoTokenizer.from_pretrained(tiny_tokenizer_dir)
    assert (tok.unk_token_id, tok.bos_token_id, tok.eos_token_id, tok.pad_token_id) == (0, 1, 2, 3)
    assert tok.image_token == "<image>" and tok.video_token == "<video>"
    assert tok.convert_tokens_to_ids(["<image>", "<video>"]) == [len(tok) - 2, len(tok) - 1]
    assert tok("<image>\nhi <video>", add_special_tokens=False).input_ids[0] == len(tok) - 2
    assert tok("happy").input_ids[0] == tok.bos_token_id
    assert 1000 <= len(tok) <= 2100


def test_tokenizer_round_trips_every_emotion_word(tiny_tokenizer_dir: Path) -> None:
    tok = transformers.AutoTokenizer.from_pretrained(tiny_tokenizer_dir)
    forms = {form for ls in LABEL_SETS.values() for label in ls.labels for form in (label, *ls.forms[label])}
    for form in sorted(forms):
        for text in (form, f"The emotion is {form}.", form.capitalize()):
            ids = tok(text).input_ids
            assert tok.unk_token_id not in ids
            assert tok.decode(ids, skip_special_tokens=True) == text
    # common labels are single tokens (after a space, as in answers)
    for label in LABEL_SETS["mikels8"].labels:
        assert len(tok(" " + label, add_special_tokens=False).input_ids) == 1, label


def test_tokenizer_is_deterministic(tmp_path: Path, tiny_tokenizer_dir: Path) -> None:
    tm.train_tiny_tokenizer(tmp_path / "again")
    tm.train_tiny_qformer_tokenizer(tmp_path / "q1")
    tm.train_tiny_qformer_tokenizer(tmp_path / "q2")
    assert (tmp_path / "again" / "tokenizer.json").read_bytes() == (tiny_tokenizer_dir / "tokenizer.json").read_bytes()
    assert (tmp_path / "q1" / "tokenizer.json").read_bytes() == (tmp_path / "q2" / "tokenizer.json").read_bytes()


def test_chat_template(tiny_tokenizer_dir: Path) -> None:
    tok = transformers.AutoTokenizer.from_pretrained(tiny_tokenizer_dir)
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": [{"type": "text", "text": "Why?"}, {"type": "image"}]},
        {"role": "assistant", "content": [{"type": "text", "text": "awe"}]},
        {"role": "user", "content": "And this one?"},
    ]
    text = tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    assert text == "Be brief. USER: <image>\nWhy? ASSISTANT: awe</s>USER: And this one? ASSISTANT:"
    out = tok.apply_chat_template(messages[:3], return_dict=True, return_assistant_tokens_mask=True)
    masked = [i for i, m in zip(out["input_ids"], out["assistant_masks"]) if m]
    assert tok.decode(masked) == " awe</s>"


def test_qformer_tokenizer(tmp_path: Path) -> None:
    tm.train_tiny_qformer_tokenizer(tmp_path / "q")
    tok = transformers.AutoTokenizer.from_pretrained(tmp_path / "q")
    assert (tok.pad_token, tok.unk_token, tok.cls_token, tok.sep_token, tok.mask_token) == (
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
    )
    assert tok.pad_token_id == 0 and tok.bos_token == "[DEC]" and tok.bos_token_id == len(tok) - 1
    ids = tok("Which EMOTION: awe-struck").input_ids
    assert ids[0] == tok.cls_token_id and ids[-1] == tok.sep_token_id and tok.unk_token_id not in ids
    assert tok.decode(ids, skip_special_tokens=True) == "which emotion : awe - struck"
    assert tok.truncation_side == "left"


# --- InstructBLIP ---------------------------------------------------------------------


def test_instructblip_reload_gives_identical_logits(tmp_path: Path, image_file_factory) -> None:
    out, model = tm.build_tiny_instructblip(tmp_path / "ib", seed=1, return_model=True)
    processor = transformers.InstructBlipProcessor.from_pretrained(out)
    reloaded = transformers.InstructBlipForConditionalGeneration.from_pretrained(out).eval()
    inputs = processor(images=_image(image_file_factory), text=PROMPT, return_tensors="pt")
    with torch.no_grad():
        assert torch.equal(model(**inputs).logits, reloaded(**inputs).logits)
    assert tm.count_parameters(model) < 1_000_000


def test_instructblip_processor_and_generate(tiny_instructblip_dir: Path, image_file_factory) -> None:
    processor = transformers.InstructBlipProcessor.from_pretrained(tiny_instructblip_dir)
    model = transformers.InstructBlipForConditionalGeneration.from_pretrained(tiny_instructblip_dir).eval()
    assert processor.num_query_tokens == model.config.num_query_tokens == 4
    inputs = processor(images=_image(image_file_factory), text=PROMPT, return_tensors="pt")
    image_id = model.config.image_token_index
    ids = inputs["input_ids"][0].tolist()
    assert ids[:5] == [image_id] * 4 + [processor.tokenizer.bos_token_id] and ids.count(image_id) == 4
    assert inputs["pixel_values"].shape == (1, 3, 32, 32)
    assert inputs["qformer_input_ids"][0, 0] == processor.qformer_tokenizer.cls_token_id
    generated = model.generate(**inputs, max_new_tokens=5)
    # transformers 5 returns the prompt (query placeholders included) followed by new tokens
    assert generated.shape[0] == 1 and 0 < generated.shape[1] - inputs["input_ids"].shape[1] <= 5


def test_lmms_eval_builtin_instructblip_loads_tiny_model(tiny_instructblip_dir: Path, image_file_factory) -> None:
    from lmms_eval.models.simple.instructblip import InstructBLIP

    lm = InstructBLIP(pretrained=str(tiny_instructblip_dir), device="cpu")
    image = _image(image_file_factory)
    lm.task_dict = {"t": {"test": {0: {"image": image}}}}
    request = SimpleNamespace(args=(PROMPT, {"max_new_tokens": 3, "until": ["\n\n"]}, lambda doc: [doc["image"]], 0, "t", "test"))
    (answer,) = lm.generate_until([request])
    # lmms-eval 0.7.3 decodes the whole sequence; with transformers 5 that includes the prompt.
    assert isinstance(answer, str) and answer.startswith(PROMPT)


# --- LLaVA ----------------------------------------------------------------------------


def test_llava_reload_gives_identical_logits(tmp_path: Path, image_file_factory) -> None:
    out, model = tm.build_tiny_llava(tmp_path / "llava", seed=1, return_model=True)
    processor = transformers.LlavaProcessor.from_pretrained(out)
    reloaded = transformers.LlavaForConditionalGeneration.from_pretrained(out).eval()
    inputs = processor(images=_image(image_file_factory), text=_chat(processor, "image"), return_tensors="pt")
    with torch.no_grad():
        assert torch.equal(model(**inputs).logits, reloaded(**inputs).logits)
    assert tm.count_parameters(model) < 1_000_000


def test_llava_image_tokens_match_features_and_generate(tiny_llava_dir: Path, image_file_factory) -> None:
    processor = transformers.LlavaProcessor.from_pretrained(tiny_llava_dir)
    model = transformers.LlavaForConditionalGeneration.from_pretrained(tiny_llava_dir).eval()
    prompt = _chat(processor, "image")
    assert prompt == f"USER: <image>\n{PROMPT} ASSISTANT:"
    images = [_image(image_file_factory, size=(64, 48)), _image(image_file_factory, size=(20, 50))]
    inputs = processor(images=images, text=[prompt, prompt], padding=True, return_tensors="pt")
    counts = (inputs["input_ids"] == model.config.image_token_id).sum(dim=1).tolist()
    with torch.no_grad():
        features = model.get_image_features(pixel_values=inputs["pixel_values"], return_dict=True).pooler_output
    assert counts == [16, 16] == [model.config.image_seq_length] * 2
    assert [tuple(f.shape[-2:]) for f in features] == [(16, model.config.text_config.hidden_size)] * 2
    generated = model.generate(**inputs, max_new_tokens=4)
    assert generated.shape[0] == 2 and generated.shape[1] - inputs["input_ids"].shape[1] <= 4
    # chat-template path with the image inside the message
    messages = [{"role": "user", "content": [{"type": "image", "image": images[0]}, {"type": "text", "text": PROMPT}]}]
    batch = processor.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=True, return_tensors="pt")
    assert int((batch["input_ids"] == model.config.image_token_id).sum()) == 16
    model.generate(**batch, max_new_tokens=2)


# --- Video-LLaVA ----------------------------------------------------------------------


def test_video_llava_reload_gives_identical_logits(tmp_path: Path, video_file_factory) -> None:
    out, model = tm.build_tiny_video_llava(tmp_path / "vl", seed=1, return_model=True)
    processor = transformers.VideoLlavaProcessor.from_pretrained(out)
    reloaded = transformers.VideoLlavaForConditionalGeneration.from_pretrained(out).eval()
    inputs = processor(text=_chat(processor, "video"), videos=[_video_frames(video_file_factory)], return_tensors="pt")
    with torch.no_grad():
        assert torch.equal(model(**inputs).logits, reloaded(**inputs).logits)
    assert tm.count_parameters(model) < 1_000_000


def test_video_llava_generates_on_image_and_video(tiny_video_llava_dir: Path, image_file_factory, video_file_factory) -> None:
    processor = transformers.VideoLlavaProcessor.from_pretrained(tiny_video_llava_dir)
    model = transformers.VideoLlavaForConditionalGeneration.from_pretrained(tiny_video_llava_dir).eval()
    video = processor(text=_chat(processor, "video"), videos=[_video_frames(video_file_factory)], return_tensors="pt")
    assert video["pixel_values_videos"].shape == (1, 8, 3, 32, 32)
    assert int((video["input_ids"] == model.config.video_token_id).sum()) == 17 * 8 == model.config.video_seq_length
    out = model.generate(**video, max_new_tokens=4)
    assert 0 < out.shape[1] - video["input_ids"].shape[1] <= 4

    image = processor(text=_chat(processor, "image"), images=_image(image_file_factory), return_tensors="pt")
    assert int((image["input_ids"] == model.config.image_token_id).sum()) == 16 == model.config.image_seq_length
    out = model.generate(**image, max_new_tokens=4)
    assert 0 < out.shape[1] - image["input_ids"].shape[1] <= 4


def test_lmms_eval_builtin_video_llava_loads_tiny_model(tiny_video_llava_dir: Path) -> None:
    from lmms_eval.models.simple.video_llava import VideoLLaVA

    # device_map="auto" is the only CPU route: otherwise the wrapper moves to cuda:0.
    lm = VideoLLaVA(pretrained=str(tiny_video_llava_dir), device="cpu", device_map="auto")
    assert str(lm.device) == "cpu" and lm.model.device.type == "cpu"


def test_lmms_eval_builtin_video_llava_generate_is_broken_upstream(tiny_video_llava_dir: Path, video_file_factory) -> None:
    """lmms-eval 0.7.3's video_llava calls read_video(path, 8) but num_frm is keyword-only.

    Documented in docs (use --model emollm for videos); this test fails, and tells us to
    drop that note, the day the pinned lmms-eval fixes the call.
    """
    from lmms_eval.models.simple.video_llava import VideoLLaVA

    lm = VideoLLaVA(pretrained=str(tiny_video_llava_dir), device="cpu", device_map="auto")
    lm.task_dict = {"t": {"test": {0: {"video": str(video_file_factory())}}}}
    request = SimpleNamespace(args=("What emotion", {"max_new_tokens": 3}, lambda doc: [doc["video"]], 0, "t", "test"))
    with pytest.raises(TypeError, match="read_video"):
        lm.generate_until([request])


# --- determinism ----------------------------------------------------------------------


def test_same_seed_same_weights(tmp_path: Path) -> None:
    _, a = tm.build_tiny_llava(tmp_path / "a", seed=7, return_model=True)
    _, b = tm.build_tiny_llava(tmp_path / "b", seed=7, return_model=True)
    _, c = tm.build_tiny_llava(tmp_path / "c", seed=8, return_model=True)
    sa, sb, sc = a.state_dict(), b.state_dict(), c.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert not all(torch.equal(sa[k], sc[k]) for k in sa)


def test_builders_leave_global_rng_alone(tmp_path: Path) -> None:
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    tm.build_tiny_video_llava(tmp_path / "v", seed=0)
    assert torch.equal(torch.rand(3), expected)


def test_generation_config_saved(tiny_llava_dir: Path) -> None:
    config = transformers.GenerationConfig.from_pretrained(tiny_llava_dir)
    assert (config.bos_token_id, config.eos_token_id, config.pad_token_id) == (1, 2, 3)
    assert config.do_sample is False
