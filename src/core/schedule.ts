/** The DDPM noise schedule: betas, ᾱ_t = Π_{s≤t}(1 − β_s) and the coefficients of q_sample. */

/** The paper's schedule kind: T betas evenly spaced from betaStart to betaEnd. */
export interface LinearSchedule {
  kind: 'linear';
  /** Number of diffusion steps; timesteps are 0..T−1. */
  T: number;
  betaStart: number;
  betaEnd: number;
}

/**
 * Nichol & Dhariwal's cosine schedule (guided-diffusion's `cosine`, the ImageNet-64 model's):
 * ᾱ(u) = cos²((u + s)/(1 + s)·π/2) and β_t = min(1 − ᾱ((t+1)/T)/ᾱ(t/T), maxBeta).
 */
export interface CosineSchedule {
  kind: 'cosine';
  T: number;
  /** Offset that keeps β small near t = 0 (default 0.008). */
  s?: number;
  /** Largest β (default 0.999), which stops the singularity at t = T. */
  maxBeta?: number;
}

/** A noise schedule as the manifest states it. */
export type NoiseSchedule = LinearSchedule | CosineSchedule;

export const COSINE_S = 0.008;
export const COSINE_MAX_BETA = 0.999;

/** A schedule with its tables computed (all float64). */
export interface Schedule {
  readonly spec: NoiseSchedule;
  readonly T: number;
  /** β_t for t = 0..T−1. */
  readonly betas: Float64Array;
  /** ᾱ_t = Π_{s≤t}(1 − β_s) for t = 0..T−1. */
  readonly abar: Float64Array;
  /** Signal-to-noise ratio ᾱ_t / (1 − ᾱ_t). */
  snr(t: number): number;
  /** sqrt(ᾱ_t), the weight of x0 in x_t. */
  sqrtAbar(t: number): number;
  /** sqrt(1 − ᾱ_t), the weight of the noise in x_t. */
  sqrtOneMinusAbar(t: number): number;
}

/**
 * T values from betaStart to betaEnd, evenly spaced, in float64 — computed as torch.linspace does:
 * step = (end − start)/(T − 1); the first half counts up from start, the second half down from end,
 * so both ends are exact.
 */
export function linearBetas(T: number, betaStart: number, betaEnd: number): Float64Array {
  if (!Number.isInteger(T) || T < 1) {
    throw new RangeError(`T must be an integer ≥ 1, got ${T}`);
  }
  if (!(betaStart > 0 && betaStart < 1) || !(betaEnd > 0 && betaEnd < 1)) {
    throw new RangeError(`betas must lie in (0, 1), got ${betaStart} … ${betaEnd}`);
  }
  const out = new Float64Array(T);
  if (T === 1) {
    out[0] = betaStart;
    return out;
  }
  const step = (betaEnd - betaStart) / (T - 1);
  const halfway = Math.floor(T / 2);
  for (let i = 0; i < T; i++) {
    out[i] = i < halfway ? betaStart + step * i : betaEnd - step * (T - 1 - i);
  }
  return out;
}

/** The betas of the cosine schedule, in float64, exactly as guided-diffusion's betas_for_alpha_bar. */
export function cosineBetas(T: number, s = COSINE_S, maxBeta = COSINE_MAX_BETA): Float64Array {
  if (!Number.isInteger(T) || T < 1) {
    throw new RangeError(`T must be an integer ≥ 1, got ${T}`);
  }
  if (!(s > 0 && s < 1)) throw new RangeError(`s must lie in (0, 1), got ${s}`);
  if (!(maxBeta > 0 && maxBeta < 1)) {
    throw new RangeError(`maxBeta must lie in (0, 1), got ${maxBeta}`);
  }
  const abar = (u: number): number => Math.cos(((u + s) / (1 + s)) * (Math.PI / 2)) ** 2;
  const out = new Float64Array(T);
  for (let i = 0; i < T; i++) out[i] = Math.min(1 - abar((i + 1) / T) / abar(i / T), maxBeta);
  return out;
}

/** The betas of any schedule the manifest can state. */
export function scheduleBetas(s: NoiseSchedule): Float64Array {
  if (s.kind === 'cosine') return cosineBetas(s.T, s.s ?? COSINE_S, s.maxBeta ?? COSINE_MAX_BETA);
  if (s.kind !== 'linear') {
    throw new RangeError(
      `unknown schedule kind '${String((s as { kind: unknown }).kind)}'; known: linear, cosine`,
    );
  }
  if (!(s.betaStart < s.betaEnd)) {
    throw new RangeError(`betaStart (${s.betaStart}) must be less than betaEnd (${s.betaEnd})`);
  }
  return linearBetas(s.T, s.betaStart, s.betaEnd);
}

/** Running product of (1 − β_t), left to right, in float64 (as torch.cumprod). */
export function alphasCumprod(betas: Float64Array): Float64Array {
  const out = new Float64Array(betas.length);
  let acc = 1;
  for (let i = 0; i < betas.length; i++) {
    acc *= 1 - betas[i]!;
    out[i] = acc;
  }
  return out;
}

/** Throws a RangeError unless t is an integer timestep in 0..T−1. */
export function checkTimestep(t: number, T: number, name = 't'): void {
  if (!Number.isInteger(t) || t < 0 || t >= T) {
    throw new RangeError(`${name} must be an integer timestep in 0..${T - 1}, got ${t}`);
  }
}

/** "linear β 0.0001 … 0.02, T = 1000" or "cosine (s = 0.008), T = 4000". */
export function describeNoiseSchedule(s: NoiseSchedule): string {
  if (s.kind === 'cosine') return `cosine (s = ${s.s ?? COSINE_S}), T = ${s.T}`;
  return `${s.kind} β ${s.betaStart} … ${s.betaEnd}, T = ${s.T}`;
}

/** Builds the tables of a schedule. */
export function makeSchedule(s: NoiseSchedule): Schedule {
  const betas = scheduleBetas(s);
  const abar = alphasCumprod(betas);
  const T = s.T;
  const at = (t: number): number => {
    checkTimestep(t, T);
    return abar[t]!;
  };
  return {
    spec: { ...s },
    T,
    betas,
    abar,
    snr: (t) => {
      const a = at(t);
      return a / (1 - a);
    },
    sqrtAbar: (t) => Math.sqrt(at(t)),
    sqrtOneMinusAbar: (t) => Math.sqrt(1 - at(t)),
  };
}

/** The paper's schedule: T = 1000, linear betas 1e-4 … 0.02. */
export const PAPER_SCHEDULE: LinearSchedule = {
  kind: 'linear',
  T: 1000,
  betaStart: 1e-4,
  betaEnd: 0.02,
};
