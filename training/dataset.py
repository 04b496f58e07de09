"""A torch ``Dataset`` over checked :class:`~lmms_emotion.training.data.TrainingExample` s: decodes media.

Items are ``{"index", "id", "origin", "frames": [[PIL, ...] per media item], "media_types", "turns", ...}``;
the model family's collator turns a list of them into tensors. Images are decoded with
:func:`lmms_emotion.media.open_image`, videos sampled to ``num_frames`` frames with
:func:`lmms_emotion.media.sample_video_frames`. A file that cannot be decoded fails with
its training file and line.

Augmentation (EmoVIT's training transform: random resized crop, scale 0.5-1, bicubic, and a
horizontal flip) draws its randomness from a generator seeded by ``(seed, epoch, index)``,
never from the global RNG, so an item looks the same however the data is split over
workers or processes, and a run resumed from a checkpoint sees exactly the crops an
uninterrupted run would. accelerate calls :meth:`ExampleDataset.set_epoch` every epoch.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import torch
from PIL import Image

from lmms_emotion.records import RecordError
from lmms_emotion.training.data import TrainingExample


class RandomResizedCropFlip:
    """EmoVIT's training augmentation: crop 50-100 % of the area (aspect 3/4-4/3), resize, flip half the time."""

    def __init__(self, size: tuple[int, int], scale: tuple[float, float] = (0.5, 1.0),
                 ratio: tuple[float, float] = (3 / 4, 4 / 3), flip: bool = True) -> None:
        self.size = (int(size[0]), int(size[1]))  # (width, height)
        self.scale = scale
        self.ratio = ratio
        self.flip = flip

    def box(self, width: int, height: int, generator: torch.Generator) -> tuple[int, int, int, int]:
        """``(left, top, right, bottom)`` of a random crop (torchvision's sampling rule, 10 tries, else centre)."""
        area = width * height
        log_ratio = (math.log(self.ratio[0]), math.log(self.ratio[1]))
        for _ in range(10):
            target = area * float(torch.empty(1).uniform_(*self.scale, generator=generator))
            aspect = math.exp(float(torch.empty(1).uniform_(*log_ratio, generator=generator)))
            w = int(round(math.sqrt(target * aspect)))
            h = int(round(math.sqrt(target / aspect)))
            if 0 < w <= width and 0 < h <= height:
                left = int(torch.randint(0, width - w + 1, (1,), generator=generator))
                top = int(torch.randint(0, height - h + 1, (1,), generator=generator))
                return left, top, left + w, top + h
        in_ratio = width / height
        if in_ratio < self.ratio[0]:
            w, h = width, int(round(width / self.ratio[0]))
        elif in_ratio > self.ratio[1]:
            w, h = int(round(height * self.ratio[1])), height
        else:
            w, h = width, height
        left, top = (width - w) // 2, (height - h) // 2
        return left, top, left + w, top + h

    def __call__(self, frames: Sequence[Image.Image], generator: torch.Generator) -> list[Image.Image]:
        """The same crop and flip for every frame of one media item."""
        width, height = frames[0].size
        box = self.box(width, height, generator)
        flip = self.flip and bool(torch.rand(1, generator=generator) < 0.5)
        out = []
        for frame in frames:
            image = frame.resize(self.size, Image.Resampling.BICUBIC, box=box)
            out.append(image.transpose(Image.Transpose.FLIP_LEFT_RIGHT) if flip else image)
        return out


class ExampleDataset(torch.utils.data.Dataset):
    """Decoded media and turns of each example, in a fixed order."""

    def __init__(self, examples: Sequence[TrainingExample], *, num_frames: int = 8, video_backend: str = "auto",
                 augment: RandomResizedCropFlip | None = None, seed: int = 0,
                 media_tokens: Callable[[str], int] | None = None,
                 text_tokens: Callable[[str], int] | None = None) -> None:
        self.examples = list(examples)
        self.media_tokens = media_tokens
        self.text_tokens = text_tokens
        self.num_frames = int(num_frames)
        self.video_backend = video_backend
        self.augment = augment
        self.seed = int(seed)
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        """Called by accelerate's data loader at the start of every epoch (fresh crops per epoch)."""
        self.epoch = int(epoch)

    def __len__(self) -> int:
        return len(self.examples)

    def __getstate__(self) -> dict[str, Any]:
        """What a data-loading worker gets: no length counters (closures over the tokenizer and model, which
        cannot be pickled under the ``spawn`` start method, and workers never need them)."""
        return {**self.__dict__, "media_tokens": None, "text_tokens": None}

    def token_lengths(self) -> list[int]:
        """Each example's token count, estimated without decoding media (for length-grouped batches).

        Text through ``text_tokens`` (the tokenizer's count; default: words x 4/3), plus
        ``media_tokens(type)`` per image or video (the model's visual tokens; default 0).
        """
        count_text = self.text_tokens or (lambda text: (len(text.split()) * 4 + 2) // 3)
        count_media = self.media_tokens or (lambda kind: 0)
        return [sum(count_text(turn.question) + count_text(turn.answer) for turn in example.turns)
                + sum(count_media(item.type) for item in example.media) for example in self.examples]

    def load_frames(self, example: TrainingExample) -> list[list[Image.Image]]:
        """Decoded frames per media item; a decode failure names the training file and line."""
        from lmms_emotion.media import open_image, sample_video_frames

        frames = []
        for item in example.media:
            try:
                if item.type == "image":
                    frames.append([open_image(item.path)])
                else:
                    frames.append(sample_video_frames(item.path, self.num_frames, self.video_backend))
            except (OSError, ValueError, RuntimeError) as err:
                file, line = example.origin.rsplit(":", 1)
                raise RecordError(f"cannot read {item.type} {item.path}: {err}", path=file, line=int(line),
                                  field_name="media") from err
        return frames

    def __getitem__(self, index: int) -> dict[str, Any]:
        example = self.examples[index]
        frames = self.load_frames(example)
        if self.augment is not None:
            generator = torch.Generator().manual_seed(hash_seed(self.seed, self.epoch, index))
            frames = [self.augment(item, generator) for item in frames]
        return {"index": index, "id": example.id, "origin": example.origin, "frames": frames,
                "media_types": tuple(m.type for m in example.media), "turns": example.turns, "kind": example.kind,
                "modality": example.modality}


def hash_seed(*parts: int) -> int:
    """A 63-bit seed from integers (stable across processes and Python versions)."""
    import hashlib

    digest = hashlib.sha256(":".join(str(int(p)) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "little") & ((1 << 63) - 1)
