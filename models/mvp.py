"""Multi-perspective Visual Projection (MVP): vision features -> LLM tokens, seen from several views.

EmoLLM (arXiv 2406.16442) names MVP as one of its two components but never published its
design; this is our re-implementation (see ``docs/emollm.md``). It replaces LLaVA's
``multi_modal_projector`` (a 2-layer MLP applied to every patch feature) with a set of
*perspectives*, each a small projector over the same vision features, whose outputs are
concatenated into the visual token sequence the LLM reads:

=============  ==========================================================  ====================
perspective    what it sees                                                tokens per item
=============  ==========================================================  ====================
``patch``      every visual token through LLaVA's MLP (the base model's    one per input token
               own projection; local detail: faces, gestures, objects)      (``F * T`` for video)
``global``     the mean of all visual tokens, through an MLP (overall      1
               mood: colour, light, scene)
``query``      ``num_queries`` learned queries cross-attending over all    ``num_queries``
               visual tokens (salient regions)
``temporal``   per-frame summaries (mean over the frame's tokens) plus     one per frame
               learned frame positions, through a self-attention layer
               over frames, then an MLP (videos only; how expression
               changes over time)
=============  ==========================================================  ====================

Fusion: each perspective's tokens get that perspective's learned embedding added (one
vector per perspective, zero-initialised; omitted when there is a single perspective),
then the blocks are concatenated in the configured order. Images are items with one
frame and skip the ``temporal`` view.

Token budget: the number of tokens per image / video is a pure function of the
configuration (:meth:`MVPConfig.image_token_count`, :meth:`MVPConfig.video_token_count`);
the processor inserts exactly that many placeholders (``models/emollm_model.py``).

Initialisation from the base projector (:meth:`MultiPerspectiveProjector.from_projector`),
so training starts where the base model stands: every perspective's output MLP is a copy
of the base projector; the query view's value and output projections start as the
identity (its tokens start as attention-weighted averages of real patch features, which the
copied MLP maps into the LLM's input space); the temporal layer's residual branches start
at zero (frame summaries pass unchanged); perspective and frame-position embeddings start
at zero. With ``perspectives=("patch",)`` the projector *is* the base projector: same
weights, same tokens, same count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import torch
from torch import nn

PERSPECTIVES = ("patch", "global", "query", "temporal")
"""Every perspective this module implements, in the default order."""

IMAGE_PERSPECTIVES = ("patch", "global", "query")
"""Perspectives that apply to images (``temporal`` needs frames)."""


class MVPConfigError(ValueError):
    """An MVP configuration that cannot be built; the message names the field and the fix."""


def parse_perspectives(value: str | Iterable[str]) -> tuple[str, ...]:
    """``"patch+global+query"`` (or ``,``/``|`` separated, or a list) -> ``("patch", "global", "query")``."""
    if isinstance(value, str):
        for sep in (",", "|", " "):
            value = value.replace(sep, "+")
        names = [part.strip().lower() for part in value.split("+") if part.strip()]
    else:
        names = [str(part).strip().lower() for part in value]
    return tuple(names)


@dataclass(frozen=True)
class MVPConfig:
    """Which perspectives the MVP has and their sizes; JSON round trip through :meth:`to_dict`/:meth:`from_dict`.

    ``perspectives``: names from :data:`PERSPECTIVES`, in the order their tokens are laid
    out. ``num_queries``: tokens of the ``query`` view. ``query_heads`` /
    ``temporal_heads``: attention heads (must divide the vision feature width).
    ``max_frames``: size of the temporal view's frame-position table.
    ``perspective_embeddings``: add a learned embedding per perspective (only used with
    two or more perspectives).
    """

    perspectives: tuple[str, ...] = PERSPECTIVES
    num_queries: int = 8
    query_heads: int = 8
    temporal_heads: int = 8
    max_frames: int = 64
    perspective_embeddings: bool = True

    def __post_init__(self) -> None:
        names = parse_perspectives(self.perspectives)
        object.__setattr__(self, "perspectives", names)
        if not names:
            raise MVPConfigError(f"perspectives is empty; choose from {', '.join(PERSPECTIVES)}")
        unknown = [n for n in names if n not in PERSPECTIVES]
        if unknown:
            raise MVPConfigError(f"unknown perspective(s) {', '.join(unknown)}; choose from {', '.join(PERSPECTIVES)}")
        if len(set(names)) != len(names):
            raise MVPConfigError(f"perspectives lists a view twice: {'+'.join(names)}")
        if not any(n in IMAGE_PERSPECTIVES for n in names):
            raise MVPConfigError("perspectives has only 'temporal', which needs frames: images would get no tokens. "
                                 f"Add one of {', '.join(IMAGE_PERSPECTIVES)}")
        for key in ("num_queries", "query_heads", "temporal_heads", "max_frames"):
            if int(getattr(self, key)) < 1:
                raise MVPConfigError(f"{key} must be >= 1, got {getattr(self, key)}")
            object.__setattr__(self, key, int(getattr(self, key)))

    @property
    def uses_perspective_embeddings(self) -> bool:
        return bool(self.perspective_embeddings) and len(self.perspectives) > 1

    def image_token_count(self, tokens_per_image: int) -> int:
        """LLM tokens for one image whose vision features hold ``tokens_per_image`` tokens."""
        return self._count(1, tokens_per_image, video=False)

    def video_token_count(self, num_frames: int, tokens_per_frame: int) -> int:
        """LLM tokens for one video of ``num_frames`` frames with ``tokens_per_frame`` feature tokens each."""
        return self._count(num_frames, tokens_per_frame, video=True)

    def _count(self, frames: int, tokens: int, *, video: bool) -> int:
        per_view = {"patch": frames * tokens, "global": 1, "query": self.num_queries,
                    "temporal": frames if video else 0}
        return sum(per_view[name] for name in self.perspectives)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["perspectives"] = list(self.perspectives)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MVPConfig:
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(data) - known)
        if unknown:
            raise MVPConfigError(f"unknown MVP setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return cls(**{k: (tuple(v) if k == "perspectives" else v) for k, v in data.items()})


# --- building blocks -------------------------------------------------------------------------------


class ProjectorMLP(nn.Module):
    """LLaVA's projector layout (``linear_1``, activation, ``linear_2``), so base weights load by name."""

    def __init__(self, in_width: int, out_width: int, act: str = "gelu", bias: bool = True) -> None:
        super().__init__()
        from transformers.activations import ACT2FN

        self.linear_1 = nn.Linear(in_width, out_width, bias=bias)
        self.act = ACT2FN[act]
        self.linear_2 = nn.Linear(out_width, out_width, bias=bias)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.linear_2(self.act(self.linear_1(features)))


@dataclass(frozen=True)
class ProjectorShape:
    """Widths and activation of the projector being replaced (read from the base model)."""

    vision_width: int
    text_width: int
    act: str = "gelu"
    bias: bool = True

    def mlp(self) -> ProjectorMLP:
        return ProjectorMLP(self.vision_width, self.text_width, self.act, self.bias)


class PatchPerspective(nn.Module):
    """Every visual token through the MLP: LLaVA-1.5's own projection (local detail)."""

    applies_to = ("image", "video")

    def __init__(self, shape: ProjectorShape, config: MVPConfig) -> None:
        super().__init__()
        self.mlp = shape.mlp()

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        items, frames, tokens, width = features.shape
        # as the base projector sees them: one row of tokens per frame
        projected = self.mlp(features.reshape(items * frames, tokens, width))
        return projected.reshape(items, frames * tokens, -1)


class GlobalPerspective(nn.Module):
    """The mean of all visual tokens of an item, through the MLP: one token for the whole picture."""

    applies_to = ("image", "video")

    def __init__(self, shape: ProjectorShape, config: MVPConfig) -> None:
        super().__init__()
        self.mlp = shape.mlp()

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.mlp(features.mean(dim=(1, 2))).unsqueeze(1)


class QueryPerspective(nn.Module):
    """``num_queries`` learned queries attend over all visual tokens of an item (salient regions)."""

    applies_to = ("image", "video")

    def __init__(self, shape: ProjectorShape, config: MVPConfig) -> None:
        super().__init__()
        width = shape.vision_width
        _check_heads("query_heads", config.query_heads, width)
        self.queries = nn.Parameter(torch.randn(config.num_queries, width) * width ** -0.5)
        self.attention = nn.MultiheadAttention(width, config.query_heads, batch_first=True)
        self.mlp = shape.mlp()

    def reset_to_averaging(self) -> None:
        """Value and output projections to the identity: each query returns a weighted mean of features."""
        width = self.queries.shape[-1]
        with torch.no_grad():
            self.attention.in_proj_weight[2 * width:].copy_(torch.eye(width))
            self.attention.in_proj_bias[2 * width:].zero_()
            self.attention.out_proj.weight.copy_(torch.eye(width))
            self.attention.out_proj.bias.zero_()

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        items, frames, tokens, width = features.shape
        keys = features.reshape(items, frames * tokens, width)
        queries = self.queries.unsqueeze(0).expand(items, -1, -1).to(keys.dtype)
        attended, _ = self.attention(queries, keys, keys, need_weights=False)
        return self.mlp(attended)


class TemporalPerspective(nn.Module):
    """Per-frame summaries with frame positions through one self-attention layer over frames (videos only)."""

    applies_to = ("video",)

    def __init__(self, shape: ProjectorShape, config: MVPConfig) -> None:
        super().__init__()
        width = shape.vision_width
        _check_heads("temporal_heads", config.temporal_heads, width)
        self.frame_positions = nn.Parameter(torch.zeros(config.max_frames, width))
        self.layer = nn.TransformerEncoderLayer(width, config.temporal_heads, dim_feedforward=2 * width, dropout=0.0,
                                                activation="gelu", batch_first=True, norm_first=True)
        self.mlp = shape.mlp()

    def reset_to_identity(self) -> None:
        """Zero the residual branches' last projections: the layer passes frame summaries unchanged."""
        with torch.no_grad():
            for linear in (self.layer.self_attn.out_proj, self.layer.linear2):
                linear.weight.zero_()
                linear.bias.zero_()

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        frames = features.shape[1]
        if frames > self.frame_positions.shape[0]:
            raise ValueError(f"a video of {frames} frames exceeds the temporal view's max_frames="
                             f"{self.frame_positions.shape[0]}; sample fewer frames or raise max_frames")
        summaries = features.mean(dim=2) + self.frame_positions[:frames].to(features.dtype)
        return self.mlp(self.layer(summaries))


def _check_heads(name: str, heads: int, width: int) -> None:
    if width % heads:
        raise MVPConfigError(f"{name}={heads} does not divide the vision feature width {width}; "
                             f"pick a divisor of {width}")


_PERSPECTIVE_CLASSES: dict[str, type[nn.Module]] = {
    "patch": PatchPerspective,
    "global": GlobalPerspective,
    "query": QueryPerspective,
    "temporal": TemporalPerspective,
}


# --- the projector ---------------------------------------------------------------------------------


class MultiPerspectiveProjector(nn.Module):
    """Drop-in replacement for LLaVA's ``multi_modal_projector`` with several perspectives.

    ``forward(image_features)`` takes what LLaVA's projector takes, ``(images, tokens,
    vision_width)``, and returns ``(images, image_token_count(tokens), text_width)``;
    :meth:`forward_video` takes ``(videos, frames, tokens, vision_width)``.
    """

    def __init__(self, config: MVPConfig, shape: ProjectorShape) -> None:
        super().__init__()
        self.config = config
        self.shape = shape
        self.perspectives = nn.ModuleDict({name: _PERSPECTIVE_CLASSES[name](shape, config)
                                           for name in config.perspectives})
        self.perspective_embeddings = (nn.Parameter(torch.zeros(len(config.perspectives), shape.text_width))
                                       if config.uses_perspective_embeddings else None)

    @classmethod
    def from_projector(cls, projector: nn.Module, config: MVPConfig | None = None,
                       act: str = "gelu") -> MultiPerspectiveProjector:
        """An MVP whose every MLP copies ``projector`` (a ``LlavaMultiModalProjector``), on its device and dtype."""
        linear_1, linear_2 = projector.linear_1, projector.linear_2
        shape = ProjectorShape(linear_1.in_features, linear_2.out_features, act, linear_1.bias is not None)
        mvp = cls(config or MVPConfig(), shape)
        mvp.init_from_projector(projector)
        return mvp.to(device=linear_1.weight.device, dtype=linear_1.weight.dtype)

    def init_from_projector(self, projector: nn.Module) -> None:
        """Copy the base projector into every perspective's MLP and reset the other parts (module docstring)."""
        state = {k: v for k, v in projector.state_dict().items() if k.startswith(("linear_1.", "linear_2."))}
        for perspective in self.perspectives.values():
            mine = perspective.mlp.state_dict()
            mismatched = [k for k in mine if k not in state or state[k].shape != mine[k].shape]
            if mismatched:
                raise ValueError(f"the base projector does not match the MVP's MLP at {', '.join(mismatched)} "
                                 f"(MVP widths {self.shape.vision_width} -> {self.shape.text_width})")
            perspective.mlp.load_state_dict({k: state[k] for k in mine})
            if isinstance(perspective, QueryPerspective):
                perspective.reset_to_averaging()
            if isinstance(perspective, TemporalPerspective):
                perspective.reset_to_identity()
                with torch.no_grad():
                    perspective.frame_positions.zero_()
        if self.perspective_embeddings is not None:
            with torch.no_grad():
                self.perspective_embeddings.zero_()

    def forward(self, image_features: torch.Tensor) -> torch.Tensor:
        """``(images, tokens, vision_width)`` -> ``(images, image_token_count(tokens), text_width)``."""
        return self._project(image_features.unsqueeze(1), "image")

    def forward_video(self, frame_features: torch.Tensor) -> torch.Tensor:
        """``(videos, frames, tokens, vision_width)`` -> ``(videos, video_token_count(frames, tokens), text_width)``."""
        return self._project(frame_features, "video")

    def _project(self, features: torch.Tensor, kind: str) -> torch.Tensor:
        weight = next(self.parameters())
        features = features.to(weight.device, weight.dtype)  # a sharded base may keep its tower elsewhere
        blocks = []
        for index, perspective in enumerate(self.perspectives.values()):
            if kind not in perspective.applies_to:
                continue
            tokens = perspective(features)
            if self.perspective_embeddings is not None:
                tokens = tokens + self.perspective_embeddings[index].to(tokens.dtype)
            blocks.append(tokens)
        return blocks[0] if len(blocks) == 1 else torch.cat(blocks, dim=1)

    def token_layout(self, kind: str, tokens: int, frames: int = 1) -> list[tuple[str, int]]:
        """``[(perspective, token count), ...]`` in sequence order for one image or video."""
        counts = {"patch": frames * tokens, "global": 1, "query": self.config.num_queries, "temporal": frames}
        return [(name, counts[name]) for name, p in self.perspectives.items()
                if (kind if kind == "video" else "image") in p.applies_to]

    def extra_repr(self) -> str:
        return (f"perspectives={'+'.join(self.config.perspectives)}, vision_width={self.shape.vision_width}, "
                f"text_width={self.shape.text_width}")


__all__ = [
    "IMAGE_PERSPECTIVES",
    "MVPConfig",
    "MVPConfigError",
    "MultiPerspectiveProjector",
    "PERSPECTIVES",
    "ProjectorShape",
    "parse_perspectives",
]
