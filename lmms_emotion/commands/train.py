"""``lmms-emotion train emovit|emollm ...``: the training recipes (transformers ``Trainer`` + accelerate).

Single process: ``lmms-emotion train emovit --output-dir runs/emovit --dataset emoset:train``.
Several GPUs or nodes: ``accelerate launch --config_file <training/configs/*.yaml> -m lmms_emotion.cli
train emovit ...`` (see docs/training.md). Options come from transformers' ``HfArgumentParser``
over the recipe's dataclasses (:mod:`lmms_emotion.training.args`): the recipe's own settings
and its ``TrainingArguments`` subclass, so ``--help`` lists every option and default.

The recipe's parser imports transformers, so it is built only when ``train`` runs: ``cli.main``
hands the arguments after ``train`` to :func:`run` untouched (``PASSTHROUGH_COMMAND``) and
``lmms-emotion --help`` stays light.
"""

from __future__ import annotations

import argparse
import sys

PASSTHROUGH_COMMAND = "train"  # cli.main hands every argument after it to the handler untouched

RECIPE_HELP = {"emovit": "EmoVIT: InstructBLIP's Q-Former side trained (EmoVIT's published settings)",
               "emollm": "EmoLLM: the MVP projector trained, the LLM adapted with LoRA (LLaVA-1.5's LoRA settings)"}

_DESCRIPTION = """\
Train a recipe and write a folder the lmms-eval wrapper of the same name loads:
  lmms-emotion train emovit --dataset emoset:train --output-dir runs/emovit
  lmms-emotion train emollm --dataset emobench:train --output-dir runs/emollm
Every option of transformers' TrainingArguments is an option too; see lmms-emotion train RECIPE --help.
"""

_EPILOG = """\
Closing the loop: the output folder loads as --model {model} --model_args pretrained=<output-dir>;
--eval-tasks runs lmms-emotion eval on it after training. Multi-GPU / multi-node:
  accelerate launch --config_file $(python -c 'import lmms_emotion.training as t; print(t.configs_dir())')/ddp.yaml \\
      -m lmms_emotion.cli train {recipe} ...
"""


def register(subparsers) -> None:
    parser = subparsers.add_parser("train", add_help=False,
                                   help="train EmoVIT (Q-Former tuning) or EmoLLM (MVP + LoRA) on records or "
                                        "LLaVA-style conversations (lmms-emotion train RECIPE --help)")
    parser.set_defaults(handler=run)


def _recipe_chooser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lmms-emotion train", description=_DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    recipes = parser.add_subparsers(dest="recipe", required=True, metavar="RECIPE")
    for name, text in RECIPE_HELP.items():
        recipes.add_parser(name, help=text, add_help=False)
    return parser


def run(args: argparse.Namespace) -> int:
    argv = list(getattr(args, "passthrough", []))
    if not argv or argv[0] not in RECIPE_HELP:
        _recipe_chooser().parse_args(argv[:1] or [])  # --help, or an error naming the recipes (exits)
        return 2
    recipe_name, rest = argv[0], argv[1:]

    from lmms_emotion.records import RecordError
    from lmms_emotion.training.args import RECIPES, parse_recipe_arguments, recipe_parser

    recipe_cls = RECIPES[recipe_name][0]
    parser = recipe_parser(recipe_name, prog=f"lmms-emotion train {recipe_name}",
                           description=(recipe_cls.__doc__ or "").strip(),
                           epilog=_EPILOG.format(model=recipe_name, recipe=recipe_name),
                           formatter_class=_HelpFormatter)
    try:
        recipe, training = parse_recipe_arguments(recipe_name, rest, parser)
    except (ValueError, OSError) as err:
        print(f"train {recipe_name} failed: {err}", file=sys.stderr)
        return 2
    if recipe_name == "emovit":
        from lmms_emotion.training.emovit_recipe import train
    else:
        from lmms_emotion.training.emollm_recipe import train
    from lmms_emotion.training.trainer_run import TrainingSetupError

    try:
        train(recipe, training)
    except (RecordError, TrainingSetupError, FileNotFoundError) as err:
        print(f"train {recipe_name} failed: {err}", file=sys.stderr)
        return 2
    return 0


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Defaults shown after each option (HfArgumentParser's default), description and epilog kept as written."""
