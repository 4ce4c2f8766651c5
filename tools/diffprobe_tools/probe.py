"""Linear-probe table of the diffusion U-Net: accuracy per (block, t, pool), and raw pixels.

    cd tools
    python3 -m diffprobe_tools.probe --checkpoint checkpoints/fmnist-adm-s/checkpoint.pt \\
        --out-json ../public/models/fmnist-adm-s/probe.json --out-md ../public/models/fmnist-adm-s/probe.md
    python3 -m diffprobe_tools.probe --checkpoint … --n-train 500 --n-test 500 --ts 90,300   # quick try

The paper's protocol on Fashion-MNIST: for ``--n-train`` training images (class-balanced,
deterministic: per class the first of a RandomState(seed) permutation) and ``--n-test`` test
images (all 10,000 by default), at each t in ``--ts`` noise every image once (noise from a
generator seeded by (seed, split, t)), run ONE forward pass, and adaptive-average-pool every
block to p×p for p in ``--pools``. Then per (block, t, p): standardise with the training
features' mean and std, fit multinomial logistic regression by full-batch L-BFGS (``--dtype``,
float32 by default; ``--iters`` iterations, L2 ``--l2`` on the weights), report test accuracy. The same probe on
raw clean pixels (32×32 = 1024 dims) is the baseline. Output: JSON
``{table: [{block, t, pool, acc}], pixels, best, margin, nTrain, nTest, seconds, …}`` and a
Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Dict, List, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from .data import CLASSES, load_split, to_model_input
from .diffusion import Schedule
from .ortnode import pooled2_features
from .weights import load_model, training_record


def balanced_subset(labels: np.ndarray, n: int, seed: int) -> np.ndarray:
    """``n`` indices, n/10 per class (the first of a seeded permutation of each class), sorted.
    Returns every index when ``n`` ≥ len(labels)."""
    if n >= len(labels):
        return np.arange(len(labels))
    classes = np.unique(labels)
    per, extra = divmod(n, len(classes))
    rs = np.random.RandomState(seed)
    out = []
    for k, c in enumerate(classes):
        idx = rs.permutation(np.flatnonzero(labels == c))
        out.append(idx[: per + (1 if k < extra else 0)])
    return np.sort(np.concatenate(out))


def noise_for(split: str, t: int, n: int, seed: int) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed * 1_000_003 + t * 2 + (0 if split == "train" else 1))
    return torch.randn((n, 1, 32, 32), generator=g)


@torch.no_grad()
def block_features(model, x0: torch.Tensor, t: int, noise: torch.Tensor, batch: int) -> List[torch.Tensor]:
    """Every block's output pooled to 2×2: a list (per block) of float32 [N, C, 2, 2]."""
    sched = Schedule()
    out: List[List[torch.Tensor]] = [[] for _ in model.blocks]
    for i in range(0, x0.shape[0], batch):
        xb = x0[i:i + batch]
        tt = torch.full((xb.shape[0],), t, dtype=torch.long)
        xt = sched.q_sample(xb, tt, noise[i:i + batch])
        _, feats = model.forward_blocks(xt, tt.float())
        for k, f in enumerate(feats):
            out[k].append(F.adaptive_avg_pool2d(f, 2))
    return [torch.cat(o) for o in out]


def onnx_block_features(onnx_path: str, model, x0: torch.Tensor, t: int, noise: torch.Tensor,
                        threads: int) -> List[torch.Tensor]:
    """As ``block_features``, with the forward passes run by onnxruntime-node on the exported model."""
    sched = Schedule()
    tt = torch.full((x0.shape[0],), t, dtype=torch.long)
    xt = sched.q_sample(x0, tt, noise).numpy()
    outputs = [b.output for b in model.blocks]
    feats = torch.from_numpy(pooled2_features(onnx_path, xt, t, outputs, threads=threads))
    out, start = [], 0
    for b in model.blocks:
        out.append(feats[:, start:start + b.channels])
        start += b.channels
    return out


def pooled(f2: torch.Tensor, p: int) -> torch.Tensor:
    """[N, C, 2, 2] → [N, C·p·p]. p = 1 is the mean of the 2×2 cells (exact for even H, W)."""
    if p == 2:
        return f2.flatten(1)
    if p == 1:
        return f2.mean(dim=(2, 3))
    raise ValueError("pools are 1 or 2")


def fit_probe(xtr: torch.Tensor, ytr: torch.Tensor, xte: torch.Tensor, yte: torch.Tensor,
              n_classes: int = 10, l2: float = 1e-3, iters: int = 100,
              dtype: torch.dtype = torch.float32) -> float:
    """Standardise with train stats, fit softmax regression by L-BFGS, return test accuracy."""
    xtr, xte = xtr.to(dtype), xte.to(dtype)
    mu, sd = xtr.mean(0), xtr.std(0).clamp_min(1e-6)
    xtr, xte = (xtr - mu) / sd, (xte - mu) / sd
    w = torch.zeros(xtr.shape[1], n_classes, dtype=dtype, requires_grad=True)
    b = torch.zeros(n_classes, dtype=dtype, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1.0, max_iter=iters, max_eval=int(iters * 1.5), history_size=20,
                            tolerance_grad=1e-9, tolerance_change=1e-12, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(xtr @ w + b, ytr) + 0.5 * l2 * (w * w).sum()
        loss.backward()
        return loss

    opt.step(closure)
    with torch.no_grad():
        return float(((xte @ w + b).argmax(1) == yte).double().mean())


def markdown(result: dict, blocks, ts: Sequence[int], pools: Sequence[int]) -> str:
    acc = {(r["block"], r["t"], r["pool"]): r["acc"] for r in result["table"]}
    lines = [f"# Linear probe: {result['model']}", "",
             f"Fashion-MNIST, {result['nTrain']} train / {result['nTest']} test images; multinomial logistic "
             f"regression (L-BFGS, {result['iters']} iterations, {result['dtype']}, L2 {result['l2']}) on standardised, "
             f"adaptive-average-pooled block features. Raw pixels: **{100 * result['pixels']:.2f}%**. "
             f"Best: block {result['best']['block']}, t={result['best']['t']}, pool {result['best']['pool']}: "
             f"**{100 * result['best']['acc']:.2f}%** (margin over pixels {100 * result['margin']:+.2f} points).", ""]
    for p in pools:
        lines += [f"## pool {p}×{p}", "",
                  "| block | stage | C×H×W | " + " | ".join(f"t={t}" for t in ts) + " |",
                  "|---:|---|---|" + "---:|" * len(ts)]
        for b in blocks:
            cells = [f"{100 * acc[(b.index, t, p)]:.2f}" for t in ts]
            lines.append(f"| {b.index} | {b.stage} | {b.channels}×{b.height}×{b.width} | " + " | ".join(cells) + " |")
        lines.append("")
    lines.append(f"{result['seconds']:.0f} s on {result['hardware']}.")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", help="checkpoint.pt (its EMA weights are probed)")
    src.add_argument("--random", action="store_true", help="probe the seeded random-weight model")
    ap.add_argument("--n-train", type=int, default=10_000)
    ap.add_argument("--n-test", type=int, default=10_000)
    ap.add_argument("--ts", default="10,50,90,150,300")
    ap.add_argument("--pools", default="1,2")
    ap.add_argument("--batch", type=int, default=200)
    ap.add_argument("--l2", type=float, default=1e-3)
    ap.add_argument("--iters", type=int, default=100)
    ap.add_argument("--dtype", choices=["float32", "float64"], default="float32", help="of the probe fits")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out-json", default="probe.json")
    ap.add_argument("--out-md", default="probe.md")
    ap.add_argument("--quality-out", help="also write a compact summary for export's --quality")
    ap.add_argument("--onnx", help="extract features with onnxruntime-node from this exported model (the same "
                    "weights as --checkpoint; several times faster than PyTorch on the CPU)")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    ts = [int(t) for t in args.ts.split(",")]
    pools = [int(p) for p in args.pools.split(",")]
    start = time.time()

    model, ck = load_model(args.checkpoint, args.random)
    xtr_u8, ytr_np = load_split("train")
    xte_u8, yte_np = load_split("test")
    itr = balanced_subset(ytr_np, args.n_train, args.seed)
    ite = balanced_subset(yte_np, args.n_test, args.seed + 1)
    xtr, xte = to_model_input(xtr_u8[itr]), to_model_input(xte_u8[ite])
    ytr, yte = torch.from_numpy(ytr_np[itr]), torch.from_numpy(yte_np[ite])

    dtype = getattr(torch, args.dtype)
    pixels = fit_probe(xtr.flatten(1), ytr, xte.flatten(1), yte, len(CLASSES), args.l2, args.iters, dtype)
    print(f"pixels: {100 * pixels:.2f}%", flush=True)
    table: List[Dict] = []
    for t in ts:
        t0 = time.time()
        if args.onnx:
            ftr = onnx_block_features(args.onnx, model, xtr, t, noise_for("train", t, len(itr), args.seed), args.threads)
            fte = onnx_block_features(args.onnx, model, xte, t, noise_for("test", t, len(ite), args.seed), args.threads)
        else:
            ftr = block_features(model, xtr, t, noise_for("train", t, len(itr), args.seed), args.batch)
            fte = block_features(model, xte, t, noise_for("test", t, len(ite), args.seed), args.batch)
        t1 = time.time()
        for b, a, c in zip(model.blocks, ftr, fte):
            for p in pools:
                acc = fit_probe(pooled(a, p), ytr, pooled(c, p), yte, len(CLASSES), args.l2, args.iters, dtype)
                table.append({"block": b.index, "t": t, "pool": p, "acc": round(acc, 5)})
        row = " ".join(f"{r['acc'] * 100:.1f}" for r in table if r["t"] == t and r["pool"] == pools[0])
        print(f"t={t}: features {t1 - t0:.0f}s, probes {time.time() - t1:.0f}s; pool {pools[0]} by block: {row}",
              flush=True)
        del ftr, fte

    best = max(table, key=lambda r: r["acc"])
    result = {
        "model": "random weights" if ck is None else f"EMA weights, step {int(ck.get('step', 0))}",
        "training": training_record(args.checkpoint, ck),
        "table": table,
        "pixels": round(pixels, 5),
        "best": best,
        "margin": round(best["acc"] - pixels, 5),
        "nTrain": int(len(itr)),
        "nTest": int(len(ite)),
        "ts": ts,
        "pools": pools,
        "l2": args.l2,
        "iters": args.iters,
        "dtype": args.dtype,
        "seed": args.seed,
        "seconds": round(time.time() - start, 1),
        "hardware": f"CPU, {torch.get_num_threads()} threads",
    }
    with open(args.out_json, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    with open(args.out_md, "w") as f:
        f.write(markdown(result, model.blocks, ts, pools))
    if args.quality_out:
        summary = {k: result[k] for k in ("pixels", "best", "margin", "nTrain", "nTest", "ts", "pools", "table")}
        summary["protocol"] = ("multinomial logistic regression on standardised adaptive-average-pooled block "
                               "features, one noising per image and t; Fashion-MNIST test accuracy")
        with open(args.quality_out, "w") as f:
            json.dump({"linearProbe": summary}, f, indent=1)
            f.write("\n")
    print(f"best block {best['block']} t={best['t']} pool {best['pool']}: {100 * best['acc']:.2f}% "
          f"(pixels {100 * pixels:.2f}%, margin {100 * result['margin']:+.2f}); {result['seconds']:.0f}s → "
          f"{args.out_json}, {args.out_md}")


if __name__ == "__main__":
    main()
