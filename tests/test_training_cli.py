"""``lmms-emotion train``: options from the recipe dataclasses, published defaults, YAML configs, argument checks."""

from __future__ import annotations

import argparse

import pytest

from lmms_emotion.training.args import (
    RECIPES,
    EmoLLMConfig,
    EmoVITConfig,
    add_arguments,
    config_from_args,
)


def _parse(recipe: str, argv: list[str]):
    parser = argparse.ArgumentParser()
    add_arguments(parser, RECIPES[recipe])
    return config_from_args(RECIPES[recipe], parser.parse_args(argv))


def test_emovit_defaults_are_emovits_published_settings():
    """EmoVIT 2025 FT.yaml (reference section 4); tests override LR, steps and warm-up, never these defaults."""
    config = EmoVITConfig()
    assert config.base == "Salesforce/instructblip-vicuna-7b"
    assert (config.learning_rate, config.min_lr, config.warmup_steps) == (1e-5, 1e-8, 30000)
    assert (config.weight_decay, config.num_train_epochs, config.per_device_train_batch_size) == (0.005, 4.0, 1)
    assert (config.gradient_accumulation_steps, config.seed, config.max_grad_norm) == (1, 42, 0.0)
    assert (config.adam_beta1, config.adam_beta2, config.lr_scheduler_type) == (0.9, 0.999, "cosine_with_min_lr")
    assert (config.max_txt_len, config.max_output_txt_len) == (128, 256)
    assert config.normalise_instruction and config.augment and config.precision == "auto"


def test_emollm_defaults_are_llava_15_lora_settings():
    config = EmoLLMConfig()
    assert config.base == "llava-hf/llava-1.5-7b-hf"
    assert (config.learning_rate, config.mvp_learning_rate, config.warmup_steps) == (2e-4, 2e-5, 0.03)
    assert (config.lora_r, config.lora_alpha, config.lora_dropout) == (128, 256, 0.05)
    assert (config.num_train_epochs, config.weight_decay, config.model_max_length) == (1.0, 0.0, 2048)
    assert config.lr_scheduler_type == "cosine" and config.gradient_checkpointing and config.lora


def test_options_map_onto_the_config():
    config = _parse("emovit", ["--output-dir", "o", "--data", "a.jsonl", "--data", "b.json", "--lr", "3e-3",
                               "--batch-size", "8", "--max-steps", "300", "--no-augment", "--report-to",
                               "tensorboard", "--eval-tasks", "emovit_emoset,emovit_fi", "--eval-tasks", "x"])
    assert config.data == ["a.jsonl", "b.json"] and config.learning_rate == 3e-3
    assert config.per_device_train_batch_size == 8 and config.max_steps == 300 and config.augment is False
    assert config.report_to == ["tensorboard"] and config.eval_task_list() == ["emovit_emoset", "emovit_fi", "x"]
    assert config.warmup_steps == 30000  # untouched defaults stay
    emollm = _parse("emollm", ["--output-dir", "o", "--dataset", "emobench", "--no-lora", "--rationales", "r.jsonl"])
    assert emollm.lora is False and emollm.rationales == ["r.jsonl"] and emollm.dataset == ["emobench"]


def test_yaml_config_then_explicit_options(tmp_path):
    file = tmp_path / "run.yaml"
    file.write_text("output_dir: runs/x\nlearning-rate: 0.002\ndata: [a.jsonl]\nmax_steps: 50\n")
    config = _parse("emovit", ["--config", str(file), "--max-steps", "70"])
    assert (config.output_dir, config.learning_rate, config.data, config.max_steps) == ("runs/x", 0.002,
                                                                                         ["a.jsonl"], 70)
    file.write_text("learning_rat: 1\n")
    with pytest.raises(ValueError, match="unknown option.*learning_rat"):
        _parse("emovit", ["--config", str(file)])


@pytest.mark.parametrize("argv, message", [
    (["--data", "a.jsonl"], "--output-dir is required"),
    (["--output-dir", "o"], "no training data"),
    (["--output-dir", "o", "--data", "a", "--resume", "--overwrite"], "contradict"),
    (["--output-dir", "o", "--data", "a", "--batch-size", "0"], "--per-device-train-batch-size must be >= 1"),
])
def test_bad_arguments_exit_2_with_the_reason(argv, message, capsys):
    from lmms_emotion.cli import main

    assert main(["train", "emovit", *argv]) == 2
    assert message in capsys.readouterr().err


def test_help_lists_recipes_and_defaults(capsys):
    from lmms_emotion.cli import main

    with pytest.raises(SystemExit):
        main(["train", "--help"])
    assert "emovit" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["train", "emovit", "--help"])
    text = capsys.readouterr().out
    assert "--learning-rate" in text and "1e-05" in text and "30000" in text and "--resume" in text
