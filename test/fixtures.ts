import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '../src/core/npy';

export const PARITY_DIR = 'test/fixtures/parity/fmnist-adm-s';
export const MODEL_DIR = 'public/models/fmnist-adm-s';

export interface ParityIndex {
  model: { sha256: string; file: string };
  timesteps: number[];
  pooled2: {
    blocks: { block: number; output: string; channelStart: number; channels: number }[];
    totalChannels: number;
  };
  fullBlocks: { t: number; blocks: number[] };
  tolerance: { relative: number };
  images: { labels: number[] };
}

export function parityIndex(): ParityIndex {
  return JSON.parse(readFileSync(join(PARITY_DIR, 'index.json'), 'utf8')) as ParityIndex;
}

/** A float32 fixture as a Float32Array and its shape. */
export function fixture(name: string): { data: Float32Array; shape: number[] } {
  const npy = parseNpy(new Uint8Array(readFileSync(join(PARITY_DIR, name))));
  if (npy.dtype !== 'float32') throw new Error(`${name} is ${npy.dtype}, expected float32`);
  return { data: npy.data as Float32Array, shape: npy.shape };
}

/** One block's slice [N, C, 2, 2] of a pooled2 fixture (blocks concatenated along channels). */
export function pooledBlock(
  all: { data: Float32Array; shape: number[] },
  start: number,
  channels: number,
) {
  const [n, total] = all.shape as [number, number];
  const out = new Float32Array(n * channels * 4);
  for (let i = 0; i < n; i++) {
    out.set(
      all.data.subarray((i * total + start) * 4, (i * total + start + channels) * 4),
      i * channels * 4,
    );
  }
  return out;
}
