"""A tiny ONNX model and its PyTorch reference outputs, for the browser foundation test.

    cd tools
    python3 -m diffprobe_tools.tiny --out ../public/selftest

Graph (opset 17, dynamic batch): ``x`` float32 [B, 1, 8, 8] → conv3×3 (1→4, pad 1) + ReLU →
``h1`` [B, 4, 8, 8] → conv3×3 (4→4, stride 2, pad 1) + ReLU → ``h2`` [B, 4, 4, 4] → global
average → Linear(4→3) → ``y`` [B, 3]. Weights from seed 0. ``reference.json`` holds a
deterministic input (B = 2, x[i] = sin(0.37·i + 0.1) for the flattened index i) and the
PyTorch outputs, each as {shape, data (flattened, row-major)}.
"""

from __future__ import annotations

import argparse
import warnings
import json
import math
import os

import torch
from torch import nn

from .export import OPSET, sha256_file

SEED = 0


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 4, 3, stride=2, padding=1)
        self.fc = nn.Linear(4, 3)

    def forward(self, x: torch.Tensor):
        h1 = torch.relu(self.conv1(x))
        h2 = torch.relu(self.conv2(h1))
        y = self.fc(h2.mean(dim=(2, 3)))
        return y, h1, h2


def tiny_model(seed: int = SEED) -> Tiny:
    torch.manual_seed(seed)
    return Tiny().eval()


def reference_input(batch: int = 2) -> torch.Tensor:
    n = batch * 64
    vals = [math.sin(0.37 * i + 0.1) for i in range(n)]
    return torch.tensor(vals, dtype=torch.float32).reshape(batch, 1, 8, 8)


def write(out_dir: str) -> dict:
    os.makedirs(out_dir, exist_ok=True)
    model = tiny_model()
    path = os.path.join(out_dir, "model.onnx")
    x = reference_input()
    names = ["y", "h1", "h2"]
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer chatter about shape arithmetic
        torch.onnx.export(model, (x,), path, input_names=["x"], output_names=names,
                          dynamic_axes={n: {0: "batch"} for n in ["x"] + names},
                          opset_version=OPSET, do_constant_folding=True)
        y, h1, h2 = model(x)
    import onnx

    onnx.checker.check_model(onnx.load(path))

    def enc(t: torch.Tensor) -> dict:
        return {"shape": list(t.shape), "data": [float(v) for v in t.flatten().tolist()]}

    ref = {
        "description": "diffprobe self-test model: conv3x3(1→4)+ReLU → h1, conv3x3(4→4, s2)+ReLU → h2, "
                       "global average + Linear(4→3) → y. Outputs computed by PyTorch (float32).",
        "model": "model.onnx",
        "sha256": sha256_file(path),
        "opset": OPSET,
        "inputs": {"x": enc(x)},
        "outputs": {"h1": enc(h1), "h2": enc(h2), "y": enc(y)},
        "tolerance": 1e-4,
        "generator": f"diffprobe_tools.tiny (torch {torch.__version__}, seed {SEED})",
    }
    with open(os.path.join(out_dir, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1)
        f.write("\n")
    return ref


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="../public/selftest")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    ref = write(args.out)
    print(f"wrote {args.out}/model.onnx (sha256 {ref['sha256'][:12]}…) and reference.json")


if __name__ == "__main__":
    main()
