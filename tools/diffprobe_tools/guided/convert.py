"""Convert a guided-diffusion checkpoint to a diffprobe model folder.

    cd tools
    python3 -m diffprobe_tools.guided convert-guided-diffusion 256x256_diffusion_uncond.pt \\
        --config 256x256_diffusion_uncond --out ../models/adm-256-uncond

writes ``model.onnx`` (+ ``model.onnx.data`` with the weights when they are large) and
``manifest.json``: inputs ``x`` [B, 3, 256, 256] in [-1, 1] and ``t`` [B]; outputs ``eps`` and
``block_1`` … ``block_37`` (the paper's numbering); a class-conditional model (``--config
64x64_diffusion`` … ``512x512_diffusion``, or ``--class_cond True``) takes ``y`` int64 [B] as
well. ``--config`` names a published model; guided-diffusion's own flags (``--num_channels 128``
…) describe or override the rest, and are checked as guided-diffusion checks them.
Weights are stored as float16 by default (``--dtype float32`` keeps them exact).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from typing import Dict, Optional

import torch

from ..export import write_json
from .config import PRESETS, REFUSED_PRESETS, GuidedConfig, UnsupportedConfig, add_flags, flags_of, resolve
from .model import CheckpointMismatch, build, load_checkpoint, strict_load
from .onnx_export import write_onnx

DEFAULT_EXTERNAL_MB = 64.0


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def convert_state_dict(sd: Dict[str, torch.Tensor], cfg: GuidedConfig, out_dir: str, *,
                       fp16: bool = True, model_id: str = "adm-256-uncond",
                       source: str = "a guided-diffusion checkpoint", preset: Optional[str] = None,
                       external_mb: float = DEFAULT_EXTERNAL_MB, sd_sha256: Optional[str] = None):
    """Load ``sd`` strictly into the model of ``cfg`` and write the folder; return
    (model, manifest)."""
    from .manifest import build_manifest

    model = strict_load(build(cfg), sd)
    external = write_onnx(model, os.path.join(out_dir, "model.onnx"), fp16,
                          int(external_mb * 1024 * 1024))
    man = build_manifest(cfg, model, out_dir, "model.onnx", external, fp16, model_id, source,
                         preset, sd_sha256)
    write_json(os.path.join(out_dir, "manifest.json"), man)
    return model, man


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python3 -m diffprobe_tools.guided convert-guided-diffusion",
                                 description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("checkpoint", help="the .pt file (a guided-diffusion state dict)")
    ap.add_argument("--config", default=None,
                    help=f"published model: {', '.join(PRESETS)} (default 256x256_diffusion_uncond)")
    ap.add_argument("--out", required=True, help="output folder for model.onnx, model.onnx.data, manifest.json")
    ap.add_argument("--id", default=None, help="manifest id (default: from --config)")
    ap.add_argument("--dtype", choices=["float16", "float32"], default="float16",
                    help="how the weights are stored (computation is float32 either way)")
    ap.add_argument("--external-data-mb", type=float, default=DEFAULT_EXTERNAL_MB,
                    help="weights above this size go to model.onnx.data (0: always)")
    ap.add_argument("--threads", type=int, default=max(1, min(4, os.cpu_count() or 1)))
    add_flags(ap)
    return ap


def default_id(preset: Optional[str], cfg: GuidedConfig) -> str:
    if preset == "256x256_diffusion_uncond" or preset is None:
        return f"adm-{cfg.image_size}-uncond"
    return f"adm-{preset.replace('_', '-')}"


def main(argv: Optional[list] = None) -> int:
    args = parser().parse_args(argv)
    torch.set_num_threads(args.threads)
    try:
        cfg = resolve(args.config, flags_of(args))
    except UnsupportedConfig as err:
        print(f"convert-guided-diffusion: {err}", file=sys.stderr)
        return 2
    if not os.path.isfile(args.checkpoint):
        print(f"convert-guided-diffusion: no checkpoint at {args.checkpoint}", file=sys.stderr)
        return 2
    try:
        sd = load_checkpoint(args.checkpoint)
        _, man = convert_state_dict(
            sd, cfg, args.out, fp16=args.dtype == "float16",
            model_id=args.id or default_id(args.config, cfg),
            source=os.path.basename(args.checkpoint), preset=args.config or "256x256_diffusion_uncond",
            external_mb=args.external_data_mb, sd_sha256=file_sha256(args.checkpoint))
    except CheckpointMismatch as err:
        print(f"convert-guided-diffusion: {err}", file=sys.stderr)
        return 2
    data = sum(e["bytes"] for e in man.get("externalData", []))
    print(json.dumps({"out": args.out, "blocks": len(man["blocks"]), "parameters": man["parameters"],
                      "gflops": round(man["flops"] / 1e9, 1), "dtype": man["dtype"],
                      "modelBytes": man["bytes"], "externalDataBytes": data}))
    return 0


def _random_checkpoint(argv: list) -> int:
    from .random_weights import main as random_main

    return random_main(argv)


def _fixture(argv: list) -> int:
    from .fixture import main as fixture_main

    return fixture_main(argv)


def _bench(argv: list) -> int:
    from .bench import main as bench_main

    return bench_main(argv)


def _check(argv: list) -> int:
    from .check import main as check_main

    return check_main(argv)


COMMANDS = {"convert-guided-diffusion": main, "random-checkpoint": _random_checkpoint,
            "fixture": _fixture, "bench": _bench, "check": _check}


def dispatch(argv: Optional[list] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS:
        print("usage: python3 -m diffprobe_tools.guided convert-guided-diffusion CHECKPOINT "
              "[--config NAME] [model flags] --out FOLDER\n"
              f"refused configurations: {', '.join(REFUSED_PRESETS)}", file=sys.stderr)
        return 2
    return COMMANDS[argv[0]](argv[1:])
