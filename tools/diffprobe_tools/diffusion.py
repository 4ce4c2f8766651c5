"""DDPM noise schedule, q_sample and DDIM sampling (the paper's T = 1000 linear schedule)."""

from __future__ import annotations

from typing import Callable, List

import torch


def linear_betas(T: int = 1000, beta_start: float = 1e-4, beta_end: float = 0.02) -> torch.Tensor:
    return torch.linspace(beta_start, beta_end, T, dtype=torch.float64)


def alphas_cumprod(betas: torch.Tensor) -> torch.Tensor:
    return torch.cumprod(1.0 - betas, dim=0)


class Schedule:
    def __init__(self, T: int = 1000, beta_start: float = 1e-4, beta_end: float = 0.02):
        self.T = T
        self.beta_start = beta_start
        self.beta_end = beta_end
        self.betas = linear_betas(T, beta_start, beta_end)
        self.abar = alphas_cumprod(self.betas)

    def to_dict(self) -> dict:
        return {"kind": "linear", "T": self.T, "betaStart": self.beta_start, "betaEnd": self.beta_end}

    def q_sample(self, x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        """x_t = sqrt(abar_t)·x0 + sqrt(1 − abar_t)·ε, computed in float64 coefficients."""
        a = self.abar.to(x0.device)[t.long()]
        sa = a.sqrt().float().view(-1, *([1] * (x0.dim() - 1)))
        sb = (1 - a).sqrt().float().view(-1, *([1] * (x0.dim() - 1)))
        return sa * x0 + sb * noise

    @torch.no_grad()
    def ddim_sample(
        self,
        eps_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
        shape: tuple,
        steps: int = 50,
        generator: torch.Generator | None = None,
        device: str | torch.device = "cpu",
        keep_intermediates: bool = False,
    ) -> tuple[torch.Tensor, List[torch.Tensor]]:
        """Deterministic DDIM (eta = 0) over ``steps`` evenly spaced timesteps."""
        x = torch.randn(shape, generator=generator).to(device)
        ts = ddim_timesteps(self.T, steps)
        abar = self.abar.to(device)
        inter: List[torch.Tensor] = []
        for i, t in enumerate(ts):
            tt = torch.full((shape[0],), t, device=device, dtype=torch.float32)
            eps = eps_fn(x, tt)
            a_t = abar[t]
            a_prev = abar[ts[i + 1]] if i + 1 < len(ts) else torch.tensor(1.0, dtype=torch.float64)
            x0 = ((x - (1 - a_t).sqrt().float() * eps) / a_t.sqrt().float()).clamp(-1, 1)
            x = a_prev.sqrt().float() * x0 + (1 - a_prev).sqrt().float() * eps
            if keep_intermediates:
                inter.append(x.detach().cpu())
        return x, inter


def ddim_timesteps(T: int, steps: int) -> List[int]:
    """Evenly spaced timesteps from T−1 down to 0, ``steps`` of them (the TS app uses the same)."""
    if steps < 1 or steps > T:
        raise ValueError(f"steps must be in 1..{T}")
    return [int(round((T - 1) * (1 - i / max(steps - 1, 1)))) for i in range(steps)] if steps > 1 else [T - 1]
