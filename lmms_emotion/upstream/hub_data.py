"""Built records and media -> a Hugging Face dataset repository, written locally first.

One dataset repository per task folder (``<org>/lmms-emotion-<folder>`` by default), one
*config* per task (``dataset_name`` in the exported YAML), the task's splits inside::

    README.md                          dataset card; its YAML header lists the configs
    lmms_emotion_hub.json              per config: rows, modality, label sets, classes, sources
    <task>/<split>-00000-of-0000N.parquet
    videos/<dataset>/<path in the media root>   clips of video tasks (the ``video`` column)

Rows are the docs our hooks read (same fields, same order as the plugin serves them),
with ``image`` (``datasets.Image``: the original file's bytes, not re-encoded) instead of
absolute media paths, and ``video`` as a path inside the repository. The folder is
what gets uploaded, so the data an exported task is validated against locally is
byte for byte the data on the hub.

Writing resumes: a config whose rows are unchanged since the last complete write (same
ids, same media sizes) is skipped; shards are renamed into place only when complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from lmms_emotion.upstream.task_folder import TaskFolder, YamlFile, index_rows

DOC_FIELDS = ("id", "task", "source", "split", "modality", "text", "label_set", "options", "answer", "media_types",
              "meta")
SUMMARY_FILE = "lmms_emotion_hub.json"
STATE_DIR = ".build"
DEFAULT_SHARD_BYTES = 256 * 1024 * 1024
DEFAULT_REPO_NAME = "lmms-emotion-{folder}"


class HubDataError(ValueError):
    """Records that cannot be put in the hub layout; the message names the record and the fix."""


def hub_features():
    """The ``datasets.Features`` of every config."""
    import datasets

    features = {name: datasets.Value("string") for name in DOC_FIELDS}
    features["media_types"] = datasets.List(datasets.Value("string"))
    features["options"] = datasets.List(datasets.Value("string"))
    features["image"] = datasets.Image()
    features["video"] = datasets.Value("string")
    return datasets.Features(features)


def repo_name(folder_name: str, template: str = DEFAULT_REPO_NAME) -> str:
    """The dataset repository name of a task folder."""
    return template.format(folder=folder_name)


@dataclass
class LocalDocs:
    """A task's docs as the plugin serves them, per split, with each doc's dataset (for media paths)."""

    task: str
    splits: dict[str, list[tuple[dict, str]]]  # split -> [(doc, built dataset name)]


def local_task_docs(task: YamlFile, root: str | os.PathLike | None = None) -> LocalDocs:
    """Read a task's docs from the data root through its index rows, in the plugin's order."""
    from lmms_emotion.task_utils import read_task_docs

    rows = index_rows(task)
    if not rows:
        raise HubDataError(f"{task.path}: task {task.name} has no data index (dataset_kwargs.data_files); "
                           "only tasks reading built records can be exported")
    splits: dict[str, list[tuple[dict, str]]] = {}
    for split, split_rows in rows.items():
        for row in split_rows:
            row = dict(row)
            if isinstance(row.get("where"), str):
                row["where"] = json.loads(row["where"])
            splits.setdefault(split, []).extend((doc, row["dataset"]) for doc in read_task_docs(row, root))
    return LocalDocs(task.name, splits)


def video_repo_path(doc: dict, dataset: str, path: str, root: str | os.PathLike | None = None) -> str:
    """Where a doc's clip goes in the repository: ``videos/<dataset>/<path below the media root>``."""
    from lmms_emotion.paths import media_root

    media = media_root(dataset, root)
    try:
        relative = Path(path).relative_to(media)
    except ValueError:
        raise HubDataError(f"record {doc['id']}: video {path} is not below the media root {media}") from None
    return f"videos/{dataset}/{relative.as_posix()}"


def hub_row(doc: dict, dataset: str, root: str | os.PathLike | None = None) -> dict[str, Any]:
    """One plugin doc as a hub row: image bytes embedded, video as a path in the repository."""
    media = list(zip(doc["media_types"], doc["media_paths"]))
    images = [path for kind, path in media if kind == "image"]
    videos = [path for kind, path in media if kind == "video"]
    if len(images) > 1 or len(videos) > 1:
        raise HubDataError(f"record {doc['id']}: {len(images)} images and {len(videos)} videos; the hub layout "
                           "holds at most one image and one video per row")
    row = {name: doc[name] for name in DOC_FIELDS}
    row["image"] = {"bytes": Path(images[0]).read_bytes(), "path": Path(images[0]).name} if images else None
    row["video"] = video_repo_path(doc, dataset, videos[0], root) if videos else ""
    return row


@dataclass
class ConfigSummary:
    """What one config (task) holds; written to ``lmms_emotion_hub.json``."""

    task: str
    splits: dict[str, int]
    modalities: list[str]
    label_sets: list[str]
    classes: dict[str, int]
    sources: list[str]
    kinds: list[str] = field(default_factory=list)  # record task kinds: emotion_closed, hate, ...

    def to_dict(self) -> dict:
        return {"task": self.task, "splits": self.splits, "modalities": self.modalities,
                "label_sets": self.label_sets, "classes": self.classes, "sources": self.sources,
                "kinds": self.kinds}


@dataclass
class HubFolder:
    """A written dataset repository folder."""

    path: Path
    repo_name: str
    configs: list[ConfigSummary] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # "<task>/<split>" not rewritten: same rows as last time
    missing: list[str] = field(default_factory=list)  # tasks left out because their data is not built


def summarize(task: str, docs: LocalDocs) -> ConfigSummary:
    """Counts and properties of one task's docs."""
    every = [doc for split in docs.splits.values() for doc, _ in split]
    classes: dict[str, int] = {}
    for doc in every:
        classes[doc["answer"]] = classes.get(doc["answer"], 0) + 1
    return ConfigSummary(
        task=task,
        splits={split: len(items) for split, items in docs.splits.items()},
        modalities=sorted({doc["modality"] for doc in every}),
        label_sets=sorted({doc["label_set"] for doc in every}),
        classes=dict(sorted(classes.items())),
        sources=sorted({doc["source"] for doc in every}),
        kinds=sorted({doc["task"] for doc in every}),
    )


def _fingerprint(items: list[tuple[dict, str]]) -> str:
    digest = hashlib.sha1()
    for doc, dataset in items:
        digest.update(json.dumps({k: doc[k] for k in DOC_FIELDS}, sort_keys=True).encode())
        digest.update(dataset.encode())
        for path in doc["media_paths"]:
            stat = os.stat(path)
            digest.update(f"{path}:{stat.st_size}:{int(stat.st_mtime)}".encode())
    return digest.hexdigest()


def _write_split(out: Path, task: str, split: str, items: list[tuple[dict, str]], root, shard_bytes: int,
                 progress: bool) -> None:
    import datasets
    from tqdm import tqdm

    features = hub_features()
    config_dir = out / task
    config_dir.mkdir(parents=True, exist_ok=True)
    for stale in config_dir.glob(f".{split}-*.partial"):
        stale.unlink()
    parts: list[Path] = []
    batch: list[dict] = []
    size = 0

    def flush() -> None:
        nonlocal batch, size
        part = config_dir / f".{split}-{len(parts):05d}.partial"
        datasets.Dataset.from_list(batch, features=features).to_parquet(str(part))
        parts.append(part)
        batch, size = [], 0

    for doc, dataset in tqdm(items, desc=f"{task}/{split}", unit="row", disable=not progress):
        row = hub_row(doc, dataset, root)
        if row["video"]:
            target = out / row["video"]
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                source = doc["media_paths"][doc["media_types"].index("video")]
                tmp = target.with_name(f".{target.name}.partial")
                shutil.copyfile(source, tmp)
                os.replace(tmp, target)
        batch.append(row)
        size += len(row["image"]["bytes"]) if row["image"] else 1024
        if size >= shard_bytes:
            flush()
    if batch or not parts:
        flush()
    for old in config_dir.glob(f"{split}-*.parquet"):
        old.unlink()
    for i, part in enumerate(parts):
        os.replace(part, config_dir / f"{split}-{i:05d}-of-{len(parts):05d}.parquet")


def write_hub_folder(folder: TaskFolder, out: str | os.PathLike, *, root: str | os.PathLike | None = None,
                     tasks: Iterable[str] | None = None, skip_missing: bool = False,
                     template: str = DEFAULT_REPO_NAME, shard_bytes: int = DEFAULT_SHARD_BYTES,
                     progress: bool = True) -> HubFolder:
    """Write the dataset repository of one task folder into ``out/<repo name>``; returns what it holds.

    ``tasks`` limits the configs written (default: every task of the folder). A task whose
    records are not built stops the write with the build command, or with
    ``skip_missing`` is left out and listed in ``HubFolder.missing``.
    """
    from lmms_emotion.jsonl import atomic_write_text, write_json
    from lmms_emotion.task_utils import DataNotBuiltError

    name = repo_name(folder.name, template)
    target = Path(out) / name
    result = HubFolder(target, name)
    state_dir = target / STATE_DIR
    wanted = set(tasks) if tasks is not None else None
    for task in folder.tasks:
        if wanted is not None and task.name not in wanted:
            continue
        try:
            docs = local_task_docs(task, root)
        except DataNotBuiltError:
            if not skip_missing:
                raise
            result.missing.append(task.name)
            continue
        for split, items in docs.splits.items():
            state = state_dir / f"{task.name}.{split}.json"
            fingerprint = _fingerprint(items)
            done = json.loads(state.read_text()) if state.is_file() else {}
            if done.get("fingerprint") == fingerprint and any((target / task.name).glob(f"{split}-*.parquet")):
                result.unchanged.append(f"{task.name}/{split}")
                continue
            _write_split(target, task.name, split, items, root, shard_bytes, progress)
            write_json(state, {"fingerprint": fingerprint, "rows": len(items)})
        result.configs.append(summarize(task.name, docs))
    if not result.configs:
        raise HubDataError(f"{folder.path}: no task with built data to write (missing: {', '.join(result.missing)})")
    configs = _kept_configs(target, result.configs) + result.configs
    write_json(target / SUMMARY_FILE, {"repo_name": name, "folder": folder.name,
                                       "configs": [c.to_dict() for c in configs]})
    atomic_write_text(target / "README.md", dataset_card(name, folder.name, configs))
    return result


def _kept_configs(target: Path, written: list[ConfigSummary]) -> list[ConfigSummary]:
    """Configs an earlier write left in the folder that this write did not touch."""
    file = target / SUMMARY_FILE
    if not file.is_file():
        return []
    names = {c.task for c in written}
    kept = []
    for entry in json.loads(file.read_text(encoding="utf-8")).get("configs", []):
        if entry["task"] not in names and all(any((target / entry["task"]).glob(f"{split}-*.parquet"))
                                              for split in entry["splits"]):
            kept.append(ConfigSummary(**entry))
    return kept


def dataset_card(name: str, folder: str, configs: Iterable[ConfigSummary]) -> str:
    """The repository's README: configs metadata (what ``load_dataset`` reads) and a description."""
    import yaml

    from lmms_emotion import __version__
    from lmms_emotion.report.reference import benchmark_notes

    configs = list(configs)
    header = {
        "configs": [{"config_name": c.task,
                     "data_files": [{"split": split, "path": f"{c.task}/{split}-*.parquet"} for split in c.splits]}
                    for c in configs],
        "tags": ["emotion", "lmms-eval", "lmms-emotion"],
    }
    rows = "\n".join(
        f"| `{c.task}` | {', '.join(f'{s}: {n}' for s, n in c.splits.items())} | {', '.join(c.modalities)} | "
        f"{', '.join(c.label_sets)} | {', '.join(c.sources)} |" for c in configs)
    notes = "\n".join(f"- {note}" for note in benchmark_notes([c.task for c in configs]))
    return (
        f"---\n{yaml.safe_dump(header, sort_keys=False)}---\n\n"
        f"# {name}\n\n"
        f"Evaluation data for the lmms-eval task folder `{folder}`, written by `lmms-emotion push-data` "
        f"(lmms-emotion {__version__}) from records built by `lmms-emotion build-data`.\n\n"
        + (f"{notes}\n\n" if notes else "")
        + "| config | rows | modality | label set | source dataset |\n|---|---|---|---|---|\n"
        f"{rows}\n\n"
        "Columns: `id`, `task`, `source`, `split`, `modality`, `text`, `label_set`, `answer` (the gold label), "
        "`media_types`, `meta` (JSON), `image` (the picture, original bytes), `video` (a clip's path in this "
        "repository).\n\n"
        "The images and videos come from the source datasets named above and remain under their licences and "
        "terms of use; check them before making this repository public.\n"
    )


def load_hub_folder(path: str | os.PathLike, task: str):
    """Load one config of a written repository folder with ``datasets`` (what lmms-eval will do)."""
    import datasets

    return datasets.load_dataset(str(path), task)


def read_summary(path: str | os.PathLike) -> dict:
    """The ``lmms_emotion_hub.json`` of a written repository folder."""
    file = Path(path) / SUMMARY_FILE
    if not file.is_file():
        raise FileNotFoundError(f"{file} does not exist; write the folder with `lmms-emotion push-data --save-to`")
    return json.loads(file.read_text(encoding="utf-8"))


_LOCAL_INSTEAD = ("To write the repositories without uploading, use --dry-run or --save-to DIR --dry-run, "
                  "and upload DIR later.")


def check_hub_access(org: str) -> str:
    """Check, before anything is written, that an upload to ``org`` can work; returns the token's user name.

    Raises :class:`HubDataError` saying what to do when there is no token, the hub is
    switched off (``HF_HUB_OFFLINE``) or does not answer, the token is refused, or its
    user is neither ``org`` nor a member of it.
    """
    from huggingface_hub import HfApi, constants, get_token
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled

    if constants.HF_HUB_OFFLINE:
        raise HubDataError(f"the hub is switched off in this environment (HF_HUB_OFFLINE=1), so nothing can be "
                           f"uploaded; unset HF_HUB_OFFLINE on a machine with network access. {_LOCAL_INSTEAD}")
    if not get_token():
        raise HubDataError("no Hugging Face token: run `hf auth login` (or `huggingface-cli login`) or set HF_TOKEN "
                           f"to a token with write access to {org}. {_LOCAL_INSTEAD}")
    try:
        who = HfApi().whoami()
    except OfflineModeIsEnabled as err:
        raise HubDataError(f"the hub is switched off ({err}). {_LOCAL_INSTEAD}") from None
    except HfHubHTTPError as err:
        status = getattr(getattr(err, "response", None), "status_code", None)
        if status in (401, 403):
            raise HubDataError(f"the hub refused the token (HTTP {status}); log in again with `hf auth login` or set "
                               f"HF_TOKEN to a valid token with write access to {org}. {_LOCAL_INSTEAD}") from None
        raise HubDataError(f"the hub at {constants.ENDPOINT} answered with an error ({err}); try again later. "
                           f"{_LOCAL_INSTEAD}") from None
    except Exception as err:  # noqa: BLE001 - connection refused, DNS, timeout, TLS: the transport's own types
        raise HubDataError(f"the hub at {constants.ENDPOINT} did not answer ({type(err).__name__}); check the "
                           f"network or HF_ENDPOINT. {_LOCAL_INSTEAD}") from None
    user = str(who.get("name", ""))
    orgs = {str(o.get("name", "")) for o in who.get("orgs", []) if isinstance(o, dict)}
    if org != user and org not in orgs:
        raise HubDataError(f"the token belongs to {user!r}, who is not a member of {org!r}; use --hf-org {user} or a "
                           f"token of a member of {org}.")
    return user


def push_folder(path: str | os.PathLike, repo_id: str, *, private: bool = True) -> str:
    """Upload a written repository folder to the hub (token from ``HF_TOKEN`` or ``hf auth login``).

    Call :func:`check_hub_access` first; a failure during the upload raises :class:`HubDataError`.
    """
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    api = HfApi()
    try:
        api.create_repo(repo_id, repo_type="dataset", private=private, exist_ok=True)
        commit = api.upload_folder(repo_id=repo_id, repo_type="dataset", folder_path=str(path),
                                   ignore_patterns=[f"{STATE_DIR}/**"],
                                   commit_message="Upload evaluation data written by lmms-emotion push-data")
    except (HfHubHTTPError, OSError, ValueError) as err:
        raise HubDataError(f"uploading {path} to {repo_id} failed ({type(err).__name__}: {err}). The folder is "
                           f"kept; run push-data again to retry (uploads resume).") from None
    return str(getattr(commit, "commit_url", commit))
