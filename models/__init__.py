"""lmms-eval model wrappers of lmms-emotion, registered through the ``lmms_eval.models`` entry point.

This module holds only the manifests (dotted class paths as strings): importing it never
imports torch, transformers or lmms-eval, so a broken optional dependency cannot hide
other plugins' models (lmms-eval loads all entry points in one try/except).
"""

from __future__ import annotations

# model id -> (simple class path, chat class path, aliases)
MODEL_CLASSES: dict[str, tuple[str | None, str | None, tuple[str, ...]]] = {
    "emollm": ("lmms_emotion.models.emollm.EmoLLM", "lmms_emotion.models.emollm.EmoLLMChat", ()),
    "emotion_oracle": ("lmms_emotion.models.oracle.EmotionOracle", None, ()),
    "emovit": ("lmms_emotion.models.emovit.EmoVIT", "lmms_emotion.models.emovit.EmoVITChat", ()),
}


def manifests() -> list:
    """``lmms_eval.models`` entry point: one ModelManifest per model lmms-emotion provides."""
    from lmms_eval.models.registry_v2 import ModelManifest

    return [
        ModelManifest(model_id=model_id, simple_class_path=simple, chat_class_path=chat, aliases=aliases)
        for model_id, (simple, chat, aliases) in MODEL_CLASSES.items()
    ]
