/**
 * Forward noising q(x_t | x0) and deterministic DDIM (η = 0) steps.
 *
 * Arithmetic mirrors tools/diffprobe_tools/diffusion.py: the coefficients are computed in float64,
 * rounded to float32, and every elementwise operation is a float32 operation (Math.fround after
 * each one), so the results match PyTorch's float32 tensors bit for bit.
 */
import { checkTimestep, type Schedule } from './schedule';

const f32 = Math.fround;

function checkSameLength(a: Float32Array, b: Float32Array, what: string): void {
  if (a.length !== b.length) {
    throw new RangeError(`${what}: lengths differ (${a.length} vs ${b.length})`);
  }
}

/** Writes sqrt(ᾱ_t)·x0 + sqrt(1 − ᾱ_t)·noise for elements [from, to) into out. */
function qSampleInto(
  out: Float32Array,
  x0: Float32Array,
  noise: Float32Array,
  sched: Schedule,
  t: number,
  from: number,
  to: number,
): void {
  const a = f32(sched.sqrtAbar(t));
  const b = f32(sched.sqrtOneMinusAbar(t));
  for (let i = from; i < to; i++) out[i] = f32(a * x0[i]!) + f32(b * noise[i]!);
}

/** x_t = sqrt(ᾱ_t)·x0 + sqrt(1 − ᾱ_t)·noise for one item (any layout). */
export function qSample(
  x0: Float32Array,
  noise: Float32Array,
  sched: Schedule,
  t: number,
): Float32Array {
  checkSameLength(x0, noise, 'qSample');
  const out = new Float32Array(x0.length);
  qSampleInto(out, x0, noise, sched, t, 0, x0.length);
  return out;
}

/**
 * qSample over a batch laid out [B, ...]: item b (the b-th contiguous slice of length
 * x0.length / B, B = ts.length) is noised at timestep ts[b].
 */
export function qSampleBatch(
  x0: Float32Array,
  noise: Float32Array,
  sched: Schedule,
  ts: ArrayLike<number>,
): Float32Array {
  checkSameLength(x0, noise, 'qSampleBatch');
  const B = ts.length;
  if (B === 0 || x0.length % B !== 0) {
    throw new RangeError(`qSampleBatch: ${x0.length} values do not split into ${B} items`);
  }
  const size = x0.length / B;
  const out = new Float32Array(x0.length);
  for (let b = 0; b < B; b++) {
    qSampleInto(out, x0, noise, sched, ts[b]!, b * size, (b + 1) * size);
  }
  return out;
}

/** Python's round(): to the nearest integer, ties to the even one. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const frac = x - f; // exact for doubles
  if (frac < 0.5) return f;
  if (frac > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * `steps` timesteps from T−1 down to 0, evenly spaced; exactly Python's
 * `[int(round((T-1)*(1-i/max(steps-1,1)))) for i in range(steps)] if steps > 1 else [T-1]`.
 */
export function ddimTimesteps(T: number, steps: number): number[] {
  if (!Number.isInteger(T) || T < 1) throw new RangeError(`T must be an integer ≥ 1, got ${T}`);
  if (!Number.isInteger(steps) || steps < 1 || steps > T) {
    throw new RangeError(`steps must be an integer in 1..${T}, got ${steps}`);
  }
  if (steps === 1) return [T - 1];
  const out: number[] = [];
  for (let i = 0; i < steps; i++) out.push(roundHalfEven((T - 1) * (1 - i / (steps - 1))));
  return out;
}

/** The result of one DDIM step. */
export interface DdimStep {
  /** The predicted clean image, clamped to [−1, 1]. */
  x0: Float32Array;
  /** The sample at the previous (smaller) timestep, or the final image when tPrev is null. */
  xPrev: Float32Array;
}

/**
 * One deterministic DDIM step from t to tPrev (null: the last step, ᾱ_prev = 1):
 * x0 = clamp((x_t − sqrt(1 − ᾱ_t)·ε) / sqrt(ᾱ_t), −1, 1),
 * xPrev = sqrt(ᾱ_prev)·x0 + sqrt(1 − ᾱ_prev)·ε.
 */
export function ddimStep(
  xt: Float32Array,
  eps: Float32Array,
  sched: Schedule,
  t: number,
  tPrev: number | null,
): DdimStep {
  checkSameLength(xt, eps, 'ddimStep');
  checkTimestep(t, sched.T);
  if (tPrev !== null) {
    checkTimestep(tPrev, sched.T, 'tPrev');
    if (tPrev >= t) throw new RangeError(`tPrev (${tPrev}) must be less than t (${t})`);
  }
  const sa = f32(sched.sqrtAbar(t));
  const sb = f32(sched.sqrtOneMinusAbar(t));
  const pa = tPrev === null ? 1 : f32(sched.sqrtAbar(tPrev));
  const pb = tPrev === null ? 0 : f32(sched.sqrtOneMinusAbar(tPrev));
  const x0 = new Float32Array(xt.length);
  const xPrev = new Float32Array(xt.length);
  for (let i = 0; i < xt.length; i++) {
    const e = eps[i]!;
    const p = f32(f32(xt[i]! - f32(sb * e)) / sa);
    const c = p < -1 ? -1 : p > 1 ? 1 : p;
    x0[i] = c;
    xPrev[i] = f32(pa * c) + f32(pb * e);
  }
  return { x0, xPrev };
}
