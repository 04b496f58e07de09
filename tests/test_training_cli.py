"""``lmms-emotion train``: HfArgumentParser over the recipe dataclasses, published defaults, config files, checks."""

from __future__ import annotations

import pytest

from lmms_emotion.training.args import (
    EmoLLMRecipeArguments,
    EmoLLMTrainingArguments,
    EmoVITRecipeArguments,
    EmoVITTrainingArguments,
    parse_recipe_arguments,
)


def test_emovit_defaults_are_emovits_published_settings():
    """EmoVIT 2025 FT.yaml (reference section 4); tests override LR, steps and warm-up, never these defaults."""
    recipe = EmoVITRecipeArguments()
    config = EmoVITTrainingArguments(output_dir="o")
    assert recipe.base == "Salesforce/instructblip-vicuna-7b"
    assert (config.learning_rate, config.lr_scheduler_kwargs, config.warmup_steps) == (1e-5, {"min_lr": 1e-8}, 30000)
    assert (config.weight_decay, config.num_train_epochs, config.per_device_train_batch_size) == (0.005, 4.0, 1)
    assert (config.gradient_accumulation_steps, config.seed, config.max_grad_norm) == (1, 42, 0.0)
    assert (config.adam_beta1, config.adam_beta2, config.lr_scheduler_type) == (0.9, 0.999, "cosine_with_min_lr")
    assert (recipe.max_txt_len, recipe.max_output_txt_len) == (128, 256)
    assert recipe.normalise_instruction and recipe.augment and config.precision == "auto"


def test_emollm_defaults_are_llava_15_lora_settings():
    recipe = EmoLLMRecipeArguments()
    config = EmoLLMTrainingArguments(output_dir="o")
    assert recipe.base == "llava-hf/llava-1.5-7b-hf"
    assert (config.learning_rate, config.mvp_learning_rate, config.warmup_steps) == (2e-4, 2e-5, 0.03)
    assert (recipe.lora_r, recipe.lora_alpha, recipe.lora_dropout) == (128, 256, 0.05)
    assert (config.num_train_epochs, config.weight_decay, recipe.model_max_length) == (1.0, 0.0, 2048)
    assert config.lr_scheduler_type == "cosine" and config.activation_checkpointing and recipe.lora
    assert config.activation_checkpointing_kwargs == {"use_reentrant": False}


def test_options_map_onto_the_arguments():
    recipe, config = parse_recipe_arguments("emovit", [
        "--output-dir", "o", "--data", "a.jsonl", "--data", "b.json", "--lr", "3e-3", "--batch-size", "8",
        "--max-steps", "300", "--no-augment", "--report-to", "tensorboard", "--eval-tasks", "emovit_emoset,emovit_fi",
        "--eval-tasks", "x", "--optim", "adafactor"])
    assert recipe.data == ["a.jsonl", "b.json"] and config.learning_rate == 3e-3
    assert config.per_device_train_batch_size == 8 and config.max_steps == 300 and recipe.augment is False
    assert config.report_to == ["tensorboard"] and recipe.eval_task_list() == ["emovit_emoset", "emovit_fi", "x"]
    assert config.warmup_steps == 30000 and config.optim == "adafactor"  # defaults stay; any Trainer option passes
    emollm, emollm_args = parse_recipe_arguments("emollm", ["--output-dir", "o", "--dataset", "emobench", "--no-lora",
                                                            "--rationales", "r.jsonl", "--no-gradient-checkpointing"])
    assert emollm.lora is False and emollm.rationales == ["r.jsonl"] and emollm.dataset == ["emobench"]
    assert emollm_args.activation_checkpointing is False and emollm_args.report_to == []
    # every switch takes --X and --no-X, as before the port to HfArgumentParser
    recipe, config = parse_recipe_arguments("emovit", ["--output-dir", "o", "--data", "a", "--resume", "--no-resume",
                                                       "--gradient-checkpointing", "--no-verify-media",
                                                       "--full-determinism", "--disable-tqdm"])
    assert (recipe.resume, recipe.verify_media, config.activation_checkpointing) == (False, False, True)
    assert config.full_determinism and config.disable_tqdm


@pytest.mark.parametrize("suffix, text", [
    (".yaml", "output_dir: runs/x\nlearning-rate: 0.002\ndata: [a.jsonl]\nmax_steps: 50\nnum_queries: 4\n"),
    (".json", '{"output_dir": "runs/x", "learning_rate": 0.002, "data": ["a.jsonl"], "max_steps": 50, '
              '"num_queries": 4}'),
])
def test_config_file_then_explicit_options(tmp_path, suffix, text):
    file = tmp_path / f"run{suffix}"
    file.write_text(text)
    recipe, config = parse_recipe_arguments("emollm", ["--config", str(file), "--max-steps", "70"])
    assert (config.output_dir, config.learning_rate, recipe.data, config.max_steps) == ("runs/x", 0.002,
                                                                                         ["a.jsonl"], 70)
    assert recipe.num_queries == 4
    file.write_text("learning_rat: 1\n")
    with pytest.raises(ValueError, match="unknown option.*learning_rat"):
        parse_recipe_arguments("emollm", ["--config", str(file)])


@pytest.mark.parametrize("argv, message", [
    (["--data", "a.jsonl"], "--output-dir is required"),
    (["--output-dir", "o"], "no training data"),
    (["--output-dir", "o", "--data", "a", "--resume", "--overwrite"], "contradict"),
    (["--output-dir", "o", "--data", "a", "--batch-size", "0"], "--per-device-train-batch-size must be >= 1"),
    (["--output-dir", "o", "--data", "a", "--deepspeed", "zero9"], "--deepspeed zero9: no such file"),
])
def test_bad_arguments_exit_2_with_the_reason(argv, message, capsys):
    from lmms_emotion.cli import main

    assert main(["train", "emovit", *argv]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("recipe", ["emovit", "emollm"])
def test_help_lists_recipes_and_defaults(recipe, capsys):
    """Every help string goes through argparse's %-formatting (a bare "3 %" once crashed emollm --help)."""
    from lmms_emotion.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--help"])
    assert exit_info.value.code == 0 and recipe in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_info:
        main(["train", recipe, "--help"])
    text = capsys.readouterr().out
    assert exit_info.value.code == 0
    assert "--learning-rate" in text and "--lr" in text and "--resume" in text and "--optim" in text
    expected = {"emovit": ["1e-05", "30000"], "emollm": ["0.0002", "3 %"]}[recipe]
    assert all(value in text for value in expected)


def test_the_closing_evaluation_is_shown_as_a_command_a_user_can_run(tmp_path):
    """Issue 13: the log once showed ``lmms_emotion.cli eval ...``, which no shell runs."""
    import shlex
    from pathlib import Path

    from lmms_emotion.cli import build_parser
    from lmms_emotion.training.trainer_run import eval_command, shown_command

    recipe, _ = parse_recipe_arguments("emovit", ["--output-dir", "o", "--data", "a.jsonl", "--eval-tasks",
                                                  "emovit_emoset,emovit_fi", "--eval-model-args", "scoring=likelihood",
                                                  "--eval-limit", "5", "--data-root", str(tmp_path / "data root")])
    shown = shown_command(eval_command(recipe, "emovit", Path("/runs/my run")))
    assert shown == ("lmms-emotion eval --model emovit --model_args 'pretrained=/runs/my run,scoring=likelihood' "
                     "--tasks emovit_emoset,emovit_fi --batch_size 8 --output_path '/runs/my run/eval' --log_samples "
                     f"--limit 5 --data-root '{tmp_path / 'data root'}'")
    argv = shlex.split(shown)
    assert argv[0] == "lmms-emotion" and build_parser().parse_args(argv[1:2]).command == "eval"
