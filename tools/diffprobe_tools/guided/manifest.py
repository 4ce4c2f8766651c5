"""The manifest of a converted guided-diffusion model (``src/core/manifest/manifest.schema.json``).

Block shapes and FLOPs are measured on the meta device (shapes only, no arithmetic), so even the
550M-parameter model is described in a second.
"""

from __future__ import annotations

import os
from typing import List, Optional

import torch

from ..export import block_entries, block_modules, check_manifest, sha256_file
from ..flops import count_flops
from ..unet import UNetModel, count_parameters
from .config import PRESET_TITLES, PRESETS, GuidedConfig, describe
from .model import build


def flops_per_block(cfg: GuidedConfig) -> tuple[float, List[float]]:
    """(total forward FLOPs at batch 1, FLOPs up to the end of each block), on the meta device."""
    model = build(cfg, meta=True)
    x = torch.zeros(1, cfg.in_channels, cfg.image_size, cfg.image_size, device="meta")
    t = torch.full((1,), 90.0, device="meta")
    y = torch.zeros(1, dtype=torch.long, device="meta") if cfg.class_cond else None
    return count_flops(model, lambda: model.forward_blocks(x, t, y=y), block_modules(model))


def model_inputs(cfg: GuidedConfig) -> dict:
    """The manifest's ``inputs``: x, t and, for a class-conditional model, y (int64 labels)."""
    inputs: dict = {"x": "x", "t": "t", "tDtype": "float32"}
    if cfg.class_cond:
        inputs["conditioning"] = [
            {"name": "y", "role": "class", "dtype": "int64", "classes": cfg.num_classes}]
    return inputs


def build_manifest(cfg: GuidedConfig, model: UNetModel, out_dir: str, onnx_name: str,
                   external: List[str], fp16: bool, model_id: str, source: str,
                   preset: Optional[str], sd_sha256: Optional[str]) -> dict:
    total, upto = flops_per_block(cfg)
    path = os.path.join(out_dir, onnx_name)
    exact = preset in PRESETS and PRESETS[preset].to_dict() == cfg.to_dict()
    title = PRESET_TITLES[preset] if exact and preset else f"guided-diffusion ADM {cfg.image_size}×{cfg.image_size}"
    params = count_parameters(model)
    man = {
        "schemaVersion": 1,
        "id": model_id,
        "title": f"{title} (OpenAI guided-diffusion ADM, {params / 1e6:.{0 if params >= 1e7 else 2}f}M parameters)",
        "description": (
            f"OpenAI guided-diffusion's {'class-conditional' if cfg.class_cond else 'unconditional'} "
            f"ADM U-Net, converted by diffprobe. "
            f"{len(model.blocks)} blocks numbered as in 'Diffusion Models Beat GANs on Image "
            f"Classification': encoder blocks 1–{sum(b.stage == 'encoder' for b in model.blocks)}, "
            f"the middle block, then decoder blocks; eps is the predicted noise (the first "
            f"{cfg.in_channels} output channels{' of a learned-sigma model' if cfg.learn_sigma else ''})."
            + (f" Input y holds the class label (0–{cfg.num_classes - 1}) of each image."
               if cfg.class_cond else "")
            + (" Noise schedule: cosine (Nichol & Dhariwal)." if cfg.noise_schedule == "cosine" else "")
        ),
        "kind": "diffusion",
        "license": "MIT (OpenAI guided-diffusion weights)",
        "provenance": (
            f"Converted from {source} by diffprobe (python3 -m diffprobe_tools.guided "
            f"convert-guided-diffusion, torch {torch.__version__}, ONNX opset 17"
            f"{', weights stored as float16, computed in float32' if fp16 else ''})."
            + (f" Checkpoint sha256 {sd_sha256}." if sd_sha256 else "")
        ),
        "file": onnx_name,
        "sha256": sha256_file(path),
        "bytes": os.path.getsize(path),
        "dtype": "float16" if fp16 else "float32",
        "image": {"size": cfg.image_size, "channels": cfg.in_channels, "range": [-1, 1],
                  "normalization": "x/127.5 - 1"},
        "inputs": model_inputs(cfg),
        "outputs": {"eps": "eps"},
        "schedule": cfg.schedule(),
        "blocks": block_entries(model, upto),
        "parameters": params,
        "flops": int(total),
        "architecture": {"family": "guided-diffusion UNetModel", "preset": preset,
                         "flags": " ".join(describe(cfg)), **cfg.to_dict()},
        "training": {"note": "trained by OpenAI (guided-diffusion); weights converted unchanged"},
    }
    if external:
        man["externalData"] = [
            {"file": f, "sha256": sha256_file(os.path.join(out_dir, f)),
             "bytes": os.path.getsize(os.path.join(out_dir, f))} for f in external]
    check_manifest(man)
    return man
