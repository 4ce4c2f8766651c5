"""guided-diffusion's 256×256 unconditional ADM, built on the meta device (shapes, no memory):
state-dict keys and shapes as published, strict loading, the paper's block numbering, refusals."""

import contextlib
import io
import re
import unittest

import torch

from diffprobe_tools.guided import config, convert
from diffprobe_tools.guided.config import PRESETS, UnsupportedConfig, resolve
from diffprobe_tools.guided.manifest import flops_per_block
from diffprobe_tools.guided.model import CheckpointMismatch, build, check_state_dict, strict_load

ADM256 = PRESETS["256x256_diffusion_uncond"]

# Written from the published architecture (channels 256 × (1,1,2,2,4,4), 2 residual blocks per
# level, residual down/up-sampling, attention at 32/16/8 with 64 channels per head, scale-shift
# norm, learned sigma), independently of the model code.
EXPECTED_SHAPES = {
    "time_embed.0.weight": (1024, 256),
    "time_embed.2.weight": (1024, 1024),
    "input_blocks.0.0.weight": (256, 3, 3, 3),
    "input_blocks.1.0.in_layers.0.weight": (256,),
    "input_blocks.1.0.in_layers.2.weight": (256, 256, 3, 3),
    "input_blocks.1.0.emb_layers.1.weight": (512, 1024),  # scale and shift
    "input_blocks.1.0.out_layers.3.weight": (256, 256, 3, 3),
    "input_blocks.3.0.in_layers.2.weight": (256, 256, 3, 3),  # down-sampling residual block
    "input_blocks.7.0.skip_connection.weight": (512, 256, 1, 1),
    "input_blocks.10.1.qkv.weight": (1536, 512, 1),  # first attention: 32×32
    "input_blocks.10.1.proj_out.weight": (512, 512, 1),
    "input_blocks.13.1.qkv.weight": (3072, 1024, 1),
    "input_blocks.17.1.norm.weight": (1024,),
    "middle_block.0.emb_layers.1.weight": (2048, 1024),
    "middle_block.1.qkv.weight": (3072, 1024, 1),
    "middle_block.2.out_layers.3.weight": (1024, 1024, 3, 3),
    "output_blocks.0.0.in_layers.0.weight": (2048,),
    "output_blocks.0.0.skip_connection.weight": (1024, 2048, 1, 1),
    "output_blocks.2.2.in_layers.2.weight": (1024, 1024, 3, 3),  # up-sampling residual block
    "output_blocks.5.2.emb_layers.1.weight": (2048, 1024),  # 16×16 → 32×32, 1024 channels
    "output_blocks.6.0.skip_connection.weight": (512, 1536, 1, 1),  # 1024 + skip 512
    "output_blocks.8.2.emb_layers.1.weight": (1024, 1024),
    "output_blocks.9.0.skip_connection.weight": (512, 1024, 1, 1),
    "output_blocks.17.0.in_layers.0.weight": (512,),
    "output_blocks.17.0.skip_connection.weight": (256, 512, 1, 1),
    "out.0.weight": (256,),
    "out.2.weight": (6, 256, 3, 3),  # learned sigma: ε and variance
    "out.2.bias": (6,),
}


def meta_state_dict(model):
    return {k: torch.empty(v.shape, device="meta") for k, v in model.state_dict().items()}


class Adm256Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.model = build(ADM256, meta=True)
        cls.sd = cls.model.state_dict()

    def test_built_on_the_meta_device(self):
        self.assertTrue(all(p.device.type == "meta" for p in self.model.parameters()))

    def test_published_keys_and_shapes(self):
        for key, shape in EXPECTED_SHAPES.items():
            self.assertIn(key, self.sd)
            self.assertEqual(tuple(self.sd[key].shape), shape, key)
        # 552,814,086 parameters: the published checkpoint (ADM 256 "554M" with the class
        # embedding of the conditional model, 1000 × 1024, on top).
        self.assertEqual(sum(v.numel() for v in self.sd.values()), 552_814_086)
        self.assertEqual(len(self.sd), len(self.model.state_dict()))
        self.assertFalse([k for k in self.sd if k.startswith("label_emb")])
        self.assertFalse([k for k in self.sd if k.endswith(".op.weight") or re.search(r"\.conv\.weight$", k)],
                         "resblock_updown: no conv down/up-samplers")
        qkv = sorted(k for k in self.sd if k.endswith(".qkv.weight"))
        self.assertEqual(len(qkv), 16)  # 6 encoder, 1 middle, 9 decoder attention layers
        self.assertEqual(len([k for k in self.sd if k.startswith("input_blocks.") and k.endswith(".0.weight")
                              and k.count(".") == 3]), 1)

    def test_strict_load_of_every_key(self):
        target = build(ADM256, meta=True)
        strict_load(target, meta_state_dict(self.model))  # raises on any difference

    def test_mismatches_are_named(self):
        sd = meta_state_dict(self.model)
        del sd["middle_block.1.qkv.weight"]
        sd["output_blocks.17.0.skip_connection.weight"] = torch.empty(256, 256, 1, 1, device="meta")
        sd["label_emb.weight"] = torch.empty(1000, 1024, device="meta")
        with self.assertRaises(CheckpointMismatch) as cm:
            check_state_dict(self.model, sd)
        msg = str(cm.exception)
        self.assertIn("middle_block.1.qkv.weight", msg)
        self.assertIn("output_blocks.17.0.skip_connection.weight (256, 256, 1, 1)", msg)
        self.assertIn("class-conditional", msg)

    def test_block_numbering_as_in_the_paper(self):
        blocks = self.model.blocks
        self.assertEqual(len(blocks), 37)
        self.assertEqual([b.index for b in blocks], list(range(1, 38)))
        self.assertEqual([b.stage for b in blocks], ["encoder"] * 18 + ["middle"] + ["decoder"] * 18)
        by = {b.index: b for b in blocks}
        self.assertEqual((by[1].channels, by[1].height, by[1].name), (256, 256, "input_blocks.0"))
        self.assertEqual((by[19].channels, by[19].height, by[19].name), (1024, 8, "middle_block"))
        b24 = by[24]
        self.assertEqual((b24.channels, b24.height, b24.width, b24.name), (1024, 16, 16, "output_blocks.4"))
        self.assertEqual((by[14].channels, by[14].height), (1024, 16))  # block 24's mirror (38 − 24)
        self.assertEqual((by[37].channels, by[37].height), (256, 256))
        self.assertEqual([b.output for b in blocks], [f"block_{i}" for i in range(1, 38)])

    def test_forward_shapes_on_meta(self):
        x = torch.zeros(1, 3, 256, 256, device="meta")
        eps, feats = self.model.forward_blocks(x, torch.full((1,), 90.0, device="meta"))
        self.assertEqual(tuple(eps.shape), (1, 6, 256, 256))
        for b, f in zip(self.model.blocks, feats):
            self.assertEqual(tuple(f.shape), (1, b.channels, b.height, b.width), b.index)

    def test_flops_grow_block_by_block(self):
        total, upto = flops_per_block(ADM256)
        self.assertEqual(len(upto), 37)
        self.assertTrue(all(a < b for a, b in zip(upto, upto[1:])))
        self.assertLessEqual(upto[-1], total)
        self.assertGreater(total, 1e11)  # hundreds of GFLOPs per 256×256 image


class ConfigTest(unittest.TestCase):
    def test_presets_share_the_published_architecture(self):
        for name in ("lsun_bedroom", "lsun_cat", "lsun_horse", "lsun_horse_nodropout"):
            cfg = PRESETS[name]
            self.assertEqual(cfg.n_blocks(), 37, name)
            self.assertEqual(cfg.mult(), (1, 1, 2, 2, 4, 4))

    def test_flags_override_the_preset(self):
        cfg = resolve("256x256_diffusion_uncond", {"num_channels": 128, "attention_resolutions": (16,)})
        self.assertEqual((cfg.num_channels, cfg.attention_resolutions, cfg.image_size), (128, (16,), 256))
        cfg64 = resolve(None, {"image_size": 64, "num_res_blocks": 3})
        self.assertEqual(cfg64.mult(), (1, 2, 3, 4))
        self.assertEqual(cfg64.n_blocks(), 1 + 4 * 3 + 3 + 1 + 4 * 4)
        self.assertEqual(resolve(None, {"diffusion_steps": 4000}).schedule(),
                         {"kind": "linear", "T": 4000, "betaStart": 2.5e-05, "betaEnd": 0.005})

    def test_unsupported_options_are_refused_with_the_reason(self):
        cases = [
            ({"noise_schedule": "sqrt"}, "unknown noise schedule 'sqrt'"),
            ({"image_size": 96}, "no default channel multipliers"),
            ({"num_channels": 200}, "GroupNorm's 32 groups"),
            ({"image_size": 128, "num_channels": 32},
             "96 channels (the attention at 16×16) are not divisible by --num_head_channels 64"),
            ({"num_head_channels": -1, "num_heads": 3}, "cannot be split into --num_heads 3 heads"),
            ({"num_head_channels": -1, "num_heads_upsample": 3}, "--num_heads_upsample 3 heads"),
        ]
        for flags, words in cases:
            with self.assertRaises(UnsupportedConfig, msg=str(flags)) as cm:
                resolve(None, flags)
            self.assertIn(words, str(cm.exception))
        with self.assertRaises(UnsupportedConfig) as cm:
            resolve("64_256_upsampler", {})
        self.assertIn("super-resolution", str(cm.exception))
        with self.assertRaises(UnsupportedConfig) as cm:
            resolve("imagenet_1k", {})
        self.assertIn("unknown --config", str(cm.exception))

    def test_cli_refuses_before_reading_the_checkpoint(self):
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            rc = convert.dispatch(["convert-guided-diffusion", "missing.pt", "--out", "unused",
                                   "--noise_schedule", "quadratic"])
        self.assertEqual(rc, 2)
        self.assertIn("unknown noise schedule 'quadratic'", err.getvalue())
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            rc = convert.dispatch(["convert-guided-diffusion", "missing.pt", "--out", "unused"])
        self.assertEqual(rc, 2)
        self.assertIn("no checkpoint at missing.pt", err.getvalue())

    def test_model_flags_line_round_trips(self):
        line = " ".join(config.describe(ADM256))
        self.assertIn("--attention_resolutions 32,16,8", line)
        self.assertIn("--channel_mult 1,1,2,2,4,4", line)


if __name__ == "__main__":
    unittest.main()
