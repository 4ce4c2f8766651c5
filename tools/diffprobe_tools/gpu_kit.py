"""The GPU kit: what to do with a GPU machine's few minutes, in one prepared run (tools/device/).

    python3 -m diffprobe_tools.gpu_kit --out OUT [--parts train,torch,webgpu] [--minutes N]
    python3 -m diffprobe_tools.gpu_kit --out kit-out --dry-run      # seconds, on the CPU

Parts, each independent (one failing is reported and the others still run):
- ``torch``: PyTorch forward timings, every block, on the default U-Net and a random-weight ADM-256
  (batch 1 and 32; float32, and bfloat16 autocast on CUDA).
- ``webgpu``: onnxruntime-web's WebGPU backend on the GPU from Node through Dawn, with the app's
  own engine code (tools/device/webgpuNode.ts), on the default model; img/s against PyTorch, or
  the exact reason it cannot run (bounded by ``--webgpu-timeout``).
- ``train``: resume the default U-Net's training from the repository's compact state
  (``tools/state/fmnist-adm-s/state.pt``) on CUDA at ``--batch``; the new compact state and the
  run record are written to OUT (``state.pt``, ``run.json``).
The timings run first and training last: training takes whatever is left before ``--deadline``
(seconds since kit.sh started, default 570 of the device tool's 600 a command), so the whole kit
fits one call; ``--minutes`` sets a smaller budget. One JSON report, ``OUT/gpu-kit-report.json``,
is rewritten after every part (a run cut short still leaves what it measured). ``--dry-run`` does
one training step on 256 images, tiny timings (the reduced ADM copy) and the WebGPU attempt, which
may report "no adapter".
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from typing import Callable, Optional

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(TOOLS)
PARTS = ("train", "torch", "webgpu")
ORDER = ("torch", "webgpu", "train")  # fixed-length timings first, training fills the rest
TRAIN_OVERHEAD_S = 20.0  # data, model and the last save around the training loop (H200: 6 s)


def machine() -> dict:
    import torch

    info = {"date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "python": platform.python_version(), "torch": torch.__version__, "cpus": os.cpu_count(),
            "cuda": torch.cuda.is_available()}
    if torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name(0)
        info["gpuMemoryGiB"] = round(torch.cuda.get_device_properties(0).total_memory / 2**30, 1)
    if shutil.which("nvidia-smi"):
        q = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version", "--format=csv,noheader"],
                           capture_output=True, text=True, timeout=30)
        info["nvidiaSmi"] = q.stdout.strip() or q.stderr.strip()
    return info


def kit_elapsed() -> float:
    """Seconds since kit.sh started (DIFFPROBE_KIT_T0), else since this module was loaded."""
    try:
        return time.time() - float(os.environ["DIFFPROBE_KIT_T0"])
    except (KeyError, ValueError):
        return time.time() - LOADED


LOADED = time.time()


def train_minutes(args: argparse.Namespace) -> float:
    """The training budget: what is left before the deadline, or --minutes if that is smaller."""
    left = (args.deadline - kit_elapsed() - TRAIN_OVERHEAD_S) / 60
    if args.minutes is not None:
        left = min(left, args.minutes)
    if left < 0.25 and not args.dry_run:
        raise RuntimeError(f"no time left to train before the {args.deadline:.0f} s deadline")
    return max(left, 0.25)


def run_train(args: argparse.Namespace, out: str) -> dict:
    from . import train

    work = tempfile.mkdtemp(prefix="gpu-kit-run-")
    state_out = os.path.join(out, "state.pt")
    minutes = round(train_minutes(args), 2)
    argv = ["--run", work, "--init", args.state, "--snapshot", state_out, "--minutes", str(minutes),
            "--batch", str(args.batch), "--lr", str(args.lr), "--save-every", "60"]
    if args.dry_run:
        from .train_state import load_state

        step = load_state(args.state)["step"]
        argv += ["--max-steps", str(step + 1), "--batch", "8", "--data-limit", "256", "--device", "cpu"]
    result = train.main(argv)
    shutil.copy(os.path.join(work, "run.json"), os.path.join(out, "run.json"))
    shutil.rmtree(work, ignore_errors=True)
    result["trainSeconds"] = result.pop("seconds")
    return {**result, "batch": 8 if args.dry_run else args.batch, "lr": args.lr, "budgetMinutes": minutes,
            "state": "state.pt"}


def run_torch(args: argparse.Namespace, out: str, report: dict) -> dict:
    import torch

    from . import torch_timing
    from .train_state import load_state

    trained = os.path.join(out, "state.pt")
    ema = load_state(trained if os.path.exists(trained) else args.state)["ema"]
    device = "cuda" if torch.cuda.is_available() and not args.dry_run else "cpu"
    return torch_timing.run(device, ema, args.dry_run)


def webgpu_command(args: argparse.Namespace) -> tuple:
    """(argv, env) for the Node step: the carried bundle and modules when the kit set them up,
    else a fresh bundle of tools/device/webgpuNode.ts with the repository's node_modules."""
    env = dict(os.environ)
    script = env.get("DIFFPROBE_WEBGPU_SCRIPT")
    if not script:
        esbuild = os.path.join(REPO, "node_modules", ".bin", "esbuild")
        script = os.path.join(tempfile.mkdtemp(prefix="gpu-kit-js-"), "webgpuNode.mjs")
        subprocess.run([esbuild, os.path.join(REPO, "tools", "device", "webgpuNode.ts"), "--bundle",
                        "--platform=node", "--format=esm", "--log-level=warning", f"--outfile={script}",
                        "--external:webgpu", "--external:onnxruntime-web"], check=True, timeout=120)
        env.setdefault("DIFFPROBE_DAWN", os.path.join(REPO, "node_modules", "webgpu", "index.js"))
        env.setdefault("DIFFPROBE_ORT", os.path.join(REPO, "node_modules", "onnxruntime-web", "dist",
                                                     "ort.webgpu.bundle.min.mjs"))
    node = env.get("DIFFPROBE_NODE", "node")
    iters = "1" if args.dry_run else str(args.webgpu_iters)
    batches = "1" if args.dry_run else args.webgpu_batches
    argv = [node, script, "--model", os.path.join(REPO, "public", "models", "fmnist-adm-s"),
            "--batches", batches, "--iters", iters]
    return argv, env


def machine_free(text: str) -> str:
    """Messages without this machine's paths: the repository, the kit's unpacked files in a
    temporary folder, and the folder Dawn's binary was built in (kept in its stack traces)."""
    text = text.replace(REPO + os.sep, "")
    text = re.sub(r"(file://)?/tmp/[^/\s'\"]+/", "<unpacked>/", text)
    return re.sub(r"/\S*?/third_party/dawn/", "dawn/", text)


def run_webgpu(args: argparse.Namespace, out: str, report: dict) -> dict:
    argv, env = webgpu_command(args)
    limit = min(args.webgpu_timeout, max(10.0, args.deadline - kit_elapsed() - 30))  # not past the deadline
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=limit, env=env, cwd=REPO)
        stdout, stderr, ended = proc.stdout, proc.stderr, f"node exited {proc.returncode}"
    except subprocess.TimeoutExpired as err:  # keep the batch sizes measured before the limit
        text = lambda b: b.decode(errors="replace") if isinstance(b, bytes) else (b or "")
        stdout, stderr = text(err.stdout), text(err.stderr)
        ended = f"stopped after the {limit:.0f} s limit (--webgpu-timeout, --deadline)"
    lines = [ln for ln in stdout.splitlines() if ln.startswith("{")]
    result = json.loads(lines[-1]) if lines else {"ok": False, "reason": ended}
    if result.pop("partial", False):
        result["reason"] = f"{ended}; the batch sizes timed before it are kept"
    result["stderrTail"] = [machine_free(ln) for ln in stderr.strip().splitlines()[-12:]]
    if "reason" in result:
        result["reason"] = machine_free(result["reason"])
    torch_rows = next((m["rows"] for m in report.get("torch", {}).get("models", [])
                       if m["model"].startswith("fmnist-adm-s")), [])
    for row in result.get("timings", []):
        ref = next((r for r in torch_rows if r["batch"] == row["batch"] and r["precision"] == "fp32"), None)
        if ref:
            row["torchImagesPerSecond"] = ref["imagesPerSecond"]
            row["vsTorch"] = round(row["imgPerSec"] / ref["imagesPerSecond"], 3)
    return result


def parse_args(argv: Optional[list]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--parts", default=",".join(PARTS))
    ap.add_argument("--minutes", type=float, default=None,
                    help="training budget (default: what is left before --deadline)")
    ap.add_argument("--deadline", type=float, default=570.0,
                    help="seconds after kit.sh started by which every part has ended")
    ap.add_argument("--batch", type=int, default=256, help="training batch on the GPU")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--state", default=os.path.join(TOOLS, "state", "fmnist-adm-s", "state.pt"))
    ap.add_argument("--webgpu-timeout", type=float, default=150.0, help="seconds")
    ap.add_argument("--webgpu-batches", default="1,32,256", help="WebGPU batch sizes")
    ap.add_argument("--webgpu-iters", type=int, default=50, help="timed WebGPU passes per batch size")
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args(argv)
    parts = [p for p in args.parts.split(",") if p]
    bad = [p for p in parts if p not in PARTS]
    if bad:
        ap.error(f"--parts: unknown {', '.join(bad)} (known: {', '.join(PARTS)})")
    args.parts = parts
    return args


def main(argv: Optional[list] = None) -> int:
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "gpu-kit-report.json")
    report: dict = {"kit": "diffprobe GPU kit", "dryRun": args.dry_run, "parts": args.parts,
                    "order": [p for p in ORDER if p in args.parts], "deadlineSeconds": args.deadline,
                    "machine": machine()}

    def write() -> None:
        with open(path + ".tmp", "w") as f:
            json.dump(report, f, indent=2)
        os.replace(path + ".tmp", path)

    steps: dict[str, Callable[[], dict]] = {
        "train": lambda: run_train(args, args.out),
        "torch": lambda: run_torch(args, args.out, report),
        "webgpu": lambda: run_webgpu(args, args.out, report),
    }
    failed = 0
    for part in report["order"]:
        t0 = time.perf_counter()
        print(f"gpu kit: {part}…", flush=True)
        try:
            report[part] = steps[part]()
        except Exception as err:  # one part's failure must not lose the others' numbers
            failed += 1
            report[part] = {"error": f"{type(err).__name__}: {err}",
                            "traceback": traceback.format_exc().splitlines()[-6:]}
        report[part]["seconds"] = round(time.perf_counter() - t0, 1)
        report["elapsedSeconds"] = round(kit_elapsed(), 1)
        write()
        print(f"gpu kit: {part} done in {report[part]['seconds']} s", flush=True)
    print(json.dumps(report, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
