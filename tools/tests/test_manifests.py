"""Every manifest shipped in public/models validates and describes its ONNX file."""

import glob
import json
import os
import unittest

import onnx

from diffprobe_tools.export import sha256_file
from diffprobe_tools.schema import load_schema, validate, validator_name

from tests._util import MODELS


def manifests():
    return sorted(glob.glob(os.path.join(MODELS, "*", "manifest.json")))


class ManifestsTest(unittest.TestCase):
    def test_there_is_a_default_model(self):
        self.assertIn(os.path.join(MODELS, "fmnist-adm-s", "manifest.json"), manifests())

    def test_every_manifest_validates(self):
        schema = load_schema()
        for path in manifests():
            with self.subTest(path=path, validator=validator_name()):
                with open(path, encoding="utf-8") as f:
                    man = json.load(f)
                self.assertEqual(validate(man, schema), [])
                self.assertEqual(man["id"], os.path.basename(os.path.dirname(path)))

    def test_validator_rejects_bad_manifests(self):
        with open(os.path.join(MODELS, "fmnist-adm-s", "manifest.json"), encoding="utf-8") as f:
            man = json.load(f)
        bad = json.loads(json.dumps(man))
        bad["unknown"] = 1
        bad["blocks"][0]["stage"] = "somewhere"
        bad["sha256"] = "xyz"
        errors = validate(bad)
        self.assertEqual(len(errors), 3, errors)

    def test_files_hashes_and_outputs(self):
        for path in manifests():
            with self.subTest(path=path):
                with open(path, encoding="utf-8") as f:
                    man = json.load(f)
                onnx_path = os.path.join(os.path.dirname(path), man["file"])
                self.assertEqual(sha256_file(onnx_path), man["sha256"], "stale manifest: re-export")
                self.assertEqual(os.path.getsize(onnx_path), man["bytes"])
                self.assertLessEqual(man["bytes"], 30 * 1024 * 1024)
                g = onnx.load(onnx_path).graph
                outs = [o.name for o in g.output]
                ins = [i.name for i in g.input]
                self.assertIn(man["inputs"]["x"], ins)
                if "t" in man["inputs"]:
                    self.assertIn(man["inputs"]["t"], ins)
                for b in man["blocks"]:
                    self.assertIn(b["output"], outs)
                for name in man.get("outputs", {}).values():
                    self.assertIn(name, outs)
                self.assertEqual([b["index"] for b in man["blocks"]], list(range(1, len(man["blocks"]) + 1)))

    def test_diffusion_manifests_follow_the_block_rules(self):
        for path in manifests():
            with open(path, encoding="utf-8") as f:
                man = json.load(f)
            if man["kind"] != "diffusion":
                continue
            with self.subTest(path=path):
                stages = [b["stage"] for b in man["blocks"]]
                n_enc, n_dec = stages.count("encoder"), stages.count("decoder")
                self.assertEqual(stages, ["encoder"] * n_enc + ["middle"] + ["decoder"] * n_dec)
                n = len(stages)
                for b in man["blocks"]:
                    if b["stage"] != "middle":
                        self.assertEqual(b["mirror"], n + 1 - b["index"])
                flops = [b["flopsUpTo"] for b in man["blocks"]]
                self.assertEqual(flops, sorted(flops))
                self.assertLess(flops[-1], man["flops"])


if __name__ == "__main__":
    unittest.main()
