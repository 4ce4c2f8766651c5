"""The parity fixtures are consistent, small, belong to the shipped model, and match its ONNX."""

import json
import os
import unittest

import numpy as np
import torch

from diffprobe_tools import ortnode
from diffprobe_tools.data import load_split, to_model_input
from diffprobe_tools.diffusion import Schedule
from diffprobe_tools.export import sha256_file

from tests._util import MODELS, PARITY, needs_ort


@unittest.skipUnless(os.path.exists(os.path.join(PARITY, "index.json")), "run diffprobe_tools.fixtures first")
class FixturesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(PARITY, "index.json"), encoding="utf-8") as f:
            cls.index = json.load(f)
        cls.arr = {e["file"]: np.load(os.path.join(PARITY, e["file"])) for e in cls.index["files"]}

    def test_files_listed_and_small(self):
        on_disk = {f for f in os.listdir(PARITY) if f.endswith(".npy")}
        self.assertEqual(on_disk, set(self.arr))
        for e in self.index["files"]:
            a = self.arr[e["file"]]
            self.assertEqual(list(a.shape), e["shape"], e["file"])
            self.assertEqual(a.dtype.str, "<f4", e["file"])
        total = sum(os.path.getsize(os.path.join(PARITY, f)) for f in os.listdir(PARITY))
        self.assertLessEqual(total, 3 * 1024 * 1024)
        for t in self.index["timesteps"]:
            for stem in ("xt", "eps", "pooled2"):
                self.assertIn(f"{stem}_t{t}.npy", self.arr)

    def test_made_for_the_shipped_model(self):
        man_path = os.path.join(MODELS, self.index["model"]["id"], "manifest.json")
        with open(man_path, encoding="utf-8") as f:
            man = json.load(f)
        onnx_path = os.path.join(os.path.dirname(man_path), man["file"])
        self.assertEqual(self.index["model"]["sha256"], sha256_file(onnx_path),
                         "fixtures are stale: python3 -m diffprobe_tools.fixtures --checkpoint … (or --random)")

    def test_inputs_and_q_sample(self):
        images, labels = load_split("test")
        idx = self.index["images"]["indices"]
        self.assertEqual([int(labels[i]) for i in idx], list(range(8)))
        self.assertEqual(self.index["images"]["labels"], list(range(8)))
        x0 = to_model_input(images[idx]).numpy()
        self.assertTrue(np.array_equal(self.arr["x0.npy"], x0))
        noise = torch.randn((8, 1, 32, 32), generator=torch.Generator().manual_seed(self.index["noise"]["seed"]))
        self.assertTrue(np.array_equal(self.arr["noise.npy"], noise.numpy()))
        s = Schedule()
        for t in self.index["timesteps"]:
            a = float(s.abar[t])
            expect = a ** 0.5 * x0.astype(np.float64) + (1 - a) ** 0.5 * noise.numpy().astype(np.float64)
            self.assertLess(np.abs(self.arr[f"xt_t{t}.npy"] - expect).max(), 1e-6)

    def test_pooled_layout(self):
        layout = self.index["pooled2"]["blocks"]
        self.assertEqual(len(layout), 19)
        self.assertEqual(sum(b["channels"] for b in layout), self.index["pooled2"]["totalChannels"])
        for t in self.index["timesteps"]:
            self.assertEqual(self.arr[f"pooled2_t{t}.npy"].shape, (8, self.index["pooled2"]["totalChannels"], 2, 2))
        # The full block outputs pool to the stored 2×2 features.
        t = self.index["fullBlocks"]["t"]
        for b in self.index["fullBlocks"]["blocks"]:
            full = self.arr[f"block_{b}_t{t}.npy"]
            n, c, h, w = full.shape
            mine = full.reshape(n, c, 2, h // 2, 2, w // 2).mean(axis=(3, 5))
            ent = layout[b - 1]
            stored = self.arr[f"pooled2_t{t}.npy"][:, ent["channelStart"]:ent["channelStart"] + ent["channels"]]
            self.assertLess(np.abs(mine - stored).max(), 1e-5)

    @needs_ort
    def test_onnx_reproduces_the_fixtures(self):
        man_path = os.path.join(MODELS, self.index["model"]["id"], "manifest.json")
        with open(man_path, encoding="utf-8") as f:
            man = json.load(f)
        t = self.index["fullBlocks"]["t"]
        got = ortnode.run_onnx(os.path.join(os.path.dirname(man_path), man["file"]),
                               {"x": self.arr[f"xt_t{t}.npy"], "t": np.full((8,), t, np.float32)})
        ref = self.arr[f"eps_t{t}.npy"]
        self.assertLessEqual(np.abs(got["eps"] - ref).max() / np.abs(ref).max(), 1e-4)
        for b in self.index["fullBlocks"]["blocks"]:
            ref = self.arr[f"block_{b}_t{t}.npy"]
            self.assertLessEqual(np.abs(got[f"block_{b}"] - ref).max() / np.abs(ref).max(), 1e-4)


if __name__ == "__main__":
    unittest.main()
