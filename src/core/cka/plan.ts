/**
 * Planning a CKA run: which images (classes interleaved, so consecutive minibatches are mixed),
 * and whether the settings make sense before any work starts.
 */

/**
 * The first `n` indices of a round-robin over classes (class by class in order, each class's
 * items in their original order): a deterministic order in which every run of consecutive rows
 * holds every class about equally.
 */
export function interleaveByClass(labels: readonly number[], n: number): number[] {
  const byClass = new Map<number, number[]>();
  labels.forEach((l, i) => {
    const list = byClass.get(l);
    if (list) list.push(i);
    else byClass.set(l, [i]);
  });
  const queues = [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  const out: number[] = [];
  for (let k = 0; out.length < Math.min(n, labels.length); k++) {
    for (const q of queues) if (k < q.length && out.length < n) out.push(q[k]!);
  }
  return out;
}

export interface PlanInput {
  n: number;
  available: number;
  method: 'linear' | 'minibatch';
  batchSize: number;
  timesteps: readonly number[];
  T: number;
  kind: 'blocks' | 'timesteps' | 'classifier';
}

/** A message for the user when the settings cannot work, else null. */
export function checkPlan(p: PlanInput): string | null {
  if (!Number.isInteger(p.n) || p.n < 4) return 'CKA needs at least 4 images.';
  if (p.n > p.available) {
    return `The dataset has ${p.available} images; choose at most that many.`;
  }
  if (p.method === 'minibatch' && (!Number.isInteger(p.batchSize) || p.batchSize < 4)) {
    return 'The minibatch size must be an integer of at least 4.';
  }
  if (p.method === 'minibatch' && p.batchSize > p.n) {
    return `The minibatch size (${p.batchSize}) is larger than the number of images (${p.n}).`;
  }
  if (p.kind === 'timesteps') {
    if (p.timesteps.length < 2) return 'Give at least two timesteps.';
    const bad = p.timesteps.find((t) => !Number.isInteger(t) || t < 0 || t >= p.T);
    if (bad !== undefined) return `Timestep ${bad} is outside 0–${p.T - 1}.`;
  }
  return null;
}

/** "10, 50, 90" → [10, 50, 90] (duplicates dropped); null when a part is not a number. */
export function parseTimesteps(text: string): number[] | null {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d+$/.test(p)) return null;
    const v = Number(p);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}
