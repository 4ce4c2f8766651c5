"""guided-diffusion model configurations: the published presets and the flags that describe them.

The names are guided-diffusion's own (``--num_channels``, ``--attention_resolutions`` …), so a
model's published ``MODEL_FLAGS`` line can be pasted. Only what diffprobe can run is accepted:
unconditional models with the linear schedule; anything else is refused with the reason.
"""

from __future__ import annotations

import argparse
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

    def check(self) -> None:
        """Raise UnsupportedConfig when diffprobe cannot convert or run this configuration."""
        if self.class_cond:
            raise UnsupportedConfig(
                "class-conditional models (--class_cond True) are not supported: diffprobe probes "
                "unconditional U-Nets (the paper's model is 256x256_diffusion_uncond.pt)")
        if self.noise_schedule != "linear":
            raise UnsupportedConfig(
                f"noise schedule '{self.noise_schedule}' is not supported: the app's schedules are "
                "linear (the paper's), so noised images would not match what the model was trained on")
        if self.use_new_attention_order:
            raise UnsupportedConfig(
                "--use_new_attention_order True is not supported (guided-diffusion's released "
                "models use the legacy order)")
        if (self.num_head_channels == -1 and self.num_heads_upsample not in (-1, self.num_heads)):
            raise UnsupportedConfig(
                "--num_heads_upsample different from --num_heads is not supported")
        if self.num_res_blocks < 1:
            raise UnsupportedConfig("--num_res_blocks must be at least 1")
        if self.diffusion_steps < 1:
            raise UnsupportedConfig("--diffusion_steps must be at least 1")
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
            if ch % min(32, ch):
                raise UnsupportedConfig(f"{ch} channels cannot be split into GroupNorm's 32 groups")
            if self.num_head_channels != -1 and ch % self.num_head_channels:
                raise UnsupportedConfig(
                    f"{ch} channels are not divisible by --num_head_channels {self.num_head_channels}")

    def schedule(self) -> dict:
        """The manifest schedule: guided-diffusion's linear betas, scaled for T ≠ 1000."""
        scale = 1000 / self.diffusion_steps
        return {"kind": "linear", "T": self.diffusion_steps,
                "betaStart": round(scale * 1e-4, 12), "betaEnd": round(scale * 0.02, 12)}

    def to_dict(self) -> dict:
        d = asdict(self)
        d["channel_mult"] = list(self.mult())
        d["attention_resolutions"] = list(self.attention_resolutions)
        return d


# The published unconditional checkpoints (guided-diffusion's README) and their flags.
_ADM_256 = dict(image_size=256, num_channels=256, num_res_blocks=2, attention_resolutions=(32, 16, 8),
                num_head_channels=64, use_scale_shift_norm=True, resblock_updown=True, learn_sigma=True,
                diffusion_steps=1000, noise_schedule="linear", use_fp16=True)
PRESETS: Dict[str, GuidedConfig] = {
    "256x256_diffusion_uncond": GuidedConfig(**_ADM_256),
    "lsun_bedroom": GuidedConfig(**_ADM_256, dropout=0.1),
    "lsun_cat": GuidedConfig(**_ADM_256, dropout=0.1),
    "lsun_horse": GuidedConfig(**_ADM_256, dropout=0.1),
    "lsun_horse_nodropout": GuidedConfig(**_ADM_256),
}
PRESET_TITLES = {
    "256x256_diffusion_uncond": "ImageNet 256×256, unconditional",
    "lsun_bedroom": "LSUN bedroom 256×256",
    "lsun_cat": "LSUN cat 256×256",
    "lsun_horse": "LSUN horse 256×256",
    "lsun_horse_nodropout": "LSUN horse 256×256 (no dropout)",
}
REFUSED_PRESETS = {
    "64x64_diffusion": "class-conditional (--class_cond True)",
    "128x128_diffusion": "class-conditional (--class_cond True)",
    "256x256_diffusion": "class-conditional (--class_cond True); use 256x256_diffusion_uncond",
    "512x512_diffusion": "class-conditional (--class_cond True)",
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
    "class_cond": (_bool, "True is refused (unconditional models only)"),
    "use_new_attention_order": (_bool, "True is refused"),
    "dropout": (float, "training dropout (no effect on inference)"),
    "diffusion_steps": (int, "T of the schedule"),
    "noise_schedule": (str, "linear (cosine is refused)"),
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
