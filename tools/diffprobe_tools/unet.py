"""An ADM-style diffusion U-Net (the architecture of guided-diffusion's ``UNetModel``).

Module and parameter names follow the published layout (``time_embed``, ``input_blocks``,
``middle_block``, ``output_blocks``, ``out``) so that a state dict of the same configuration
loads with strict key matching. ``forward_blocks`` returns the predicted noise and the output of
every block, numbered 1-based in execution order: encoder ("input") blocks, the middle block,
then decoder ("output") blocks, as in the paper.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, asdict
from typing import List, Sequence, Tuple

import torch
from torch import nn
import torch.nn.functional as F


@dataclass
class UNetConfig:
    image_size: int = 32
    in_channels: int = 1
    model_channels: int = 32
    out_channels: int = 1
    num_res_blocks: int = 2
    attention_resolutions: Tuple[int, ...] = (8,)
    channel_mult: Tuple[int, ...] = (1, 2, 4)
    num_heads: int = 4
    num_head_channels: int = -1
    use_scale_shift_norm: bool = True
    resblock_updown: bool = False
    conv_resample: bool = True
    dropout: float = 0.0
    learn_sigma: bool = False
    num_heads_upsample: int = -1  # decoder attention heads (-1: num_heads), as guided-diffusion
    use_new_attention_order: bool = False  # split q, k, v before heads (guided's QKVAttention)
    num_classes: int | None = None  # class-conditional: label_emb added to the time embedding
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["attention_resolutions"] = list(self.attention_resolutions)
        d["channel_mult"] = list(self.channel_mult)
        return d


class GroupNorm32(nn.GroupNorm):
    """GroupNorm computed in float32 whatever the input dtype (as ADM does)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(x.float()).type(x.dtype)


def normalization(channels: int) -> nn.GroupNorm:
    return GroupNorm32(min(32, channels), channels)


def zero_module(module: nn.Module) -> nn.Module:
    for p in module.parameters():
        p.detach().zero_()
    return module


def timestep_embedding(t: torch.Tensor, dim: int, max_period: int = 10000) -> torch.Tensor:
    """Sinusoidal timestep embedding: [cos(t·f_i), sin(t·f_i)] with f_i = max_period^(-i/half)."""
    half = dim // 2
    freqs = torch.exp(
        -math.log(max_period) * torch.arange(half, dtype=torch.float32, device=t.device) / half
    )
    args = t.float()[:, None] * freqs[None]
    emb = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
    if dim % 2:
        emb = torch.cat([emb, torch.zeros_like(emb[:, :1])], dim=-1)
    return emb


class TimestepBlock(nn.Module):
    """A module whose forward takes the timestep embedding as a second argument."""

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:  # pragma: no cover
        raise NotImplementedError


class TimestepEmbedSequential(nn.Sequential, TimestepBlock):
    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        for layer in self:
            x = layer(x, emb) if isinstance(layer, TimestepBlock) else layer(x)
        return x


class Upsample(nn.Module):
    def __init__(self, channels: int, use_conv: bool, out_channels: int | None = None):
        super().__init__()
        self.channels = channels
        self.out_channels = out_channels or channels
        self.use_conv = use_conv
        if use_conv:
            self.conv = nn.Conv2d(channels, self.out_channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.interpolate(x, scale_factor=2.0, mode="nearest")
        return self.conv(x) if self.use_conv else x


class Downsample(nn.Module):
    def __init__(self, channels: int, use_conv: bool, out_channels: int | None = None):
        super().__init__()
        self.channels = channels
        self.out_channels = out_channels or channels
        if use_conv:
            self.op = nn.Conv2d(channels, self.out_channels, 3, stride=2, padding=1)
        else:
            assert self.channels == self.out_channels
            self.op = nn.AvgPool2d(kernel_size=2, stride=2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.op(x)


class ResBlock(TimestepBlock):
    def __init__(
        self,
        channels: int,
        emb_channels: int,
        dropout: float,
        out_channels: int | None = None,
        use_scale_shift_norm: bool = False,
        up: bool = False,
        down: bool = False,
    ):
        super().__init__()
        self.out_channels = out_channels or channels
        self.use_scale_shift_norm = use_scale_shift_norm
        self.in_layers = nn.Sequential(
            normalization(channels), nn.SiLU(), nn.Conv2d(channels, self.out_channels, 3, padding=1)
        )
        self.updown = up or down
        if up:
            self.h_upd: nn.Module = Upsample(channels, False)
            self.x_upd: nn.Module = Upsample(channels, False)
        elif down:
            self.h_upd = Downsample(channels, False)
            self.x_upd = Downsample(channels, False)
        else:
            self.h_upd = self.x_upd = nn.Identity()
        self.emb_layers = nn.Sequential(
            nn.SiLU(),
            nn.Linear(emb_channels, 2 * self.out_channels if use_scale_shift_norm else self.out_channels),
        )
        self.out_layers = nn.Sequential(
            normalization(self.out_channels),
            nn.SiLU(),
            nn.Dropout(p=dropout),
            zero_module(nn.Conv2d(self.out_channels, self.out_channels, 3, padding=1)),
        )
        if self.out_channels == channels:
            self.skip_connection: nn.Module = nn.Identity()
        else:
            self.skip_connection = nn.Conv2d(channels, self.out_channels, 1)

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        if self.updown:
            in_rest, in_conv = self.in_layers[:-1], self.in_layers[-1]
            h = in_rest(x)
            h = self.h_upd(h)
            x = self.x_upd(x)
            h = in_conv(h)
        else:
            h = self.in_layers(x)
        emb_out = self.emb_layers(emb).type(h.dtype)[:, :, None, None]
        if self.use_scale_shift_norm:
            out_norm, out_rest = self.out_layers[0], self.out_layers[1:]
            scale, shift = torch.chunk(emb_out, 2, dim=1)
            h = out_norm(h) * (1 + scale) + shift
            h = out_rest(h)
        else:
            h = self.out_layers(h + emb_out)
        return self.skip_connection(x) + h


class QKVAttention(nn.Module):
    """Multi-head attention on a packed qkv tensor [B, 3·H·C, T] (split heads, then q, k, v):
    guided-diffusion's legacy order (its QKVAttentionLegacy)."""

    def __init__(self, n_heads: int):
        super().__init__()
        self.n_heads = n_heads

    def forward(self, qkv: torch.Tensor) -> torch.Tensor:
        bs, width, length = qkv.shape
        ch = width // (3 * self.n_heads)
        q, k, v = qkv.reshape(bs * self.n_heads, ch * 3, length).split(ch, dim=1)
        scale = 1 / math.sqrt(math.sqrt(ch))
        weight = torch.einsum("bct,bcs->bts", q * scale, k * scale)
        weight = torch.softmax(weight.float(), dim=-1).type(weight.dtype)
        a = torch.einsum("bts,bcs->bct", weight, v)
        return a.reshape(bs, -1, length)


class QKVAttentionNewOrder(nn.Module):
    """guided-diffusion's ``QKVAttention`` (use_new_attention_order): split q, k, v, then heads."""

    def __init__(self, n_heads: int):
        super().__init__()
        self.n_heads = n_heads

    def forward(self, qkv: torch.Tensor) -> torch.Tensor:
        bs, width, length = qkv.shape
        ch = width // (3 * self.n_heads)
        q, k, v = (a.reshape(bs * self.n_heads, ch, length) for a in qkv.chunk(3, dim=1))
        scale = 1 / math.sqrt(math.sqrt(ch))
        # guided-diffusion's two einsums as batched matmuls (same math; MatMul in ONNX, no Einsum)
        weight = torch.matmul((q * scale).transpose(1, 2), k * scale)  # [b, t, s]
        weight = torch.softmax(weight.float(), dim=-1).type(weight.dtype)
        a = torch.matmul(v, weight.transpose(1, 2))  # [b, c, t]
        return a.reshape(bs, -1, length)


class AttentionBlock(nn.Module):
    def __init__(self, channels: int, num_heads: int = 1, num_head_channels: int = -1,
                 new_order: bool = False):
        super().__init__()
        if num_head_channels == -1:
            self.num_heads = num_heads
        else:
            if channels % num_head_channels:
                raise ValueError(
                    f"channels {channels} is not divisible by num_head_channels {num_head_channels}"
                )
            self.num_heads = channels // num_head_channels
        self.norm = normalization(channels)
        self.qkv = nn.Conv1d(channels, channels * 3, 1)
        self.attention = (QKVAttentionNewOrder if new_order else QKVAttention)(self.num_heads)
        self.proj_out = zero_module(nn.Conv1d(channels, channels, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, hgt, wid = x.shape
        flat = x.reshape(b, c, hgt * wid)
        qkv = self.qkv(self.norm(flat))
        h = self.proj_out(self.attention(qkv))
        return (flat + h).reshape(b, c, hgt, wid)


@dataclass
class BlockInfo:
    index: int  # 1-based, paper numbering
    stage: str  # encoder | middle | decoder
    channels: int
    height: int
    width: int
    name: str  # module path in the state dict, e.g. "input_blocks.3"
    output: str  # ONNX output name, e.g. "block_4"


class UNetModel(nn.Module):
    def __init__(self, cfg: UNetConfig):
        super().__init__()
        self.cfg = cfg
        mc = cfg.model_channels
        emb_dim = mc * 4
        out_ch = cfg.out_channels * (2 if cfg.learn_sigma else 1)
        self.time_embed = nn.Sequential(nn.Linear(mc, emb_dim), nn.SiLU(), nn.Linear(emb_dim, emb_dim))
        if cfg.num_classes is not None:
            self.label_emb = nn.Embedding(cfg.num_classes, emb_dim)
        heads_up = cfg.num_heads if cfg.num_heads_upsample == -1 else cfg.num_heads_upsample
        new = cfg.use_new_attention_order

        ch = input_ch = int(cfg.channel_mult[0] * mc)
        self.input_blocks = nn.ModuleList(
            [TimestepEmbedSequential(nn.Conv2d(cfg.in_channels, ch, 3, padding=1))]
        )
        shapes: List[Tuple[int, int]] = [(ch, cfg.image_size)]
        skip_chans = [ch]
        ds = 1
        for level, mult in enumerate(cfg.channel_mult):
            for _ in range(cfg.num_res_blocks):
                layers: List[nn.Module] = [
                    ResBlock(ch, emb_dim, cfg.dropout, int(mult * mc), cfg.use_scale_shift_norm)
                ]
                ch = int(mult * mc)
                if cfg.image_size // ds in cfg.attention_resolutions:
                    layers.append(AttentionBlock(ch, cfg.num_heads, cfg.num_head_channels, new))
                self.input_blocks.append(TimestepEmbedSequential(*layers))
                skip_chans.append(ch)
                shapes.append((ch, cfg.image_size // ds))
            if level != len(cfg.channel_mult) - 1:
                down: nn.Module = (
                    ResBlock(ch, emb_dim, cfg.dropout, ch, cfg.use_scale_shift_norm, down=True)
                    if cfg.resblock_updown
                    else Downsample(ch, cfg.conv_resample, ch)
                )
                self.input_blocks.append(TimestepEmbedSequential(down))
                ds *= 2
                skip_chans.append(ch)
                shapes.append((ch, cfg.image_size // ds))

        self.middle_block = TimestepEmbedSequential(
            ResBlock(ch, emb_dim, cfg.dropout, ch, cfg.use_scale_shift_norm),
            AttentionBlock(ch, cfg.num_heads, cfg.num_head_channels, new),
            ResBlock(ch, emb_dim, cfg.dropout, ch, cfg.use_scale_shift_norm),
        )
        shapes.append((ch, cfg.image_size // ds))

        self.output_blocks = nn.ModuleList([])
        for level, mult in list(enumerate(cfg.channel_mult))[::-1]:
            for i in range(cfg.num_res_blocks + 1):
                skip = skip_chans.pop()
                layers = [
                    ResBlock(ch + skip, emb_dim, cfg.dropout, int(mc * mult), cfg.use_scale_shift_norm)
                ]
                ch = int(mc * mult)
                if cfg.image_size // ds in cfg.attention_resolutions:
                    layers.append(AttentionBlock(ch, heads_up, cfg.num_head_channels, new))
                if level and i == cfg.num_res_blocks:
                    layers.append(
                        ResBlock(ch, emb_dim, cfg.dropout, ch, cfg.use_scale_shift_norm, up=True)
                        if cfg.resblock_updown
                        else Upsample(ch, cfg.conv_resample, ch)
                    )
                    ds //= 2
                self.output_blocks.append(TimestepEmbedSequential(*layers))
                shapes.append((ch, cfg.image_size // ds))

        self.out = nn.Sequential(
            normalization(ch), nn.SiLU(), zero_module(nn.Conv2d(input_ch, out_ch, 3, padding=1))
        )
        self.blocks = self._describe_blocks(shapes)

    def _describe_blocks(self, shapes: Sequence[Tuple[int, int]]) -> List[BlockInfo]:
        n_in, n_out = len(self.input_blocks), len(self.output_blocks)
        out: List[BlockInfo] = []
        for i, (c, s) in enumerate(shapes):
            idx = i + 1
            if i < n_in:
                stage, name = "encoder", f"input_blocks.{i}"
            elif i == n_in:
                stage, name = "middle", "middle_block"
            else:
                stage, name = "decoder", f"output_blocks.{i - n_in - 1}"
            out.append(BlockInfo(idx, stage, c, s, s, name, f"block_{idx}"))
        assert len(out) == n_in + 1 + n_out
        return out

    def forward_blocks(self, x: torch.Tensor, t: torch.Tensor, upto: int | None = None,
                       y: torch.Tensor | None = None):
        """Return (eps, [block outputs in paper order]). With ``upto`` stop after that block;
        ``y`` holds the class labels [B] (int64) of a class-conditional model."""
        if (y is not None) != (self.cfg.num_classes is not None):
            raise ValueError("class labels y must be given exactly when the model is class-conditional")
        emb = self.time_embed(timestep_embedding(t, self.cfg.model_channels))
        if y is not None:
            emb = emb + self.label_emb(y)
        hs: List[torch.Tensor] = []
        feats: List[torch.Tensor] = []
        h = x
        for module in self.input_blocks:
            h = module(h, emb)
            hs.append(h)
            feats.append(h)
            if upto is not None and len(feats) >= upto:
                return None, feats
        h = self.middle_block(h, emb)
        feats.append(h)
        if upto is not None and len(feats) >= upto:
            return None, feats
        for module in self.output_blocks:
            h = torch.cat([h, hs.pop()], dim=1)
            h = module(h, emb)
            feats.append(h)
            if upto is not None and len(feats) >= upto:
                return None, feats
        return self.out(h), feats

    def forward(self, x: torch.Tensor, t: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        eps, _ = self.forward_blocks(x, t, y=y)
        return eps


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
