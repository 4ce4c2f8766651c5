"""The classifier's ONNX export has every layer as an output and equals PyTorch."""

import json
import os
import shutil
import tempfile
import unittest

import numpy as np
import onnx
import torch

from diffprobe_tools import ortnode
from diffprobe_tools.classifier import MODEL_ID, ResNetS, export_classifier
from diffprobe_tools.schema import validate

from tests._util import MODELS, needs_ort

LAYERS = [f"layer_{i}" for i in range(1, 8)]


class ClassifierExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="diffprobe-cls-")
        torch.manual_seed(0)
        cls.model = ResNetS((8, 16, 16)).eval()
        cls.man = export_classifier(cls.model, cls.tmp, {"testAccuracy": 0.1}, {"note": "test"})

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_layers_are_outputs(self):
        g = onnx.load(os.path.join(self.tmp, "model.onnx")).graph
        self.assertEqual([o.name for o in g.output], ["logits"] + LAYERS)
        self.assertEqual([b["output"] for b in self.man["blocks"]], LAYERS)
        self.assertEqual({b["stage"] for b in self.man["blocks"]}, {"layer"})
        self.assertEqual(validate(self.man), [])

    @needs_ort
    def test_onnx_matches_pytorch(self):
        x = torch.randn(3, 1, 32, 32, generator=torch.Generator().manual_seed(1))
        with torch.no_grad():
            logits, feats = self.model.forward_layers(x)
        got = ortnode.run_onnx(os.path.join(self.tmp, "model.onnx"), {"x": x.numpy()})
        for name, ref in [("logits", logits)] + list(zip(LAYERS, feats)):
            ref = ref.numpy()
            err = np.abs(got[name] - ref).max() / np.abs(ref).max()
            self.assertLessEqual(err, 1e-4, name)


class ShippedClassifierTest(unittest.TestCase):
    path = os.path.join(MODELS, MODEL_ID)

    def setUp(self):
        if not os.path.exists(os.path.join(self.path, "manifest.json")):
            self.skipTest(f"{self.path} not exported yet (python3 -m diffprobe_tools.classifier)")
        with open(os.path.join(self.path, "manifest.json"), encoding="utf-8") as f:
            self.man = json.load(f)

    def test_manifest_and_outputs(self):
        g = onnx.load(os.path.join(self.path, "model.onnx")).graph
        outs = [o.name for o in g.output]
        self.assertEqual(outs[0], "logits")
        self.assertEqual(outs[1:], [b["output"] for b in self.man["blocks"]])
        self.assertGreaterEqual(len(self.man["blocks"]), 7)
        self.assertEqual(self.man["kind"], "classifier")
        self.assertEqual(len(self.man["classes"]), 10)
        self.assertGreaterEqual(self.man["quality"]["testAccuracy"], 0.88)


if __name__ == "__main__":
    unittest.main()
