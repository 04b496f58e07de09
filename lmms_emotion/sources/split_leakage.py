"""Train/test leakage: refuse a media file (same path, or same image bytes) that two splits of one
build share; with ``--skip-bad`` the copy in the lower split is dropped and reported."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from lmms_emotion.hashing import file_sha256
from lmms_emotion.paths import media_root
from lmms_emotion.records import Record
from lmms_emotion.sources.builder_api import BuildOptions, BuildResult, IssueLog
from lmms_emotion.sources.media_checks import RECORD_ORIGINS

# Which split keeps a media file found in two: the evaluation side wins, so --skip-bad only
# ever removes training data. Splits not named here rank between val and train.
_SPLIT_RANK = {"test": 3, "val": 2, "validation": 2, "dev": 2, "train": 0}


def _describe_record(record: Record) -> str:
    origin = RECORD_ORIGINS.get(record.id)
    return f"{record.id} ({origin})" if origin else record.id


def _content_digest(path: Path) -> str | None:
    try:
        return file_sha256(path)
    except OSError:
        return None


def check_split_leakage(result: BuildResult, options: BuildOptions) -> BuildResult:
    """Refuse a media file that two splits of one build share: by path, and by content hash for images.

    Without ``--skip-bad`` the first clash stops the build naming both records (id and raw
    row). With it, the copy in the lower split (train below val below test) is dropped and
    reported in ``skipped``. Hashing reads only images whose size occurs in two splits, and
    compares images of the same source dataset.
    """
    from lmms_emotion.media import MediaError, resolve_media_path

    issues = IssueLog(result.dataset, skip_bad=options.skip_bad)
    media = media_root(result.dataset, options.out_root)
    owners: dict[str, list[tuple[str, Record]]] = defaultdict(list)
    for split, records in result.splits.items():
        for record in records:
            for item in record.media:
                owners[item.path].append((split, record))
    clashes: list[tuple[Record, Record, str]] = []

    def collect(groups: Iterable[list[tuple[str, Record]]], how: str) -> None:
        for group in groups:
            first: dict[str, Record] = {}
            for split, record in group:
                first.setdefault(split, record)
            if len(first) > 1:
                ranked = sorted(first.items(), key=lambda kv: -_SPLIT_RANK.get(kv[0], 1))
                keep = ranked[0][1]
                clashes.extend((keep, other, how) for _, other in ranked[1:])

    collect(owners.values(), "the same file")
    # Same bytes under two names: group images by size first, hash only sizes seen in two splits.
    # Compared within one source dataset: a composed build (EmoBench) may hold two public datasets
    # that share a web image, each under its own task and labels; that is not a split leak.
    by_size: dict[tuple[str, int], list[tuple[str, Record, Path]]] = defaultdict(list)
    for rel, group in owners.items():
        split, record = group[0]
        if len({s for s, _ in group}) > 1 or record.media[0].type != "image":
            continue
        try:
            path = resolve_media_path(media, rel)
            by_size[(record.source, path.stat().st_size)].append((split, record, path))
        except (OSError, MediaError):
            continue
    by_digest: dict[tuple[str, str], list[tuple[str, Record]]] = defaultdict(list)
    for (source, _size), group in by_size.items():
        if len({split for split, _, _ in group}) < 2:
            continue
        for split, record, path in group:
            digest = _content_digest(path)
            if digest is not None:
                by_digest[(source, digest)].append((split, record))
    collect(by_digest.values(), "an identical image (same content hash)")

    dropped: set[str] = set()
    for keep, other, how in clashes:
        if other.id in dropped:
            continue
        issues.report(f"{other.split} record {_describe_record(other)}", None,
                      f"{other.media[0].path} is {how} as {keep.split} record {_describe_record(keep)}: "
                      f"one media file in two splits leaks {keep.split} data into {other.split} "
                      f"(with --skip-bad the {other.split} copy is dropped)")
        dropped.add(other.id)
    if not dropped:
        return result
    splits = {split: [r for r in records if r.id not in dropped] for split, records in result.splits.items()}
    return BuildResult(dataset=result.dataset, splits=splits, skipped=[*result.skipped, *issues.issues],
                       manifest=result.manifest)
