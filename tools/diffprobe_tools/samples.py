"""Draw DDIM samples from the EMA model as one PNG grid (the "it still generates" evidence).

    cd tools
    python3 -m diffprobe_tools.samples --checkpoint checkpoints/fmnist-adm-s/checkpoint.pt \\
        --out ../public/models/fmnist-adm-s/samples.png
    python3 -m diffprobe_tools.samples --checkpoint … --steps 5 --n 16 --out /tmp/s.png   # quick try

``--n`` (64) samples, deterministic DDIM (η = 0) over ``--steps`` (50) evenly spaced timesteps,
starting noise from torch.Generator seeded with ``--seed``; the samples are written as a square
grid of 32×32 tiles (values [-1, 1] → 0..255, 2-px black gutters), 8-bit greyscale PNG.
"""

from __future__ import annotations

import argparse
import math
import os
import time

import numpy as np
import torch

from .diffusion import Schedule
from .png import encode_grey
from .weights import load_model


def to_grid(x: torch.Tensor, gutter: int = 2) -> np.ndarray:
    """[N, 1, H, W] in [-1, 1] → uint8 grid, ceil(sqrt(N)) columns."""
    n, _, h, w = x.shape
    cols = int(math.ceil(math.sqrt(n)))
    rows = int(math.ceil(n / cols))
    img = ((x[:, 0].clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).numpy()
    grid = np.zeros((rows * h + (rows + 1) * gutter, cols * w + (cols + 1) * gutter), dtype=np.uint8)
    for i in range(n):
        r, c = divmod(i, cols)
        y0, x0 = gutter + r * (h + gutter), gutter + c * (w + gutter)
        grid[y0:y0 + h, x0:x0 + w] = img[i]
    return grid


def sample(model, n: int, steps: int, seed: int) -> torch.Tensor:
    cfg = model.cfg
    sched = Schedule()
    g = torch.Generator().manual_seed(seed)
    x, _ = sched.ddim_sample(lambda xt, t: model(xt, t), (n, cfg.in_channels, cfg.image_size, cfg.image_size),
                             steps=steps, generator=g)
    return x


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint")
    src.add_argument("--random", action="store_true")
    ap.add_argument("--out", default="../public/models/fmnist-adm-s/samples.png")
    ap.add_argument("--n", type=int, default=64)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    model, ck = load_model(args.checkpoint, args.random)
    t0 = time.time()
    with torch.no_grad():
        x = sample(model.eval(), args.n, args.steps, args.seed)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "wb") as f:
        f.write(encode_grey(to_grid(x)))
    step = "random weights" if ck is None else f"EMA step {int(ck.get('step', 0))}"
    print(f"wrote {args.out}: {args.n} samples, DDIM {args.steps} steps, seed {args.seed}, {step}, "
          f"{time.time() - t0:.0f}s")


if __name__ == "__main__":
    main()
