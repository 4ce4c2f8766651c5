"""Parity fixtures for the app's tests: inputs, noise, q_sample, ε and block features.

    cd tools
    python3 -m diffprobe_tools.fixtures --checkpoint checkpoints/fmnist-adm-s/checkpoint.pt
    python3 -m diffprobe_tools.fixtures --random          # while the shipped model is the random one

Give the same weights the shipped ``model.onnx`` was exported from (``--checkpoint`` for the
EMA weights, or ``--random``); the ONNX model is run (onnxruntime-node) on the same inputs and
must agree with PyTorch to 1e-4, so fixtures can't silently belong to another model.

Written to ``--out`` (``../test/fixtures/parity/fmnist-adm-s``) as little-endian float32 ``.npy``:
  x0.npy         [8, 1, 32, 32]  the first test image of classes 0..7, model input format
  noise.npy      [8, 1, 32, 32]  torch.randn with torch.Generator().manual_seed(1234)
  xt_t{t}.npy    [8, 1, 32, 32]  q_sample(x0, t, noise) for t in 10, 90, 300
  eps_t{t}.npy   [8, 1, 32, 32]  the U-Net's predicted noise at (xt, t)
  pooled2_t{t}.npy [8, ΣC, 2, 2] every block adaptive-average-pooled to 2×2, concatenated along
                 channels in block order (offsets in index.json)
  block_{b}_t90.npy              the full outputs of an early block (4) and the middle block
``index.json`` lists every file (shape, dtype, meaning), the labels, the model's sha256 and id.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Dict, List

import numpy as np
import torch
import torch.nn.functional as F

from . import ortnode
from .data import CLASSES, load_split, to_model_input
from .diffusion import Schedule
from .export import sha256_file
from .onnx_check import rel_error
from .presets import DEFAULT_ID
from .weights import load_model

TIMESTEPS = (10, 90, 300)
NOISE_SEED = 1234
N_IMAGES = 8
FULL_T = 90
TOLERANCE = 1e-4


def first_of_each_class(labels: np.ndarray, n: int = N_IMAGES) -> List[int]:
    return [int(np.flatnonzero(labels == c)[0]) for c in range(n)]


def save_npy(path: str, arr: np.ndarray) -> None:
    np.save(path, np.ascontiguousarray(arr, dtype="<f4"), allow_pickle=False)


def build(model, model_dir: str, out_dir: str, full_blocks: List[int], verify: bool = True) -> dict:
    with open(os.path.join(model_dir, "manifest.json")) as f:
        manifest = json.load(f)
    onnx_path = os.path.join(model_dir, manifest["file"])
    sha = sha256_file(onnx_path)
    if sha != manifest["sha256"]:
        raise SystemExit(f"{onnx_path} does not match its manifest's sha256; re-export first")
    os.makedirs(out_dir, exist_ok=True)
    for old in os.listdir(out_dir):
        if old.endswith(".npy") or old == "index.json":
            os.remove(os.path.join(out_dir, old))

    images, labels = load_split("test")
    idx = first_of_each_class(labels)
    x0 = to_model_input(images[idx])
    noise = torch.randn((N_IMAGES, 1, 32, 32), generator=torch.Generator().manual_seed(NOISE_SEED))
    sched = Schedule()
    files: List[dict] = []

    def put(name: str, arr: np.ndarray, what: str) -> None:
        save_npy(os.path.join(out_dir, name), arr)
        files.append({"file": name, "shape": list(arr.shape), "dtype": "float32", "what": what})

    put("x0.npy", x0.numpy(), "x0: first test image of classes 0..7, uint8/127.5 − 1, padded to 32×32 with −1")
    put("noise.npy", noise.numpy(), f"ε: torch.randn([8,1,32,32], generator=torch.Generator().manual_seed({NOISE_SEED}))")

    pooled_layout, offset = [], 0
    for b in model.blocks:
        pooled_layout.append({"block": b.index, "output": b.output, "stage": b.stage,
                              "channelStart": offset, "channels": b.channels})
        offset += b.channels
    check: Dict[str, float] = {}
    coeffs = {}
    for t in TIMESTEPS:
        tt = torch.full((N_IMAGES,), t, dtype=torch.long)
        xt = sched.q_sample(x0, tt, noise)
        with torch.no_grad():
            eps, feats = model.forward_blocks(xt, tt.float())
        a = float(sched.abar[t])
        coeffs[str(t)] = {"abar": a, "sqrtAbar": a ** 0.5, "sqrtOneMinusAbar": (1 - a) ** 0.5}
        put(f"xt_t{t}.npy", xt.numpy(), f"x_t = sqrt(ᾱ_t)·x0 + sqrt(1−ᾱ_t)·ε at t={t} (coefficients from float64 ᾱ)")
        put(f"eps_t{t}.npy", eps.numpy(), f"predicted noise ε_θ(x_t, t={t}) (ONNX output 'eps')")
        pooled = torch.cat([F.adaptive_avg_pool2d(f, 2) for f in feats], dim=1)
        put(f"pooled2_t{t}.npy", pooled.numpy(),
            f"every block's output at t={t}, adaptive-average-pooled to 2×2, concatenated along channels "
            f"in block order (see pooled2.blocks)")
        if t == FULL_T:
            for bi in full_blocks:
                b = model.blocks[bi - 1]
                put(f"block_{bi}_t{t}.npy", feats[bi - 1].numpy(),
                    f"full output of block {bi} ({b.stage}, '{b.output}') at t={t}")
        if verify:
            got = ortnode.run_onnx(onnx_path, {manifest["inputs"]["x"]: xt.numpy(),
                                               manifest["inputs"]["t"]: tt.float().numpy()})
            check[f"eps_t{t}"] = rel_error(got[manifest["outputs"]["eps"]], eps.numpy())
            for b, f in zip(model.blocks, feats):
                check[f"{b.output}_t{t}"] = rel_error(got[b.output], f.numpy())
    if verify:
        worst = max(check.values())
        if not worst <= TOLERANCE:
            raise SystemExit(f"ONNX and PyTorch disagree (max relative error {worst:.3g}): "
                             f"are these the weights {onnx_path} was exported from?")

    index = {
        "description": "Parity fixtures for diffprobe's fmnist-adm-s U-Net, made by diffprobe_tools.fixtures "
                       "from the PyTorch model with the weights the ONNX file was exported from.",
        "model": {"id": manifest["id"], "file": manifest["file"], "sha256": sha, "bytes": os.path.getsize(onnx_path),
                  "provenance": manifest["provenance"], "trainingSteps": manifest.get("training", {}).get("steps")},
        "images": {"split": "test", "indices": idx, "labels": [int(labels[i]) for i in idx],
                   "classNames": [CLASSES[int(labels[i])] for i in idx],
                   "rule": "first image of each class 0..7 in the Fashion-MNIST test set"},
        "noise": {"seed": NOISE_SEED, "generator": "torch.Generator().manual_seed(1234); torch.randn([8,1,32,32])"},
        "timesteps": list(TIMESTEPS),
        "schedule": dict(sched.to_dict(), coefficients=coeffs),
        "pooled2": {"pool": 2, "layout": "[image, channel, 2, 2]; channels of all blocks concatenated in block order",
                    "totalChannels": offset, "blocks": pooled_layout},
        "fullBlocks": {"t": FULL_T, "blocks": full_blocks},
        "npy": "NumPy .npy v1, little-endian float32 ('<f4'), C order",
        "tolerance": {"relative": TOLERANCE, "definition": "max|a − b| / max|b|"},
        "onnxCheck": ({"runtime": "onnxruntime-node (CPU)", "maxRelError": max(check.values())} if verify else None),
        "files": files,
    }
    with open(os.path.join(out_dir, "index.json"), "w", encoding="utf-8") as f:
        json.dump(index, f, indent=1, ensure_ascii=False)
        f.write("\n")
    return index


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", help="the checkpoint model.onnx was exported from (EMA weights)")
    src.add_argument("--random", action="store_true", help="model.onnx was exported with --random")
    ap.add_argument("--model-dir", default=f"../public/models/{DEFAULT_ID}")
    ap.add_argument("--out", default=f"../test/fixtures/parity/{DEFAULT_ID}")
    ap.add_argument("--full-blocks", default="4,10", help="blocks stored at full size (t=90)")
    ap.add_argument("--no-verify", action="store_true", help="skip running the ONNX model")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    model, _ = load_model(args.checkpoint, args.random)
    index = build(model, args.model_dir, args.out, [int(b) for b in args.full_blocks.split(",")],
                  verify=not args.no_verify)
    total = sum(os.path.getsize(os.path.join(args.out, f["file"])) for f in index["files"])
    total += os.path.getsize(os.path.join(args.out, "index.json"))
    print(f"wrote {len(index['files'])} arrays + index.json to {args.out}: {total / 1e6:.2f} MB; "
          f"ONNX vs PyTorch max relative error {index['onnxCheck']['maxRelError'] if index['onnxCheck'] else 'n/a'}")


if __name__ == "__main__":
    main()
