"""Machinery every source builder shares: errors that name file and row, the
``--skip-bad`` policy, resumable image verification, seeded splits, and writing a
built dataset (records per split, media root, manifest) atomically and reproducibly.
"""

from __future__ import annotations

import json
import os
import random
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Hashable, Iterable, Sequence, TypeVar

from lmms_emotion import __version__
from lmms_emotion.jsonl import write_json
from lmms_emotion.paths import dataset_dir, manifest_path, media_root, records_path
from lmms_emotion.records import Media, Record, write_records

T = TypeVar("T")


class BuildError(ValueError):
    """A raw-data problem that stops a build; the message names the file (and row) and the fix."""


@dataclass(frozen=True)
class BuildIssue:
    """One bad input item: where it is and what is wrong with it."""

    file: str
    row: int | None
    reason: str

    def describe(self) -> str:
        where = self.file if self.row is None else f"{self.file} row {self.row}"
        return f"{where}: {self.reason}"


@dataclass
class IssueLog:
    """Collects bad items: raises on the first one, or (``skip_bad``) records and continues."""

    dataset: str
    skip_bad: bool = False
    issues: list[BuildIssue] = field(default_factory=list)

    def report(self, file: str | os.PathLike, row: int | None, reason: str) -> None:
        """Record a bad item; without ``skip_bad`` this raises :class:`BuildError` at once."""
        issue = BuildIssue(str(file), row, reason)
        if not self.skip_bad:
            raise BuildError(
                f"{self.dataset}: {issue.describe()}.\n"
                "Fix the raw file (re-download or restore it from the official release), "
                "or pass --skip-bad to leave such items out and list them in the build report."
            )
        self.issues.append(issue)


@dataclass
class BuildOptions:
    """What every builder receives from ``lmms-emotion build-data``."""

    raw: Path
    out_root: Path
    skip_bad: bool = False
    workers: int = 4
    verify: str = "decode"  # decode | exists
    seed: int = 0
    link_mode: str = "symlink"  # symlink | copy
    extra: dict = field(default_factory=dict)
    follow_symlinks: bool = False  # accept links inside the raw folder that lead outside it


@dataclass
class BuildResult:
    """What a builder produced: records per split plus anything it skipped."""

    dataset: str
    splits: dict[str, list[Record]]
    skipped: list[BuildIssue]
    manifest: dict

    def summary(self) -> str:
        lines = [f"{self.dataset}: built {sum(len(r) for r in self.splits.values())} records"]
        for split, records in self.splits.items():
            counts = Counter(r.answer for r in records)
            per_class = ", ".join(f"{label}={n}" for label, n in sorted(counts.items()))
            lines.append(f"  {split}: {len(records)} ({per_class})")
        if self.skipped:
            lines.append(f"  skipped {len(self.skipped)} bad item(s):")
            lines.extend(f"    - {issue.describe()}" for issue in self.skipped[:50])
            if len(self.skipped) > 50:
                lines.append(f"    ... and {len(self.skipped) - 50} more (see manifest.json)")
        return "\n".join(lines)


def require_dir(path: Path, what: str, dataset: str, hint: str) -> Path:
    """Fail fast when an expected raw folder is absent."""
    if not path.is_dir():
        raise BuildError(f"{dataset}: {what} {path} does not exist. {hint}")
    return path


def require_file(path: Path, what: str, dataset: str, hint: str) -> Path:
    """Fail fast when an expected raw file is absent."""
    if not path.is_file():
        raise BuildError(f"{dataset}: {what} {path} does not exist. {hint}")
    return path


def read_text_file(path: Path, dataset: str) -> str:
    """A UTF-8 text file's content (a byte-order mark accepted, as Windows editors add one).

    Bytes that are not UTF-8 stop the build naming the file, the line and the fix.
    """
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise BuildError(f"{dataset}: {path} line {line}: not UTF-8 text (byte {err.start}); re-download the file "
                         "from the official release, or re-save it as UTF-8") from None


def load_json_file(path: Path, dataset: str) -> object:
    """Parse a JSON file, naming the file and position on failure."""
    text = read_text_file(path, dataset)
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise BuildError(f"{dataset}: {path} is not valid JSON ({err.msg}, line {err.lineno} column {err.colno})") from None


def safe_relative(path_text: str) -> str | None:
    """A raw relative path in POSIX form, or None if it is absolute, climbs out with '..' or holds a NUL byte.

    A first, lexical filter for names read from annotation files; :func:`keep_readable`
    then resolves every record's media path with :func:`lmms_emotion.media.resolve_under_root`.
    """
    text = path_text.replace("\\", "/").strip()
    if not text or "\x00" in text or text.startswith("/") or (len(text) > 1 and text[1] == ":"):
        return None
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    return "/".join(parts)


def raw_file(raw: Path, rel: str, options: BuildOptions) -> Path:
    """The raw file ``rel`` names under ``raw``, through the one safe resolver (real paths, no escaping links).

    Raises :class:`lmms_emotion.media.MediaError` naming the path when it is absolute,
    climbs out with ``..``, holds a NUL byte, or is a link leading outside ``raw``
    (allowed with ``options.follow_symlinks``).
    """
    from lmms_emotion.media import resolve_under_root

    return resolve_under_root(raw, rel, follow_symlinks=options.follow_symlinks)


def raw_child(raw: Path, folder: Path, name: str, options: BuildOptions) -> Path:
    """The file ``name`` directly inside ``folder`` (a folder under ``raw``), through :func:`raw_file`.

    For names built from ids or keys of annotation files (``<id>.mp4``): ``name`` must be
    a plain file name, so an id such as ``../../outside`` or ``C:x`` cannot reach another
    folder. Raises :class:`lmms_emotion.media.MediaError` naming the bad name.
    """
    from lmms_emotion.media import MediaError

    if not is_plain_name(name):
        raise MediaError(f"unsafe file name {name!r}: an id or key that names a file must be a plain file name "
                         "(no '/', '\\', '..', drive letter or NUL byte); fix the annotation file")
    return raw_file(raw, (folder / name).relative_to(raw).as_posix(), options)


def is_plain_name(name: str) -> bool:
    """Whether ``name`` (an id or key from an annotation file) is one plain path component."""
    return bool(name.strip()) and name not in (".", "..") and not any(c in name for c in "/\\\x00") \
        and not (len(name) > 1 and name[1] == ":")


# --- image verification, resumable --------------------------------------------------------


def _file_key(stat: os.stat_result) -> list[int]:
    """What the verify cache compares: device, inode, size, mtime and ctime (all in ns).

    A rewrite that keeps size and mtime (``touch -r``, ``os.utime``) still changes the
    inode-change time, which no user call can set back, so it is re-checked; a file
    replaced by another (rename over it) has a new inode. Copying the raw folder elsewhere
    re-checks everything (new inodes), which costs one more decode pass, never a wrong hit.
    """
    return [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]


class VerifyCache:
    """An append-only JSONL of verified files keyed by path plus :func:`_file_key` (inode, size, mtime, ctime).

    Each result is appended and flushed as soon as it is known, so a killed build
    resumes without re-decoding what it already checked. Entries written by older
    versions (size and mtime only) never match and are checked again.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._known: dict[str, tuple[list[int], str | None]] = {}
        if path.is_file():
            with path.open("r", encoding="utf-8") as handle:
                for line in handle:
                    try:
                        entry = json.loads(line)
                        self._known[entry["path"]] = (list(entry["key"]), entry["error"])
                    except (json.JSONDecodeError, KeyError, TypeError):
                        continue  # a torn last line from a kill, or an old-format entry: checked again

    def lookup(self, path: Path) -> tuple[bool, str | None]:
        """(hit, error) for a file whose inode, size, mtime and ctime are unchanged since it was checked."""
        entry = self._known.get(str(path))
        if entry is None:
            return False, None
        try:
            key = _file_key(path.stat())
        except OSError:
            return False, None
        if key != entry[0]:
            return False, None
        return True, entry[1]

    def append(self, handle, path: Path, error: str | None, key: list[int]) -> None:
        """Record a result under the file key taken *before* the check (a change during it is caught next time)."""
        record = {"path": str(path), "key": key, "error": error}
        handle.write(json.dumps(record) + "\n")
        handle.flush()
        self._known[str(path)] = (key, error)


def _check_one(path: Path, checker: Callable[[Path], object]) -> str | None:
    try:
        checker(path)
        return None
    except FileNotFoundError:
        return "file does not exist"
    except Exception as err:  # noqa: BLE001 - any decode failure is a bad item
        return str(err) or type(err).__name__


def verify_media(paths: Sequence[Path], *, cache_file: Path, checker: Callable[[Path], object],
                 workers: int = 4, desc: str = "verifying media") -> dict[Path, str | None]:
    """Check every file with ``checker`` (in threads, with a progress bar), resumable via ``cache_file``.

    Returns ``{path: None}`` for good files and ``{path: reason}`` for bad ones.
    """
    from tqdm.auto import tqdm

    cache = VerifyCache(cache_file)
    results: dict[Path, str | None] = {}
    todo: list[Path] = []
    keys: dict[Path, list[int]] = {}
    for path in paths:
        try:
            keys[path] = _file_key(path.stat())
        except OSError:
            results[path] = "file does not exist"
            continue
        hit, error = cache.lookup(path)
        if hit:
            results[path] = error
        else:
            todo.append(path)
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    with cache_file.open("a", encoding="utf-8") as handle, \
            tqdm(total=len(paths), initial=len(paths) - len(todo), desc=desc, unit="file",
                 disable=len(todo) < 200) as bar:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for path, error in zip(todo, pool.map(lambda p: _check_one(p, checker), todo)):
                results[path] = error
                cache.append(handle, path, error, keys[path])
                bar.update(1)
    return results


# --- splits and writing ------------------------------------------------------------------


def stratified_split(items: Sequence[T], *, key: Callable[[T], Hashable], test_fraction: float, seed: int,
                     order_key: Callable[[T], str]) -> tuple[list[T], list[T]]:
    """Seeded, class-stratified (train, test) split.

    Items are first sorted by ``order_key`` so the result does not depend on the order
    the raw folder was listed in; each class then contributes ``round(n * test_fraction)``
    items (at least one when it has two or more) to the test side.
    """
    by_class: dict[Hashable, list[T]] = defaultdict(list)
    for item in sorted(items, key=order_key):
        by_class[key(item)].append(item)
    rng = random.Random(seed)
    train: list[T] = []
    test: list[T] = []
    for cls in sorted(by_class, key=str):
        members = list(by_class[cls])
        rng.shuffle(members)
        n_test = round(len(members) * test_fraction)
        if len(members) >= 2:
            n_test = min(max(n_test, 1), len(members) - 1)
        test.extend(members[:n_test])
        train.extend(members[n_test:])
    return sorted(train, key=order_key), sorted(test, key=order_key)


def class_counts(records: Iterable[Record]) -> dict[str, int]:
    """Records per gold label, sorted by label."""
    counts = Counter(r.answer for r in records)
    return dict(sorted(counts.items()))


def link_media(dataset: str, out_root: Path, raw: Path, mode: str = "symlink") -> Path:
    """Make ``<root>/<dataset>/media`` point at the raw folder (a symlink by default)."""
    target = media_root(dataset, out_root)
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = raw.absolute()
    if target.is_symlink():
        if Path(os.readlink(target)) == raw:
            return target
        target.unlink()
    elif target.exists():
        if mode == "symlink":
            raise BuildError(f"{dataset}: {target} exists and is not a symlink; remove it or use --link-mode copy")
        return target
    if mode == "symlink":
        target.symlink_to(raw, target_is_directory=True)
    elif mode == "copy":
        import shutil

        shutil.copytree(raw, target)
    else:
        raise BuildError(f"unknown --link-mode {mode!r}; use symlink or copy")
    return target


def write_dataset(result: BuildResult, out_root: Path) -> Path:
    """Write records per split (sorted by id) and the manifest; identical inputs give identical bytes."""
    folder = dataset_dir(result.dataset, out_root)
    folder.mkdir(parents=True, exist_ok=True)
    splits_info = {}
    for split, records in result.splits.items():
        ordered = sorted(records, key=lambda r: r.id)
        write_records(records_path(result.dataset, split, out_root), ordered)
        splits_info[split] = {"count": len(ordered), "per_class": class_counts(ordered)}
    manifest = {
        "dataset": result.dataset,
        "builder_version": __version__,
        "splits": splits_info,
        "skipped": [{"file": i.file, "row": i.row, "reason": i.reason} for i in result.skipped],
        **result.manifest,
    }
    write_json(manifest_path(result.dataset, out_root), manifest)
    return folder


def relative_to_raw(path: Path, raw: Path) -> str:
    """POSIX path of ``path`` relative to the raw root (for records' media paths)."""
    return path.relative_to(raw).as_posix()


# --- helpers for builders that list images themselves ----------------------------------------

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"})


def is_image_name(name: str) -> bool:
    """Whether a file name has an image suffix (case-insensitive)."""
    return Path(name).suffix.lower() in IMAGE_SUFFIXES


def is_hidden(name: str) -> bool:
    """Operating-system clutter in a raw folder (``.DS_Store``, ``__MACOSX``, ``Thumbs.db``)."""
    return name.startswith((".", "__MACOSX", "_MACOSX")) or name.lower() == "thumbs.db"


def image_checker(mode: str) -> Callable[[Path], object]:
    """The per-file check for ``--verify``: ``decode`` every image, or only check it ``exists``."""
    if mode == "exists":
        return lambda path: None
    if mode == "decode":
        from lmms_emotion.media import verify_image

        return verify_image
    raise BuildError(f"unknown --verify mode {mode!r}; use decode or exists")


def build_option(options: BuildOptions, dataset: str, key: str, default: str, choices: Sequence[str]) -> str:
    """A dataset-specific ``--option KEY=VALUE`` value, checked against its choices."""
    value = str(options.extra.get(key, default))
    if value not in choices:
        raise BuildError(f"{dataset}: --option {key}={value} is not valid; use one of {', '.join(choices)}")
    return value


def verify_video(path: Path) -> None:
    """Decode check for a video clip: open it and decode its middle frame (what frame sampling reads).

    Raises ``FileNotFoundError`` or :class:`~lmms_emotion.media.MediaError` (no video
    stream, no frames, undecodable), like :func:`lmms_emotion.media.sample_video_frames`.
    """
    from lmms_emotion.media import sample_video_frames

    sample_video_frames(path, num_frames=1)


def video_checker(mode: str) -> Callable[[Path], object]:
    """The per-file check for ``--verify`` on video clips: ``decode`` one frame, or only check it ``exists``."""
    if mode == "exists":
        return lambda path: None
    if mode == "decode":
        return verify_video
    raise BuildError(f"unknown --verify mode {mode!r}; use decode or exists")


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
    checker = image_checker(options.verify) if kind == "image" else video_checker(options.verify)
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


# --- train/test leakage ----------------------------------------------------------------------

# Where in the raw data each kept record came from ("<file> row <n>"), by record id, for the
# messages of :func:`check_split_leakage` (records themselves carry no machine-specific paths).
RECORD_ORIGINS: dict[str, str] = {}

# Which split keeps a media file found in two: the evaluation side wins, so --skip-bad only
# ever removes training data. Splits not named here rank between val and train.
_SPLIT_RANK = {"test": 3, "val": 2, "validation": 2, "dev": 2, "train": 0}


def _describe_record(record: Record) -> str:
    origin = RECORD_ORIGINS.get(record.id)
    return f"{record.id} ({origin})" if origin else record.id


def _content_digest(path: Path) -> str | None:
    import hashlib

    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
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


# --- delimited annotation tables (CSV / TSV) -------------------------------------------------


@dataclass(frozen=True)
class TableRow:
    """One data record of a CSV/TSV file: the line it starts on (the header is line 1) and its cells."""

    row: int
    values: dict[str, str]


def _decode_table(path: Path, dataset: str) -> tuple[str, str]:
    """The file's text and the encoding it was read with: UTF-8 (BOM allowed), else Windows-1252."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as err:
        raise BuildError(f"{dataset}: {path} is neither UTF-8 nor Windows-1252 text (byte {err.start}); "
                         "re-download it from the official release") from None


def read_table(path: Path, dataset: str, issues: IssueLog, *, required: Sequence[str], delimiter: str = ",",
               quoted: bool = True) -> tuple[list[TableRow], str]:
    """Read a delimited file with a header row; returns its rows and the text encoding used.

    Header names are matched case-insensitively after trimming; a missing ``required``
    column stops the build (``row 1``), a record with a different number of fields is
    reported by the line it starts on. ``quoted=False`` reads the file without quote
    processing (tab-separated releases whose text holds bare ``"``).
    """
    import csv
    import io

    text, encoding = _decode_table(path, dataset)
    options = {"delimiter": delimiter}
    if not quoted:
        options["quoting"] = csv.QUOTE_NONE
    reader = csv.reader(io.StringIO(text, newline=""), **options)
    try:
        header = next(reader)
    except StopIteration:
        raise BuildError(f"{dataset}: {path} is empty") from None
    except csv.Error as err:
        raise BuildError(f"{dataset}: {path} row 1: cannot read the header ({err})") from None
    names = [cell.strip().lower() for cell in header]
    missing = [name for name in required if name.lower() not in names]
    if missing:
        raise BuildError(f"{dataset}: {path} row 1: header lacks column(s) {', '.join(missing)}; "
                         f"it has {', '.join(repr(n) for n in header)}")
    rows: list[TableRow] = []
    line_end = reader.line_num
    while True:
        start = line_end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            issues.report(path, start, f"malformed record ({err})")
            line_end = reader.line_num
            continue
        line_end = reader.line_num
        if not cells or all(not cell.strip() for cell in cells):
            continue
        if len(cells) != len(names):
            issues.report(path, start, f"expected {len(names)} {'tab' if delimiter == chr(9) else 'comma'}-"
                                       f"separated fields, got {len(cells)}")
            continue
        rows.append(TableRow(start, dict(zip(names, cells))))
    return rows, encoding


def find_first(candidates: Sequence[Path]) -> Path | None:
    """The first of ``candidates`` that exists (releases unpack to slightly different folder layouts)."""
    return next((path for path in candidates if path.exists()), None)


def stratified_splits(items: Sequence[T], *, key: Callable[[T], Hashable], order_key: Callable[[T], str],
                      fractions: Sequence[tuple[str, float]], seed: int, rest: str = "train") -> dict[str, list[T]]:
    """Seeded, class-stratified splits: each ``(name, fraction)`` of the whole, in order, the rest to ``rest``.

    Repeated :func:`stratified_split`: the first split takes its fraction of every class,
    the next takes its share of what remains, and so on, so ``[("test", 0.15), ("val",
    0.05)]`` gives about 80/5/15.
    """
    remaining = list(items)
    left = 1.0
    splits: dict[str, list[T]] = {}
    for name, fraction in fractions:
        remaining, taken = stratified_split(remaining, key=key, test_fraction=fraction / left, seed=seed,
                                            order_key=order_key)
        splits[name] = taken
        left -= fraction
    splits[rest] = remaining
    return splits


def describe_split(fractions: Sequence[tuple[str, float]], seed: int, rest: str = "train") -> str:
    """The split rule in words, for records' ``meta`` and the manifest."""
    parts = [f"{name} {fraction:.0%}" for name, fraction in fractions]
    parts.append(f"{rest} the rest")
    return f"lmms-emotion seeded class-stratified split (sources.common.stratified_splits, seed {seed}): " + ", ".join(parts)


@dataclass(frozen=True)
class ListedImage:
    """One labelled image found in a raw release that has no official split.

    ``where``/``row`` name the place in the raw data that listed it (for error messages);
    ``stratum`` defaults to the label (give e.g. ``(label, object)`` to stratify finer).
    """

    label: str
    rel: str
    path: Path
    source_id: str
    where: str
    row: int | None = None
    meta: dict = field(default_factory=dict)
    stratum: Hashable | None = None


def seeded_image_records(listed: Sequence[ListedImage], *, dataset: str, label_set: str,
                         fractions: Sequence[tuple[str, float]], issues: IssueLog, options: BuildOptions,
                         rule_note: str = "") -> tuple[dict[str, list[Record]], str]:
    """Split listed images with :func:`stratified_splits`, build closed-set emotion records, verify the images.

    Returns the records per split (``train`` plus each split named in ``fractions``) and
    the split rule in words (also stored in every record's ``meta.split_rule``).
    """
    rule = describe_split(fractions, options.seed) + (f"; {rule_note}" if rule_note else "")
    assigned = stratified_splits(listed, key=lambda i: i.label if i.stratum is None else i.stratum,
                                 order_key=lambda i: i.rel, fractions=fractions, seed=options.seed)
    splits: dict[str, list[Record]] = {}
    for split in ("train", *[name for name, _ in fractions]):
        pending = [
            PendingItem(
                Record(id=f"{dataset}/{split}/{item.source_id}", task="emotion_closed", source=dataset, split=split,
                       media=(Media("image", item.rel),), text="", label_set=label_set, answer=item.label,
                       meta={"source_id": item.source_id, **item.meta, "split_rule": rule}),
                item.path, item.where, item.row)
            for item in assigned[split]
        ]
        splits[split] = keep_readable(pending, issues, options, dataset)
    return splits, rule
