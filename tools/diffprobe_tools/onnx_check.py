"""Check that an exported ONNX U-Net computes what the PyTorch model computes.

    cd tools
    python3 -m diffprobe_tools.onnx_check --random --model ../public/models/fmnist-adm-s/model.onnx
    python3 -m diffprobe_tools.onnx_check --checkpoint checkpoints/fmnist-adm-s/checkpoint.pt \\
        --model ../public/models/fmnist-adm-s/model.onnx

The ONNX graph runs in Node's onnxruntime-node (see ``ortnode``: nothing in this Python can run
ONNX). For every output (eps and all blocks) the relative error max|a − b| / max|b| must be
≤ ``--tol`` (1e-4). The batch size differs from the export's to exercise the dynamic axis.
Exit status 1 when any output fails.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Dict

import numpy as np
import torch

from . import ortnode
from .unet import UNetModel
from .weights import load_model

TOLERANCE = 1e-4


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """max |a − b| / max |b| (b is the reference)."""
    denom = float(np.max(np.abs(b)))
    diff = float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64))))
    return diff / denom if denom > 0 else diff


def compare(model: UNetModel, onnx_path: str, batch: int = 3, seed: int = 0,
            ts=(0.0, 90.0, 999.0)) -> Dict[str, float]:
    """Relative error of every output on seeded random input; ``{output name: error}``."""
    g = torch.Generator().manual_seed(seed)
    cfg = model.cfg
    x = torch.randn(batch, cfg.in_channels, cfg.image_size, cfg.image_size, generator=g).clamp(-3, 3)
    t = torch.tensor([ts[i % len(ts)] for i in range(batch)], dtype=torch.float32)
    with torch.no_grad():
        eps, feats = model.eval().forward_blocks(x, t)
    ref = {"eps": eps.numpy()}
    for b, f in zip(model.blocks, feats):
        ref[b.output] = f.numpy()
    got = ortnode.run_onnx(onnx_path, {"x": x.numpy(), "t": t.numpy()})
    errors = {}
    for name, r in ref.items():
        if name not in got:
            raise AssertionError(f"ONNX output {name} is missing (have {list(got)})")
        if got[name].shape != r.shape:
            raise AssertionError(f"{name}: ONNX shape {got[name].shape} vs PyTorch {r.shape}")
        errors[name] = rel_error(got[name], r)
    return errors


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint")
    src.add_argument("--random", action="store_true")
    ap.add_argument("--model", required=True, help="model.onnx to check")
    ap.add_argument("--batch", type=int, default=3)
    ap.add_argument("--tol", type=float, default=TOLERANCE)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    model, _ = load_model(args.checkpoint, args.random)
    errors = compare(model, args.model, batch=args.batch)
    worst = max(errors, key=errors.get)
    print(json.dumps({"runtime": "onnxruntime-node (via node)", "maxRelError": errors[worst],
                      "worst": worst, "errors": errors}, indent=1))
    bad = {k: v for k, v in errors.items() if not v <= args.tol}
    if bad:
        print(f"FAIL: {len(bad)} outputs above {args.tol}: {bad}", file=sys.stderr)
        sys.exit(1)
    print(f"OK: all {len(errors)} outputs within {args.tol}")


if __name__ == "__main__":
    main()
