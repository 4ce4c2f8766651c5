import { describe, expect, it } from 'vitest';
import { checkSpec, defaultSpec, describeSpec, paramCount, paramShapes } from './spec';

describe('head parameter counts', () => {
  it('linear: C·p²·K + K', () => {
    expect(paramCount({ kind: 'linear', pool: 2 }, 64, 10)).toBe(64 * 4 * 10 + 10);
    expect(paramCount({ kind: 'linear', pool: 1 }, 1024, 1000)).toBe(1024 * 1000 + 1000);
  });
  it('mlp: each dense layer in·out + out', () => {
    expect(paramCount({ kind: 'mlp', pool: 1, hidden: [32, 16] }, 8, 3)).toBe(
      8 * 32 + 32 + 32 * 16 + 16 + 16 * 3 + 3,
    );
    expect(paramCount({ kind: 'mlp', pool: 2, hidden: [] }, 8, 3)).toBe(32 * 3 + 3);
  });
  it('cnn: k²·cin·cout + cout per conv, then a dense layer on the map', () => {
    expect(paramCount({ kind: 'cnn', pool: 4, channels: [16], kernel: 3 }, 8, 10)).toBe(
      9 * 8 * 16 + 16 + 16 * 16 * 10 + 10,
    );
  });
  it('attention: LayerNorm, projection, tokens and ViT blocks as in PyTorch', () => {
    const C = 64;
    const p = 2;
    const w = 16;
    const K = 10;
    const block =
      2 * w + (w * 3 * w + 3 * w) + (w * w + w) + 2 * w + (w * 4 * w + 4 * w) + (4 * w * w + w);
    const expected =
      2 * C * p * p + (C * w + w) + w + (p * p + 1) * w + 2 * block + 2 * w + (w * K + K);
    expect(
      paramCount({ kind: 'attention', pool: p, width: w, depth: 2, heads: 4, mlpRatio: 4 }, C, K),
    ).toBe(expected);
  });
  it('names every tensor once', () => {
    for (const kind of ['linear', 'mlp', 'cnn', 'attention'] as const) {
      const names = paramShapes(defaultSpec(kind), 64, 10).map((s) => s.name);
      expect(new Set(names).size).toBe(names.length);
      expect(describeSpec(defaultSpec(kind))).toContain('pool 2');
    }
  });
  it('refuses bad specs with a message', () => {
    expect(() => checkSpec({ kind: 'linear', pool: 0 })).toThrow(/pool/);
    expect(() => checkSpec({ kind: 'cnn', pool: 2, channels: [8], kernel: 2 })).toThrow(/odd/);
    expect(() =>
      checkSpec({ kind: 'attention', pool: 2, width: 30, depth: 1, heads: 8, mlpRatio: 4 }),
    ).toThrow(/divisible/);
    expect(() => checkSpec({ kind: 'mlp', pool: 2, hidden: [1.5] })).toThrow(/hidden layer 1/);
  });
});
