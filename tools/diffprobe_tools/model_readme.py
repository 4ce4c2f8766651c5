"""Write a model folder's README.md from its manifest (training record and measured quality).

    python3 -m diffprobe_tools.model_readme ../public/models/fmnist-adm-s
"""

from __future__ import annotations

import argparse
import json
import os


def probe_table(q: dict) -> list[str]:
    table = q.get("table") or []
    if not table:
        return []
    ts = sorted({r["t"] for r in table})
    pools = sorted({r["pool"] for r in table})
    blocks = sorted({r["block"] for r in table})
    acc = {(r["block"], r["t"], r["pool"]): r["acc"] for r in table}
    best = q.get("best", {})
    head = "| block | " + " | ".join(f"t={t} p={p}" for p in pools for t in ts) + " |"
    lines = [head, "|" + " --- |" * (1 + len(ts) * len(pools))]
    for b in blocks:
        cells = []
        for p in pools:
            for t in ts:
                a = acc.get((b, t, p))
                mark = "**" if best and (b, t, p) == (best.get("block"), best.get("t"), best.get("pool")) else ""
                cells.append(f"{mark}{100 * a:.1f}{mark}" if a is not None else "—")
        lines.append(f"| {b} | " + " | ".join(cells) + " |")
    return lines


def render(manifest: dict) -> str:
    tr = manifest.get("training", {})
    quality = manifest.get("quality", {})
    q = quality.get("linearProbe", quality)
    out = [f"# {manifest['title']} (`{manifest['id']}`)", "", manifest.get("description", ""), ""]
    out += [
        f"- Parameters: {manifest['parameters']:,}; forward pass: {manifest.get('flops', 0) / 1e9:.2f} GFLOP per image",
        (f"- Blocks: {len(manifest['blocks'])} (numbered as in the paper: encoder, middle, decoder)"
         if manifest["kind"] == "diffusion" else f"- Layers exposed as outputs: {len(manifest['blocks'])}"),
        f"- Input: {manifest['image']['size']}×{manifest['image']['size']}×{manifest['image']['channels']}, range {manifest['image']['range']}",
        *([f"- Schedule: {json.dumps(manifest['schedule'])}"] if manifest.get("schedule") else []),
        f"- File: `{manifest['file']}`, {manifest['bytes'] / 1e6:.1f} MB, sha256 `{manifest['sha256']}`",
        f"- Licence: {manifest['license']}. {manifest['provenance']}",
        "",
        "## Training",
        "",
    ]
    out += [f"- {k}: {v}" for k, v in tr.items() if k not in ("segments", "warmStarts")]
    if tr.get("segments"):
        out += ["", "| run | hardware | batch | lr | steps | from step | seconds |", "| --- | --- | --- | --- | --- | --- | --- |"]
        out += [f"| {i + 1} | {g.get('hardware')} | {g.get('batch')} | {g.get('lr')} | {g.get('steps'):,} | "
                f"{g.get('startStep'):,} | {g.get('seconds')} |" for i, g in enumerate(tr["segments"])]
    if tr.get("warmStarts"):
        out += ["", "Warm starts (the optimiser restarts): " + "; ".join(
            f"at step {w.get('atStep'):,} from `{w.get('from')}` ({w.get('note')})" for w in tr["warmStarts"]) + "."]
    if q:
        out += ["", "## Quality", ""]
        if "pixels" in q:
            best = q.get("best", {})
            out += [
                f"Linear probe (multinomial logistic regression on adaptive-average-pooled block features; "
                f"{q.get('nTrain')} training images, {q.get('nTest')} test images of Fashion-MNIST): "
                f"raw pixels {100 * q['pixels']:.2f}%; best cell block {best.get('block')}, t={best.get('t')}, "
                f"pool {best.get('pool')}: {100 * best.get('acc', 0):.2f}% "
                f"(+{100 * q.get('margin', 0):.2f} points over pixels).",
                "",
            ]
            out += probe_table(q)
        if "testAccuracy" in quality:
            q = quality
            out += [f"Test accuracy: {100 * q['testAccuracy']:.2f}%"]
    if manifest["kind"] == "diffusion":
        out += ["", "## Samples", "", "64 samples, DDIM with 50 steps (η = 0):", "", "![samples](samples.png)"]
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("folder")
    args = ap.parse_args()
    with open(os.path.join(args.folder, "manifest.json")) as f:
        manifest = json.load(f)
    with open(os.path.join(args.folder, "README.md"), "w") as f:
        f.write(render(manifest))


if __name__ == "__main__":
    main()
