"""Throughput changes keep outputs identical: prefetching, stop strings in ``generate``, shared-prefix scoring.

The expected outputs come from the previous implementation's way of computing them, kept
here as plain reference loops: generation one sample at a time to ``max_new_tokens`` and
cut at the stop string afterwards; likelihood scoring by one full forward pass over
``prompt + label`` per candidate. Docs mix images and videos, at batch 1 and batch > 1.
"""

from __future__ import annotations

import re
import threading

import pytest
import torch
from lmms_emotion.models.hf_base import (
    AUTO_BATCH_SIZE,
    PREFETCH_THREAD_PREFIX,
    ContinuationScore,
    Sample,
    largest_fitting_batch,
    truncate_at_stop,
)
from lmms_eval.api.instance import Instance

from lmms_emotion.scoring.hooks import doc_options, doc_to_text, doc_to_visual

TASK, SPLIT = "toy_throughput", "test"
EMOVIT_PROMPTS = [
    "which emotion does this image evoke",
    "Describe this image.",
    "The photo is bright",
    "x y z",
    "What is the person feeling? Explain why.",
    "Is this humorous?",
]


def _doc(index: int, kind: str, path: str, prompt: str = "", label_set: str = "mikels8") -> dict:
    from lmms_emotion.scoring.hooks import candidate_options

    return {"id": f"toy/{index}", "task": "emotion_closed", "source": "toy", "split": SPLIT, "modality": kind,
            "text": "", "label_set": label_set, "options": candidate_options("emotion_closed", label_set),
            "answer": "awe", "media_types": [kind], "media_paths": [path], "meta": "{}", "prompt": prompt}


@pytest.fixture(scope="module")
def mixed_media(tmp_path_factory) -> tuple[list[str], list[str]]:
    from lmms_emotion.testing.media_files import write_image, write_video

    folder = tmp_path_factory.mktemp("throughput_media")
    images = [str(write_image(folder / f"img_{i}.jpg", seed=i, size=(40 + 8 * i, 36))) for i in range(4)]
    videos = [str(write_video(folder / f"vid_{i}.mp4", seed=i, num_frames=6 + 3 * i)) for i in range(2)]
    return images, videos


@pytest.fixture(scope="module")
def emovit_docs(mixed_media) -> list[dict]:
    images, videos = mixed_media
    kinds = [("image", images[0]), ("video", videos[0]), ("image", images[1]), ("image", images[2]),
             ("video", videos[1]), ("image", images[3])]
    return [_doc(i, kind, path, EMOVIT_PROMPTS[i]) for i, (kind, path) in enumerate(kinds)]


def _requests(docs: list[dict], gen_kwargs: dict, text=lambda d: d["prompt"]) -> list[Instance]:
    return [Instance("generate_until", (text(d), dict(gen_kwargs), doc_to_visual, i, TASK, SPLIT), idx=0,
                     metadata={"task": TASK, "doc_id": i, "repeats": 1}) for i, d in enumerate(docs)]


def _attach(model, docs):
    model.task_dict = {TASK: {SPLIT: docs}}
    return model


def _emovit(model_dir, **kwargs):
    from lmms_emotion.models.emovit import EmoVIT

    return EmoVIT(pretrained=str(model_dir), device="cpu", num_frames=3, repetition_penalty=1.0, **kwargs)


def _reference_raw_texts(model, docs: list[dict], max_new_tokens: int) -> list[str]:
    """The previous generation path, one sample at a time: generate to the limit, no stop strings."""
    texts = []
    for index, _ in enumerate(docs):
        request = model._unpack(index, _requests(docs, {})[index], "generate")
        sample = model.build_sample(request)
        settings, _ = model.generation_settings({"max_new_tokens": max_new_tokens})
        texts.append(model.generate_batch([sample], settings))
    return [t[0] for t in texts]


def _pick_stop(texts: list[str]) -> str:
    """A 5-letter string that several reference answers contain after their start (so stopping really happens)."""
    counts: dict[str, int] = {}
    for text in texts:
        found = {text[i:i + 5] for i in range(1, len(text) - 4) if text[i:i + 5].isalpha()}
        for piece in found:
            counts[piece] = counts.get(piece, 0) + 1
    piece = max(sorted(counts), key=lambda w: counts[w])
    assert counts[piece] >= 2, f"no string shared by two answers in {texts}"
    return piece


class _ForwardCounter:
    """Counts the language model's forward calls (one per decoded token after the prefill)."""

    def __init__(self, module: torch.nn.Module) -> None:
        self.calls = 0
        self.handle = module.register_forward_pre_hook(self._hook)

    def _hook(self, module, args) -> None:
        self.calls += 1


LIMIT = 20


@pytest.fixture(scope="module")
def emovit_raw(tiny_instructblip_dir, emovit_docs) -> tuple[list[str], str]:
    """Reference answers generated one by one to the limit, and a stop string several of them contain."""
    reference = _attach(_emovit(tiny_instructblip_dir, prefetch=0), emovit_docs)
    raw = _reference_raw_texts(reference, emovit_docs, LIMIT)
    return raw, _pick_stop(raw)


def test_emovit_generation_with_stop_strings_and_prefetch_equals_reference(tiny_instructblip_dir, emovit_docs,
                                                                           emovit_raw):
    limit = LIMIT
    raw, stop = emovit_raw
    expected = [truncate_at_stop(text, [stop]).strip() for text in raw]
    assert sum(stop in text for text in raw) >= 2
    gen_kwargs = {"max_new_tokens": limit, "until": [stop]}

    for batch_size, prefetch in ((1, 2), (len(emovit_docs), 2), (4, 0)):
        model = _attach(_emovit(tiny_instructblip_dir, batch_size=batch_size, prefetch=prefetch), emovit_docs)
        assert model.generate_until(_requests(emovit_docs, gen_kwargs)) == expected, (batch_size, prefetch)


def test_decode_steps_per_batch_are_the_longest_answer_plus_one(tiny_instructblip_dir, emovit_docs, emovit_raw):
    """With the stop string passed to ``generate``, a batch stops once every row has produced it."""
    limit = LIMIT
    stop = emovit_raw[1]
    reference = _attach(_emovit(tiny_instructblip_dir, prefetch=0), emovit_docs)
    gen_kwargs = {"max_new_tokens": limit, "until": [stop]}

    # tokens each row needs until its stop string is complete: the smallest k whose decoded prefix contains it
    needed = []
    tokenizer = reference.tokenizer
    for index, _ in enumerate(emovit_docs):
        sample = reference.build_sample(reference._unpack(index, _requests(emovit_docs, {})[index], "generate"))
        settings, _ = reference.generation_settings({"max_new_tokens": limit})
        captured: list[list[int]] = []
        original = tokenizer.batch_decode
        tokenizer.batch_decode = lambda ids, **kw: (captured.append([int(t) for t in ids[0]]), original(ids, **kw))[1]
        try:
            reference.generate_batch([sample], settings)
        finally:
            del tokenizer.batch_decode
        ids = captured[0]
        prefixes = [tokenizer.decode(ids[:k], skip_special_tokens=True) for k in range(1, len(ids) + 1)]
        needed.append(next((k for k, text in enumerate(prefixes, start=1) if stop in text), len(ids)))
    assert min(needed) < limit and max(needed) <= limit

    single = _attach(_emovit(tiny_instructblip_dir, batch_size=1), emovit_docs)
    counter = _ForwardCounter(single.model.language_model)
    single.generate_until(_requests(emovit_docs, gen_kwargs))
    assert counter.calls == sum(needed)  # per request: its answer's tokens + the one completing the stop

    batched = _attach(_emovit(tiny_instructblip_dir, batch_size=len(emovit_docs)), emovit_docs)
    counter = _ForwardCounter(batched.model.language_model)
    batched.generate_until(_requests(emovit_docs, gen_kwargs))
    assert counter.calls == max(needed) < len(emovit_docs) * limit


def _emovit_reference_scores(model, sample: Sample, labels: list[str]) -> list[float]:
    """The previous scoring path: one full forward pass over ``[queries][prompt + label]`` per candidate
    (the Q-Former sees the prompt only, as before)."""
    from lmms_emotion.models.hf_base import position_ids_from_mask

    context_ids = model._text_ids(sample.context)
    media = model.encode_media([sample])
    values = []
    for label in labels:
        target = model._continuation_ids(sample.context, " " + label, context_ids)
        embeds, mask, _ = model.assemble([(0, context_ids + target)], media)
        with torch.no_grad():
            logits = model.model.language_model(inputs_embeds=embeds, attention_mask=mask,
                                                position_ids=position_ids_from_mask(mask)).logits[0]
        steps = torch.log_softmax(logits[-len(target) - 1:-1].float(), dim=-1)
        values.append(float(steps.gather(-1, torch.tensor(target)[:, None]).sum()))
    return values


@pytest.fixture(scope="module")
def emovit_reference(tiny_instructblip_dir, emovit_docs) -> tuple[list[str], list[list[float]]]:
    """Reference answers and label scores of every doc (computed once for both batch sizes)."""
    model = _attach(_emovit(tiny_instructblip_dir, prefetch=0), emovit_docs)
    labels = doc_options(emovit_docs[0])
    samples = [model.build_sample(model._unpack(i, r, "generate")) for i, r in enumerate(_requests(emovit_docs, {}))]
    assert {v.kind for s in samples for v in s.visuals} == {"image", "video"}
    scores = [_emovit_reference_scores(model, sample, labels) for sample in samples]
    answers = [labels[max(range(len(labels)), key=lambda i: row[i])] for row in scores]
    assert len(set(answers)) >= 2, "the reference answers differ across docs (the check is not vacuous)"
    return answers, scores


@pytest.mark.parametrize("batch_size", [1, 6])
def test_emovit_likelihood_rankings_equal_the_full_pass_reference(tiny_instructblip_dir, emovit_docs,
                                                                  emovit_reference, batch_size):
    expected, reference_scores = emovit_reference
    model = _attach(_emovit(tiny_instructblip_dir, batch_size=batch_size, scoring="likelihood"), emovit_docs)
    assert model.generate_until(_requests(emovit_docs, {"max_new_tokens": 4})) == expected
    if batch_size > 1:  # the scores themselves, batched over mixed media, equal the reference up to float noise
        labels = doc_options(emovit_docs[0])
        samples = [model.build_sample(model._unpack(i, r, "generate"))
                   for i, r in enumerate(_requests(emovit_docs, {}))]
        scores = model.score_batch(samples, [[" " + label for label in labels]] * len(samples))
        for row, reference in zip(scores, reference_scores):
            assert [s.logprob for s in row] == pytest.approx(reference, rel=1e-4, abs=1e-4)


# --- EmoLLM on Video-LLaVA: images and videos in one batch ---------------------------------------


@pytest.fixture(scope="module")
def emollm_run(tiny_video_llava_dir, tmp_path_factory):
    from lmms_emotion.models.emollm_model import (
        EmoLLMForConditionalGeneration,
        load_processor,
    )
    from lmms_emotion.models.mvp import MVPConfig

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(5)
        model = EmoLLMForConditionalGeneration.from_base(
            tiny_video_llava_dir, MVPConfig(num_queries=3, query_heads=4, temporal_heads=4))
        with torch.no_grad():
            for param in model.mvp.parameters():
                param.add_(torch.randn(param.shape) * 0.05)
    processor = load_processor(tiny_video_llava_dir, model.emollm_config.mvp)
    return model.save_pretrained(tmp_path_factory.mktemp("emollm_throughput") / "run", processor=processor)


@pytest.fixture(scope="module")
def emollm_docs(mixed_media) -> list[dict]:
    images, videos = mixed_media
    kinds = [("image", images[0]), ("video", videos[0]), ("image", images[1]), ("video", videos[1]),
             ("image", images[2])]
    return [_doc(i, kind, path) for i, (kind, path) in enumerate(kinds)]


def _emollm(folder, **kwargs):
    from lmms_emotion.models.emollm import EmoLLM

    return EmoLLM(pretrained=str(folder), device="cpu", **kwargs)


def _emollm_reference_scores(lm, sample: Sample, labels: list[str]) -> list[float]:
    single = lm.encode_prompts([sample])
    prompt = lm.render_prompt(lm._media_items(sample)[0], lm.question(sample))
    values = []
    for label in labels:
        cont_ids = lm._continuation_ids(prompt, " " + label)
        ids = torch.cat([single["input_ids"], torch.tensor([cont_ids])], dim=1)
        with torch.no_grad():
            logits = lm.model(input_ids=ids, attention_mask=torch.ones_like(ids),
                              pixel_values=single.get("pixel_values"),
                              pixel_values_videos=single.get("pixel_values_videos")).logits[0]
        steps = torch.log_softmax(logits[-len(cont_ids) - 1:-1].float(), dim=-1)
        values.append(float(steps.gather(-1, torch.tensor(cont_ids)[:, None]).sum()))
    return values


@pytest.fixture(scope="module")
def emollm_reference(emollm_run, emollm_docs) -> list[str]:
    lm = _attach(_emollm(emollm_run, prefetch=0), emollm_docs)
    labels = doc_options(emollm_docs[0])
    answers = []
    for i, request in enumerate(_requests(emollm_docs, {}, text=doc_to_text)):
        values = _emollm_reference_scores(lm, lm.build_sample(lm._unpack(i, request, "generate")), labels)
        answers.append(labels[max(range(len(labels)), key=lambda j: values[j])])
    return answers


@pytest.mark.parametrize("batch_size", [1, 5])
def test_emollm_likelihood_rankings_equal_the_full_pass_reference(emollm_run, emollm_docs, emollm_reference,
                                                                  batch_size):
    lm = _attach(_emollm(emollm_run, batch_size=batch_size, scoring="likelihood"), emollm_docs)
    assert lm.generate_until(_requests(emollm_docs, {}, text=doc_to_text)) == emollm_reference


def test_emollm_generation_with_stop_strings_equals_reference(emollm_run, emollm_docs):
    limit = 16
    reference = _attach(_emollm(emollm_run, prefetch=0), emollm_docs)
    raw = []
    for index, request in enumerate(_requests(emollm_docs, {}, text=doc_to_text)):
        sample = reference.build_sample(reference._unpack(index, request, "generate"))
        settings, _ = reference.generation_settings({"max_new_tokens": limit})
        raw.append(reference.generate_batch([sample], settings)[0])
    stop = _pick_stop(raw)
    expected = [truncate_at_stop(text, [stop]).strip() for text in raw]
    for batch_size in (1, len(emollm_docs)):
        lm = _attach(_emollm(emollm_run, batch_size=batch_size), emollm_docs)
        got = lm.generate_until(_requests(emollm_docs, {"max_new_tokens": limit, "until": [stop]}, text=doc_to_text))
        assert got == expected, batch_size


# --- machinery -------------------------------------------------------------------------------------


def test_prefetch_threads_decode_and_serial_mode_does_not(tiny_instructblip_dir, emovit_docs):
    for prefetch, in_workers in ((2, True), (0, False)):
        model = _attach(_emovit(tiny_instructblip_dir, batch_size=2, prefetch=prefetch), emovit_docs)
        threads: list[str] = []
        original = model.build_sample

        def recording(request, original=original):
            threads.append(threading.current_thread().name)
            return original(request)

        model.build_sample = recording
        model.generate_until(_requests(emovit_docs, {"max_new_tokens": 3}))
        assert len(threads) == len(emovit_docs)
        assert all(name.startswith(PREFETCH_THREAD_PREFIX) for name in threads) is in_workers
        assert any(name.startswith(PREFETCH_THREAD_PREFIX) for name in threads) is in_workers


@pytest.mark.parametrize("bad", ["-1", "two", "1.5", ""])
def test_bad_thread_and_frame_counts_name_the_argument(tiny_instructblip_dir, bad):
    """A model arg that is not a whole number fails before loading, naming the argument and the value given."""
    from lmms_emotion.models.emovit import EmoVIT

    with pytest.raises(ValueError, match=r"prefetch must be a whole number >= 0.*" + re.escape(repr(bad))):
        _emovit(tiny_instructblip_dir, prefetch=bad)
    with pytest.raises(ValueError, match=r"num_frames must be a whole number >= 1.*" + re.escape(repr(bad))):
        EmoVIT(pretrained=str(tiny_instructblip_dir), device="cpu", num_frames=bad)


def test_prefetch_threads_share_the_decoding_of_one_batch(tiny_instructblip_dir, emovit_docs):
    """Each request is decoded as its own task: the first batch (nothing overlaps it) uses both threads."""
    import time

    model = _attach(_emovit(tiny_instructblip_dir, batch_size=2, prefetch=2), emovit_docs)
    decoded_by: dict[int, str] = {}
    original = model.build_sample

    def slow(request, original=original):
        time.sleep(0.05)  # a slow decode: the second task must not wait for the first thread
        decoded_by[request.index] = threading.current_thread().name
        return original(request)

    model.build_sample = slow
    items = [model._unpack(i, r, "generate") for i, r in enumerate(_requests(emovit_docs, {}))]
    first = [r.index for r in next(iter(model._batches(items, group=True)[1]))]
    serial = _attach(_emovit(tiny_instructblip_dir, batch_size=2, prefetch=0), emovit_docs)
    gen_kwargs = {"max_new_tokens": 3}
    assert model.generate_until(_requests(emovit_docs, gen_kwargs)) == serial.generate_until(
        _requests(emovit_docs, gen_kwargs))
    assert sorted(decoded_by) == list(range(len(emovit_docs)))
    assert len({decoded_by[i] for i in first}) == 2, decoded_by


def test_prefetch_errors_reach_the_caller(tiny_instructblip_dir, emovit_docs, tmp_path):
    broken = [dict(emovit_docs[0], media_paths=[str(tmp_path / "missing.jpg")])] + emovit_docs[1:]
    model = _attach(_emovit(tiny_instructblip_dir, batch_size=2), broken)
    with pytest.raises(FileNotFoundError, match="missing.jpg"):
        model.generate_until(_requests(broken, {"max_new_tokens": 3}))


def test_batches_are_ordered_by_media_tokens_too(tiny_instructblip_dir, emovit_docs):
    model = _attach(_emovit(tiny_instructblip_dir), emovit_docs)
    items = [model._unpack(i, r, "generate") for i, r in enumerate(_requests(emovit_docs, {}))]
    costs = {item.index: model.request_cost(item) for item in items}
    video_ids = [i for i, d in enumerate(emovit_docs) if d["media_types"] == ["video"]]
    for i in video_ids:  # a video counts num_frames x 4 queries, so videos sort before every image
        assert costs[i] > max(costs[j] for j in costs if j not in video_ids)
    model.batch_size_per_gpu = 2
    _, batches = model._batches(items, group=True)
    first = next(iter(batches))
    assert sorted(r.index for r in first) == sorted(video_ids)


def test_auto_batch_size(tiny_instructblip_dir, emovit_docs):
    model = _attach(_emovit(tiny_instructblip_dir, batch_size="auto", max_batch_size=3), emovit_docs)
    assert model.batch_size == 3  # CPU: no out-of-memory signal, max_batch_size is used
    answers = model.generate_until(_requests(emovit_docs, {"max_new_tokens": 3}))
    assert len(answers) == len(emovit_docs) and model.batch_size == 3
    assert _emovit(tiny_instructblip_dir, batch_size="auto").batch_size == 8

    tried: list[int] = []

    def run(size: int) -> None:
        tried.append(size)
        if size > 10:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    assert largest_fitting_batch(64, run) == 8 and tried == [64, 32, 16, 8]
    with pytest.raises(ValueError, match="boom"):
        largest_fitting_batch(4, lambda size: (_ for _ in ()).throw(ValueError("boom")))
    assert AUTO_BATCH_SIZE == 0


def test_empty_continuations_score_zero(tiny_instructblip_dir, emovit_docs):
    model = _attach(_emovit(tiny_instructblip_dir), emovit_docs)
    sample = model.build_sample(model._unpack(0, _requests(emovit_docs, {})[0], "generate"))
    assert model.score_batch([sample], [[]]) == [[]]
    assert model.score_batch([sample], [[""]])[0] == [ContinuationScore(0.0, 0, True)]


# --- EmoPrompt: stop once the final-answer line is complete ----------------------------------------


def test_reasoned_text_is_complete_only_when_more_text_cannot_change_the_answer():
    import random

    from lmms_emotion.models.emoprompt import (
        finish_reasoned_text,
        reasoned_text_complete,
    )

    pieces = ["Final answer:", "final answer is -", " sadness", "\n", "\n\n", "  ", "The face", " looks", "STOP",
              "x", "é", "Final answer:\n\njoy", "\n\nmore", "Answer:"]
    rng = random.Random(0)
    stopped_early = 0
    for _ in range(3000):
        full = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        until = rng.choice([[], ["\n\n"], ["STOP"], ["STOP", "\n\n", "x"]])
        for end in range(len(full) + 1):
            if reasoned_text_complete(full[:end], until):
                assert finish_reasoned_text(full[:end], until) == finish_reasoned_text(full, until), (full, until)
                stopped_early += end < len(full)
                break
    assert stopped_early > 500, "the check lets generation stop early in many cases"
    assert reasoned_text_complete("cues...\nFinal answer: joy\nand then more text", ["\n\n"])
    assert not reasoned_text_complete("cues...\nFinal answer: joy", ["\n\n"])
    assert not reasoned_text_complete("no marker yet\n\n\n\n\n\n", [])


def test_final_answer_stop_marks_rows_done_at_the_right_token(tiny_video_llava_dir):
    from lmms_emotion.models.emollm import FinalAnswerStop
    from lmms_emotion.models.emoprompt import finish_reasoned_text
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(tiny_video_llava_dir))
    prompt = tokenizer("USER: which emotion? ASSISTANT:")["input_ids"]
    texts = ["The smile and bright light suggest joy.\nFinal answer: joy\nThe end of it all, said again",
             "Dark colours, a frown. Still thinking about it and thinking some more and more and more"]
    rows = [tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]
    width = max(map(len, rows))
    stop = FinalAnswerStop(tokenizer, len(prompt), ["\n\n"])
    first_done = [None, None]
    for step in range(1, width + 1):
        ids = torch.tensor([prompt + (r[:step] + [tokenizer.pad_token_id] * (step - len(r[:step]))) for r in rows])
        done = stop(ids, None)
        for row, flag in enumerate(done.tolist()):
            if flag and first_done[row] is None:
                first_done[row] = step
    assert first_done[1] is None, "no final-answer line: the row runs to the limit"
    k = first_done[0]
    assert k is not None and k < len(rows[0])
    assert finish_reasoned_text(tokenizer.decode(rows[0][:k], skip_special_tokens=True), ["\n\n"]) == \
        finish_reasoned_text(texts[0], ["\n\n"]) == "The smile and bright light suggest joy.\nFinal answer: joy"


def test_emoprompt_generation_passes_the_final_answer_criterion(emollm_run, emollm_docs, monkeypatch):
    """Wiring: rows the criterion marks done stop early; the others run on; answers come back in order."""
    import lmms_emotion.models.emollm as emollm_module

    limit = 12
    plain = _attach(_emollm(emollm_run, batch_size=5, emoprompt=True, emoprompt_max_new_tokens=limit), emollm_docs)
    requests = _requests(emollm_docs, {"until": ["\n\n"]}, text=doc_to_text)
    full = plain.generate_until(requests)
    monkeypatch.setattr(emollm_module, "reasoned_text_complete", lambda text, until: len(text) >= 8)
    stopped = plain.generate_until(requests)
    for short, long in zip(stopped, full):
        assert long.startswith(short) and len(short) <= len(long)
    assert any(len(short) < len(long) for short, long in zip(stopped, full))


@pytest.mark.parametrize("family", ["emovit", "emollm"])
def test_preprocess_on_device_gives_the_same_inputs(family, tiny_instructblip_dir, emollm_run, emovit_docs, emollm_docs):
    """``preprocess_on_device=true`` hands the device to torchvision-backed image processors (here: the CPU)."""
    if family == "emovit":
        plain, moved = (_attach(_emovit(tiny_instructblip_dir, preprocess_on_device=flag), emovit_docs)
                        for flag in (False, True))
        docs, text = emovit_docs, (lambda d: d["prompt"])
    else:
        plain, moved = (_attach(_emollm(emollm_run, preprocess_on_device=flag), emollm_docs) for flag in (False, True))
        docs, text = emollm_docs, doc_to_text
    from transformers.image_processing_backends import TorchvisionBackend

    on_torch = isinstance(moved.processor.image_processor, TorchvisionBackend)
    assert on_torch or family == "emollm", "InstructBLIP's image processor is torchvision-backed"
    assert plain.image_processor_kwargs(plain.processor.image_processor) == {}
    assert moved.image_processor_kwargs(moved.processor.image_processor) == (
        {"device": torch.device("cpu")} if on_torch else {})  # Video-LLaVA's image processor is PIL-backed
    samples = [plain.build_sample(plain._unpack(i, r, "generate")) for i, r in enumerate(_requests(docs, {}, text=text))]
    a, b = plain.preprocess(samples), moved.preprocess(samples)
    if family == "emovit":
        torch.testing.assert_close(a.pixel_values, b.pixel_values)
    else:
        for key in a.encoded:
            torch.testing.assert_close(a.encoded[key], b.encoded[key])
