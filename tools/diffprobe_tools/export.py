"""Export the diffusion U-Net to ONNX with every block as a graph output, plus its manifest.

    cd tools
    python3 -m diffprobe_tools.export --checkpoint checkpoints/fmnist-adm-s/checkpoint.pt \\
        --out ../public/models/fmnist-adm-s [--quality quality.json]
    python3 -m diffprobe_tools.export --random --out ../public/models/fmnist-adm-s

The graph (opset 17, dynamic batch) takes ``x`` float32 [B, 1, 32, 32] in [-1, 1] and ``t``
float32 [B] and returns ``eps`` then ``block_1`` … ``block_19`` (paper numbering: encoder,
middle, decoder). Weights are the checkpoint's EMA weights, or a seeded random init with
``--random``. ``manifest.json`` follows ``src/core/manifest/manifest.schema.json``.
"""

from __future__ import annotations

import argparse
import warnings
import contextlib
import hashlib
import json
import math
import os
from typing import List, Optional

import torch
from torch import nn

from .diffusion import Schedule
from .flops import count_flops
from .presets import DEFAULT_ID
from .unet import QKVAttention, UNetModel, count_parameters
from .weights import RANDOM_SEED, load_model, training_record

OPSET = 17


class BlocksWrapper(nn.Module):
    """forward(x, t) → (eps, block_1, …, block_n)."""

    def __init__(self, model: UNetModel):
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor, t: torch.Tensor):
        eps, feats = self.model.forward_blocks(x, t)
        return (eps, *feats)


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def block_modules(model: UNetModel) -> List[nn.Module]:
    return list(model.input_blocks) + [model.middle_block] + list(model.output_blocks)


def _qkv_attention_matmul(self: QKVAttention, qkv: torch.Tensor) -> torch.Tensor:
    """QKVAttention.forward with the two einsums written as batched matmuls (same math), so
    that the ONNX graph holds MatMul (fast on every onnxruntime-web backend) and no Einsum."""
    bs, width, length = qkv.shape
    ch = width // (3 * self.n_heads)
    q, k, v = qkv.reshape(bs * self.n_heads, ch * 3, length).split(ch, dim=1)
    scale = 1 / math.sqrt(math.sqrt(ch))
    weight = torch.matmul((q * scale).transpose(1, 2), k * scale)  # [b, t, s]
    weight = torch.softmax(weight.float(), dim=-1).type(weight.dtype)
    a = torch.matmul(v, weight.transpose(1, 2))  # [b, c, t]
    return a.reshape(bs, -1, length)


@contextlib.contextmanager
def matmul_attention():
    original = QKVAttention.forward
    QKVAttention.forward = _qkv_attention_matmul  # type: ignore[assignment]
    try:
        yield
    finally:
        QKVAttention.forward = original  # type: ignore[assignment]


def set_output_dims(m, shapes: dict) -> None:
    """In the ONNX model ``m``, name the batch axis ``batch`` and write the known C, H, W of every
    output listed in ``shapes`` (``None`` marks the batch axis)."""
    for o in m.graph.output:
        if o.name not in shapes:
            continue
        dims = o.type.tensor_type.shape.dim
        for i, v in enumerate(shapes[o.name]):
            dims[i].Clear()
            if v is None:
                dims[i].dim_param = "batch"
            else:
                dims[i].dim_value = v


def _static_output_shapes(path: str, shapes: dict) -> None:
    """``set_output_dims`` on the graph file at ``path`` (weights included), checked."""
    import onnx

    m = onnx.load(path)
    set_output_dims(m, shapes)
    onnx.checker.check_model(m)
    onnx.save(m, path)


def output_shapes(model: UNetModel, eps_channels: int) -> dict:
    """Every output's [batch, C, H, W]: ``eps`` with ``eps_channels`` channels, then the blocks."""
    cfg = model.cfg
    shapes = {"eps": [None, eps_channels, cfg.image_size, cfg.image_size]}
    for b in model.blocks:
        shapes[b.output] = [None, b.channels, b.height, b.width]
    return shapes


def torch_export(wrapper: nn.Module, model: UNetModel, path: str, batch: int) -> None:
    """torch.onnx.export of ``wrapper`` (forward(x, t) → eps, block_1 … block_N): opset 17,
    dynamic batch axis on every tensor, attention written as MatMul."""
    cfg = model.cfg
    x = torch.zeros(batch, cfg.in_channels, cfg.image_size, cfg.image_size)
    t = torch.full((batch,), 90.0)
    args: tuple = (x, t)
    inputs = ["x", "t"]
    if cfg.num_classes is not None:  # class-conditional: int64 labels y [B]
        args, inputs = (x, t, torch.zeros(batch, dtype=torch.long)), ["x", "t", "y"]
    names = ["eps"] + [b.output for b in model.blocks]
    dyn = {n: {0: "batch"} for n in inputs + names}
    with torch.no_grad(), warnings.catch_warnings(), matmul_attention():
        warnings.simplefilter("ignore")  # tracer chatter about shape arithmetic
        torch.onnx.export(
            wrapper.eval(), args, path,
            input_names=inputs, output_names=names, dynamic_axes=dyn,
            opset_version=OPSET, do_constant_folding=True,
        )


def export_onnx(model: UNetModel, path: str, batch: int = 2) -> None:
    """Write ``model`` to ``path`` as ONNX (opset 17, dynamic batch axis on every tensor)."""
    model = model.eval()
    cfg = model.cfg
    torch_export(BlocksWrapper(model), model, path, batch)
    eps_channels = cfg.out_channels * (2 if cfg.learn_sigma else 1)
    _static_output_shapes(path, output_shapes(model, eps_channels))


def mirror_of(index: int, stage: str, n_blocks: int) -> Optional[int]:
    """Decoder block b mirrors encoder block (n_blocks + 1) − b, and back; the middle has none."""
    return None if stage == "middle" else n_blocks + 1 - index


def block_entries(model: UNetModel, upto: List[float]) -> list:
    """Manifest ``blocks``: shape, stage, mirror and ``flopsUpTo`` (FLOPs to the block's end)."""
    n = len(model.blocks)
    blocks = []
    for b, f in zip(model.blocks, upto):
        d = {"index": b.index, "stage": b.stage, "channels": b.channels, "height": b.height,
             "width": b.width, "output": b.output, "module": b.name}
        m = mirror_of(b.index, b.stage, n)
        if m is not None:
            d["mirror"] = m
        d["flopsUpTo"] = int(f)
        blocks.append(d)
    return blocks


def describe_blocks(model: UNetModel) -> tuple[list, float]:
    """Manifest ``blocks`` (with mirror and flopsUpTo) and the FLOPs of the whole forward."""
    cfg = model.cfg
    x = torch.zeros(1, cfg.in_channels, cfg.image_size, cfg.image_size)
    t = torch.full((1,), 90.0)
    total, upto = count_flops(model, lambda: model.forward_blocks(x, t), block_modules(model))
    return block_entries(model, upto), total


def build_manifest(model: UNetModel, onnx_path: str, model_id: str, training: dict,
                   provenance: str, quality: Optional[dict] = None, title: Optional[str] = None) -> dict:
    cfg = model.cfg
    blocks, flops = describe_blocks(model)
    n_enc = sum(b.stage == "encoder" for b in model.blocks)
    n_dec = sum(b.stage == "decoder" for b in model.blocks)
    man = {
        "schemaVersion": 1,
        "id": model_id,
        "title": title or f"Fashion-MNIST ADM U-Net (small, {count_parameters(model) / 1e6:.2f}M parameters)",
        "description": (
            f"An ADM-style (guided-diffusion) diffusion U-Net trained as a DDPM on Fashion-MNIST; "
            f"{len(blocks)} blocks: {n_enc} encoder, 1 middle, {n_dec} decoder, numbered as in "
            f"'Diffusion Models Beat GANs on Image Classification'."
        ),
        "kind": "diffusion",
        "license": "MIT",
        "provenance": provenance,
        "file": os.path.basename(onnx_path),
        "sha256": sha256_file(onnx_path),
        "bytes": os.path.getsize(onnx_path),
        "dtype": "float32",
        "image": {
            "size": cfg.image_size, "channels": cfg.in_channels, "range": [-1, 1],
            "normalization": "x/127.5 - 1",
            "pad": "28×28 padded to 32×32 with -1 (background)",
        },
        "inputs": {"x": "x", "t": "t", "tDtype": "float32"},
        "outputs": {"eps": "eps"},
        "schedule": Schedule().to_dict(),
        "blocks": blocks,
        "parameters": count_parameters(model),
        "flops": int(flops),
        "architecture": cfg.to_dict(),
        "training": training,
    }
    if quality is not None:
        man["quality"] = quality
    return man


def check_manifest(man: dict) -> None:
    """Raise if ``man`` does not validate against the app's manifest schema."""
    from .schema import SCHEMA_PATH, validate

    if not os.path.exists(SCHEMA_PATH):  # tools/ used outside the repository
        return
    errors = validate(man)
    if errors:
        raise ValueError("manifest does not validate against the schema:\n  " + "\n  ".join(errors))


def write_json(path: str, obj: dict) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, path)


def export(model: UNetModel, out_dir: str, model_id: str, training: dict, provenance: str,
           quality: Optional[dict] = None) -> dict:
    """Write ``<out_dir>/model.onnx`` and ``<out_dir>/manifest.json``; return the manifest."""
    os.makedirs(out_dir, exist_ok=True)
    onnx_path = os.path.join(out_dir, "model.onnx")
    tmp = onnx_path + ".tmp"
    export_onnx(model, tmp)
    os.replace(tmp, onnx_path)
    man = build_manifest(model, onnx_path, model_id, training, provenance, quality)
    check_manifest(man)
    write_json(os.path.join(out_dir, "manifest.json"), man)
    return man


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--checkpoint", help="checkpoint.pt written by diffprobe_tools.train (EMA weights are used)")
    src.add_argument("--random", action="store_true", help=f"seeded random weights (seed {RANDOM_SEED})")
    ap.add_argument("--out", required=True, help="output folder, e.g. ../public/models/fmnist-adm-s")
    ap.add_argument("--id", default=DEFAULT_ID)
    ap.add_argument("--quality", help="JSON file whose object becomes the manifest's quality")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)

    model, ck = load_model(args.checkpoint, args.random)
    if args.random:
        provenance = (f"Random weights (seed {RANDOM_SEED}; ADM's zero-initialised layers randomised too), "
                      f"exported by diffprobe's tools/ (diffprobe_tools.export, torch {torch.__version__}, "
                      f"ONNX opset {OPSET}). Not trained: for development only.")
    else:
        provenance = (f"Trained from scratch by diffprobe's tools/ (diffprobe_tools.train: DDPM ε-prediction "
                      f"on Fashion-MNIST train), EMA weights at step {int(ck.get('step', 0))}, exported by "
                      f"diffprobe_tools.export (torch {torch.__version__}, ONNX opset {OPSET}).")
    quality = None
    if args.quality:
        with open(args.quality) as f:
            quality = json.load(f)
    man = export(model, args.out, args.id, training_record(args.checkpoint, ck), provenance, quality)
    print(f"wrote {os.path.join(args.out, 'model.onnx')} ({man['bytes'] / 1e6:.2f} MB, sha256 {man['sha256'][:12]}…), "
          f"{len(man['blocks'])} blocks, {man['parameters']} parameters, {man['flops'] / 1e6:.1f} MFLOPs")


if __name__ == "__main__":
    main()
