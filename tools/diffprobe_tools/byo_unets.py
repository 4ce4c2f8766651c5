"""Tiny U-Nets written the way people write their own, exported to ONNX, for the tests of
structure-based block proposal (src/core/onnx/structure.ts): none of them uses guided-diffusion's
or diffusers' module names.

    cd tools
    python3 -m diffprobe_tools.byo_unets --out ../test/fixtures/byo-unets

Each model takes ``x`` float32 [B, 1, 16, 16] and ``t`` float32 [B] and returns ``eps``
[B, 1, 16, 16]; weights from seed 0, 4–8 channels, a few kB each.

- ``inp-mid-out.onnx``: ``inp.N`` (stem conv, residual blocks, strided-conv downsamples, every
  output kept for a skip), ``mid``, ``out.N`` (each concatenates one skip; some upsample), ``head``.
- ``downs-ups.onnx`` (lucidrains-style): ``init_conv``, ``downs.N`` = [res, res, downsample (a
  plain conv on the last level)] with a skip after each res, ``mid_block1``/``mid_block2``,
  ``ups.N`` = [res, res, upsample (a plain conv on the last level)] each res concatenating a skip, ``final_res_block`` (concatenating the stem's output), ``final_conv``.
- ``encoder-decoder.onnx``: ``encoder.N`` blocks that return (downsampled, skip), ``bottleneck``,
  ``decoder.N`` (upsample, concatenate, conv), ``to_eps``.
- ``no-paths.onnx``: ``inp-mid-out`` with every node and tensor renamed to ``<Op>_<i>`` / a
  number, as old exporters (and some tools) write them: no module paths at all.
"""

from __future__ import annotations

import argparse
import os
import warnings

import onnx
import torch
import torch.nn.functional as F
from torch import nn

from .export import OPSET

SEED = 0
SIZE = 16


class TimeEmbed(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.lin = nn.Linear(2, c)

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        f = t[:, None] / 1000.0
        return F.silu(self.lin(torch.cat([torch.sin(f), torch.cos(f)], dim=1)))


class Res(nn.Module):
    """conv-relu-conv with the time embedding added and a residual (1×1 when channels change)."""

    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.emb = nn.Linear(8, cout)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, emb):
        h = torch.relu(self.conv1(x)) + self.emb(emb)[:, :, None, None]
        return self.skip(x) + self.conv2(h)


class Down(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, stride=2, padding=1)

    def forward(self, x, emb=None):
        return self.conv(x)


class Up(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x, emb=None):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class Same(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x, emb=None):
        return self.conv(x)


class Stem(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.conv = nn.Conv2d(1, c, 3, padding=1)

    def forward(self, x, emb=None):
        return self.conv(x)


class InpMidOut(nn.Module):
    """inp.0 stem, inp.1 res, inp.2 down, inp.3 res, inp.4 down, inp.5 res | mid | out.0..5."""

    def __init__(self, c: int = 8):
        super().__init__()
        self.time = TimeEmbed(8)
        self.inp = nn.ModuleList([Stem(c), Res(c, c), Down(c), Res(c, c), Down(c), Res(c, c)])
        self.mid = Res(c, c)
        self.out = nn.ModuleList(
            [OutBlock(c, up=i in (1, 3)) for i in range(6)]
        )
        self.head = nn.Conv2d(c, 1, 3, padding=1)

    def forward(self, x, t):
        emb = self.time(t)
        hs = []
        h = x
        for m in self.inp:
            h = m(h, emb)
            hs.append(h)
        h = self.mid(h, emb)
        for m in self.out:
            h = m(torch.cat([h, hs.pop()], dim=1), emb)
        return self.head(torch.relu(h))


class OutBlock(nn.Module):
    def __init__(self, c: int, up: bool):
        super().__init__()
        self.res = Res(2 * c, c)
        self.up = Up(c) if up else None

    def forward(self, x, emb):
        h = self.res(x, emb)
        return self.up(h) if self.up is not None else h


class DownsUps(nn.Module):
    """lucidrains-style: lists of [res, res, resample] per level; a skip after every res."""

    def __init__(self, c: int = 4):
        super().__init__()
        self.time = TimeEmbed(8)
        self.init_conv = nn.Conv2d(1, c, 3, padding=1)
        # As in lucidrains' denoising-diffusion-pytorch: the last level keeps its resolution.
        self.downs = nn.ModuleList(
            [nn.ModuleList([Res(c, c), Res(c, c), Down(c) if i == 0 else Same(c)]) for i in range(2)]
        )
        self.mid_block1 = Res(c, c)
        self.mid_block2 = Res(c, c)
        self.ups = nn.ModuleList(
            [nn.ModuleList([Res(2 * c, c), Res(2 * c, c), Up(c) if i == 0 else Same(c)]) for i in range(2)]
        )
        self.final_res_block = Res(2 * c, c)
        self.final_conv = nn.Conv2d(c, 1, 1)

    def forward(self, x, t):
        emb = self.time(t)
        x = self.init_conv(x)
        r = x
        hs = []
        for block1, block2, down in self.downs:
            x = block1(x, emb)
            hs.append(x)
            x = block2(x, emb)
            hs.append(x)
            x = down(x)
        x = self.mid_block2(self.mid_block1(x, emb), emb)
        for block1, block2, up in self.ups:
            x = block1(torch.cat([x, hs.pop()], dim=1), emb)
            x = block2(torch.cat([x, hs.pop()], dim=1), emb)
            x = up(x)
        x = self.final_res_block(torch.cat([x, r], dim=1), emb)
        return self.final_conv(x)


class EncBlock(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.res = Res(cin, cout)
        self.pool = nn.AvgPool2d(2)

    def forward(self, x, emb):
        s = self.res(x, emb)
        return self.pool(s), s


class DecBlock(nn.Module):
    def __init__(self, cin: int, cskip: int, cout: int):
        super().__init__()
        self.res = Res(cin + cskip, cout)

    def forward(self, x, skip, emb):
        x = F.interpolate(x, scale_factor=2.0, mode="nearest")
        return self.res(torch.cat([x, skip], dim=1), emb)


class EncoderDecoder(nn.Module):
    """Skips taken before each pool, inside the encoder block (which returns two tensors)."""

    def __init__(self):
        super().__init__()
        self.time = TimeEmbed(8)
        self.encoder = nn.ModuleList([EncBlock(1, 4), EncBlock(4, 8)])
        self.bottleneck = Res(8, 8)
        self.decoder = nn.ModuleList([DecBlock(8, 8, 8), DecBlock(8, 4, 4)])
        self.to_eps = nn.Conv2d(4, 1, 1)

    def forward(self, x, t):
        emb = self.time(t)
        skips = []
        for m in self.encoder:
            x, s = m(x, emb)
            skips.append(s)
        x = self.bottleneck(x, emb)
        for m in self.decoder:
            x = m(x, skips.pop(), emb)
        return self.to_eps(x)


MODELS = {
    "inp-mid-out": InpMidOut,
    "downs-ups": DownsUps,
    "encoder-decoder": EncoderDecoder,
}


def export(model: nn.Module, path: str) -> None:
    model.eval()
    x = torch.zeros(1, 1, SIZE, SIZE)
    t = torch.zeros(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            (x, t),
            path,
            input_names=["x", "t"],
            output_names=["eps"],
            opset_version=OPSET,
            dynamic_axes={"x": {0: "batch"}, "t": {0: "batch"}, "eps": {0: "batch"}},
            do_constant_folding=True,
        )


def strip_paths(src: str, dst: str) -> None:
    """Renames every node to <Op>_<i> and every inner tensor to a number: no module paths."""
    m = onnx.load(src)
    g = m.graph
    keep = {i.name for i in g.input} | {o.name for o in g.output}
    init = {i.name for i in g.initializer}
    names = {}

    def rename(n: str) -> str:
        if n == "" or n in keep:
            return n
        if n not in names:
            names[n] = ("w" if n in init else "") + str(len(names) + 1)
        return names[n]

    for t in g.initializer:
        t.name = rename(t.name)
    for i, node in enumerate(g.node):
        node.name = f"{node.op_type}_{i}"
        node.input[:] = [rename(x) for x in node.input]
        node.output[:] = [rename(x) for x in node.output]
    for vi in g.value_info:
        vi.name = rename(vi.name)
    onnx.checker.check_model(m)
    onnx.save(m, dst)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m diffprobe_tools.byo_unets")
    ap.add_argument("--out", default="../test/fixtures/byo-unets")
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    for name, cls in MODELS.items():
        torch.manual_seed(SEED)
        export(cls(), os.path.join(a.out, f"{name}.onnx"))
    strip_paths(os.path.join(a.out, "inp-mid-out.onnx"), os.path.join(a.out, "no-paths.onnx"))
    for f in sorted(os.listdir(a.out)):
        print(f, os.path.getsize(os.path.join(a.out, f)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
