"""Seeded random-weight guided-diffusion state dicts, for tests, fixtures and benchmarks when the
real checkpoint is not at hand.

    python3 -m diffprobe_tools.guided random-checkpoint --config 256x256_diffusion_uncond --out r.pt

ADM zero-initialises the last conv of each residual branch, the attention projections and the
output conv; here they get PyTorch's ordinary init too, so every path carries signal. Weights are
scaled so that activations stay in a sensible range through 37 blocks.
"""

from __future__ import annotations

import argparse
import sys
from typing import Dict, Optional

import torch

from .config import GuidedConfig, UnsupportedConfig, add_flags, flags_of, resolve
from .model import build

# A reduced copy of the 256×256 model: the same 37 blocks, attention at the same depths
# (down-sampling factors 8, 16, 32), scale-shift norm, residual up/down-sampling, learned sigma.
REDUCED_256 = dict(image_size=32, num_channels=32, channel_mult=(1, 1, 2, 2, 4, 4),
                   attention_resolutions=(4, 2, 1), num_head_channels=16)


def reduced_config(**overrides) -> GuidedConfig:
    return resolve("256x256_diffusion_uncond", {**REDUCED_256, **overrides})


def random_state_dict(cfg: GuidedConfig, seed: int = 0) -> Dict[str, torch.Tensor]:
    torch.manual_seed(seed)
    model = build(cfg)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (torch.nn.Conv1d, torch.nn.Conv2d)) and not m.weight.any():
                m.reset_parameters()
            if isinstance(m, torch.nn.GroupNorm):  # not all-ones: a wrong affine would show
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    return {k: v.clone() for k, v in model.state_dict().items()}


def main(argv: Optional[list] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m diffprobe_tools.guided random-checkpoint")
    ap.add_argument("--config", default=None)
    ap.add_argument("--reduced", action="store_true", help="the reduced 32×32 copy of the 256 model")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", required=True)
    add_flags(ap)
    args = ap.parse_args(argv)
    try:
        flags = flags_of(args)
        if args.reduced:
            flags = {**REDUCED_256, **{k: v for k, v in flags.items() if v is not None}}
        cfg = resolve(args.config, flags)
    except UnsupportedConfig as err:
        print(f"random-checkpoint: {err}", file=sys.stderr)
        return 2
    torch.save(random_state_dict(cfg, args.seed), args.out)
    print(f"wrote {args.out} ({cfg.n_blocks()} blocks)")
    return 0
