"""``lmms-emotion train emovit|emollm ...``: the training recipes (transformers ``Trainer`` + accelerate).

Single process: ``lmms-emotion train emovit --output-dir runs/emovit --dataset emoset:train``.
Several GPUs or nodes: ``accelerate launch --config_file <training/configs/*.yaml> -m lmms_emotion.cli
train emovit ...`` (see docs/training.md). Options come from the recipe's config dataclass
(:mod:`lmms_emotion.training.args`), so ``--help`` lists every default.
"""

from __future__ import annotations

import argparse
import sys

_EPILOG = """\
Closing the loop: the output folder loads as --model {model} --model_args pretrained=<output-dir>;
--eval-tasks runs lmms-emotion eval on it after training. Multi-GPU / multi-node:
  accelerate launch --config_file $(python -c 'import lmms_emotion.training as t; print(t.configs_dir())')/ddp.yaml \\
      -m lmms_emotion.cli train {recipe} ...
"""


def register(subparsers) -> None:
    from lmms_emotion.training.args import RECIPES, add_arguments

    parser = subparsers.add_parser("train", help="train EmoVIT (Q-Former tuning) or EmoLLM (MVP + LoRA) on "
                                                 "records or LLaVA-style conversations")
    recipes = parser.add_subparsers(dest="recipe", required=True, metavar="RECIPE")
    for name, config_cls in RECIPES.items():
        doc = (config_cls.__doc__ or "").strip()
        sub = recipes.add_parser(name, help=doc.splitlines()[0] if doc else name, description=doc,
                                 epilog=_EPILOG.format(model=name, recipe=name),
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
        add_arguments(sub, config_cls)
        sub.set_defaults(handler=run, config_cls=config_cls)


def run(args: argparse.Namespace) -> int:
    from lmms_emotion.records import RecordError
    from lmms_emotion.training.args import config_from_args

    try:
        config = config_from_args(args.config_cls, args)
        config.validate()
    except (ValueError, OSError) as err:
        print(f"train {args.recipe} failed: {err}", file=sys.stderr)
        return 2
    if config.recipe == "emovit":
        from lmms_emotion.training.emovit_recipe import train
    else:
        from lmms_emotion.training.emollm_recipe import train
    from lmms_emotion.training.runner import TrainingSetupError

    try:
        train(config)
    except (RecordError, TrainingSetupError, FileNotFoundError) as err:
        print(f"train {args.recipe} failed: {err}", file=sys.stderr)
        return 2
    return 0
