"""Build the diffusion U-Net with the weights to export: a checkpoint's EMA weights, or random.

Shared by ``export``, ``fixtures``, ``probe`` and ``samples`` so that they all load one model the
same way.
"""

from __future__ import annotations

import json
import os
from typing import Optional, Tuple

import torch

from .presets import default_config
from .unet import UNetConfig, UNetModel

RANDOM_SEED = 0


def config_from_dict(d: Optional[dict]) -> UNetConfig:
    """The UNetConfig stored in a checkpoint (lists back to tuples), or the default config."""
    if not d:
        return default_config()
    d = dict(d)
    for key in ("attention_resolutions", "channel_mult"):
        if key in d:
            d[key] = tuple(d[key])
    return UNetConfig(**d)


def random_model(seed: int = RANDOM_SEED, cfg: Optional[UNetConfig] = None) -> UNetModel:
    """A seeded random-weight U-Net.

    ADM zero-initialises the last conv of every residual branch, the attention output
    projections and the final conv; at init the network would then predict ε ≡ 0 and half of
    its paths would carry nothing. Those layers get PyTorch's ordinary random init here, so a
    random model exercises every path (what parity tests need).
    """
    torch.manual_seed(seed)
    model = UNetModel(cfg or default_config())
    torch.manual_seed(seed + 1)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (torch.nn.Conv1d, torch.nn.Conv2d)) and not m.weight.any():
                m.reset_parameters()
    return model.eval()


def load_checkpoint(path: str) -> dict:
    return torch.load(path, map_location="cpu")


def ema_model(path: str) -> Tuple[UNetModel, dict]:
    """(U-Net with the checkpoint's EMA weights, the checkpoint dict)."""
    ck = load_checkpoint(path)
    model = UNetModel(config_from_dict(ck.get("config")))
    model.load_state_dict(ck["ema"])
    return model.eval(), ck


def load_model(checkpoint: Optional[str], random: bool, seed: int = RANDOM_SEED):
    """(model, checkpoint dict or None) from the CLI flags ``--checkpoint`` / ``--random``."""
    if random:
        return random_model(seed), None
    if not checkpoint:
        raise SystemExit("give --checkpoint PATH or --random")
    return ema_model(checkpoint)


def training_record(checkpoint: Optional[str], ck: Optional[dict]) -> dict:
    """What the manifest says about training: ``run.json`` next to the checkpoint, made
    consistent with the checkpoint actually loaded (its step, wall time and recent loss)."""
    if ck is None:
        return {"note": "random weights"}
    rec: dict = {}
    run_json = os.path.join(os.path.dirname(os.path.abspath(checkpoint or ".")), "run.json")
    if os.path.exists(run_json):
        with open(run_json) as f:
            rec = json.load(f)
    losses = ck.get("losses") or []
    recent = losses[-200:]
    rec["steps"] = int(ck.get("step", rec.get("steps", 0)))
    if "wall" in ck:
        rec["wallSeconds"] = round(float(ck["wall"]), 1)
    if recent:
        rec["finalLoss"] = round(sum(recent) / len(recent), 5)
    rec["weights"] = "EMA"
    return rec
