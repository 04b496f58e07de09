"""EmoVIT's recipe: instruction-tune InstructBLIP's Q-Former side, everything else frozen.

    lmms-emotion train emovit --base Salesforce/instructblip-vicuna-7b \\
        --data gen/emoset_train/instructions.jsonl --dataset emoset:train --output-dir runs/emovit

Trained (exactly the modules EmoVIT trains, :data:`lmms_emotion.models.convert_emovit.DELTA_PREFIXES`):
the Q-Former with its word/position embeddings, the query tokens, the language
projection, and the LayerNorm after the ViT (LAVIS ``ln_vision``). Frozen: the ViT and the
LLM. Examples are single-turn (a conversation becomes one example per question/answer,
EmoVIT's layout); the collator (:class:`~lmms_emotion.training.collators.EmoVITCollator`)
builds EmoVIT's input layout, truncation, instruction normalisation and answer-only loss,
and the stock ``InstructBlipForConditionalGeneration.forward`` computes the loss, so
transformers' ``Trainer`` runs unmodified.

The final folder is the base model with the trained modules put in (frozen weights copied
from the base as stored, bit for bit) plus the base's processor: ``--model emovit
--model_args pretrained=<output-dir>`` loads it. ``<output-dir>/emovit_delta`` holds the
trained modules alone (``--model_args pretrained=<base>,emovit_weights=<output-dir>/emovit_delta``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from lmms_emotion.models.convert_emovit import DELTA_FORMAT, DELTA_INFO, DELTA_PREFIXES, DELTA_WEIGHTS, is_delta_key
from lmms_emotion.records import RecordError
from lmms_emotion.training.args import EmoVITRecipeArguments, EmoVITTrainingArguments
from lmms_emotion.training.collators import EmoVITCollator
from lmms_emotion.training.data import single_turn, summarise
from lmms_emotion.training.dataset import ExampleDataset, RandomResizedCropFlip
from lmms_emotion.training.trainer_run import (
    RecipeParts,
    cast_frozen,
    describe_trainable,
    frozen_dtype,
    gather_examples,
    is_main_process,
    log,
    trainable_summary,
)

DELTA_DIR = "emovit_delta"
TRAINABLE_GROUPS = {prefix.rstrip("."): (lambda name, p=prefix: name == p or name.startswith(p))
                    for prefix in DELTA_PREFIXES}


def set_emovit_trainable(model: torch.nn.Module) -> dict[str, Any]:
    """Train exactly EmoVIT's modules (``requires_grad``), freeze the rest; returns the counts."""
    for name, param in model.named_parameters():
        param.requires_grad_(is_delta_key(name))
    return trainable_summary(model, TRAINABLE_GROUPS)


def build(config: EmoVITRecipeArguments, args: EmoVITTrainingArguments) -> RecipeParts:
    """Check the data, load the base, set the trainable set; everything :func:`trainer_run.run` needs."""
    from transformers import InstructBlipForConditionalGeneration, InstructBlipProcessor, set_seed

    examples, sources = gather_examples(config)
    examples = single_turn(examples)
    for example in examples:
        if not example.media:
            file, line = example.origin.rsplit(":", 1)
            raise RecordError(f"example {example.id!r} has no image or video; EmoVIT trains on visual instructions",
                              path=file, line=int(line), field_name="media")
    data_summary = {**summarise(examples), "sources": sources}
    log(f"{len(examples)} single-turn examples ({data_summary['per_kind']}) from "
        + ", ".join(s.get("file") or f"{s['dataset']}:{s['split']}" for s in sources))

    set_seed(args.seed)
    processor = InstructBlipProcessor.from_pretrained(config.base)
    model = InstructBlipForConditionalGeneration.from_pretrained(config.base, dtype=torch.float32)
    summary = set_emovit_trainable(model)
    cast_frozen(model, frozen_dtype(args))
    log(describe_trainable(summary))

    size = processor.image_processor.size
    augment = RandomResizedCropFlip((size["width"], size["height"])) if config.augment else None
    query_tokens = int(model.config.num_query_tokens)
    dataset = ExampleDataset(examples, num_frames=config.num_frames, video_backend=config.video_backend,
                             augment=augment, seed=args.seed,
                             media_tokens=lambda kind: query_tokens * (config.num_frames if kind == "video" else 1),
                             text_tokens=lambda text: len(processor.tokenizer(text).input_ids))
    collator = EmoVITCollator(processor, image_token_id=int(model.config.image_token_id),
                              num_query_tokens=int(model.config.num_query_tokens), max_txt_len=config.max_txt_len,
                              max_output_txt_len=config.max_output_txt_len,
                              normalise_instruction=config.normalise_instruction)
    return RecipeParts(model=model, processor=processor, dataset=dataset, collator=collator,
                       write_final=lambda trainer, out: write_final(trainer, out, config), eval_model="emovit",
                       trainable_summary=summary, data_summary=data_summary)


def trained_delta(trainer: Any) -> dict[str, torch.Tensor]:
    """The trained modules' tensors, gathered from every backend (DDP, FSDP, DeepSpeed); empty off rank 0."""
    state = trainer.accelerator.get_state_dict(trainer.model_wrapped)
    if not is_main_process() or state is None:
        return {}
    return {k: v.detach().to("cpu").clone().contiguous() for k, v in state.items() if is_delta_key(k)}


def write_final(trainer: Any, output_dir: Path, config: EmoVITRecipeArguments) -> dict[str, Any]:
    """Base + trained modules as a ``save_pretrained`` folder with the processor; the delta beside it."""
    from safetensors.torch import save_file
    from transformers import InstructBlipForConditionalGeneration, InstructBlipProcessor

    from lmms_emotion.models.convert_emovit import apply_delta, display_name
    from lmms_emotion.jsonl import write_json

    delta = trained_delta(trainer)
    if not is_main_process():
        return {}
    model = InstructBlipForConditionalGeneration.from_pretrained(config.base, dtype="auto")
    report = apply_delta(model, delta, source="the trained model")
    model.save_pretrained(str(output_dir))
    InstructBlipProcessor.from_pretrained(config.base).save_pretrained(str(output_dir))
    info: dict[str, Any] = {"full_model": str(output_dir), "delta_tensors": report["applied"],
                            "delta_parameters": int(sum(t.numel() for t in delta.values()))}
    if config.write_delta:
        delta_dir = output_dir / DELTA_DIR
        delta_dir.mkdir(parents=True, exist_ok=True)
        save_file(delta, str(delta_dir / DELTA_WEIGHTS), metadata={"format": DELTA_FORMAT})
        write_json(delta_dir / DELTA_INFO, {
            "format": DELTA_FORMAT, "format_version": 1, "output": "delta", "base_model": display_name(config.base),
            "source": {"kind": "training", "recipe": "emovit", "global_step": trainer.state.global_step},
            "counts": {"delta_tensors": len(delta), "delta_parameters": info["delta_parameters"]},
            "delta_modules": list(DELTA_PREFIXES), "delta_keys": sorted(delta),
            "dtypes": sorted({str(t.dtype).replace("torch.", "") for t in delta.values()}),
        })
        info["delta"] = str(delta_dir)
    return info


def train(config: EmoVITRecipeArguments, args: EmoVITTrainingArguments):
    """Run the recipe end to end (``lmms-emotion train emovit``); returns :class:`trainer_run.TrainingOutcome`."""
    from lmms_emotion.training import trainer_run

    return trainer_run.train_recipe(config, args, build)
