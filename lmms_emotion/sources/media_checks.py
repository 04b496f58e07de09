"""Media checks of a build: every record's image or clip resolved safely under the raw folder and
verified (``--verify decode|exists``); bad items reported through the ``--skip-bad`` policy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lmms_emotion.paths import dataset_dir
from lmms_emotion.records import Record
from lmms_emotion.sources.builder_api import BuildError, BuildOptions, IssueLog
from lmms_emotion.sources.verify_cache import verify_media


def media_checker(kind: str, mode: str) -> Callable[[Path], object]:
    """The per-file check for ``--verify``: ``decode`` each image (one frame of each clip), or only check it ``exists``."""
    if mode == "exists":
        return lambda path: None
    if mode != "decode":
        raise BuildError(f"unknown --verify mode {mode!r}; use decode or exists")
    if kind == "video":
        return verify_video
    from lmms_emotion.media import verify_image

    return verify_image


def verify_video(path: Path) -> None:
    """Decode check for a video clip: open it and decode its middle frame (what frame sampling reads).

    Raises ``FileNotFoundError`` or :class:`~lmms_emotion.media.MediaError` (no video
    stream, no frames, undecodable), like :func:`lmms_emotion.media.sample_video_frames`.
    """
    from lmms_emotion.media import sample_video_frames

    sample_video_frames(path, num_frames=1)


MEDIA_KINDS = ("image", "video")


@dataclass(frozen=True)
class PendingItem:
    """A record whose media file (``image``: an image or a video clip) still has to be verified,
    and where the raw data named it."""

    record: Record
    image: Path
    file: str
    row: int | None = None


def keep_readable(items: Sequence[PendingItem], issues: IssueLog, options: BuildOptions, dataset: str,
                  kind: str = "image", root: Path | None = None) -> list[Record]:
    """Resolve and verify every item's media files (resumable, see :func:`verify_media`); report bad ones, keep the rest.

    Every media path of every record goes through :func:`raw_file` under ``root`` (the
    folder the records' paths are relative to and the media root links to; default
    ``options.raw``), so no builder can emit a record pointing outside the raw folder,
    whatever its annotation files say. The file verified is the one the record names.
    ``kind`` is ``image`` (full decode) or ``video`` (header plus one decoded frame).
    """
    from lmms_emotion.media import MediaError, RootResolver

    if kind not in MEDIA_KINDS:
        raise ValueError(f"kind must be one of {MEDIA_KINDS}, got {kind!r}")
    base = (root if root is not None else options.raw).absolute()
    resolve = RootResolver(base, follow_symlinks=options.follow_symlinks)  # raw_file's check, folders cached
    checker = media_checker(kind, options.verify)
    noun = "image" if kind == "image" else "clip"
    resolved: list[tuple[PendingItem, list[Path]]] = []
    for item in items:
        try:
            resolved.append((item, [resolve(m.path) for m in item.record.media]))
        except MediaError as err:
            issues.report(item.file, item.row, str(err))
    verdicts = verify_media(list(dict.fromkeys(path for _, paths in resolved for path in paths)),
                            cache_file=dataset_dir(dataset, options.out_root) / ".verify_cache.jsonl",
                            checker=checker, workers=options.workers,
                            desc=f"{dataset}: verifying {noun}s")
    kept = []
    for item, paths in resolved:
        bad = [(media.path, verdicts.get(path)) for media, path in zip(item.record.media, paths)
               if verdicts.get(path) is not None]
        if bad:
            issues.report(item.file, item.row, f"{noun} {bad[0][0]} is unreadable: {bad[0][1]}")
            continue
        RECORD_ORIGINS[item.record.id] = item.file if item.row is None else f"{item.file} row {item.row}"
        kept.append(item.record)
    return kept


# Where in the raw data each kept record came from ("<file> row <n>"), by record id, for the
# messages of :func:`check_split_leakage` (records themselves carry no machine-specific paths).
RECORD_ORIGINS: dict[str, str] = {}
