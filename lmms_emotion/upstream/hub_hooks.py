"""Task hooks for docs read from the published hub dataset (inlined into exported ``utils.py``).

In the plugin, docs come from records under the data root and carry absolute media
paths. Upstream, docs are rows of the hub dataset that ``lmms-emotion push-data`` writes
(:mod:`lmms_emotion.upstream.hub_data`): the same doc fields our hooks read (``id``,
``task``, ``source``, ``split``, ``modality``, ``text``, ``label_set``, ``answer``,
``media_types``, ``meta``), plus

* ``image``: the picture, a ``datasets.Image`` column (``None`` when the record has none);
* ``video``: the clip's path inside the dataset repository (``""`` when none).

For video tasks the exported YAML sets ``dataset_kwargs: {video: true, cache_dir: NAME}``,
so lmms-eval downloads the repository into ``$HF_HOME/NAME`` before loading it;
:data:`VIDEO_CACHE_DIR` holds that name (the exporter fills it in) and
:func:`resolve_video` finds the clip there (or under ``$LMMS_EVAL_MEDIA_ROOT``).

Every hook listed in :data:`HUB_HOOKS` replaces the plugin hook of the same name, in the
exported file, wherever the other hooks refer to it.
"""

from __future__ import annotations

import os
from typing import Any, Mapping

from lmms_emotion.task_utils import video_frames_setting

HUB_HOOKS = ("doc_to_visual", "videos_as_frames")
"""Hooks defined here that replace the plugin's hooks of the same name in exported task folders."""

VIDEO_CACHE_DIR = ""
"""Folder under ``$HF_HOME`` that lmms-eval downloads a video task's repository into (set at export)."""


def doc_to_visual(doc: Mapping[str, Any], lmms_eval_specific_kwargs: Mapping | None = None) -> list:
    """Images as RGB PIL images (from the ``image`` column), videos as local file paths (or
    sampled frames where the model's kwargs set ``video_as_frames``)."""
    visuals: list = []
    for kind in doc["media_types"]:
        if kind == "image":
            image = doc.get("image")
            if image is None:
                raise ValueError(f"doc {doc['id']}: media_types lists an image but the 'image' column is empty")
            visuals.append(image.convert("RGB"))
        else:
            visuals.append(resolve_video(doc.get("video") or "", str(doc["id"])))
    return videos_as_frames(visuals, lmms_eval_specific_kwargs)


def videos_as_frames(visuals: list, lmms_eval_specific_kwargs: Mapping | None) -> list:
    """Each video path in ``visuals`` as its sampled frames (RGB arrays, decoded by lmms-eval's own
    ``read_video``) when the model's kwargs set ``video_as_frames``; else ``visuals`` unchanged."""
    from lmms_eval.models.model_utils.load_video import read_video

    frames = video_frames_setting(lmms_eval_specific_kwargs)
    if frames is None:
        return visuals
    out: list = []
    for visual in visuals:
        out.extend(list(read_video(visual, num_frm=frames)) if isinstance(visual, str) else [visual])
    return out


def resolve_video(path: str, doc_id: str = "") -> str:
    """The local file of a clip stored in the dataset repository at ``path``."""
    from lmms_eval.tasks._task_utils.media_resolver import resolve_media_reference

    if not path:
        raise ValueError(f"doc {doc_id}: media_types lists a video but the 'video' column is empty")
    resolved = resolve_media_reference(path, media_type="video", cache_dir=VIDEO_CACHE_DIR or None)
    if not isinstance(resolved, str) or not os.path.exists(resolved):
        raise FileNotFoundError(
            f"doc {doc_id}: video {path!r} not found under $HF_HOME/{VIDEO_CACHE_DIR or '<cache_dir>'} "
            "or $LMMS_EVAL_MEDIA_ROOT; let lmms-eval download the dataset repository "
            "(dataset_kwargs video: true) or point LMMS_EVAL_MEDIA_ROOT at a local copy of it"
        )
    return resolved
