"""Media access: safe paths under a media root, strict image decoding, video frame sampling.

Every task, wrapper, dataset builder and training collator goes through this module, so
an image or video is read the same way everywhere and a broken file fails with a message
that names it and says what to do.

Import-light: PIL, decord and PyAV are imported inside the functions that use them.

Images
    :func:`open_image` and :func:`verify_image` fully decode the file and reject truncated
    data. lmms-eval sets ``PIL.ImageFile.LOAD_TRUNCATED_IMAGES = True`` for the whole
    process when ``lmms_eval.api.task`` is imported; with that flag Pillow silently pads a
    truncated JPEG with grey instead of raising. We decode with the flag set to ``False``
    for the duration of the decode (a reference-counted window shared by concurrent
    decodes, so threads decode in parallel; see :func:`_strict_pillow`), and additionally
    check Pillow's per-image marker that it faked a JPEG end-of-image. Another thread
    decoding through PIL directly during that window sees the strict setting, which can
    only turn a silently padded image into an error. The previous value is restored when
    the last concurrent decode ends.

Videos
    :func:`sample_video_frames` samples ``num_frames`` frames at the indices
    :func:`video_frame_indices` gives (the centre frame of each of ``num_frames`` equal
    segments) with decord, falling back to PyAV; both backends return the same frames.
"""

from __future__ import annotations

import errno
import os
import posixpath
import re
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from collections.abc import Iterator

if TYPE_CHECKING:  # pragma: no cover
    from PIL import Image

__all__ = [
    "VIDEO_BACKENDS",
    "MediaError",
    "open_image",
    "resolve_media_path",
    "RootResolver",
    "resolve_under_root",
    "sample_video_frames",
    "verify_image",
    "video_frame_indices",
    "video_info",
]

VIDEO_BACKENDS = ("auto", "decord", "pyav")

_FIX_IMAGE = (
    "The file is corrupt, truncated or not an image; re-download it from the dataset's "
    "source, or rebuild the dataset with `lmms-emotion build-data`."
)
_FIX_VIDEO = (
    "The file is corrupt, truncated or not a video; re-download it from the dataset's "
    "source, or rebuild the dataset with `lmms-emotion build-data`."
)


class MediaError(ValueError):
    """A media path is unsafe, or a media file exists but cannot be decoded."""


# --- paths ----------------------------------------------------------------------------


def resolve_media_path(root: str | os.PathLike, rel: str | os.PathLike) -> Path:
    """Join a record's relative POSIX media path onto ``root``, refusing to leave the root.

    ``rel`` must be relative (no leading ``/``, no drive) and, once normalised, must not
    climb above ``root`` with ``..``. The check is lexical, on the normalised path, and
    deliberately does not resolve symlinks: media roots are often symlinks to a raw
    dataset folder elsewhere, and files inside may be symlinks too. Backslashes count as
    separators (records written on Windows), so ``..\\`` cannot sneak past the check.

    Returns ``Path(root) / normalised_rel``. Raises :class:`MediaError` naming both.
    """
    root_path = Path(root)
    rel_str = os.fspath(rel)
    if isinstance(rel_str, bytes):  # pragma: no cover - defensive
        rel_str = os.fsdecode(rel_str)
    posix = rel_str.replace("\\", "/")
    problem = None
    if not posix.strip():
        problem = "is empty"
    elif "\x00" in posix:
        problem = "contains a NUL byte"
    elif posix.startswith("/") or re.match(r"[A-Za-z]:(/|$)", posix):
        problem = "is absolute; media paths must be relative to the media root"
    else:
        normalised = posixpath.normpath(posix)
        if normalised == ".":
            problem = "names the media root itself, not a file"
        elif normalised == ".." or normalised.startswith("../"):
            problem = "escapes the media root with '..'"
    if problem:
        raise MediaError(f"unsafe media path {rel_str!r} under media root {str(root_path)!r}: it {problem}")
    return root_path / posixpath.normpath(posix)  # one join: normpath left no '..', '.' or leading '/'


def resolve_under_root(root: str | os.PathLike, rel: str | os.PathLike, *, follow_symlinks: bool = False) -> Path:
    """The one safe resolver for raw and built media: :func:`resolve_media_path` plus a real-path check.

    After the lexical check, unless ``follow_symlinks`` is true, the real path of the file
    (every symlink on the way resolved) must lie inside the real path of ``root``: a link
    inside the root that points outside it is refused. ``root`` itself may be a symlink
    (media roots are links to the raw folder). ``follow_symlinks=True`` is for datasets
    kept as link farms (``build-data --follow-symlinks``); only the lexical check applies.
    A dangling link is let through, for the caller's "does not exist" check.

    Returns the lexical path under ``root`` (what records store and tasks open). Raises
    :class:`MediaError` naming the path, the root and where the link leads. For many
    paths under one root use :class:`RootResolver` (same checks, real paths cached).
    """
    return RootResolver(root, follow_symlinks=follow_symlinks)(rel)


class RootResolver:
    """:func:`resolve_under_root` for many paths under one root.

    The root's real path and each folder's real path are computed once (``realpath`` costs
    one ``lstat`` per path component; a records file names thousands of files in a few
    folders), then each file needs one ``lstat``. Build one per pass over the files: a
    folder re-linked after it was first seen is not noticed by the same resolver.
    """

    def __init__(self, root: str | os.PathLike, *, follow_symlinks: bool = False) -> None:
        self.root = Path(root)
        self.follow_symlinks = follow_symlinks
        self.real_root = os.path.realpath(root)
        self._inside_prefix = self.real_root.rstrip(os.sep) + os.sep
        self._real_dirs: dict[Path, str] = {}

    def __call__(self, rel: str | os.PathLike) -> Path:
        joined = resolve_media_path(self.root, rel)
        if self.follow_symlinks:
            return joined
        real_dir = self._real_dirs.get(joined.parent)
        if real_dir is None:
            real_dir = self._real_dirs[joined.parent] = os.path.realpath(joined.parent)
        real = os.path.join(real_dir, joined.name)
        if os.path.islink(real):
            real = os.path.realpath(real)
        outside = real != self.real_root and not real.startswith(self._inside_prefix)
        # A dangling link reads nothing: left to the caller's "does not exist" check, which says more.
        if outside and os.path.exists(real):
            raise MediaError(
                f"unsafe media path {os.fspath(rel)!r} under media root {os.fspath(self.root)!r}: it is a symbolic "
                f"link (or lies below one) that leads outside the root, to {real!r}; copy the file into the root, "
                "or rebuild with `lmms-emotion build-data ... --follow-symlinks` if the dataset is a link farm you "
                "trust"
            )
        return joined


def _require_file(path: Path, kind: str) -> None:
    if not path.is_file():
        if path.exists():
            raise MediaError(f"{kind} path {str(path)!r} is not a regular file")
        raise FileNotFoundError(errno.ENOENT, f"{kind} file not found", str(path))


# --- images ---------------------------------------------------------------------------

_STRICT_STATE_LOCK = threading.Lock()
_strict_depth = 0
_saved_load_truncated = False


@contextmanager
def _strict_pillow() -> Iterator[None]:
    """Decode with ``PIL.ImageFile.LOAD_TRUNCATED_IMAGES = False``, restoring it afterwards.

    The flag is a process-wide global (lmms-eval sets it to ``True``) and Pillow offers no
    per-image switch. Rather than holding a lock for the whole decode (which serialised
    every image decode in the process), the strict window is reference-counted: the first
    of our decodes to enter saves the flag and clears it, concurrent decodes of ours share
    the window (they all want it cleared), and the last one to leave restores the saved
    value. The lock guards only the counter, never the decode itself.
    """
    global _strict_depth, _saved_load_truncated
    from PIL import ImageFile

    with _STRICT_STATE_LOCK:
        if _strict_depth == 0:
            _saved_load_truncated = ImageFile.LOAD_TRUNCATED_IMAGES
        _strict_depth += 1
        ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        with _STRICT_STATE_LOCK:
            _strict_depth -= 1
            if _strict_depth == 0:
                ImageFile.LOAD_TRUNCATED_IMAGES = _saved_load_truncated


def _decode_image(path: str | os.PathLike) -> Image.Image:
    """Open and fully decode ``path`` strictly; returns the loaded image in its own mode."""
    from PIL import Image

    path = Path(path)
    _require_file(path, "image")
    try:
        with _strict_pillow():
            im = Image.open(path)
            try:
                im.load()
                # Pillow marks a JPEG whose end it had to fake (LOAD_TRUNCATED_IMAGES
                # flipped back by another thread in the meantime): still truncated.
                if getattr(im, "_ended", False):
                    raise OSError("image file is truncated (end-of-image marker missing)")
                if getattr(im, "_close_exclusive_fp_after_loading", False):
                    loaded = im  # single-frame formats: load() closed the file, the pixels are in memory
                else:
                    loaded = im.copy()  # multi-frame formats keep the file open: detach, then close it
                    im.close()
            except BaseException:
                im.close()
                raise
    except FileNotFoundError:
        raise
    except Image.DecompressionBombError:
        raise
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError, IndexError, TypeError) as exc:
        raise MediaError(f"cannot decode image {str(path)!r}: {exc}. {_FIX_IMAGE}") from exc
    return loaded


def open_image(path: str | os.PathLike) -> Image.Image:
    """Fully decode an image file and return it as an RGB ``PIL.Image.Image``.

    Raises ``FileNotFoundError`` (naming the path) when the file is missing and
    :class:`MediaError` when it cannot be fully decoded (corrupt, truncated, not an image),
    whatever the global ``LOAD_TRUNCATED_IMAGES`` setting is.
    """
    image = _decode_image(path)
    if image.mode != "RGB":
        image = image.convert("RGB")
    return image


def verify_image(path: str | os.PathLike) -> tuple[int, int]:
    """Fully decode an image as a dataset-build check; returns ``(width, height)``.

    Same errors as :func:`open_image`.
    """
    image = _decode_image(path)
    return image.size


# --- videos ---------------------------------------------------------------------------


def video_frame_indices(num_total: int, num_frames: int) -> list[int]:
    """Indices of ``num_frames`` frames sampled uniformly from ``num_total`` frames.

    The video is cut into ``num_frames`` equal segments and the frame at the centre of
    each is taken: index ``i`` is ``floor((2 i + 1) * num_total / (2 * num_frames))``.
    Computed in integers, so deterministic and identical on every platform; strictly
    increasing; never the very first or last frame unless segments are one frame long.

    When the video has no more frames than requested (``num_total <= num_frames``) every
    frame is returned once (``range(num_total)``) rather than repeating frames; callers
    that need a fixed count pad themselves. ``num_total == 0`` gives ``[]``.
    """
    num_total = int(num_total)
    num_frames = int(num_frames)
    if num_frames < 1:
        raise ValueError(f"num_frames must be >= 1, got {num_frames}")
    if num_total < 0:
        raise ValueError(f"num_total must be >= 0, got {num_total}")
    if num_total <= num_frames:
        return list(range(num_total))
    return [((2 * i + 1) * num_total) // (2 * num_frames) for i in range(num_frames)]


def _check_backend(backend: str) -> str:
    if backend not in VIDEO_BACKENDS:
        raise ValueError(f"unknown video backend {backend!r}; choose one of {', '.join(VIDEO_BACKENDS)}")
    return backend


def _decord_reader(path: Path):
    import decord

    return decord.VideoReader(str(path), ctx=decord.cpu(0), num_threads=1)


def _decord_frames(path: Path, num_frames: int) -> list[Image.Image]:
    from PIL import Image

    reader = _decord_reader(path)
    try:
        indices = video_frame_indices(len(reader), num_frames)
        if not indices:
            raise MediaError(f"video {str(path)!r} has no frames. {_FIX_VIDEO}")
        batch = reader.get_batch(indices).asnumpy()
    finally:
        del reader
    # decord returns RGB uint8 arrays: fromarray gives RGB images directly (no extra copy per frame)
    return [Image.fromarray(frame) for frame in batch]


def _pyav_count_frames(path: Path) -> int:
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return sum(1 for _ in container.decode(stream))


def _pyav_frames(path: Path, num_frames: int) -> list[Image.Image]:
    import av

    with av.open(str(path)) as container:
        if not container.streams.video:
            raise MediaError(f"{str(path)!r} has no video stream. {_FIX_VIDEO}")
        declared = int(container.streams.video[0].frames or 0)
    total = declared if declared > 0 else _pyav_count_frames(path)
    for _attempt in range(2):
        indices = video_frame_indices(total, num_frames)
        if not indices:
            raise MediaError(f"video {str(path)!r} has no frames. {_FIX_VIDEO}")
        wanted = set(indices)
        frames: dict[int, Image.Image] = {}
        decoded = 0
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            for position, frame in enumerate(container.decode(stream)):
                decoded = position + 1
                if position in wanted:
                    frames[position] = frame.to_image().convert("RGB")
                    if len(frames) == len(wanted):
                        break
        if len(frames) == len(wanted):
            return [frames[i] for i in indices]
        # The container header over-stated the frame count: resample over what decodes.
        total = decoded
    raise MediaError(f"video {str(path)!r}: could not decode the sampled frames. {_FIX_VIDEO}")


def sample_video_frames(
    path: str | os.PathLike, num_frames: int = 8, backend: str = "auto"
) -> list[Image.Image]:
    """Decode ``num_frames`` RGB frames at :func:`video_frame_indices` positions.

    ``backend``: ``"decord"``, ``"pyav"``, or ``"auto"`` (decord, falling back to PyAV
    when decord is not installed or fails on this file). Both backends take the frame
    count from the container index (PyAV decodes to count when the container has none)
    and pick indices with :func:`video_frame_indices`, so on indexed containers such as
    MP4 they return the same frames. PyAV decodes sequentially up to the last index.
    Videos with fewer frames than requested give all their frames.

    Raises ``FileNotFoundError`` naming a missing file, :class:`MediaError` naming a file
    that cannot be decoded, ``ImportError`` when an explicitly requested backend is absent.
    """
    _check_backend(backend)
    path = Path(path)
    _require_file(path, "video")
    if int(num_frames) < 1:
        raise ValueError(f"num_frames must be >= 1, got {num_frames}")
    errors: list[str] = []
    if backend in ("auto", "decord"):
        try:
            return _decord_frames(path, num_frames)
        except ImportError:
            if backend == "decord":
                raise
            errors.append("decord: not installed")
        except MediaError:
            if backend == "decord":
                raise
            errors.append("decord: no frames")
        except Exception as exc:  # decord raises its own DECORDError / RuntimeError
            if backend == "decord":
                raise MediaError(f"cannot decode video {str(path)!r} with decord: {exc}. {_FIX_VIDEO}") from exc
            errors.append(f"decord: {exc}")
    try:
        return _pyav_frames(path, num_frames)
    except MediaError:
        raise
    except ImportError:
        raise
    except Exception as exc:  # av.error.FFmpegError and friends
        errors.append(f"pyav: {exc}")
        raise MediaError(f"cannot decode video {str(path)!r} ({'; '.join(errors)}). {_FIX_VIDEO}") from exc


def video_info(path: str | os.PathLike, backend: str = "auto") -> dict:
    """``{num_frames, fps, duration_s, width, height}`` of a video file.

    ``num_frames`` is the count :func:`sample_video_frames` samples from (decord's length,
    or PyAV's declared count, decoding to count when the container does not say).
    Same errors as :func:`sample_video_frames`.
    """
    _check_backend(backend)
    path = Path(path)
    _require_file(path, "video")
    errors: list[str] = []
    if backend in ("auto", "decord"):
        try:
            reader = _decord_reader(path)
            try:
                num = len(reader)
                fps = float(reader.get_avg_fps())
                height, width = reader[0].shape[:2] if num else (0, 0)
            finally:
                del reader
            return _info(num, fps, width, height)
        except ImportError:
            if backend == "decord":
                raise
            errors.append("decord: not installed")
        except Exception as exc:
            if backend == "decord":
                raise MediaError(f"cannot read video {str(path)!r} with decord: {exc}. {_FIX_VIDEO}") from exc
            errors.append(f"decord: {exc}")
    try:
        import av

        with av.open(str(path)) as container:
            if not container.streams.video:
                raise MediaError(f"{str(path)!r} has no video stream. {_FIX_VIDEO}")
            stream = container.streams.video[0]
            num = int(stream.frames or 0)
            fps = float(stream.average_rate) if stream.average_rate else 0.0
            width, height = stream.codec_context.width, stream.codec_context.height
        if num <= 0:
            num = _pyav_count_frames(path)
        return _info(num, fps, width, height)
    except (MediaError, ImportError):
        raise
    except Exception as exc:
        errors.append(f"pyav: {exc}")
        raise MediaError(f"cannot read video {str(path)!r} ({'; '.join(errors)}). {_FIX_VIDEO}") from exc


def _info(num: int, fps: float, width: int, height: int) -> dict:
    return {
        "num_frames": int(num),
        "fps": float(fps),
        "duration_s": float(num) / fps if fps > 0 else 0.0,
        "width": int(width),
        "height": int(height),
    }
