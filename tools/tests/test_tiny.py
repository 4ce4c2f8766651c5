"""The System check's self-test model (public/selftest/) and its PyTorch reference agree."""

import json
import os
import unittest

import numpy as np
import onnx
import torch

from diffprobe_tools import ortnode
from diffprobe_tools.export import sha256_file
from diffprobe_tools.tiny import reference_input, tiny_model

from tests._util import SELFTEST, needs_ort


class TinyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(SELFTEST, "reference.json")) as f:
            cls.ref = json.load(f)
        cls.path = os.path.join(SELFTEST, "model.onnx")

    def _x(self):
        x = self.ref["inputs"]["x"]
        return np.array(x["data"], dtype=np.float32).reshape(x["shape"])

    def test_reference_is_current(self):
        self.assertEqual(self.ref["sha256"], sha256_file(self.path))
        self.assertTrue(np.array_equal(self._x(), reference_input().numpy()))
        with torch.no_grad():
            y, h1, h2 = tiny_model()(reference_input())
        for name, t in (("y", y), ("h1", h1), ("h2", h2)):
            o = self.ref["outputs"][name]
            self.assertEqual(o["shape"], list(t.shape))
            self.assertLess(np.abs(np.array(o["data"]) - t.flatten().numpy()).max(), 1e-6)
        self.assertEqual(self.ref["outputs"]["h1"]["shape"], [2, 4, 8, 8])
        self.assertEqual(self.ref["outputs"]["h2"]["shape"], [2, 4, 4, 4])
        self.assertEqual(self.ref["outputs"]["y"]["shape"], [2, 3])
        # Not degenerate: ReLU leaves signal in every output.
        for name in ("h1", "h2"):
            self.assertGreater(np.count_nonzero(self.ref["outputs"][name]["data"]), 8)

    def test_graph(self):
        g = onnx.load(self.path).graph
        self.assertEqual([i.name for i in g.input], ["x"])
        self.assertEqual(sorted(o.name for o in g.output), ["h1", "h2", "y"])

    @needs_ort
    def test_onnx_matches_reference(self):
        got = ortnode.run_onnx(self.path, {"x": self._x()})
        for name, o in self.ref["outputs"].items():
            ref = np.array(o["data"], dtype=np.float64).reshape(o["shape"])
            self.assertLessEqual(np.abs(got[name] - ref).max() / np.abs(ref).max(), 1e-4, name)


if __name__ == "__main__":
    unittest.main()
