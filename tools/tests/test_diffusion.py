import unittest

import torch

from diffprobe_tools.diffusion import Schedule, ddim_timesteps


class ScheduleTest(unittest.TestCase):
    def test_linear_betas_and_abar(self):
        s = Schedule()
        self.assertEqual(s.T, 1000)
        self.assertAlmostEqual(float(s.betas[0]), 1e-4, places=12)
        self.assertAlmostEqual(float(s.betas[-1]), 0.02, places=12)
        self.assertAlmostEqual(float(s.abar[0]), 1 - 1e-4, places=12)
        # ᾱ_t = Π (1 − β_s), computed independently.
        betas = [1e-4 + (0.02 - 1e-4) * i / 999 for i in range(1000)]
        prod = 1.0
        for i in range(91):
            prod *= 1 - betas[i]
        self.assertAlmostEqual(float(s.abar[90]), prod, places=10)
        self.assertTrue(bool((s.abar[1:] < s.abar[:-1]).all()))

    def test_q_sample_closed_form(self):
        s = Schedule()
        g = torch.Generator().manual_seed(0)
        x0 = torch.rand(4, 1, 32, 32, generator=g) * 2 - 1
        noise = torch.randn(4, 1, 32, 32, generator=g)
        t = torch.tensor([0, 10, 90, 999])
        xt = s.q_sample(x0, t, noise)
        for i, ti in enumerate(t.tolist()):
            a = float(s.abar[ti])
            expect = a ** 0.5 * x0[i].double() + (1 - a) ** 0.5 * noise[i].double()
            self.assertLess(float((xt[i].double() - expect).abs().max()), 1e-6)
        # Almost clean at t=0, almost pure noise at t=T−1.
        self.assertLess(float((xt[0] - x0[0]).abs().max()), 0.05)
        self.assertLess(float(s.abar[999]), 1e-4)


class DDIMTimestepsTest(unittest.TestCase):
    def test_fifty_steps(self):
        ts = ddim_timesteps(1000, 50)
        self.assertEqual(len(ts), 50)
        self.assertEqual(ts[0], 999)
        self.assertEqual(ts[-1], 0)
        self.assertTrue(all(a > b for a, b in zip(ts, ts[1:])))
        self.assertEqual(ts[:3], [999, 979, 958])  # round(999·(1 − i/49))

    def test_edges(self):
        self.assertEqual(ddim_timesteps(1000, 1), [999])
        self.assertEqual(ddim_timesteps(10, 10), list(range(9, -1, -1)))
        with self.assertRaises(ValueError):
            ddim_timesteps(1000, 0)
        with self.assertRaises(ValueError):
            ddim_timesteps(1000, 1001)

    def test_sampler_runs_and_is_seeded(self):
        s = Schedule()
        eps_fn = lambda x, t: 0.1 * x  # noqa: E731
        a, _ = s.ddim_sample(eps_fn, (2, 1, 4, 4), steps=5, generator=torch.Generator().manual_seed(3))
        b, _ = s.ddim_sample(eps_fn, (2, 1, 4, 4), steps=5, generator=torch.Generator().manual_seed(3))
        self.assertTrue(torch.equal(a, b))
        self.assertLessEqual(float(a.abs().max()), 1.0 + 1e-6)


if __name__ == "__main__":
    unittest.main()
