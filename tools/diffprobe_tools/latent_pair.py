"""A tiny latent-diffusion pair for the tests of latent inputs: an image → latent encoder and a
U-Net on its latents, exported to ONNX with a manifest that names the encoder.

    cd tools
    python3 -m diffprobe_tools.latent_pair --out ../test/fixtures/latent-pair

- ``encoder.onnx``: ``image`` float32 [B, 3, 32, 32] in [-1, 1] → ``latent`` [B, 4, 16, 16]
  (a 3×3 conv, SiLU, a stride-2 3×3 conv): the VAE encoder's role, not its quality.
- ``model.onnx``: ``x`` float32 [B, 4, 16, 16] (scaled latents) and ``t`` float32 [B] → ``eps``
  and the 13 blocks (6 encoder, middle, 6 decoder) as graph outputs ``block_1`` … ``block_13``,
  with the module names of byo_unets' ``inp-mid-out`` model (``inp.N``, ``mid``, ``out.N``).
- ``manifest.json``: the U-Net's manifest with ``encoder`` (file, sha256, bytes, input, output,
  scale, latent channels and size). The app and the CLI feed ``scale × encoder(image)`` as x0.

Weights from seed 0; a few tens of kB together.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import warnings

import torch
from torch import nn

from .byo_unets import OutBlock, Res, Down, TimeEmbed
from .export import OPSET

SEED = 0
IMAGE = 32
LATENT = 16
LATENT_CHANNELS = 4
SCALE = 0.5


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv_in = nn.Conv2d(3, 8, 3, padding=1)
        self.down = nn.Conv2d(8, LATENT_CHANNELS, 3, stride=2, padding=1)

    def forward(self, image):
        return self.down(torch.nn.functional.silu(self.conv_in(image)))


class LatentUNet(nn.Module):
    """inp.0 stem, inp.1 res, inp.2 down, inp.3 res, inp.4 down, inp.5 res | mid | out.0..5."""

    def __init__(self, c: int = 8):
        super().__init__()
        self.time = TimeEmbed(8)
        self.inp = nn.ModuleList(
            [nn.Conv2d(LATENT_CHANNELS, c, 3, padding=1), Res(c, c), Down(c), Res(c, c), Down(c),
             Res(c, c)]
        )
        self.mid = Res(c, c)
        self.out = nn.ModuleList([OutBlock(c, up=i in (1, 3)) for i in range(6)])
        self.head = nn.Conv2d(c, LATENT_CHANNELS, 3, padding=1)

    def forward(self, x, t):
        emb = self.time(t)
        hs = []
        h = x
        for i, m in enumerate(self.inp):
            h = m(h) if i == 0 else m(h, emb)
            hs.append(h)
        blocks = list(hs)
        h = self.mid(h, emb)
        blocks.append(h)
        for m in self.out:
            h = m(torch.cat([h, hs.pop()], dim=1), emb)
            blocks.append(h)
        return (self.head(torch.relu(h)), *blocks)


def sha256(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def export(model: nn.Module, args: tuple, path: str, inputs: list, outputs: list) -> None:
    model.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model, args, path, input_names=inputs, output_names=outputs, opset_version=OPSET,
            dynamic_axes={n: {0: "batch"} for n in inputs + outputs}, do_constant_folding=True,
        )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m diffprobe_tools.latent_pair")
    ap.add_argument("--out", default="../test/fixtures/latent-pair")
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    torch.manual_seed(SEED)
    enc = Encoder()
    unet = LatentUNet()
    enc_path = os.path.join(a.out, "encoder.onnx")
    unet_path = os.path.join(a.out, "model.onnx")
    export(enc, (torch.zeros(1, 3, IMAGE, IMAGE),), enc_path, ["image"], ["latent"])
    names = [f"block_{i + 1}" for i in range(13)]
    x = torch.zeros(1, LATENT_CHANNELS, LATENT, LATENT)
    export(unet, (x, torch.zeros(1)), unet_path, ["x", "t"], ["eps", *names])
    with torch.no_grad():
        shapes = [tuple(b.shape[1:]) for b in unet(x, torch.zeros(1))[1:]]
    modules = [f"inp.{i}" for i in range(6)] + ["mid"] + [f"out.{i}" for i in range(6)]
    blocks = []
    for i, ((c, h, w), mod) in enumerate(zip(shapes, modules)):
        n = i + 1
        stage = "encoder" if n <= 6 else "middle" if n == 7 else "decoder"
        b = {"index": n, "stage": stage, "channels": c, "height": h, "width": w,
             "output": names[i], "module": mod}
        if stage != "middle":
            b["mirror"] = 14 - n
        blocks.append(b)
    manifest = {
        "schemaVersion": 1,
        "id": "latent-pair-tiny",
        "title": "Tiny latent U-Net with its encoder (test fixture)",
        "description": "A 4-channel latent U-Net (13 blocks) and a stride-2 conv encoder from "
                       "32×32 RGB to 4×16×16 latents; random weights (seed 0), for tests.",
        "kind": "diffusion",
        "license": "MIT",
        "provenance": "diffprobe_tools.latent_pair (random weights, seed 0; torch "
                      f"{torch.__version__}, ONNX opset {OPSET}).",
        "file": "model.onnx",
        "sha256": sha256(unet_path),
        "bytes": os.path.getsize(unet_path),
        "dtype": "float32",
        "image": {"size": IMAGE, "channels": 3, "range": [-1, 1], "normalization": "x/127.5 - 1"},
        "encoder": {
            "file": "encoder.onnx",
            "sha256": sha256(enc_path),
            "bytes": os.path.getsize(enc_path),
            "input": "image",
            "output": "latent",
            "scale": SCALE,
            "latent": {"channels": LATENT_CHANNELS, "size": LATENT},
        },
        "inputs": {"x": "x", "t": "t", "tDtype": "float32"},
        "outputs": {"eps": "eps"},
        "schedule": {"kind": "linear", "T": 1000, "betaStart": 0.0001, "betaEnd": 0.02},
        "blocks": blocks,
        "parameters": sum(p.numel() for p in unet.parameters()),
    }
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    for f in sorted(os.listdir(a.out)):
        print(f, os.path.getsize(os.path.join(a.out, f)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
