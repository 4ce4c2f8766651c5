"""guided-diffusion model configurations: the published presets and the flags that describe them.

The names are guided-diffusion's own (``--num_channels``, ``--attention_resolutions`` …), so a
model's published ``MODEL_FLAGS`` line can be pasted. Every ``UNetModel`` configuration
guided-diffusion builds is accepted (unconditional and class-conditional, linear and cosine
schedules, either attention order); what it would refuse, or could not run, is refused here with
the reason. The head-size rule applies where guided-diffusion applies it: at the levels with
attention and the middle block. GroupNorm has 32 groups, so every level's width must be a
multiple of 32, as in guided-diffusion (only the test fixtures' tiny copies set
``narrow_groupnorm``: one group per channel below 32 channels).
"""

from __future__ import annotations

import argparse
import math
from dataclasses import asdict, dataclass
from typing import Dict, List, Optional, Tuple

# Default channel multipliers per image size, as guided-diffusion chooses them.
CHANNEL_MULT_BY_SIZE: Dict[int, Tuple[float, ...]] = {
    512: (0.5, 1, 1, 2, 2, 4, 4),
    256: (1, 1, 2, 2, 4, 4),
    128: (1, 1, 2, 3, 4),
    64: (1, 2, 3, 4),
}


class UnsupportedConfig(ValueError):
    """A configuration diffprobe cannot convert, with the reason in words."""


@dataclass(frozen=True)
class GuidedConfig:
    image_size: int = 256
    num_channels: int = 256
    num_res_blocks: int = 2
    channel_mult: Tuple[float, ...] = ()  # () = guided-diffusion's default for image_size
    attention_resolutions: Tuple[int, ...] = (32, 16, 8)  # resolutions, as in the flags
    num_heads: int = 4
    num_head_channels: int = 64
    num_heads_upsample: int = -1
    use_scale_shift_norm: bool = True
    resblock_updown: bool = True
    learn_sigma: bool = True
    class_cond: bool = False
    use_new_attention_order: bool = False
    dropout: float = 0.0
    diffusion_steps: int = 1000
    noise_schedule: str = "linear"
    use_fp16: bool = True  # how it was trained; the converter chooses the export dtype itself
    in_channels: int = 3
    num_classes: int = 1000  # guided-diffusion's NUM_CLASSES (ImageNet), used with class_cond
    narrow_groupnorm: bool = False  # not a flag: tiny test copies only (min(32, C) groups)

    def mult(self) -> Tuple[float, ...]:
        if self.channel_mult:
            return tuple(self.channel_mult)
        if self.image_size not in CHANNEL_MULT_BY_SIZE:
            raise UnsupportedConfig(
                f"image size {self.image_size} has no default channel multipliers in guided-diffusion "
                f"(it knows {sorted(CHANNEL_MULT_BY_SIZE)}); give --channel-mult")
        return CHANNEL_MULT_BY_SIZE[self.image_size]

    def out_channels(self) -> int:
        return self.in_channels * (2 if self.learn_sigma else 1)

    def n_blocks(self) -> int:
        levels = len(self.mult())
        n_in = 1 + levels * self.num_res_blocks + (levels - 1)
        return n_in + 1 + levels * (self.num_res_blocks + 1)

    def attention_ds(self) -> Tuple[int, ...]:
        """Down-sampling factors with attention, as guided-diffusion's create_model computes them."""
        return tuple(self.image_size // int(r) for r in self.attention_resolutions if int(r) > 0)

    def attention_levels(self) -> List[int]:
        """The levels (0 = full resolution) whose blocks have self-attention."""
        return [lv for lv in range(len(self.mult())) if 2 ** lv in self.attention_ds()]

    def check(self) -> None:
        """Raise UnsupportedConfig when guided-diffusion would not build (or could not run) this
        configuration, or diffprobe cannot convert it."""
        if self.noise_schedule not in ("linear", "cosine"):
            raise UnsupportedConfig(
                f"unknown noise schedule '{self.noise_schedule}': guided-diffusion knows linear and cosine")
        if self.num_res_blocks < 1:
            raise UnsupportedConfig("--num_res_blocks must be at least 1")
        if self.diffusion_steps < 1:
            raise UnsupportedConfig("--diffusion_steps must be at least 1")
        if self.num_channels < 1:
            raise UnsupportedConfig("--num_channels must be at least 1")
        if self.class_cond and self.num_classes < 1:
            raise UnsupportedConfig("a class-conditional model needs at least one class")
        if self.num_head_channels == -1 and self.num_heads < 1:
            raise UnsupportedConfig("--num_heads must be at least 1 when --num_head_channels is -1")
        size = self.image_size
        for _ in range(len(self.mult()) - 1):
            if size % 2:
                raise UnsupportedConfig(
                    f"image size {self.image_size} cannot be halved {len(self.mult()) - 1} times")
            size //= 2
        deepest = int(self.mult()[-1] * self.num_channels)
        if size * size * (deepest // min(32, deepest)) < 2:
            raise UnsupportedConfig(
                f"at {size}×{size} the deepest level's GroupNorm would normalise single values")
        for m in self.mult():
            ch = int(m * self.num_channels)
            groups = min(32, ch) if self.narrow_groupnorm else 32
            if ch < 1 or ch % groups:
                raise UnsupportedConfig(
                    f"{ch} channels (--num_channels {self.num_channels} × {m:g}) cannot be split into "
                    "GroupNorm's 32 groups")
        levels = self.attention_levels()
        heads_up = self.num_heads if self.num_heads_upsample == -1 else self.num_heads_upsample
        for where, ch, heads in (
            [(f"the attention at {self.image_size >> lv}×{self.image_size >> lv}",
              int(self.mult()[lv] * self.num_channels), None) for lv in levels]
            + [("the middle block's attention", deepest, None)]
        ):
            if self.num_head_channels != -1:
                if ch % self.num_head_channels:
                    raise UnsupportedConfig(
                        f"{ch} channels ({where}) are not divisible by --num_head_channels "
                        f"{self.num_head_channels} (guided-diffusion asserts this in AttentionBlock)")
                continue
            # --num_heads: guided-diffusion builds the model but its attention cannot split the
            # channels into heads at run time.
            for name, n in (("--num_heads", self.num_heads),
                            ("--num_heads_upsample", heads_up if "middle" not in where else None)):
                if n is not None and (n < 1 or ch % n):
                    raise UnsupportedConfig(
                        f"{ch} channels ({where}) cannot be split into {name} {n} heads")

    def schedule(self) -> dict:
        """The manifest schedule: guided-diffusion's linear betas (scaled for T ≠ 1000) or its
        cosine schedule (Nichol & Dhariwal: ᾱ(t) = cos²((t/T + s)/(1 + s)·π/2), s = 0.008,
        β clipped at 0.999)."""
        if self.noise_schedule == "cosine":
            return {"kind": "cosine", "T": self.diffusion_steps, "s": 0.008, "maxBeta": 0.999}
        scale = 1000 / self.diffusion_steps
        return {"kind": "linear", "T": self.diffusion_steps,
                "betaStart": round(scale * 1e-4, 12), "betaEnd": round(scale * 0.02, 12)}

    def to_dict(self) -> dict:
        d = asdict(self)
        d["channel_mult"] = list(self.mult())
        d["attention_resolutions"] = list(self.attention_resolutions)
        return d


def cosine_betas(T: int, s: float = 0.008, max_beta: float = 0.999) -> List[float]:
    """guided-diffusion's betas_for_alpha_bar with the cosine ᾱ (float64)."""
    def abar(u: float) -> float:
        return math.cos((u + s) / (1 + s) * math.pi / 2) ** 2
    return [min(1 - abar((i + 1) / T) / abar(i / T), max_beta) for i in range(T)]


# The published checkpoints (guided-diffusion's README) and their flags.
_ADM_256 = dict(image_size=256, num_channels=256, num_res_blocks=2, attention_resolutions=(32, 16, 8),
                num_head_channels=64, use_scale_shift_norm=True, resblock_updown=True, learn_sigma=True,
                diffusion_steps=1000, noise_schedule="linear", use_fp16=True)
PRESETS: Dict[str, GuidedConfig] = {
    "256x256_diffusion_uncond": GuidedConfig(**_ADM_256),
    "lsun_bedroom": GuidedConfig(**_ADM_256, dropout=0.1),
    "lsun_cat": GuidedConfig(**_ADM_256, dropout=0.1),
    "lsun_horse": GuidedConfig(**_ADM_256, dropout=0.1),
    "lsun_horse_nodropout": GuidedConfig(**_ADM_256),
    "64x64_diffusion": GuidedConfig(
        image_size=64, num_channels=192, num_res_blocks=3, attention_resolutions=(32, 16, 8),
        num_head_channels=64, use_new_attention_order=True, class_cond=True, dropout=0.1,
        learn_sigma=True, noise_schedule="cosine", diffusion_steps=1000, resblock_updown=True,
        use_scale_shift_norm=True, use_fp16=True),
    "128x128_diffusion": GuidedConfig(
        image_size=128, num_channels=256, num_res_blocks=2, attention_resolutions=(32, 16, 8),
        num_heads=4, num_head_channels=-1, class_cond=True, learn_sigma=True,
        noise_schedule="linear", diffusion_steps=1000, resblock_updown=True,
        use_scale_shift_norm=True, use_fp16=True),
    "256x256_diffusion": GuidedConfig(**_ADM_256, class_cond=True),
    "512x512_diffusion": GuidedConfig(**{**_ADM_256, "image_size": 512, "use_fp16": False},
                                      class_cond=True),
}
PRESET_TITLES = {
    "256x256_diffusion_uncond": "ImageNet 256×256, unconditional",
    "lsun_bedroom": "LSUN bedroom 256×256",
    "lsun_cat": "LSUN cat 256×256",
    "lsun_horse": "LSUN horse 256×256",
    "lsun_horse_nodropout": "LSUN horse 256×256 (no dropout)",
    "64x64_diffusion": "ImageNet 64×64, class-conditional",
    "128x128_diffusion": "ImageNet 128×128, class-conditional",
    "256x256_diffusion": "ImageNet 256×256, class-conditional",
    "512x512_diffusion": "ImageNet 512×512, class-conditional",
}
REFUSED_PRESETS = {
    "64_256_upsampler": "a super-resolution model (it takes a low-resolution image as well)",
    "128_512_upsampler": "a super-resolution model (it takes a low-resolution image as well)",
}


def _bool(v: str) -> bool:
    s = v.strip().lower()
    if s in ("true", "1", "yes"):
        return True
    if s in ("false", "0", "no"):
        return False
    raise argparse.ArgumentTypeError(f"expected True or False, got '{v}'")


def _ints(v: str) -> Tuple[int, ...]:
    try:
        return tuple(int(x) for x in v.split(",") if x.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got '{v}'") from None


def _floats(v: str) -> Tuple[float, ...]:
    try:
        return tuple(float(x) for x in v.split(",") if x.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers, got '{v}'") from None


# flag name → (type, help); both --num_channels and --num-channels are accepted.
FLAGS: Dict[str, tuple] = {
    "image_size": (int, "image side in pixels"),
    "num_channels": (int, "base channel count (model_channels)"),
    "num_res_blocks": (int, "residual blocks per level"),
    "channel_mult": (_floats, "channel multipliers per level, e.g. 1,1,2,2,4,4 (default: by image size)"),
    "attention_resolutions": (_ints, "resolutions with self-attention, e.g. 32,16,8"),
    "num_heads": (int, "attention heads (when --num_head_channels is -1)"),
    "num_head_channels": (int, "channels per attention head (-1: use --num_heads)"),
    "num_heads_upsample": (int, "heads in the decoder (-1: as --num_heads)"),
    "use_scale_shift_norm": (_bool, "True/False"),
    "resblock_updown": (_bool, "True/False: residual blocks for up/down-sampling"),
    "learn_sigma": (_bool, "True/False: 2×channels output (noise and variance)"),
    "class_cond": (_bool, "True/False: class-conditional (label_emb; the ONNX gets int64 input y)"),
    "use_new_attention_order": (_bool, "True/False: split q, k, v before heads (QKVAttention)"),
    "dropout": (float, "training dropout (no effect on inference)"),
    "diffusion_steps": (int, "T of the schedule"),
    "noise_schedule": (str, "linear or cosine"),
    "use_fp16": (_bool, "how it was trained (no effect on the export dtype)"),
}


def add_flags(ap: argparse.ArgumentParser) -> None:
    g = ap.add_argument_group("model flags (guided-diffusion's names; override the --config preset)")
    for name, (typ, help_) in FLAGS.items():
        g.add_argument(f"--{name}", f"--{name.replace('_', '-')}", dest=name, type=typ, default=None,
                       help=help_)


def resolve(preset: Optional[str], overrides: Dict[str, object]) -> GuidedConfig:
    """The preset (or the defaults of the 256×256 model) with the flags given on top; checked."""
    if preset in REFUSED_PRESETS:
        raise UnsupportedConfig(f"{preset} is not supported: it is {REFUSED_PRESETS[preset]}")
    if preset is not None and preset not in PRESETS:
        raise UnsupportedConfig(
            f"unknown --config '{preset}'; known: {', '.join(PRESETS)} (or give the model flags)")
    base = asdict(PRESETS[preset or "256x256_diffusion_uncond"])
    for k, v in overrides.items():
        if v is not None:
            base[k] = v
    cfg = GuidedConfig(**base)
    cfg.check()
    return cfg


def flags_of(args: argparse.Namespace) -> Dict[str, object]:
    return {k: getattr(args, k, None) for k in FLAGS}


def describe(cfg: GuidedConfig) -> List[str]:
    """guided-diffusion's MODEL_FLAGS for this configuration (for the manifest and messages)."""
    out = []
    for k in FLAGS:
        v = cfg.mult() if k == "channel_mult" else getattr(cfg, k)
        if isinstance(v, tuple):
            v = ",".join(str(int(x) if float(x).is_integer() else x) for x in v)
        out.append(f"--{k} {v}")
    return out
