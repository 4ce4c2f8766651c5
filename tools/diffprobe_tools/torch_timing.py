"""PyTorch forward-pass timings for the GPU kit: images per second for one pass that returns every
block, on the default U-Net and on a random-weight ADM-256 (the paper's model), per batch size.

On CUDA the clock is CUDA events around ``iters`` passes after ``warmup`` passes; on the CPU it is
the wall clock. Weights do not change the speed, so the ADM-256 is built empty on the device and
filled with small random values there (no 2.2 GB of host initialisation).
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from typing import Callable, Dict, List

import torch

from .presets import default_config
from .unet import UNetModel, count_parameters


def _timer(device: str) -> Callable[[Callable[[], None], int], float]:
    """A function that runs ``fn`` ``n`` times and returns the seconds per run."""
    def cuda(fn: Callable[[], None], n: int) -> float:
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(n):
            fn()
        end.record()
        torch.cuda.synchronize()
        return start.elapsed_time(end) / 1000 / n

    def wall(fn: Callable[[], None], n: int) -> float:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        return (time.perf_counter() - t0) / n

    return cuda if device == "cuda" else wall


def time_model(model: UNetModel, shape: tuple, device: str, batches: List[int], warmup: int, iters: int,
               precision: str = "fp32") -> List[dict]:
    """Rows of {batch, precision, msPerBatch, imagesPerSecond} for ``model.forward_blocks``."""
    timer = _timer(device)
    rows = []
    autocast = (torch.autocast(device_type="cuda", dtype=torch.bfloat16)
                if precision == "bf16" and device == "cuda" else nullcontext())
    for b in batches:
        gen = torch.Generator(device=device).manual_seed(b)
        x = torch.randn((b, *shape), generator=gen, device=device)
        t = torch.full((b,), 90.0, device=device)
        with torch.no_grad(), autocast:
            def once() -> None:
                model.forward_blocks(x, t)
            timer(once, warmup)
            sec = timer(once, iters)
        rows.append({"batch": b, "precision": precision, "msPerBatch": round(sec * 1000, 3),
                     "imagesPerSecond": round(b / sec, 1)})
    return rows


def default_model(ema: Dict[str, torch.Tensor] | None, device: str) -> UNetModel:
    model = UNetModel(default_config())
    if ema is not None:
        model.load_state_dict(ema)
    return model.to(device).eval()


def adm_model(device: str, reduced: bool) -> tuple:
    """(random-weight ADM-256 or its reduced 32×32 copy on ``device``, input shape, config name)."""
    from .guided.model import build
    from .guided.random_weights import reduced_config
    from .guided.config import resolve

    cfg = reduced_config() if reduced else resolve("256x256_diffusion_uncond", {})
    model = build(cfg, meta=True).to_empty(device=device)
    with torch.no_grad():
        gen = torch.Generator(device=device).manual_seed(0)
        for p in model.parameters():
            p.normal_(0.0, 0.02, generator=gen)
        for m in model.modules():
            if isinstance(m, torch.nn.GroupNorm):
                m.weight.fill_(1.0)
                m.bias.zero_()
    name = "ADM-256 reduced copy (32×32, width 32)" if reduced else "ADM-256 (guided-diffusion 256x256_diffusion_uncond)"
    return model.eval(), (cfg.in_channels, cfg.image_size, cfg.image_size), name


def run(device: str, ema: Dict[str, torch.Tensor] | None, dry_run: bool) -> dict:
    """Both models' rows; in a dry run, one tiny pass of each (the reduced ADM copy)."""
    if device == "cuda":
        # fp32 rows are strict float32 (comparable with the app's float32 WebGPU path).
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cudnn.benchmark = True
    warmup, iters = (1, 1) if dry_run else (5, 20)
    out: dict = {"device": device, "torch": torch.__version__, "models": []}
    small = default_model(ema, device)
    rows = time_model(small, (1, 32, 32), device, [1, 2] if dry_run else [1, 32, 256], warmup, iters)
    if device == "cuda":
        rows += time_model(small, (1, 32, 32), device, [1, 32, 256], warmup, iters, "bf16")
    out["models"].append({"model": "fmnist-adm-s (default)", "parameters": count_parameters(small),
                          "blocks": 19, "rows": rows})
    del small
    t0 = time.perf_counter()
    adm, shape, name = adm_model(device, reduced=dry_run)
    built = time.perf_counter() - t0
    adm_iters = (1, 1) if dry_run else (2, 5)
    rows = time_model(adm, shape, device, [1, 2] if dry_run else [1, 32], *adm_iters)
    if device == "cuda":
        rows += time_model(adm, shape, device, [1, 32], *adm_iters, "bf16")
    out["models"].append({"model": name, "parameters": sum(p.numel() for p in adm.parameters()),
                          "blocks": 37, "buildSeconds": round(built, 2), "rows": rows})
    if device == "cuda":
        out["peakMemoryGiB"] = round(torch.cuda.max_memory_allocated() / 2**30, 2)
    return out
