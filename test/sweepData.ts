/**
 * A tiny labelled image folder for the sweep tests: two classes of PNG, JPEG and WebP images
 * (the classes differ in brightness, so a probe can learn them) and one corrupt JPEG.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { encodePng } from '../src/core/image/png';

function noise(n: number, seed: number, base: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = Math.min(255, base + (s >>> 26));
  }
  return out;
}

/** Writes the folder; returns the paths of the images that decode and of the corrupt one. */
export async function writeSweepImages(root: string): Promise<{ good: string[]; broken: string }> {
  const files: Record<string, Uint8Array> = {};
  for (const [cls, base] of [
    ['bright', 150],
    ['dark', 20],
  ] as const) {
    for (let i = 0; i < 5; i++)
      files[`${cls}/${i}.png`] = encodePng(noise(784, i + base, base), 28, 28, 1);
    const rgb = noise(40 * 30 * 3, base + 7, base);
    files[`${cls}/photo.jpg`] = new Uint8Array(
      await sharp(rgb, { raw: { width: 40, height: 30, channels: 3 } })
        .jpeg()
        .toBuffer(),
    );
    files[`${cls}/web.webp`] = new Uint8Array(
      await sharp(noise(28 * 28 * 3, base + 9, base), {
        raw: { width: 28, height: 28, channels: 3 },
      })
        .webp({ lossless: true })
        .toBuffer(),
    );
  }
  const broken = 'dark/broken.jpg';
  files[broken] = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3]);
  for (const [name, data] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), data);
  }
  return { good: Object.keys(files).filter((f) => f !== broken), broken };
}
