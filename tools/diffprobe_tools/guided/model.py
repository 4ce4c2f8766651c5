"""guided-diffusion's ``UNetModel`` for diffprobe: same module tree, parameter names and shapes.

The network is diffprobe's ADM U-Net (``diffprobe_tools.unet``, written from the published
architecture: ``time_embed``, ``label_emb`` (class-conditional), ``input_blocks``,
``middle_block``, ``output_blocks``, ``out``; legacy or new QKV attention order, GroupNorm in
float32, scale-shift norm, residual up/down-sampling), built here from a guided-diffusion
configuration. A checkpoint loads with strict key matching;
``strict_load`` says in words which keys or shapes differ.
"""

from __future__ import annotations

import contextlib
from typing import Dict, Iterator, List

import torch
from torch import nn

from ..unet import UNetConfig, UNetModel
from .config import GuidedConfig


def unet_config(cfg: GuidedConfig) -> UNetConfig:
    cfg.check()
    return UNetConfig(
        image_size=cfg.image_size,
        in_channels=cfg.in_channels,
        model_channels=cfg.num_channels,
        out_channels=cfg.in_channels,
        num_res_blocks=cfg.num_res_blocks,
        # the resolutions of guided-diffusion's attention_ds (image_size // res, as create_model)
        attention_resolutions=tuple(cfg.image_size // d for d in cfg.attention_ds() if d > 0),
        channel_mult=tuple(cfg.mult()),  # type: ignore[arg-type]  # 0.5 for 512×512
        num_heads=cfg.num_heads,
        num_head_channels=cfg.num_head_channels,
        use_scale_shift_norm=cfg.use_scale_shift_norm,
        resblock_updown=cfg.resblock_updown,
        conv_resample=True,
        dropout=0.0,  # inference only
        learn_sigma=cfg.learn_sigma,
        num_heads_upsample=cfg.num_heads_upsample,
        use_new_attention_order=cfg.use_new_attention_order,
        num_classes=cfg.num_classes if cfg.class_cond else None,
    )


@contextlib.contextmanager
def on_meta_device() -> Iterator[None]:
    """Modules built inside get their parameters on the meta device: shapes without memory, so
    the 550M-parameter model can be built and checked in a second."""
    original = nn.Module.register_parameter

    def register(self: nn.Module, name: str, param):  # type: ignore[no-untyped-def]
        if param is not None and param.device.type != "meta":
            param = nn.Parameter(param.to("meta"), requires_grad=param.requires_grad)
        original(self, name, param)

    nn.Module.register_parameter = register  # type: ignore[assignment]
    try:
        yield
    finally:
        nn.Module.register_parameter = original  # type: ignore[assignment]


def build(cfg: GuidedConfig, meta: bool = False) -> UNetModel:
    """The U-Net of ``cfg`` (random init; on the meta device with ``meta``), in eval mode."""
    ucfg = unet_config(cfg)
    if meta:
        with on_meta_device():
            return UNetModel(ucfg).eval()
    return UNetModel(ucfg).eval()


class CheckpointMismatch(ValueError):
    """The checkpoint's keys or shapes are not those of the configured model."""


def _few(keys: List[str], n: int = 5) -> str:
    more = f" … and {len(keys) - n} more" if len(keys) > n else ""
    return ", ".join(keys[:n]) + more


def unwrap_state_dict(obj: object) -> Dict[str, torch.Tensor]:
    """The state dict inside a loaded checkpoint: guided-diffusion saves a plain state dict;
    wrappers with ``state_dict``/``model``/``ema`` and a ``module.`` prefix are accepted."""
    if isinstance(obj, dict):
        for key in ("ema", "model_ema", "state_dict", "model"):
            inner = obj.get(key)
            if isinstance(inner, dict) and any(isinstance(v, torch.Tensor) for v in inner.values()):
                obj = inner
                break
    if not isinstance(obj, dict) or not obj:
        raise CheckpointMismatch("the checkpoint holds no state dict (a dict of parameter tensors)")
    sd = {k: v for k, v in obj.items() if isinstance(v, torch.Tensor)}
    if not sd:
        raise CheckpointMismatch("the checkpoint holds no tensors")
    if all(k.startswith("module.") for k in sd):
        sd = {k[len("module."):]: v for k, v in sd.items()}
    return sd


def check_state_dict(model: nn.Module, sd: Dict[str, torch.Tensor]) -> None:
    """Raise CheckpointMismatch unless ``sd`` has exactly the model's keys and shapes."""
    own = model.state_dict()
    missing = [k for k in own if k not in sd]
    unexpected = [k for k in sd if k not in own]
    wrong = [f"{k} {tuple(sd[k].shape)} (model: {tuple(own[k].shape)})"
             for k in own if k in sd and tuple(sd[k].shape) != tuple(own[k].shape)]
    problems = []
    if missing:
        problems.append(f"{len(missing)} keys missing from the checkpoint: {_few(missing)}")
    if unexpected:
        problems.append(f"{len(unexpected)} unexpected keys: {_few(unexpected)}")
    if wrong:
        problems.append(f"{len(wrong)} shapes differ: {_few(wrong, 3)}")
    if problems:
        hint = ""
        if any(k.startswith("label_emb") for k in unexpected):
            hint = (" The checkpoint is class-conditional (label_emb): give --class_cond True or a "
                    "class-conditional --config (64x64_diffusion … 512x512_diffusion).")
        elif any(k.startswith("label_emb") for k in missing):
            hint = " The checkpoint is unconditional (no label_emb): give --class_cond False."
        elif wrong or missing:
            hint = " Check --config or the model flags (they must be the checkpoint's MODEL_FLAGS)."
        raise CheckpointMismatch("the checkpoint does not fit the configured model: "
                                 + "; ".join(problems) + "." + hint)


def strict_load(model: nn.Module, sd: Dict[str, torch.Tensor]) -> nn.Module:
    """Check keys and shapes with clear messages, then load with ``strict=True`` (as float32)."""
    check_state_dict(model, sd)
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in sd.items()},
                          strict=True)
    return model.eval()


def load_checkpoint(path: str) -> Dict[str, torch.Tensor]:
    try:
        obj = torch.load(path, map_location="cpu")
    except Exception as err:  # noqa: BLE001 - any unreadable file gets the same message
        raise CheckpointMismatch(f"{path} is not a PyTorch checkpoint torch.load can read ({err})") from err
    return unwrap_state_dict(obj)
