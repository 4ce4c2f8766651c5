"""Run an ONNX model from Python through Node's ``onnxruntime-node``.

Debian's python3-onnx (1.12) has no ``onnx.reference`` evaluator and onnxruntime is not
installed for Python here, but the app's ``node_modules`` holds onnxruntime-node (the same
runtime family the browser uses). Inputs go to Node as raw little-endian float32 (integer arrays:
int64) files, outputs come back the same way.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from typing import Dict, List, Optional

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(_HERE, "..", ".."))

_SCRIPT = r"""
const fs = require('fs');
const path = require('path');
const ort = require(process.argv[1]);
const dir = process.argv[2];
const spec = JSON.parse(fs.readFileSync(path.join(dir, 'in.json'), 'utf8'));
(async () => {
  const session = await ort.InferenceSession.create(spec.model, {
    intraOpNumThreads: spec.threads, interOpNumThreads: 1, graphOptimizationLevel: spec.opt,
  });
  const feeds = {};
  for (const f of spec.inputs) {
    const buf = new Uint8Array(fs.readFileSync(path.join(dir, f.file))).buffer;
    const data = f.type === 'int64' ? new BigInt64Array(buf) : new Float32Array(buf);
    feeds[f.name] = new ort.Tensor(f.type, data, f.shape);
  }
  const out = spec.outputs ? await session.run(feeds, spec.outputs) : await session.run(feeds);
  const meta = { inputNames: session.inputNames, outputNames: session.outputNames, outputs: [] };
  let i = 0;
  for (const name of Object.keys(out)) {
    const t = out[name];
    const file = `out_${i++}.bin`;
    fs.writeFileSync(path.join(dir, file), Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    meta.outputs.push({ name, type: t.type, shape: t.dims.map(Number), file });
  }
  fs.writeFileSync(path.join(dir, 'out.json'), JSON.stringify(meta));
})().catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
"""


def find_onnxruntime_node() -> Optional[str]:
    """Path of the onnxruntime-node package, or None."""
    env = os.environ.get("DIFFPROBE_ORT_NODE")
    candidates = [env] if env else []
    candidates.append(os.path.join(REPO_ROOT, "node_modules", "onnxruntime-node"))
    for c in candidates:
        if c and os.path.exists(os.path.join(c, "package.json")):
            return c
    return None


def available() -> bool:
    return shutil.which("node") is not None and find_onnxruntime_node() is not None


def run_onnx(
    model_path: str,
    feeds: Dict[str, np.ndarray],
    outputs: Optional[List[str]] = None,
    threads: int = 1,
    optimization: str = "all",
    nice: int = 10,
) -> Dict[str, np.ndarray]:
    """Run ``model_path`` on ``feeds`` (float32; integer arrays go as int64, e.g. class labels);
    return {output name: array} in session order."""
    ort_dir = find_onnxruntime_node()
    if ort_dir is None or shutil.which("node") is None:
        raise RuntimeError("node and node_modules/onnxruntime-node are needed to run ONNX here")
    with tempfile.TemporaryDirectory(prefix="diffprobe-ort-") as tmp:
        inputs = []
        for i, (name, arr) in enumerate(feeds.items()):
            integer = np.issubdtype(np.asarray(arr).dtype, np.integer)
            a = np.ascontiguousarray(arr, dtype="<i8" if integer else "<f4")
            fn = f"in_{i}.bin"
            a.tofile(os.path.join(tmp, fn))
            inputs.append({"name": name, "shape": list(a.shape), "file": fn,
                           "type": "int64" if integer else "float32"})
        spec = {"model": os.path.abspath(model_path), "inputs": inputs, "outputs": outputs,
                "threads": threads, "opt": optimization}
        with open(os.path.join(tmp, "in.json"), "w") as f:
            json.dump(spec, f)
        cmd = ["node", "-e", _SCRIPT, ort_dir, tmp]
        if nice and shutil.which("nice"):
            cmd = ["nice", "-n", str(nice)] + cmd
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"onnxruntime-node failed: {proc.stderr.strip()[-2000:]}")
        with open(os.path.join(tmp, "out.json")) as f:
            meta = json.load(f)
        result: Dict[str, np.ndarray] = {}
        for o in meta["outputs"]:
            if o["type"] != "float32":
                raise RuntimeError(f"output {o['name']} is {o['type']}, expected float32")
            data = np.fromfile(os.path.join(tmp, o["file"]), dtype="<f4")
            result[o["name"]] = data.reshape(o["shape"])
        return result


def session_names(model_path: str) -> Dict[str, List[str]]:
    """Input and output names as onnx records them (read with the onnx package, no runtime)."""
    import onnx

    m = onnx.load(model_path, load_external_data=False)
    return {"inputs": [i.name for i in m.graph.input], "outputs": [o.name for o in m.graph.output]}


_POOL_SCRIPT = r"""
const fs = require('fs');
const path = require('path');
const ort = require(process.argv[1]);
const dir = process.argv[2];
const spec = JSON.parse(fs.readFileSync(path.join(dir, 'in.json'), 'utf8'));
(async () => {
  const session = await ort.InferenceSession.create(spec.model, {
    intraOpNumThreads: spec.threads, interOpNumThreads: 1, graphOptimizationLevel: 'all',
  });
  const xt = new Float32Array(new Uint8Array(fs.readFileSync(path.join(dir, 'xt.bin'))).buffer);
  const [N, C0, H0, W0] = spec.shape;
  const per = C0 * H0 * W0;
  const out = fs.openSync(path.join(dir, 'feat.bin'), 'w');
  for (let s = 0; s < N; s += spec.batch) {
    const b = Math.min(spec.batch, N - s);
    const res = await session.run({
      x: new ort.Tensor('float32', xt.subarray(s * per, (s + b) * per), [b, C0, H0, W0]),
      t: new ort.Tensor('float32', new Float32Array(b).fill(spec.t), [b]),
    }, spec.outputs);
    const rows = [];
    for (let i = 0; i < b; i++) rows.push([]);
    for (const name of spec.outputs) {
      const o = res[name];
      const [, C, H, W] = o.dims.map(Number);
      const h2 = H / 2, w2 = W / 2, d = o.data;
      for (let i = 0; i < b; i++) {
        const f = new Float32Array(C * 4);
        for (let c = 0; c < C; c++) {
          const base = (i * C + c) * H * W;
          for (let qi = 0; qi < 2; qi++) for (let qj = 0; qj < 2; qj++) {
            let sum = 0;
            for (let r = qi * h2; r < (qi + 1) * h2; r++) for (let k = qj * w2; k < (qj + 1) * w2; k++) sum += d[base + r * W + k];
            f[c * 4 + qi * 2 + qj] = sum / (h2 * w2);
          }
        }
        rows[i].push(f);
      }
    }
    for (const r of rows) for (const f of r) fs.writeSync(out, Buffer.from(f.buffer));
  }
  fs.closeSync(out);
})().catch((e) => { console.error(String(e && e.stack || e)); process.exit(1); });
"""


def pooled2_features(model_path: str, xt: np.ndarray, t: int, outputs: List[str], threads: int = 2,
                     batch: int = 64, nice: int = 0) -> np.ndarray:
    """Every output in ``outputs`` (even H, W) pooled to 2×2, for all of ``xt`` [N, C, H, W], run by
    onnxruntime-node in one process: float32 [N, ΣC, 2, 2], blocks concatenated in order."""
    ort_dir = find_onnxruntime_node()
    if ort_dir is None or shutil.which("node") is None:
        raise RuntimeError("node and node_modules/onnxruntime-node are needed to run ONNX here")
    with tempfile.TemporaryDirectory(prefix="diffprobe-ort-") as tmp:
        a = np.ascontiguousarray(xt, dtype="<f4")
        a.tofile(os.path.join(tmp, "xt.bin"))
        spec = {"model": os.path.abspath(model_path), "shape": list(a.shape), "t": float(t),
                "outputs": outputs, "threads": threads, "batch": batch}
        with open(os.path.join(tmp, "in.json"), "w") as f:
            json.dump(spec, f)
        cmd = ["node", "-e", _POOL_SCRIPT, ort_dir, tmp]
        if nice and shutil.which("nice"):
            cmd = ["nice", "-n", str(nice)] + cmd
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"onnxruntime-node failed: {proc.stderr.strip()[-2000:]}")
        data = np.fromfile(os.path.join(tmp, "feat.bin"), dtype="<f4")
        return data.reshape(a.shape[0], -1, 2, 2)
