"""Train the default diffusion U-Net as a DDPM on Fashion-MNIST, resumably, on the CPU or CUDA.

    python3 -m diffprobe_tools.train --run checkpoints/fmnist-adm-s --minutes 90
    python3 -m diffprobe_tools.train --run checkpoints/fmnist-adm-s --init state/fmnist-adm-s/state.pt

Every ``--save-every`` seconds (and at the end, and on Ctrl-C or SIGTERM) the model, its EMA
weights, the optimiser, the step and the RNG state are written to ``<run>/checkpoint.pt``; running
the same command again resumes from there. Without a checkpoint, ``--init`` warm-starts from the
repository's compact training state (``train_state.py``) or from an exported ``model.onnx``'s EMA
weights: the weights and EMA go on, the optimiser restarts (with its warm-up), and the warm start
is recorded. ``<run>/run.json`` records the run: steps, wall time, recent loss and one segment per
invocation (hardware, batch, steps, seconds). ``--snapshot`` writes the compact state at the end
(the milestones committed to the repository).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import signal
import time
from typing import List, Optional

import torch

from .data import load_split, to_model_input
from .diffusion import Schedule
from .presets import default_config
from .train_state import load_state, make_state, save_state, state_from_onnx
from .unet import UNetModel, count_parameters

DATA_NOTE = "Fashion-MNIST train (60,000 images), 28×28 padded to 32×32, [-1, 1]"
OBJECTIVE = "DDPM ε-prediction, T=1000, linear betas 1e-4..0.02"


def hardware(device: str) -> str:
    if device == "cuda":
        return f"CUDA {torch.cuda.get_device_name(0)}"
    return f"CPU {platform.processor() or platform.machine()}, {torch.get_num_threads()} threads"


def ema_update(ema: torch.nn.Module, model: torch.nn.Module, decay: float) -> None:
    with torch.no_grad():
        pe = [p for p in ema.parameters()]
        pm = [p.detach() for p in model.parameters()]
        torch._foreach_mul_(pe, decay)
        torch._foreach_add_(pe, pm, alpha=1 - decay)


def pick_device(name: str) -> str:
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise SystemExit("--device cuda: PyTorch sees no CUDA device here")
    return name


def make_optimizer(model: torch.nn.Module, lr: float, device: str) -> torch.optim.Optimizer:
    if device == "cuda":
        try:
            return torch.optim.Adam(model.parameters(), lr=lr, fused=True)
        except (TypeError, RuntimeError):
            pass
    return torch.optim.Adam(model.parameters(), lr=lr)


def parse_args(argv: List[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", default="checkpoints/fmnist-adm-s")
    ap.add_argument("--init", help="without a checkpoint in --run: warm-start from a state.pt or a model.onnx")
    ap.add_argument("--init-step", type=int, default=0, help="the step an --init model.onnx was trained to")
    ap.add_argument("--snapshot", help="also write the compact state (float16 weights, EMA, step) here at every save")
    ap.add_argument("--minutes", type=float, default=60.0, help="wall-clock budget of this invocation")
    ap.add_argument("--max-steps", type=int, default=200_000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=200, help="optimiser steps of linear lr warm-up")
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--save-every", type=float, default=300.0, help="seconds")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data-limit", type=int, default=0, help="use only the first N training images (tests)")
    return ap.parse_args(argv)


def main(argv: List[str] | None = None) -> dict:
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = pick_device(args.device)
    if device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
    os.makedirs(args.run, exist_ok=True)
    ckpt_path = os.path.join(args.run, "checkpoint.pt")
    record_path = os.path.join(args.run, "run.json")

    torch.manual_seed(args.seed)
    cfg = default_config()
    model = UNetModel(cfg).to(device)
    ema = copy.deepcopy(model).eval()
    opt = make_optimizer(model, args.lr, device)
    sched = Schedule()
    step, opt_steps, wall, losses = 0, 0, 0.0, []
    record: dict = {}
    warm_start: Optional[dict] = None
    gen = torch.Generator(device=device).manual_seed(args.seed)
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location=device)
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        step, wall, losses = ck["step"], ck["wall"], ck["losses"]
        opt_steps, record = ck.get("optSteps", step), ck.get("record", {})
        if ck.get("genDevice", "cpu") == device:
            gen.set_state(ck["gen"])
        print(f"resumed at step {step} ({wall / 60:.1f} min so far)")
    elif args.init:
        if args.init.endswith(".onnx"):
            st = state_from_onnx(args.init, args.init_step)
            st = {**st, "model": {k: v.float() for k, v in st["model"].items()},
                  "ema": {k: v.float() for k, v in st["ema"].items()}}
        else:
            st = load_state(args.init)
        model.load_state_dict(st["model"])
        ema.load_state_dict(st["ema"])
        step, record = st["step"], copy.deepcopy(st["record"])
        wall = float(record.get("wallSeconds", 0.0))
        warm_start = {"from": os.path.basename(args.init), "atStep": step, "note": "fresh optimiser"}
        print(f"warm start from {args.init} at step {step}; the optimiser restarts")

    images, _ = load_split("train")
    if args.data_limit:
        images = images[: args.data_limit]
    data = to_model_input(images).to(device)
    n = data.shape[0]
    segment = {"hardware": hardware(device), "batch": args.batch, "lr": args.lr, "startStep": step,
               "steps": 0, "seconds": 0.0}
    record.setdefault("segments", [])

    def run_record() -> dict:
        recent = losses[-200:]
        last = record["segments"][-1] if record["segments"] else segment
        return {**record, "steps": step, "batch": last["batch"], "lr": last["lr"], "emaDecay": args.ema,
                "wallSeconds": round(wall, 1), "finalLoss": round(sum(recent) / len(recent), 5) if recent else record.get("finalLoss"),
                "hardware": last["hardware"], "parameters": count_parameters(model),
                "data": DATA_NOTE, "objective": OBJECTIVE}

    def save() -> None:
        # An invocation that trained nothing leaves no segment and no warm start in the record.
        if segment["steps"] > 0 and segment not in record["segments"]:
            record["segments"].append(segment)
            if warm_start:
                record.setdefault("warmStarts", []).append(warm_start)
        tmp = ckpt_path + ".tmp"
        torch.save(
            {"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(), "step": step,
             "optSteps": opt_steps, "wall": wall, "losses": losses, "gen": gen.get_state(),
             "genDevice": device, "config": cfg.to_dict(), "record": record},
            tmp,
        )
        os.replace(tmp, ckpt_path)
        with open(record_path, "w") as f:
            json.dump(run_record(), f, indent=2)
        if args.snapshot:
            save_state(make_state(model.state_dict(), ema.state_dict(), step, run_record()), args.snapshot)

    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__("now", True))
    signal.signal(signal.SIGINT, lambda *_: stop.__setitem__("now", True))
    start = last_save = time.time()
    wall0 = wall
    budget = args.minutes * 60
    abar = sched.abar.to(device)
    pending: List[torch.Tensor] = []
    model.train()
    while step < args.max_steps and not stop["now"] and time.time() - start < budget:
        idx = torch.randint(0, n, (args.batch,), generator=gen, device=device)
        x0 = data[idx]
        t = torch.randint(0, sched.T, (args.batch,), generator=gen, device=device)
        noise = torch.randn(x0.shape, generator=gen, device=device)
        a = abar[t].float().view(-1, 1, 1, 1)
        xt = a.sqrt() * x0 + (1 - a).sqrt() * noise
        loss = torch.nn.functional.mse_loss(model(xt, t.float()), noise)
        for g in opt.param_groups:
            g["lr"] = args.lr * min(1.0, (opt_steps + 1) / args.warmup)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        ema_update(ema, model, min(args.ema, (1 + step) / (10 + step)))
        step += 1
        opt_steps += 1
        pending.append(loss.detach())
        if step % 50 == 0 or device == "cpu":
            losses.extend(float(v) for v in torch.stack(pending).cpu())
            pending.clear()
        wall = wall0 + time.time() - start
        segment["seconds"] = time.time() - start
        segment["steps"] = step - segment["startStep"]
        if step % 50 == 0:
            print(f"step {step} loss {sum(losses[-50:]) / 50:.4f} {wall / 60:.1f} min", flush=True)
        if time.time() - last_save > args.save_every:
            save()
            last_save = time.time()
    if pending:
        losses.extend(float(v) for v in torch.stack(pending).cpu())
    wall = wall0 + time.time() - start
    segment["seconds"] = time.time() - start
    segment["steps"] = step - segment["startStep"]
    segment["seconds"] = round(segment["seconds"], 1)
    save()
    print(f"saved step {step} to {ckpt_path}" + (f" and {args.snapshot}" if args.snapshot else ""))
    return {"steps": segment["steps"], "seconds": segment["seconds"], "step": step,
            "finalLoss": run_record()["finalLoss"], "imagesPerSecond":
                round(segment["steps"] * args.batch / max(segment["seconds"], 1e-9), 1)}


if __name__ == "__main__":
    main()
