"""Count the FLOPs of one forward pass (2 × multiply-accumulates) with forward hooks.

Counted: every Conv1d/Conv2d, every Linear, and the two attention matmuls (q·kᵀ and
weights·v) of each QKVAttention. Normalisation, activations, additions, resampling and the
softmax are not counted (they are a small share and not MACs).
"""

from __future__ import annotations

from typing import Callable, Dict, List, Sequence

import torch
from torch import nn

from .unet import QKVAttention


def _conv_macs(m: nn.Module, out: torch.Tensor) -> int:
    w = m.weight
    per_out = w.shape[1] * int(torch.tensor(w.shape[2:]).prod().item())  # (C_in/groups)·k…
    return int(out.numel() // out.shape[0]) * per_out


def _macs(m: nn.Module, inputs: tuple, out: torch.Tensor) -> int:
    if isinstance(m, (nn.Conv1d, nn.Conv2d)):
        return _conv_macs(m, out)
    if isinstance(m, nn.Linear):
        return int(out.numel() // out.shape[0]) * m.in_features
    if isinstance(m, QKVAttention):
        qkv = inputs[0]
        _, width, length = qkv.shape
        ch = width // (3 * m.n_heads)
        return 2 * m.n_heads * ch * length * length
    return 0


def count_flops(
    model: nn.Module,
    run: Callable[[], object],
    checkpoints: Sequence[nn.Module] = (),
) -> tuple[float, List[float]]:
    """Run ``run()`` (a batch-1 forward) with hooks; return (total FLOPs, FLOPs counted when
    each module in ``checkpoints`` finished, in the order given)."""
    total = [0]
    marks: Dict[int, float] = {}
    handles = []

    def counter(m, inputs, out):
        total[0] += _macs(m, inputs, out)

    for m in model.modules():
        if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.Linear, QKVAttention)):
            handles.append(m.register_forward_hook(counter))
    for i, m in enumerate(checkpoints):
        handles.append(m.register_forward_hook(lambda _m, _i, _o, i=i: marks.__setitem__(i, 2.0 * total[0])))
    try:
        with torch.no_grad():
            run()
    finally:
        for h in handles:
            h.remove()
    return 2.0 * total[0], [marks[i] for i in range(len(checkpoints))]
