"""The EmoVIT recipe: trainable set, frozen weights untouched, output folder the wrapper loads, learning, resume.

The learnable task is the colour-coded EmoSet of ``tests/fixtures_training.py`` (8 emotions,
one dominant colour each). Accuracy is measured through lmms-eval on ``emovit_emoset`` with
the wrapper's ``scoring=likelihood`` (rank the 8 labels): the tiny InstructBLIP's language
model is random and frozen (EmoVIT trains only the Q-Former side), and a random 2-layer LM
cannot be steered into *generating* every label word from a soft prompt at all - free
optimisation of 32 prompt vectors, with no image in the way, still leaves 2 of the 8 label
tokens below another token at the answer position - so greedy generation tops out below
0.8 whatever the recipe does (it reaches 0.625 here), while ranking the labels measures
what the recipe learnt.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
import torch

from lmms_emotion.models.convert_emovit import DELTA_PREFIXES, is_delta_key
from tests.fixtures_data import BIN, cli_env, read_results, run_cli
from tests.fixtures_training import train_env


def _config(base, root, out, **overrides):
    from lmms_emotion.training.args import recipe_arguments

    values = dict(base=str(base), dataset=["emoset:train"], data_root=str(root), output_dir=str(out), max_steps=6,
                  learning_rate=1e-3, warmup_steps=0, per_device_train_batch_size=4, save_steps=1000,
                  logging_steps=1, disable_tqdm=True, precision="fp32", dataloader_num_workers=0)
    values.update(overrides)
    return recipe_arguments("emovit", **values)


# --- trainable set, frozen weights, output folder ------------------------------------------------


def test_trains_exactly_emovits_modules_and_leaves_the_rest_bit_identical(
        tiny_instructblip_dir, colour_emoset_root, tmp_path, one_thread, capsys):
    from safetensors.torch import load_file

    from lmms_emotion.training import emovit_recipe, trainer_run

    config = _config(tiny_instructblip_dir, colour_emoset_root, tmp_path / "run")
    parts = emovit_recipe.build(*config)
    model = parts.model
    before = {name: p.detach().clone() for name, p in model.named_parameters()}
    trainable = {name for name, p in model.named_parameters() if p.requires_grad}
    assert trainable == {name for name in before if is_delta_key(name)}
    assert {n.split(".")[0] for n in trainable} == {"qformer", "query_tokens", "language_projection", "vision_model"}
    assert {n for n in trainable if n.startswith("vision_model.")} == {
        "vision_model.post_layernorm.weight", "vision_model.post_layernorm.bias"}
    assert any(n.startswith("qformer.embeddings.word_embeddings") for n in trainable)
    summary = parts.trainable_summary
    assert summary["trainable_parameters"] == sum(before[n].numel() for n in trainable)
    assert summary["frozen_parameters"] == sum(p.numel() for n, p in before.items() if n not in trainable)
    for prefix in DELTA_PREFIXES:
        assert summary["trainable_per_group"][prefix.rstrip(".")] == sum(
            p.numel() for n, p in before.items() if n == prefix or n.startswith(prefix))
    print("\n" + trainer_run.describe_trainable(summary))

    # the tensors one step's loss reaches must move; which ones that is, a backward pass says
    batch = parts.collator([parts.dataset[i] for i in range(4)])
    model(**batch).loss.backward()
    reached = {n for n, p in model.named_parameters() if p.grad is not None and p.grad.abs().sum() > 0}
    model.zero_grad(set_to_none=True)
    assert reached <= trainable and "query_tokens" in reached

    result = trainer_run.run(*config, parts)
    assert result.global_step == 6
    after = dict(model.named_parameters())
    changed = {n for n in before if not torch.equal(before[n], after[n].detach())}
    frozen_changed = sorted(n for n in changed if n not in trainable)
    assert not frozen_changed, f"frozen parameters moved: {frozen_changed[:5]}"
    assert reached <= changed <= trainable
    print(f"changed {len(changed)} of {len(trainable)} trainable tensors; {len(before) - len(trainable)} frozen "
          "tensors bit-identical")

    # weight decay as EmoVIT: never on biases, norms or other 1-D tensors; frozen tensors not in the optimizer
    optimizer = result.trainer.optimizer
    names = {id(p): n for n, p in model.named_parameters()}
    decayed = {names[id(p)] for g in optimizer.param_groups if g["weight_decay"] > 0 for p in g["params"]}
    plain = {names[id(p)] for g in optimizer.param_groups if g["weight_decay"] == 0 for p in g["params"]}
    assert decayed | plain == trainable
    assert decayed == {n for n in trainable if before[n].ndim >= 2}
    assert all(g["weight_decay"] == 0.005 for g in optimizer.param_groups if g["weight_decay"] > 0)

    # the final folder: the base's frozen tensors as stored, the trained ones as trained
    out = tmp_path / "run"
    saved = load_file(str(out / "model.safetensors"))
    base = load_file(str(Path(tiny_instructblip_dir) / "model.safetensors"))
    assert set(saved) == set(base)
    for key in saved:
        expected = after[key].detach() if is_delta_key(key) else base[key]
        assert torch.equal(saved[key], expected), key
    delta = load_file(str(out / "emovit_delta" / "emovit_delta.safetensors"))
    assert set(delta) == trainable and all(torch.equal(delta[k], after[k].detach()) for k in delta)
    for name in ("processor_config.json", "tokenizer.json", "training_config.json", "training_summary.json",
                 "trainer_state.json"):
        assert (out / name).is_file(), name
    stored = json.loads((out / "training_config.json").read_text())
    assert stored["recipe"] == "emovit" and stored["learning_rate"] == 1e-3
    assert f"trainable {summary['trainable_parameters']:,} parameters" in capsys.readouterr().err


def test_output_folder_loads_in_the_wrapper_full_and_as_delta(
        tiny_instructblip_dir, colour_emoset_root, tmp_path, one_thread):
    from lmms_emotion.models.emovit import EmoVIT
    from lmms_emotion.models.hf_base import Sample, Visual
    from lmms_emotion.media import open_image
    from lmms_emotion.training import emovit_recipe, trainer_run

    config = _config(tiny_instructblip_dir, colour_emoset_root, tmp_path / "run", max_steps=3)
    trainer_run.run(*config, emovit_recipe.build(*config))
    image = open_image(next((colour_emoset_root / "emoset" / "media").rglob("*.jpg")))
    samples = [Sample("which emotion does this image evoke", [Visual("image", [image])], None)]
    full = EmoVIT(pretrained=str(tmp_path / "run"), device="cpu")
    delta = EmoVIT(pretrained=str(tiny_instructblip_dir), emovit_weights=str(tmp_path / "run" / "emovit_delta"),
                   device="cpu")
    base = EmoVIT(pretrained=str(tiny_instructblip_dir), device="cpu")
    trained_logits = full.prompt_logits(samples)[0]
    assert torch.equal(trained_logits, delta.prompt_logits(samples)[0])
    assert not torch.allclose(trained_logits, base.prompt_logits(samples)[0])
    assert delta.delta_report["applied"] == len(
        [n for n, _ in full.model.named_parameters() if is_delta_key(n)])


def test_gradient_checkpointing_gives_the_same_gradients(tiny_instructblip_dir, colour_emoset_root, tmp_path,
                                                         one_thread):
    from lmms_emotion.training import emovit_recipe

    parts = emovit_recipe.build(*_config(tiny_instructblip_dir, colour_emoset_root, tmp_path / "run", augment=False))
    model = parts.model.train()
    batch = parts.collator([parts.dataset[i] for i in range(3)])

    def gradients():
        model.zero_grad(set_to_none=True)
        loss = model(**batch).loss
        loss.backward()
        return loss.detach(), {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}

    loss, plain = gradients()
    model.activation_checkpointing_enable(activation_checkpointing_kwargs={"use_reentrant": False})
    loss_ckpt, checkpointed = gradients()
    assert torch.allclose(loss, loss_ckpt) and plain.keys() == checkpointed.keys() and plain
    for name in plain:
        torch.testing.assert_close(plain[name], checkpointed[name], rtol=1e-4, atol=1e-6)

    # and --gradient-checkpointing takes effect in the Trainer run: the backward pass recomputes each trained
    # Q-Former layer, so its forward runs twice per step (once without checkpointing)
    from lmms_emotion.training import trainer_run

    def forward_calls(checkpointing: bool) -> int:
        recipe, args = _config(tiny_instructblip_dir, colour_emoset_root, tmp_path / f"ckpt{checkpointing}",
                               max_steps=1, gradient_checkpointing=checkpointing, write_delta=False)
        parts = emovit_recipe.build(recipe, args)
        calls = []
        # a module inside the layer: transformers checkpoints the layer's forward, keeping the layer's own hooks
        # outside; a pre-hook, since the recompute stops once the saved tensors are rebuilt
        parts.model.qformer.encoder.layer[0].attention.register_forward_pre_hook(lambda *_: calls.append(1))
        trainer_run.run(recipe, args, parts)
        return len(calls)

    assert (forward_calls(False), forward_calls(True)) == (1, 2)


def test_tensorboard_logs_are_written_when_asked(tiny_instructblip_dir, colour_emoset_root, tmp_path, one_thread):
    from lmms_emotion.training import emovit_recipe, trainer_run

    quiet = _config(tiny_instructblip_dir, colour_emoset_root, tmp_path / "quiet", max_steps=2, write_delta=False)
    trainer_run.run(*quiet, emovit_recipe.build(*quiet))
    assert not list((tmp_path / "quiet").rglob("events.out.tfevents*"))  # report_to none by default
    logged = _config(tiny_instructblip_dir, colour_emoset_root, tmp_path / "tb", max_steps=2,
                     report_to=["tensorboard"])
    trainer_run.run(*logged, emovit_recipe.build(*logged))
    events = list((tmp_path / "tb" / "runs").rglob("events.out.tfevents*"))
    assert events and events[0].stat().st_size > 0


# --- output folder rules ------------------------------------------------------------------------


def test_existing_checkpoints_need_resume_or_overwrite(tmp_path, capsys):
    from lmms_emotion.cli import main

    out = tmp_path / "run"
    (out / "checkpoint-5").mkdir(parents=True)
    (out / "checkpoint-5" / "trainer_state.json").write_text("{}")
    args = ["train", "emovit", "--base", "unused", "--data", str(tmp_path / "x.jsonl"), "--output-dir", str(out)]
    assert main(args) == 2
    assert "already holds checkpoint-5" in capsys.readouterr().err and (out / "checkpoint-5").is_dir()
    (out / "training_config.json").write_text(json.dumps({"learning_rate": 0.5, "base": "unused"}))
    assert main(args + ["--resume"]) == 2
    err = capsys.readouterr().err
    assert "different settings" in err and "learning_rate: 0.5 -> 1e-05" in err


# --- the closed loop: learning measured through lmms-eval ----------------------------------------


@pytest.mark.e2e
def test_learns_the_colour_task_measured_through_lmms_eval(tiny_instructblip32_dir, colour_emoset_root, tmp_path):
    before_dir = tmp_path / "before"
    proc = run_cli(["lmms-emotion", "eval", "--model", "emovit", "--model_args",
                    f"pretrained={tiny_instructblip32_dir},scoring=likelihood", "--tasks", "emovit_emoset",
                    "--output_path", str(before_dir)], data_root=colour_emoset_root, **train_env())
    assert proc.returncode == 0, proc.stderr[-3000:]
    before = read_results(before_dir)["results"]["emovit_emoset"]["acc,none"]

    out = tmp_path / "run"
    start = time.monotonic()
    proc = run_cli(["lmms-emotion", "train", "emovit", "--base", str(tiny_instructblip32_dir),
                    "--dataset", "emoset:train", "--data-root", str(colour_emoset_root), "--output-dir", str(out),
                    "--max-steps", "300", "--lr", "3e-3", "--warmup-steps", "0", "--batch-size", "8",
                    "--save-steps", "1000", "--disable-tqdm", "--eval-tasks", "emovit_emoset",
                    "--eval-model-args", "scoring=likelihood"], data_root=colour_emoset_root, **train_env())
    seconds = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr[-3000:]
    after = read_results(out / "eval")["results"]["emovit_emoset"]
    print(f"\nEmoVIT recipe, colour task (8 classes, likelihood scoring): accuracy {before:.3f} -> "
          f"{after['acc,none']:.3f}; train + eval {seconds:.0f} s")
    assert before <= 0.25  # chance is 0.125
    assert after["acc,none"] >= 0.8 and after["unparsed_rate,none"] == 0.0
    assert "eval emovit_emoset: acc=" in proc.stderr


# --- kill and resume ------------------------------------------------------------------------------


@pytest.mark.e2e
def test_killed_run_resumes_to_the_same_weights(tiny_instructblip32_dir, colour_emoset_root, tmp_path):
    from safetensors.torch import load_file

    args = ["train", "emovit", "--base", str(tiny_instructblip32_dir), "--dataset", "emoset:train",
            "--data-root", str(colour_emoset_root), "--max-steps", "40", "--lr", "3e-3", "--warmup-steps", "5",
            "--batch-size", "4", "--save-steps", "8", "--disable-tqdm", "--full-determinism"]
    env = cli_env(colour_emoset_root, **train_env())
    whole = run_cli(["lmms-emotion", *args, "--output-dir", str(tmp_path / "whole")], data_root=colour_emoset_root,
                    **train_env())
    assert whole.returncode == 0, whole.stderr[-3000:]

    killed = tmp_path / "killed"
    process = subprocess.Popen([str(BIN / "lmms-emotion"), *args, "--output-dir", str(killed)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    marker = killed / "checkpoint-8" / "trainer_state.json"
    deadline = time.monotonic() + 300
    while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert marker.exists() and process.returncode == -signal.SIGKILL
    assert not (killed / "model.safetensors").exists()  # it really died before the end

    resumed = run_cli(["lmms-emotion", *args, "--output-dir", str(killed), "--resume"],
                      data_root=colour_emoset_root, **train_env())
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    started = int(re.search(r"resuming from checkpoint-(\d+)", resumed.stderr).group(1))
    state = json.loads((killed / "trainer_state.json").read_text())
    assert state["global_step"] == 40 and started >= 8
    # the resumed process ran only the remaining steps (a restart from step 0 would reach the same weights too)
    summary = json.loads((killed / "training_summary.json").read_text())
    assert (summary["started_at_step"], summary["steps_run"]) == (started, 40 - started)

    reference = load_file(str(tmp_path / "whole" / "model.safetensors"))
    continued = load_file(str(killed / "model.safetensors"))
    assert reference.keys() == continued.keys()
    different = [k for k in reference if not torch.equal(reference[k], continued[k])]
    assert not different, f"{len(different)} tensors differ, e.g. {different[:3]}"
    trained = [k for k in reference if is_delta_key(k)]
    base = load_file(str(Path(tiny_instructblip32_dir) / "model.safetensors"))
    assert any(not torch.equal(reference[k], base[k]) for k in trained)  # the comparison is not vacuous
    print(f"\nkill after checkpoint-8, resume to step 40: {len(reference)} tensors bit-identical to the uninterrupted run")
