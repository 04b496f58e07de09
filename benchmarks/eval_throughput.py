"""Evaluation throughput on CPU, each gain as a ratio measured in one run (arms interleaved round by round).

Realistic media written by the script: 640x480 JPEGs with photographic texture (about 100 kB
each) and short MP4s (640x480, 2 s at 8 fps). The model is the test kit's tiny InstructBLIP
with InstructBLIP's 32 query tokens, so host work (decode, resize) and LLM token counts are
realistic while the model itself is small. Sections:

1. **samples/s** of the ``emovit`` wrapper at batch 1/8/32 against lmms-eval's built-in
   ``instructblip`` wrapper (which accepts batch 1 only, so it runs at batch 1, labelled),
   and ``emovit`` at batch 8 against its own serial mode (``prefetch=0``: decode and
   preprocess in the model's thread), on images and on a mixed image/video set. The model
   runs with 1 torch intra-op thread in every arm (``--threads``, printed), the CPU stand-in
   for "the GPU runs the model while host cores prepare the next batch": the prefetch
   threads get the other core. Each arm also prints its CPU use (process CPU-seconds per
   second): above 1.0 the pass used a second core. Every
   answer is forced to the same length (``min_new_tokens = max_new_tokens``, also on the
   built-in's generation config) so the arms do the same work. Arms run one pass each per
   round, in a rotating order; the figure is the median over rounds, and each ratio also
   prints the median of its per-round ratios (both arms of a round saw the same load).
2. **LLM token positions per sample**: closed-set likelihood scoring (8 labels, shared
   prefix) versus generating the answer (the label's tokens plus end-of-sequence), counted
   by a hook on the language model, padding included; and what the previous
   one-pass-per-label scoring computed.
3. **Decode steps per batch** with and without the stop string passed to ``generate``,
   against the longest answer + 1 (the step that completes the stop string).
4. **build-data images/s** at ``--workers 1`` and ``--workers 2`` (EmoSet layout, 640x480
   JPEGs, full decode verification), interleaved rounds after one untimed warm-up build per
   arm (imports, file cache); the same build with ``--verify exists`` (no decoding) shows the
   part of the command outside the worker pool.

::

    python benchmarks/eval_throughput.py                       # all sections, ~3-6 minutes on 2 cores
    python benchmarks/eval_throughput.py --sections 1 --rounds 5
    python benchmarks/eval_throughput.py --quick                # prefetch versus serial only, ~1 minute

The load average is printed at the start and the end: on a shared machine, compare ratios
(arms see the same load) rather than absolute rates.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

LABEL_SET = "mikels8"


# --- media and docs --------------------------------------------------------------------------------


def write_photo(path: Path, seed: int, size: tuple[int, int] = (640, 480)) -> Path:
    """A 640x480 JPEG with photo-like content: a smooth colour field plus fine grain (quality 90)."""
    import numpy as np
    from PIL import Image, ImageFilter

    from lmms_emotion.testing.media_files import write_image

    write_image(path, seed=seed, size=size)  # the test kit's smooth seeded field
    rng = np.random.default_rng(seed)
    base = np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)
    grain = Image.fromarray(rng.integers(0, 255, (size[1] // 4, size[0] // 4, 3), dtype=np.uint8))
    grain = np.asarray(grain.resize(size, Image.BICUBIC).filter(ImageFilter.GaussianBlur(1)), dtype=np.int16)
    pixels = np.clip(base + (grain - 128) // 3 + rng.integers(-10, 11, base.shape), 0, 255).astype(np.uint8)
    Image.fromarray(pixels).save(path, format="JPEG", quality=90)
    return path


def make_docs(folder: Path, images: int, videos: int) -> tuple[list[dict], list[dict]]:
    """(image docs, mixed image/video docs) with our closed-set EmoVIT-style prompt."""
    from lmms_emotion.scoring.labels import get_label_set
    from lmms_emotion.scoring.prompts import apply_style, closed_set_prompt
    from lmms_emotion.testing.media_files import write_video

    labels = list(get_label_set(LABEL_SET).labels)
    prompt = apply_style(closed_set_prompt(labels), "emovit")

    def doc(i: int, kind: str, path: Path) -> dict:
        return {"id": f"bench/{i}", "task": "emotion_closed", "label_set": LABEL_SET, "options": labels, "answer": labels[i % 8],
                "modality": kind, "media_types": [kind], "media_paths": [str(path)], "prompt": prompt}

    image_docs = [doc(i, "image", write_photo(folder / f"photo_{i}.jpg", seed=i)) for i in range(images)]
    clips = [write_video(folder / f"clip_{i}.mp4", seed=i, num_frames=16, fps=8, size=(640, 480))
             for i in range(videos)]
    mixed = list(image_docs)
    for j, clip in enumerate(clips):  # spread the videos through the image docs
        mixed.insert((j * len(mixed)) // max(len(clips), 1), doc(images + j, "video", clip))
    return image_docs, [dict(d, id=f"bench/{i}") for i, d in enumerate(mixed)]


def requests_for(docs: list[dict], gen_kwargs: dict) -> list:
    from lmms_eval.api.instance import Instance

    from lmms_emotion.scoring.hooks import doc_to_visual

    return [Instance("generate_until", (d["prompt"], dict(gen_kwargs), doc_to_visual, i, "bench", "test"), idx=0,
                     metadata={"task": "bench", "doc_id": i, "repeats": 1}) for i, d in enumerate(docs)]


def attach(model, docs: list[dict]):
    model.task_dict = {"bench": {"test": docs}}
    return model


class PositionCounter:
    """Counts the language model's forward calls and the token positions they compute (padding included)."""

    def __init__(self, module) -> None:
        self.calls = 0
        self.positions = 0
        self.handle = module.register_forward_pre_hook(self._hook, with_kwargs=True)

    def _hook(self, module, args, kwargs) -> None:
        tensor = kwargs.get("inputs_embeds")
        if tensor is None:
            tensor = kwargs.get("input_ids", args[0] if args else None)
        self.calls += 1
        self.positions += int(tensor.shape[0] * tensor.shape[1])

    def remove(self) -> None:
        self.handle.remove()


def per_round(ratios: list[float]) -> str:
    """The median and range of per-round ratios (the two arms of a round saw the same load)."""
    return f"per round {statistics.median(ratios):.2f}x median, {min(ratios):.2f}-{max(ratios):.2f}x"


def loadavg() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} CPUs"


# --- section 1: samples/s --------------------------------------------------------------------------


def section_throughput(args, model_dir: Path, image_docs: list[dict], mixed_docs: list[dict]) -> None:
    import torch
    from lmms_emotion.models.emovit import EmoVIT
    from lmms_eval.models.simple.instructblip import InstructBLIP

    gen_kwargs = {"max_new_tokens": args.max_new_tokens, "min_new_tokens": args.max_new_tokens,
                  "do_sample": False, "until": ["\n\n"]}

    def builtin() -> InstructBLIP:
        model = InstructBLIP(pretrained=str(model_dir), device="cpu", batch_size=1)
        model.model.language_model.generation_config.min_new_tokens = args.max_new_tokens  # same work
        model.model.generation_config.min_new_tokens = args.max_new_tokens
        return model

    def ours(batch_size: int, prefetch: int) -> EmoVIT:
        return EmoVIT(pretrained=str(model_dir), device="cpu", batch_size=batch_size, prefetch=prefetch,
                      num_frames=args.num_frames)

    serial_arms = {
        "emovit batch 8": (ours(8, args.prefetch), image_docs),
        "emovit batch 8, serial (prefetch=0)": (ours(8, 0), image_docs),
        "emovit batch 8, images+videos": (ours(8, args.prefetch), mixed_docs),
        "emovit batch 8, images+videos, serial": (ours(8, 0), mixed_docs),
    }
    if args.quick:
        arms = serial_arms
    else:
        arms = {
            "instructblip built-in, batch 1 (its only batch size)": (builtin(), image_docs),
            "emovit batch 1": (ours(1, args.prefetch), image_docs),
            "emovit batch 32": (ours(32, args.prefetch), image_docs),
            **serial_arms,
        }
    for model, docs in arms.values():  # warm-up: load code paths, allocator, file cache
        attach(model, docs).generate_until(requests_for(docs[:2], gen_kwargs))
    rates: dict[str, list[float]] = {name: [] for name in arms}
    busy: dict[str, list[float]] = {name: [] for name in arms}
    names = list(arms)
    print(f"\n[1] samples/s, {len(image_docs)} images (640x480 JPEG) / {len(mixed_docs)} images+videos, "
          f"{args.max_new_tokens} new tokens each, {args.rounds} rounds (arms interleaved, order rotated each round)")
    print(f"  setting: torch intra-op threads {torch.get_num_threads()} and inter-op threads "
          f"{torch.get_num_interop_threads()} in every arm (the model, and preprocessing wherever it runs); "
          f"prefetch arms decode + preprocess in {args.prefetch} prefetch threads, serial arms in the model's thread; "
          f"{os.cpu_count()} CPUs")
    print(f"  before: {loadavg()}")
    for round_index in range(args.rounds):
        order = names[round_index % len(names):] + names[:round_index % len(names)]
        for name in order:
            model, docs = arms[name]
            requests = requests_for(docs, gen_kwargs)
            cpu_start, start = time.process_time(), time.perf_counter()
            answers = model.generate_until(requests)
            seconds = time.perf_counter() - start
            rates[name].append(len(docs) / seconds)
            busy[name].append((time.process_time() - cpu_start) / seconds)
            if len(answers) != len(docs):
                raise SystemExit(f"{name}: {len(answers)} answers for {len(docs)} requests")
    print(f"  after:  {loadavg()}")
    median = {name: statistics.median(values) for name, values in rates.items()}
    print("  (CPU = process CPU-seconds per second of the pass: above 1.0 the pass used a second core)")
    for name in names:
        runs = ", ".join(f"{r:.1f}" for r in rates[name])
        print(f"  {name:52s} {median[name]:7.2f} samples/s   CPU {statistics.median(busy[name]):4.2f}   (rounds: {runs})")
    print("  ratios:")
    if not args.quick:
        builtin_name = names[0]
        for batch in (1, 8, 32):
            name = f"emovit batch {batch}"
            label = "same batch size" if batch == 1 else f"built-in has no batch {batch}"
            print(f"    {f'{name} / built-in batch 1 ({label}):':62s}{median[name] / median[builtin_name]:6.2f}x")
    for label, fast, slow in (("images", "emovit batch 8", "emovit batch 8, serial (prefetch=0)"),
                              ("images+videos", "emovit batch 8, images+videos", "emovit batch 8, images+videos, serial")):
        paired = [a / b for a, b in zip(rates[fast], rates[slow])]
        print(f"    {f'emovit batch 8 / its serial mode ({label}):':62s}{median[fast] / median[slow]:6.2f}x   "
              f"(target >= 1.5x; {per_round(paired)})")


# --- section 2: LLM positions ----------------------------------------------------------------------


def section_positions(args, model_dir: Path, image_docs: list[dict]) -> None:
    from lmms_emotion.models.emovit import EmoVIT

    docs = image_docs[:16]
    labels = list(docs[0]["options"])
    scorer = attach(EmoVIT(pretrained=str(model_dir), device="cpu", batch_size=8, scoring="likelihood"), docs)
    prompt_ids = scorer._text_ids(docs[0]["prompt"])
    label_ids = [scorer._continuation_ids(docs[0]["prompt"], " " + label, prompt_ids) for label in labels]
    answer_tokens = max(len(ids) for ids in label_ids) + 1  # the longest label, then end-of-sequence
    prompt_positions = scorer.num_query_tokens + len(prompt_ids)

    counter = PositionCounter(scorer.model.language_model)
    scorer.generate_until(requests_for(docs, {}))
    likelihood = counter.positions / len(docs)
    counter.remove()

    generator = attach(EmoVIT(pretrained=str(model_dir), device="cpu", batch_size=8), docs)
    counter = PositionCounter(generator.model.language_model)
    generator.generate_until(requests_for(docs, {"max_new_tokens": answer_tokens, "min_new_tokens": answer_tokens}))
    generation = counter.positions / len(docs)
    counter.remove()
    previous = sum(prompt_positions + len(ids) for ids in label_ids)  # one full pass per label (no padding)
    print(f"\n[2] LLM token positions per sample (closed set, {len(labels)} labels of {min(map(len, label_ids))}-"
          f"{max(map(len, label_ids))} tokens; prompt = {scorer.num_query_tokens} query embeddings + "
          f"{len(prompt_ids)} text tokens; batch 8)")
    print(f"  generation (answer = longest label + end-of-sequence, {answer_tokens} steps): {generation:8.1f}")
    print(f"  likelihood scoring, shared prefix (now):                     {likelihood:8.1f}   "
          f"{likelihood / generation:5.2f}x generation")
    print(f"  likelihood scoring, one pass per label (previous, unpadded): {previous:8.1f}   "
          f"{previous / generation:5.2f}x generation")


# --- section 3: decode steps -----------------------------------------------------------------------


def section_decode_steps(args, model_dir: Path, image_docs: list[dict]) -> None:
    from lmms_emotion.models.emovit import EmoVIT

    # varied prompts, so the (untrained) model's answers differ in length across docs
    openings = ["", "Look closely. ", "A photo: ", "Think about the colours. ", "Quick answer please. ",
                "Consider the people in it. ", "Here is an image. ", "Be careful. "]
    docs = [dict(d, prompt=openings[i % 8] * (1 + i // 8) + d["prompt"]) for i, d in enumerate(image_docs[:16])]
    limit = 48
    model = attach(EmoVIT(pretrained=str(model_dir), device="cpu", batch_size=8, repetition_penalty=1.0), docs)
    tokenizer = model.tokenizer
    # each doc's answer without stop strings, with its token ids, to find a stop string several answers contain
    raw_ids: list[list[int]] = []
    original = tokenizer.batch_decode

    def capture(ids, **kwargs):
        raw_ids.extend([int(t) for t in row] for row in ids)
        return original(ids, **kwargs)

    tokenizer.batch_decode = capture
    counter = PositionCounter(model.model.language_model)
    texts = model.generate_until(requests_for(docs, {"max_new_tokens": limit}))
    steps_without = counter.calls / 2  # two batches of 8
    counter.remove()
    del tokenizer.batch_decode
    counts: dict[str, int] = {}
    for text in texts:
        for piece in {text[i:i + 5] for i in range(1, len(text) - 4) if text[i:i + 5].isalpha()}:
            counts[piece] = counts.get(piece, 0) + 1
    # a string most answers contain, first written around the middle of the answers (answers of different lengths)
    middle = statistics.median(len(t) for t in texts) / 2
    most = max(counts.values())
    common = [p for p in sorted(counts) if counts[p] == most]
    stops = [min(common, key=lambda p: abs(statistics.median(t.find(p) for t in texts if p in t) - middle))]
    covered = sum(any(stop in t for stop in stops) for t in texts)

    def needed(ids: list[int]) -> int:
        for k in range(1, len(ids) + 1):
            if any(stop in tokenizer.decode(ids[:k], skip_special_tokens=True) for stop in stops):
                return k
        return len(ids)

    # the collator orders requests longest first; batches are consecutive in that order
    order = sorted(range(len(docs)), key=lambda i: (-model.request_cost(model._unpack(i, requests_for(docs, {})[i],
                                                                                         "generate")), i))
    by_doc = {doc_index: needed(raw_ids[position]) for position, doc_index in enumerate(order)}
    per_batch_calls: list[int] = []
    counter = PositionCounter(model.model.language_model)
    generate = model.generate_batch

    def counted(samples, generation, prepared=None):
        before = counter.calls
        out = generate(samples, generation, prepared=prepared)
        per_batch_calls.append(counter.calls - before)
        return out

    model.generate_batch = counted
    model.generate_until(requests_for(docs, {"max_new_tokens": limit, "until": stops}))
    counter.remove()
    print(f"\n[3] decode steps per batch of 8 (max_new_tokens {limit}, stop strings {stops} found in "
          f"{covered} of {len(docs)} answers)")
    for batch_index, calls in enumerate(per_batch_calls):
        rows = order[batch_index * 8:(batch_index + 1) * 8]
        longest, shortest = max(by_doc[i] for i in rows), min(by_doc[i] for i in rows)
        print(f"  batch {batch_index}: without stop strings {steps_without:4.0f}, with stop strings {calls:3d}; "
              f"longest answer + 1 = {longest - 1} + 1 = {longest} (answers of {shortest - 1}-{longest - 1} tokens)")


# --- section 4: build-data workers -----------------------------------------------------------------


def section_build_data(args, folder: Path) -> None:
    from lmms_emotion.cli import main as cli_main
    from lmms_emotion.testing.raw_emoset import write_emoset

    raw = folder / "raw_emoset"
    per_split = {"train": args.build_images // 16, "val": args.build_images // 32, "test": args.build_images // 32}
    write_emoset(raw, per_class=per_split, image_size=(64, 48))
    images = sorted((raw / "image").rglob("*.jpg"))
    for seed, path in enumerate(images):
        write_photo(path, seed=1000 + seed)
    arms = {"--workers 1": ["--workers", "1"], "--workers 2": ["--workers", "2"],
            "--workers 1 --verify exists": ["--workers", "1", "--verify", "exists"]}
    seconds: dict[str, list[float]] = {name: [] for name in arms}

    def build(name: str, out: Path) -> float:
        start = time.perf_counter()
        code = cli_main(["build-data", "emoset", "--raw", str(raw), "--data-root", str(out), *arms[name]])
        if code not in (0, None):
            raise SystemExit(f"build-data {' '.join(arms[name])} failed with exit code {code}")
        return time.perf_counter() - start

    names = list(arms)
    for index, name in enumerate(names):  # untimed warm-up: the first build imports the builders, fills file caches
        build(name, folder / f"built_warmup_{index}")
    print(f"\n[4] build-data emoset, {len(images)} JPEGs of 640x480, --verify decode, {args.rounds} rounds "
          "(arms interleaved, order rotated; one untimed warm-up build per arm first)")
    print(f"  before: {loadavg()}")
    for round_index in range(args.rounds):
        for name in names[round_index % len(names):] + names[:round_index % len(names)]:
            seconds[name].append(build(name, folder / f"built_{round_index}_{names.index(name)}"))
    print(f"  after:  {loadavg()}")
    median = {name: statistics.median(values) for name, values in seconds.items()}
    for name in names:
        runs = ", ".join(f"{len(images) / t:.1f}" for t in seconds[name])
        print(f"  {name:30s} {len(images) / median[name]:7.1f} images/s   {median[name]:6.3f} s   (rounds: {runs})")
    one, two, rest = median["--workers 1"], median["--workers 2"], median["--workers 1 --verify exists"]
    paired = [a / b for a, b in zip(seconds["--workers 1"], seconds["--workers 2"])]
    print(f"  ratio 2 workers / 1 worker (whole command): {one / two:5.2f}x   (target >= 1.6x; {per_round(paired)})")
    print(f"  the same build without decoding (--verify exists) takes {rest:.3f} s: listing, splits, records and "
          f"manifest, outside the worker pool;\n  decoding alone (whole command minus that): 1 worker "
          f"{len(images) / max(one - rest, 1e-9):.1f} images/s, 2 workers {len(images) / max(two - rest, 1e-9):.1f} "
          f"images/s, {(one - rest) / max(two - rest, 1e-9):.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sections", default="1,2,3,4")
    parser.add_argument("--quick", action="store_true",
                        help="section 1 only, and only its prefetch-versus-serial arms (about a minute)")
    parser.add_argument("--images", type=int, default=256,
                        help="image docs (section 1; 256 = 32 batches of 8: the pipeline's fill and drain, the "
                             "first batch decoded with nothing to overlap and the last run with nothing left to "
                             "decode, are 2 of 32 batches)")
    parser.add_argument("--videos", type=int, default=16, help="video docs added to the mixed set (section 1)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-new-tokens", type=int, default=8)
    parser.add_argument("--num-frames", type=int, default=8)
    parser.add_argument("--prefetch", type=int, default=2)
    parser.add_argument("--build-images", type=int, default=256, help="images in the build-data section")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch CPU threads (default 1: the machine is shared; 0 keeps torch's default)")
    args = parser.parse_args()

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    warnings.filterwarnings("ignore")
    import torch
    from loguru import logger
    from transformers.utils import logging as hf_logging

    from lmms_emotion.testing.tiny_models import build_tiny_instructblip

    logger.remove()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    os.environ["TQDM_DISABLE"] = "1"
    if args.threads:
        torch.set_num_threads(args.threads)
    sections = {1} if args.quick else {int(s) for s in args.sections.split(",") if s.strip()}
    folder = Path(tempfile.mkdtemp(prefix="lmms_emotion_eval_throughput_"))
    print(f"start: {loadavg()}")
    print(f"model: the test kit's tiny InstructBLIP with 32 query tokens (fp32, CPU); torch {torch.__version__}")
    model_dir = build_tiny_instructblip(folder / "tiny_instructblip", seed=0, num_query_tokens=32)
    image_docs, mixed_docs = make_docs(folder / "media", args.images, args.videos)
    if 1 in sections:
        section_throughput(args, model_dir, image_docs, mixed_docs)
    if 2 in sections:
        section_positions(args, model_dir, image_docs)
    if 3 in sections:
        section_decode_steps(args, model_dir, image_docs)
    if 4 in sections:
        section_build_data(args, folder)
    print(f"\nend: {loadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
