"""Write the app's demo dataset: a class-balanced Fashion-MNIST subset as PNGs in a zip.

    cd tools
    python3 -m diffprobe_tools.demo_dataset --out ../public/datasets

Picks ``--train-per-class`` (200) training and ``--test-per-class`` (100) test images per class:
for each class, the first images of a seeded permutation (numpy RandomState(seed 0)) of that
class's indices, in permutation order. Writes ``fashion-mnist-demo.zip`` with
``train/<class>/<n>.png`` and ``test/<class>/<n>.png`` (28×28 8-bit greyscale, n from 0),
``LICENSE.txt`` and ``README.txt``, and ``fashion-mnist-demo.json`` describing it. The zip is
byte-for-byte reproducible (fixed timestamps, sorted entries).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import zipfile
from typing import Dict, List

import numpy as np

from .data import CLASSES, load_split
from .png import encode_grey

NAME = "fashion-mnist-demo"
DATE = (2017, 8, 28, 0, 0, 0)  # Fashion-MNIST's release; any fixed time keeps the zip reproducible

LICENSE = """The MIT License (MIT)

Copyright (c) 2017 Zalando SE

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def readme(train_per_class: int, test_per_class: int, seed: int) -> str:
    return f"""Fashion-MNIST demo subset for diffprobe
=======================================

Fashion-MNIST by Zalando Research:
  Han Xiao, Kashif Rasul, Roland Vollgraf. "Fashion-MNIST: a Novel Image Dataset for
  Benchmarking Machine Learning Algorithms." arXiv:1708.07747, 2017.
  https://github.com/zalandoresearch/fashion-mnist
Licensed under the MIT License (see LICENSE.txt), Copyright (c) 2017 Zalando SE.

This archive is a class-balanced subset made by diffprobe's tools/
(diffprobe_tools.demo_dataset): {train_per_class} images per class from the Fashion-MNIST
training set and {test_per_class} per class from its test set, {10 * train_per_class} + {10 * test_per_class}
images in all. For each class the images are the first of a seeded random permutation
(numpy RandomState({seed})) of that class's indices. The images are unchanged: 28x28 8-bit
greyscale PNG, white garment on a black background.

Layout: train/<class>/<n>.png and test/<class>/<n>.png, classes:
{", ".join(CLASSES)}
"""


def pick(labels: np.ndarray, per_class: int, seed: int) -> Dict[int, List[int]]:
    """{class: [dataset indices]}: the first ``per_class`` of a seeded permutation per class."""
    rs = np.random.RandomState(seed)
    out = {}
    for c in range(len(CLASSES)):
        idx = np.flatnonzero(labels == c)
        out[c] = [int(i) for i in rs.permutation(idx)[:per_class]]
    return out


def _add(zf: zipfile.ZipFile, name: str, data: bytes, compress: bool) -> None:
    info = zipfile.ZipInfo(name, date_time=DATE)
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def build(out_dir: str, train_per_class: int = 200, test_per_class: int = 100, seed: int = 0) -> dict:
    os.makedirs(out_dir, exist_ok=True)
    buf = io.BytesIO()
    counts: Dict[str, Dict[str, int]] = {}
    with zipfile.ZipFile(buf, "w") as zf:
        _add(zf, "LICENSE.txt", LICENSE.encode(), True)
        _add(zf, "README.txt", readme(train_per_class, test_per_class, seed).encode(), True)
        for split, per in (("train", train_per_class), ("test", test_per_class)):
            images, labels = load_split(split)
            chosen = pick(labels, per, seed + (0 if split == "train" else 1))
            counts[split] = {}
            for c, name in enumerate(CLASSES):
                for n, i in enumerate(chosen[c]):
                    _add(zf, f"{split}/{name}/{n}.png", encode_grey(images[i]), False)
                counts[split][name] = len(chosen[c])
    data = buf.getvalue()
    zip_path = os.path.join(out_dir, f"{NAME}.zip")
    with open(zip_path + ".tmp", "wb") as f:
        f.write(data)
    os.replace(zip_path + ".tmp", zip_path)
    meta = {
        "name": NAME,
        "title": "Fashion-MNIST demo subset",
        "file": f"{NAME}.zip",
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "license": "MIT (Copyright (c) 2017 Zalando SE)",
        "source": "Fashion-MNIST, Xiao, Rasul, Vollgraf 2017, https://github.com/zalandoresearch/fashion-mnist",
        "image": {"width": 28, "height": 28, "channels": 1, "format": "png"},
        "layout": "<split>/<class>/<n>.png",
        "classes": list(CLASSES),
        "counts": {s: {"total": sum(v.values()), "perClass": v} for s, v in counts.items()},
        "selection": (f"per class, the first {train_per_class} (train) / {test_per_class} (test) of a "
                      f"numpy RandomState({seed}) / RandomState({seed + 1}) permutation of that class's indices"),
        "generator": "diffprobe_tools.demo_dataset",
    }
    with open(os.path.join(out_dir, f"{NAME}.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=2, ensure_ascii=False)
        f.write("\n")
    return meta


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="../public/datasets")
    ap.add_argument("--train-per-class", type=int, default=200)
    ap.add_argument("--test-per-class", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    meta = build(args.out, args.train_per_class, args.test_per_class, args.seed)
    print(f"wrote {args.out}/{meta['file']} ({meta['bytes'] / 1e6:.2f} MB, "
          f"{meta['counts']['train']['total']} train + {meta['counts']['test']['total']} test images)")


if __name__ == "__main__":
    main()
