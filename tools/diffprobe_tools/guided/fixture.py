"""The browser tests' converted guided-diffusion model: a 4-channel, 64×64 copy of the 256×256
ADM (the same 37 blocks), random weights, converted by ``convert-guided-diffusion`` with float16
weights in an external data file, plus PyTorch's outputs for one input.

    cd tools && python3 -m diffprobe_tools.guided fixture --out ../test/fixtures/guided-tiny
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
from typing import Optional

import torch

from ..export import write_json
from .config import resolve
from .convert import convert_state_dict
from .random_weights import REDUCED_256, random_state_dict

TINY = {**REDUCED_256, "image_size": 64, "num_channels": 4, "num_head_channels": 4,
        "attention_resolutions": (8, 4, 2), "narrow_groupnorm": True}
SEED = 7


def pattern(size: int, channels: int) -> torch.Tensor:
    """The reference input: x[c, i, j] = 0.9·sin(0.3·i + 0.17·j + c), in [-1, 1]."""
    i = torch.arange(size, dtype=torch.float32)[:, None]
    j = torch.arange(size, dtype=torch.float32)[None, :]
    return torch.stack([0.9 * torch.sin(0.3 * i + 0.17 * j + c) for c in range(channels)])[None]


def main(argv: Optional[list] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m diffprobe_tools.guided fixture")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    cfg = resolve("256x256_diffusion_uncond", TINY)
    sd = random_state_dict(cfg, SEED)
    digest = hashlib.sha256()
    for k in sorted(sd):
        digest.update(k.encode())
        digest.update(sd[k].numpy().tobytes())
    model, man = convert_state_dict(
        sd, cfg, args.out, fp16=True, model_id="adm-tiny-fixture", external_mb=0,
        source=f"random weights (diffprobe_tools.guided.fixture, seed {SEED})", preset=None,
        sd_sha256=digest.hexdigest())
    x = pattern(cfg.image_size, cfg.in_channels)
    t = torch.tensor([90.0])
    # The reference is the float16-rounded weights' model, what the ONNX file holds.
    model.load_state_dict({k: v.half().float() for k, v in model.state_dict().items()})
    with torch.no_grad():
        eps, feats = model.forward_blocks(x, t)
    outs = {"eps": eps[:, : cfg.in_channels]}
    outs.update({b.output: f for b, f in zip(model.blocks, feats)})
    ref = {"input": {"formula": "0.9*sin(0.3*i + 0.17*j + c)", "t": 90},
           "outputs": {n: {"shape": list(v.shape), "mean": float(v.mean()),
                           "absMean": float(v.abs().mean()), "first": [float(a) for a in v.flatten()[:4]]}
                       for n, v in outs.items()}}
    assert all(math.isfinite(o["mean"]) for o in ref["outputs"].values())
    write_json(os.path.join(args.out, "reference.json"), ref)
    print(f"wrote {args.out}: {man['bytes']} + {man['externalData'][0]['bytes']} bytes, {len(man['blocks'])} blocks")
    return 0
