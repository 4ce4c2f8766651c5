/**
 * The conditioning's cost in CPU time, which a busy machine moves less than wall time (that
 * swings by ×2 from one run to the next on a shared 2-core machine; CPU time by some 10 %):
 * the default model and its class-conditional twin in onnxruntime-node on one thread, all 19
 * block outputs, interleaved A B B A …, CPU time of this process (process.cpuUsage: user +
 * system) per batch. And the time onnxruntime's own profiler gives the two nodes the twin adds,
 * against the whole run.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { SectionRow } from './sections';

export interface CpuPair {
  uncond: Uint8Array;
  cond: Uint8Array;
  outputs: string[];
  /** Image side; one channel. */
  size: number;
}

function feedsFor(size: number, batch: number, withClass: boolean): Record<string, ort.Tensor> {
  const x = Float32Array.from({ length: batch * size * size }, (_, i) => Math.sin(i) * 0.9);
  return {
    x: new ort.Tensor('float32', x, [batch, 1, size, size]),
    t: new ort.Tensor('float32', new Float32Array(batch).fill(90), [batch]),
    ...(withClass
      ? { y: new ort.Tensor('int64', new BigInt64Array(batch).fill(3n), [batch]) }
      : {}),
  };
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
  const feeds = {
    uncond: feedsFor(pair.size, batch, false),
    cond: feedsFor(pair.size, batch, true),
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

/**
 * Per run of the twin (onnxruntime's profiler, one thread): the kernel time of the nodes named
 * `nodes`, and the whole run's time, both in µs (medians over `runs` runs after a warm-up).
 */
export async function addedKernelTime(
  pair: CpuPair,
  nodes: readonly string[],
  batch: number,
  runs: number,
): Promise<{ addedUs: number; runUs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'diffprobe-cond-profile-'));
  try {
    const session = await ort.InferenceSession.create(pair.cond, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      enableProfiling: true,
      profileFilePrefix: join(dir, 'twin'),
    });
    const feeds = feedsFor(pair.size, batch, true);
    for (let i = 0; i <= runs; i++) await session.run(feeds, pair.outputs);
    session.endProfiling();
    await session.release();
    const file = readdirSync(dir).find((f) => f.endsWith('.json'));
    if (!file) throw new Error('onnxruntime wrote no profile');
    const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      name: string;
      ts: number;
      dur: number;
    }[];
    const kernels = new Set(nodes.map((n) => `${n}_kernel_time`));
    // The first run is the warm-up.
    const runEvents = events.filter((e) => e.name === 'model_run').slice(1);
    const added = runEvents.map((r) =>
      events
        .filter((e) => kernels.has(e.name) && e.ts >= r.ts && e.ts <= r.ts + r.dur)
        .reduce((sum, e) => sum + e.dur, 0),
    );
    if (added.some((a) => a === 0)) throw new Error(`no kernel time for ${nodes.join(', ')}`);
    return { addedUs: median(added), runUs: median(runEvents.map((r) => r.dur)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The row for addedKernelTime's result. */
export function kernelRow(k: { addedUs: number; runUs: number }, batch: number): SectionRow {
  return {
    case: "kernel time of the twin's Gather and Add per batch (onnxruntime profiler)",
    runtime: 'onnxruntime-node CPU · 1 thread',
    value: k.addedUs / 1000,
    unit: 'ms',
    note: `${((k.addedUs / k.runUs) * 100).toFixed(3)} % of the run (${(k.runUs / 1000).toFixed(1)} ms), batch ${batch}, median of the runs`,
  };
}
