/**
 * Seeded Gaussian noise that is a pure function of (seed, item id, t), so the same selection
 * gives the same x_t in every worker, backend and in Node.
 *
 * Recipe (port it exactly when reproducing it elsewhere, e.g. in Python):
 * 1. key = UTF-8 bytes of `${seed}|${itemId}|${t}` (seed and t are integers, so the key is
 *    unambiguous even when the item id contains '|');
 * 2. four 32-bit words = cyrb128(key) (a murmur-style 128-bit hash built on Math.imul);
 * 3. seed sfc32 with those words and discard its first 12 outputs;
 * 4. for each pair of outputs (r1, r2): u1 = (r1 + 0.5)/2³², u2 = r2/2³², ρ = sqrt(−2 ln u1),
 *    emit ρ·cos(2π u2) then ρ·sin(2π u2) (Box–Muller, both values), rounded to float32.
 * A shorter request is a prefix of a longer one. Math.log/cos/sin may differ in the last bit
 * between JavaScript engines, so values agree across engines up to float32 rounding.
 */

const encoder = new TextEncoder();

/** cyrb128 over bytes: four 32-bit unsigned words. */
function cyrb128(bytes: Uint8Array): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (const k of bytes) {
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 32-bit unsigned outputs. */
function sfc32(seed: [number, number, number, number]): () => number {
  let [a, b, c, d] = seed;
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
}

const TWO_POW_32 = 4294967296;
const WARM_UP = 12;

/** The noise key: `${seed}|${itemId}|${t}` after checking seed and t. */
export function noiseKey(seed: number, itemId: string, t: number): string {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (!Number.isSafeInteger(t) || t < 0) {
    throw new RangeError(`t must be an integer ≥ 0, got ${t}`);
  }
  return `${seed}|${itemId}|${t}`;
}

/** `length` standard normal values (float32), a pure function of (seed, itemId, t). */
export function gaussianNoise(
  seed: number,
  itemId: string,
  t: number,
  length: number,
): Float32Array {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`length must be an integer ≥ 0, got ${length}`);
  }
  const next = sfc32(cyrb128(encoder.encode(noiseKey(seed, itemId, t))));
  for (let i = 0; i < WARM_UP; i++) next();
  const out = new Float32Array(length);
  for (let i = 0; i < length; i += 2) {
    const u1 = (next() + 0.5) / TWO_POW_32;
    const u2 = next() / TWO_POW_32;
    const rho = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    out[i] = rho * Math.cos(theta);
    if (i + 1 < length) out[i + 1] = rho * Math.sin(theta);
  }
  return out;
}
