"""The GPU kit dry-runs on the CPU in seconds: one training step from the committed state, tiny
PyTorch timings, and the WebGPU attempt through Dawn in Node (which may find no adapter)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import unittest

import torch

from diffprobe_tools import gpu_kit
from diffprobe_tools.train_state import DEFAULT_STATE, load_state, make_state, save_state

from ._util import REPO


class GpuKitDryRun(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.out = tempfile.mkdtemp(prefix="gpu-kit-test-")
        cls.status = gpu_kit.main(["--out", cls.out, "--dry-run"])
        with open(os.path.join(cls.out, "gpu-kit-report.json")) as f:
            cls.report = json.load(f)

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(cls.out, ignore_errors=True)

    def test_every_part_ran_without_error(self) -> None:
        self.assertEqual(self.status, 0, json.dumps(self.report, indent=1)[:2000])
        self.assertEqual(self.report["parts"], ["train", "torch", "webgpu"])
        for part in ("train", "torch", "webgpu"):
            self.assertNotIn("error", self.report[part], part)

    def test_timings_run_first_and_training_fills_the_time_left(self) -> None:
        self.assertEqual(self.report["order"], ["torch", "webgpu", "train"])
        self.assertEqual(self.report["deadlineSeconds"], 570.0)
        self.assertLessEqual(self.report["train"]["budgetMinutes"], 570 / 60)

    def test_training_resumes_from_the_committed_state_and_writes_the_next(self) -> None:
        before = load_state(DEFAULT_STATE)
        after = load_state(os.path.join(self.out, "state.pt"))
        self.assertEqual(self.report["train"]["steps"], 1)
        self.assertEqual(after["step"], before["step"] + 1)
        self.assertEqual(after["record"]["warmStarts"][-1]["atStep"], before["step"])
        self.assertEqual(after["record"]["segments"][-1]["steps"], 1)
        changed = [k for k in before["model"] if not torch.equal(before["model"][k], after["model"][k])]
        self.assertTrue(changed, "one optimiser step changed no weight")
        self.assertTrue(all(v.dtype == torch.float16 for v in torch.load(os.path.join(self.out, "state.pt"))["ema"].values()
                            if v.is_floating_point()))

    def test_torch_timings_cover_both_models(self) -> None:
        models = self.report["torch"]["models"]
        self.assertEqual([m["blocks"] for m in models], [19, 37])
        for m in models:
            self.assertEqual([r["batch"] for r in m["rows"]], [1, 2])
            self.assertTrue(all(r["imagesPerSecond"] > 0 for r in m["rows"]))

    def test_webgpu_reports_timings_or_the_reason(self) -> None:
        web = self.report["webgpu"]
        if web["ok"]:
            self.assertEqual([t["batch"] for t in web["timings"]], [1])
            self.assertEqual(web["blocks"], 19)
        else:
            self.assertTrue(web["reason"])
            self.assertNotIn("Cannot find module", web["reason"])
            self.assertNotIn("Dawn did not load", web["reason"])


    def test_the_report_names_no_path_of_this_machine(self) -> None:
        text = json.dumps(self.report["webgpu"])
        for root in ("/tmp/", "/home/", REPO):
            self.assertNotIn(root, text)


class TrainBudget(unittest.TestCase):
    def args(self, *extra: str):
        return gpu_kit.parse_args(["--out", "unused", *extra])

    def test_the_budget_is_what_is_left_before_the_deadline(self) -> None:
        os.environ["DIFFPROBE_KIT_T0"] = str(time.time() - 100)
        try:
            left = gpu_kit.train_minutes(self.args())
            self.assertAlmostEqual(left, (570 - 100 - gpu_kit.TRAIN_OVERHEAD_S) / 60, delta=0.1)
            self.assertEqual(gpu_kit.train_minutes(self.args("--minutes", "2")), 2)
            self.assertAlmostEqual(gpu_kit.train_minutes(self.args("--minutes", "60")), left, delta=0.1)
            with self.assertRaisesRegex(RuntimeError, "no time left"):
                gpu_kit.train_minutes(self.args("--deadline", "110"))
        finally:
            del os.environ["DIFFPROBE_KIT_T0"]


class WebgpuTimeLimit(unittest.TestCase):
    def test_a_step_stopped_by_its_limit_keeps_the_batch_sizes_it_timed(self) -> None:
        tmp = tempfile.mkdtemp()
        script = os.path.join(tmp, "slow.mjs")
        with open(script, "w") as f:  # one batch size timed, then a hang (a slow shader compile)
            f.write('console.log(JSON.stringify({ok: false, partial: true, timings: [{batch: 1, imgPerSec: 5}]}));\n'
                    "setInterval(() => {}, 1000);\n")
        os.environ["DIFFPROBE_WEBGPU_SCRIPT"] = script
        try:
            args = gpu_kit.parse_args(["--out", tmp, "--webgpu-timeout", "3"])
            result = gpu_kit.run_webgpu(args, tmp, {})
        finally:
            del os.environ["DIFFPROBE_WEBGPU_SCRIPT"]
            shutil.rmtree(tmp)
        self.assertFalse(result["ok"])
        self.assertEqual(result["timings"], [{"batch": 1, "imgPerSec": 5}])
        self.assertIn("3 s limit", result["reason"])
        self.assertNotIn("partial", result)


class TrainState(unittest.TestCase):
    def test_round_trip_is_float16_and_refuses_other_files(self) -> None:
        tmp = tempfile.mkdtemp()
        try:
            sd = {"w": torch.tensor([1.0, 1.0 / 3.0]), "n": torch.tensor([3])}
            path = os.path.join(tmp, "s.pt")
            save_state(make_state(sd, sd, 7, {"note": "x"}), path)
            st = load_state(path)
            self.assertEqual(st["step"], 7)
            self.assertEqual(st["model"]["w"].dtype, torch.float32)
            self.assertAlmostEqual(float(st["model"]["w"][1]), 1.0 / 3.0, places=3)
            self.assertEqual(int(st["ema"]["n"][0]), 3)
            torch.save({"model": sd}, path)
            with self.assertRaises(ValueError):
                load_state(path)
        finally:
            shutil.rmtree(tmp)

    def test_the_committed_state_is_the_default_model(self) -> None:
        st = load_state(DEFAULT_STATE)
        from diffprobe_tools.presets import default_config
        from diffprobe_tools.unet import UNetModel

        UNetModel(default_config()).load_state_dict(st["ema"])  # strict: every key, every shape
        self.assertGreater(st["step"], 0)
        self.assertTrue(os.path.isfile(os.path.join(REPO, "tools", "device", "kit.sh")))


if __name__ == "__main__":
    unittest.main()
