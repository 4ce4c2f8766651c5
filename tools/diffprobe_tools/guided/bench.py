"""The paper model's numbers for ``npm run bench`` (one JSON line on stdout).

    python3 -m diffprobe_tools.guided bench --describe            # blocks, FLOPs, parameters (meta)
    python3 -m diffprobe_tools.guided bench --time --width 256    # PyTorch seconds per image

Timing builds the 256×256 model at ``--width`` base channels (256 is the published model; fewer
channels give a reduced-width copy with the same 37 blocks) with random weights, which do not
change the speed, and times one batch-1 forward pass that returns every block, after one warm-up
pass unless ``--no-warmup``. ``--device cuda`` times on a GPU when torch has one.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Optional

import torch

from .config import resolve
from ..export import block_entries
from .manifest import flops_per_block
from .model import build


def describe(width: int) -> dict:
    cfg = resolve("256x256_diffusion_uncond", {"num_channels": width})
    model = build(cfg, meta=True)
    total, upto = flops_per_block(cfg)
    return {"width": width, "parameters": sum(p.numel() for p in model.parameters()),
            "flops": int(total), "blocks": block_entries(model, upto),
            "image": {"size": cfg.image_size, "channels": cfg.in_channels}}


def time_forward(width: int, device: str, warmup: bool) -> dict:
    cfg = resolve("256x256_diffusion_uncond", {"num_channels": width})
    t0 = time.perf_counter()
    torch.manual_seed(0)
    model = build(cfg).to(device)
    built = time.perf_counter() - t0
    x = torch.randn(1, 3, cfg.image_size, cfg.image_size, device=device)
    t = torch.full((1,), 90.0, device=device)

    def once() -> float:
        start = time.perf_counter()
        model.forward_blocks(x, t)
        if device == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - start

    with torch.no_grad():
        first = once() if warmup else None
        seconds = once()
    return {"width": width, "device": device, "torch": torch.__version__,
            "threads": torch.get_num_threads(), "parameters": sum(p.numel() for p in model.parameters()),
            "buildSeconds": round(built, 2), "warmupSeconds": first, "secondsPerImage": seconds}


def main(argv: Optional[list] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m diffprobe_tools.guided bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--describe", action="store_true")
    ap.add_argument("--time", action="store_true")
    ap.add_argument("--width", type=int, default=256)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--no-warmup", action="store_true")
    args = ap.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    out: dict = {}
    if args.describe:
        out["model"] = describe(args.width)
    if args.time:
        out["timing"] = time_forward(args.width, args.device, not args.no_warmup)
    print(json.dumps(out))
    return 0
