"""The ``emovit`` lmms-eval wrapper on the tiny InstructBLIP: batching, parity with transformers, scoring, video."""

from __future__ import annotations

import pytest
import torch
import yaml
from lmms_eval.api.instance import Instance

from lmms_emotion.models.emovit import EMOVIT_GENERATION, EmoVIT, EmoVITChat
from lmms_emotion.models.hf_base import AUTO_BATCH_SIZE, Sample, Visual, merge_generation_kwargs, parse_batch_size
from lmms_emotion.scoring.hooks import doc_to_messages, doc_to_visual
from tests.fixtures_data import read_results, read_samples, run_cli

TASK, SPLIT = "toy_emotion", "test"
PROMPTS = [
    ("which emotion does this image evoke choose exactly one option from this list amusement, awe, "
     "contentment, excitement, anger, disgust, fear, sadness reply with the option word only"),
    "Describe this image.",
    "The photo is bright",
    "Is this humorous? Answer yes or no.",
    "What is the person feeling? Explain why. Let's think step by step.",
    "x",
    "Options: A. B. C. D. E. F. G. H. (A) (B) (C) (D) 1 2 3 4 5 6 7 8 9 0",
    "The image shows a person, a dog, a cat, a car, a tree, a house, a beach, a street",
]


from lmms_emotion.scoring.labels import MIKELS8  # noqa: E402


def _doc(index: int, media_path: str, prompt: str, answer: str = "awe", kind: str = "image") -> dict:
    return {"id": f"toy/{index}", "task": "emotion_closed", "source": "toy", "split": SPLIT, "modality": kind,
            "text": "", "label_set": "mikels8", "options": list(MIKELS8.labels), "answer": answer,
            "media_types": [kind], "media_paths": [media_path], "meta": "{}", "prompt": prompt}


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> list[dict]:
    from lmms_emotion.testing.media_files import write_image

    folder = tmp_path_factory.mktemp("emovit_docs")
    return [_doc(i, str(write_image(folder / f"img_{i}.jpg", seed=i)), prompt) for i, prompt in enumerate(PROMPTS)]


def _load(model_dir, **kwargs) -> EmoVIT:
    cls = kwargs.pop("cls", EmoVIT)
    return cls(pretrained=str(model_dir), device="cpu", **kwargs)


def _simple_requests(docs: list[dict], gen_kwargs: dict) -> list[Instance]:
    return [Instance("generate_until", (d["prompt"], dict(gen_kwargs), doc_to_visual, i, TASK, SPLIT), idx=0,
                     metadata={"task": TASK, "doc_id": i, "repeats": 1}) for i, d in enumerate(docs)]


def _attach(model: EmoVIT, docs: list[dict]) -> EmoVIT:
    model.task_dict = {TASK: {SPLIT: docs}}
    return model


# --- generation ------------------------------------------------------------------------------------


def test_batch_of_8_greedy_equals_batch_1(tiny_instructblip_dir, docs):
    gen_kwargs = {"max_new_tokens": 24, "do_sample": False, "until": ["\n\n"]}
    batched = _attach(_load(tiny_instructblip_dir, batch_size="8"), docs)
    single = _attach(_load(tiny_instructblip_dir, batch_size=1), docs)
    lengths = {len(batched._text_ids(d["prompt"])) for d in docs}
    assert len(lengths) > 4, "prompts of different lengths, so the batch is really padded"

    out8 = batched.generate_until(_simple_requests(docs, gen_kwargs))
    out1 = single.generate_until(_simple_requests(docs, gen_kwargs))
    assert out8 == out1
    assert len(set(out1)) == len(out1) and all(out1), "distinct, non-empty answers (the check is not vacuous)"


def test_batched_answers_come_back_in_request_order(tiny_instructblip_dir, docs):
    """The collator sorts by prompt length; answers must still line up with their requests."""
    model = _attach(_load(tiny_instructblip_dir, batch_size=3), docs)
    gen_kwargs = {"max_new_tokens": 8}
    forward = model.generate_until(_simple_requests(docs, gen_kwargs))
    reordered = list(reversed(docs))
    model.task_dict = {TASK: {SPLIT: reordered}}
    backward = model.generate_until(_simple_requests(reordered, gen_kwargs))
    assert backward == list(reversed(forward))


def test_logits_equal_transformers_model_called_directly(tiny_instructblip_dir, docs):
    from transformers import InstructBlipForConditionalGeneration, InstructBlipProcessor

    from lmms_emotion.media import open_image

    wrapper = _load(tiny_instructblip_dir, batch_size=4)
    reference = InstructBlipForConditionalGeneration.from_pretrained(str(tiny_instructblip_dir)).eval()
    processor = InstructBlipProcessor.from_pretrained(str(tiny_instructblip_dir))
    chosen = docs[:4]
    samples = [Sample(d["prompt"], [Visual("image", [open_image(d["media_paths"][0])])]) for d in chosen]
    ours = wrapper.prompt_logits(samples)  # one padded batch of 4
    for sample, logits in zip(samples, ours):
        inputs = processor(images=sample.frames, text=sample.context, return_tensors="pt")
        with torch.no_grad():
            theirs = reference(**inputs).logits[0]
        assert logits.shape == theirs.shape
        torch.testing.assert_close(logits, theirs, atol=1e-5, rtol=1e-4)


def test_greedy_follows_emovit_semantics(tiny_instructblip_dir, docs):
    """Greedy decoding with EmoVIT's repetition penalty on generated tokens only (not the prompt),
    re-implemented step by step on transformers' own forward pass."""
    from transformers import InstructBlipForConditionalGeneration, InstructBlipProcessor

    from lmms_emotion.media import open_image

    wrapper = _load(tiny_instructblip_dir)
    reference = InstructBlipForConditionalGeneration.from_pretrained(str(tiny_instructblip_dir)).eval()
    processor = InstructBlipProcessor.from_pretrained(str(tiny_instructblip_dir))
    eos = reference.generation_config.eos_token_id
    penalty, steps = EMOVIT_GENERATION["repetition_penalty"], 12
    for doc in docs[:3]:
        image = open_image(doc["media_paths"][0])
        inputs = processor(images=[image], text=doc["prompt"], return_tensors="pt")
        generated: list[int] = []
        for step in range(steps):
            ids = torch.cat([inputs["input_ids"], torch.tensor([generated], dtype=torch.long)], dim=1)
            with torch.no_grad():
                logits = reference(pixel_values=inputs["pixel_values"], qformer_input_ids=inputs["qformer_input_ids"],
                                   qformer_attention_mask=inputs["qformer_attention_mask"], input_ids=ids).logits[0, -1]
            for token in set(generated):
                logits[token] = logits[token] * penalty if logits[token] < 0 else logits[token] / penalty
            if step == 0:
                logits[eos] = -float("inf")  # min_new_tokens = 1
            token = int(logits.argmax())
            if token == eos:
                break
            generated.append(token)
        expected = processor.tokenizer.decode(generated, skip_special_tokens=True).strip()
        settings, _ = wrapper.generation_settings({"max_new_tokens": steps})
        got = wrapper.generate_batch([Sample(doc["prompt"], [Visual("image", [image])])], settings)[0]
        assert got == expected


def test_generation_defaults_and_overrides(tiny_instructblip_dir):
    defaults, until = merge_generation_kwargs(EMOVIT_GENERATION)
    assert defaults == {"do_sample": False, "num_beams": 1, "max_new_tokens": 256, "min_new_tokens": 1,
                        "repetition_penalty": 5.0, "length_penalty": 1.0} and until == []
    # what our emovit tasks send: max_new_tokens 32, greedy, stop at a blank line
    task, until = merge_generation_kwargs(EMOVIT_GENERATION, {}, {"max_new_tokens": 32, "do_sample": False,
                                                                   "until": ["\n\n"], "image_sizes": [(1, 1)]})
    assert task["max_new_tokens"] == 32 and task["repetition_penalty"] == 5.0 and until == ["\n\n"]
    assert "image_sizes" not in task
    sampled, _ = merge_generation_kwargs(EMOVIT_GENERATION, {"repetition_penalty": 1.0}, {"temperature": 0.7, "top_p": 0.9})
    assert sampled["do_sample"] is True and sampled["temperature"] == 0.7 and sampled["repetition_penalty"] == 1.0
    greedy, _ = merge_generation_kwargs(EMOVIT_GENERATION, {}, {"temperature": 0, "top_p": 0.9})
    assert greedy["do_sample"] is False and "temperature" not in greedy and "top_p" not in greedy
    model = _load(tiny_instructblip_dir, repetition_penalty=1.0, max_new_tokens="7")
    settings, _ = model.generation_settings({"until": "\n"})
    assert settings["repetition_penalty"] == 1.0 and settings["max_new_tokens"] == 7


def test_constructor_arguments(tiny_instructblip_dir):
    assert parse_batch_size("8") == 8 and parse_batch_size(2) == 2
    assert parse_batch_size("auto") == AUTO_BATCH_SIZE
    with pytest.raises(ValueError, match="batch_size"):
        parse_batch_size("eight")
    with pytest.raises(ValueError, match="prefetch"):
        _load(tiny_instructblip_dir, prefetch=-1)
    with pytest.raises(TypeError, match="pretraind"):
        _load(tiny_instructblip_dir, pretraind="x")
    with pytest.raises(ValueError, match="scoring"):
        _load(tiny_instructblip_dir, scoring="vote")
    model = _load(tiny_instructblip_dir, batch_size="16", dtype="bfloat16")
    assert model.batch_size == 16 and model.model.language_model.dtype == torch.bfloat16
    assert model.device == torch.device("cpu") and model.rank == 0 and model.world_size == 1


def test_chat_requests_give_the_same_answers(tiny_instructblip_dir, docs):
    """The chat class reads doc_to_messages (text + media items) and answers as the simple class does."""
    gen_kwargs = {"max_new_tokens": 10, "until": ["\n\n"]}
    chat_docs = [dict(d, text="") for d in docs[:4]]
    chat = _attach(_load(tiny_instructblip_dir, cls=EmoVITChat, batch_size=4), chat_docs)
    assert chat.is_simple is False
    requests = [Instance("generate_until", ("ignored", doc_to_messages, dict(gen_kwargs), i, TASK, SPLIT), idx=0,
                         metadata={"task": TASK, "doc_id": i, "repeats": 1}) for i in range(len(chat_docs))]
    answers = chat.generate_until(requests)

    from lmms_emotion.scoring.hooks import doc_to_text

    simple = _attach(_load(tiny_instructblip_dir, batch_size=4), chat_docs)
    prompts = [dict(d, prompt=doc_to_text(d)) for d in chat_docs]
    assert answers == simple.generate_until(_simple_requests(prompts, gen_kwargs))


# --- video -----------------------------------------------------------------------------------------


def test_video_frames_go_through_the_qformer_one_by_one(tiny_instructblip_dir, tmp_path):
    from lmms_emotion.media import sample_video_frames
    from lmms_emotion.testing.media_files import write_video

    video = write_video(tmp_path / "clip.mp4", seed=3)
    model = _load(tiny_instructblip_dir, num_frames=4)
    doc = _doc(0, str(video), "Which emotion does this video express?", kind="video")
    model.task_dict = {TASK: {SPLIT: [doc]}}
    request = Instance("generate_until", (doc["prompt"], {"max_new_tokens": 6}, doc_to_visual, 0, TASK, SPLIT),
                       idx=0, metadata={"task": TASK, "doc_id": 0, "repeats": 1})
    sample = model.build_sample(model._unpack(0, request, "generate"))
    assert [v.kind for v in sample.visuals] == ["video"] and len(sample.frames) == 4

    features = model.encode_media([sample])[0]
    assert features.shape[0] == 4 * model.num_query_tokens
    frames = sample_video_frames(video, 4)
    per_frame = model.encode_media([Sample(sample.context, [Visual("image", [f])]) for f in frames])
    torch.testing.assert_close(features, torch.cat(per_frame), atol=1e-5, rtol=1e-4)
    assert isinstance(model.generate_until([request])[0], str)


# --- likelihood scoring ----------------------------------------------------------------------------


class _BiasedHead(torch.nn.Module):
    """The LM head plus a fixed bias: makes chosen tokens overwhelmingly likely everywhere."""

    def __init__(self, head: torch.nn.Linear, bias: torch.Tensor) -> None:
        super().__init__()
        self.head = head
        self.register_buffer("bias", bias)

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.head(hidden) + self.bias


def _favour(model: EmoVIT, label: str, context: str) -> list[int]:
    """Bias the LM head toward the tokens of `label` as a continuation; return those tokens."""
    language_model = model.model.language_model
    head = language_model.lm_head.head if isinstance(language_model.lm_head, _BiasedHead) else language_model.lm_head
    tokens = model._continuation_ids(context, " " + label, model._text_ids(context))
    bias = torch.zeros(head.out_features)
    bias[tokens] = 40.0
    language_model.lm_head = _BiasedHead(head, bias)
    return tokens


def _decisive_labels(model: EmoVIT, doc: dict) -> list[str]:
    """Labels whose continuation tokens appear in no other label's: biasing them decides the case."""
    from lmms_emotion.scoring.hooks import doc_options

    context = doc["prompt"]
    tokens = {label: set(model._continuation_ids(context, " " + label, model._text_ids(context)))
              for label in doc_options(doc)}
    return [label for label, own in tokens.items()
            if not own & set().union(*(other for name, other in tokens.items() if name != label))]


@pytest.mark.parametrize("which", [0, -1])
def test_likelihood_scoring_picks_the_favoured_gold_label(tiny_instructblip_dir, docs, which):
    from lmms_emotion.scoring.hooks import process_results

    model = _load(tiny_instructblip_dir, batch_size=4, scoring="likelihood")
    decisive = _decisive_labels(model, docs[0])
    assert len(decisive) >= 2, "the tiny tokenizer leaves at least two labels with tokens of their own"
    gold = decisive[which]
    labelled = [dict(d, answer=gold) for d in docs[:4]]
    _attach(model, labelled)
    _favour(model, gold, labelled[0]["prompt"])

    answers = model.generate_until(_simple_requests(labelled, {"max_new_tokens": 4}))
    assert answers == [gold] * len(labelled)
    assert all(process_results(doc, [answer])["acc"] == 1.0 for doc, answer in zip(labelled, answers))


def test_likelihood_scoring_without_bias_follows_the_model(tiny_instructblip_dir, docs):
    """Unbiased, the pick is the argmax of the model's own label log-likelihoods (not a fixed answer)."""
    from lmms_emotion.media import open_image
    from lmms_emotion.scoring.hooks import doc_options

    model = _attach(_load(tiny_instructblip_dir, batch_size=8, scoring="likelihood"), docs)
    answers = model.generate_until(_simple_requests(docs, {"max_new_tokens": 4}))
    options = doc_options(docs[0])
    for doc, answer in zip(docs, answers):
        sample = Sample(doc["prompt"], [Visual("image", [open_image(doc["media_paths"][0])])])
        scores = model.score_batch([sample], [[" " + o for o in options]])[0]
        assert answer == options[max(range(len(options)), key=lambda i: scores[i].logprob)]


def test_loglikelihood_requests(tiny_instructblip_dir, docs):
    """(sum of log-probabilities, is_greedy) per request, checked against a full forward pass of context + continuation."""
    from lmms_emotion.media import open_image

    model = _attach(_load(tiny_instructblip_dir, batch_size=2), docs[:2])
    context = docs[0]["prompt"]
    image = open_image(docs[0]["media_paths"][0])
    favoured = _decisive_labels(model, docs[0])[0]
    _favour(model, favoured, context)
    # the model's own greedy next token after the context, as text: a continuation that must be greedy
    next_token = int(model.prompt_logits([Sample(context, [Visual("image", [image])])])[0][-1].argmax())
    greedy_text = model.tokenizer.decode([next_token])
    continuations = [" " + favoured, " anger", " sadness", greedy_text]
    requests = [Instance("loglikelihood", (context, cont, doc_to_visual, 0, TASK, SPLIT), idx=i,
                         metadata={"task": TASK, "doc_id": 0, "repeats": 1}) for i, cont in enumerate(continuations)]
    results = model.loglikelihood(requests)

    assert len(results) == len(continuations)
    for cont, (logprob, greedy) in zip(continuations, results):
        target = model._continuation_ids(context, cont, model._text_ids(context))
        logits = model.prompt_logits([Sample(context + cont, [Visual("image", [image])])])[0]
        steps = torch.log_softmax(logits[-len(target) - 1:-1].float(), dim=-1)
        expected = float(steps.gather(-1, torch.tensor(target)[:, None]).sum())
        assert isinstance(logprob, float) and logprob == pytest.approx(expected, rel=1e-4, abs=1e-3)
        assert greedy is bool((steps.argmax(-1) == torch.tensor(target)).all())
    assert model._continuation_ids(context, greedy_text, model._text_ids(context)) == [next_token]
    assert results[3][1] is True
    if favoured not in ("anger", "sadness"):
        assert results[0][0] > max(results[1][0], results[2][0]) + 20


# --- end to end through lmms-eval ------------------------------------------------------------------


@pytest.mark.e2e
def test_lmms_emotion_eval_with_emovit(emoset_root, tiny_instructblip_dir, tmp_path):
    """`lmms-emotion eval --model emovit --batch_size 8`: free generation and likelihood scoring in one process,
    then the same task data-parallel over two processes."""
    runs = {
        "generate": f"pretrained={tiny_instructblip_dir},device=cpu",
        "likelihood": f"pretrained={tiny_instructblip_dir},device=cpu,scoring=likelihood",
    }
    configs = [{"model": "emovit", "model_args": args, "tasks": "emovit_emoset", "batch_size": 8,
                "output_path": str(tmp_path / name), "log_samples": True} for name, args in runs.items()]
    config_file = tmp_path / "runs.yaml"
    config_file.write_text(yaml.safe_dump(configs))
    proc = run_cli(["lmms-emotion", "eval", "--config", str(config_file)], data_root=emoset_root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

    for name in runs:
        metrics = read_results(tmp_path / name)["results"]["emovit_emoset"]
        assert 0.0 <= metrics["acc,none"] <= 1.0 and isinstance(metrics["per_class_acc,none"], dict)
        samples = read_samples(tmp_path / name, "emovit_emoset")
        assert len(samples) == 16
    likelihood = read_results(tmp_path / "likelihood")["results"]["emovit_emoset"]
    assert likelihood["unparsed_rate,none"] == 0.0  # every answer is a label of the set
    # lmms-eval logs a single response as a plain string
    labels = {s["filtered_resps"] for s in read_samples(tmp_path / "likelihood", "emovit_emoset")}
    assert labels <= {"amusement", "awe", "contentment", "excitement", "anger", "disgust", "fear", "sadness"}
    # --model emovit selects the task's emovit prompt style (lower-case, no punctuation)
    prompt = read_samples(tmp_path / "generate", "emovit_emoset")[0]["input"]
    assert prompt == prompt.lower() and "." not in prompt and "which emotion does this image evoke" in prompt

    # data parallel over two processes (torchrun; CPU-only, so accelerate's MULTI_CPU): same answers
    proc = _torchrun(["-m", "lmms_emotion.cli", "eval", "--model", "emovit", "--model_args",
                      f"pretrained={tiny_instructblip_dir}", "--tasks", "emovit_emoset", "--batch_size", "4",
                      "--output_path", str(tmp_path / "parallel"), "--log_samples"], data_root=emoset_root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "data parallel over 2 processes" in proc.stdout + proc.stderr
    single = {s["doc_id"]: s["filtered_resps"] for s in read_samples(tmp_path / "generate", "emovit_emoset")}
    parallel = {s["doc_id"]: s["filtered_resps"] for s in read_samples(tmp_path / "parallel", "emovit_emoset")}
    assert parallel == single


def _torchrun(args: list[str], *, data_root):
    """Run a module under ``torchrun --nproc_per_node 2`` on CPU processes (gloo), on a free port."""
    import socket
    import subprocess

    from tests.fixtures_data import BIN, cli_env

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [str(BIN / "torchrun"), "--nproc_per_node", "2", "--master_addr", "127.0.0.1",
               "--master_port", str(port), *args]
    return subprocess.run(command, env=cli_env(data_root, ACCELERATE_USE_CPU="1", OMP_NUM_THREADS="1"),
                          capture_output=True, text=True, timeout=600, check=False)
