"""Check a converted folder against the checkpoint it came from: one image through PyTorch and
through onnxruntime-node (``ortnode``), every chosen output compared.

    python3 -m diffprobe_tools.guided check 256x256_diffusion_uncond.pt \\
        --config 256x256_diffusion_uncond --model ../models/adm-256-uncond

The relative error max|onnx − torch| / max|torch| must be ≤ 1e-2 for float16 weights and ≤ 1e-4
for float32 (the manifest's dtype). Exit status 1 when an output is above.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Optional

import torch

from .. import ortnode
from ..onnx_check import rel_error
from .config import UnsupportedConfig, add_flags, flags_of, resolve
from .model import CheckpointMismatch, build, load_checkpoint, strict_load

TOLERANCE = {"float16": 1e-2, "float32": 1e-4}


def main(argv: Optional[list] = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m diffprobe_tools.guided check", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint")
    ap.add_argument("--config", default=None)
    ap.add_argument("--model", required=True, help="the converted folder")
    ap.add_argument("--outputs", default="eps,block_1,block_19,block_24,block_37")
    ap.add_argument("--threads", type=int, default=max(1, min(4, os.cpu_count() or 1)))
    add_flags(ap)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    try:
        cfg = resolve(args.config, flags_of(args))
        model = strict_load(build(cfg), load_checkpoint(args.checkpoint))
    except (UnsupportedConfig, CheckpointMismatch) as err:
        print(f"check: {err}", file=sys.stderr)
        return 2
    with open(os.path.join(args.model, "manifest.json")) as f:
        man = json.load(f)
    tol = TOLERANCE[man.get("dtype", "float32")]
    names = [n.strip() for n in args.outputs.split(",") if n.strip()]
    g = torch.Generator().manual_seed(0)
    x = torch.randn(1, cfg.in_channels, cfg.image_size, cfg.image_size, generator=g).clamp(-3, 3)
    t = torch.tensor([90.0])
    y = torch.tensor([cfg.num_classes // 2]) if cfg.class_cond else None  # any class: the same in both
    start = time.perf_counter()
    with torch.no_grad():
        eps, feats = model.forward_blocks(x, t, y=y)
    torch_s = time.perf_counter() - start
    ref = {"eps": eps[:, : cfg.in_channels].numpy()}
    ref.update({b.output: f.numpy() for b, f in zip(model.blocks, feats) if b.output in names})
    del model, feats
    start = time.perf_counter()
    feeds = {"x": x.numpy(), "t": t.numpy(), **({"y": y.numpy()} if y is not None else {})}
    got = ortnode.run_onnx(os.path.join(args.model, man["file"]), feeds, outputs=names, threads=args.threads)
    ort_s = time.perf_counter() - start
    errors = {n: rel_error(got[n], ref[n]) for n in names}
    print(json.dumps({"dtype": man.get("dtype"), "tolerance": tol, "errors": errors,
                      "torchSeconds": round(torch_s, 2), "onnxruntimeNodeSeconds": round(ort_s, 2)}))
    bad = {n: e for n, e in errors.items() if not e <= tol}
    if bad:
        print(f"FAIL: above {tol}: {bad}", file=sys.stderr)
        return 1
    print(f"OK: {len(errors)} outputs within {tol}")
    return 0
