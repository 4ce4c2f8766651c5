"""A small supervised ResNet on Fashion-MNIST: the reference model for CKA comparisons.

    cd tools
    python3 -m diffprobe_tools.classifier --measure            # time a few steps, estimate an epoch
    python3 -m diffprobe_tools.classifier --epochs 3           # train (resumable), test, export
    python3 -m diffprobe_tools.classifier --export-only        # re-export the finished checkpoint

Input as for the U-Net: [B, 1, 32, 32] in [-1, 1] (28×28 padded with −1). A stem conv, then
three stages of two basic residual blocks (widths ``--widths``, 32/16/8 px), global average
pool, Linear → 10 logits. Training: SGD with Nesterov momentum, one-cycle LR, horizontal flips;
the checkpoint ``<run>/checkpoint.pt`` is written every ``--save-every`` seconds and at each
epoch end, and running the same command again resumes from it. The ONNX model
(``<out>/model.onnx``) has outputs ``logits`` then ``layer_1`` (stem) … ``layer_7`` (each
residual block); ``<out>/manifest.json`` is a manifest of kind ``classifier``.
"""

from __future__ import annotations

import argparse
import warnings
import json
import os
import platform
import signal
import time
from typing import List, Sequence

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

from .data import CLASSES, load_split, to_model_input
from .export import OPSET, check_manifest, sha256_file, write_json
from .flops import count_flops

MODEL_ID = "fmnist-resnet-s"


class BasicBlock(nn.Module):
    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut: nn.Module = nn.Identity()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.relu(self.bn1(self.conv1(x)))
        h = self.bn2(self.conv2(h))
        return F.relu(h + self.shortcut(x))


class ResNetS(nn.Module):
    """stem → stages of ``blocks_per_stage`` BasicBlocks → global average pool → Linear."""

    def __init__(self, widths: Sequence[int] = (32, 64, 128), blocks_per_stage: int = 2,
                 num_classes: int = 10, in_channels: int = 1, image_size: int = 32):
        super().__init__()
        self.widths = list(widths)
        self.blocks_per_stage = blocks_per_stage
        self.image_size = image_size
        self.stem = nn.Sequential(nn.Conv2d(in_channels, widths[0], 3, 1, 1, bias=False),
                                  nn.BatchNorm2d(widths[0]), nn.ReLU(inplace=False))
        layers: List[nn.Module] = []
        cin = widths[0]
        for s, w in enumerate(widths):
            for i in range(blocks_per_stage):
                layers.append(BasicBlock(cin, w, 2 if (s > 0 and i == 0) else 1))
                cin = w
        self.layers = nn.ModuleList(layers)
        self.fc = nn.Linear(cin, num_classes)

    def forward_layers(self, x: torch.Tensor):
        """(logits, [stem output, every residual block's output])."""
        h = self.stem(x)
        feats = [h]
        for layer in self.layers:
            h = layer(h)
            feats.append(h)
        return self.fc(h.mean(dim=(2, 3))), feats

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.forward_layers(x)[0]

    def describe(self) -> List[dict]:
        """name, module, channels, size of every exported layer."""
        out = [{"module": "stem", "channels": self.widths[0], "size": self.image_size}]
        size = self.image_size
        for s, w in enumerate(self.widths):
            for i in range(self.blocks_per_stage):
                if s > 0 and i == 0:
                    size //= 2
                out.append({"module": f"layers.{s * self.blocks_per_stage + i}", "channels": w, "size": size})
        for i, d in enumerate(out):
            d["output"] = f"layer_{i + 1}"
        return out


class _LayersWrapper(nn.Module):
    def __init__(self, model: ResNetS):
        super().__init__()
        self.model = model

    def forward(self, x):
        logits, feats = self.model.forward_layers(x)
        return (logits, *feats)


def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch: int = 500) -> float:
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, x.shape[0], batch):
            correct += int((model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum())
    return correct / x.shape[0]


def lr_at(step: int, total: int, peak: float, warm_frac: float = 0.15) -> float:
    """One-cycle: linear warm-up to ``peak`` then cosine down to ~0."""
    warm = max(1, int(total * warm_frac))
    if step < warm:
        return peak * (0.1 + 0.9 * step / warm)
    p = (step - warm) / max(1, total - warm)
    return peak * 0.5 * (1 + np.cos(np.pi * min(1.0, p)))


def epoch_order(seed: int, epoch: int, n: int) -> torch.Tensor:
    return torch.randperm(n, generator=torch.Generator().manual_seed(seed * 1000 + epoch))


def export_classifier(model: ResNetS, out_dir: str, quality: dict, training: dict) -> dict:
    """Write ``model.onnx`` (outputs logits, layer_1…) and ``manifest.json``; return the manifest."""
    os.makedirs(out_dir, exist_ok=True)
    model = model.eval()
    path = os.path.join(out_dir, "model.onnx")
    layers = model.describe()
    names = ["logits"] + [d["output"] for d in layers]
    x = torch.zeros(2, 1, model.image_size, model.image_size)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer chatter about shape arithmetic
        torch.onnx.export(_LayersWrapper(model).eval(), (x,), path + ".tmp", input_names=["x"], output_names=names,
                          dynamic_axes={n: {0: "batch"} for n in ["x"] + names}, opset_version=OPSET,
                          do_constant_folding=True)
    os.replace(path + ".tmp", path)
    import onnx

    onnx.checker.check_model(onnx.load(path))
    x1 = torch.zeros(1, 1, model.image_size, model.image_size)
    mods = [model.stem] + list(model.layers)
    total, upto = count_flops(model, lambda: model.forward_layers(x1), mods)
    blocks = [{"index": i + 1, "stage": "layer", "channels": d["channels"], "height": d["size"],
               "width": d["size"], "output": d["output"], "module": d["module"], "flopsUpTo": int(f)}
              for i, (d, f) in enumerate(zip(layers, upto))]
    params = sum(p.numel() for p in model.parameters())
    man = {
        "schemaVersion": 1,
        "id": MODEL_ID,
        "title": f"Fashion-MNIST ResNet (small, supervised, {params / 1e6:.2f}M parameters)",
        "description": ("A small supervised ResNet trained on Fashion-MNIST labels: a reference for "
                        "comparing the diffusion U-Net's blocks with a classifier's layers (CKA)."),
        "kind": "classifier",
        "license": "MIT",
        "provenance": (f"Trained from scratch by diffprobe's tools/ (diffprobe_tools.classifier, torch "
                       f"{torch.__version__}, ONNX opset {OPSET}) on Fashion-MNIST train."),
        "file": "model.onnx",
        "sha256": sha256_file(path),
        "bytes": os.path.getsize(path),
        "dtype": "float32",
        "image": {"size": model.image_size, "channels": 1, "range": [-1, 1], "normalization": "x/127.5 - 1",
                  "pad": "28×28 padded to 32×32 with -1 (background)"},
        "inputs": {"x": "x"},
        "outputs": {"logits": "logits"},
        "blocks": blocks,
        "parameters": params,
        "flops": int(total),
        "classes": list(CLASSES),
        "architecture": {"type": "ResNet (basic blocks)", "widths": model.widths,
                         "blocksPerStage": model.blocks_per_stage, "numClasses": model.fc.out_features,
                         "norm": "BatchNorm", "pool": "global average"},
        "training": training,
        "quality": quality,
    }
    check_manifest(man)
    write_json(os.path.join(out_dir, "manifest.json"), man)
    return man


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", default=f"checkpoints/{MODEL_ID}")
    ap.add_argument("--out", default=f"../public/models/{MODEL_ID}")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=0.2)
    ap.add_argument("--wd", type=float, default=5e-4)
    ap.add_argument("--widths", default="16,32,64")
    ap.add_argument("--blocks-per-stage", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--save-every", type=float, default=120.0, help="seconds")
    ap.add_argument("--measure", action="store_true", help="time 10 training steps and exit")
    ap.add_argument("--export-only", action="store_true", help="export the finished checkpoint")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    widths = [int(w) for w in args.widths.split(",")]

    torch.manual_seed(args.seed)
    model = ResNetS(widths, args.blocks_per_stage)
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, nesterov=True, weight_decay=args.wd)
    xtr_u8, ytr = load_split("train")
    xte_u8, yte = load_split("test")
    xtr, xte = to_model_input(xtr_u8), to_model_input(xte_u8)
    ytr, yte = torch.from_numpy(ytr), torch.from_numpy(yte)
    n = xtr.shape[0]
    steps_per_epoch = n // args.batch
    total = steps_per_epoch * args.epochs

    if args.measure:
        model.train()
        times = []
        for i in range(12):
            t0 = time.time()
            idx = torch.randint(0, n, (args.batch,))
            loss = F.cross_entropy(model(xtr[idx]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            times.append(time.time() - t0)
        per = float(np.median(times[2:]))
        print(f"{per:.3f} s/step at batch {args.batch}; epoch ≈ {per * steps_per_epoch / 60:.1f} min "
              f"({steps_per_epoch} steps), {sum(p.numel() for p in model.parameters())} parameters")
        return

    os.makedirs(args.run, exist_ok=True)
    ckpt = os.path.join(args.run, "checkpoint.pt")
    step, wall, losses, done, test_acc = 0, 0.0, [], False, None
    if os.path.exists(ckpt):
        ck = torch.load(ckpt, map_location="cpu")
        if ck["args"]["widths"] != widths or ck["args"]["epochs"] != args.epochs or ck["args"]["batch"] != args.batch:
            raise SystemExit(f"{ckpt} was made with other settings {ck['args']}; use another --run")
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, wall, losses, done, test_acc = ck["step"], ck["wall"], ck["losses"], ck["done"], ck.get("testAccuracy")
        print(f"resumed at step {step}/{total} ({wall / 60:.1f} min so far)")

    def save() -> None:
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step, "wall": wall,
                    "losses": losses, "done": done, "testAccuracy": test_acc,
                    "args": {"widths": widths, "epochs": args.epochs, "batch": args.batch, "lr": args.lr,
                             "wd": args.wd, "blocks_per_stage": args.blocks_per_stage, "seed": args.seed}},
                   ckpt + ".tmp")
        os.replace(ckpt + ".tmp", ckpt)

    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__("now", True))
    signal.signal(signal.SIGINT, lambda *_: stop.__setitem__("now", True))
    last_save = time.time()
    if not args.export_only:
        while step < total and not stop["now"]:
            epoch, k = divmod(step, steps_per_epoch)
            order = epoch_order(args.seed, epoch, n)
            model.train()
            t0 = time.time()
            idx = order[k * args.batch:(k + 1) * args.batch]
            xb = xtr[idx]
            flip = torch.rand(xb.shape[0], generator=torch.Generator().manual_seed(step)) < 0.5
            xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
            for g in opt.param_groups:
                g["lr"] = lr_at(step, total, args.lr)
            loss = F.cross_entropy(model(xb), ytr[idx], label_smoothing=0.05)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            losses.append(float(loss))
            wall += time.time() - t0
            if step % 50 == 0:
                print(f"epoch {epoch + 1} step {step}/{total} loss {np.mean(losses[-50:]):.4f} "
                      f"{wall / 60:.1f} min", flush=True)
            if step % steps_per_epoch == 0 or time.time() - last_save > args.save_every:
                save()
                last_save = time.time()
        if step >= total and not done:
            t0 = time.time()
            test_acc = evaluate(model, xte, yte)
            wall += time.time() - t0
            done = True
        save()
        if not done:
            print(f"stopped at step {step}/{total}; run again to resume")
            return
    if not done:
        raise SystemExit("training has not finished; run without --export-only first")
    print(f"test accuracy {test_acc:.4f} after {step} steps, {wall / 60:.1f} min training")
    quality = {"testAccuracy": round(test_acc, 4), "testSet": "Fashion-MNIST test (10,000 images)"}
    training = {"data": "Fashion-MNIST train (60,000 images), 28×28 padded to 32×32, [-1, 1]",
                "objective": "cross-entropy (label smoothing 0.05), horizontal flips",
                "optimizer": f"SGD Nesterov momentum 0.9, one-cycle LR peak {args.lr}, weight decay {args.wd}",
                "epochs": args.epochs, "batch": args.batch, "steps": step, "wallSeconds": round(wall, 1),
                "finalLoss": round(float(np.mean(losses[-200:])), 5),
                "hardware": f"CPU {platform.machine()}, {torch.get_num_threads()} threads"}
    man = export_classifier(model, args.out, quality, training)
    print(f"wrote {args.out}/model.onnx ({man['bytes'] / 1e6:.2f} MB), {len(man['blocks'])} layers")


if __name__ == "__main__":
    main()
