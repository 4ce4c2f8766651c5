import { describe, expect, it } from 'vitest';
import { makeSchedule, PAPER_SCHEDULE } from '../schedule';
import { formatSnr, sliderMax, sliderToT, snrInfo, stepT, tToSlider } from './timestep';

const sched = makeSchedule(PAPER_SCHEDULE);

describe('timestep slider', () => {
  it('is the timestep itself on the linear scale', () => {
    expect(sliderMax(1000, false)).toBe(999);
    expect(sliderToT(90, 1000, false)).toBe(90);
    expect(sliderToT(5000, 1000, false)).toBe(999);
    expect(tToSlider(90, 1000, false)).toBe(90);
  });
  it('spreads small timesteps out on the log scale', () => {
    expect(sliderToT(0, 1000, true)).toBe(0);
    expect(sliderToT(1000, 1000, true)).toBe(999);
    expect(sliderToT(500, 1000, true)).toBe(31); // sqrt(1000) ≈ 31.6 → 32 − 1
    for (const t of [0, 1, 10, 90, 150, 500, 999]) {
      expect(sliderToT(tToSlider(t, 1000, true), 1000, true)).toBe(t);
    }
  });
  it('steps by one timestep, or one notch on the log scale', () => {
    expect(stepT(10, 1000, false, 1)).toBe(11);
    expect(stepT(0, 1000, false, -1)).toBe(0);
    expect(stepT(999, 1000, false, 1)).toBe(999);
    const up = stepT(90, 1000, true, 1);
    expect(up).toBeGreaterThan(90);
    expect(up).toBeLessThan(110);
    expect(stepT(999, 1000, true, 1)).toBe(999);
    expect(stepT(0, 1000, true, 1)).toBeGreaterThan(0);
  });
});

describe('signal-to-noise ratio', () => {
  it('follows ᾱ_t of the schedule', () => {
    const at0 = snrInfo(sched, 0);
    // ᾱ_0 = 1 − 1e-4: SNR = 9999
    expect(at0.snr).toBeCloseTo(9999, 6);
    expect(at0.db).toBeCloseTo(40, 3);
    const at999 = snrInfo(sched, 999);
    expect(at999.snr).toBeLessThan(1e-4);
    expect(at999.signal ** 2 + at999.noise ** 2).toBeCloseTo(1, 12);
    expect(formatSnr(at0)).toBe('1.00e+4 (40.0 dB)');
    expect(formatSnr(snrInfo(sched, 300))).toMatch(/^0\.\d+ \(-?\d+\.\d dB\)$/);
  });
});

describe('SNR display follows the model’s schedule', () => {
  it('shows the cosine schedule’s SNR, not the linear one’s (NumPy: SNR(500) = 0.9696)', () => {
    const cosine = snrInfo(makeSchedule({ kind: 'cosine', T: 1000 }), 500);
    expect(formatSnr(cosine)).toBe('0.970 (-0.1 dB)');
    expect(cosine.signal).toBeCloseTo(Math.sqrt(0.49228517244880304), 12);
    expect(formatSnr(snrInfo(sched, 500))).not.toBe(formatSnr(cosine));
  });
});
