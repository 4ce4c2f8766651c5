"""The NumPy (float64) baseline of the CKA bench: the block × block linear-CKA matrix of the
features in a folder of .npy files (rows = examples, other axes flattened), timed.

    python3 -m diffprobe_tools.cka_numpy <folder> [--repeat 3]

Both textbook forms are timed on the same column-centred float64 features: the feature form
(‖XᵢᵀXⱼ‖²_F per pair, Kornblith et al. 2019) and the Gram form (⟨Kᵢ, Kⱼ⟩ with Kᵢ = XᵢXᵢᵀ);
the faster one is the baseline. Prints one JSON line: seconds per form (best of --repeat),
the matrix, NumPy's version and the BLAS it calls.
"""
import argparse
import glob
import json
import os
import re
import sys
import time

import numpy as np


def load(folder):
    files = sorted(glob.glob(os.path.join(folder, "*.npy")),
                   key=lambda p: [int(s) if s.isdigit() else s for s in re.split(r"(\d+)", p)])
    mats = [np.load(f) for f in files]
    return files, [m.reshape(m.shape[0], -1) for m in mats]


def feature_form(xs):
    xc = [x.astype(np.float64) - x.astype(np.float64).mean(0) for x in xs]
    m = len(xc)
    s = np.zeros((m, m))
    for i in range(m):
        for j in range(i + 1):
            s[i, j] = s[j, i] = np.sum((xc[i].T @ xc[j]) ** 2)
    d = np.sqrt(np.diag(s))
    return s / d[:, None] / d[None, :]


def gram_form(xs):
    xc = [x.astype(np.float64) - x.astype(np.float64).mean(0) for x in xs]
    g = np.stack([(x @ x.T).ravel() for x in xc])
    s = g @ g.T
    d = np.sqrt(np.diag(s))
    return s / d[:, None] / d[None, :]


def blas_name():
    """Which BLAS this NumPy calls (reference BLAS makes every product several times slower)."""
    try:
        return np.show_config(mode="dicts")["Build Dependencies"]["blas"]["name"]
    except Exception:  # NumPy < 1.26
        info = getattr(np.__config__, "blas_opt_info", {}) or {}
        return "+".join(sorted(set(info.get("libraries", [])))) or "unknown"


def best_of(fn, xs, repeat):
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn(xs)
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args(argv)
    files, xs = load(a.folder)
    tf, mf = best_of(feature_form, xs, a.repeat)
    tg, mg = best_of(gram_form, xs, a.repeat)
    print(json.dumps({
        "numpy": np.__version__,
        "blas": blas_name(),
        "python": sys.executable,
        "files": [os.path.basename(f) for f in files],
        "n": int(xs[0].shape[0]),
        "seconds": {"feature": tf, "gram": tg, "best": min(tf, tg)},
        "agree": float(np.max(np.abs(mf - mg))),
        "cka": (mf if tf <= tg else mg).tolist(),
    }))


if __name__ == "__main__":
    main()
