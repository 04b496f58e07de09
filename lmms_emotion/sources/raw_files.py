"""Reading a raw release: required folders and files, UTF-8 text, JSON and CSV/TSV tables
(errors name the file and row), and names from annotation files checked before they become paths."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lmms_emotion.sources.builder_api import BuildError, BuildOptions, IssueLog


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


def relative_to_raw(path: Path, raw: Path) -> str:
    """POSIX path of ``path`` relative to the raw root (for records' media paths)."""
    return path.relative_to(raw).as_posix()


IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"})


def is_image_name(name: str) -> bool:
    """Whether a file name has an image suffix (case-insensitive)."""
    return Path(name).suffix.lower() in IMAGE_SUFFIXES


def is_hidden(name: str) -> bool:
    """Operating-system clutter in a raw folder (``.DS_Store``, ``__MACOSX``, ``Thumbs.db``)."""
    return name.startswith((".", "__MACOSX", "_MACOSX")) or name.lower() == "thumbs.db"


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
