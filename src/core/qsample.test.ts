import { describe, expect, it } from 'vitest';
import { ddimStep, ddimTimesteps, qSample, qSampleBatch, roundHalfEven } from './qsample';
import { PAPER_SCHEDULE, makeSchedule } from './schedule';

const paper = makeSchedule(PAPER_SCHEDULE);
/** T = 2, β = 0.36 … 0.75: ᾱ_0 = 0.64 (weights 0.8 and 0.6), ᾱ_1 = 0.64·0.25 = 0.16 (0.4, √0.84). */
const tiny = makeSchedule({ kind: 'linear', T: 2, betaStart: 0.36, betaEnd: 0.75 });
const f32 = (xs: number[]): Float32Array => Float32Array.from(xs);

describe('qSample', () => {
  it('is 0.8·x0 + 0.6·noise when ᾱ_t = 0.64 (hand-computed)', () => {
    const xt = qSample(f32([1, -0.5, 0.25]), f32([0.5, 2, -1]), tiny, 0);
    // [0.8 + 0.3, −0.4 + 1.2, 0.2 − 0.6]
    expect(Array.from(xt).map((v) => Number(v.toFixed(6)))).toEqual([1.1, 0.8, -0.4]);
  });

  it('is x0·0.4 + noise·√0.84 when ᾱ_t = 0.16', () => {
    const [v] = qSample(f32([1]), f32([1]), tiny, 1);
    expect(v).toBeCloseTo(0.4 + Math.sqrt(0.84), 6);
  });

  it('matches PyTorch (tools Schedule.q_sample, float32) bit for bit', () => {
    const x0 = f32([0.1, -0.7, 0.33, 1.0, -1.0, 0.5, 0.2, -0.25]);
    const noise = f32([1.5, -0.2, 0.77, -2.1, 0.3, -1.1, 2.2, 0.05]);
    const torch = [
      0.5373282432556152, -0.7278558611869812, 0.5421359539031982, 0.337179958820343,
      0.009173750877380371, -0.9168854355812073, 2.16847562789917, -0.02171442285180092,
    ];
    expect(Array.from(qSampleBatch(x0, noise, paper, [90, 500]))).toEqual(torch);
    expect(Array.from(qSample(x0.subarray(0, 4), noise.subarray(0, 4), paper, 90))).toEqual(
      torch.slice(0, 4),
    );
  });

  it('batched: each item uses its own t', () => {
    const x0 = f32([1, 2, 3, 4, 5, 6]);
    const noise = f32([6, 5, 4, 3, 2, 1]);
    const out = qSampleBatch(x0, noise, paper, [0, 999, 90]);
    [0, 999, 90].forEach((t, b) => {
      const one = qSample(
        x0.subarray(2 * b, 2 * b + 2),
        noise.subarray(2 * b, 2 * b + 2),
        paper,
        t,
      );
      expect(Array.from(out.subarray(2 * b, 2 * b + 2))).toEqual(Array.from(one));
    });
  });

  it('rejects mismatched lengths, bad batches and bad t', () => {
    expect(() => qSample(f32([1, 2]), f32([1]), paper, 0)).toThrow(/lengths differ/);
    expect(() => qSampleBatch(f32([1, 2, 3]), f32([1, 2, 3]), paper, [0, 1])).toThrow(
      /do not split into 2 items/,
    );
    expect(() => qSample(f32([1]), f32([1]), paper, 1000)).toThrow(RangeError);
    expect(() => qSampleBatch(f32([1, 2]), f32([1, 2]), paper, [0, -1])).toThrow(RangeError);
  });
});

describe('roundHalfEven', () => {
  it('rounds ties to even like Python round()', () => {
    expect(
      [0.5, 1.5, 2.5, 3.5, -0.5, -1.5, 2.4999999999999996, 2.5000000000000004].map(roundHalfEven),
    ).toEqual([0, 2, 2, 4, 0, -2, 2, 3]);
    expect([0.49, 0.51, 7, -2.7].map(roundHalfEven)).toEqual([0, 1, 7, -3]);
  });
});

describe('ddimTimesteps', () => {
  it('matches Python for ties, where half-up rounding would differ', () => {
    // Python: [int(round((T-1)*(1-i/max(steps-1,1)))) for i in range(steps)]
    expect(ddimTimesteps(6, 3)).toEqual([5, 2, 0]); // 2.5 → 2
    expect(ddimTimesteps(6, 5)).toEqual([5, 4, 2, 1, 0]);
    expect(ddimTimesteps(7, 5)).toEqual([6, 4, 3, 2, 0]);
    expect(ddimTimesteps(10, 3)).toEqual([9, 4, 0]);
    expect(ddimTimesteps(10, 5)).toEqual([9, 7, 4, 2, 0]);
    expect(ddimTimesteps(10, 7)).toEqual([9, 8, 6, 4, 3, 1, 0]);
    expect(ddimTimesteps(10, 9)).toEqual([9, 8, 7, 6, 4, 3, 2, 1, 0]);
    expect(ddimTimesteps(11, 5)).toEqual([10, 8, 5, 2, 0]);
    expect(ddimTimesteps(4, 3)).toEqual([3, 2, 0]); // 1.5 → 2
  });

  it('matches Python for T = 1000', () => {
    expect(ddimTimesteps(1000, 50)).toEqual([
      999, 979, 958, 938, 917, 897, 877, 856, 836, 816, 795, 775, 754, 734, 714, 693, 673, 652, 632,
      612, 591, 571, 550, 530, 510, 489, 469, 449, 428, 408, 387, 367, 347, 326, 306, 285, 265, 245,
      224, 204, 183, 163, 143, 122, 102, 82, 61, 41, 20, 0,
    ]);
    expect(ddimTimesteps(1000, 7)).toEqual([999, 832, 666, 500, 333, 166, 0]);
    expect(ddimTimesteps(1000, 10)).toEqual([999, 888, 777, 666, 555, 444, 333, 222, 111, 0]);
    expect(ddimTimesteps(1000, 1000)).toEqual(Array.from({ length: 1000 }, (_, i) => 999 - i));
    expect(ddimTimesteps(1000, 1)).toEqual([999]);
    expect(ddimTimesteps(1, 1)).toEqual([0]);
  });

  it('rejects steps outside 1..T', () => {
    expect(() => ddimTimesteps(10, 0)).toThrow(/1\.\.10/);
    expect(() => ddimTimesteps(10, 11)).toThrow(RangeError);
    expect(() => ddimTimesteps(10, 2.5)).toThrow(RangeError);
  });
});

describe('ddimStep', () => {
  it('inverts q_sample when ε is the true noise (hand-computed, ᾱ = 0.64 → 1)', () => {
    // x_t = 0.8·x0 + 0.6·ε with x0 = [0.5, −0.25], ε = [1, 2] → x_t = [1.0, 1.0]
    const { x0, xPrev } = ddimStep(f32([1, 1]), f32([1, 2]), tiny, 0, null);
    expect(x0[0]).toBeCloseTo(0.5, 6);
    expect(x0[1]).toBeCloseTo(-0.25, 6);
    expect(Array.from(xPrev)).toEqual(Array.from(x0));
  });

  it('steps to tPrev: xPrev = sqrt(ᾱ_prev)·x0 + sqrt(1 − ᾱ_prev)·ε, and clamps x0', () => {
    // t = 1 (ᾱ = 0.16): x_t = 0.4·0.5 + √0.84·1; back to t = 0: 0.8·0.5 + 0.6·1 = 1.0
    const xt = f32([0.2 + Math.sqrt(0.84), 3]);
    const { x0, xPrev } = ddimStep(xt, f32([1, 0]), tiny, 1, 0);
    expect(x0[0]).toBeCloseTo(0.5, 6);
    expect(x0[1]).toBe(1); // 3 / 0.4 = 7.5 clamped
    expect(xPrev[0]).toBeCloseTo(1.0, 6);
    expect(xPrev[1]).toBeCloseTo(0.8, 6);
  });

  it('matches PyTorch (the tools DDIM update, float32) bit for bit', () => {
    const xt = f32([0.4, -0.9, 1.7, 0.02]);
    const eps = f32([0.35, -1.2, 0.1, 2.5]);
    const a = ddimStep(xt, eps, paper, 500, 90);
    expect(Array.from(a.x0)).toEqual([0.2290617972612381, 0.9048353433609009, 1, -1]);
    expect(Array.from(a.xPrev)).toEqual([
      0.321980744600296, 0.5112940073013306, 0.9850996136665344, -0.21937638521194458,
    ]);
    const b = ddimStep(xt, eps, paper, 10, null);
    const last = [0.3840295076370239, -0.844726026058197, 1, -0.09719175100326538];
    expect(Array.from(b.x0)).toEqual(last);
    expect(Array.from(b.xPrev)).toEqual(last);
  });

  it('rejects tPrev ≥ t and bad timesteps', () => {
    const x = f32([0]);
    expect(() => ddimStep(x, x, paper, 10, 10)).toThrow(/tPrev \(10\) must be less than t/);
    expect(() => ddimStep(x, x, paper, 1000, null)).toThrow(RangeError);
    expect(() => ddimStep(x, x, paper, 10, -1)).toThrow(/tPrev must be an integer/);
    expect(() => ddimStep(x, f32([0, 1]), paper, 10, null)).toThrow(/lengths differ/);
  });
});
