"""Batch collators: dataset items -> the tensors each model family's ``forward`` takes, loss on answers only.

:class:`EmoVITCollator` builds EmoVIT's (LAVIS ``Blip2VicunaInstruct``) training input for
transformers' ``InstructBlipForConditionalGeneration.forward``:

* LLM sequence per example: ``[image placeholders: frames x num_query_tokens][bos +
  instruction][answer + eos]``, right-padded. ``forward`` puts the projected Q-Former
  outputs where the placeholders are, so this is the layout the ``emovit`` wrapper uses at
  inference (``[query embeddings][bos + instruction]``, then generation), and LAVIS's at
  training (it right-pads too). Labels are ``-100`` everywhere except the answer tokens
  and the eos.
* Instruction (LLM and Q-Former): truncated from the left to ``max_txt_len`` (128) tokens,
  the LLM's bos kept; the Q-Former gets it ``[DEC]``-tokenised, right-padded, once per frame.
* Answer: tokenised as the continuation of the instruction after a space (lm-eval's rule,
  the one the wrapper's likelihood scoring uses; with Vicuna's SentencePiece tokenizer it
  gives the same ids as LAVIS tokenising the answer alone), then eos, truncated on the
  right to ``max_output_txt_len`` (256) tokens.
* EmoVIT's text normalisation (:func:`lmms_emotion.scoring.prompts.emovit_normalise`: lower case,
  ``. ! " ( ) * # : ; ~`` removed, 50 words) is applied to the instruction only; answers
  are untouched.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from lmms_emotion.training.data import strip_media_tokens

IGNORE_INDEX = -100


def continuation_ids(tokenizer: Any, context: str, continuation: str) -> list[int]:
    """Token ids of ``continuation`` as tokenised after ``context`` (no special tokens).

    Tokenises ``context + continuation`` and keeps what follows the context's own ids; if
    the two tokenisations disagree at the boundary, the continuation is tokenised alone.
    """
    context_ids = tokenizer(context, add_special_tokens=False)["input_ids"]
    whole = tokenizer(context + continuation, add_special_tokens=False)["input_ids"]
    if len(whole) > len(context_ids) and whole[:len(context_ids)] == context_ids:
        return list(whole[len(context_ids):])
    return list(tokenizer(continuation, add_special_tokens=False)["input_ids"])


def truncate_left_keeping_specials(ids: Sequence[int], max_len: int, special_ids: set[int]) -> list[int]:
    """Keep the leading special tokens (bos) and the last ``max_len - len(specials)`` other tokens."""
    ids = list(ids)
    if len(ids) <= max_len:
        return ids
    lead = 0
    while lead < len(ids) and ids[lead] in special_ids:
        lead += 1
    keep = max(max_len - lead, 0)
    return ids[:lead] + (ids[len(ids) - keep:] if keep else [])


def pad_right(rows: Sequence[Sequence[int]], labels: Sequence[Sequence[int]],
              pad_token_id: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Right-padded ``input_ids``, ``attention_mask`` and ``labels`` (padding ignored by the loss)."""
    width = max(len(r) for r in rows)
    input_ids = torch.full((len(rows), width), pad_token_id, dtype=torch.long)
    attention_mask = torch.zeros((len(rows), width), dtype=torch.long)
    label_tensor = torch.full((len(rows), width), IGNORE_INDEX, dtype=torch.long)
    for i, (row, label) in enumerate(zip(rows, labels)):
        input_ids[i, :len(row)] = torch.tensor(row)
        attention_mask[i, :len(row)] = 1
        label_tensor[i, :len(label)] = torch.tensor(label)
    return input_ids, attention_mask, label_tensor


@dataclass
class EmoVITCollator:
    """Items of :class:`~lmms_emotion.training.dataset.ExampleDataset` -> ``InstructBlipForConditionalGeneration`` inputs.

    Every item must hold exactly one turn (EmoVIT trains single-turn; the recipe splits
    multi-turn conversations) and at least one image or video.
    """

    processor: Any
    image_token_id: int
    num_query_tokens: int
    max_txt_len: int = 128
    max_output_txt_len: int = 256
    normalise_instruction: bool = True

    def __post_init__(self) -> None:
        self.tokenizer = self.processor.tokenizer
        # the wrapper's Q-Former settings (models/emovit.py install_components), on a private copy
        self.qformer_tokenizer = copy.deepcopy(self.processor.qformer_tokenizer)
        self.qformer_tokenizer.truncation_side = "left"
        self.qformer_tokenizer.padding_side = "right"
        pad = self.tokenizer.pad_token_id
        self.pad_token_id = int(pad if pad is not None else self.tokenizer.eos_token_id)
        self.eos_token_id = int(self.tokenizer.eos_token_id)
        self.special_ids = set(int(i) for i in self.tokenizer.all_special_ids)

    def instruction(self, question: str) -> str:
        """The instruction text the model sees: media tokens removed, EmoVIT-normalised when asked."""
        from lmms_emotion.scoring.prompts import emovit_normalise

        text = strip_media_tokens(question)
        return emovit_normalise(text) if self.normalise_instruction else text

    def text_ids(self, instruction: str, answer: str) -> tuple[list[int], list[int]]:
        """``(bos + instruction ids, answer ids + eos)``, truncated as LAVIS does."""
        prompt = [i for i in self.tokenizer(instruction, add_special_tokens=True)["input_ids"]
                  if i != self.image_token_id]
        prompt = truncate_left_keeping_specials(prompt, self.max_txt_len, self.special_ids)
        separator = "" if not instruction or answer[:1].isspace() else " "
        answer_ids = continuation_ids(self.tokenizer, instruction, separator + answer) + [self.eos_token_id]
        return prompt, answer_ids[:self.max_output_txt_len]

    def __call__(self, items: Sequence[dict[str, Any]]) -> dict[str, torch.Tensor]:
        frames, instructions, counts, rows, labels = [], [], [], [], []
        for item in items:
            if len(item["turns"]) != 1:
                raise ValueError(f"{item['origin']}: EmoVIT trains single-turn examples; split conversations first")
            item_frames = [frame for media in item["frames"] for frame in media]
            if not item_frames:
                raise ValueError(f"{item['origin']}: EmoVIT needs an image or a video in every example")
            turn = item["turns"][0]
            instruction = self.instruction(turn.question)
            prompt, answer = self.text_ids(instruction, turn.answer)
            placeholders = [self.image_token_id] * (len(item_frames) * self.num_query_tokens)
            rows.append(placeholders + prompt + answer)
            labels.append([IGNORE_INDEX] * (len(placeholders) + len(prompt)) + answer)
            frames.extend(item_frames)
            counts.append(len(item_frames))
            instructions.append(instruction)
        pixel_values = self.processor.image_processor(frames, return_tensors="pt")["pixel_values"]
        qformer = self.qformer_tokenizer(instructions, padding="longest", truncation=True,
                                         max_length=self.max_txt_len, return_tensors="pt")
        per_frame = torch.repeat_interleave(torch.arange(len(items)), torch.tensor(counts))
        input_ids, attention_mask, label_tensor = pad_right(rows, labels, self.pad_token_id)
        return {
            "pixel_values": pixel_values,
            "qformer_input_ids": qformer["input_ids"][per_frame],
            "qformer_attention_mask": qformer["attention_mask"][per_frame],
            "input_ids": input_ids,
            "attention_mask": attention_mask,
            "labels": label_tensor,
        }


@dataclass
class EmoLLMCollator:
    """Items -> ``EmoLLMForConditionalGeneration`` inputs: the base's chat template, loss on assistant turns.

    Layout (what the ``emollm`` wrapper builds at inference, then the answers): the first
    user turn holds one placeholder per visual, visuals first, then the question's text
    (any ``<image>``/``<video>`` tokens in it are removed and the visuals placed as LLaVA
    does); the processor (:func:`lmms_emotion.models.emollm_model.load_processor`) expands
    each placeholder to the MVP's token count. A video is one ``<video>`` with exactly
    ``num_frames`` frames on Video-LLaVA, ``num_frames`` images on LLaVA-1.5 (as the wrapper).

    Tokens: the prompt up to the first ``ASSISTANT:`` is the processor's encoding of the
    rendered chat prefix (so its ids equal the wrapper's); every later piece of the rendered
    conversation (an assistant reply with its ``</s>``, the next user turn) is tokenised as
    the continuation of the text before it. Labels are the assistant pieces; the rest is
    ``-100``. Sequences longer than ``model_max_length`` are cut on the right; a prompt
    that alone exceeds it (its visual tokens cannot be cut) is an error naming the example.
    """

    processor: Any
    is_video_model: bool
    num_frames: int = 8
    model_max_length: int = 2048

    def __post_init__(self) -> None:
        self.tokenizer = self.processor.tokenizer
        pad = self.tokenizer.pad_token_id
        self.pad_token_id = int(pad if pad is not None else self.tokenizer.eos_token_id)

    # ---- media and text ----

    def media(self, item: dict[str, Any]) -> tuple[list[str], list, list[list]]:
        """Placeholder kinds in order, the images, and the videos (frame lists) of one item."""
        from lmms_emotion.models.emollm import resample_frames

        kinds: list[str] = []
        images: list = []
        videos: list[list] = []
        for kind, frames in zip(item["media_types"], item["frames"]):
            if kind == "video" and self.is_video_model:
                kinds.append("video")
                videos.append(resample_frames(frames, self.num_frames))
            else:
                kinds.extend(["image"] * len(frames))
                images.extend(frames)
        return kinds, images, videos

    def messages(self, item: dict[str, Any], kinds: list[str]) -> list[dict[str, Any]]:
        """The conversation as chat messages (visual placeholders first in the first user turn)."""
        out: list[dict[str, Any]] = []
        for n, turn in enumerate(item["turns"]):
            content = [{"type": kind} for kind in kinds] if n == 0 else []
            content.append({"type": "text", "text": strip_media_tokens(turn.question)})
            out.append({"role": "user", "content": content})
            out.append({"role": "assistant", "content": [{"type": "text", "text": turn.answer}]})
        return out

    def render(self, messages: list[dict[str, Any]], add_generation_prompt: bool) -> str:
        """The chat template's text (Vicuna v1 fallback for processors saved without a template)."""
        from lmms_emotion.models.emollm import VICUNA_FALLBACK

        if getattr(self.processor, "chat_template", None):
            return self.processor.apply_chat_template(messages, add_generation_prompt=add_generation_prompt)
        tokens = {"image": self.processor.image_token, "video": getattr(self.processor, "video_token", "<video>")}
        text = ""
        for n, message in enumerate(messages):
            body = "".join(c["text"] for c in message["content"] if c["type"] == "text")
            if message["role"] == "user":
                media = "".join(f"{tokens[c['type']]}\n" for c in message["content"] if c["type"] in tokens)
                text += VICUNA_FALLBACK.format(media=media, text=body)
            else:
                text += f" {body}{self.tokenizer.eos_token}"
        return text

    def pieces(self, item: dict[str, Any], kinds: list[str]) -> tuple[str, list[tuple[str, bool]]]:
        """The rendered prompt up to the first reply, then ``(text, is_answer)`` pieces of the rest."""
        messages = self.messages(item, kinds)
        prompt = self.render(messages[:1], True)
        rest: list[tuple[str, bool]] = []
        done = prompt
        for end in range(2, len(messages) + 1):
            text = self.render(messages[:end], end % 2 == 1)
            if not text.startswith(done):
                raise ValueError(f"{item['origin']}: the chat template does not render the conversation as a "
                                 "growing prefix; it cannot be split into prompt and answers")
            rest.append((text[len(done):], end % 2 == 0))
            done = text
        return prompt, rest

    # ---- batch ----

    def __call__(self, items: Sequence[dict[str, Any]]) -> dict[str, torch.Tensor]:
        prompts, images, videos, layouts = [], [], [], []
        for item in items:
            kinds, item_images, item_videos = self.media(item)
            prompt, rest = self.pieces(item, kinds)
            prompts.append(prompt)
            images.extend(item_images)
            videos.extend(item_videos)
            layouts.append((prompt, rest))
        extra: dict[str, Any] = {}
        if self.is_video_model:
            extra = {"videos": videos or None, "return_legacy_image_output": False}
        encoded = self.processor(text=prompts, images=images or None, padding=True, return_tensors="pt", **extra)
        rows, labels = [], []
        for index, (item, (prompt, rest)) in enumerate(zip(items, layouts)):
            ids = encoded["input_ids"][index][encoded["attention_mask"][index].bool()].tolist()
            if len(ids) >= self.model_max_length:
                raise ValueError(f"{item['origin']}: the prompt with its visual tokens is {len(ids)} tokens, "
                                 f"model_max_length is {self.model_max_length}; raise --model-max-length")
            label = [IGNORE_INDEX] * len(ids)
            context = prompt
            for text, is_answer in rest:
                piece = continuation_ids(self.tokenizer, context, text)
                ids.extend(piece)
                label.extend(piece if is_answer else [IGNORE_INDEX] * len(piece))
                context += text
            rows.append(ids[:self.model_max_length])
            labels.append(label[:self.model_max_length])
        input_ids, attention_mask, label_tensor = pad_right(rows, labels, self.pad_token_id)
        batch = {"input_ids": input_ids, "attention_mask": attention_mask, "labels": label_tensor}
        for key in ("pixel_values", "pixel_values_videos"):
            if encoded.get(key) is not None:
                batch[key] = encoded[key]
        return batch
