"""The multi-perspective projector on its own: configuration, token budget, shapes, initialisation, training."""

from __future__ import annotations

import itertools

import pytest
import torch

from lmms_emotion.models.mvp import (
    PERSPECTIVES,
    MultiPerspectiveProjector,
    MVPConfig,
    MVPConfigError,
    ProjectorShape,
    parse_perspectives,
)

VISION, TEXT = 32, 64
SHAPE = ProjectorShape(VISION, TEXT)
IMAGE_TOKENS, FRAMES, FRAME_TOKENS = 16, 8, 17  # the tiny LLaVA / Video-LLaVA's feature layout
COMBINATIONS = [combo for n in range(1, 5) for combo in itertools.combinations(PERSPECTIVES, n)
                if combo != ("temporal",)]


def _base_projector(seed: int = 0):
    from transformers import CLIPVisionConfig, LlamaConfig, LlavaConfig
    from transformers.models.llava.modeling_llava import LlavaMultiModalProjector

    config = LlavaConfig(vision_config=CLIPVisionConfig(hidden_size=VISION, num_attention_heads=4).to_dict(),
                         text_config=LlamaConfig(hidden_size=TEXT, num_attention_heads=4).to_dict(),
                         projector_hidden_act="gelu")
    torch.manual_seed(seed)
    return LlavaMultiModalProjector(config).eval()


@pytest.fixture(scope="module")
def projector():
    return _base_projector()


def _features(*shape: int, seed: int = 1) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=generator)


# --- configuration ---------------------------------------------------------------------------------


def test_perspective_lists_parse_from_model_args():
    assert parse_perspectives("patch+global+query") == ("patch", "global", "query")
    assert parse_perspectives(" Patch | Temporal ") == ("patch", "temporal")
    assert MVPConfig(perspectives="global+query").perspectives == ("global", "query")
    assert MVPConfig().perspectives == PERSPECTIVES


@pytest.mark.parametrize("settings,message", [
    ({"perspectives": ()}, "empty"),
    ({"perspectives": ("patch", "saliency")}, "unknown perspective"),
    ({"perspectives": ("patch", "patch")}, "twice"),
    ({"perspectives": ("temporal",)}, "only 'temporal'"),
    ({"num_queries": 0}, "num_queries must be >= 1"),
    ({"max_frames": -1}, "max_frames"),
])
def test_bad_configurations_fail_naming_the_field(settings, message):
    with pytest.raises(MVPConfigError, match=message):
        MVPConfig(**settings)


def test_heads_must_divide_the_vision_width():
    with pytest.raises(MVPConfigError, match="query_heads=5 does not divide the vision feature width 32"):
        MultiPerspectiveProjector(MVPConfig(perspectives=("query",), query_heads=5), SHAPE)


def test_config_round_trips_through_json():
    import json

    config = MVPConfig(perspectives=("query", "patch"), num_queries=3, query_heads=4, perspective_embeddings=False)
    assert MVPConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
    with pytest.raises(MVPConfigError, match="unknown MVP setting"):
        MVPConfig.from_dict({**config.to_dict(), "fusion": "sum"})


def test_token_budget_per_item():
    full = MVPConfig(num_queries=8)
    assert full.image_token_count(16) == 16 + 1 + 8
    assert full.video_token_count(8, 17) == 8 * 17 + 1 + 8 + 8
    assert MVPConfig(perspectives=("patch",)).image_token_count(16) == 16  # the base projector's count
    assert MVPConfig(perspectives=("patch",)).video_token_count(8, 17) == 136
    assert MVPConfig(perspectives=("global", "query"), num_queries=4).image_token_count(576) == 5  # a compressor
    assert MVPConfig(perspectives=("patch", "temporal")).image_token_count(16) == 16  # no frames in an image


# --- shapes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("perspectives", COMBINATIONS, ids=["+".join(c) for c in COMBINATIONS])
def test_output_shapes_for_every_perspective_combination(perspectives):
    config = MVPConfig(perspectives=perspectives, num_queries=3, query_heads=4, temporal_heads=4)
    mvp = MultiPerspectiveProjector(config, SHAPE).eval()
    with torch.no_grad():
        images = mvp(_features(3, IMAGE_TOKENS, VISION))
        videos = mvp.forward_video(_features(2, FRAMES, FRAME_TOKENS, VISION))
    assert images.shape == (3, config.image_token_count(IMAGE_TOKENS), TEXT)
    assert videos.shape == (2, config.video_token_count(FRAMES, FRAME_TOKENS), TEXT)
    assert sum(n for _, n in mvp.token_layout("image", IMAGE_TOKENS)) == images.shape[1]
    assert sum(n for _, n in mvp.token_layout("video", FRAME_TOKENS, FRAMES)) == videos.shape[1]
    assert [name for name, _ in mvp.token_layout("video", FRAME_TOKENS, FRAMES)] == list(perspectives)
    assert (mvp.perspective_embeddings is not None) == (len(perspectives) > 1)
    assert torch.isfinite(videos).all() and torch.isfinite(images).all()


def test_items_are_projected_independently():
    """An item's tokens do not depend on the other items of the batch."""
    mvp = MultiPerspectiveProjector(MVPConfig(query_heads=4, temporal_heads=4), SHAPE).eval()
    videos = _features(3, FRAMES, FRAME_TOKENS, VISION)
    with torch.no_grad():
        together = mvp.forward_video(videos)
        alone = mvp.forward_video(videos[1:2])
    torch.testing.assert_close(together[1:2], alone)


def test_too_many_frames_for_the_temporal_view():
    config = MVPConfig(perspectives=("patch", "temporal"), max_frames=4, temporal_heads=4)
    mvp = MultiPerspectiveProjector(config, SHAPE)
    with pytest.raises(ValueError, match="5 frames exceeds the temporal view's max_frames=4"):
        mvp.forward_video(_features(1, 5, FRAME_TOKENS, VISION))


# --- initialisation from the base projector ---------------------------------------------------------


def test_patch_only_is_the_base_projector(projector):
    mvp = MultiPerspectiveProjector.from_projector(projector, MVPConfig(perspectives=("patch",))).eval()
    assert sorted(mvp.state_dict()) == sorted(f"perspectives.patch.mlp.{k}" for k in projector.state_dict())
    images = _features(2, IMAGE_TOKENS, VISION)
    frames = _features(2 * FRAMES, FRAME_TOKENS, VISION)
    with torch.no_grad():
        assert torch.equal(mvp(images), projector(images))
        assert torch.equal(mvp.forward_video(frames.reshape(2, FRAMES, FRAME_TOKENS, VISION)),
                           projector(frames).reshape(2, FRAMES * FRAME_TOKENS, TEXT))


def test_fresh_perspectives_start_from_the_base_projection(projector):
    config = MVPConfig(num_queries=4, query_heads=4, temporal_heads=4)
    mvp = MultiPerspectiveProjector.from_projector(projector, config).eval()
    videos = _features(2, FRAMES, FRAME_TOKENS, VISION)
    layout = dict(mvp.token_layout("video", FRAME_TOKENS, FRAMES))
    with torch.no_grad():
        out = mvp.forward_video(videos)
        blocks = dict(zip(layout, out.split(list(layout.values()), dim=1)))
        # global: the base projection of the mean feature
        torch.testing.assert_close(blocks["global"][:, 0], projector(videos.mean(dim=(1, 2))))
        # temporal: the base projection of each frame's mean (the attention layer starts as the identity)
        torch.testing.assert_close(blocks["temporal"], projector(videos.mean(dim=2)))
        # query: attention-weighted averages of real features; on a uniform item, exactly that feature's projection
        uniform = videos[:, :1, :1].expand(-1, FRAMES, FRAME_TOKENS, -1).contiguous()
        q_out = mvp.perspectives["query"](uniform)
        torch.testing.assert_close(q_out, projector(videos[:, 0, 0]).unsqueeze(1).expand(-1, 4, -1))
    assert torch.count_nonzero(mvp.perspective_embeddings) == 0
    assert torch.count_nonzero(mvp.perspectives["temporal"].frame_positions) == 0


def test_perspective_embeddings_mark_each_block(projector):
    mvp = MultiPerspectiveProjector.from_projector(projector, MVPConfig(perspectives=("patch", "global", "query"),
                                                                        num_queries=2, query_heads=4)).eval()
    images = _features(2, IMAGE_TOKENS, VISION)
    with torch.no_grad():
        before = mvp(images)
        mvp.perspective_embeddings.copy_(torch.arange(3.0)[:, None].expand(3, TEXT))
        after = mvp(images)
    offsets = (after - before)[0, :, 0]
    expected = torch.tensor([0.0] * IMAGE_TOKENS + [1.0] + [2.0] * 2)
    torch.testing.assert_close(offsets, expected)


def test_every_parameter_trains(projector):
    mvp = MultiPerspectiveProjector.from_projector(projector, MVPConfig(query_heads=4, temporal_heads=4)).train()
    optimizer = torch.optim.SGD(mvp.parameters(), lr=0.1)
    videos, images = _features(2, 4, FRAME_TOKENS, VISION), _features(2, IMAGE_TOKENS, VISION, seed=2)
    for _ in range(2):  # zero-initialised residual projections open up after the first step
        optimizer.zero_grad()
        loss = mvp.forward_video(videos).square().mean() + mvp(images).square().mean()
        loss.backward()
        optimizer.step()
    dead = [name for name, p in mvp.named_parameters() if p.grad is None or not torch.any(p.grad != 0)]
    assert dead == []


def test_projector_that_does_not_fit_the_mvp_is_refused(projector):
    mvp = MultiPerspectiveProjector(MVPConfig(perspectives=("patch",)), ProjectorShape(VISION * 2, TEXT))
    with pytest.raises(ValueError, match="does not match the MVP's MLP at linear_1.weight"):
        mvp.init_from_projector(projector)


def test_from_projector_follows_its_dtype(projector):
    half = _base_projector().to(torch.bfloat16)
    mvp = MultiPerspectiveProjector.from_projector(half, MVPConfig(query_heads=4, temporal_heads=4))
    assert {p.dtype for p in mvp.parameters()} == {torch.bfloat16}
    with torch.no_grad():
        out = mvp.forward_video(_features(1, 2, FRAME_TOKENS, VISION).to(torch.bfloat16))
    assert out.dtype == torch.bfloat16
