"""``lmms-emotion convert emovit``: a released EmoVIT (LAVIS) checkpoint -> transformers-format safetensors."""

from __future__ import annotations

import argparse
import sys

DEFAULT_BASE = "Salesforce/instructblip-vicuna-7b"  # kept equal to models.convert_emovit.DEFAULT_BASE


def register(subparsers) -> None:
    parser = subparsers.add_parser("convert", help="convert released model checkpoints to transformers format")
    formats = parser.add_subparsers(dest="format", required=True, metavar="FORMAT")
    emovit = formats.add_parser(
        "emovit", help="EmoVIT's LAVIS checkpoint (state dict or pickled module) -> safetensors delta or full model",
        description="Read EmoVIT's released LAVIS checkpoint and write the modules EmoVIT trains (Q-Former, query "
                    "tokens, LLM projection, vision LayerNorm) as a safetensors delta for `--model emovit "
                    "--model_args emovit_weights=DIR`, or with --full a complete transformers folder.")
    emovit.add_argument("--checkpoint", required=True, help="the .pth/.pt/.safetensors file to convert")
    emovit.add_argument("--out", required=True, help="output folder (created; files in it are overwritten)")
    emovit.add_argument("--base", default=DEFAULT_BASE,
                        help=f"InstructBLIP hub id or local folder the delta is checked against (default {DEFAULT_BASE})")
    emovit.add_argument("--full", action="store_true",
                        help="write a complete model (the base with the delta applied) instead of the delta")
    emovit.add_argument("--allow-pickle", action="store_true",
                        help="allow reading a pickled whole LAVIS module (EmoVIT's release format). Pickle can run "
                             "code stored in the file: use only on files you trust")
    emovit.set_defaults(handler=run_emovit)


def run_emovit(args: argparse.Namespace) -> int:
    from lmms_emotion.models.convert_emovit import ConversionError, convert_checkpoint

    try:
        info = convert_checkpoint(args.checkpoint, args.out, base=args.base, full=args.full,
                                  allow_pickle=args.allow_pickle)
    except ConversionError as err:
        print(f"convert emovit failed: {err}", file=sys.stderr)
        return 2
    counts = info["counts"]
    frozen = ", ".join(f"{n} {what}" for what, n in counts["frozen_tensors_skipped"].items()) or "none"
    print(f"converted {info['source']['file']} ({info['source']['format']}, sha256 {info['source']['sha256'][:12]}...)")
    print(f"  {counts['delta_tensors']} tensors, {counts['delta_parameters']:,} parameters -> "
          f"{'full model' if args.full else 'delta'} in {args.out}")
    print(f"  frozen tensors skipped (taken from the base): {frozen}")
    print("  use: lmms-emotion eval --model emovit --model_args "
          + (f"pretrained={args.out}" if args.full else f"pretrained={args.base},emovit_weights={args.out}"))
    return 0
