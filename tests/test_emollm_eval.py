"""``lmms-emotion eval --model emollm`` end to end on EmoBench (image Emo-C and MUStARD video sarcasm).

A random tiny model writes noise, which would show neither reasoning nor a parsed answer.
So the test first *trains* a tiny EmoLLM through the API the training recipe uses
(``from_base``, ``add_lora``, ``set_trainable``, ``trainable_parameters``, a loss from
``labels``, ``save_pretrained``) to answer the EmoPrompt-wrapped questions of the docs it
will see with a fixed chain of reasoning - with a blank line inside, which the tasks'
``until: ["\\n\\n"]`` would cut - and a final-answer line. The saved folder is then
evaluated by lmms-eval in a subprocess with ``pretrained=<folder>,emoprompt=true``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from tests.fixtures_data import read_results, read_samples, run_cli

TASKS = ("emobench_emotion_closed_image", "emobench_sarcasm_video")
LIMIT = 4
TARGETS = {
    "image": "Dark tones and a tense face.\n\nIt looks threatening, so my Final answer: fear",
    "video": "He praises it with a flat voice.\n\nThe words and tone clash, so my Final answer: yes",
}


def _task_docs(root: Path, task: str) -> list[dict]:
    """The docs lmms-eval evaluates with ``--limit`` (the loader's fixed order), read independently."""
    from lmms_emotion.task_configs import task_dir
    from lmms_emotion.task_utils import read_task_docs

    index = json.loads((Path(task_dir()) / "emobench" / "_index" / f"{task}.jsonl").read_text())
    return read_task_docs(index, root)[:LIMIT]


def _sharpened_base(tiny_video_llava_dir: Path, out: Path) -> Path:
    """The tiny Video-LLaVA with its output head scaled up: the random toy head is too flat for text to be learnt
    by the MVP and LoRA alone (the head is frozen, as in EmoLLM training)."""
    import transformers

    base = transformers.VideoLlavaForConditionalGeneration.from_pretrained(tiny_video_llava_dir)
    with torch.no_grad():
        base.lm_head.weight.mul_(30)
    base.save_pretrained(out)
    transformers.VideoLlavaProcessor.from_pretrained(tiny_video_llava_dir).save_pretrained(out)
    return out


def _examples(docs: list[dict], processor) -> list[tuple[str, dict, str]]:
    """``(prompt, media kwargs, target)`` per doc, prompted exactly as the wrapper prompts it."""
    from lmms_emotion.media import open_image, sample_video_frames
    from lmms_emotion.models.emoprompt import with_emoprompt
    from lmms_emotion.scoring.hooks import doc_to_text

    examples = []
    for doc in docs:
        kind = doc["media_types"][0]
        content = [{"type": kind}, {"type": "text", "text": with_emoprompt(doc_to_text(doc), doc, kind)}]
        prompt = processor.apply_chat_template([{"role": "user", "content": content}], add_generation_prompt=True)
        path = doc["media_paths"][0]
        media = {"images": [open_image(path)]} if kind == "image" else {"videos": [sample_video_frames(path, 8)]}
        examples.append((prompt, media, TARGETS[kind]))
    return examples


@pytest.fixture(scope="module")
def reasoner_dir(emobench_root, tiny_video_llava_dir, tmp_path_factory) -> Path:
    from lmms_emotion.models.emollm_model import EmoLLMForConditionalGeneration, load_processor
    from lmms_emotion.models.mvp import MVPConfig

    folder = tmp_path_factory.mktemp("emollm_reasoner")
    base = _sharpened_base(tiny_video_llava_dir, folder / "base")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny matrices: one thread is fastest, and steady on a shared CPU
    try:
        with torch.random.fork_rng(devices=[]):  # the fresh MVP, LoRA and training draw from the global RNG
            torch.manual_seed(0)
            model = EmoLLMForConditionalGeneration.from_base(base, MVPConfig(num_queries=4, query_heads=4,
                                                                             temporal_heads=4))
            model.add_lora({"r": 8, "lora_alpha": 16, "lora_dropout": 0.0})
            model.set_trainable(mvp=True, lora=True)
            processor = load_processor(base, model.emollm_config.mvp)
            docs = [doc for task in TASKS for doc in _task_docs(emobench_root, task)]
            examples = _examples(docs, processor)
            optimizer = torch.optim.AdamW(model.trainable_parameters().values(), lr=3e-3)
            model.train()
            for step in range(400):
                prompt, media, target = examples[step % len(examples)]
                inputs = processor(text=[f"{prompt} {target}</s>"], return_tensors="pt",
                                   return_legacy_image_output=False, **media)
                prompt_length = processor(text=[prompt], return_tensors="pt", **media)["input_ids"].shape[1]
                labels = inputs["input_ids"].clone()
                labels[:, :prompt_length] = -100
                loss = model(**inputs, labels=labels).loss
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                if step >= 2 * len(examples) and step % len(examples) == 0 and loss.item() < 1e-3:
                    break
    finally:
        torch.set_num_threads(threads)
    model.eval()
    for prompt, media, target in examples:  # the fixture is only useful if the model learnt its lines
        inputs = processor(text=[prompt], return_tensors="pt", return_legacy_image_output=False, **media)
        output = model.generate(**inputs, max_new_tokens=40, do_sample=False)
        text = processor.tokenizer.decode(output[0, inputs["input_ids"].shape[1]:], skip_special_tokens=True)
        assert text.strip() == target
    return model.save_pretrained(folder / "run", processor=processor)


def _eval_args(reasoner_dir: Path, out: Path) -> list[str]:
    return ["eval", "--model", "emollm", "--model_args",
            f"pretrained={reasoner_dir},emoprompt=true,emoprompt_max_new_tokens=48",
            "--tasks", ",".join(TASKS), "--limit", str(LIMIT), "--batch_size", "2",
            "--output_path", str(out), "--log_samples"]


@pytest.fixture(scope="module")
def single_run(emobench_root, reasoner_dir, tmp_path_factory) -> Path:
    """``lmms-emotion eval --model emollm ... emoprompt=true`` in one process; returns the output folder."""
    out = tmp_path_factory.mktemp("emollm_eval") / "out"
    proc = run_cli(["lmms-emotion", *_eval_args(reasoner_dir, out)], data_root=emobench_root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return out


@pytest.mark.e2e
def test_emoprompt_run_logs_the_reasoning_and_the_parsed_answer(emobench_root, single_run):
    from lmms_emotion.scoring.answers import parse_answer

    out = single_run
    results = read_results(out)
    for task in TASKS:
        docs = _task_docs(emobench_root, task)
        samples = sorted(read_samples(out, task), key=lambda s: s["doc_id"])
        assert len(samples) == len(docs) > 0
        kind = "video" if task.endswith("_video") else "image"
        expected_label = "yes" if kind == "video" else "fear"
        for sample, doc in zip(samples, docs):
            response = sample["filtered_resps"]
            response = response[0] if isinstance(response, list) else response
            # the whole reasoning, blank line included, despite the task's until: ["\n\n"]
            assert response == TARGETS[kind]
            # the parsed answer: the label of the final line, as the core parser reads it
            assert sample["macro_f1"]["pred"] == expected_label
            assert parse_answer(response, doc["label_set"], concept=doc["task"] if kind == "video" else None) == \
                expected_label
            assert sample["acc"]["score"] == float(doc["answer"] == expected_label)
            assert sample["target"] == doc["answer"]
            # lmms-eval logs the task's prompt; the wrapper adds the EmoPrompt instruction itself
            assert "Final answer" not in sample["input"]
        metrics = results["results"][task]
        assert metrics["acc,none"] == pytest.approx(sum(d["answer"] == expected_label for d in docs) / len(docs))
        assert metrics["unparsed_rate,none"] == 0.0
    assert results["config"]["model"] == "emollm"


@pytest.mark.e2e
def test_data_parallel_run_gives_the_same_answers(emobench_root, reasoner_dir, single_run, tmp_path):
    """Two CPU processes under torchrun (accelerate's MULTI_CPU): the composed model goes through DDP."""
    from tests.test_emovit_model import _torchrun

    out = tmp_path / "parallel"
    proc = _torchrun(["-m", "lmms_emotion.cli", *_eval_args(reasoner_dir, out)], data_root=emobench_root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "EmoLLMChat: data parallel over 2 processes" in proc.stdout + proc.stderr
    for task in TASKS:
        single = {s["doc_id"]: s["filtered_resps"] for s in read_samples(single_run, task)}
        parallel = {s["doc_id"]: s["filtered_resps"] for s in read_samples(out, task)}
        assert parallel == single and len(single) > 0


@pytest.mark.e2e
def test_plain_lmms_eval_gives_the_same_emoprompt_run(emobench_root, reasoner_dir, single_run, tmp_path):
    """EmoPrompt is chosen by --model_args alone: plain lmms-eval with our task folder gives the same run."""
    from lmms_emotion.task_configs import task_dir

    out = tmp_path / "plain"
    proc = run_cli(["lmms-eval", "eval", "--include_path", str(task_dir()), *_eval_args(reasoner_dir, out)[1:]],
                   data_root=emobench_root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    ours, plain = read_results(single_run), read_results(out)
    assert plain["results"] == ours["results"]
    for task in TASKS:
        pairs = zip(read_samples(single_run, task), read_samples(out, task))
        assert all(a["input"] == b["input"] and a["filtered_resps"] == b["filtered_resps"] for a, b in pairs)
