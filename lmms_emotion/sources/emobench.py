"""EmoBench, rebuilt from public sources: composes already-built source datasets -> records.

EmoLLM's EmoBench (Yang et al. 2024) was never released; this builder recomposes its six
sub-tasks from the public datasets we can build. It reads *built* sources from the data
root (``lmms-emotion build-data <source> --raw ...`` first), not a raw folder, so
``--raw`` is optional: it names another data root to read the sources from.

Sources (:data:`SOURCES`) per sub-task and modality:

=================  ========================================  =====================
sub-task           image                                     video
=================  ========================================  =====================
emotion_closed     emoset, fi, emotionroi (or emotion6)      meld
emotion_open       the same records as emotion_closed, asked open-ended
intent             intentonomy                               mintrec
hate               hateful_memes                             -
humor              memotion                                  urfunny
sarcasm            mmsd2                                     mustard
=================  ========================================  =====================

**Sampling rule** (version :data:`EMOBENCH_VERSION`), per source and split:

* *test*: from the source's test split (Hateful Memes: ``test_seen``, else ``test_unseen``),
  up to ``test_per_class`` records (``--option test_per_class=N``, default
  :data:`DEFAULT_TEST_PER_CLASS`) of every gold class: class-balanced where the source
  has enough, every record of a smaller class otherwise;
* *train*: from the source's train split, up to ``train_per_class`` per class
  (``--option train_per_class=N``; default ``all``: the whole train split), for
  instruction tuning;
* within a class, records are sorted by id and shuffled with
  ``random.Random("emobench/<seed>/<split>/<source>/<class>")`` (``--seed``, default 0);
  the first ones are kept. Same built sources + same seed = byte-identical output.
* Emo-O (``emotion_open``) uses exactly the records Emo-C (``emotion_closed``) uses,
  asked without options, so the two are directly comparable.
* Emotion6 and EmotionROI share their 1,980 images (with different splits): when both
  are selected and built, EmotionROI is used and Emotion6 is skipped, so no image is in
  one source's train split and the other's test split.

Absent sources are skipped, never fatal (unless none is built): the report printed by
``build-data`` and ``manifest.json`` list every source used (with the split read and the
counts taken) and every source skipped, with the reason. ``--option sources=a,b`` limits
the composition to some sources.

Output (``<data root>/emobench/``): ``test.jsonl`` and ``train.jsonl`` (records whose id
is ``<sub-task>/<source record id>``, whose ``source``/``split`` are the source dataset
and the split the record came from, and whose ``meta`` holds the source record's id and
meta), ``media/<source>`` (a relative symlink to each source's media root; ``--link-mode
copy`` copies the referenced files instead), and ``manifest.json`` (sources, counts per
sub-task, modality and class, seed, sampling rule, versions, and the one-paragraph
``summary`` the tasks print when they load).
"""

from __future__ import annotations

import os
import random
import shutil
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from lmms_emotion.records import Media, Record, RecordError, iter_records
from lmms_emotion.sources.builder_api import BuildError, BuildOptions, BuildResult, IssueLog

NAME = "emobench"
DESCRIPTION = ("EmoBench, rebuilt from public sources: six sub-tasks (Emo-C, Emo-O, intent, hate, humor, "
               "sarcasm) over images and videos, composed from the built source datasets.")
OBTAIN = ("Build the sources first (lmms-emotion build-data <source> --raw <folder>; docs/emobench.md lists "
          "them), then run lmms-emotion build-data emobench.")
NEEDS_RAW = False
"""``build-data emobench`` reads built sources from the data root; ``--raw`` may name another data root."""

EMOBENCH_VERSION = "1"
BENCHMARK_NAME = "EmoBench, rebuilt from public sources"
DEFAULT_TEST_PER_CLASS = 250
OPTIONS = {"test_per_class": ("<N>",), "train_per_class": ("<N>", "all"), "sources": ("<source,source,...>",)}
SUBTASKS = ("emotion_closed", "emotion_open", "intent", "hate", "humor", "sarcasm")


@dataclass(frozen=True)
class SourceSpec:
    """One public source: the sub-task kind its records are, their modality, and the splits read."""

    name: str
    kind: str
    modality: str
    test_splits: tuple[str, ...] = ("test",)
    train_splits: tuple[str, ...] = ("train",)
    shares_images_with: str | None = None

    @property
    def subtasks(self) -> tuple[str, ...]:
        """The EmoBench sub-tasks this source feeds (emotion sources feed Emo-C and Emo-O)."""
        return ("emotion_closed", "emotion_open") if self.kind == "emotion_closed" else (self.kind,)


SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec("emoset", "emotion_closed", "image"),
    SourceSpec("fi", "emotion_closed", "image"),
    SourceSpec("emotionroi", "emotion_closed", "image"),
    SourceSpec("emotion6", "emotion_closed", "image", shares_images_with="emotionroi"),
    SourceSpec("intentonomy", "intent", "image"),
    SourceSpec("hateful_memes", "hate", "image", test_splits=("test_seen", "test_unseen", "test")),
    SourceSpec("memotion", "humor", "image"),
    SourceSpec("mmsd2", "sarcasm", "image"),
    SourceSpec("meld", "emotion_closed", "video"),
    SourceSpec("mintrec", "intent", "video"),
    SourceSpec("urfunny", "humor", "video"),
    SourceSpec("mustard", "sarcasm", "video"),
)
SOURCE_NAMES = tuple(spec.name for spec in SOURCES)


def sources_for(subtask: str, modality: str) -> list[str]:
    """The source datasets of one EmoBench task (sub-task and modality)."""
    return [spec.name for spec in SOURCES if subtask in spec.subtasks and spec.modality == modality]


# --- options ---------------------------------------------------------------------------------------


def _count_option(options: BuildOptions, key: str, default: int | None) -> int | None:
    raw = str(options.extra.get(key, "all" if default is None else default)).strip().lower()
    if raw == "all":
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise BuildError(f"{NAME}: --option {key}={raw} is not valid; use a positive whole number"
                         + (" or all" if key == "train_per_class" else ""))
    return value


def _selected_sources(options: BuildOptions) -> list[SourceSpec]:
    raw = options.extra.get("sources")
    if raw is None:
        return list(SOURCES)
    names = [n.strip() for n in str(raw).split(",") if n.strip()]
    unknown = [n for n in names if n not in SOURCE_NAMES]
    if unknown or not names:
        raise BuildError(f"{NAME}: --option sources={raw}: unknown source(s) {', '.join(unknown) or '(none given)'}; "
                         f"choose from {', '.join(SOURCE_NAMES)}")
    return [spec for spec in SOURCES if spec.name in names]


# --- reading the built sources ---------------------------------------------------------------------


@dataclass
class _Loaded:
    spec: SourceSpec
    test_split: str | None
    train_split: str | None
    test: list[tuple[Record, int]]
    train: list[tuple[Record, int]]


def _first_present(folder: Path, splits: tuple[str, ...]) -> str | None:
    return next((split for split in splits if (folder / f"{split}.jsonl").is_file()), None)


def _read_split(folder: Path, split: str, spec: SourceSpec) -> list[tuple[Record, int]]:
    """The records of one built split with their line numbers; schema or kind problems stop the build."""
    path = folder / f"{split}.jsonl"
    rebuild = f"rebuild it with `lmms-emotion build-data {spec.name} --raw <folder>`"
    out: list[tuple[Record, int]] = []
    try:
        for line, record in enumerate(iter_records(path), start=1):
            if record.task != spec.kind or record.modality != spec.modality:
                raise BuildError(f"{NAME}: {path} line {line}: a {record.modality} {record.task!r} record, but "
                                 f"{spec.name} must hold {spec.modality} {spec.kind!r} records; {rebuild}")
            out.append((record, line))
    except RecordError as err:
        raise BuildError(f"{NAME}: {err}; {rebuild}") from None
    return out


def _load(spec: SourceSpec, root: Path) -> _Loaded | str:
    """A built source's test and train records, or the reason it cannot be used."""
    folder = root / spec.name
    build = f"lmms-emotion build-data {spec.name} --raw <folder>"
    if not (folder / "manifest.json").is_file():
        return f"not built (run `{build}`)"
    test_split = _first_present(folder, spec.test_splits)
    train_split = _first_present(folder, spec.train_splits)
    if test_split is None and train_split is None:
        wanted = ", ".join(f"{s}.jsonl" for s in (*spec.test_splits, *spec.train_splits))
        return f"built, but has none of {wanted} (rebuild with `{build}`)"
    return _Loaded(spec, test_split, train_split,
                   _read_split(folder, test_split, spec) if test_split else [],
                   _read_split(folder, train_split, spec) if train_split else [])


# --- sampling --------------------------------------------------------------------------------------


def sample_per_class(records: list[tuple[Record, int]], *, per_class: int | None, seed: int, split: str,
                     source: str) -> list[tuple[Record, int]]:
    """Up to ``per_class`` records of every gold class (all of them for None), seeded (module docstring)."""
    by_class: dict[str, list[tuple[Record, int]]] = defaultdict(list)
    for item in sorted(records, key=lambda item: item[0].id):
        by_class[item[0].answer].append(item)
    kept: list[tuple[Record, int]] = []
    for label in sorted(by_class):
        members = by_class[label]
        if per_class is not None and len(members) > per_class:
            rng = random.Random(f"emobench/{seed}/{split}/{source}/{label}")
            members = list(members)
            rng.shuffle(members)
            members = members[:per_class]
        kept.extend(members)
    return sorted(kept, key=lambda item: item[0].id)


def _compose(record: Record, subtask: str) -> Record:
    return Record(
        id=f"{subtask}/{record.id}", task=subtask, source=record.source, split=record.split,
        media=tuple(Media(m.type, f"{record.source}/{m.path}") for m in record.media), text=record.text,
        label_set=record.label_set, answer=record.answer,
        meta={"source_record": record.id, "source_meta": record.meta},
    )


# --- media -----------------------------------------------------------------------------------------


def _link_sources(used: list[str], source_root: Path, out_root: Path, mode: str,
                  records: list[Record]) -> Path:
    """``emobench/media/<source>``: a relative symlink to each used source's media root (or copies)."""
    media = out_root / NAME / "media"
    media.mkdir(parents=True, exist_ok=True)
    for entry in sorted(media.iterdir()):
        if entry.is_symlink() and entry.name not in used:
            entry.unlink()  # a source dropped since the last build
    for name in used:
        link = media / name
        target = source_root / name / "media"
        if mode == "symlink":
            relative = Path(os.path.relpath(target, media))
            if link.is_symlink():
                if Path(os.readlink(link)) == relative:
                    continue
                link.unlink()
            elif link.exists():
                raise BuildError(f"{NAME}: {link} exists and is not a symlink; remove it or use --link-mode copy")
            link.symlink_to(relative, target_is_directory=True)
        elif mode == "copy":
            if link.is_symlink():
                link.unlink()
            for record in records:
                if record.source != name:
                    continue
                for item in record.media:
                    rel = item.path.split("/", 1)[1]
                    src, dst = target / rel, link / rel
                    if not dst.is_file() or dst.stat().st_size != src.stat().st_size:
                        dst.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copy2(src, dst)
        else:
            raise BuildError(f"unknown --link-mode {mode!r}; use symlink or copy")
    return media


# --- the build -------------------------------------------------------------------------------------


class EmobenchResult(BuildResult):
    """A :class:`BuildResult` whose summary also lists the sources used and skipped."""

    def summary(self) -> str:
        manifest = self.manifest
        lines = [f"{BENCHMARK_NAME} (emobench v{EMOBENCH_VERSION}, seed {manifest['seed']})"]
        for split in ("test", "train"):
            lines.append(f"  {split}: {len(self.splits.get(split, []))} records")
            for task, info in manifest["counts"][split].items():
                per_source = ", ".join(f"{s}={n}" for s, n in info["per_source"].items())
                lines.append(f"    {task}: {info['total']} ({per_source})")
        lines.append("  sources used: " + (", ".join(
            f"{name} ({info['test_split'] or '-'}/{info['train_split'] or '-'})"
            for name, info in manifest["sources_used"].items()) or "none"))
        skipped = manifest["sources_skipped"]
        if skipped:
            lines.append(f"  sources skipped ({len(skipped)}):")
            lines.extend(f"    - {name}: {reason}" for name, reason in skipped.items())
        missing = [task for task, info in manifest["tasks"].items() if not info["test"]]
        if missing:
            lines.append("  tasks without test records (their sources are missing): " + ", ".join(missing))
        if self.skipped:
            lines.append(f"  skipped {len(self.skipped)} record(s) with missing media:")
            lines.extend(f"    - {issue.describe()}" for issue in self.skipped[:50])
        return "\n".join(lines)


def _task_name(subtask: str, modality: str) -> str:
    return f"emobench_{subtask}_{modality}"


def _counts(records: list[Record]) -> dict[str, dict]:
    by_task: dict[str, list[Record]] = defaultdict(list)
    for record in records:
        by_task[f"{record.task}/{record.modality}"].append(record)
    return {
        task: {"total": len(group), "per_source": dict(sorted(Counter(r.source for r in group).items())),
               "per_class": dict(sorted(Counter(r.answer for r in group).items()))}
        for task, group in sorted(by_task.items())
    }


def _summary(seed: int, test_per_class: int, train_per_class: int | None, used: dict, skipped: dict,
             test: list[Record], train: list[Record]) -> str:
    """The one paragraph the tasks print when they load."""
    per_task: dict[str, set[str]] = defaultdict(set)
    for record in test:
        per_task[_task_name(record.task, record.modality)].add(f"{record.source}/{record.split}")
    tasks = "; ".join(f"{task}: {', '.join(sorted(srcs))}" for task, srcs in sorted(per_task.items()))
    skipped_text = ", ".join(f"{name} ({reason.split(' (')[0]})" for name, reason in skipped.items()) or "none"
    train_rule = "all" if train_per_class is None else f"up to {train_per_class} per class per source"
    return (f"{BENCHMARK_NAME}: emobench v{EMOBENCH_VERSION}, seed {seed}; test = up to {test_per_class} per "
            f"class per source from each source's test split ({len(test)} records), train = {train_rule} "
            f"from the train splits ({len(train)} records). Test sources: {tasks or 'none'}. "
            f"Sources skipped: {skipped_text}. Not the unreleased original EmoBench; scores are not comparable "
            "with the EmoLLM paper's.")


def build(options: BuildOptions) -> EmobenchResult:
    """Compose EmoBench from the built sources under the data root (``options.raw`` names another root)."""
    from lmms_emotion.paths import data_root

    test_per_class = _count_option(options, "test_per_class", DEFAULT_TEST_PER_CLASS)
    train_per_class = _count_option(options, "train_per_class", None)
    selected = _selected_sources(options)
    source_root = Path(options.raw).absolute() if options.raw else data_root(options.out_root)
    issues = IssueLog(NAME, skip_bad=options.skip_bad)

    skipped: dict[str, str] = {}
    loaded: list[_Loaded] = []
    selected_names = {spec.name for spec in selected}
    for spec in selected:
        result = _load(spec, source_root)
        if isinstance(result, str):
            skipped[spec.name] = result
        else:
            loaded.append(result)
    built_names = {item.spec.name for item in loaded}
    for item in list(loaded):
        partner = item.spec.shares_images_with
        if partner and partner in built_names and partner in selected_names:
            skipped[item.spec.name] = (f"shares its images with {partner}, which is used (keeps {partner}'s "
                                       "test images out of training)")
            loaded.remove(item)
    if not loaded:
        raise BuildError(f"{NAME}: none of the sources is built under {source_root}:\n"
                         + "\n".join(f"  {name}: {reason}" for name, reason in skipped.items())
                         + f"\n{OBTAIN}")

    from tqdm.auto import tqdm

    splits: dict[str, list[Record]] = {"test": [], "train": []}
    used: dict[str, dict] = {}
    chosen_by_source = {
        item.spec.name: {
            "test": sample_per_class(item.test, per_class=test_per_class, seed=options.seed, split="test",
                                     source=item.spec.name),
            "train": sample_per_class(item.train, per_class=train_per_class, seed=options.seed, split="train",
                                      source=item.spec.name),
        }
        for item in loaded
    }
    total = sum(len(records) for chosen in chosen_by_source.values() for records in chosen.values())
    progress = tqdm(total=total, desc="emobench: checking media", unit="record", disable=total < 5000)
    for item in loaded:
        spec = item.spec
        folder = source_root / spec.name
        taken = {}
        for split, source_split in (("test", item.test_split), ("train", item.train_split)):
            kept = []
            for record, line in chosen_by_source[spec.name][split]:
                progress.update(1)
                missing = [m.path for m in record.media if not (folder / "media" / m.path).exists()]
                if missing:
                    issues.report(folder / f"{source_split}.jsonl", line,
                                  f"media {missing[0]} is missing under {folder / 'media'}; rebuild {spec.name}")
                    continue
                kept.append(record)
            taken[split] = len(kept)
            for subtask in spec.subtasks:
                splits[split].extend(_compose(record, subtask) for record in kept)
        used[spec.name] = {
            "subtasks": list(spec.subtasks), "modality": spec.modality,
            "label_set": (item.test or item.train)[0][0].label_set if (item.test or item.train) else None,
            "test_split": item.test_split, "train_split": item.train_split,
            "available": {"test": len(item.test), "train": len(item.train)}, "taken": taken,
        }
        if item.test_split is None:
            used[spec.name]["note"] = "no test split: used for train only"
        if item.train_split is None:
            used[spec.name]["note"] = "no train split: used for test only"

    progress.close()
    for split in splits:
        splits[split].sort(key=lambda r: r.id)
    tasks = {
        _task_name(subtask, modality): {
            "sources": sources_for(subtask, modality),
            "test": sum(1 for r in splits["test"] if r.task == subtask and r.modality == modality),
            "train": sum(1 for r in splits["train"] if r.task == subtask and r.modality == modality),
        }
        for subtask in SUBTASKS for modality in ("image", "video") if sources_for(subtask, modality)
    }
    manifest = {
        "benchmark": BENCHMARK_NAME,
        "emobench_version": EMOBENCH_VERSION,
        "seed": options.seed,
        "sampling": {
            "test": f"up to {test_per_class} records per gold class per source, from the source's test split",
            "train": ("every record of the source's train split" if train_per_class is None else
                      f"up to {train_per_class} records per gold class per source, from the source's train split"),
            "order": "per class: sorted by id, shuffled with random.Random('emobench/<seed>/<split>/<source>/<class>'), "
                     "the first ones kept",
            "emotion_open": "the same records as emotion_closed, asked without options",
        },
        "test_per_class": test_per_class,
        "train_per_class": train_per_class if train_per_class is not None else "all",
        "sources_used": used,
        "sources_skipped": skipped,
        "tasks": tasks,
        "counts": {split: _counts(records) for split, records in splits.items()},
        "link_mode": options.link_mode,
        "summary": _summary(options.seed, test_per_class, train_per_class, used, skipped,
                            splits["test"], splits["train"]),
    }
    _link_sources(sorted(used), source_root, options.out_root, options.link_mode,
                  splits["test"] + splits["train"])
    return EmobenchResult(dataset=NAME, splits=splits, skipped=issues.issues, manifest=manifest)
