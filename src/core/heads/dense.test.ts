import { describe, expect, it } from 'vitest';
import { linearForward, linearLogits, scoreLogits, softmaxXentGrad, transpose } from './dense';
import { makeRng, normalArray, permutation } from './random';
import { TypedOptimizer } from './typedOptimizer';

const d = 7;
const K = 5;
const n = 13;
const rng = makeRng(5);
const x = normalArray(n * d, 1, rng);
const y = Int32Array.from({ length: n }, (_, i) => (i * 3) % K);
const order = permutation(n, rng);
const wt0 = normalArray(K * d, 0.5, rng);
const b0 = normalArray(K, 0.5, rng);

/** Mean cross-entropy of a batch, straight from the definition (float64). */
function meanLoss(wt: Float32Array, b: Float32Array, start: number, count: number): number {
  let total = 0;
  for (let r = 0; r < count; r++) {
    const i = order[start + r]!;
    const z = Array.from({ length: K }, (_, k) => {
      let s = b[k]!;
      for (let j = 0; j < d; j++) s += x[i * d + j]! * wt[k * d + j]!;
      return s;
    });
    const lse = Math.log(z.reduce((a, v) => a + Math.exp(v), 0));
    total += lse - z[y[i]!]!;
  }
  return total / count;
}

describe('softmax cross-entropy gradient of a linear head', () => {
  // count 6 from 3: one block of four rows and two single rows; 4: blocks only; 3: singles only.
  for (const [start, count] of [
    [3, 6],
    [0, 4],
    [10, 3],
  ] as const) {
    it(`matches central finite differences on every weight (rows ${start}..${start + count})`, () => {
      const gwt = new Float64Array(K * d);
      const gb = new Float64Array(K);
      const z = new Float64Array(count * K);
      const lossSum = softmaxXentGrad(x, y, d, order, start, count, wt0, b0, gwt, gb, z);
      expect(lossSum / count).toBeCloseTo(meanLoss(wt0, b0, start, count), 5);
      const eps = 1e-2;
      const check = (p: Float32Array, g: Float64Array, name: string) => {
        for (let j = 0; j < p.length; j++) {
          const up = p.slice();
          const down = p.slice();
          up[j] = p[j]! + eps;
          down[j] = p[j]! - eps;
          // The step the float32 weights really took.
          const h = up[j]! - down[j]!;
          const lossAt = (q: Float32Array) =>
            p === wt0 ? meanLoss(q, b0, start, count) : meanLoss(wt0, q, start, count);
          const numeric = (lossAt(up) - lossAt(down)) / h;
          expect(Math.abs(g[j]! - numeric), `${name}[${j}]: ${g[j]} vs ${numeric}`).toBeLessThan(
            1e-5 + 1e-4 * Math.abs(numeric),
          );
        }
      };
      check(wt0, gwt, 'wt');
      check(b0, gb, 'b');
      // Not vacuous.
      expect(gwt.some((v) => Math.abs(v) > 1e-3)).toBe(true);
    });
  }

  it('forward in blocks of four rows equals one row at a time; scores count the first maximum', () => {
    const all = linearLogits(x, d, wt0, b0);
    const one = new Float64Array(K);
    for (let i = 0; i < n; i++) {
      linearForward(x, d, Int32Array.of(i), 0, 1, wt0, b0, one);
      for (let k = 0; k < K; k++) expect(all[i * K + k]).toBeCloseTo(one[k]!, 12);
    }
    const tie = Float64Array.of(1, 3, 3, 0, 5, 0, 0, 0);
    const s = scoreLogits(tie, Int32Array.of(2, 0), 4);
    expect(s.correct).toBe(1);
    const lse = (v: number[]) => Math.log(v.reduce((a, u) => a + Math.exp(u), 0));
    expect(s.lossSum).toBeCloseTo(lse([1, 3, 3, 0]) - 3 + lse([5, 0, 0, 0]) - 5, 12);
  });

  it('transpose', () => {
    expect(Array.from(transpose([1, 2, 3, 4, 5, 6], 2, 3, new Float32Array(6)))).toEqual([
      1, 4, 2, 5, 3, 6,
    ]);
  });
});

describe('TypedOptimizer (PyTorch update rules)', () => {
  it('SGD: momentum buffer starts at the gradient, weight decay is added to the gradient', () => {
    const p = Float32Array.of(1, -2);
    const opt = new TypedOptimizer({ optimizer: 'sgd', momentum: 0.9, weightDecay: 0.1 }, [2]);
    opt.apply([p], [Float64Array.of(0.5, 0.25)], 0.1);
    // g = 0.5 + 0.1·1 = 0.6 → p = 1 − 0.06; g = 0.25 − 0.2 = 0.05 → p = −2 − 0.005
    expect(p[0]).toBeCloseTo(0.94, 6);
    expect(p[1]).toBeCloseTo(-2.005, 6);
    opt.apply([p], [Float64Array.of(0.5, 0.25)], 0.1);
    // buf = 0.9·0.6 + (0.5 + 0.094) = 1.134 → p = 0.94 − 0.1134
    expect(p[0]).toBeCloseTo(0.94 - 0.1134, 6);
  });

  it('Adam: the first step moves each weight by lr against the sign of its gradient', () => {
    const p = Float32Array.of(1, -2, 0.5);
    const opt = new TypedOptimizer({ optimizer: 'adam', momentum: 0, weightDecay: 0 }, [3]);
    opt.apply([p], [Float64Array.of(3, -0.01, 0)], 0.01);
    expect(p[0]).toBeCloseTo(0.99, 6);
    expect(p[1]).toBeCloseTo(-1.99, 6);
    expect(p[2]).toBe(0.5);
    // Second step: m̂ and v̂ with bias correction for t = 2.
    opt.apply([p], [Float64Array.of(1, -0.01, 0)], 0.01);
    const m = (0.9 * 0.1 * 3 + 0.1 * 1) / (1 - 0.81);
    const v = (0.999 * 0.001 * 9 + 0.001 * 1) / (1 - 0.999 ** 2);
    expect(p[0]).toBeCloseTo(0.99 - (0.01 * m) / (Math.sqrt(v) + 1e-8), 6);
  });
});
