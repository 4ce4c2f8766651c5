import { describe, expect, it } from 'vitest';
import {
  PAPER_SCHEDULE,
  alphasCumprod,
  cosineBetas,
  describeNoiseSchedule,
  linearBetas,
  makeSchedule,
} from './schedule';

const sched = makeSchedule(PAPER_SCHEDULE);
/** β_t written out from its definition, independent of linearBetas. */
const betaAt = (t: number): number => 1e-4 + (t * (0.02 - 1e-4)) / 999;

describe('linearBetas', () => {
  it('hits both ends exactly and steps evenly', () => {
    const b = linearBetas(1000, 1e-4, 0.02);
    expect(b.length).toBe(1000);
    expect(b[0]).toBe(1e-4);
    expect(b[999]).toBe(0.02);
    const step = 0.0199 / 999;
    for (let t = 0; t < 999; t++) {
      expect(Math.abs(b[t + 1]! - b[t]! - step)).toBeLessThan(1e-17);
      expect(Math.abs(b[t]! - betaAt(t))).toBeLessThan(1e-17);
    }
  });

  it('matches torch.linspace(1e-4, 0.02, 1000, dtype=float64) (values printed by torch 1.13)', () => {
    const b = linearBetas(1000, 1e-4, 0.02);
    expect(b[1]).toBe(0.00011991991991991993);
    expect(b[10]).toBe(0.0002991991991991992);
    expect(b[90]).toBeCloseTo(0.001892792792792793, 17);
    expect(b[500]).toBeCloseTo(0.01005995995995996, 17);
  });

  it('handles T = 1 and T = 2', () => {
    expect(Array.from(linearBetas(1, 0.1, 0.2))).toEqual([0.1]);
    expect(Array.from(linearBetas(2, 0.1, 0.2))).toEqual([0.1, 0.2]);
    expect(Array.from(linearBetas(3, 0.1, 0.3))).toEqual([0.1, 0.2, 0.3]);
  });

  it('rejects a bad T or betas outside (0, 1)', () => {
    expect(() => linearBetas(0, 0.1, 0.2)).toThrow(RangeError);
    expect(() => linearBetas(2.5, 0.1, 0.2)).toThrow(/integer ≥ 1/);
    expect(() => linearBetas(10, 0, 0.2)).toThrow(RangeError);
    expect(() => linearBetas(10, 0.1, 1)).toThrow(RangeError);
  });
});

describe('alphasCumprod', () => {
  it('is the running product of 1 − β', () => {
    expect(Array.from(alphasCumprod(new Float64Array([0.5, 0.5, 0.2])))).toEqual([0.5, 0.25, 0.2]);
    expect(alphasCumprod(new Float64Array(0)).length).toBe(0);
  });
});

describe('makeSchedule (T = 1000, linear 1e-4 … 0.02)', () => {
  it('ᾱ_0 = 1 − 1e-4 and ᾱ_1 = (1 − 1e-4)(1 − β_1)', () => {
    expect(sched.abar[0]).toBe(1 - 1e-4);
    expect(sched.abar[1]).toBeCloseTo((1 - 1e-4) * (1 - (1e-4 + 0.0199 / 999)), 16);
  });

  it('ᾱ_999 equals the direct product Π(1 − β_t) ≈ 4.04e-5', () => {
    let prod = 1;
    for (let t = 0; t < 1000; t++) prod *= 1 - betaAt(t);
    const a = sched.abar[999]!;
    expect(Math.abs(a - prod) / prod).toBeLessThan(1e-13);
    expect(a).toBeGreaterThan(4.03e-5);
    expect(a).toBeLessThan(4.05e-5);
    // torch.cumprod(1 - torch.linspace(1e-4, 0.02, 1000, dtype=torch.float64))[999]
    expect(Math.abs(a - 4.035829765375676e-5) / a).toBeLessThan(1e-14);
  });

  it('matches torch ᾱ_t and its float32 q_sample coefficients', () => {
    const ref: [number, number, number, number][] = [
      // t, ᾱ_t, float32(sqrt ᾱ_t), float32(sqrt(1 − ᾱ_t)) — printed by torch 1.13
      [0, 0.9999, 0.9999499917030334, 0.009999999776482582],
      [1, 0.9997800920720721, 0.9998900294303894, 0.014829292893409729],
      [10, 0.997806572507846, 0.9989026784896851, 0.04683404043316841],
      [90, 0.9132644806435357, 0.9556487202644348, 0.2945089340209961],
      [500, 0.07779665836502389, 0.2789205312728882, 0.9603142142295837],
      [999, 4.035829765375676e-5, 0.006352818105369806, 0.9999797940254211],
    ];
    for (const [t, a, sa, sb] of ref) {
      expect(Math.abs(sched.abar[t]! - a) / a).toBeLessThan(1e-15);
      expect(Math.fround(sched.sqrtAbar(t))).toBe(sa);
      expect(Math.fround(sched.sqrtOneMinusAbar(t))).toBe(sb);
    }
  });

  it('ᾱ and the SNR decrease strictly; the two weights are a unit vector', () => {
    for (let t = 1; t < 1000; t++) {
      expect(sched.abar[t]!).toBeLessThan(sched.abar[t - 1]!);
      expect(sched.snr(t)).toBeLessThan(sched.snr(t - 1));
    }
    for (const t of [0, 1, 90, 999]) {
      expect(sched.sqrtAbar(t) ** 2 + sched.sqrtOneMinusAbar(t) ** 2).toBeCloseTo(1, 15);
    }
  });

  it('snr(t) = ᾱ/(1 − ᾱ)', () => {
    expect(sched.snr(0)).toBeCloseTo(0.9999 / 0.0001, 8); // 9999
    const a = sched.abar[500]!;
    expect(sched.snr(500)).toBe(a / (1 - a));
  });

  it('rejects timesteps outside 0..T−1 with a clear RangeError', () => {
    for (const t of [-1, 1000, 1.5, Number.NaN]) {
      expect(() => sched.snr(t)).toThrow(RangeError);
      expect(() => sched.sqrtAbar(t)).toThrow(/integer timestep in 0\.\.999/);
      expect(() => sched.sqrtOneMinusAbar(t)).toThrow(RangeError);
    }
  });

  it('rejects betaStart ≥ betaEnd', () => {
    expect(() => makeSchedule({ kind: 'linear', T: 10, betaStart: 0.02, betaEnd: 0.01 })).toThrow(
      /betaStart \(0\.02\) must be less than betaEnd/,
    );
  });
});

/**
 * References printed by NumPy (float64) from guided-diffusion's definition:
 * f(u) = cos((u + 0.008)/1.008·π/2)², β_i = min(1 − f((i+1)/T)/f(i/T), 0.999), ᾱ = cumprod(1 − β).
 */
const COSINE_REF = {
  1000: {
    at: [0, 1, 250, 500, 998, 999],
    betas: [
      4.128422482196914e-5, 4.614175273665033e-5, 0.0013272239542118092, 0.003155691441585007,
      0.7499993929011166, 0.999,
    ],
    abar: [
      0.999958715775178, 0.9999125759273678, 0.8458879864968832, 0.49228517244880304,
      2.4287669070348544e-6, 2.4287669070348567e-9,
    ],
    snrAt: [0, 100, 500, 900],
    snr: [24221.32715552543, 34.181142894599695, 0.9696096031372297, 0.024187319155003145],
  },
  4000: {
    at: [0, 1, 1000, 2000, 3998, 3999],
    betas: [
      9.865818813681315e-6, 1.01694148842979e-5, 0.00033143349273656586, 0.0007889355535104503,
      0.749999962056056, 0.999,
    ],
    abar: [
      0.9999901341811863, 0.9999799648666317, 0.8467314331278845, 0.49345397967426397,
      1.5179804688514504e-7, 1.5179804688514517e-10,
    ],
    snrAt: [0, 400, 2000, 3600],
    snr: [101359.06132742485, 34.66830281423539, 0.97415429176, 0.02456117669234949],
  },
};

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('cosine schedule (Nichol & Dhariwal)', () => {
  for (const T of [1000, 4000] as const) {
    it(`matches NumPy's betas, ᾱ and SNR at T = ${T}`, () => {
      const ref = COSINE_REF[T];
      const s = makeSchedule({ kind: 'cosine', T });
      expect(s.betas.length).toBe(T);
      ref.at.forEach((t, i) => {
        expect(rel(s.betas[t]!, ref.betas[i]!)).toBeLessThan(1e-9);
        expect(rel(s.abar[t]!, ref.abar[i]!)).toBeLessThan(1e-9);
      });
      ref.snrAt.forEach((t, i) => expect(rel(s.snr(t), ref.snr[i]!)).toBeLessThan(1e-9));
    });
  }

  it('clips only the last beta and keeps ᾱ decreasing', () => {
    const b = cosineBetas(1000);
    expect(Array.from(b).filter((x) => x >= 0.999).length).toBe(1);
    const s = makeSchedule({ kind: 'cosine', T: 1000, s: 0.008, maxBeta: 0.999 });
    for (let t = 1; t < 1000; t++) expect(s.abar[t]!).toBeLessThan(s.abar[t - 1]!);
  });

  it('differs from the linear schedule: half the signal is left at t = 500, not at t ≈ 250', () => {
    const lin = makeSchedule(PAPER_SCHEDULE);
    const cos = makeSchedule({ kind: 'cosine', T: 1000 });
    expect(cos.abar[500]!).toBeGreaterThan(0.49);
    expect(lin.abar[500]!).toBeLessThan(0.1);
    expect(cos.snr(900)).toBeGreaterThan(10 * lin.snr(900));
  });

  it('refuses a bad offset or clip and describes itself', () => {
    expect(() => cosineBetas(10, 0)).toThrow(/s must lie/);
    expect(() => cosineBetas(10, 0.008, 1)).toThrow(/maxBeta/);
    expect(() => cosineBetas(0)).toThrow(/T must be/);
    expect(describeNoiseSchedule({ kind: 'cosine', T: 4000 })).toBe('cosine (s = 0.008), T = 4000');
    expect(describeNoiseSchedule(PAPER_SCHEDULE)).toBe('linear β 0.0001 … 0.02, T = 1000');
  });
});
