"""Captions for the images of records: from a file, or from a local image-to-text model.

EmoVIT's generator reads one BLIP-2 OPT-2.7b caption per image. Here any
image-to-text model transformers loads with ``AutoModelForImageTextToText`` works
(default :data:`DEFAULT_CAPTIONER`, BLIP-2 OPT-2.7b), batched, on GPU when there is one.

**Captions file** (what ``lmms-emotion generate captions`` writes, and what
``--captions FILE`` reads): JSONL with one ``{"image": <path relative to the media root>,
"caption": ...}`` object per line (``generate captions`` adds ``sha256`` and ``model``),
or CSV with ``image`` and ``caption`` columns. Later lines win.

**Cache.** The output file is itself the cache and is appended one durable line per
image: a killed run resumes where it stopped, and an image whose *content* (sha256)
was already captioned by the same model, under any path, is not captioned again.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lmms_emotion.hashing import file_sha256
from lmms_emotion.jsonl import JsonlAppender, JsonlError, iter_jsonl, read_jsonl

__all__ = [
    "DEFAULT_CAPTIONER",
    "CaptionError",
    "CaptionRun",
    "CaptionStore",
    "Captioner",
    "caption_images",
    "read_captions",
    "video_frame_grid",
]

DEFAULT_CAPTIONER = "Salesforce/blip2-opt-2.7b"


class CaptionError(ValueError):
    """A captions file that cannot be read; the message names the file and line."""


def _pick(row: dict, names: Sequence[str]) -> Any:
    for name in names:
        if name in row and row[name] not in (None, ""):
            return row[name]
    return None


_IMAGE_KEYS = ("image", "path", "file", "image_path")
_CAPTION_KEYS = ("caption", "text")


def read_captions(path: str | os.PathLike) -> dict[str, str]:
    """``{image path relative to the media root: caption}`` from a JSONL or CSV captions file."""
    path = Path(path)
    if not path.is_file():
        raise CaptionError(f"captions file {path} does not exist")
    captions: dict[str, str] = {}
    if path.suffix.lower() == ".csv":
        with path.open("r", encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not set(_IMAGE_KEYS) & set(reader.fieldnames) or \
                    not set(_CAPTION_KEYS) & set(reader.fieldnames):
                raise CaptionError(f"{path}: a captions CSV needs a header with 'image' and 'caption' columns, "
                                   f"got {reader.fieldnames}")
            for line_no, row in enumerate(reader, start=2):
                _add_caption(captions, row, path, line_no)
        return captions
    try:
        for row in iter_jsonl(path):
            if not isinstance(row.value, dict):
                raise CaptionError(f"{path}:{row.line}: expected a JSON object with 'image' and 'caption'")
            _add_caption(captions, row.value, path, row.line)
    except JsonlError as err:
        data = path.read_bytes()
        if data.endswith(b"\n") or err.line != data.count(b"\n") + 1:  # else: a torn last line of a killed writer
            raise CaptionError(f"{err.path}:{err.line}: not valid JSON ({err.reason}); each line must be "
                               '{"image": "<path relative to the media root>", "caption": "..."}') from None
    return captions


def _add_caption(captions: dict[str, str], row: dict, path: Path, line_no: int) -> None:
    image, caption = _pick(row, _IMAGE_KEYS), _pick(row, _CAPTION_KEYS)
    if not isinstance(image, str) or not isinstance(caption, str):
        raise CaptionError(f"{path}:{line_no}: needs string fields 'image' (path relative to the media root) "
                           f"and 'caption', got {sorted(row)}")
    captions[image.replace("\\", "/").strip()] = caption.strip()


class CaptionStore:
    """The append-only captions file: which images are done, and captions by content hash."""

    def __init__(self, path: str | os.PathLike, model: str, *, fsync: bool = True) -> None:
        self.path = Path(path)
        self.model = model
        self._appender = JsonlAppender(self.path, fsync=fsync)
        self.done: dict[str, str] = {}
        self.by_hash: dict[str, str] = {}
        for row in read_jsonl(self.path, invalid="skip"):
            if not isinstance(row, dict) or not isinstance(row.get("caption"), str):
                continue
            if row.get("model") == model:
                if isinstance(row.get("image"), str):
                    self.done[row["image"]] = row["caption"]
                if isinstance(row.get("sha256"), str):
                    self.by_hash[row["sha256"]] = row["caption"]

    def add(self, image: str, sha256: str, caption: str) -> None:
        self._appender.append({"image": image, "caption": caption, "sha256": sha256, "model": self.model})
        self.done[image] = caption
        self.by_hash[sha256] = caption

    def close(self) -> None:
        self._appender.close()


class Captioner:
    """A batched transformers image-to-text model (BLIP-2 by default).

    ``prompt`` is the text the model continues (empty for plain BLIP-2 captioning).
    ``device="auto"`` uses CUDA when available (fp16 there), else CPU (fp32).
    """

    def __init__(self, model_id: str = DEFAULT_CAPTIONER, *, device: str = "auto", dtype: str = "auto",
                 prompt: str = "", max_new_tokens: int = 30, num_beams: int = 1) -> None:
        import torch
        from transformers import AutoModelForImageTextToText, AutoProcessor

        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if dtype == "auto":
            torch_dtype = torch.float16 if device.startswith("cuda") else torch.float32
        else:
            torch_dtype = getattr(torch, dtype)
        self.model_id = model_id
        self.device = device
        self.prompt = prompt
        self.generate_kwargs = {"max_new_tokens": max_new_tokens, "num_beams": num_beams, "do_sample": False}
        self.processor = AutoProcessor.from_pretrained(model_id)
        self.model = AutoModelForImageTextToText.from_pretrained(model_id, dtype=torch_dtype).to(device).eval()
        self._dtype = torch_dtype

    def __call__(self, images: Sequence[Any]) -> list[str]:
        """One caption per PIL image."""
        import torch

        if not images:
            return []
        inputs = self.processor(images=list(images), text=[self.prompt] * len(images), return_tensors="pt",
                                padding=True)
        inputs = {k: (v.to(self.device, self._dtype) if k == "pixel_values" else v.to(self.device))
                  for k, v in inputs.items()}
        with torch.inference_mode():
            output = self.model.generate(**inputs, **self.generate_kwargs)
        prompt_ids = inputs.get("input_ids")
        if prompt_ids is not None and output.shape[1] >= prompt_ids.shape[1] and \
                bool((output[:, : prompt_ids.shape[1]] == prompt_ids).all()):
            output = output[:, prompt_ids.shape[1]:]
        texts = self.processor.batch_decode(output, skip_special_tokens=True)
        return [_clean_caption(text, self.prompt) for text in texts]


def _clean_caption(text: str, prompt: str) -> str:
    text = " ".join(text.split())
    if prompt and text.lower().startswith(prompt.lower()):
        text = text[len(prompt):].strip()
    return text


@dataclass
class CaptionRun:
    """What a captioning run did."""

    images: int = 0
    already_done: int = 0
    from_hash: int = 0
    captioned: int = 0
    empty: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"images": self.images, "already_done": self.already_done, "reused_by_content_hash": self.from_hash,
                "captioned": self.captioned, "empty_captions": self.empty, "failed": len(self.failed),
                "failures": [{"image": i, "reason": r} for i, r in self.failed[:100]]}


VIDEO_GRID_FRAMES = 4  # frames sampled across a clip and tiled 2 x 2 into the one image that is captioned
VIDEO_GRID_CELL = 224  # pixels per side of each frame in the grid


def video_frame_grid(path: str | os.PathLike, num_frames: int = VIDEO_GRID_FRAMES, cell: int = VIDEO_GRID_CELL):
    """One RGB image tiling ``num_frames`` frames sampled across the clip (row by row, time order).

    How a video is captioned: image captioners take one image, and a grid of frames from
    the whole clip describes its setting, people and action better than any single frame.
    Frames come from :func:`lmms_emotion.media.sample_video_frames` (the same sampling the
    tasks use); a clip shorter than ``num_frames`` frames leaves the last cells black.
    """
    import math

    from PIL import Image

    from lmms_emotion.media import sample_video_frames

    frames = sample_video_frames(path, num_frames=num_frames)
    columns = math.ceil(math.sqrt(num_frames))
    rows = math.ceil(num_frames / columns)
    grid = Image.new("RGB", (columns * cell, rows * cell))
    for index, frame in enumerate(frames):
        frame = frame.copy()
        frame.thumbnail((cell, cell))
        x, y = (index % columns) * cell, (index // columns) * cell
        grid.paste(frame, (x + (cell - frame.width) // 2, y + (cell - frame.height) // 2))
    return grid


def caption_images(images: Iterable[str], media_root: str | os.PathLike, out: str | os.PathLike, *,
                   model_id: str, captioner_factory: Callable[[], Callable[[Sequence[Any]], list[str]]],
                   batch_size: int = 8, progress: bool = True, videos: Iterable[str] = ()) -> CaptionRun:
    """Caption every image (paths relative to ``media_root``) into the captions file ``out``.

    Resumable and content-addressed (module docstring). The model is built by
    ``captioner_factory`` only if some image still needs a caption. An unreadable image
    is counted and reported in :attr:`CaptionRun.failed`; the run continues. Paths also
    listed in ``videos`` are clips: each is captioned from :func:`video_frame_grid`.
    """
    from tqdm.auto import tqdm

    from lmms_emotion.media import MediaError, open_image, resolve_media_path

    run = CaptionRun()
    clips = set(videos)
    store = CaptionStore(out, model_id)
    pending: list[tuple[str, str, Path]] = []
    pending_hashes: set[str] = set()
    aliases: list[tuple[str, str]] = []  # same content as a pending image: reuse its caption afterwards
    try:
        unique = list(dict.fromkeys(images))
        run.images = len(unique)
        for rel in unique:
            if rel in store.done:
                run.already_done += 1
                continue
            try:
                path = resolve_media_path(media_root, rel)
                digest = file_sha256(path)
            except (OSError, MediaError) as err:
                run.failed.append((rel, str(err)))
                continue
            if digest in store.by_hash:
                store.add(rel, digest, store.by_hash[digest])
                run.from_hash += 1
            elif digest in pending_hashes:
                aliases.append((rel, digest))
            else:
                pending.append((rel, digest, path))
                pending_hashes.add(digest)
        if not pending:
            return run
        captioner = captioner_factory()
        bar = tqdm(total=len(pending), desc=f"captioning with {model_id}", unit="img", disable=not progress)
        for start in range(0, len(pending), batch_size):
            batch = pending[start:start + batch_size]
            loaded, kept = [], []
            for rel, digest, path in batch:
                try:
                    loaded.append(video_frame_grid(path) if rel in clips else open_image(path))
                    kept.append((rel, digest))
                except (OSError, MediaError) as err:
                    run.failed.append((rel, str(err)))
            texts = captioner(loaded) if loaded else []
            for (rel, digest), text in zip(kept, texts, strict=True):
                if not text:
                    run.empty += 1
                store.add(rel, digest, text)
                run.captioned += 1
            bar.update(len(batch))
        bar.close()
        for rel, digest in aliases:
            if digest in store.by_hash:
                store.add(rel, digest, store.by_hash[digest])
                run.from_hash += 1
        return run
    finally:
        store.close()
