/**
 * The conditioning's cost in CPU time, which a busy machine hardly changes (wall time on a
 * shared 2-core machine swings by ×2 from one run to the next): the default model and its
 * class-conditional twin in onnxruntime-node on one thread, all 19 block outputs, interleaved
 * A B B A …, CPU time of this process (process.cpuUsage: user + system) per batch.
 */
import * as ort from 'onnxruntime-node';
import type { SectionRow } from './sections';

export interface CpuPair {
  uncond: Uint8Array;
  cond: Uint8Array;
  outputs: string[];
  /** Image side; one channel. */
  size: number;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** CPU ms per batch of each model, `runs` interleaved runs each. */
export async function cpuTimes(
  pair: CpuPair,
  batch: number,
  runs: number,
): Promise<{ uncond: number[]; cond: number[] }> {
  const opts: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  };
  const sessions = {
    uncond: await ort.InferenceSession.create(pair.uncond, opts),
    cond: await ort.InferenceSession.create(pair.cond, opts),
  };
  const n = pair.size * pair.size;
  const x = Float32Array.from({ length: batch * n }, (_, i) => Math.sin(i) * 0.9);
  const base = {
    x: new ort.Tensor('float32', x, [batch, 1, pair.size, pair.size]),
    t: new ort.Tensor('float32', new Float32Array(batch).fill(90), [batch]),
  };
  const feeds = {
    uncond: base,
    cond: { ...base, y: new ort.Tensor('int64', new BigInt64Array(batch).fill(3n), [batch]) },
  };
  const ms = { uncond: [] as number[], cond: [] as number[] };
  try {
    for (const key of ['uncond', 'cond'] as const)
      await sessions[key].run(feeds[key], pair.outputs);
    for (let r = 0; r < runs; r++) {
      for (const key of r % 2 ? (['cond', 'uncond'] as const) : (['uncond', 'cond'] as const)) {
        const before = process.cpuUsage();
        await sessions[key].run(feeds[key], pair.outputs);
        const used = process.cpuUsage(before);
        ms[key].push((used.user + used.system) / 1000);
      }
    }
  } finally {
    await Promise.all([sessions.uncond.release(), sessions.cond.release()]);
  }
  return ms;
}

/** The rows: CPU time per batch of each, and the paired cost against the spread. */
export function cpuRows(ms: { uncond: number[]; cond: number[] }, batch: number): SectionRow[] {
  const runtime = `onnxruntime-node CPU · 1 thread · CPU time (user + system)`;
  const note = `median of ${ms.uncond.length} interleaved runs, batch ${batch}, all 19 block outputs`;
  const cost = median(ms.cond.map((c, r) => c - ms.uncond[r]!));
  const spread = Math.max(...ms.uncond) - Math.min(...ms.uncond);
  return [
    {
      case: 'CPU time per batch, unconditional default model',
      runtime,
      value: median(ms.uncond),
      unit: 'ms',
      note,
    },
    {
      case: 'CPU time per batch, its class-conditional twin (class 3)',
      runtime,
      value: median(ms.cond),
      unit: 'ms',
      note,
    },
    {
      case: 'conditioning cost in CPU time per batch (median of paired differences)',
      runtime,
      value: cost,
      unit: 'ms',
      note: `${Math.abs(cost) <= spread ? 'within' : 'outside'} the unconditional model's run-to-run spread (${spread.toFixed(1)} ms); ${((cost / median(ms.uncond)) * 100).toFixed(2)} % of a batch`,
    },
  ];
}
