/** A small, valid trained head (4 channels, 2×2 pool, 3 classes) for the head-file tests. */
import type { TrainedHead } from '../src/core/heads/format';
import { initParams } from '../src/core/heads/init';
import { DEFAULT_TRAIN } from '../src/core/heads/optim';
import { defaultSpec, type HeadKind } from '../src/core/heads/spec';

export function sampleHead(kind: HeadKind = 'mlp'): TrainedHead {
  const spec = defaultSpec(kind, 2);
  return {
    id: 'h1',
    name: `${kind} head, block 12`,
    createdAt: '2026-01-01T00:00:00.000Z',
    model: { id: 'fmnist-adm-s', sha256: 'abc' },
    block: 12,
    t: 10,
    seed: 0,
    noise: 'seeded',
    channels: 4,
    spec,
    train: DEFAULT_TRAIN,
    classes: ['a', 'b', 'c'],
    standardizer: { mean: new Float32Array(16).fill(0.5), std: new Float32Array(16).fill(2) },
    accuracy: { test: 0.9, perClass: [1, 0.8, 0.9] },
    params: initParams(spec, 4, 3, 1),
  };
}
