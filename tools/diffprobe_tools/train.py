"""Train the default diffusion U-Net as a DDPM on Fashion-MNIST, resumably.

    python3 -m diffprobe_tools.train --run checkpoints/fmnist-adm-s --minutes 90

Every ``--save-every`` seconds (and at the end, and on Ctrl-C) the model, its EMA weights, the
optimiser, the step and the RNG state are written to ``<run>/checkpoint.pt``; running the same
command again resumes from there. ``<run>/run.json`` records the run: steps, batch, wall time,
recent loss and hardware.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import signal
import time

import torch

from .data import load_split, to_model_input
from .diffusion import Schedule
from .presets import default_config
from .unet import UNetModel, count_parameters


def hardware() -> str:
    if torch.cuda.is_available():
        return f"CUDA {torch.cuda.get_device_name(0)}"
    return f"CPU {platform.processor() or platform.machine()}, {torch.get_num_threads()} threads"


def ema_update(ema: torch.nn.Module, model: torch.nn.Module, decay: float) -> None:
    with torch.no_grad():
        for pe, pm in zip(ema.parameters(), model.parameters()):
            pe.mul_(decay).add_(pm.detach(), alpha=1 - decay)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", default="checkpoints/fmnist-adm-s")
    ap.add_argument("--minutes", type=float, default=60.0, help="wall-clock budget of this invocation")
    ap.add_argument("--max-steps", type=int, default=200_000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--save-every", type=float, default=300.0, help="seconds")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    if args.threads:
        torch.set_num_threads(args.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    os.makedirs(args.run, exist_ok=True)
    ckpt_path = os.path.join(args.run, "checkpoint.pt")
    record_path = os.path.join(args.run, "run.json")

    torch.manual_seed(args.seed)
    cfg = default_config()
    model = UNetModel(cfg).to(device)
    ema = copy.deepcopy(model).eval()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = Schedule()
    step, wall, losses = 0, 0.0, []
    gen = torch.Generator().manual_seed(args.seed)
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location=device)
        model.load_state_dict(ck["model"])
        ema.load_state_dict(ck["ema"])
        opt.load_state_dict(ck["opt"])
        step, wall, losses = ck["step"], ck["wall"], ck["losses"]
        gen.set_state(ck["gen"])
        print(f"resumed at step {step} ({wall / 60:.1f} min so far)")

    images, _ = load_split("train")
    data = to_model_input(images)
    n = data.shape[0]

    def save() -> None:
        tmp = ckpt_path + ".tmp"
        torch.save(
            {"model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(), "step": step,
             "wall": wall, "losses": losses, "gen": gen.get_state(), "config": cfg.to_dict()},
            tmp,
        )
        os.replace(tmp, ckpt_path)
        recent = losses[-200:]
        with open(record_path, "w") as f:
            json.dump(
                {"steps": step, "batch": args.batch, "lr": args.lr, "emaDecay": args.ema,
                 "wallSeconds": round(wall, 1), "finalLoss": round(sum(recent) / max(len(recent), 1), 5),
                 "hardware": hardware(), "parameters": count_parameters(model),
                 "data": "Fashion-MNIST train (60,000 images), 28×28 padded to 32×32, [-1, 1]",
                 "objective": "DDPM ε-prediction, T=1000, linear betas 1e-4..0.02"},
                f, indent=2,
            )

    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__("now", True))
    signal.signal(signal.SIGINT, lambda *_: stop.__setitem__("now", True))
    start, last_save = time.time(), time.time()
    budget = args.minutes * 60
    abar = sched.abar.to(device)
    model.train()
    while step < args.max_steps and not stop["now"] and time.time() - start < budget:
        t0 = time.time()
        idx = torch.randint(0, n, (args.batch,), generator=gen)
        x0 = data[idx].to(device)
        t = torch.randint(0, sched.T, (args.batch,), generator=gen).to(device)
        noise = torch.randn(x0.shape, generator=gen).to(device)
        a = abar[t].float().view(-1, 1, 1, 1)
        xt = a.sqrt() * x0 + (1 - a).sqrt() * noise
        loss = torch.nn.functional.mse_loss(model(xt, t.float()), noise)
        for g in opt.param_groups:
            g["lr"] = args.lr * min(1.0, (step + 1) / args.warmup)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        ema_update(ema, model, min(args.ema, (1 + step) / (10 + step)))
        step += 1
        losses.append(float(loss))
        wall += time.time() - t0
        if step % 50 == 0:
            print(f"step {step} loss {sum(losses[-50:]) / 50:.4f} {wall / 60:.1f} min", flush=True)
        if time.time() - last_save > args.save_every:
            save()
            last_save = time.time()
    save()
    print(f"saved step {step} to {ckpt_path}")


if __name__ == "__main__":
    main()
