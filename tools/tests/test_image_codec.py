"""The GPU kit's image codec gives back every byte, on images like Fashion-MNIST's and on noise."""

from __future__ import annotations

import gzip
import os
import tempfile
import unittest

import numpy as np

from diffprobe_tools import image_codec


def shapes(n: int) -> np.ndarray:
    """Garment-like images: dark background, bright blobs with soft edges and some texture."""
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:28, 0:28]
    out = np.zeros((n, 28, 28), np.uint8)
    for i in range(n):
        cy, cx, r = rng.uniform(9, 19), rng.uniform(9, 19), rng.uniform(5, 12)
        inside = np.clip(r - np.hypot(yy - cy, xx - cx), 0, 3) / 3
        out[i] = np.clip(inside * rng.uniform(120, 255) + inside * rng.normal(0, 20, (28, 28)), 0, 255)
    return out


class ImageCodec(unittest.TestCase):
    def test_round_trip_is_exact_and_smaller_than_the_pixels(self) -> None:
        for images in (shapes(60), np.random.default_rng(1).integers(0, 256, (7, 5, 9), dtype=np.uint8)):
            blob = image_codec.encode(images)
            np.testing.assert_array_equal(image_codec.decode(blob), images)
        self.assertLess(len(image_codec.encode(shapes(600))), 600 * 784 // 2)

    def test_files_round_trip_through_idx(self) -> None:
        images = shapes(12)
        header = bytes([0, 0, 8, 3]) + (12).to_bytes(4, "big") + (28).to_bytes(4, "big") * 2
        with tempfile.TemporaryDirectory() as tmp:
            src, packed, back = (os.path.join(tmp, f) for f in ("i.gz", "i.dpic", "o.gz"))
            with gzip.open(src, "wb") as f:
                f.write(header + images.tobytes())
            image_codec.main(["encode", src, packed])
            image_codec.main(["decode", packed, back])
            self.assertEqual(gzip.open(back).read(), header + images.tobytes())

    def test_other_bytes_are_refused(self) -> None:
        with self.assertRaises(ValueError):
            image_codec.decode(b"\xfd7zXZ\x00" + bytes(40))


if __name__ == "__main__":
    unittest.main()
