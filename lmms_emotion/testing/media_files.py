"""Writers for small generated media files in real formats (JPEG, PNG, H.264 MP4).

Content is a deterministic function of the arguments, so two calls with the same seed
write the same pixels. ``color`` makes one colour dominate an image or video, which lets
training tests build data whose content determines its label.

Videos carry a frame stamp: the top band of frame ``i`` has grey level
:func:`frame_stamp_level` ``(i)``, so a test can tell which frames a decoder returned.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Union
from collections.abc import Sequence

import numpy as np

__all__ = [
    "STAMP_ROWS",
    "ColorLike",
    "frame_stamp_level",
    "video_codec",
    "write_corrupt_image",
    "write_corrupt_video",
    "write_image",
    "write_not_an_image",
    "write_video",
]

ColorLike = Union[str, Sequence[int]]
STAMP_ROWS = 8
"""Height in pixels of the grey band at the top of each generated video frame."""

_IMAGE_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".bmp": "BMP", ".webp": "WEBP", ".gif": "GIF"}


def _rgb(color: ColorLike) -> tuple[int, int, int]:
    if isinstance(color, str):
        from PIL import ImageColor

        return tuple(ImageColor.getrgb(color)[:3])  # type: ignore[return-value]
    values = tuple(int(c) for c in color)
    if len(values) != 3 or not all(0 <= c <= 255 for c in values):
        raise ValueError(f"color must be a colour name or three 0-255 ints, got {color!r}")
    return values  # type: ignore[return-value]


def _pixels(seed: int, size: tuple[int, int], color: ColorLike | None) -> np.ndarray:
    """An (height, width, 3) uint8 array: a smooth seeded field plus mild seeded noise."""
    width, height = int(size[0]), int(size[1])
    if width < 1 or height < 1:
        raise ValueError(f"size must be positive (width, height), got {size!r}")
    rng = np.random.default_rng(seed)
    if color is None:
        # A 4x4 grid of random colours, bilinearly upsampled, so JPEG keeps the structure.
        grid = rng.uniform(0, 255, size=(4, 4, 3))
        ys = np.linspace(0, 3, height)
        xs = np.linspace(0, 3, width)
        y0 = np.clip(np.floor(ys).astype(int), 0, 2)
        x0 = np.clip(np.floor(xs).astype(int), 0, 2)
        fy = (ys - y0)[:, None, None]
        fx = (xs - x0)[None, :, None]
        g00 = grid[y0][:, x0]
        g01 = grid[y0][:, x0 + 1]
        g10 = grid[y0 + 1][:, x0]
        g11 = grid[y0 + 1][:, x0 + 1]
        base = (1 - fy) * ((1 - fx) * g00 + fx * g01) + fy * ((1 - fx) * g10 + fx * g11)
        noise = rng.normal(0, 12, size=(height, width, 3))
    else:
        base = np.broadcast_to(np.array(_rgb(color), dtype=float), (height, width, 3))
        noise = rng.normal(0, 6, size=(height, width, 3))
    return np.clip(base + noise, 0, 255).astype(np.uint8)


def write_image(
    path: str | os.PathLike,
    *,
    seed: int = 0,
    size: tuple[int, int] = (64, 48),
    fmt: str | None = None,
    color: ColorLike | None = None,
) -> Path:
    """Write a deterministic ``size`` = (width, height) RGB image; returns the path.

    The format comes from ``fmt`` (``"JPEG"``, ``"PNG"``, ...) or the file extension.
    With ``color`` (a name such as ``"red"`` or an RGB triple) the image is that colour
    with slight seeded noise; otherwise a smooth seeded colour field.
    """
    from PIL import Image

    path = Path(path)
    fmt = fmt or _IMAGE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"cannot tell the image format of {str(path)!r}; pass fmt= or use .jpg/.png")
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.fromarray(_pixels(seed, size, color), "RGB")
    kwargs = {"quality": 95} if fmt.upper() == "JPEG" else {}
    image.save(path, format=fmt.upper(), **kwargs)
    return path


def write_corrupt_image(path: str | os.PathLike, *, seed: int = 0) -> Path:
    """Write a truncated JPEG: a valid header, then the entropy-coded data cut in half.

    ``PIL.Image.open`` succeeds (the header is intact) but a full decode fails unless
    ``LOAD_TRUNCATED_IMAGES`` is on, exactly like a half-downloaded dataset image.
    """
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(_pixels(seed, (128, 96), None), "RGB").save(buffer, format="JPEG", quality=95)
    data = buffer.getvalue()
    start_of_scan = data.find(b"\xff\xda")
    if start_of_scan < 0:  # pragma: no cover - Pillow always writes SOS
        raise RuntimeError("generated JPEG has no start-of-scan marker")
    cut = start_of_scan + (len(data) - start_of_scan) // 2
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data[:cut])
    return path


def write_not_an_image(path: str | os.PathLike) -> Path:
    """Write a file with an image extension whose content is plain text (an HTML error page)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"<html><body>404 Not Found</body></html>\n")
    return path


def frame_stamp_level(index: int) -> int:
    """Grey level of the top band of generated video frame ``index`` (distinct for 0..15)."""
    return 16 + (int(index) * 14) % 224


def video_codec() -> str:
    """The encoder :func:`write_video` uses: ``libx264`` when PyAV has it, else ``mpeg4``."""
    import av

    for name in ("libx264", "mpeg4"):
        try:
            av.codec.Codec(name, "w")
            return name
        except Exception:
            continue
    raise RuntimeError("PyAV has neither a libx264 nor an mpeg4 encoder")  # pragma: no cover


def write_video(
    path: str | os.PathLike,
    *,
    num_frames: int = 16,
    fps: int = 8,
    size: tuple[int, int] = (64, 48),
    seed: int = 0,
    color: ColorLike | None = None,
) -> Path:
    """Write a real MP4 (H.264, or MPEG-4 part 2 without libx264) readable by decord and PyAV.

    Frame ``i`` is the seeded image content shifted by ``i`` pixels, with a top band of
    grey level :func:`frame_stamp_level` ``(i)``. ``size`` = (width, height), both even.
    """
    import av

    width, height = int(size[0]), int(size[1])
    if width % 2 or height % 2:
        raise ValueError(f"video size must be even for yuv420p, got {size!r}")
    if num_frames < 1:
        raise ValueError("num_frames must be >= 1")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    base = _pixels(seed, (width, height), color)
    codec = video_codec()
    with av.open(str(path), mode="w", format="mp4") as container:
        stream = container.add_stream(codec, rate=int(fps))
        stream.width = width
        stream.height = height
        stream.pix_fmt = "yuv420p"
        if codec == "libx264":
            # Near-lossless, no B-frames, single thread: small and reproducible files.
            stream.options = {"crf": "12", "preset": "veryfast", "bf": "0", "threads": "1"}
        else:
            stream.bit_rate = 2_000_000
        for index in range(num_frames):
            pixels = np.roll(base, shift=index, axis=1).copy()
            pixels[:STAMP_ROWS] = frame_stamp_level(index)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def write_corrupt_video(path: str | os.PathLike, *, seed: int = 0) -> Path:
    """Write the first third of a real MP4: the ``moov`` index at the end is lost.

    Neither decord nor PyAV can decode it, like an interrupted download.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".full.mp4")
    write_video(tmp, num_frames=16, seed=seed)
    data = tmp.read_bytes()
    tmp.unlink()
    path.write_bytes(data[: max(64, len(data) // 3)])
    return path
