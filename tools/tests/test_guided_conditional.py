"""guided-diffusion's class-conditional and cosine-schedule checkpoints: the four published
configurations (built on the meta device), the flags as overrides with guided-diffusion's own
validation, the new attention order against guided-diffusion's formula, the cosine betas, and
reduced-width conversions whose ONNX (x, t, y) equals the project's ADM port to 1e-4."""

import json
import math
import os
import shutil
import tempfile
import unittest

import onnx
import torch

from diffprobe_tools import onnx_check, ortnode
from diffprobe_tools.guided import convert
from diffprobe_tools.guided.config import PRESETS, UnsupportedConfig, cosine_betas, resolve
from diffprobe_tools.guided.model import CheckpointMismatch, build, check_state_dict, strict_load
from diffprobe_tools.guided.random_weights import random_state_dict
from diffprobe_tools.schema import validate
from diffprobe_tools.unet import QKVAttentionNewOrder

from tests._util import needs_ort

# Parameter counts of the published models (the ADM paper's table: 296M, 422M, 554M, 559M).
PUBLISHED_MILLIONS = {"64x64_diffusion": 296, "128x128_diffusion": 422, "256x256_diffusion": 554,
                      "512x512_diffusion": 559}


class PublishedConditionalTest(unittest.TestCase):
    def test_the_four_class_conditional_configs_build_with_label_emb(self):
        for name, millions in PUBLISHED_MILLIONS.items():
            cfg = resolve(name, {})
            self.assertTrue(cfg.class_cond, name)
            sd = build(cfg, meta=True).state_dict()
            self.assertEqual(round(sum(v.numel() for v in sd.values()) / 1e6), millions, name)
            emb = 4 * cfg.num_channels  # the time embedding's width
            self.assertEqual(tuple(sd["label_emb.weight"].shape), (1000, emb), name)

    def test_64_model_is_cosine_new_order_three_res_blocks(self):
        cfg = PRESETS["64x64_diffusion"]
        self.assertEqual((cfg.noise_schedule, cfg.use_new_attention_order, cfg.num_res_blocks),
                         ("cosine", True, 3))
        self.assertEqual(cfg.n_blocks(), 33)
        model = build(cfg, meta=True)
        self.assertEqual([b.stage for b in model.blocks], ["encoder"] * 16 + ["middle"] + ["decoder"] * 16)
        self.assertEqual(cfg.schedule(), {"kind": "cosine", "T": 1000, "s": 0.008, "maxBeta": 0.999})
        kinds = {type(m.attention).__name__ for m in model.modules() if hasattr(m, "attention")}
        self.assertEqual(kinds, {"QKVAttentionNewOrder"})

    def test_128_model_uses_four_heads(self):
        model = build(PRESETS["128x128_diffusion"], meta=True)
        heads = {m.attention.n_heads for m in model.modules() if hasattr(m, "attention")}
        self.assertEqual(heads, {4})
        model = build(resolve("128x128_diffusion", {"num_heads_upsample": 8}), meta=True)
        heads = [m.attention.n_heads for m in model.output_blocks.modules() if hasattr(m, "attention")]
        self.assertEqual(set(heads), {8})
        self.assertEqual(model.middle_block[1].attention.n_heads, 4)  # the middle keeps --num_heads

    def test_label_emb_mismatches_say_which_flag(self):
        uncond = build(resolve("256x256_diffusion_uncond", {}), meta=True)
        cond_sd = build(PRESETS["256x256_diffusion"], meta=True).state_dict()
        with self.assertRaises(CheckpointMismatch) as cm:
            check_state_dict(uncond, cond_sd)
        self.assertIn("--class_cond True", str(cm.exception))
        with self.assertRaises(CheckpointMismatch) as cm:
            check_state_dict(build(PRESETS["256x256_diffusion"], meta=True), uncond.state_dict())
        self.assertIn("--class_cond False", str(cm.exception))


class FlagOverrideTest(unittest.TestCase):
    def test_num_channels_32_on_every_config_as_guided_diffusion_decides(self):
        # 256 and 512 share attention at 32/16/8 where the width is ≥ 64: accepted although the
        # first levels (32 channels) are not multiples of --num_head_channels 64.
        for name in ("256x256_diffusion_uncond", "256x256_diffusion", "128x128_diffusion",
                     "lsun_bedroom"):
            self.assertEqual(resolve(name, {"num_channels": 32}).num_channels, 32, name)
        # 512: the 0.5 multiplier makes a 16-channel level, which GroupNorm(32) cannot split.
        with self.assertRaises(UnsupportedConfig) as cm:
            resolve("512x512_diffusion", {"num_channels": 32})
        self.assertIn("16 channels (--num_channels 32 × 0.5)", str(cm.exception))
        self.assertEqual(resolve("512x512_diffusion", {"num_channels": 64}).num_channels, 64)
        # 64: 32 × 3 = 96 channels have attention at 16×16; guided-diffusion asserts 96 % 64.
        with self.assertRaises(UnsupportedConfig) as cm:
            resolve("64x64_diffusion", {"num_channels": 32})
        self.assertIn("96 channels (the attention at 16×16)", str(cm.exception))
        self.assertEqual(resolve("64x64_diffusion", {"num_channels": 32, "num_head_channels": 32})
                         .num_channels, 32)

    def test_attention_resolutions_become_down_sampling_factors(self):
        # guided-diffusion: attention_ds = image_size // res, so 24 at 64×64 means ds 2 (32×32)
        cfg = resolve("64x64_diffusion", {"attention_resolutions": (24,)})
        self.assertEqual(cfg.attention_levels(), [1])
        model = build(cfg, meta=True)
        att = [i for i, blk in enumerate(model.input_blocks) if len(blk) > 1 and hasattr(blk[1], "attention")]
        self.assertEqual(att, [5, 6, 7])  # the three residual blocks at 32×32 (4 down-samples)


class NewAttentionOrderTest(unittest.TestCase):
    def test_equals_guided_diffusions_qkv_attention(self):
        # guided-diffusion's QKVAttention.forward, as published (einsum on chunked q, k, v).
        def reference(qkv, n_heads):
            bs, width, length = qkv.shape
            ch = width // (3 * n_heads)
            q, k, v = qkv.chunk(3, dim=1)
            scale = 1 / math.sqrt(math.sqrt(ch))
            weight = torch.einsum("bct,bcs->bts", (q * scale).view(bs * n_heads, ch, length),
                                  (k * scale).view(bs * n_heads, ch, length))
            weight = torch.softmax(weight.float(), dim=-1).type(weight.dtype)
            a = torch.einsum("bts,bcs->bct", weight, v.reshape(bs * n_heads, ch, length))
            return a.reshape(bs, -1, length)

        qkv = torch.randn(2, 3 * 4 * 8, 10, generator=torch.Generator().manual_seed(0))
        got = QKVAttentionNewOrder(4)(qkv)
        self.assertLess(float((got - reference(qkv, 4)).abs().max()), 1e-5)
        legacy = build(resolve("64x64_diffusion", {"use_new_attention_order": False}), meta=True)
        self.assertEqual(legacy.state_dict().keys(), build(PRESETS["64x64_diffusion"], meta=True)
                         .state_dict().keys())  # same parameters, other arithmetic


class CosineBetasTest(unittest.TestCase):
    def test_alpha_bar_follows_nichol_and_dhariwal(self):
        betas = cosine_betas(1000)
        self.assertEqual(len(betas), 1000)
        f = lambda u: math.cos((u + 0.008) / 1.008 * math.pi / 2) ** 2  # noqa: E731
        abar = 1.0
        for i, b in enumerate(betas[:990]):
            abar *= 1 - b
            self.assertAlmostEqual(abar, f((i + 1) / 1000) / f(0), delta=1e-12)
        self.assertEqual(betas[-1], 0.999)  # clipped at the end
        self.assertAlmostEqual(betas[0], 1 - f(0.001) / f(0), places=15)


# Reduced-width copies of the published conditional models (16×16 / 32×32 images).
REDUCED = {
    # 64x64_diffusion: cosine, new attention order, 3 residual blocks, class-conditional
    "64x64_diffusion": ["--image_size", "16", "--num_channels", "32", "--channel_mult", "1,2,3,4",
                        "--attention_resolutions", "8,4,2", "--num_head_channels", "32"],
    # 128x128_diffusion: heads by count (4), decoder heads by --num_heads_upsample 2
    "128x128_diffusion": ["--image_size", "32", "--num_channels", "32", "--channel_mult", "1,1,2,3,4",
                          "--attention_resolutions", "8,4", "--num_heads_upsample", "2"],
}


def parse(flags):
    ap = convert.parser()
    args = ap.parse_args(["unused.pt", "--out", "unused", *flags])
    return convert.flags_of(args)


@needs_ort
class ConditionalParityTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="diffprobe-guided-cond-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def convert(self, preset):
        cfg = resolve(preset, parse(REDUCED[preset]))
        sd = random_state_dict(cfg, seed=5)
        ckpt = os.path.join(self.tmp, f"{preset}.pt")
        torch.save(sd, ckpt)
        out = os.path.join(self.tmp, preset)
        rc = convert.main([ckpt, "--config", preset, *REDUCED[preset], "--out", out, "--dtype", "float32",
                           "--threads", "1"])
        self.assertEqual(rc, 0)
        with open(os.path.join(out, "manifest.json")) as f:
            man = json.load(f)
        return cfg, strict_load(build(cfg), sd), out, man

    def parity(self, cfg, model, out):
        g = torch.Generator().manual_seed(2)
        s = cfg.image_size
        x = torch.randn(3, 3, s, s, generator=g).clamp(-3, 3)
        t = torch.tensor([10.0, 400.0, 900.0])
        y = torch.tensor([0, 7, 999])
        with torch.no_grad():
            eps, feats = model.forward_blocks(x, t, y=y)
            other, _ = model.forward_blocks(x, t, y=torch.tensor([1, 8, 5]))
        self.assertGreater(float((other - eps).abs().max()), 1e-3)  # the label matters
        ref = {"eps": eps[:, :3].numpy(), **{b.output: f.numpy() for b, f in zip(model.blocks, feats)}}
        got = ortnode.run_onnx(os.path.join(out, "model.onnx"),
                               {"x": x.numpy(), "t": t.numpy(), "y": y.numpy()})
        self.assertEqual(set(got), set(ref))
        worst = max(onnx_check.rel_error(got[n], r) for n, r in ref.items())
        self.assertLessEqual(worst, 1e-4)
        return worst

    def graph_inputs(self, out):
        g = onnx.load(os.path.join(out, "model.onnx"), load_external_data=False).graph
        return {i.name: i.type.tensor_type.elem_type for i in g.input}

    def test_64_reduced_cosine_new_order_class_conditional(self):
        cfg, model, out, man = self.convert("64x64_diffusion")
        self.assertEqual(validate(man), [])
        self.assertEqual(man["schedule"], {"kind": "cosine", "T": 1000, "s": 0.008, "maxBeta": 0.999})
        self.assertEqual(man["inputs"]["conditioning"],
                         [{"name": "y", "role": "class", "dtype": "int64", "classes": 1000}])
        self.assertEqual(len(man["blocks"]), 33)
        self.assertEqual(self.graph_inputs(out), {"x": onnx.TensorProto.FLOAT, "t": onnx.TensorProto.FLOAT,
                                                  "y": onnx.TensorProto.INT64})
        self.assertIn("--use_new_attention_order True", man["architecture"]["flags"])
        self.parity(cfg, model, out)
        # The check command feeds y as well and passes on its own conversion.
        from diffprobe_tools.guided import check

        ckpt = os.path.join(self.tmp, "64x64_diffusion.pt")
        rc = check.main([ckpt, "--config", "64x64_diffusion", *REDUCED["64x64_diffusion"], "--model", out,
                         "--outputs", "eps,block_1,block_17,block_33", "--threads", "1"])
        self.assertEqual(rc, 0)

    def test_128_reduced_heads_by_count_class_conditional(self):
        cfg, model, out, man = self.convert("128x128_diffusion")
        self.assertEqual(validate(man), [])
        self.assertEqual(man["schedule"]["kind"], "linear")
        self.assertEqual(len(man["blocks"]), 31)
        self.assertIn("class-conditional", man["description"])
        self.parity(cfg, model, out)


if __name__ == "__main__":
    unittest.main()
