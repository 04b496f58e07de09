"""The EmoLLM recipe: MVP + LoRA trained and nothing else, EmoLLM folders the wrapper loads, learning, videos, resume."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
import torch

from tests.fixtures_data import read_results, run_cli
from tests.fixtures_training import COLOURS, train_env


def _config(base, out, **overrides):
    from lmms_emotion.training.args import recipe_arguments

    values = dict(base=str(base), output_dir=str(out), max_steps=4, learning_rate=1e-3, mvp_learning_rate=5e-4,
                  warmup_steps=0, per_device_train_batch_size=4, save_steps=1000, logging_steps=1, disable_tqdm=True,
                  precision="fp32", gradient_checkpointing=False, lora_r=8, lora_alpha=16,
                  dataloader_num_workers=0)
    values.update(overrides)
    return recipe_arguments("emollm", **values)


def test_trains_the_mvp_and_lora_only_and_writes_an_emollm_folder(tiny_llava_dir, colour_emoset_root, tmp_path,
                                                                  one_thread):
    from lmms_emotion.models.emollm_model import CONFIG_NAME, WEIGHTS_NAME, load_emollm
    from lmms_emotion.training import emollm_recipe, trainer_run

    config = _config(tiny_llava_dir, tmp_path / "run", dataset=["emoset:train"], data_root=str(colour_emoset_root))
    parts = emollm_recipe.build(*config)
    model = parts.model
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    mvp = {n for n in before if "multi_modal_projector." in n}
    lora = {n for n in before if "lora_" in n}
    assert mvp and lora and trainable == mvp | lora
    summary = parts.trainable_summary
    assert summary["trainable_per_group"] == {"mvp": sum(before[n].numel() for n in mvp),
                                              "lora": sum(before[n].numel() for n in lora)}
    print("\n" + trainer_run.describe_trainable(summary))

    result = trainer_run.run(*config, parts)
    after = dict(model.named_parameters())
    changed = {n for n in before if not torch.equal(before[n], after[n].detach())}
    frozen_changed = sorted(changed - trainable)
    assert not frozen_changed, f"frozen parameters moved: {frozen_changed[:5]}"
    assert any(n in changed for n in lora) and any(n in changed for n in mvp)
    print(f"changed {len(changed)} of {len(trainable)} trainable tensors; {len(before) - len(trainable)} frozen "
          "tensors bit-identical")

    # two learning rates, as LLaVA-1.5: the projector's own, the LoRA weights' own
    names = {id(p): n for n, p in model.named_parameters()}
    rates = {("mvp" if "multi_modal_projector." in names[id(p)] else "lora"): g["initial_lr"]
             for g in result.trainer.optimizer.param_groups for p in g["params"]}
    assert rates == {"mvp": 5e-4, "lora": 1e-3}

    out = tmp_path / "run"
    for name in (CONFIG_NAME, WEIGHTS_NAME, "processor_config.json",
                 "training_config.json", "trainer_state.json"):
        assert (out / name).is_file(), name
    loaded, _ = load_emollm(str(out))
    reloaded = dict(loaded.named_parameters())
    for name in trainable:
        assert torch.equal(reloaded[name], after[name].detach()), name
    assert reloaded.keys() == before.keys()
    for name in before.keys() - trainable:  # the frozen weights come back from the base, untouched
        assert torch.equal(reloaded[name], before[name]), name


class _OptimizerProbe:
    """Records, at each step's start, the AdamW step count, the learning rate and the torch RNG state."""

    def __init__(self) -> None:
        from transformers import TrainerCallback

        probe = self
        self.seen: dict[int, tuple[float, float, bytes]] = {}

        class Callback(TrainerCallback):
            def on_step_begin(self, args, state, control, optimizer=None, lr_scheduler=None, **kwargs):
                adam_steps = [float(s["step"]) for s in optimizer.state.values() if "step" in s]
                probe.seen[state.global_step + 1] = (max(adam_steps, default=0.0), lr_scheduler.get_last_lr()[0],
                                                     bytes(torch.get_rng_state().numpy()))
                return control

        self.callback = Callback()

    def build(self, build):
        def with_probe(recipe, args):
            parts = build(recipe, args)
            parts.callbacks.append(self.callback)
            return parts

        return with_probe


def test_checkpoints_load_in_the_wrapper_and_resume_to_the_same_weights(tiny_llava_dir, colour_emoset_root,
                                                                        tmp_path, one_thread):
    """The resumed process runs only steps 5-12, with the optimizer, scheduler and RNG where the whole run had them.

    (Restarting from step 0 would also reach the same weights here - the run is deterministic - so
    the steps run and the restored state are what prove the checkpoint was loaded.)
    """
    from safetensors.torch import load_file

    from lmms_emotion.models.emollm import EmoLLM
    from lmms_emotion.training import emollm_recipe, trainer_run

    common = dict(dataset=["emoset:train"], data_root=str(colour_emoset_root), max_steps=12, save_steps=4,
                  full_determinism=True, lora_dropout=0.05, warmup_steps=2)
    whole = _config(tiny_llava_dir, tmp_path / "whole", **common)
    whole_probe = _OptimizerProbe()
    trainer_run.train_recipe(*whole, whole_probe.build(emollm_recipe.build))
    checkpoint = tmp_path / "whole" / "checkpoint-4"
    from lmms_emotion.models.emollm_model import is_emollm_dir

    assert is_emollm_dir(checkpoint)
    wrapper = EmoLLM(pretrained=str(checkpoint), device="cpu")  # a checkpoint is an EmoLLM folder too
    assert wrapper.model.has_lora

    # continue from checkpoint-4 in a fresh folder: the same weights as the uninterrupted run
    (tmp_path / "resumed").mkdir()
    shutil.copytree(checkpoint, tmp_path / "resumed" / "checkpoint-4")
    shutil.copy(tmp_path / "whole" / "training_config.json", tmp_path / "resumed" / "training_config.json")
    resumed = _config(tiny_llava_dir, tmp_path / "resumed", resume=True, **common)
    probe = _OptimizerProbe()
    result = trainer_run.train_recipe(*resumed, probe.build(emollm_recipe.build))
    assert result.resumed_from.endswith("checkpoint-4") and result.global_step == 12
    summary = json.loads((tmp_path / "resumed" / "training_summary.json").read_text())
    assert (summary["started_at_step"], summary["steps_run"]) == (4, 8)
    assert sorted(probe.seen) == list(range(5, 13))
    for step in (5, 6):
        adam_steps, lr, rng = probe.seen[step]
        assert adam_steps == step - 1 and adam_steps == whole_probe.seen[step][0]  # optimizer state restored
        assert lr == whole_probe.seen[step][1]  # scheduler restored (mid-schedule, not warm-up from 0)
        assert rng == whole_probe.seen[step][2], step  # RNG restored (LoRA dropout draws from it)
    a, b = load_file(str(tmp_path / "whole" / "model.safetensors")), load_file(str(tmp_path / "resumed" /
                                                                                     "model.safetensors"))
    assert any("lora_" in k for k in a) and a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.e2e
def test_resuming_a_finished_run_changes_nothing_and_more_steps_continue(tiny_llava_dir, colour_emoset_root,
                                                                         tmp_path, capsys):
    """Issue 16: --resume on a run that reached --max-steps leaves every file as it is; a larger one continues."""
    from lmms_emotion.cli import main

    out = tmp_path / "run"
    argv = ["train", "emollm", "--base", str(tiny_llava_dir), "--dataset", "emoset:train", "--data-root",
            str(colour_emoset_root), "--output-dir", str(out), "--lr", "1e-3", "--warmup-steps", "0", "--batch-size",
            "4", "--save-steps", "2", "--precision", "fp32", "--no-gradient-checkpointing", "--lora-r", "8",
            "--lora-alpha", "16", "--disable-tqdm", "--dataloader-num-workers", "0", "--max-steps"]
    assert main([*argv, "3"]) == 0

    def snapshot() -> dict[str, tuple[bytes, int]]:
        return {str(p.relative_to(out)): (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}

    before = snapshot()
    capsys.readouterr()
    assert main([*argv, "3", "--resume"]) == 0
    assert snapshot() == before  # bit-identical, not even rewritten
    assert "nothing to do" in capsys.readouterr().err

    assert main([*argv, "5", "--resume"]) == 0
    assert "resuming from checkpoint-3" in capsys.readouterr().err
    summary = json.loads((out / "training_summary.json").read_text())
    assert (summary["global_step"], summary["started_at_step"], summary["steps_run"]) == (5, 3, 2)
    assert json.loads((out / "trainer_state.json").read_text())["global_step"] == 5


def _mixed_records(root: Path) -> Path:
    """Colour-coded images and videos of two emotions, as records with a media root."""
    from lmms_emotion.testing.media_files import write_image, write_video

    media = root / "media"
    rows = []
    for emotion in ("amusement", "sadness"):
        for i in range(2):
            image = f"img/{emotion}_{i}.jpg"
            write_image(media / image, seed=i, color=COLOURS[emotion], size=(40, 36))
            video = f"vid/{emotion}_{i}.mp4"
            write_video(media / video, seed=i, color=COLOURS[emotion], num_frames=6, size=(32, 32))
            for kind, path, task in (("image", image, "emotion_closed"), ("video", video, "emotion_closed")):
                rows.append({"id": f"mix/train/{emotion}_{kind}_{i}", "task": task, "source": "mix",
                             "split": "train", "media": [{"type": kind, "path": path}], "text": "",
                             "label_set": "mikels8", "answer": emotion, "meta": {}})
    file = root / "train.jsonl"
    file.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return file


def test_images_and_videos_mixed_on_video_llava(tiny_video_llava_dir, tmp_path, one_thread):
    from lmms_emotion.models.emollm_model import load_emollm
    from lmms_emotion.training import emollm_recipe, trainer_run

    records = _mixed_records(tmp_path)
    config = _config(tiny_video_llava_dir, tmp_path / "run", data=[str(records)], max_steps=3, num_frames=8,
                     per_device_train_batch_size=4)
    parts = emollm_recipe.build(*config)
    assert parts.data_summary["per_modality"] == {"image": 4, "video": 4}
    kinds = {frozenset(parts.collator([parts.dataset[i] for i in batch]).keys())
             for batch in ([0, 1, 2, 3], [4, 5, 6, 7])}
    assert any("pixel_values_videos" in k and "pixel_values" in k for k in kinds)  # one batch holds both
    result = trainer_run.run(*config, parts)
    history = [h["loss"] for h in result.trainer.state.log_history if "loss" in h]
    assert len(history) == 3 and all(torch.isfinite(torch.tensor(h)) for h in history)
    model, _ = load_emollm(str(tmp_path / "run"))
    assert model.kind == "video_llava" and model.has_lora


def test_rationales_replace_the_plain_targets(tiny_llava_dir, tmp_path, one_thread):
    from lmms_emotion.training import emollm_recipe

    records = _mixed_records(tmp_path)
    first = json.loads(records.read_text().splitlines()[0])
    chain = "The frame is flooded with red and the mood is playful.\nFinal answer: amusement"
    rationale = dict(first, id=first["id"] + "/rationale", meta={
        "source_record": first["id"],
        "instruction": {"kind": "rationale", "turns": [{"question": "Which emotion? Reason first.", "answer": chain,
                                                         "type": "rationale"}]}})
    rationales = tmp_path / "rationales.jsonl"
    rationales.write_text(json.dumps(rationale) + "\n", encoding="utf-8")
    config = _config(tiny_llava_dir, tmp_path / "run", data=[str(records)], rationales=[str(rationales)])
    parts = emollm_recipe.build(*config)
    assert parts.data_summary["rationales"] == {"replaced": 1, "added": 0, "plain": 7}
    (item,) = [parts.dataset[i] for i in range(len(parts.dataset)) if parts.dataset.examples[i].kind == "rationale"]
    batch = parts.collator([item])
    answer = batch["input_ids"][0][batch["labels"][0] != -100]
    assert parts.processor.tokenizer.decode(answer) == f" {chain}</s>"


@pytest.mark.e2e
def test_learns_the_colour_task_generating_answers_through_lmms_eval(tiny_llava_dir, colour_emoset_root, tmp_path):
    before_dir = tmp_path / "before"
    proc = run_cli(["lmms-emotion", "eval", "--model", "emollm", "--model_args", f"pretrained={tiny_llava_dir}",
                    "--tasks", "emovit_emoset", "--output_path", str(before_dir)], data_root=colour_emoset_root,
                   **train_env())
    assert proc.returncode == 0, proc.stderr[-3000:]
    before = read_results(before_dir)["results"]["emovit_emoset"]["acc,none"]

    out = tmp_path / "run"
    start = time.monotonic()
    proc = run_cli(["lmms-emotion", "train", "emollm", "--base", str(tiny_llava_dir), "--dataset", "emoset:train",
                    "--data-root", str(colour_emoset_root), "--output-dir", str(out), "--max-steps", "150",
                    "--lr", "1e-3", "--mvp-learning-rate", "1e-3", "--warmup-steps", "0", "--batch-size", "8",
                    "--save-steps", "1000", "--no-gradient-checkpointing", "--disable-tqdm",
                    "--eval-tasks", "emovit_emoset"], data_root=colour_emoset_root, **train_env())
    seconds = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr[-3000:]
    after = read_results(out / "eval")["results"]["emovit_emoset"]
    print(f"\nEmoLLM recipe, colour task (8 classes, greedy generation): accuracy {before:.3f} -> "
          f"{after['acc,none']:.3f}; train + eval {seconds:.0f} s")
    assert before <= 0.25  # chance is 0.125
    assert after["acc,none"] >= 0.8
