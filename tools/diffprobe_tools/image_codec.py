"""Lossless coding of uint8 image stacks for the GPU kit's payload (Fashion-MNIST train: 21.6 MiB
as xz, 19.0 MiB here), with numpy only (the GPU machine has no other codec).

Each pixel is coded with rANS under a static model: the frequencies of its value given its left
and upper neighbours and the slope from the upper-left one to the upper one (16, 16 and 4 levels:
1,024 contexts), counted over the whole stack and stored with it. The images are split into
``LANES`` streams coded in lockstep, so encoding and decoding are numpy operations over all lanes
at once (about 10 s each way for Fashion-MNIST train).

    python3 -m diffprobe_tools.image_codec encode IDX_GZ OUT     # an idx3-ubyte(.gz) file
    python3 -m diffprobe_tools.image_codec decode IN IDX_GZ      # back, byte for byte
"""

from __future__ import annotations

import gzip
import lzma
import sys

import numpy as np

LANES = 600
SCALE = 15  # frequencies sum to 2**SCALE in every context
LOW = 1 << 16  # rANS state lives in [LOW, LOW << 16), renormalised 16 bits at a time
MAGIC = b"DPIC1"


# Finer levels where Fashion-MNIST's values crowd (dark background, soft edges): 16 for the left
# and upper neighbours, and 4 for the local gradient (upper minus upper-left), 1,024 contexts.
_LEVEL = np.digitize(np.arange(256), [1, 4, 12, 24, 40, 60, 80, 100, 120, 140, 160, 180, 200, 220, 240])
_SLOPE = np.digitize(np.arange(-255, 256), [-20, 0, 20])


def _context(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    b = b.astype(np.int64)
    return (_LEVEL[a] << 6) | (_LEVEL[b] << 2) | _SLOPE[b - c + 255]


def _contexts(img: np.ndarray) -> np.ndarray:
    """The context of every pixel of (N, H, W) images (neighbours outside the image are 0)."""
    a = np.zeros_like(img)
    a[:, :, 1:] = img[:, :, :-1]
    b = np.zeros_like(img)
    b[:, 1:, :] = img[:, :-1, :]
    c = np.zeros_like(img)
    c[:, 1:, 1:] = img[:, :-1, :-1]
    return _context(a, b, c)


def _frequencies(counts: np.ndarray) -> np.ndarray:
    """Counts (contexts, 256) to frequencies summing to 2**SCALE, every seen value at least 1."""
    freq = np.zeros(counts.shape, np.int64)
    for k, row in enumerate(counts):
        total = int(row.sum())
        if total == 0:
            freq[k, 0] = 1 << SCALE
            continue
        f = np.where(row > 0, np.maximum(1, (row * (1 << SCALE)) // total), 0)
        f[int(np.argmax(f))] += (1 << SCALE) - int(f.sum())  # never below 1: the largest count
        freq[k] = f
    return freq


def _lanes(n: int) -> int:
    lanes = min(LANES, n)
    while n % lanes:
        lanes -= 1
    return lanes


def encode(images: np.ndarray) -> bytes:
    """(N, H, W) uint8 to bytes."""
    n, h, w = images.shape
    lanes = _lanes(n)
    ctx = _contexts(images)
    counts = np.bincount((ctx * 256 + images).ravel(), minlength=1024 * 256).reshape(1024, 256)
    freq = _frequencies(counts)
    cum = np.concatenate([np.zeros((1024, 1), np.int64), np.cumsum(freq, axis=1)[:, :-1]], axis=1)
    per = n // lanes * h * w
    syms = images.reshape(lanes, per)  # lane l holds images l*n/lanes … in raster order
    ctxs = ctx.reshape(lanes, per)
    x = np.full(lanes, LOW, np.int64)
    words = np.zeros((per, lanes), np.uint16)
    emitted = np.zeros((per, lanes), bool)
    for k in range(per - 1, -1, -1):  # rANS is last in, first out
        s, cx = syms[:, k], ctxs[:, k]
        f, cm = freq[cx, s], cum[cx, s]
        big = x >= ((LOW >> SCALE) << 16) * f
        words[k, big] = x[big] & 0xFFFF
        emitted[k, big] = True
        x = np.where(big, x >> 16, x)
        x = ((x // f) << SCALE) + (x % f) + cm
    streams = [words[emitted[:, lane], lane] for lane in range(lanes)]
    lengths = np.array([len(st) for st in streams], np.uint32)
    body = np.concatenate([x.astype(np.uint32).view(np.uint16).reshape(lanes, 2)[:, ::-1].ravel(),
                           *streams]).astype("<u2").tobytes()
    head = np.array([n, h, w, lanes], "<u4").tobytes()
    model = lzma.compress(freq.astype("<u2").tobytes() + lengths.astype("<u4").tobytes(), preset=9)
    return MAGIC + head + np.array([len(model)], "<u4").tobytes() + model + body


def decode(blob: bytes) -> np.ndarray:
    if blob[:5] != MAGIC:
        raise ValueError("not an image_codec stream")
    n, h, w, lanes = (int(v) for v in np.frombuffer(blob, "<u4", 4, 5))
    size = int(np.frombuffer(blob, "<u4", 1, 21)[0])
    model = lzma.decompress(blob[25:25 + size])
    freq = np.frombuffer(model, "<u2", 1024 * 256).reshape(1024, 256).astype(np.int64)
    lengths = np.frombuffer(model, "<u4", lanes, 1024 * 256 * 2).astype(np.int64)
    cum = np.concatenate([np.zeros((1024, 1), np.int64), np.cumsum(freq, axis=1)[:, :-1]], axis=1)
    # slot → value, for every context: 1024 × 2**SCALE bytes
    lookup = np.zeros((1024, 1 << SCALE), np.uint8)
    for k in range(1024):
        lookup[k] = np.repeat(np.arange(256, dtype=np.uint8), freq[k])
    body = np.frombuffer(blob, "<u2", offset=25 + size).astype(np.int64)
    heads = body[:2 * lanes].reshape(lanes, 2)
    x = (heads[:, 0] << 16) | heads[:, 1]
    starts = 2 * lanes + np.concatenate([[0], np.cumsum(lengths)[:-1]])
    # each lane's words are stored in pixel order: the order the decoder needs them
    ptr = starts
    per_img = n // lanes
    out = np.zeros((lanes, per_img, h, w), np.uint8)
    zero = np.zeros(lanes, np.uint8)
    mask = (1 << SCALE) - 1
    for j in range(per_img):
        img = out[:, j]
        for r in range(h):
            for col in range(w):
                a = img[:, r, col - 1] if col else zero
                b = img[:, r - 1, col] if r else zero
                c = img[:, r - 1, col - 1] if r and col else zero
                cx = _context(a, b, c)
                slot = x & mask
                s = lookup[cx, slot]
                x = freq[cx, s] * (x >> SCALE) + slot - cum[cx, s]
                small = x < LOW
                if small.any():
                    x = np.where(small, (x << 16) | body[np.where(small, ptr, 0)], x)
                    ptr = ptr + small
                img[:, r, col] = s
    return out.reshape(n, h, w)


def main(argv: list) -> int:
    mode, src, dst = argv
    if mode == "encode":
        with (gzip.open if src.endswith(".gz") else open)(src, "rb") as f:
            raw = f.read()
        count, h, w = (int(v) for v in np.frombuffer(raw, ">u4", 3, 4))
        images = np.frombuffer(raw, np.uint8, count * h * w, 16).reshape(count, h, w)
        blob = encode(images)
        with open(dst, "wb") as f:
            f.write(raw[:16] + blob)
    elif mode == "decode":
        with open(src, "rb") as f:
            blob = f.read()
        images = decode(blob[16:])
        with gzip.open(dst, "wb", compresslevel=1) as f:
            f.write(blob[:16] + images.tobytes())
    else:
        raise SystemExit("usage: image_codec encode|decode SRC DST")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
