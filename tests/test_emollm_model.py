"""EmoLLM on the tiny LLaVA and Video-LLaVA: the MVP generalises the base, token budget, save/load, LoRA, training."""

from __future__ import annotations

import itertools
import json
import shutil

import pytest
import torch
import transformers

from lmms_emotion.models.emollm_model import (
    CONFIG_NAME,
    WEIGHTS_NAME,
    EmoLLMConfig,
    EmoLLMForConditionalGeneration,
    EmoLLMLoadError,
    load_emollm,
    load_processor,
)
from lmms_emotion.models.mvp import PERSPECTIVES, MVPConfig

PROMPT = "Which emotion does this evoke?"
COMBINATIONS = [combo for n in range(1, 5) for combo in itertools.combinations(PERSPECTIVES, n)
                if combo != ("temporal",)]
SMALL = {"num_queries": 3, "query_heads": 4, "temporal_heads": 4}


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    from PIL import Image

    from lmms_emotion.media import sample_video_frames
    from lmms_emotion.testing.media_files import write_image, write_video

    folder = tmp_path_factory.mktemp("emollm_media")
    images = [Image.open(write_image(folder / f"image_{i}.jpg", seed=i, size=(40 + 8 * i, 32))).convert("RGB")
              for i in range(2)]
    video = sample_video_frames(write_video(folder / "video.mp4", seed=3, num_frames=12), 8)
    return {"images": images, "video": video}


def _chat(processor, *kinds: str, text: str = PROMPT) -> str:
    content = [{"type": kind} for kind in kinds] + [{"type": "text", "text": text}]
    return processor.apply_chat_template([{"role": "user", "content": content}], add_generation_prompt=True)


def _batch(processor, media, video_model: bool):
    """Two rows for LLaVA (image; two images), three for Video-LLaVA (+ a video), left-padded."""
    texts = [_chat(processor, "image"), _chat(processor, "image", "image", text="And these two?")]
    kwargs = {}
    if video_model:
        texts.append(_chat(processor, "video", text="What does the speaker feel?"))
        kwargs = {"videos": [media["video"]], "return_legacy_image_output": False}
    images = [media["images"][0], *media["images"]]
    return processor(text=texts, images=images, padding=True, return_tensors="pt", **kwargs)


def _base(kind: str, tiny_llava_dir, tiny_video_llava_dir):
    folder = tiny_video_llava_dir if kind == "video_llava" else tiny_llava_dir
    video = kind == "video_llava"
    cls = transformers.VideoLlavaForConditionalGeneration if video else transformers.LlavaForConditionalGeneration
    proc = transformers.VideoLlavaProcessor if video else transformers.LlavaProcessor
    return folder, cls.from_pretrained(folder).eval(), proc.from_pretrained(folder)


def _perturb(module: torch.nn.Module, seed: int = 7) -> None:
    """Move every parameter off its initial value (so a round trip cannot pass by re-initialising)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for param in module.parameters():
            param.add_(torch.randn(param.shape, generator=generator).to(param.dtype) * 0.05)


# --- the MVP generalises the base projector ---------------------------------------------------------


@pytest.mark.parametrize("kind", ["llava", "video_llava"])
def test_patch_only_mvp_reproduces_the_base_model_exactly(kind, tiny_llava_dir, tiny_video_llava_dir, media):
    folder, base, base_processor = _base(kind, tiny_llava_dir, tiny_video_llava_dir)
    model = EmoLLMForConditionalGeneration.from_base(folder, MVPConfig(perspectives=("patch",))).eval()
    processor = load_processor(folder, model.emollm_config.mvp)
    inputs = _batch(base_processor, media, kind == "video_llava")
    assert torch.equal(_batch(processor, media, kind == "video_llava")["input_ids"], inputs["input_ids"])
    with torch.no_grad():
        expected = base(**inputs).logits
        got = model(**inputs).logits
    assert torch.equal(got, expected)
    assert model.mvp.perspective_embeddings is None
    assert isinstance(model.base.model.multi_modal_projector, type(model.mvp))
    generated = model.generate(**inputs, max_new_tokens=5, do_sample=False)
    assert torch.equal(generated, base.generate(**inputs, max_new_tokens=5, do_sample=False))


@pytest.mark.parametrize("perspectives", COMBINATIONS, ids=["+".join(c) for c in COMBINATIONS])
def test_processor_inserts_as_many_placeholders_as_the_mvp_makes_tokens(perspectives, tiny_video_llava_dir, media):
    config = MVPConfig(perspectives=perspectives, **SMALL)
    base = transformers.VideoLlavaForConditionalGeneration.from_pretrained(tiny_video_llava_dir)
    model = EmoLLMForConditionalGeneration.from_base_model(base.eval(), config)
    processor = load_processor(tiny_video_llava_dir, config)
    inputs = _batch(processor, media, video_model=True)
    image_id, video_id = model.config.image_token_id, model.config.video_token_id
    per_row_images = (inputs["input_ids"] == image_id).sum(dim=1).tolist()
    assert per_row_images == [config.image_token_count(16), 2 * config.image_token_count(16), 0]
    assert int((inputs["input_ids"] == video_id).sum()) == config.video_token_count(8, 17)
    with torch.no_grad():
        assert model.image_tokens(inputs["pixel_values"]).shape == (3, config.image_token_count(16), 64)
        assert model.video_tokens(inputs["pixel_values_videos"]).shape == (1, config.video_token_count(8, 17), 64)
        logits = model(**inputs).logits  # transformers checks placeholders against features
    assert logits.shape[:2] == inputs["input_ids"].shape and torch.isfinite(logits).all()


def test_llava_image_budget_and_no_video_input(tiny_llava_dir, media):
    model = EmoLLMForConditionalGeneration.from_base(tiny_llava_dir, MVPConfig(**SMALL)).eval()
    processor = load_processor(tiny_llava_dir, model.emollm_config.mvp)
    inputs = _batch(processor, media, video_model=False)
    assert (inputs["input_ids"] == model.config.image_token_id).sum(dim=1).tolist() == [20, 40]  # 16 + 1 + 3 each
    with torch.no_grad():
        assert model(**inputs).logits.shape[:2] == inputs["input_ids"].shape
    with pytest.raises(ValueError, match="LLaVA-1.5 has no video input"):
        model.video_tokens(torch.zeros(1, 2, 3, 32, 32))


# --- save / load ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["llava", "video_llava"])
def test_save_and_load_round_trip_gives_identical_logits(kind, tiny_llava_dir, tiny_video_llava_dir, media, tmp_path):
    folder = tiny_video_llava_dir if kind == "video_llava" else tiny_llava_dir
    model = EmoLLMForConditionalGeneration.from_base(folder, MVPConfig(**SMALL)).eval()
    _perturb(model.mvp)
    processor = load_processor(folder, model.emollm_config.mvp)
    out = model.save_pretrained(tmp_path / "run", processor=processor)
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["chat_template.jinja", CONFIG_NAME, WEIGHTS_NAME, "processor_config.json", "tokenizer.json",
         "tokenizer_config.json"])
    saved = json.loads((out / CONFIG_NAME).read_text())
    assert saved["model_type"] == "emollm" and saved["format_version"] == 2
    assert saved["base"] == str(folder.resolve()) and saved["lora"] is None
    assert saved["base_class"] == type(model.base).__name__ and saved["mvp"] == model.emollm_config.mvp.to_dict()
    assert set(saved["versions"]) == {"lmms_emotion", "transformers", "torch", "peft"}
    assert EmoLLMConfig.from_pretrained(out).mvp == model.emollm_config.mvp  # transformers reads it too
    # only the trained tensors are stored, under the model's own names; the frozen ones come from the base
    from safetensors.torch import load_file

    assert set(load_file(str(out / WEIGHTS_NAME))) == {f"base.model.multi_modal_projector.{k}"
                                                        for k in model.mvp.state_dict()}
    # the saved processor is the stock class: any tool loads it
    stock = "VideoLlavaProcessor" if kind == "video_llava" else "LlavaProcessor"
    assert json.loads((out / "processor_config.json").read_text())["processor_class"] == stock

    loaded, loaded_processor = load_emollm(out)
    loaded.eval()
    inputs = _batch(loaded_processor, media, kind == "video_llava")
    assert torch.equal(inputs["input_ids"], _batch(processor, media, kind == "video_llava")["input_ids"])
    with torch.no_grad():
        assert torch.equal(loaded(**inputs).logits, model(**inputs).logits)
        fresh = EmoLLMForConditionalGeneration.from_base(folder, MVPConfig(**SMALL)).eval()
        assert not torch.equal(fresh(**inputs).logits, model(**inputs).logits)  # the MVP weights matter
    for key, value in model.mvp.state_dict().items():
        assert torch.equal(loaded.mvp.state_dict()[key], value), key


def test_lora_adapter_round_trips(tiny_video_llava_dir, media, tmp_path):
    model = EmoLLMForConditionalGeneration.from_base(tiny_video_llava_dir, MVPConfig(**SMALL)).eval()
    processor = load_processor(tiny_video_llava_dir, model.emollm_config.mvp)
    inputs = _batch(processor, media, video_model=True)
    with torch.no_grad():
        without = model(**inputs).logits
    model.add_lora({"r": 4, "lora_alpha": 8, "init_lora_weights": False})  # random B: the adapter changes outputs
    assert model.has_lora and not model.training
    with torch.no_grad():
        with_lora = model(**inputs).logits
    assert not torch.allclose(with_lora, without)

    out = model.save_pretrained(tmp_path / "run", processor=processor)
    from safetensors.torch import load_file

    stored = set(load_file(str(out / WEIGHTS_NAME)))
    assert any("lora_A" in k for k in stored) and all("lora_" in k or "multi_modal_projector." in k for k in stored)
    saved = json.loads((out / CONFIG_NAME).read_text())
    assert saved["lora"]["r"] == 4 and saved["lora"]["lora_alpha"] == 8
    assert sorted(saved["lora"]["target_modules"]) == sorted(["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj",
                                                              "up_proj", "down_proj"])

    loaded = EmoLLMForConditionalGeneration.from_pretrained(out).eval()
    assert loaded.has_lora
    with torch.no_grad():
        assert torch.equal(loaded(**inputs).logits, with_lora)
    lora = {k: v for k, v in model.state_dict().items() if "lora_" in k}
    assert lora and all(torch.equal(loaded.state_dict()[k], v) for k, v in lora.items())
    assert not any(p.requires_grad for n, p in loaded.named_parameters() if "lora_" in n)
    trainable = EmoLLMForConditionalGeneration.from_pretrained(out, is_trainable=True)
    assert all(p.requires_grad for n, p in trainable.named_parameters() if "lora_" in n)

    # saving a model without LoRA into the same folder leaves no LoRA behind
    plain = EmoLLMForConditionalGeneration.from_base(tiny_video_llava_dir, MVPConfig(**SMALL))
    plain.save_pretrained(out)
    assert not EmoLLMForConditionalGeneration.from_pretrained(out).has_lora
    assert not any("lora_" in k for k in load_file(str(out / WEIGHTS_NAME)))


def test_a_plain_base_folder_loads_as_base_plus_fresh_mvp(tiny_llava_dir, media):
    model, processor = load_emollm(tiny_llava_dir)
    assert model.emollm_config.mvp == MVPConfig() and not model.has_lora
    assert processor.mvp_config == MVPConfig()
    inputs = processor(text=_chat(processor, "image"), images=media["images"][0], return_tensors="pt")
    assert int((inputs["input_ids"] == model.config.image_token_id).sum()) == MVPConfig().image_token_count(16)
    assert model.visual_token_count("image", 8) == MVPConfig().image_token_count(16)
    patch_only, _ = load_emollm(tiny_llava_dir, mvp_config=MVPConfig(perspectives=("patch",)))
    assert list(patch_only.mvp.perspectives) == ["patch"]


def test_an_emollm_folder_defines_its_own_mvp(tiny_llava_dir, tmp_path):
    EmoLLMForConditionalGeneration.from_base(tiny_llava_dir, MVPConfig(**SMALL)).save_pretrained(tmp_path / "run")
    with pytest.raises(ValueError, match="defines its own MVP"):
        EmoLLMForConditionalGeneration.from_pretrained(tmp_path / "run", mvp_config=MVPConfig())
    # no processor files saved: the processor comes from the base
    processor = load_processor(tmp_path / "run")
    assert processor.mvp_config == MVPConfig(**SMALL)


def test_a_moved_base_fails_clearly_and_base_points_at_the_copy(tiny_llava_dir, media, tmp_path):
    base_copy = tmp_path / "base"
    shutil.copytree(tiny_llava_dir, base_copy)
    model = EmoLLMForConditionalGeneration.from_base(base_copy, MVPConfig(**SMALL)).eval()
    _perturb(model.mvp)
    model.save_pretrained(tmp_path / "run")
    base_copy.rename(tmp_path / "moved")
    message = r"(?s)names the base model .*folder .*/base does not exist.*base=<hub id or folder>"
    with pytest.raises(EmoLLMLoadError, match=message):
        EmoLLMForConditionalGeneration.from_pretrained(tmp_path / "run")
    loaded, processor = load_emollm(tmp_path / "run", base=str(tmp_path / "moved"))
    inputs = processor(text=_chat(processor, "image"), images=media["images"][0], return_tensors="pt")
    with torch.no_grad():
        assert torch.equal(loaded.eval()(**inputs).logits, model(**inputs).logits)


def test_mvp_weights_that_do_not_match_are_named(tiny_llava_dir, tmp_path):
    from safetensors.torch import load_file, save_file

    out = EmoLLMForConditionalGeneration.from_base(tiny_llava_dir, MVPConfig(**SMALL)).save_pretrained(tmp_path / "run")
    state = load_file(str(out / WEIGHTS_NAME))
    prefix = "base.model.multi_modal_projector."
    state.pop(prefix + "perspectives.query.queries")
    save_file(state, str(out / WEIGHTS_NAME))
    with pytest.raises(EmoLLMLoadError, match=r"model.safetensors does not match .*missing: "
                                              r"base\.model\.multi_modal_projector\.perspectives\.query\.queries"):
        EmoLLMForConditionalGeneration.from_pretrained(out)
    state[prefix + "perspectives.query.queries"] = torch.zeros(3, 3)
    save_file(state, str(out / WEIGHTS_NAME))
    with pytest.raises(EmoLLMLoadError, match=r"(?s)does not match .*size mismatch for "
                                              r"base\.model\.multi_modal_projector\.perspectives\.query\.queries"):
        EmoLLMForConditionalGeneration.from_pretrained(out)
    (out / WEIGHTS_NAME).unlink()
    with pytest.raises(EmoLLMLoadError, match="model.safetensors is missing"):
        EmoLLMForConditionalGeneration.from_pretrained(out)


def test_dtype_and_device_come_from_transformers(tiny_llava_dir):
    model = EmoLLMForConditionalGeneration.from_base(tiny_llava_dir, MVPConfig(**SMALL))
    assert isinstance(model, transformers.PreTrainedModel) and model.dtype == torch.float32
    assert model.device == torch.device("cpu")
    model.to(torch.bfloat16)
    assert model.dtype == torch.bfloat16 and model.mvp.perspectives["patch"].mlp.linear_1.weight.dtype == torch.bfloat16
    model.activation_checkpointing_enable()
    assert model.base.model.language_model.layers[0].gradient_checkpointing


def test_other_architectures_are_refused(tiny_instructblip_dir):
    with pytest.raises(EmoLLMLoadError, match="'instructblip' model; EmoLLM supports llava, video_llava"):
        EmoLLMForConditionalGeneration.from_base(tiny_instructblip_dir)


# --- training helpers -------------------------------------------------------------------------------


def test_a_training_step_moves_only_the_mvp_and_lora(tiny_video_llava_dir, media):
    model = EmoLLMForConditionalGeneration.from_base(tiny_video_llava_dir, MVPConfig(**SMALL))
    model.add_lora({"r": 4, "lora_alpha": 8})
    model.set_trainable(mvp=True, lora=True)
    trainable = model.trainable_parameters()
    mvp_names = {f"base.model.multi_modal_projector.{n}" for n, _ in model.mvp.named_parameters()}
    assert mvp_names <= set(trainable)
    assert all(name in mvp_names or "lora_" in name for name in trainable)
    assert any("lora_" in name for name in trainable)

    processor = load_processor(tiny_video_llava_dir, model.emollm_config.mvp)
    prompt = _chat(processor, "video")
    inputs = processor(text=[prompt + " joy</s>"], videos=[media["video"]], return_tensors="pt",
                       return_legacy_image_output=False)
    labels = inputs["input_ids"].clone()
    labels[:, : processor(text=[prompt], videos=[media["video"]], return_tensors="pt")["input_ids"].shape[1]] = -100
    before = {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.train()
    loss = model(**inputs, labels=labels).loss
    loss.backward()
    torch.optim.SGD(trainable.values(), lr=0.5).step()
    after = model.state_dict()
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    assert changed and all(k.startswith("base.model.multi_modal_projector.") or "lora_" in k for k in changed)
    assert any(k.startswith("base.model.multi_modal_projector.perspectives.temporal") for k in changed)

    model.set_trainable(mvp=False, lora=False, vision=True)
    assert set(model.trainable_parameters()) == {n for n, _ in model.named_parameters() if "_tower." in n}


# --- folders written by earlier lmms-emotion versions ----------------------------------------------


def write_legacy_emollm_folder(model: EmoLLMForConditionalGeneration, folder, processor=None):
    """An EmoLLM folder in the first layout (lmms-emotion before the PreTrainedModel port), written as that code did.

    ``emollm_config.json`` (format "emollm", version 1), ``mvp.safetensors`` (the MVP's own keys)
    and ``adapter/`` (a peft adapter folder) when the model has LoRA.
    """
    from dataclasses import asdict

    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().contiguous() for k, v in model.mvp.state_dict().items()},
              str(folder / "mvp.safetensors"), metadata={"format": "pt"})
    lora = None
    if model.has_lora:
        model.language_model.save_pretrained(str(folder / "adapter"))
        peft_config = model.language_model.peft_config["default"]
        lora = {"peft_type": "LORA", "r": peft_config.r, "lora_alpha": peft_config.lora_alpha,
                "lora_dropout": peft_config.lora_dropout, "target_modules": sorted(peft_config.target_modules),
                "bias": peft_config.bias, "use_dora": False, "use_rslora": False, "modules_to_save": None}
    if processor is not None:
        processor.save_pretrained(str(folder))
    config = model.emollm_config
    legacy = {"format": "emollm", "format_version": 1, "base": config.base, "base_class": config.base_class,
              "mvp": config.mvp.to_dict(), "projector": asdict(config.projector), "lora": lora,
              "adapter": "adapter" if lora else None,
              "versions": {"lmms_emotion": "0.1.0", "transformers": "5.0.0", "torch": "2.9.0", "peft": "0.17.0"}}
    (folder / "emollm_config.json").write_text(json.dumps(legacy, indent=2, sort_keys=True) + "\n")
    return folder


def test_a_folder_in_the_first_layout_still_loads(tiny_video_llava_dir, media, tmp_path):
    model = EmoLLMForConditionalGeneration.from_base(tiny_video_llava_dir, MVPConfig(**SMALL)).eval()
    _perturb(model.mvp)
    model.add_lora({"r": 4, "lora_alpha": 8, "init_lora_weights": False})
    processor = load_processor(tiny_video_llava_dir, model.emollm_config.mvp)
    folder = write_legacy_emollm_folder(model, tmp_path / "old", processor)
    inputs = _batch(processor, media, video_model=True)

    loaded, loaded_processor = load_emollm(folder)
    assert loaded.has_lora and loaded.emollm_config.mvp == model.emollm_config.mvp
    assert torch.equal(loaded_processor(text=[_chat(processor, "video")], videos=[media["video"]],
                                        return_tensors="pt")["input_ids"],
                       processor(text=[_chat(processor, "video")], videos=[media["video"]],
                                 return_tensors="pt")["input_ids"])
    with torch.no_grad():
        assert torch.equal(loaded.eval()(**inputs).logits, model(**inputs).logits)
    # and saving it again writes the current layout, which loads to the same model
    again = loaded.save_pretrained(tmp_path / "new")
    with torch.no_grad():
        assert torch.equal(EmoLLMForConditionalGeneration.from_pretrained(again).eval()(**inputs).logits,
                           model(**inputs).logits)
