"""UR-FUNNY V2 (Hasan et al., EMNLP 2019): is a TED-talk punchline humorous? -> video records.

Published release (github.com/ROC-HCI/UR-FUNNY README, V2)::

    <raw>/data_folds.pkl          {"train": [id, ...], "dev": [...], "test": [...]}
    <raw>/humor_label_sdk.pkl     {id: 1 | 0}
    <raw>/language_sdk.pkl        {id: {"punchline_sentence": ..., "context_sentences": [...], ...}}
    <raw>/urfunny2_videos/<id>.mp4   (urfunny2_videos.zip)

The annotations ship only as Python pickles. **Loading a pickle can run arbitrary code**,
so this builder refuses them unless the user passes ``--option allow_pickle=true``; even
then it unpickles with an allow-list (plain containers, numbers, strings and numpy
arrays) and stops on anything else. The other feature pickles are never opened.

Also accepted, without any flag: the public JSON export some projects redistribute,
``urfunny_dataset_{train,val,test}.json`` (``dev`` for ``val`` accepted), each one object
keyed by id with ``punchline_sentence``, ``context_sentences`` and ``label``. With both
present the JSON export is read (``--option format=pickle`` forces the pickles).

Clips are looked up as ``<id>.mp4`` in ``urfunny2_videos/`` (the zip's folder; inferred
from its name), ``videos/`` or ``urfunny_videos/``. ``text`` is the punchline; the context
sentences go to ``meta.context``. Splits: the official speaker-independent folds, with
``dev`` named ``val``.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from lmms_emotion.media import MediaError
from lmms_emotion.records import Media, Record
from lmms_emotion.sources.builder_api import BuildError, BuildOptions, BuildResult, IssueLog, build_option
from lmms_emotion.sources.dataset_writer import link_media
from lmms_emotion.sources.media_checks import PendingItem, keep_readable
from lmms_emotion.sources.raw_files import find_first, load_json_file, raw_child, relative_to_raw, require_dir
from lmms_emotion.sources.release_labels import get_dataset_table

NAME = "urfunny"
DESCRIPTION = "UR-FUNNY V2: humorous punchline yes/no in TED-talk clips (context in meta); official folds."
OBTAIN = ("Get UR-FUNNY V2 from https://github.com/ROC-HCI/UR-FUNNY: the extracted-features folder "
          "(data_folds.pkl, humor_label_sdk.pkl, language_sdk.pkl) and urfunny2_videos.zip; put the pickles "
          "and the unpacked urfunny2_videos/ folder together and pass that folder.")
OPTIONS = {"allow_pickle": ("false", "true"), "format": ("auto", "pickle", "json")}
"""``--option`` keys this builder reads, with their values."""
PICKLES = ("data_folds.pkl", "humor_label_sdk.pkl", "language_sdk.pkl")
FOLDS = (("train", "train"), ("val", "dev"), ("test", "test"))
JSON_FILES = {"train": ("urfunny_dataset_train.json",),
              "val": ("urfunny_dataset_val.json", "urfunny_dataset_dev.json"),
              "test": ("urfunny_dataset_test.json",)}
VIDEO_FOLDERS = ("urfunny2_videos", "videos", "urfunny_videos")
PICKLE_REFUSED = (
    "{dataset}: the UR-FUNNY annotations in {folder} are Python pickles ({files}). Loading a pickle can run "
    "arbitrary code, so lmms-emotion never loads one unless you ask it to. If these files came from the "
    "official UR-FUNNY release and you trust them, re-run with --option allow_pickle=true (they are then read "
    "with an allow-list that accepts only plain containers, numbers, strings and numpy arrays). "
    "Alternatively provide the JSON export urfunny_dataset_{{train,val,test}}.json."
)

# Globals a UR-FUNNY pickle may reference: containers, numbers and numpy arrays, nothing callable beyond them.
_ALLOWED_GLOBALS = frozenset(
    [("builtins", name) for name in ("dict", "list", "tuple", "set", "frozenset", "str", "int", "float", "bool",
                                     "bytes", "bytearray", "complex")]
    + [("__builtin__", name) for name in ("dict", "list", "tuple", "set", "frozenset", "unicode", "long")]
    + [("collections", "OrderedDict"), ("_codecs", "encode"), ("numpy", "ndarray"), ("numpy", "dtype")]
    + [(module, name) for module in ("numpy.core.multiarray", "numpy._core.multiarray")
       for name in ("_reconstruct", "scalar")]
)


class _AllowListUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) not in _ALLOWED_GLOBALS:
            raise pickle.UnpicklingError(f"refusing global {module}.{name} (not on the allow-list)")
        return super().find_class(module, name)


def load_pickle_allow_listed(path: Path, dataset: str = NAME) -> object:
    """Unpickle ``path`` with the allow-list above (Python 2 pickles are retried as latin-1)."""
    for encoding in ("ASCII", "latin1"):
        try:
            with path.open("rb") as handle:
                return _AllowListUnpickler(handle, encoding=encoding).load()
        except UnicodeDecodeError:
            continue
        except Exception as err:  # noqa: BLE001 - any unpickling failure names the file
            raise BuildError(f"{dataset}: cannot read {path}: {err}. Re-download it from the official "
                             "release") from None
    raise BuildError(f"{dataset}: cannot decode the strings in {path}")


def _sentence(value: object) -> str | None:
    """A sentence given as a string or as a list of words; None for anything else."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, (list, tuple)) and all(isinstance(word, str) for word in value):
        return " ".join(" ".join(value).split())
    return None


def _context(value: object) -> list[str] | None:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        return None
    sentences = [_sentence(item) for item in value]
    return None if any(s is None for s in sentences) else [s for s in sentences if s]


def _label_value(value: object) -> str:
    """The raw label as a table key: 1, 1.0, True and "1" all read as "1"."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)) and float(value) in (0.0, 1.0):
        return str(int(value))
    try:  # numpy scalars
        number = float(value)  # type: ignore[arg-type]
        if number in (0.0, 1.0):
            return str(int(number))
    except (TypeError, ValueError):
        pass
    return str(value).strip().lower()


def _read_json_export(raw: Path) -> dict[str, tuple[Path, list[tuple[int, str, object]]]]:
    """{split: (file, [(row, id, entry)])} from the JSON export files present."""
    out = {}
    for split, names in JSON_FILES.items():
        path = find_first([raw / name for name in names])
        if path is None:
            continue
        data = load_json_file(path, NAME)
        if not isinstance(data, dict):
            raise BuildError(f"{NAME}: {path} must hold one JSON object keyed by segment id, got {type(data).__name__}")
        out[split] = (path, [(row, str(key), entry) for row, (key, entry) in enumerate(data.items(), start=1)])
    return out


def _read_pickles(raw: Path) -> dict[str, tuple[Path, list[tuple[int, str, object]]]]:
    """The same shape from the three V2 pickles (folds give the rows; labels and text are joined in)."""
    folds_path, labels_path, language_path = (raw / name for name in PICKLES)
    folds = load_pickle_allow_listed(folds_path)
    labels = load_pickle_allow_listed(labels_path)
    language = load_pickle_allow_listed(language_path)
    for path, value, kind in ((folds_path, folds, "{'train': [...], 'dev': [...], 'test': [...]}"),
                              (labels_path, labels, "{id: 0 or 1}"), (language_path, language, "{id: {...}}")):
        if not isinstance(value, dict):
            raise BuildError(f"{NAME}: {path} must hold a dictionary {kind}, got {type(value).__name__}")
    out = {}
    for split, fold in FOLDS:
        ids = folds.get(fold)
        if ids is None:
            continue
        if not isinstance(ids, (list, tuple)):
            raise BuildError(f"{NAME}: {folds_path}: fold {fold!r} must be a list of ids, got {type(ids).__name__}")
        rows = []
        for row, segment in enumerate(ids, start=1):
            text = language.get(segment)
            entry = {"label": labels.get(segment, None), "_missing_label": segment not in labels,
                     "_missing_text": text is None}
            if isinstance(text, dict):
                entry.update({"punchline_sentence": text.get("punchline_sentence"),
                              "context_sentences": text.get("context_sentences")})
            rows.append((row, str(segment), entry))
        out[split] = (folds_path, rows)
    return out


def _choose_format(raw: Path, options: BuildOptions) -> str:
    fmt = build_option(options, NAME, "format", "auto", OPTIONS["format"])
    has_json = any((raw / name).is_file() for names in JSON_FILES.values() for name in names)
    has_pickles = all((raw / name).is_file() for name in PICKLES)
    if fmt == "auto":
        if not (has_json or has_pickles):
            raise BuildError(f"{NAME}: {raw} holds neither the V2 pickles ({', '.join(PICKLES)}) nor the JSON "
                             f"export (urfunny_dataset_{{train,val,test}}.json). {OBTAIN}")
        fmt = "json" if has_json else "pickle"
    if fmt == "json" and not has_json:
        raise BuildError(f"{NAME}: --option format=json but no urfunny_dataset_*.json in {raw}")
    if fmt == "pickle":
        missing = [name for name in PICKLES if not (raw / name).is_file()]
        if missing:
            raise BuildError(f"{NAME}: {', '.join(missing)} missing from {raw}. {OBTAIN}")
        if build_option(options, NAME, "allow_pickle", "false", OPTIONS["allow_pickle"]) != "true":
            raise BuildError(PICKLE_REFUSED.format(dataset=NAME, folder=raw, files=", ".join(PICKLES)))
    return fmt


def build(options: BuildOptions) -> BuildResult:
    """Read the folds, labels and punchlines (JSON export, or pickles with the flag), match clips, verify."""
    raw = options.raw.absolute()
    require_dir(raw, "UR-FUNNY folder", NAME, OBTAIN)
    fmt = _choose_format(raw, options)
    videos = find_first([raw / name for name in VIDEO_FOLDERS])
    if videos is None or not videos.is_dir():
        raise BuildError(f"{NAME}: no clip folder ({', '.join(VIDEO_FOLDERS)}) in {raw}. Unpack "
                         f"urfunny2_videos.zip there. {OBTAIN}")
    listed = _read_json_export(raw) if fmt == "json" else _read_pickles(raw)
    if not listed:
        raise BuildError(f"{NAME}: no train/val/test data found in {raw}. {OBTAIN}")
    table = get_dataset_table(NAME)
    issues = IssueLog(NAME, skip_bad=options.skip_bad)
    seen: dict[str, str] = {}
    splits: dict[str, list[Record]] = {}
    for split, (path, rows) in listed.items():
        rule = (f"official UR-FUNNY V2 {dict(FOLDS)[split]} fold ({path.name})" if fmt == "pickle"
                else f"official UR-FUNNY V2 {split} split ({path.name})")
        pending = []
        for row, segment, entry in rows:
            where = f"{split} id {segment}"
            if not isinstance(entry, dict):
                issues.report(path, row, f"{where}: expected an object, got {type(entry).__name__}")
                continue
            if entry.get("_missing_label") or entry.get("_missing_text"):
                missing = PICKLES[1] if entry.get("_missing_label") else PICKLES[2]
                issues.report(path, row, f"{where}: not in {missing}")
                continue
            label = table.label_for(_label_value(entry.get("label")))
            if label is None:
                issues.report(path, row, f"{where}: humor label must be 0 or 1, got {entry.get('label')!r}")
                continue
            punchline = _sentence(entry.get("punchline_sentence"))
            context = _context(entry.get("context_sentences"))
            if not punchline or context is None:
                issues.report(path, row, f"{where}: punchline_sentence must be text and context_sentences a list "
                                         "of sentences")
                continue
            if segment in seen:
                issues.report(path, row, f"{where}: segment also listed in {seen[segment]}")
                continue
            seen[segment] = split
            try:
                clip = raw_child(raw, videos, f"{segment}.mp4", options)
            except MediaError as err:
                issues.report(path, row, f"{where}: {err}")
                continue
            rel = relative_to_raw(clip, raw)
            if not clip.is_file():
                issues.report(path, row, f"{where}: clip {rel} does not exist")
                continue
            meta = {"source_id": segment, "source_split": dict(FOLDS)[split] if fmt == "pickle" else split,
                    "context": context, "split_rule": rule}
            record = Record(id=f"{NAME}/{split}/{segment}", task="humor", source=NAME, split=split,
                            media=(Media("video", rel),), text=punchline, label_set=table.label_set,
                            answer=label, meta=meta)
            pending.append(PendingItem(record, clip, str(path), row))
        splits[split] = keep_readable(pending, issues, options, NAME, kind="video")

    link_media(NAME, options.out_root, raw, options.link_mode)
    manifest = {"source": "UR-FUNNY V2", "raw": str(raw), "label_set": table.label_set, "verify": options.verify,
                "annotation_format": fmt, "clip_folder": videos.name,
                "split_rule": "official UR-FUNNY V2 train/dev/test folds (dev named val)"}
    return BuildResult(dataset=NAME, splits=splits, skipped=issues.issues, manifest=manifest)
