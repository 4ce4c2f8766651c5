"""Fashion-MNIST from Debian's ``dataset-fashion-mnist`` package (IDX files, gzip)."""

from __future__ import annotations

import gzip
import os
from typing import Tuple

import numpy as np
import torch

DEFAULT_DIR = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
CLASSES = [
    "T-shirt_top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot",
]


def _read_idx(path: str) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_split(split: str, root: str = DEFAULT_DIR) -> Tuple[np.ndarray, np.ndarray]:
    """Return (uint8 images [N, 28, 28], int64 labels [N]) for ``train`` or ``test``."""
    prefix = "train" if split == "train" else "t10k"
    images = _read_idx(os.path.join(root, f"{prefix}-images-idx3-ubyte.gz"))
    labels = _read_idx(os.path.join(root, f"{prefix}-labels-idx1-ubyte.gz")).astype(np.int64)
    return images, labels


def to_model_input(images_u8: np.ndarray) -> torch.Tensor:
    """uint8 [N, 28, 28] → float32 [N, 1, 32, 32] in [-1, 1], padded with the background (−1)."""
    x = torch.from_numpy(images_u8.astype(np.float32) / 127.5 - 1.0)[:, None]
    return torch.nn.functional.pad(x, (2, 2, 2, 2), value=-1.0)
