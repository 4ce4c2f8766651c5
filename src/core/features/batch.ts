import { gaussianNoise } from '../noise';
import { qSampleBatch } from '../qsample';
import type { Schedule } from '../schedule';
import type { FeatureRequest } from './request';

/** One image as the engine takes it: pixels [C, H, W] already in the model's range. */
export interface FeatureItem {
  id: string;
  x0: Float32Array;
  /** The image's own class label, fed to a class input only where the user chose so. */
  label?: number;
}

export interface ModelInputs {
  x: Float32Array;
  t: Float32Array;
  dims: [number, number, number, number];
}

/**
 * Stacks items into the U-Net's inputs for timestep t: x_t = q_sample(x0, t, ε(seed, id, t))
 * with seeded noise, or x0 itself with `noise: 'none'`; t is repeated per item.
 */
export function buildInputs(
  items: readonly FeatureItem[],
  shape: readonly [number, number, number],
  sched: Schedule,
  req: Pick<FeatureRequest, 't' | 'seed' | 'noise'>,
): ModelInputs {
  const [C, H, W] = shape;
  const size = C * H * W;
  const x0 = new Float32Array(items.length * size);
  items.forEach((item, i) => {
    if (item.x0.length !== size) {
      throw new RangeError(`item ${item.id} has ${item.x0.length} values, the model takes ${size}`);
    }
    x0.set(item.x0, i * size);
  });
  const t = new Float32Array(items.length).fill(req.t);
  const dims: [number, number, number, number] = [items.length, C, H, W];
  if (req.noise === 'none') return { x: x0, t, dims };
  const noise = new Float32Array(x0.length);
  items.forEach((item, i) => noise.set(gaussianNoise(req.seed, item.id, req.t, size), i * size));
  return { x: qSampleBatch(x0, noise, sched, t), t, dims };
}
