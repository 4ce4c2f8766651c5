"""Named model configurations."""

from .unet import UNetConfig

# The default model shipped with the app: 19 blocks (9 encoder, 1 middle, 9 decoder),
# 32/64/64 channels at 32×32, 16×16, 8×8, self-attention at 8×8, ≈1.74M parameters.
DEFAULT_ID = "fmnist-adm-s"


def default_config() -> UNetConfig:
    return UNetConfig(
        image_size=32,
        in_channels=1,
        model_channels=32,
        out_channels=1,
        num_res_blocks=2,
        attention_resolutions=(8,),
        channel_mult=(1, 2, 2),
        num_heads=4,
        use_scale_shift_norm=True,
    )
