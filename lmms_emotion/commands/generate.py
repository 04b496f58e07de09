"""``lmms-emotion generate captions|instructions|rationales``: GPT-assisted training data.

    lmms-emotion generate captions --dataset emoset --split train --out captions.jsonl
    lmms-emotion generate instructions --dataset emoset --split train --captions captions.jsonl \\
        --out-dir gen/emoset_train --model gpt-4o-mini --max-cost 20 --dry-run
    lmms-emotion generate rationales --dataset emoset --split train --captions captions.jsonl --out-dir gen/rat

Exit codes (instructions, rationales): 0 all items done; 1 some items invalid or failed
(see failures.jsonl; re-run to retry them); 2 bad arguments or inputs; 3 stopped at
--max-cost (completed work kept; re-run with a larger budget); 4 fatal API error.
See docs/data_generation.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

DEFAULT_API_MODEL = "gpt-4o-mini"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "generate", help="generate captions, emotion instruction data and EmoPrompt rationales",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="generate_command", required=True, metavar="WHAT")

    captions = sub.add_parser("captions", help="caption the images of records with a local image-to-text model")
    _input_args(captions)
    captions.add_argument("--out", required=True, help="captions JSONL to write (appended; resumable)")
    captions.add_argument("--model", default="Salesforce/blip2-opt-2.7b",
                          help="any transformers image-to-text model id or folder (default BLIP-2 OPT-2.7b)")
    captions.add_argument("--batch-size", type=int, default=8)
    captions.add_argument("--device", default="auto", help="auto (CUDA if available), cpu, cuda, cuda:1, ...")
    captions.add_argument("--dtype", default="auto", help="auto (fp16 on CUDA, fp32 on CPU), float32, bfloat16, ...")
    captions.add_argument("--prompt", default="", help="text the model continues (empty for BLIP-2 captions)")
    captions.add_argument("--max-new-tokens", type=int, default=30)
    captions.add_argument("--no-progress", action="store_true")
    captions.set_defaults(handler=run_captions)

    instructions = sub.add_parser("instructions", help="EmoVIT-style instruction data: categorical, conversation, "
                                                       "reasoning")
    _input_args(instructions)
    _generation_args(instructions)
    instructions.add_argument("--kinds", default="categorical,conversation,reasoning",
                              help="comma-separated subset of categorical,conversation,reasoning")
    instructions.add_argument("--single-turn", action="store_true",
                              help="one record per question-answer pair (EmoVIT's layout) instead of one "
                                   "multi-turn conversation per item")
    instructions.set_defaults(handler=run_instructions)

    rationales = sub.add_parser("rationales", help="EmoPrompt reasoning chains that end in the gold answer")
    _input_args(rationales)
    _generation_args(rationales)
    rationales.set_defaults(handler=run_rationales)


def _input_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("input records")
    group.add_argument("--records", help="a records JSONL file (media root: the 'media' folder beside it)")
    group.add_argument("--dataset", help="a built dataset under the data root, e.g. emoset")
    group.add_argument("--split", help="its split, e.g. train")
    group.add_argument("--data-root", default=None, help="default $LMMS_EMOTION_DATA or ~/.cache/lmms_emotion")
    group.add_argument("--media-root", default=None, help="folder the records' media paths are relative to")
    group.add_argument("--limit", type=int, default=None, help="only the first N usable records (single image; single video for captions and rationales)")


def _generation_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("inputs and outputs")
    group.add_argument("--out-dir", required=True, help="output folder (records, llava.json, summary, cache, log)")
    group.add_argument("--captions", help="captions JSONL/CSV (image -> caption), e.g. from 'generate captions'")
    group.add_argument("--no-captions", action="store_true", help="generate from attributes alone")
    group.add_argument("--missing-captions", choices=("error", "skip", "empty"), default="error",
                       help="records whose image has no caption: stop (default), leave them out, or go on "
                            "without a caption")
    group.add_argument("--prompts", default=None, help="folder of replacement prompt templates (<name>.yaml)")
    api = parser.add_argument_group("model API (OpenAI or any OpenAI-compatible server)")
    api.add_argument("--model", default=DEFAULT_API_MODEL, help=f"model name (default {DEFAULT_API_MODEL})")
    api.add_argument("--base-url", default=None, help="e.g. http://localhost:8000/v1 for a local vLLM/sglang server")
    api.add_argument("--api-key-env", default="OPENAI_API_KEY", help="environment variable holding the API key")
    api.add_argument("--concurrency", type=int, default=16, help="requests in flight at once")
    api.add_argument("--rpm", type=float, default=None, help="requests-per-minute limit")
    api.add_argument("--tpm", type=float, default=None, help="tokens-per-minute limit")
    api.add_argument("--timeout", type=float, default=60.0, help="seconds per request before it is retried")
    api.add_argument("--max-attempts", type=int, default=6, help="attempts per request (429/5xx/timeouts)")
    api.add_argument("--backoff-base", type=float, default=1.0, help="first backoff ceiling in seconds (doubles)")
    api.add_argument("--backoff-max", type=float, default=60.0, help="largest backoff in seconds")
    api.add_argument("--response-format", choices=("json_schema", "json_object", "none"), default="json_schema",
                     help="how JSON replies are requested (validated locally either way)")
    api.add_argument("--max-repairs", type=int, default=2, help="repair requests per unusable reply")
    api.add_argument("--seed", type=int, default=None, help="sampling seed sent to the server")
    api.add_argument("--cache", default=None, help="request cache file (default <out-dir>/requests.cache.jsonl)")
    budget = parser.add_argument_group("budget")
    budget.add_argument("--max-cost", type=float, default=None, help="stop cleanly before spending more USD than this")
    budget.add_argument("--price-in", type=float, default=None, help="USD per 1M input tokens (overrides the table)")
    budget.add_argument("--price-out", type=float, default=None, help="USD per 1M output tokens")
    budget.add_argument("--dry-run", action="store_true", help="print sample prompts and a token/cost estimate; "
                                                               "send nothing")
    budget.add_argument("--samples", type=int, default=2, help="sample prompts per template in --dry-run")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


# --- shared -------------------------------------------------------------------------------


def _fail(message: str) -> int:
    from lmms_emotion.instruct.generation_run import EXIT_USAGE

    print(f"generate: {message}", file=sys.stderr)
    return EXIT_USAGE


def _load_inputs(args: argparse.Namespace, videos: bool = False):
    from lmms_emotion.instruct.inputs import load_inputs

    return load_inputs(args.records, dataset=args.dataset, split=args.split, data_root=args.data_root,
                       media_root=args.media_root, limit=args.limit, videos=videos)


def _captions_for(args: argparse.Namespace, inputs) -> tuple[dict[str, str] | None, list[str]]:
    """(captions or None, image paths left out); raises ValueError with the fix."""
    from lmms_emotion.instruct.captions import read_captions
    from lmms_emotion.instruct.inputs import missing_captions

    if args.no_captions:
        return None, []
    if not args.captions:
        raise ValueError("captions are needed: pass --captions FILE (e.g. from 'lmms-emotion generate captions "
                         "... --out FILE'), or --no-captions to generate from attributes alone")
    captions = read_captions(args.captions)
    missing = missing_captions(inputs.records, captions)
    if missing and args.missing_captions == "error":
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise ValueError(f"{len(missing)} image(s) have no caption in {args.captions}: {shown}. Caption them "
                         "('lmms-emotion generate captions ... --out FILE' resumes where it stopped), or pass "
                         "--missing-captions skip|empty")
    if missing and args.missing_captions == "skip":
        gone = set(missing)
        inputs.skipped.extend((r.id, "no caption") for r in inputs.records if r.media[0].path in gone)
        inputs.records = [r for r in inputs.records if r.media[0].path not in gone]
        return captions, missing
    return captions, []


def _settings(args: argparse.Namespace):
    from lmms_emotion.instruct.client import ClientConfig
    from lmms_emotion.instruct.generation_run import RunSettings

    config = ClientConfig(model=args.model, base_url=args.base_url, api_key_env=args.api_key_env,
                          concurrency=args.concurrency, requests_per_minute=args.rpm, tokens_per_minute=args.tpm,
                          timeout=args.timeout, max_attempts=args.max_attempts, backoff_base=args.backoff_base,
                          backoff_max=args.backoff_max, price_in=args.price_in, price_out=args.price_out,
                          max_cost=args.max_cost)
    out_dir = Path(args.out_dir).expanduser().absolute()
    return RunSettings(out_dir=out_dir, client=config, response_format=args.response_format,
                       max_repairs=args.max_repairs, cache_path=Path(args.cache).expanduser() if args.cache else None,
                       seed=args.seed, progress=not args.no_progress,
                       single_turn=getattr(args, "single_turn", False),
                       prompts_dir=Path(args.prompts).expanduser() if args.prompts else None,
                       dry_run_samples=args.samples)


def _preflight(args: argparse.Namespace, settings, inputs, stem: str) -> None:
    """Checks before anything is sent: outputs never over inputs, a price for --max-cost, a key."""
    from lmms_emotion.instruct.client import resolve_api_key
    from lmms_emotion.instruct.outputs import guard_inputs
    from lmms_emotion.instruct.pricing import Pricing

    outputs = [settings.out_dir / f"{stem}.jsonl", settings.out_dir / "llava.json", settings.summary_file,
               settings.failures_file, settings.log_file, settings.out_dir / "dropped.jsonl"]
    guard_inputs(outputs + [settings.cache_file], [inputs.records_path, Path(args.captions) if args.captions else None])
    if args.dry_run:
        return
    pricing = Pricing.for_model(args.model, args.price_in, args.price_out)
    if args.max_cost is not None and not pricing.known:
        raise ValueError(f"--max-cost needs a price for {args.model!r}: pass --price-in and --price-out "
                         "(USD per 1M tokens)")
    resolve_api_key(args.api_key_env, args.base_url)


def _report(summary: dict[str, Any]) -> None:
    usage = summary["usage"]
    counts = summary["status_counts"]
    print(f"{summary['command']}: {counts['ok']} done, {counts['dropped']} dropped, {counts['invalid']} invalid, "
          f"{counts['failed']} failed, {counts['pending']} not started")
    print(f"requests: {usage['requests_sent']} sent, {usage['replies_from_cache']} from the cache, "
          f"{usage['retries']} retries, {usage['repair_requests']} repairs; "
          f"tokens {usage['prompt_tokens']:,} in / {usage['completion_tokens']:,} out; ${usage['cost_usd']:.4f}")
    if summary.get("stop_reason"):
        print(f"stopped: {summary['stop_reason']}")
    for name, path in summary.get("outputs", {}).items():
        print(f"{name}: {path}")


# --- handlers -----------------------------------------------------------------------------


def run_captions(args: argparse.Namespace) -> int:
    import json

    from lmms_emotion.instruct.captions import Captioner, caption_images
    from lmms_emotion.instruct.inputs import InputError
    from lmms_emotion.instruct.outputs import OutputError, guard_inputs

    try:
        inputs = _load_inputs(args, videos=True)
        guard_inputs([Path(args.out)], [inputs.records_path])
    except (InputError, OutputError, FileNotFoundError, ValueError) as err:
        return _fail(str(err))
    images = [r.media[0].path for r in inputs.records]
    videos = [r.media[0].path for r in inputs.records if r.media[0].type == "video"]

    def factory():
        return Captioner(args.model, device=args.device, dtype=args.dtype, prompt=args.prompt,
                         max_new_tokens=args.max_new_tokens)

    run = caption_images(images, inputs.media_root, args.out, model_id=args.model, captioner_factory=factory,
                         batch_size=args.batch_size, progress=not args.no_progress, videos=videos)
    summary = {"captions_file": str(Path(args.out)), "model": args.model, "media_root": str(inputs.media_root),
               **run.as_dict()}
    print(json.dumps(summary, indent=2))
    return 1 if run.failed else 0


def run_instructions(args: argparse.Namespace) -> int:
    from lmms_emotion.instruct.client import MissingAPIKey
    from lmms_emotion.instruct.inputs import InputError
    from lmms_emotion.instruct.instructions import API_KINDS, build_jobs, job_record
    from lmms_emotion.instruct.outputs import OutputError, write_generated
    from lmms_emotion.jsonl import write_json, write_jsonl
    from lmms_emotion.instruct.generation_run import (
        dry_run_report,
        execute,
        failure_rows,
        run_summary,
    )
    from lmms_emotion.instruct.templates import TemplateError

    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    try:
        settings = _settings(args)
        inputs = _load_inputs(args)
        needs_api = any(k in API_KINDS for k in kinds)
        captions, left_out = _captions_for(args, inputs) if needs_api else (None, [])
        _preflight(args, settings, inputs, "instructions")
        jobs, free = build_jobs(inputs.records, kinds, captions, settings.prompts_dir)
    except (InputError, OutputError, TemplateError, MissingAPIKey, FileNotFoundError, ValueError) as err:
        return _fail(str(err))
    if args.dry_run:
        dry_run_report(jobs, settings, free_items=len(free))
        return 0
    result, client = execute(jobs, settings, desc="instructions")
    done = [job_record(job, result.outcomes[job.id].value, args.model) for job in jobs
            if result.outcomes[job.id].status == "ok"]
    outputs = write_generated(settings.out_dir, "instructions", [*free, *done], single_turn=settings.single_turn)
    write_jsonl(settings.failures_file, failure_rows(result, client.redact), sort_keys=True)
    summary = run_summary("generate instructions", settings, result, client, inputs)
    by_kind: dict[str, dict[str, int]] = {k: {} for k in kinds}
    for job in jobs:
        status = result.outcomes[job.id].status
        kind_counts = by_kind[job.context["kind"]]
        kind_counts[status] = kind_counts.get(status, 0) + 1
    if "categorical" in kinds:
        by_kind["categorical"] = {"ok": len(free)}
    versions = {job.context["kind"]: job.template.version for job in jobs}
    if free:
        versions["categorical"] = free[0].meta["instruction"]["prompt_version"]
    summary.update({
        "kinds": by_kind,
        "prompt_versions": versions,
        "captions_file": args.captions, "images_without_caption_left_out": len(left_out),
        "outputs": {"records": outputs["records_file"], "llava": outputs["llava_file"],
                    "failures": str(settings.failures_file)},
        "output_count": outputs["count"],
    })
    write_json(settings.summary_file, summary)
    _report(summary)
    return summary["exit_code"]


def run_rationales(args: argparse.Namespace) -> int:
    from lmms_emotion.instruct.client import MissingAPIKey
    from lmms_emotion.instruct.inputs import InputError
    from lmms_emotion.instruct.outputs import OutputError, write_generated
    from lmms_emotion.jsonl import write_json, write_jsonl
    from lmms_emotion.instruct.generation_run import (
        dry_run_report,
        execute,
        failure_rows,
        run_summary,
    )
    from lmms_emotion.instruct.rationales import (
        build_rationale_jobs,
        drop_rate,
        rationale_record,
    )
    from lmms_emotion.instruct.templates import TemplateError

    try:
        settings = _settings(args)
        inputs = _load_inputs(args, videos=True)
        clips = sum(r.media[0].type == "video" for r in inputs.records)
        if clips and args.no_captions:
            raise ValueError(f"{clips} video record(s) need captions: a video has no attributes to reason from. "
                             "Caption them first with 'lmms-emotion generate captions ... --out FILE' (each clip "
                             "is described from a grid of frames sampled across it) and pass --captions FILE, "
                             "or give image records only")
        captions, left_out = _captions_for(args, inputs)
        _preflight(args, settings, inputs, "rationales")
        jobs = build_rationale_jobs(inputs.records, captions, settings.prompts_dir)
    except (InputError, OutputError, TemplateError, MissingAPIKey, FileNotFoundError, ValueError) as err:
        return _fail(str(err))
    if args.dry_run:
        dry_run_report(jobs, settings)
        return 0
    result, client = execute(jobs, settings, desc="rationales")
    kept = [rationale_record(job, result.outcomes[job.id].value, args.model) for job in jobs
            if result.outcomes[job.id].status == "ok"]
    dropped = sorted((o for o in result.outcomes.values() if o.status == "dropped"), key=lambda o: o.id)
    outputs = write_generated(settings.out_dir, "rationales", kept)
    write_jsonl(settings.out_dir / "dropped.jsonl",
                ({"id": o.id, "reason": o.reason, **o.detail} for o in dropped), sort_keys=True)
    write_jsonl(settings.failures_file, failure_rows(result, client.redact), sort_keys=True)
    summary = run_summary("generate rationales", settings, result, client, inputs)
    rate = drop_rate(len(kept), len(dropped))
    summary.update({
        "kept": len(kept), "dropped": len(dropped), "drop_rate": round(rate, 6),
        "prompt_versions": {"rationale": jobs[0].template.version} if jobs else {},
        "captions_file": args.captions, "images_without_caption_left_out": len(left_out),
        "by_media": {kind: sum(r.media[0].type == kind for r in inputs.records) for kind in ("image", "video")},
        "outputs": {"records": outputs["records_file"], "llava": outputs["llava_file"],
                    "dropped": str(settings.out_dir / "dropped.jsonl"), "failures": str(settings.failures_file)},
        "output_count": outputs["count"],
    })
    write_json(settings.summary_file, summary)
    _report(summary)
    print(f"rationale filter: kept {len(kept)}, dropped {len(dropped)} whose final answer is not the gold label "
          f"(drop rate {rate:.1%})")
    return summary["exit_code"]
