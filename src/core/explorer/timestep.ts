/** The timestep slider (linear or log scale) and the signal-to-noise ratio at t. */
import type { Schedule } from '../schedule';

/** Slider positions run 0..SLIDER_MAX; on the linear scale a position is a timestep. */
export const LOG_SLIDER_MAX = 1000;

/** The slider's range for T timesteps. */
export function sliderMax(T: number, log: boolean): number {
  return log ? LOG_SLIDER_MAX : T - 1;
}

/** Slider position → timestep. Log scale: t = round(T^(pos/max)) − 1, so 0 → 0 and max → T−1. */
export function sliderToT(pos: number, T: number, log: boolean): number {
  if (!log) return clampT(Math.round(pos), T);
  const f = Math.min(1, Math.max(0, pos / LOG_SLIDER_MAX));
  return clampT(Math.round(Math.pow(T, f)) - 1, T);
}

/** Timestep → slider position (the inverse of sliderToT, rounded). */
export function tToSlider(t: number, T: number, log: boolean): number {
  const tc = clampT(t, T);
  if (!log) return tc;
  if (T <= 1) return 0;
  return Math.round((Math.log(tc + 1) / Math.log(T)) * LOG_SLIDER_MAX);
}

export function clampT(t: number, T: number): number {
  if (!Number.isFinite(t)) return 0;
  return Math.min(T - 1, Math.max(0, Math.round(t)));
}

/** The next timestep for the step buttons and play: on the log scale, one slider notch at least. */
export function stepT(t: number, T: number, log: boolean, direction: 1 | -1): number {
  if (!log) return clampT(t + direction, T);
  let pos = tToSlider(t, T, true);
  for (;;) {
    pos += direction * 10;
    const next = sliderToT(pos, T, true);
    if (next !== t || pos <= 0 || pos >= LOG_SLIDER_MAX) return next;
  }
}

export interface SnrInfo {
  /** ᾱ_t / (1 − ᾱ_t). */
  snr: number;
  db: number;
  /** sqrt(ᾱ_t) and sqrt(1 − ᾱ_t): the weights of x0 and of the noise in x_t. */
  signal: number;
  noise: number;
}

export function snrInfo(schedule: Schedule, t: number): SnrInfo {
  const snr = schedule.snr(t);
  return {
    snr,
    db: 10 * Math.log10(snr),
    signal: schedule.sqrtAbar(t),
    noise: schedule.sqrtOneMinusAbar(t),
  };
}

/** "SNR 9.9e+3 (39.9 dB)" — three significant digits. */
export function formatSnr(info: SnrInfo): string {
  const v =
    info.snr >= 1000 || info.snr < 0.01 ? info.snr.toExponential(2) : info.snr.toPrecision(3);
  return `${v} (${info.db.toFixed(1)} dB)`;
}
