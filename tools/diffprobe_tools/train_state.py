"""The default model's training state that lives in the repository.

A full ``checkpoint.pt`` (float32 weights, EMA, Adam moments, RNG) is about 28 MB and changes every
few minutes, so it stays out of git (``tools/checkpoints/``). What is committed is a compact copy
at milestones: float16 weights and EMA weights, the step count and the training record
(``tools/state/fmnist-adm-s/state.pt``, about 7 MB). Training warm-starts from it (or from the
shipped ONNX model's EMA weights) with a fresh optimiser; each warm start is recorded.

    python3 -m diffprobe_tools.train_state snapshot --checkpoint checkpoints/fmnist-adm-s/checkpoint.pt
    python3 -m diffprobe_tools.train_state from-onnx --model ../public/models/fmnist-adm-s/model.onnx
    python3 -m diffprobe_tools.train_state show
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Dict, Optional

import torch

from .presets import DEFAULT_ID, default_config
from .unet import UNetModel

DEFAULT_STATE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                             "state", DEFAULT_ID, "state.pt")
FORMAT = "diffprobe-train-state/1"


def _half(sd: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    return {k: (v.detach().cpu().half() if v.is_floating_point() else v.detach().cpu()) for k, v in sd.items()}


def _float(sd: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    return {k: (v.float() if v.is_floating_point() else v) for k, v in sd.items()}


def make_state(model_sd: dict, ema_sd: dict, step: int, record: dict) -> dict:
    """The compact state: float16 weights and EMA, the step and the training record."""
    return {"format": FORMAT, "model": _half(model_sd), "ema": _half(ema_sd), "step": int(step),
            "record": record}


def save_state(state: dict, path: str) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


def load_state(path: str) -> dict:
    """A compact state with float32 weights again; refuses files of another format."""
    st = torch.load(path, map_location="cpu")
    if not isinstance(st, dict) or st.get("format") != FORMAT:
        raise ValueError(f"{path} is not a diffprobe training state ({FORMAT})")
    return {**st, "model": _float(st["model"]), "ema": _float(st["ema"])}


def _initializer_names(prefix: str) -> Dict[str, str]:
    """Which initialiser of an export holds each state-dict entry. Most keep their PyTorch name
    (under the export wrapper's ``prefix``), but the exporter turns GroupNorm's affine parameters
    into anonymous Mul/Add constants. So export a fingerprinted copy (parameter i filled with the
    value i + 1) once, and read each entry's initialiser off its values."""
    import tempfile

    import onnx
    from onnx import numpy_helper

    from .export import export_onnx

    model = UNetModel(default_config()).eval()
    keys = list(model.state_dict().keys())
    with torch.no_grad():
        for i, (_, tensor) in enumerate(model.state_dict().items()):
            tensor.fill_(float(i + 1))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "fingerprint.onnx")
        export_onnx(model, path)
        graph = onnx.load(path).graph
    names: Dict[str, str] = {}
    for init in graph.initializer:
        arr = numpy_helper.to_array(init)
        if arr.size == 0 or not (arr == arr.flat[0]).all():
            continue
        i = int(arr.flat[0]) - 1
        if 0 <= i < len(keys) and float(arr.flat[0]) == i + 1 and keys[i] not in names:
            names[keys[i]] = init.name
    for key in keys:
        names.setdefault(key, prefix + key)
    return names


def weights_from_onnx(path: str, prefix: str = "model.") -> Dict[str, torch.Tensor]:
    """The U-Net's state dict from an exported model.onnx of the default configuration. Every
    entry must be there, with its number of values."""
    import onnx
    from onnx import numpy_helper

    inits = {i.name: i for i in onnx.load(path).graph.initializer}
    reference = UNetModel(default_config()).state_dict()
    sd: Dict[str, torch.Tensor] = {}
    for key, name in _initializer_names(prefix).items():
        ref = reference[key]
        if name not in inits:
            raise ValueError(f"{path} has no initialiser for {key} ({name}): not the default U-Net's export")
        arr = torch.from_numpy(numpy_helper.to_array(inits[name]).copy())
        if arr.numel() != ref.numel():
            raise ValueError(f"{key}: {arr.numel()} values in {path}, the U-Net needs {ref.numel()}")
        sd[key] = arr.reshape(ref.shape).to(ref.dtype)
    return sd


def state_from_onnx(path: str, step: int, record: Optional[dict] = None) -> dict:
    """A compact state whose weights and EMA are both the shipped model's (EMA) weights."""
    sd = weights_from_onnx(path)
    rec = dict(record or {})
    rec.setdefault("warmStarts", []).append({"from": os.path.basename(path), "atStep": step,
                                             "note": "weights and EMA from the exported EMA weights"})
    return make_state(sd, sd, step, rec)


def record_from_manifest(man: dict) -> dict:
    """The training record a manifest carries, with its run as the first segment if it has none."""
    rec = dict(man.get("training") or {})
    rec.pop("weights", None)
    if "segments" not in rec and "steps" in rec:
        rec["segments"] = [{"hardware": rec.get("hardware", "unknown"), "batch": rec.get("batch"),
                            "lr": rec.get("lr"), "startStep": 0, "steps": rec["steps"],
                            "seconds": rec.get("wallSeconds")}]
    return rec


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("snapshot", help="compact copy of a full training checkpoint")
    s.add_argument("--checkpoint", required=True)
    s.add_argument("--out", default=DEFAULT_STATE)
    o = sub.add_parser("from-onnx", help="a state from an exported model's EMA weights")
    o.add_argument("--model", required=True)
    o.add_argument("--step", type=int, required=True, help="the training step those weights are from")
    o.add_argument("--manifest", help="take the training record from this manifest.json")
    o.add_argument("--out", default=DEFAULT_STATE)
    w = sub.add_parser("show", help="print a state's step and record")
    w.add_argument("state", nargs="?", default=DEFAULT_STATE)
    args = ap.parse_args(argv)

    if args.cmd == "snapshot":
        ck = torch.load(args.checkpoint, map_location="cpu")
        state = make_state(ck["model"], ck["ema"], ck["step"], ck.get("record", {}))
        save_state(state, args.out)
        print(f"wrote {args.out} (step {ck['step']})")
    elif args.cmd == "from-onnx":
        record = None
        if args.manifest:
            with open(args.manifest) as f:
                record = record_from_manifest(json.load(f))
        save_state(state_from_onnx(args.model, args.step, record), args.out)
        print(f"wrote {args.out} (step {args.step}, from {args.model})")
    else:
        st = load_state(args.state)
        print(json.dumps({"step": st["step"], "record": st["record"]}, indent=2))


if __name__ == "__main__":
    main()
