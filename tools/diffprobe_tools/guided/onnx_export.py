"""Write a guided-diffusion U-Net as ONNX: ``eps`` (the predicted noise, the first C of the 2·C
output channels of a learned-sigma model) and ``block_1`` … ``block_N`` in the paper's numbering.

Inputs are ``x`` float32 [B, C, S, S] in [-1, 1], ``t`` float32 [B] and, for a class-conditional
model, ``y`` int64 [B] (class labels); every output is float32.
Weights are float32 or float16 (``fp16``); above ``external_threshold`` bytes they go to one
external data file next to the graph (``model.onnx.data``), which keeps the graph file small and
lifts protobuf's 2 GB limit.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Optional

import onnx
import torch
from torch import nn

from ..export import _static_output_shapes, output_shapes, set_output_dims, torch_export
from ..unet import UNetModel
from .fp16 import compact_names, weights_to_float16

DATA_SUFFIX = ".data"


class GuidedBlocks(nn.Module):
    """forward(x, t[, y]) → (eps, block_1, …, block_N); eps drops the learned variance channels;
    ``y`` (int64 class labels [B]) only for a class-conditional model."""

    def __init__(self, model: UNetModel):
        super().__init__()
        self.model = model
        self.eps_channels = model.cfg.out_channels

    def forward(self, x: torch.Tensor, t: torch.Tensor, y: Optional[torch.Tensor] = None):
        out, feats = self.model.forward_blocks(x, t, y=y)
        return (out[:, : self.eps_channels], *feats)


def export_fp32(model: UNetModel, path: str, batch: int = 1) -> None:
    """torch.onnx.export of GuidedBlocks (opset 17, dynamic batch, attention as MatMul)."""
    torch_export(GuidedBlocks(model.eval()), model, path, batch)


def weight_bytes(model: onnx.ModelProto) -> int:
    total = 0
    for init in model.graph.initializer:
        n = 1
        for d in init.dims:
            n *= d
        total += n * (2 if init.data_type == onnx.TensorProto.FLOAT16 else 4)
    return total


def save_onnx(m: onnx.ModelProto, path: str, fp16: bool, external_threshold: int) -> list:
    """Write the float32 graph ``m`` to ``path`` (weights as float16 with ``fp16``; in
    ``path + '.data'`` when they exceed ``external_threshold`` bytes); return the external data
    file names (empty when there is none). ``m`` is changed in place."""
    out_dir = os.path.dirname(os.path.abspath(path))
    os.makedirs(out_dir, exist_ok=True)
    data_name = os.path.basename(path) + DATA_SUFFIX
    for stale in (path, os.path.join(out_dir, data_name)):
        if os.path.exists(stale):
            os.remove(stale)
    if fp16:
        weights_to_float16(m)
    external = weight_bytes(m) > external_threshold
    if external:
        onnx.save_model(m, path, save_as_external_data=True, all_tensors_to_one_file=True,
                        location=data_name, size_threshold=1024, convert_attribute=False)
    else:
        onnx.save_model(m, path)
    onnx.checker.check_model(path)
    return [data_name] if external else []


def export_graph(model: UNetModel, work_dir: str) -> onnx.ModelProto:
    """The float32 graph with its weights loaded, static output shapes and compact names."""
    tmp = tempfile.mkdtemp(prefix="diffprobe-guided-", dir=work_dir)
    try:
        raw = os.path.join(tmp, "raw.onnx")
        export_fp32(model, raw)  # over 2 GB torch writes its own external files in tmp
        _static_output_shapes_any(raw, output_shapes(model, model.cfg.out_channels))
        m = onnx.load(raw, load_external_data=True)
        compact_names(m)
        return m
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_onnx(model: UNetModel, path: str, fp16: bool, external_threshold: int) -> list:
    out_dir = os.path.dirname(os.path.abspath(path))
    os.makedirs(out_dir, exist_ok=True)
    return save_onnx(export_graph(model, out_dir), path, fp16, external_threshold)


def _static_output_shapes_any(path: str, shapes: dict) -> None:
    """Output shapes for graphs of any size (the shared helper loads small graphs whole)."""
    if os.path.getsize(path) < (1 << 30) and not any(f != "raw.onnx" for f in os.listdir(os.path.dirname(path))):
        _static_output_shapes(path, shapes)
        return
    m = onnx.load(path, load_external_data=False)
    set_output_dims(m, shapes)
    onnx.save_model(m, path)
