"""EmoLLM's recipe: the MVP projector trained, the LLM adapted with LoRA, images and videos mixed.

    lmms-emotion train emollm --base llava-hf/llava-1.5-7b-hf --dataset emobench:train \\
        --rationales gen/rationales/rationales.jsonl --output-dir runs/emollm

The model is :class:`lmms_emotion.models.emollm_model.EmoLLMForConditionalGeneration`
(``--base`` a LLaVA-1.5 / Video-LLaVA, which gets a fresh MVP initialised from its projector,
or an EmoLLM folder to continue from). Trained: the MVP in full and a peft LoRA on the
language model (``--no-lora``: the MVP alone); frozen: the vision towers and the LLM's own
weights. The EmoLLM paper published no training details, so the defaults are LLaVA-1.5's
LoRA fine-tuning recipe (LR 2e-4, projector LR 2e-5, rank 128, alpha 256, dropout 0.05, one
epoch, cosine with 3 % warm-up, no weight decay, 2048 tokens, bf16, gradient checkpointing).

Conversations follow the base's chat template with the loss on the assistant turns
(:class:`~lmms_emotion.training.collators.EmoLLMCollator`); ``--rationales`` makes every
classification example whose record has an EmoPrompt rationale train on "reasoning, then
``Final answer: <label>``" (:func:`~lmms_emotion.training.data.with_rationales`).

The model is a transformers ``PreTrainedModel``, so ``Trainer`` writes every checkpoint of a
run whose weights are not sharded (single device, DDP) with its ``save_pretrained`` - the
EmoLLM layout (``config.json``, ``model.safetensors`` holding the MVP and LoRA weights, the
processor) - and resumes by loading that file. The final folder is the same layout:
``--model emollm --model_args pretrained=<folder>`` loads it, as it loads any checkpoint.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from lmms_emotion.training.args import EmoLLMRecipeArguments, EmoLLMTrainingArguments
from lmms_emotion.training.collators import EmoLLMCollator
from lmms_emotion.training.data import load_examples, summarise, with_rationales
from lmms_emotion.training.dataset import ExampleDataset
from lmms_emotion.training.trainer_run import (
    RecipeParts,
    RecipeTrainer,
    cast_frozen,
    describe_trainable,
    frozen_dtype,
    gather_examples,
    is_main_process,
    log,
    trainable_summary,
)

MVP_NAME = "multi_modal_projector."
TRAINABLE_GROUPS = {"mvp": lambda name: MVP_NAME in name, "lora": lambda name: "lora_" in name}


class EmoLLMTrainer(RecipeTrainer):
    """``Trainer`` with LLaVA's two learning rates: the projector (the MVP) at ``args.mvp_learning_rate``.

    transformers has no option for a per-module learning rate; ``create_optimizer`` is its
    documented extension point. Weight-decay grouping is the stock one; both rates follow
    the same schedule.
    """

    def create_optimizer(self, model=None):
        mvp_learning_rate = getattr(self.args, "mvp_learning_rate", None)
        if self.optimizer is not None or mvp_learning_rate is None:
            return super().create_optimizer(model)
        opt_model = self.model if model is None else model
        decay = set(self.get_decay_parameter_names(opt_model))
        named = [(n, p) for n, p in opt_model.named_parameters() if p.requires_grad]
        groups = []
        for is_mvp in (False, True):
            for decayed in (True, False):
                params = [p for n, p in named if (MVP_NAME in n) == is_mvp and (n in decay) == decayed]
                if params:
                    group: dict[str, Any] = {"params": params,
                                             "weight_decay": self.args.weight_decay if decayed else 0.0}
                    if is_mvp:
                        group["lr"] = mvp_learning_rate
                    groups.append(group)
        optimizer_cls, optimizer_kwargs = self.get_optimizer_cls_and_kwargs(self.args, opt_model)
        self.optimizer = optimizer_cls(groups, **optimizer_kwargs)
        return self.optimizer


def weights_are_sharded() -> bool:
    """FSDP or DeepSpeed ZeRO-3 in this launch: no process holds the whole model."""
    from accelerate.state import AcceleratorState
    from accelerate.utils import DistributedType

    if not AcceleratorState._shared_state:
        return False
    state = AcceleratorState()
    if state.distributed_type == DistributedType.FSDP:
        return True
    if state.distributed_type == DistributedType.DEEPSPEED:
        return int(getattr(state.deepspeed_plugin, "zero_stage", 0) or 0) == 3
    return False


def _lora_settings(config: EmoLLMRecipeArguments) -> dict[str, Any]:
    return {"r": config.lora_r, "lora_alpha": config.lora_alpha, "lora_dropout": config.lora_dropout}


def load_model(config: EmoLLMRecipeArguments):
    """The EmoLLM model (fresh MVP over a plain base, or an EmoLLM folder) and its processor."""
    from lmms_emotion.models.emollm_model import EmoLLMForConditionalGeneration, is_emollm_dir, load_processor
    from lmms_emotion.models.mvp import MVPConfig

    mvp_config = None
    if config.perspectives or config.num_queries:
        if is_emollm_dir(config.base):
            raise ValueError("--perspectives / --num-queries configure a fresh MVP; an EmoLLM --base keeps its own")
        settings: dict[str, Any] = {}
        if config.perspectives:
            settings["perspectives"] = config.perspectives
        if config.num_queries:
            settings["num_queries"] = config.num_queries
        mvp_config = MVPConfig(**settings)
    model = EmoLLMForConditionalGeneration.from_pretrained(config.base, mvp_config=mvp_config, dtype=torch.float32,
                                                           is_trainable=True)
    if config.lora and not model.has_lora:
        model.add_lora(_lora_settings(config))
    model.set_trainable(mvp=True, lora=config.lora)
    processor = load_processor(config.base, model.emollm_config.mvp, base=model.emollm_config.base)
    return model, processor


def build(config: EmoLLMRecipeArguments, args: EmoLLMTrainingArguments) -> RecipeParts:
    """Check the data, load the model, set the trainable set; everything :func:`trainer_run.run` needs."""
    from transformers import set_seed

    examples, sources = gather_examples(config)
    rationale_counts = None
    if config.rationales:
        rationales = load_examples(config.rationales, config.media_root, verify_media=config.verify_media)
        examples, rationale_counts = with_rationales(examples, rationales)
    data_summary = {**summarise(examples), "sources": sources, "rationales": rationale_counts}
    log(f"{len(examples)} examples ({data_summary['per_kind']}; {data_summary['per_modality']}) from "
        + ", ".join(s.get("file") or f"{s['dataset']}:{s['split']}" for s in sources)
        + (f"; rationales: {rationale_counts}" if rationale_counts else ""))

    set_seed(args.seed)
    model, processor = load_model(config)
    summary = trainable_summary(model, TRAINABLE_GROUPS)
    cast_frozen(model, frozen_dtype(args))
    log(describe_trainable(summary))
    is_video_model = model.kind == "video_llava"
    if not is_video_model and data_summary["per_modality"].get("video"):
        log(f"{data_summary['per_modality']['video']} video examples on an image-only base: each video becomes "
            f"{config.num_frames} images (use a Video-LLaVA base for video)")

    dataset = ExampleDataset(examples, num_frames=config.num_frames, video_backend=config.video_backend,
                             seed=args.seed, media_tokens=lambda kind: model.visual_token_count(kind, config.num_frames),
                             text_tokens=lambda text: len(processor.tokenizer(text).input_ids))
    collator = EmoLLMCollator(processor, is_video_model=is_video_model, num_frames=config.num_frames,
                              model_max_length=config.model_max_length)
    return RecipeParts(model=model, processor=processor, dataset=dataset, collator=collator,
                        write_final=lambda trainer, out: write_final(trainer, out, config), eval_model="emollm",
                        trainable_summary=summary, data_summary=data_summary, trainer_class=EmoLLMTrainer)


def write_final(trainer: Any, output_dir: Path, config: EmoLLMRecipeArguments) -> dict[str, Any]:
    """The EmoLLM layout through the model's ``save_pretrained`` (the trained tensors gathered first when sharded)."""
    from lmms_emotion.models.emollm_model import _is_saved_key

    # a collective under FSDP / ZeRO-3: every rank takes part
    state = trainer.accelerator.get_state_dict(trainer.model_wrapped) if weights_are_sharded() else None
    if not is_main_process():
        return {}
    model = trainer.accelerator.unwrap_model(trainer.model)
    if state is not None:
        missing = sorted(k for k in model.state_dict() if _is_saved_key(k) and k not in state)
        if missing:
            raise RuntimeError(f"the gathered state lacks trained tensors: {missing[:5]}")
    model.save_pretrained(output_dir, processor=trainer.processing_class, state_dict=state)
    return {"emollm_folder": str(output_dir), "lora": model.has_lora,
            "trained_parameters": int(sum(p.numel() for p in model.trainable_parameters().values()))}


def train(config: EmoLLMRecipeArguments, args: EmoLLMTrainingArguments):
    """Run the recipe end to end (``lmms-emotion train emollm``); returns :class:`trainer_run.TrainingOutcome`."""
    from lmms_emotion.training import trainer_run

    return trainer_run.train_recipe(config, args, build)
