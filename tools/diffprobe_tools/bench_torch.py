"""PyTorch CPU timing of the default U-Net, for `npm run bench` (prints one JSON line).

    python3 -m diffprobe_tools.bench_torch --batches 1,32 --seconds 3

Weights do not change the speed, so a fresh model of the default configuration is timed:
images per second for one forward pass that returns every block.
"""

from __future__ import annotations

import argparse
import json
import time

import torch

from .presets import default_config
from .unet import UNetModel


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--batches", default="1,32")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    model = UNetModel(default_config()).eval()
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "results": []}
    with torch.no_grad():
        for b in [int(s) for s in args.batches.split(",")]:
            x = torch.randn(b, 1, 32, 32)
            t = torch.full((b,), 90.0)
            for _ in range(3):
                model.forward_blocks(x, t)
            n, start = 0, time.perf_counter()
            while time.perf_counter() - start < args.seconds or n < 3:
                model.forward_blocks(x, t)
                n += 1
            dt = (time.perf_counter() - start) / n
            out["results"].append({"batch": b, "msPerBatch": dt * 1000, "imagesPerSecond": b / dt})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
