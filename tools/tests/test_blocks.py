import unittest

import torch

from diffprobe_tools.export import describe_blocks, mirror_of
from diffprobe_tools.presets import default_config
from diffprobe_tools.unet import UNetModel
from diffprobe_tools.weights import random_model


class BlocksTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.model = random_model()

    def test_nineteen_blocks_9_1_9(self):
        stages = [b.stage for b in self.model.blocks]
        self.assertEqual(len(stages), 19)
        self.assertEqual(stages, ["encoder"] * 9 + ["middle"] + ["decoder"] * 9)
        self.assertEqual([b.index for b in self.model.blocks], list(range(1, 20)))
        self.assertEqual([b.output for b in self.model.blocks], [f"block_{i}" for i in range(1, 20)])

    def test_mirror_rule(self):
        blocks, _ = describe_blocks(self.model)
        by_index = {b["index"]: b for b in blocks}
        self.assertNotIn("mirror", by_index[10])
        for b in blocks:
            if b["stage"] == "middle":
                continue
            m = by_index[b["mirror"]]
            self.assertEqual(b["index"] + m["index"], 20)
            self.assertEqual(m["mirror"], b["index"])
            self.assertNotEqual(m["stage"], b["stage"])
        # Decoder block 11 takes the skip of encoder 9, decoder 19 that of encoder 1 (the input conv).
        self.assertEqual(by_index[11]["mirror"], 9)
        self.assertEqual(by_index[19]["mirror"], 1)
        self.assertEqual(mirror_of(24, "decoder", 37), 14)  # ADM-256: decoder b ↔ encoder 38 − b

    def test_shapes_match_forward(self):
        x = torch.zeros(1, 1, 32, 32)
        with torch.no_grad():
            eps, feats = self.model.forward_blocks(x, torch.tensor([90.0]))
        self.assertEqual(tuple(eps.shape), (1, 1, 32, 32))
        for b, f in zip(self.model.blocks, feats):
            self.assertEqual(tuple(f.shape), (1, b.channels, b.height, b.width), b.output)

    def test_flops_up_to_is_monotone(self):
        blocks, total = describe_blocks(self.model)
        f = [b["flopsUpTo"] for b in blocks]
        self.assertTrue(all(a < b for a, b in zip(f, f[1:])))
        self.assertLess(f[-1], total)
        # Block 1 = the time embedding MLP (32·128 + 128·128 MACs) + the input conv (9·32 per pixel).
        self.assertEqual(f[0], 2 * (32 * 128 + 128 * 128 + 9 * 32 * 32 * 32))

    def test_random_model_uses_every_path(self):
        # ADM zero-initialises the final conv; the random export must not predict ε ≡ 0.
        with torch.no_grad():
            eps = self.model(torch.randn(1, 1, 32, 32), torch.tensor([90.0]))
        self.assertGreater(float(eps.abs().max()), 1e-3)
        fresh = UNetModel(default_config())
        self.assertEqual(set(fresh.state_dict()), set(self.model.state_dict()))


if __name__ == "__main__":
    unittest.main()
