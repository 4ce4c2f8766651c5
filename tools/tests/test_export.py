"""Export a random-weight U-Net to a temporary folder and check the ONNX against PyTorch."""

import json
import os
import shutil
import tempfile
import unittest

import onnx

from diffprobe_tools import export, onnx_check
from diffprobe_tools.schema import validate
from diffprobe_tools.weights import random_model

from tests._util import needs_ort


class ExportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="diffprobe-export-")
        cls.model = random_model()
        cls.manifest = export.export(cls.model, cls.tmp, "test-model", {"note": "random weights"},
                                     "unit test export", quality={"note": "none"})
        cls.onnx_path = os.path.join(cls.tmp, "model.onnx")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_graph_inputs_and_outputs(self):
        g = onnx.load(self.onnx_path).graph
        self.assertEqual([i.name for i in g.input], ["x", "t"])
        self.assertEqual([o.name for o in g.output], ["eps"] + [f"block_{i}" for i in range(1, 20)])
        x_dims = [d.dim_param or d.dim_value for d in g.input[0].type.tensor_type.shape.dim]
        self.assertEqual(x_dims, ["batch", 1, 32, 32])
        t_dims = [d.dim_param or d.dim_value for d in g.input[1].type.tensor_type.shape.dim]
        self.assertEqual(t_dims, ["batch"])
        self.assertEqual(onnx.load(self.onnx_path).opset_import[0].version, 17)
        ops = {n.op_type for n in g.node}
        self.assertNotIn("Einsum", ops)  # attention is exported as MatMul

    def test_size_limit(self):
        self.assertLessEqual(os.path.getsize(self.onnx_path), 30 * 1024 * 1024)

    def test_manifest_validates_and_describes_the_file(self):
        with open(os.path.join(self.tmp, "manifest.json")) as f:
            man = json.load(f)
        self.assertEqual(validate(man), [])
        self.assertEqual(man["sha256"], export.sha256_file(self.onnx_path))
        self.assertEqual(man["bytes"], os.path.getsize(self.onnx_path))
        self.assertEqual(man["kind"], "diffusion")
        self.assertEqual(man["schedule"], {"kind": "linear", "T": 1000, "betaStart": 1e-4, "betaEnd": 0.02})
        self.assertEqual(man["inputs"], {"x": "x", "t": "t", "tDtype": "float32"})
        self.assertEqual(man["training"], {"note": "random weights"})
        self.assertEqual(man["parameters"], sum(p.numel() for p in self.model.parameters()))
        self.assertEqual(len(man["blocks"]), 19)

    @needs_ort
    def test_onnx_matches_pytorch(self):
        errors = onnx_check.compare(self.model, self.onnx_path, batch=3)
        self.assertEqual(set(errors), {"eps"} | {f"block_{i}" for i in range(1, 20)})
        for name, err in errors.items():
            self.assertLessEqual(err, onnx_check.TOLERANCE, name)


if __name__ == "__main__":
    unittest.main()
