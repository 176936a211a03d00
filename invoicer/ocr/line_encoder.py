"""A line-image encoder with a convolutional stem, as a transformers model (``invoicer_line_encoder``).

Why: a ViT patch embedding sees a text line as isolated 8×8 squares; a small convolutional stem
first builds stroke and glyph features, then collapses the line's height so the transformer runs
over *columns* (one token per 4 pixels of width at 32-pixel height). On two CPU cores this learns
several times faster than a plain ViT encoder and its sequence is half as long (see
``shared/NOTES.md``: the conv-stem pilot). The columns are also what the training-only CTC head reads.

The classes register themselves with ``AutoConfig``/``AutoModel`` on import, so a stock
``VisionEncoderDecoderModel.from_pretrained(dir)`` loads a checkpoint that uses this encoder once
``invoicer.ocr`` is imported (the recognizer's loader does that). Input: ``pixel_values`` of shape
(B, C, 32, W) with W a multiple of 4; output ``last_hidden_state`` of shape (B, W/4, hidden).
"""

from __future__ import annotations

import contextlib
import math
from typing import Any, cast

import torch
from torch import nn
from transformers import AutoConfig, AutoModel, PretrainedConfig, PreTrainedModel
from transformers.modeling_outputs import BaseModelOutput

MODEL_TYPE = "invoicer_line_encoder"


class LineEncoderConfig(PretrainedConfig):
    """Sizes of the conv-stem line encoder."""

    model_type = MODEL_TYPE

    def __init__(
        self,
        num_channels: int = 3,
        image_height: int = 32,
        stem_channels: tuple[int, ...] | list[int] = (32, 64, 128, 192),
        hidden_size: int = 256,
        num_hidden_layers: int = 4,
        num_attention_heads: int = 4,
        intermediate_size: int = 768,
        max_columns: int = 512,
        column_stride: int = 4,
        dropout: float = 0.0,
        layer_norm_eps: float = 1e-5,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.num_channels = num_channels
        self.image_height = image_height
        self.stem_channels = list(stem_channels)
        self.hidden_size = hidden_size
        self.num_hidden_layers = num_hidden_layers
        self.num_attention_heads = num_attention_heads
        self.intermediate_size = intermediate_size
        self.max_columns = max_columns
        self.column_stride = column_stride
        self.dropout = dropout
        self.layer_norm_eps = layer_norm_eps


class _ConvBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: tuple[int, int]) -> None:
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel_size=3, stride=stride, padding=1, bias=False)
        self.norm = nn.BatchNorm2d(cout)
        self.act = nn.GELU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.act(self.norm(self.conv(x)))


class LineStem(nn.Module):
    """Four 3×3 conv blocks: height 32 → 2, width → W/4; then the two rows are folded into one column token."""

    def __init__(self, config: LineEncoderConfig) -> None:
        super().__init__()
        channels = [config.num_channels, *config.stem_channels]
        strides = [(2, 2), (2, 2), (2, 1), (2, 1)]
        if len(config.stem_channels) != len(strides):
            raise ValueError(f"stem_channels needs {len(strides)} entries, got {config.stem_channels}")
        self.blocks = nn.Sequential(
            *(_ConvBlock(channels[i], channels[i + 1], strides[i]) for i in range(len(strides)))
        )
        rows = config.image_height // 16
        self.project = nn.Linear(channels[-1] * rows, config.hidden_size)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        x = self.blocks(pixel_values)  # (B, C, rows, W/4)
        b, c, h, w = x.shape
        x = x.permute(0, 3, 1, 2).reshape(b, w, c * h)
        return self.project(x)  # (B, W/4, hidden)


class _EncoderLayer(nn.Module):
    def __init__(self, config: LineEncoderConfig) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.self_attn = nn.MultiheadAttention(
            config.hidden_size, config.num_attention_heads, dropout=config.dropout, batch_first=True
        )
        self.norm2 = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.fc1 = nn.Linear(config.hidden_size, config.intermediate_size)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(config.intermediate_size, config.hidden_size)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.norm1(x)
        x = x + self.dropout(self.self_attn(h, h, h, need_weights=False)[0])
        return x + self.dropout(self.fc2(self.act(self.fc1(self.norm2(x)))))


def _sinusoid(n: int, dim: int) -> torch.Tensor:
    position = torch.arange(n, dtype=torch.float32).unsqueeze(1)
    div = torch.exp(torch.arange(0, dim, 2, dtype=torch.float32) * (-math.log(10000.0) / dim))
    table = torch.zeros(n, dim)
    table[:, 0::2] = torch.sin(position * div)
    table[:, 1::2] = torch.cos(position * div)
    return table


class LineEncoderModel(PreTrainedModel):
    """Conv stem + pre-norm transformer over columns; returns ``BaseModelOutput(last_hidden_state)``."""

    config_class = LineEncoderConfig
    base_model_prefix = "line_encoder"
    main_input_name = "pixel_values"
    _no_split_modules = []  # type: ignore[var-annotated]  # noqa: RUF012

    def __init__(self, config: LineEncoderConfig) -> None:
        super().__init__(config)
        self.stem = LineStem(config)
        # fixed sine positions plus a learned scale: any width up to max_columns, nothing to interpolate
        self.register_buffer("positions", _sinusoid(config.max_columns, config.hidden_size), persistent=False)
        self.position_scale = nn.Parameter(torch.ones(1))
        self.layers = nn.ModuleList(_EncoderLayer(config) for _ in range(config.num_hidden_layers))
        self.norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.post_init()

    def _init_weights(self, module: nn.Module) -> None:
        if isinstance(module, nn.Linear):
            nn.init.trunc_normal_(module.weight, std=0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Conv2d):
            nn.init.kaiming_normal_(module.weight, mode="fan_out", nonlinearity="relu")
        elif isinstance(module, (nn.LayerNorm, nn.BatchNorm2d)):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)
        elif isinstance(module, LineEncoderModel):
            positions = cast(torch.Tensor, module.positions)
            positions.copy_(_sinusoid(module.config.max_columns, module.config.hidden_size))
            nn.init.ones_(module.position_scale)

    def get_input_embeddings(self) -> nn.Module:
        return self.stem

    def forward(
        self,
        pixel_values: torch.Tensor | None = None,
        output_attentions: bool | None = None,
        output_hidden_states: bool | None = None,
        return_dict: bool | None = None,
        **kwargs: Any,
    ) -> BaseModelOutput | tuple[torch.Tensor, ...]:
        if pixel_values is None:
            raise ValueError("pixel_values are required")
        x = self.stem(pixel_values.to(self.stem.project.weight.dtype))
        n = x.shape[1]
        if n > self.config.max_columns:
            raise ValueError(f"line too wide: {n} columns, at most {self.config.max_columns}")
        positions = cast(torch.Tensor, self.positions)
        x = x + self.position_scale * positions[:n].to(x.dtype)
        hidden_states: list[torch.Tensor] = [x] if output_hidden_states else []
        for layer in self.layers:
            x = layer(x)
            if output_hidden_states:
                hidden_states.append(x)
        x = self.norm(x)
        if return_dict is False:
            return (x,)
        return BaseModelOutput(last_hidden_state=x, hidden_states=tuple(hidden_states) or None)


def register() -> None:
    """Make ``AutoConfig``/``AutoModel`` (hence ``VisionEncoderDecoderModel``) know this encoder (idempotent)."""
    with contextlib.suppress(ValueError):  # already registered
        AutoConfig.register(MODEL_TYPE, LineEncoderConfig)
    with contextlib.suppress(ValueError):
        AutoModel.register(LineEncoderConfig, LineEncoderModel)


register()

__all__ = ["MODEL_TYPE", "LineEncoderConfig", "LineEncoderModel", "register"]
