"""heads_torch: the PyTorch side of the probe-head parity check."""

from __future__ import annotations

import json
import os
import tempfile
import unittest

import numpy as np

from diffprobe_tools import heads_torch

from ._util import TOOLS  # noqa: F401  (sets torch to one thread)

CFG = {
    "optimizer": "adam",
    "lr": 5e-2,
    "momentum": 0.9,
    "weightDecay": 0.0,
    "epochs": 5,
    "batchSize": 32,
    "schedule": {"kind": "step", "every": 2, "gamma": 0.5},
    "standardize": True,
    "seed": 3,
}


def blobs(n: int, seed: int):
    rs = np.random.RandomState(seed)
    y = np.arange(n) % 3
    x = rs.randn(n, 6).astype(np.float32) * 2 + 5
    x[np.arange(n), y] += 12
    return x, y.astype(np.int32)


class HeadsTorchTest(unittest.TestCase):
    def test_schedules_match_the_app(self):
        step = dict(CFG, lr=1.0, epochs=28, schedule={"kind": "step", "every": 7, "gamma": 0.1})
        self.assertAlmostEqual(heads_torch.lr_at(step, 6), 1.0)
        self.assertAlmostEqual(heads_torch.lr_at(step, 7), 0.1)
        cos = dict(CFG, lr=1.0, epochs=10, schedule={"kind": "cosine"})
        self.assertAlmostEqual(heads_torch.lr_at(cos, 5), 0.5)

    def test_linear_and_mlp_learn_and_repeat(self):
        x, y = blobs(300, 0)
        xs, ys = blobs(150, 1)
        for spec in ({"kind": "linear", "pool": 1}, {"kind": "mlp", "pool": 1, "hidden": [16]}):
            for opt in ("adam", "sgd"):
                cfg = dict(CFG, optimizer=opt)
                a = heads_torch.train_head(x, y, xs, ys, spec, cfg, 3)
                self.assertGreater(a["testAcc"], 0.95, (spec, opt))
                b = heads_torch.train_head(x, y, xs, ys, spec, cfg, 3)
                self.assertEqual(a["testAcc"], b["testAcc"])
                self.assertAlmostEqual(a["trainLoss"], b["trainLoss"], places=6)

    def test_cli_reads_npy_features(self):
        x, y = blobs(300, 2)
        with tempfile.TemporaryDirectory() as d:
            for name, arr in (("trainX", x), ("trainY", y), ("testX", x), ("testY", y)):
                np.save(os.path.join(d, name + ".npy"), arr)
            cfg = os.path.join(d, "c.json")
            with open(cfg, "w") as f:
                json.dump({"spec": {"kind": "linear", "pool": 1}, "train": CFG, "classes": 3}, f)
            out = os.path.join(d, "r.json")
            self.assertEqual(heads_torch.main(["--features", d, "--config", cfg, "--out", out]), 0)
            with open(out) as f:
                self.assertGreater(json.load(f)["testAcc"], 0.9)

    def test_refuses_heads_it_does_not_train(self):
        with self.assertRaises(ValueError):
            heads_torch.build_head({"kind": "cnn"}, 4, 2)


if __name__ == "__main__":
    unittest.main()
