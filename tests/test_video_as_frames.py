"""``video_as_frames``: a per-model task-YAML setting that gives image-only wrappers videos as frames."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from PIL import Image

from lmms_emotion.scoring import hooks


def _doc(image: Path, video: Path) -> dict:
    return {"id": "x/test/1", "task": "emotion_closed", "source": "x", "split": "test", "modality": "video",
            "text": "", "label_set": "ekman6", "answer": "joy", "media_types": ["image", "video"],
            "media_paths": [str(image), str(video)], "meta": "{}"}


@pytest.fixture
def doc(image_file_factory, video_file_factory) -> dict:
    return _doc(image_file_factory(), video_file_factory(num_frames=12))


def test_frames_replace_the_video_for_a_model_that_asks(doc):
    visuals = hooks.doc_to_visual(doc, {"prompt_style": "plain", "video_as_frames": 3})
    assert len(visuals) == 4 and all(isinstance(v, Image.Image) for v in visuals)
    messages = hooks.doc_to_messages(doc, {"prompt_style": "plain", "video_as_frames": 3})
    kinds = [item["type"] for item in messages[0]["content"]]
    assert kinds == ["image", "image", "image", "image", "text"]


def test_other_models_get_the_video_file(doc):
    # what lmms-eval hands a model without its own block: every block, plus default's keys on top
    merged = {"default": {"prompt_style": "plain"}, "llava_hf": {"video_as_frames": 4}, "prompt_style": "plain"}
    visuals = hooks.doc_to_visual(doc, merged)
    assert isinstance(visuals[0], Image.Image) and visuals[1] == doc["media_paths"][1]
    kinds = [item["type"] for item in hooks.doc_to_messages(doc, merged)[0]["content"]]
    assert kinds == ["image", "video", "text"]
    assert hooks.doc_to_visual(doc)[1] == doc["media_paths"][1]


@pytest.mark.parametrize("value", [-1, "4", 2.5, True])
def test_a_bad_setting_names_the_key_and_the_fix(doc, value):
    with pytest.raises(ValueError, match=r"video_as_frames.*task YAML"):
        hooks.doc_to_visual(doc, {"video_as_frames": value})


def test_the_emobench_template_sets_frames_only_for_image_only_wrappers():
    from lmms_emotion.task_configs import task_dir

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!function", lambda loader, node: loader.construct_scalar(node))
    template = yaml.load((Path(task_dir()) / "emobench" / "_default_template_yaml").read_text(), Loader=Loader)
    blocks = template["lmms_eval_specific_kwargs"]
    framed = {model for model, block in blocks.items() if block.get("video_as_frames")}
    assert framed == {"instructblip", "llava_hf"}
    # a matching block is used alone by lmms-eval, so each must carry the prompt style itself
    assert all(block.get("prompt_style") for block in blocks.values())
