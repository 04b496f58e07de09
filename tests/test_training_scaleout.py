"""Scale-out: a real two-process DDP run (CPU, gloo) equals one process with the doubled batch; shipped configs."""

from __future__ import annotations

import json
import subprocess

import pytest
import torch

from tests.fixtures_data import BIN, cli_env
from tests.fixtures_training import train_env


@pytest.mark.e2e
def test_two_process_ddp_equals_one_process_with_the_global_batch(tiny_instructblip32_dir, colour_emoset_root,
                                                                  tmp_path):
    """torchrun x2 (batch 4 each) and one process (batch 8) see the same examples per step: same weights."""
    from safetensors.torch import load_file

    args = ["train", "emovit", "--base", str(tiny_instructblip32_dir), "--dataset", "emoset:train",
            "--data-root", str(colour_emoset_root), "--max-steps", "6", "--lr", "1e-3", "--warmup-steps", "0",
            "--save-steps", "3", "--disable-tqdm"]
    env = cli_env(colour_emoset_root, **train_env())
    ddp = subprocess.run([str(BIN / "torchrun"), "--nproc_per_node", "2", "-m", "lmms_emotion.cli", *args,
                          "--batch-size", "4", "--output-dir", str(tmp_path / "ddp")],
                         env={**env, "ACCELERATE_USE_CPU": "1"}, capture_output=True, text=True, timeout=600)
    assert ddp.returncode == 0, ddp.stderr[-3000:]
    single = subprocess.run([str(BIN / "lmms-emotion"), *args, "--batch-size", "8", "--output-dir",
                             str(tmp_path / "single")], env=env, capture_output=True, text=True, timeout=600)
    assert single.returncode == 0, single.stderr[-3000:]

    state = json.loads((tmp_path / "ddp" / "trainer_state.json").read_text())
    assert state["global_step"] == 6 and state["epoch"] == pytest.approx(6 * 8 / 64)  # 2 x 4 examples per step
    assert (tmp_path / "ddp" / "checkpoint-6" / "rng_state_1.pth").is_file()  # both ranks saved their RNG
    assert ddp.stderr.count("final model written") == 1  # rank 0 alone writes and logs
    delta_ddp = load_file(str(tmp_path / "ddp" / "emovit_delta" / "emovit_delta.safetensors"))
    delta_single = load_file(str(tmp_path / "single" / "emovit_delta" / "emovit_delta.safetensors"))
    base = load_file(str(tiny_instructblip32_dir / "model.safetensors"))
    moved = max((delta_single[k] - base[k]).abs().max().item() for k in delta_single)
    gap = max((delta_ddp[k] - delta_single[k]).abs().max().item() for k in delta_single)
    print(f"\nDDP x2 vs one process: largest difference {gap:.1e}, largest weight change {moved:.1e}")
    assert moved > 1e-3 and gap < 1e-5


def test_shipped_accelerate_configs_load():
    from accelerate.commands.config.config_args import load_config_from_file
    from accelerate.utils import DistributedType

    from lmms_emotion.training import configs_dir

    expected = {"single_gpu": DistributedType.NO, "ddp": DistributedType.MULTI_GPU, "fsdp": DistributedType.FSDP,
                "deepspeed_zero2": DistributedType.DEEPSPEED, "deepspeed_zero3": DistributedType.DEEPSPEED}
    for name, kind in expected.items():
        config = load_config_from_file(str(configs_dir() / f"{name}.yaml"))
        assert config.distributed_type == kind, name
        assert config.mixed_precision == "no"  # precision comes from --precision
    assert load_config_from_file(str(configs_dir() / "fsdp.yaml")).fsdp_config["fsdp_use_orig_params"] is True
    assert load_config_from_file(str(configs_dir() / "deepspeed_zero3.yaml")).deepspeed_config["zero_stage"] == 3
    for stage in (2, 3):
        ds = json.loads((configs_dir() / f"zero{stage}.json").read_text())
        assert ds["zero_optimization"]["stage"] == stage
        for key in ("train_micro_batch_size_per_gpu", "gradient_accumulation_steps", "gradient_clipping"):
            assert ds[key] == "auto"  # transformers fills them from the recipe's arguments
    assert json.loads((configs_dir() / "zero3.json").read_text())["zero_optimization"][
        "stage3_gather_16bit_weights_on_model_save"] is True


def test_deepspeed_option_resolves_shipped_configs(tmp_path):
    from importlib.util import find_spec

    from lmms_emotion.training import configs_dir
    from lmms_emotion.training.args import resolve_deepspeed

    assert resolve_deepspeed(None) is None
    with pytest.raises(ValueError, match="no such file"):
        resolve_deepspeed("zero9")
    if find_spec("deepspeed") is None:
        with pytest.raises(ValueError, match="pip install deepspeed"):
            resolve_deepspeed("zero2")
    else:
        assert resolve_deepspeed("zero3") == str(configs_dir() / "zero3.json")
        custom = tmp_path / "ds.json"
        custom.write_text("{}")
        assert resolve_deepspeed(str(custom)) == str(custom)


@pytest.mark.parametrize("cuda, bf16_capable, expected", [
    (False, False, "fp32"), (True, True, "bf16"), (True, False, "fp16")])
def test_auto_precision_follows_the_device(monkeypatch, cuda, bf16_capable, expected):
    """A fixed table per (fake) device: the GPU case is checked on CPU machines too."""
    from lmms_emotion.training.args import resolve_precision

    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: bf16_capable)
    assert resolve_precision("auto") == expected
    assert resolve_precision("fp16") == "fp16"  # explicit choices are kept


def test_precision_reaches_the_trainer_and_frozen_dtype_rules():
    from lmms_emotion.training.args import EmoVITTrainingArguments
    from lmms_emotion.training.trainer_run import TrainingSetupError, frozen_dtype, frozen_dtype_for

    table = {("bf16", "auto"): torch.bfloat16, ("fp16", "auto"): torch.float16, ("fp32", "auto"): torch.float32,
             ("bf16", "float32"): torch.float32, ("fp16", "bfloat16"): torch.bfloat16}
    for (precision, choice), dtype in table.items():
        assert frozen_dtype_for(precision, choice) == dtype, (precision, choice)
    with pytest.raises(TrainingSetupError, match="needs mixed precision"):
        frozen_dtype_for("fp32", "bfloat16")
    args = EmoVITTrainingArguments(output_dir="o", precision="fp32")
    assert (args.bf16, args.fp16, frozen_dtype(args)) == (False, False, torch.float32)
