"""MUStARD (Castro et al., ACL 2019): sarcastic or not, TV-show utterances -> video records.

Published layout (github.com/soujanyaporia/MUStARD README; raw clips ``mmsd_raw_data.zip``)::

    <raw>/sarcasm_data.json                       (data/sarcasm_data.json in the repository)
    <raw>/utterances_final/<id>.mp4               the utterance to classify
    <raw>/context_final/<id>_c.mp4                its preceding context (optional)

``sarcasm_data.json`` is one object keyed by id (``"1_60"``); each value has ``utterance``,
``speaker``, ``context`` (earlier utterances, in order), ``context_speakers``, ``show``
(FRIENDS, BBT, GOLDENGIRLS, SARCASMOHOLICS) and ``sarcasm`` (true/false). The clip folders
are found directly under ``<raw>``, under ``<raw>/mmsd_raw_data/`` (the zip's top folder)
or under ``<raw>/videos/`` / ``<raw>/data/videos/`` (the repository's feature scripts), and
the JSON at ``<raw>`` or ``<raw>/data/``. The ``<id>_c.mp4`` context naming is inferred from
public loaders, not documented; a context clip is recorded in ``meta`` when found, never
required.

``text`` is the utterance; speaker, context, context speakers and show go to ``meta``.
There is no official train/test split (the authors report 5-fold cross-validation), so the
split is chosen with ``--option split=...``:

* ``stratified`` (default): seeded, class-stratified 80/20 train/test (``--seed``);
* ``speaker_independent``: the authors' speaker-independent setup, FRIENDS utterances as
  test, every other show as train.
"""

from __future__ import annotations

from pathlib import Path

from lmms_emotion.media import MediaError
from lmms_emotion.records import Media, Record
from lmms_emotion.sources.builder_api import BuildError, BuildOptions, BuildResult, IssueLog, build_option
from lmms_emotion.sources.dataset_writer import link_media
from lmms_emotion.sources.media_checks import PendingItem, keep_readable
from lmms_emotion.sources.raw_files import find_first, load_json_file, raw_child, relative_to_raw, require_dir
from lmms_emotion.sources.release_labels import get_dataset_table
from lmms_emotion.sources.seeded_splits import describe_split, stratified_splits

NAME = "mustard"
DESCRIPTION = "MUStARD: sarcasm yes/no in TV-show utterances (with dialogue context), video clips; seeded split."
OBTAIN = ("Get data/sarcasm_data.json from https://github.com/soujanyaporia/MUStARD and the clips "
          "(mmsd_raw_data.zip, linked from its README: https://huggingface.co/datasets/MichiganNLP/MUStARD); "
          "unpack the clips next to the JSON and pass that folder.")
JSON_NAME = "sarcasm_data.json"
SPLIT_RULES = ("stratified", "speaker_independent")
OPTIONS = {"split": SPLIT_RULES}
"""``--option`` keys this builder reads, with their values."""
SPLIT_FRACTIONS = (("test", 0.2),)
TEST_SHOW = "FRIENDS"


def _video_roots(raw: Path) -> list[Path]:
    return [raw, raw / "mmsd_raw_data", raw / "videos", raw / "data" / "videos"]


def _entry_problem(entry: object) -> str | None:
    if not isinstance(entry, dict):
        return f"expected an object, got {type(entry).__name__}"
    if not isinstance(entry.get("utterance"), str) or not entry["utterance"].strip():
        return "utterance must be a non-empty string"
    context = entry.get("context", [])
    if not isinstance(context, list) or not all(isinstance(c, str) for c in context):
        return "context must be a list of strings"
    if "sarcasm" not in entry:
        return "has no 'sarcasm' label"
    return None


def build(options: BuildOptions) -> BuildResult:
    """Read ``sarcasm_data.json``, match each id to ``utterances_final/<id>.mp4``, split, verify."""
    raw = options.raw.absolute()
    require_dir(raw, "MUStARD folder", NAME, OBTAIN)
    rule_name = build_option(options, NAME, "split", "stratified", SPLIT_RULES)
    data_file = find_first([raw / JSON_NAME, raw / "data" / JSON_NAME])
    if data_file is None:
        raise BuildError(f"{NAME}: no {JSON_NAME} in {raw} or {raw / 'data'}. {OBTAIN}")
    utterances = find_first([root / "utterances_final" for root in _video_roots(raw)])
    if utterances is None:
        raise BuildError(f"{NAME}: no utterances_final/ clip folder under {raw} (or its mmsd_raw_data/, videos/, "
                         f"data/videos/). {OBTAIN}")
    contexts = utterances.parent / "context_final"
    data = load_json_file(data_file, NAME)
    if not isinstance(data, dict):
        raise BuildError(f"{NAME}: {data_file} must hold one JSON object keyed by utterance id, "
                         f"got {type(data).__name__}")
    table = get_dataset_table(NAME)
    issues = IssueLog(NAME, skip_bad=options.skip_bad)

    listed = []  # (label, source_id, clip, row, entry)
    for row, (source_id, entry) in enumerate(data.items(), start=1):
        problem = _entry_problem(entry)
        if problem is not None:
            issues.report(data_file, row, f"entry {source_id!r}: {problem}")
            continue
        label = table.label_for(str(entry["sarcasm"]))
        if label is None:
            issues.report(data_file, row, f"entry {source_id!r}: sarcasm must be true or false, "
                                          f"got {entry['sarcasm']!r}")
            continue
        try:
            clip = raw_child(raw, utterances, f"{source_id}.mp4", options)
        except MediaError as err:
            issues.report(data_file, row, f"entry {source_id!r}: {err}")
            continue
        if not clip.is_file():
            issues.report(data_file, row, f"entry {source_id!r}: clip {relative_to_raw(clip, raw)} does not exist")
            continue
        listed.append((label, source_id, clip, row, entry))
    if not listed:
        raise BuildError(f"{NAME}: {data_file} lists no usable utterance. {OBTAIN}")

    if rule_name == "stratified":
        split_rule = describe_split(SPLIT_FRACTIONS, options.seed)
        assigned = stratified_splits(listed, key=lambda item: item[0], order_key=lambda item: item[1],
                                     fractions=SPLIT_FRACTIONS, seed=options.seed)
    else:
        split_rule = f"speaker-independent (Castro et al. 2019): show {TEST_SHOW} as test, the other shows as train"
        assigned = {"test": [i for i in listed if str(i[4].get("show", "")).upper() == TEST_SHOW],
                    "train": [i for i in listed if str(i[4].get("show", "")).upper() != TEST_SHOW]}
        if not assigned["test"] or not assigned["train"]:
            raise BuildError(f"{NAME}: split=speaker_independent needs utterances of show {TEST_SHOW} and of other "
                             f"shows, but {data_file} has {len(assigned['test'])} and {len(assigned['train'])} "
                             "(an old sarcasm_data.json without 'show'?); use --option split=stratified")

    splits: dict[str, list[Record]] = {}
    for split in ("train", "test"):
        pending = []
        for label, source_id, clip, row, entry in sorted(assigned[split], key=lambda item: item[1]):
            meta = {"source_id": source_id, "speaker": entry.get("speaker", ""), "context": list(entry.get("context", [])),
                    "context_speakers": list(entry.get("context_speakers", [])), "show": entry.get("show", ""),
                    "split_rule": split_rule}
            try:
                context_clip = raw_child(raw, contexts, f"{source_id}_c.mp4", options)
            except MediaError as err:
                issues.report(data_file, row, f"entry {source_id!r}: context clip: {err}")
                continue
            if context_clip.is_file():
                meta["context_clip"] = relative_to_raw(context_clip, raw)
            record = Record(id=f"{NAME}/{split}/{source_id}", task="sarcasm", source=NAME, split=split,
                            media=(Media("video", relative_to_raw(clip, raw)),), text=entry["utterance"].strip(),
                            label_set=table.label_set, answer=label, meta=meta)
            pending.append(PendingItem(record, clip, str(data_file), row))
        splits[split] = keep_readable(pending, issues, options, NAME, kind="video")

    link_media(NAME, options.out_root, raw, options.link_mode)
    manifest = {"source": "MUStARD", "raw": str(raw), "label_set": table.label_set, "verify": options.verify,
                "split_option": rule_name, "split_rule": split_rule,
                "clip_folder": relative_to_raw(utterances, raw)}
    return BuildResult(dataset=NAME, splits=splits, skipped=issues.issues, manifest=manifest)
