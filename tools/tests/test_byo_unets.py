import os
import tempfile
import unittest

import onnx

from diffprobe_tools import byo_unets


class ByoUnetsTest(unittest.TestCase):
    def test_exports_four_valid_models_one_without_module_paths(self):
        with tempfile.TemporaryDirectory() as out:
            self.assertEqual(byo_unets.main(["--out", out]), 0)
            names = sorted(os.listdir(out))
            self.assertEqual(
                names,
                ["downs-ups.onnx", "encoder-decoder.onnx", "inp-mid-out.onnx", "no-paths.onnx"],
            )
            for n in names:
                m = onnx.load(os.path.join(out, n))
                onnx.checker.check_model(m)
                self.assertEqual([i.name for i in m.graph.input if i.name in ("x", "t")], ["x", "t"])
                self.assertLess(os.path.getsize(os.path.join(out, n)), 200_000)
            paths = [n.name for n in onnx.load(os.path.join(out, "inp-mid-out.onnx")).graph.node]
            self.assertTrue(any(p.startswith("/inp.0/") for p in paths))
            self.assertTrue(any(p.startswith("/out.5/") for p in paths))
            bare = onnx.load(os.path.join(out, "no-paths.onnx")).graph
            self.assertFalse(any("/" in n.name for n in bare.node))
            self.assertFalse(any("/" in t for n in bare.node for t in list(n.input) + list(n.output)))


if __name__ == "__main__":
    unittest.main()
