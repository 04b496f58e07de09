"""`lmms-emotion convert emovit`: LAVIS-layout checkpoints -> transformers delta / full model, strictly."""

from __future__ import annotations

import hashlib
import json
import re
import sys
import types

import pytest
import torch

from lmms_emotion.cli import main as cli
from lmms_emotion.models.convert_emovit import (
    DELTA_INFO,
    DELTA_WEIGHTS,
    ConversionError,
    PickleRefusedError,
    convert_checkpoint,
    lavis_to_hf_key,
)

# --- a LAVIS-layout checkpoint for the tiny model, written from the reference table ---------------


def hf_to_lavis(key: str) -> str:
    """The reverse of the reference mapping (emovit.md section 2), written independently of the converter."""
    if key.startswith("vision_model.post_layernorm."):
        return "ln_vision." + key.rsplit(".", 1)[1]
    if key.startswith("language_projection."):
        return "llm_proj." + key.rsplit(".", 1)[1]
    if key == "query_tokens":
        return key
    if key.startswith("qformer.embeddings.layernorm."):
        return "Qformer.bert.embeddings.LayerNorm." + key.rsplit(".", 1)[1]
    if key.startswith("qformer."):
        rest = key[len("qformer."):]
        rest = re.sub(r"\.(attention|crossattention)\.attention\.", r".\1.self.", rest)
        return "Qformer.bert." + rest
    if key.startswith("language_model."):
        return "llm_model." + key[len("language_model."):]
    raise KeyError(key)


DELTA_PREFIXES = ("qformer.", "query_tokens", "language_projection.", "vision_model.post_layernorm.")


@pytest.fixture(scope="module")
def base_state(tiny_instructblip_dir) -> dict[str, torch.Tensor]:
    from transformers import InstructBlipForConditionalGeneration

    model = InstructBlipForConditionalGeneration.from_pretrained(str(tiny_instructblip_dir))
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def lavis_state_dict(base_state: dict[str, torch.Tensor], seed: int = 7) -> dict[str, torch.Tensor]:
    """What EmoVIT's LAVIS model would hold: trained modules changed, frozen ones as in the base."""
    generator = torch.Generator().manual_seed(seed)
    state: dict[str, torch.Tensor] = {}
    for key, value in base_state.items():
        if key.startswith(DELTA_PREFIXES):
            state[hf_to_lavis(key)] = value + 0.5 * torch.randn(value.shape, generator=generator)
    # frozen parts travel in a whole LAVIS module too; a few of them in LAVIS names
    state["visual_encoder.cls_token"] = base_state["vision_model.embeddings.class_embedding"].clone()
    state["visual_encoder.blocks.0.attn.q_bias"] = torch.zeros(32)
    state["visual_encoder.blocks.0.attn.v_bias"] = torch.zeros(32)
    state["visual_encoder.blocks.0.mlp.fc1.weight"] = base_state["vision_model.encoder.layers.0.mlp.fc1.weight"].clone()
    for key in ("language_model.model.embed_tokens.weight", "language_model.lm_head.weight"):
        state[hf_to_lavis(key)] = base_state[key].clone()
    # LAVIS's own BERT keeps a persistent position-id buffer
    state["Qformer.bert.embeddings.position_ids"] = torch.arange(128).expand(1, -1)
    return state


def expected_delta(lavis: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {lavis_to_hf_key(k): v for k, v in lavis.items()
            if k.startswith(("ln_vision", "query_tokens", "llm_proj", "Qformer")) and not k.endswith("position_ids")}


def test_reference_key_examples():
    """Spot checks straight from the reference table."""
    assert lavis_to_hf_key("ln_vision.weight") == "vision_model.post_layernorm.weight"
    assert lavis_to_hf_key("Qformer.bert.embeddings.LayerNorm.bias") == "qformer.embeddings.layernorm.bias"
    assert (lavis_to_hf_key("Qformer.bert.encoder.layer.10.crossattention.self.value.weight")
            == "qformer.encoder.layer.10.crossattention.attention.value.weight")
    assert (lavis_to_hf_key("Qformer.bert.encoder.layer.3.attention.output.LayerNorm.weight")
            == "qformer.encoder.layer.3.attention.output.LayerNorm.weight")
    assert lavis_to_hf_key("llm_proj.bias") == "language_projection.bias"
    assert lavis_to_hf_key("query_tokens") == "query_tokens"
    assert lavis_to_hf_key("visual_encoder.pos_embed") == "vision_model.embeddings.position_embedding"
    assert lavis_to_hf_key("visual_encoder.blocks.5.attn.proj.weight") == \
        "vision_model.encoder.layers.5.self_attn.projection.weight"
    assert lavis_to_hf_key("llm_model.model.layers.0.mlp.up_proj.weight") == \
        "language_model.model.layers.0.mlp.up_proj.weight"


# --- state dicts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["state_dict", "runner_checkpoint"])
def test_state_dict_converts_and_loads_with_no_missing_or_unexpected_keys(
        tiny_instructblip_dir, base_state, tmp_path, capsys, layout):
    from lmms_emotion.models.emovit import EmoVIT

    lavis = lavis_state_dict(base_state)
    checkpoint = tmp_path / "model_weights1.pth"
    torch.save(lavis if layout == "state_dict" else {"model": lavis, "epoch": 3, "optimizer": {"lr": 1e-5}},
               checkpoint)
    out = tmp_path / "converted"
    assert cli(["convert", "emovit", "--checkpoint", str(checkpoint), "--out", str(out),
                "--base", str(tiny_instructblip_dir)]) == 0
    assert "use: lmms-emotion eval --model emovit" in capsys.readouterr().out

    info = json.loads((out / DELTA_INFO).read_text())
    wanted = expected_delta(lavis)
    assert info["counts"]["delta_tensors"] == len(wanted) == len(info["delta_keys"])
    assert info["source"]["sha256"] == hashlib.sha256(checkpoint.read_bytes()).hexdigest()
    assert info["counts"]["frozen_tensors_skipped"] == {"frozen vision encoder (EVA ViT-g)": 4,
                                                        "frozen language model (Vicuna)": 2}
    assert list(info["counts"]["ignored"]) == ["Qformer.bert.embeddings.position_ids"]
    card = (out / "README.md").read_text()
    assert info["source"]["sha256"] in card and "model_weights1.pth" in card
    for text in (card, (out / DELTA_INFO).read_text()):
        assert str(tmp_path) not in text, "no absolute user paths in the outputs"

    model = EmoVIT(pretrained=str(tiny_instructblip_dir), emovit_weights=str(out), device="cpu")
    assert model.delta_report == {"applied": len(wanted), "missing": 0, "unexpected": 0}
    state = model.model.state_dict()
    for key, value in wanted.items():
        torch.testing.assert_close(state[key], value)
    frozen_key = "language_model.model.layers.0.self_attn.q_proj.weight"
    torch.testing.assert_close(state[frozen_key], base_state[frozen_key])


def test_delta_changes_the_model_output(tiny_instructblip_dir, base_state, tmp_path):
    from PIL import Image

    from lmms_emotion.models.emovit import EmoVIT
    from lmms_emotion.models.hf_base import Sample, Visual

    checkpoint = tmp_path / "ckpt.pth"
    torch.save(lavis_state_dict(base_state), checkpoint)
    convert_checkpoint(checkpoint, tmp_path / "delta", base=tiny_instructblip_dir)
    sample = [Sample("Which emotion does this image evoke?", [Visual("image", [Image.new("RGB", (32, 32), "red")])])]
    base = EmoVIT(pretrained=str(tiny_instructblip_dir), device="cpu").prompt_logits(sample)[0]
    tuned = EmoVIT(pretrained=str(tiny_instructblip_dir), emovit_weights=str(tmp_path / "delta"),
                   device="cpu").prompt_logits(sample)[0]
    assert (base - tuned).abs().max() > 1e-3


def test_wrong_shape_fails_naming_the_key(tiny_instructblip_dir, base_state, tmp_path, capsys):
    lavis = lavis_state_dict(base_state)
    lavis["llm_proj.weight"] = torch.zeros(65, 32)
    checkpoint = tmp_path / "bad_shape.pth"
    torch.save(lavis, checkpoint)
    assert cli(["convert", "emovit", "--checkpoint", str(checkpoint), "--out", str(tmp_path / "out"),
                "--base", str(tiny_instructblip_dir)]) == 2
    err = capsys.readouterr().err
    assert "shape mismatch for 'language_projection.weight'" in err and "(65, 32)" in err and "(64, 32)" in err
    assert not (tmp_path / "out" / DELTA_WEIGHTS).exists()


@pytest.mark.parametrize("key, named", [
    ("text_proj.weight", "unknown key 'text_proj.weight'"),
    ("Qformer.bert.encoder.layer.7.attention.self.query.weight", "'qformer.encoder.layer.7.attention.attention.query.weight'"),
])
def test_unknown_key_fails_naming_the_key(tiny_instructblip_dir, base_state, tmp_path, key, named):
    lavis = lavis_state_dict(base_state)
    lavis[key] = torch.zeros(32, 32)
    checkpoint = tmp_path / "extra_key.pth"
    torch.save(lavis, checkpoint)
    with pytest.raises(ConversionError) as info:
        convert_checkpoint(checkpoint, tmp_path / "out", base=tiny_instructblip_dir)
    assert named in str(info.value)


def test_missing_trained_key_fails_naming_the_key(tiny_instructblip_dir, base_state, tmp_path):
    lavis = lavis_state_dict(base_state)
    del lavis["Qformer.bert.encoder.layer.1.output_query.dense.bias"]
    checkpoint = tmp_path / "missing.pth"
    torch.save(lavis, checkpoint)
    with pytest.raises(ConversionError, match=r"missing from the delta: 'qformer\.encoder\.layer\.1\.output_query\.dense\.bias'"):
        convert_checkpoint(checkpoint, tmp_path / "out", base=tiny_instructblip_dir)


def test_wrapper_refuses_a_tampered_delta(tiny_instructblip_dir, base_state, tmp_path):
    from safetensors.torch import load_file, save_file

    from lmms_emotion.models.emovit import EmoVIT

    checkpoint = tmp_path / "ckpt.pth"
    torch.save(lavis_state_dict(base_state), checkpoint)
    convert_checkpoint(checkpoint, tmp_path / "delta", base=tiny_instructblip_dir)
    tensors = load_file(str(tmp_path / "delta" / DELTA_WEIGHTS))
    tensors["qformer.encoder.layer.9.intermediate.dense.bias"] = torch.zeros(64)
    save_file(tensors, str(tmp_path / "tampered.safetensors"))
    with pytest.raises(ConversionError, match=r"'qformer\.encoder\.layer\.9\.intermediate\.dense\.bias'"):
        EmoVIT(pretrained=str(tiny_instructblip_dir), emovit_weights=str(tmp_path / "tampered.safetensors"), device="cpu")
    with pytest.raises(ConversionError, match="no emovit_delta.safetensors"):
        EmoVIT(pretrained=str(tiny_instructblip_dir), emovit_weights=str(tmp_path), device="cpu")


def test_full_model_output_loads_as_pretrained(tiny_instructblip_dir, base_state, tmp_path):
    from transformers import InstructBlipForConditionalGeneration

    from lmms_emotion.models.emovit import EmoVIT

    lavis = lavis_state_dict(base_state)
    checkpoint = tmp_path / "ckpt.pth"
    torch.save(lavis, checkpoint)
    out = tmp_path / "full"
    assert cli(["convert", "emovit", "--checkpoint", str(checkpoint), "--out", str(out), "--full",
                "--base", str(tiny_instructblip_dir)]) == 0
    assert (out / "README.md").is_file() and (out / "emovit_conversion.json").is_file()
    state = InstructBlipForConditionalGeneration.from_pretrained(str(out)).state_dict()
    for key, value in expected_delta(lavis).items():
        torch.testing.assert_close(state[key], value)
    assert EmoVIT(pretrained=str(out), device="cpu").delta_report is None


# --- pickled whole modules ------------------------------------------------------------------------

CANARY_FILE = "unpickling_ran_code.txt"


def _fake_lavis_modules() -> dict[str, types.ModuleType]:
    """Modules named like LAVIS's, with a Blip2VicunaInstruct-shaped class and a code-running canary."""
    package = types.ModuleType("lavis")
    models = types.ModuleType("lavis.models")
    blip2 = types.ModuleType("lavis.models.blip2_models")
    module = types.ModuleType("lavis.models.blip2_models.blip2_vicuna_instruct")

    class Blip2VicunaInstruct(torch.nn.Module):
        pass

    class BertModel(torch.nn.Module):
        pass

    class Canary:
        """Writes a file when unpickled: proves whether the loader ran the file's code."""

        def __init__(self, folder: str) -> None:
            self.folder = folder

        def __setstate__(self, state: dict) -> None:
            with open(f"{state['folder']}/{CANARY_FILE}", "w") as handle:
                handle.write("ran")
            self.__dict__.update(state)

    for cls in (Blip2VicunaInstruct, BertModel, Canary):
        cls.__module__ = module.__name__
        cls.__qualname__ = cls.__name__
        setattr(module, cls.__name__, cls)
    return {"lavis": package, "lavis.models": models, "lavis.models.blip2_models": blip2, module.__name__: module}


def _pickled_module(lavis: dict[str, torch.Tensor], path, canary_folder) -> None:
    """torch.save a whole module tree holding `lavis` as parameters/buffers, as EmoVIT's runner does."""
    fakes = _fake_lavis_modules()
    sys.modules.update(fakes)
    try:
        module = fakes["lavis.models.blip2_models.blip2_vicuna_instruct"]
        root = module.Blip2VicunaInstruct()
        for key, value in lavis.items():
            owner = root
            *parents, leaf = key.split(".")
            for depth, name in enumerate(parents):
                if name not in owner._modules:
                    child = module.BertModel() if (depth, name) == (1, "bert") else torch.nn.Module()
                    owner.add_module(name, child)
                owner = owner._modules[name]
            if leaf == "position_ids":
                owner.register_buffer(leaf, value)
            else:
                owner.register_parameter(leaf, torch.nn.Parameter(value, requires_grad=False))
        root.register_buffer("scratch", torch.zeros(1), persistent=False)  # non-persistent: not collected
        root.tokenizer_state = module.Canary(str(canary_folder))
        root.prompt = "</s>"
        torch.save(root.half(), path)
    finally:
        for name in fakes:
            sys.modules.pop(name, None)


def test_pickle_is_refused_without_allow_pickle(tiny_instructblip_dir, base_state, tmp_path, capsys):
    checkpoint = tmp_path / "emovit_whole_module.pth"
    _pickled_module(lavis_state_dict(base_state), checkpoint, tmp_path)
    assert cli(["convert", "emovit", "--checkpoint", str(checkpoint), "--out", str(tmp_path / "out"),
                "--base", str(tiny_instructblip_dir)]) == 2
    err = capsys.readouterr().err
    assert "pickled Python object" in err and "--allow-pickle" in err
    assert "lavis.models.blip2_models.blip2_vicuna_instruct.Blip2VicunaInstruct" in err
    assert not (tmp_path / "out").exists() and not (tmp_path / CANARY_FILE).exists()
    with pytest.raises(PickleRefusedError):
        convert_checkpoint(checkpoint, tmp_path / "out", base=tiny_instructblip_dir)


def test_pickled_module_converts_with_allow_pickle_without_lavis_or_its_code(
        tiny_instructblip_dir, base_state, tmp_path):
    from lmms_emotion.models.emovit import EmoVIT

    lavis = lavis_state_dict(base_state)
    checkpoint = tmp_path / "emovit_whole_module.pth"
    _pickled_module(lavis, checkpoint, tmp_path)
    assert "lavis" not in sys.modules
    out = tmp_path / "converted"
    assert cli(["convert", "emovit", "--checkpoint", str(checkpoint), "--out", str(out), "--allow-pickle",
                "--base", str(tiny_instructblip_dir)]) == 0
    assert not (tmp_path / CANARY_FILE).exists(), "the restricted unpickler must not run the file's classes"
    assert "lavis" not in sys.modules
    info = json.loads((out / DELTA_INFO).read_text())
    assert info["source"]["format"] == "pickled_module"
    assert info["source"]["root_class"] == "lavis.models.blip2_models.blip2_vicuna_instruct.Blip2VicunaInstruct"
    assert info["dtypes"] == ["float16"]
    model = EmoVIT(pretrained=str(tiny_instructblip_dir), emovit_weights=str(out), device="cpu")
    assert model.delta_report["missing"] == 0 and model.delta_report["unexpected"] == 0
    state = model.model.state_dict()
    for key, value in expected_delta(lavis).items():
        torch.testing.assert_close(state[key], value.half().float())


def test_plain_pickle_would_have_run_the_canary(base_state, tmp_path):
    """Control for the test above: the canary does run under an unrestricted load."""
    checkpoint = tmp_path / "whole.pth"
    _pickled_module({"query_tokens": torch.zeros(1, 4, 32)}, checkpoint, tmp_path)
    sys.modules.update(_fake_lavis_modules())
    try:
        torch.load(str(checkpoint), weights_only=False)
    finally:
        for name in list(sys.modules):
            if name == "lavis" or name.startswith("lavis."):
                sys.modules.pop(name)
    assert (tmp_path / CANARY_FILE).read_text() == "ran"


class _RunsCommand:
    """Unpickling this would run a shell command (it writes ``marker``)."""

    def __init__(self, marker) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        import os

        return (os.system, (f"touch {self.marker}",))


class _BadTensorRebuild:
    """Calls an allowed torch rebuild function with arguments it rejects (a TypeError inside torch)."""

    def __reduce__(self):
        return (torch._utils._rebuild_tensor_v2, ("not a storage",))


@pytest.mark.parametrize("kind", ["runs_command", "bad_rebuild", "raw_pickle", "garbage"])
def test_hostile_checkpoints_fail_cleanly_with_allow_pickle(tmp_path, capsys, kind):
    import pickle

    marker = tmp_path / "ran"
    checkpoint = tmp_path / "evil.pth"
    if kind == "runs_command":
        torch.save(_RunsCommand(marker), checkpoint)
    elif kind == "bad_rebuild":
        torch.save(_BadTensorRebuild(), checkpoint)
    elif kind == "raw_pickle":  # not a torch zip file at all
        checkpoint.write_bytes(pickle.dumps(_RunsCommand(marker)))
    else:
        checkpoint.write_bytes(b"\x80\x04garbage" * 10)
    status = cli(["convert", "emovit", "--checkpoint", str(checkpoint), "--out", str(tmp_path / "out"),
                  "--allow-pickle", "--base", str(tmp_path / "no_base_needed")])
    err = capsys.readouterr().err
    assert status == 2, err
    assert err.startswith("convert emovit failed: ") and "Traceback" not in err
    assert "evil.pth" in err or "none of the modules EmoVIT trains" in err  # (the command stub holds no tensors)
    assert not marker.exists()  # nothing in the file ran
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
