import { describe, expect, it } from 'vitest';
import { parseHead, serializeHead } from './format';
import type { TrainedHead } from './format';
import { initParams } from './init';
import { DEFAULT_TRAIN } from './optim';
import { defaultSpec } from './spec';

function head(): TrainedHead {
  const spec = defaultSpec('mlp', 2);
  return {
    id: 'h1',
    name: 'MLP block 12',
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

describe('head file', () => {
  it('round-trips weights, spec, classes and provenance', () => {
    const h = head();
    const back = parseHead(serializeHead(h));
    expect(back).toEqual(h);
  });
  it('refuses other files with a reason', () => {
    expect(() => parseHead('nope')).toThrow(/not JSON/);
    expect(() => parseHead('{"format":"x"}')).toThrow(/format/);
    const raw = JSON.parse(serializeHead(head()));
    raw.params[0].shape = [1, 2];
    expect(() => parseHead(JSON.stringify(raw))).toThrow(/shape/);
    const raw2 = JSON.parse(serializeHead(head()));
    raw2.params.pop();
    expect(() => parseHead(JSON.stringify(raw2))).toThrow(/weight tensors/);
    const raw3 = JSON.parse(serializeHead(head()));
    raw3.classes = ['only'];
    expect(() => parseHead(JSON.stringify(raw3))).toThrow(/classes/);
  });
});
