"""The demo dataset zip: layout, counts, licence files, PNG content, reproducible pick."""

import hashlib
import json
import os
import unittest
import zipfile

import numpy as np

from diffprobe_tools.data import CLASSES, load_split
from diffprobe_tools.demo_dataset import pick
from diffprobe_tools.png import decode_grey, encode_grey

from tests._util import DATASETS

ZIP = os.path.join(DATASETS, "fashion-mnist-demo.zip")
META = os.path.join(DATASETS, "fashion-mnist-demo.json")


@unittest.skipUnless(os.path.exists(ZIP), "run python3 -m diffprobe_tools.demo_dataset first")
class DemoZipTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.zf = zipfile.ZipFile(ZIP)
        cls.names = cls.zf.namelist()
        with open(META, encoding="utf-8") as f:
            cls.meta = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.zf.close()

    def test_layout_and_counts(self):
        self.assertIn("LICENSE.txt", self.names)
        self.assertIn("README.txt", self.names)
        pngs = [n for n in self.names if n.endswith(".png")]
        self.assertEqual(len(pngs), 3000)
        self.assertEqual(len(self.names), 3002)
        for split, per in (("train", 200), ("test", 100)):
            for c in CLASSES:
                expect = {f"{split}/{c}/{n}.png" for n in range(per)}
                got = {n for n in pngs if n.startswith(f"{split}/{c}/")}
                self.assertEqual(got, expect, (split, c))

    def test_licence_and_attribution(self):
        lic = self.zf.read("LICENSE.txt").decode()
        self.assertIn("MIT", lic)
        self.assertIn("Copyright (c) 2017 Zalando SE", lic)
        readme = self.zf.read("README.txt").decode()
        for s in ("Zalando Research", "Xiao", "Rasul", "Vollgraf", "https://github.com/zalandoresearch/fashion-mnist"):
            self.assertIn(s, readme)

    def test_meta(self):
        with open(ZIP, "rb") as f:
            data = f.read()
        self.assertEqual(self.meta["sha256"], hashlib.sha256(data).hexdigest())
        self.assertEqual(self.meta["bytes"], len(data))
        self.assertEqual(self.meta["classes"], CLASSES)
        self.assertEqual(self.meta["counts"]["train"]["total"], 2000)
        self.assertEqual(self.meta["counts"]["test"]["total"], 1000)

    def test_images_are_the_dataset_images(self):
        images, labels = load_split("test")
        chosen = pick(labels, 100, 1)
        for c in (0, 9):
            for n in (0, 99):
                img = decode_grey(self.zf.read(f"test/{CLASSES[c]}/{n}.png"))
                self.assertEqual(img.shape, (28, 28))
                self.assertTrue(np.array_equal(img, images[chosen[c][n]]))


class PickAndPngTest(unittest.TestCase):
    def test_pick_is_balanced_and_deterministic(self):
        labels = np.repeat(np.arange(10), 30)
        a, b = pick(labels, 5, 0), pick(labels, 5, 0)
        self.assertEqual(a, b)
        for c in range(10):
            self.assertEqual(len(set(a[c])), 5)
            self.assertTrue(all(labels[i] == c for i in a[c]))

    def test_png_roundtrip(self):
        img = (np.arange(28 * 20) % 256).astype(np.uint8).reshape(20, 28)
        data = encode_grey(img)
        self.assertTrue(data.startswith(b"\x89PNG\r\n\x1a\n"))
        self.assertTrue(np.array_equal(decode_grey(data), img))
        try:
            import io

            from PIL import Image
        except ImportError:
            return
        self.assertTrue(np.array_equal(np.array(Image.open(io.BytesIO(data))), img))


if __name__ == "__main__":
    unittest.main()
