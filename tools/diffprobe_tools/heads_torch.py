"""The browser's probe-head training, in PyTorch, on the same features (parity and bench).

    cd tools
    python3 -m diffprobe_tools.heads_torch --features DIR --config config.json [--out result.json]

DIR holds ``trainX.npy`` [n, d] float32, ``trainY.npy`` [n] integers, ``testX.npy``,
``testY.npy``. ``config.json`` is ``{"spec": HeadSpec, "train": TrainConfig, "classes": K}`` in
the app's own format (src/core/heads/spec.ts, optim.ts); linear and MLP heads are supported.
The recipe is the app's (workers/heads/train.ts): optional standardisation with the training
set's mean and population std (std < 1e-6 → 1), PyTorch's default layer init, a seeded epoch
order, minibatches of ``batchSize`` (last one partial), SGD (momentum, L2 weight decay) or Adam
(L2 weight decay), the learning rate set per epoch (constant, StepLR, cosine). Prints JSON
``{testAcc, trainLoss, epochs, msPerEpoch, msPerEpochSteady, threads}``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from typing import Any, Dict

import numpy as np
import torch
from torch import nn


def lr_at(cfg: Dict[str, Any], epoch: int) -> float:
    s = cfg["schedule"]
    if s["kind"] == "step":
        return cfg["lr"] * s["gamma"] ** (epoch // s["every"])
    if s["kind"] == "cosine":
        return cfg["lr"] * (1 + math.cos(math.pi * epoch / max(1, cfg["epochs"]))) / 2
    return cfg["lr"]


def build_head(spec: Dict[str, Any], d: int, classes: int) -> nn.Module:
    if spec["kind"] == "linear":
        return nn.Linear(d, classes)
    if spec["kind"] == "mlp":
        layers = []
        for h in spec["hidden"]:
            layers += [nn.Linear(d, h), nn.ReLU()]
            d = h
        return nn.Sequential(*layers, nn.Linear(d, classes))
    raise ValueError(f"heads_torch trains linear and MLP heads, not {spec['kind']}")


def standardise(train: np.ndarray, test: np.ndarray):
    mean = train.mean(axis=0, dtype=np.float64)
    std = train.std(axis=0, dtype=np.float64)
    std[std <= 1e-6] = 1.0
    return (
        ((train - mean) / std).astype(np.float32),
        ((test - mean) / std).astype(np.float32),
    )


def train_head(
    train_x: np.ndarray,
    train_y: np.ndarray,
    test_x: np.ndarray,
    test_y: np.ndarray,
    spec: Dict[str, Any],
    cfg: Dict[str, Any],
    classes: int,
) -> Dict[str, Any]:
    torch.manual_seed(cfg["seed"])
    if cfg["standardize"]:
        train_x, test_x = standardise(train_x, test_x)
    xt = torch.from_numpy(np.ascontiguousarray(train_x, dtype=np.float32))
    yt = torch.from_numpy(train_y.astype(np.int64))
    xs = torch.from_numpy(np.ascontiguousarray(test_x, dtype=np.float32))
    ys = torch.from_numpy(test_y.astype(np.int64))
    model = build_head(spec, xt.shape[1], classes)
    if cfg["optimizer"] == "sgd":
        opt = torch.optim.SGD(
            model.parameters(), lr=cfg["lr"], momentum=cfg["momentum"], weight_decay=cfg["weightDecay"]
        )
    else:
        opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"], weight_decay=cfg["weightDecay"])
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(cfg["seed"] + 1)
    n = xt.shape[0]
    bs = cfg["batchSize"]
    epoch_ms = []
    train_loss = float("nan")
    for epoch in range(cfg["epochs"]):
        for g in opt.param_groups:
            g["lr"] = lr_at(cfg, epoch)
        t0 = time.perf_counter()
        order = torch.randperm(n, generator=gen)
        total = 0.0
        model.train()
        for s in range(0, n, bs):
            idx = order[s : s + bs]
            opt.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        epoch_ms.append((time.perf_counter() - t0) * 1000)
        train_loss = total / n
    model.eval()
    with torch.no_grad():
        pred = model(xs).argmax(dim=1)
    return {
        "testAcc": float((pred == ys).float().mean().item()),
        "trainLoss": train_loss,
        "epochs": cfg["epochs"],
        "msPerEpoch": float(np.mean(epoch_ms)) if epoch_ms else 0.0,
        # Without the first epoch (warm-up), as the bench compares steady epochs.
        "msPerEpochSteady": float(np.mean(epoch_ms[1:])) if len(epoch_ms) > 1 else 0.0,
        "threads": torch.get_num_threads(),
    }


def run(features: str, config: Dict[str, Any]) -> Dict[str, Any]:
    load = lambda name: np.load(os.path.join(features, name))  # noqa: E731
    return train_head(
        load("trainX.npy"),
        load("trainY.npy"),
        load("testX.npy"),
        load("testY.npy"),
        config["spec"],
        config["train"],
        int(config["classes"]),
    )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--features", required=True)
    ap.add_argument("--config", required=True, help="a JSON file, or '-' for stdin")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: PyTorch's default)")
    ap.add_argument("--out")
    args = ap.parse_args(argv)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    text = sys.stdin.read() if args.config == "-" else open(args.config).read()
    result = run(args.features, json.loads(text))
    out = json.dumps(result)
    if args.out:
        with open(args.out, "w") as f:
            f.write(out + "\n")
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
