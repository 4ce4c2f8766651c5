/**
 * A conditional model's extract speed next to the unconditional one, on WASM in Chromium.
 *
 * 1. Default model size: the shipped model (fmnist-adm-s, 1.74M parameters, 19 blocks) and its
 *    class-conditional twin (test/condTwin.ts: the same graph with ADM's label embedding added to
 *    the time embedding), class 3 for every image through the engine's conditioning. The same
 *    request (all 19 blocks, pool 2, t = 90) on both, in interleaved runs (A B B A A B …) so that a
 *    slow moment of the machine hits both alike. The claim — conditioning costs nothing
 *    measurable — is judged against the unconditional model's own run-to-run spread and, in a
 *    full run, against a control: the unconditional model again in a third engine (A B C, B C A,
 *    …), whose "cost" is what the bench reads where there is none.
 * 2. The same pair where the machine's load matters less (conditioningCpu.ts): CPU time per
 *    batch in onnxruntime-node, and the kernel time onnxruntime's profiler gives the twin's two
 *    added nodes; and the added work counted as a share of the model's FLOPs.
 * 3. Tiny graph (test/condUnet.ts, kept on purpose): a few-node graph with a class and a context
 *    input against the same graph with both as constants. There the per-call cost of feeding the
 *    two inputs (copy, int64 conversion, the nodes that read them) is all there is to measure,
 *    so it is reported in ms per call, never as a speed ratio: on a graph that does almost no
 *    work any fixed cost looks large, which says nothing about a real model.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import type { CondChoice } from '../src/core/conditioning/conditioning';
import type { ModelManifest } from '../src/core/manifest/types';
import type { ConsoleApi } from '../src/engine/consoleApi';
import { condManifest, condModel } from '../test/condUnet';
import { condTwin, condTwinManifest, TWIN_NODES } from '../test/condTwin';
import { addedKernelTime, cpuRows, cpuTimes, kernelRow, type CpuPair } from './conditioningCpu';
import type { BenchSection, SectionRow } from './sections';

const MODEL_DIR = 'public/models/fmnist-adm-s';
const CLASS = 3;
const TINY_SIZE = 32;
const TINY_BATCH = 16;

interface ModelFiles {
  /** model.onnx and manifest.json, base64 (a string crosses into the page far cheaper than an array). */
  files: { name: string; base64: string }[];
  cond: CondChoice[];
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const jsonFile = (m: unknown) => ({
  name: 'manifest.json',
  base64: b64(new TextEncoder().encode(JSON.stringify(m))),
});
const classChoice = (classes: number): CondChoice => ({
  kind: 'class',
  name: 'y',
  dtype: 'int64',
  classes,
  id: CLASS,
  ownLabel: false,
});

/** The default model and its class-conditional twin. */
function defaultPair(): {
  uncond: ModelFiles;
  cond: ModelFiles;
  cpu: CpuPair;
  manifest: ModelManifest;
  dim: number;
} {
  const bytes = new Uint8Array(readFileSync(`${MODEL_DIR}/model.onnx`));
  const manifest = JSON.parse(readFileSync(`${MODEL_DIR}/manifest.json`, 'utf8')) as ModelManifest;
  const twin = condTwin(bytes, { classes: 10, seed: 0 });
  return {
    uncond: { files: [{ name: 'model.onnx', base64: b64(bytes) }, jsonFile(manifest)], cond: [] },
    cond: {
      files: [
        { name: 'model.onnx', base64: b64(twin.bytes) },
        jsonFile(condTwinManifest(manifest, twin.bytes, 10, twin.dim)),
      ],
      cond: [classChoice(10)],
    },
    cpu: {
      uncond: bytes,
      cond: twin.bytes,
      outputs: manifest.blocks.map((b) => b.output),
      size: 32,
    },
    manifest,
    dim: twin.dim,
  };
}

/** The tiny graph with a class and a context input, and the same with both as constants. */
function tinyPair(): { uncond: ModelFiles; cond: ModelFiles } {
  const one = (conditional: boolean): ModelFiles => {
    const opts = { size: TINY_SIZE, constants: !conditional };
    const bytes = condModel(opts);
    const m = condManifest(bytes, opts, conditional ? 'bench-cond' : 'bench-uncond');
    const context: CondChoice = {
      kind: 'context',
      name: 'ctx',
      shape: [2, 3],
      source: {
        kind: 'file',
        file: 'ones.npy',
        data: new Float32Array(6).fill(1),
        digest: 'bench',
      },
    };
    return {
      files: [{ name: 'model.onnx', base64: b64(bytes) }, jsonFile(m)],
      cond: conditional ? [classChoice(10), context] : [],
    };
  };
  return { uncond: one(false), cond: one(true) };
}

type Bench = Record<string, ReturnType<ConsoleApi['createEngine']>>;

/** A WASM engine in the page with `model` loaded and its conditioning set, kept under `key`. */
async function open(page: Page, key: string, model: ModelFiles): Promise<string> {
  return page.evaluate(
    async ({ key, model }) => {
      const g = globalThis as unknown as { diffprobe: ConsoleApi; condBench?: Bench };
      const engine = g.diffprobe.createEngine('wasm');
      g.condBench = { ...(g.condBench ?? {}), [key]: engine };
      const info = await engine.backend();
      await engine.load({
        kind: 'files',
        files: model.files.map((f) => ({
          name: f.name,
          bytes: Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0)).buffer,
        })),
      });
      engine.conditioning = () => model.cond;
      return `${info.reason} · ${info.threads} threads`;
    },
    { key, model },
  );
}

/** Mean ms per extract of `batch` images over `calls` calls (after `warmup` untimed ones). */
async function timeRun(
  page: Page,
  key: string,
  req: { size: number; batch: number; blocks: number[]; calls: number; warmup: number },
): Promise<number> {
  return page.evaluate(
    async ({ key, req }) => {
      const engine = (globalThis as unknown as { condBench: Bench }).condBench[key]!;
      const items = Array.from({ length: req.batch }, (_, i) => ({
        id: `bench-${i}`,
        x0: Float32Array.from({ length: req.size * req.size }, (_, k) => Math.sin(k + i) * 0.9),
      }));
      const r = { t: 90, blocks: req.blocks, pool: 2, seed: 0, noise: 'seeded' as const };
      for (let i = 0; i < req.warmup; i++)
        await engine.extract(items, r, () => undefined, { useCache: false });
      const start = performance.now();
      for (let i = 0; i < req.calls; i++)
        await engine.extract(items, r, () => undefined, { useCache: false });
      return (performance.now() - start) / req.calls;
    },
    { key, req },
  );
}

async function closeAll(page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as unknown as { condBench?: Bench };
    for (const e of Object.values(g.condBench ?? {})) e.dispose();
    g.condBench = {};
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Per-run ms per batch of each model, `runs` rounds in which each runs once, the order rotating
 * (A B, B A, … or A B C, B C A, C A B, …) so that no model always runs right after another.
 */
async function interleaved<K extends string>(
  page: Page,
  models: Record<K, ModelFiles>,
  req: { size: number; batch: number; blocks: number[]; calls: number },
  runs: number,
  label: string,
): Promise<{ runtime: string; ms: Record<K, number[]> }> {
  const keys = Object.keys(models) as K[];
  let runtime = '';
  for (const key of keys) runtime = await open(page, key, models[key]);
  // Warm each (sessions for this request, the pooled graph) before any timed run.
  for (const key of keys) await timeRun(page, key, { ...req, calls: 1, warmup: 1 });
  const ms = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let r = 0; r < runs; r++) {
    for (let j = 0; j < keys.length; j++) {
      const key = keys[(r + j) % keys.length]!;
      ms[key].push(await timeRun(page, key, { ...req, warmup: 0 }));
    }
    console.log(
      `${label} run ${r + 1}/${runs}: ${keys.map((k) => `${k} ${ms[k][r]!.toFixed(1)}`).join(', ')} ms per batch`,
    );
  }
  await closeAll(page);
  return { runtime, ms };
}

/** The rows of one comparison at the default model size. */
function defaultRows(
  runtime: string,
  ms: { uncond: number[]; cond: number[]; control?: number[] },
  batch: number,
  calls: number,
): { rows: SectionRow[]; ratio: number } {
  const ips = (m: number) => (batch * 1000) / m;
  const runs = `${ms.uncond.length} interleaved runs each of ${calls} call${calls > 1 ? 's' : ''}`;
  const paired = (xs: number[]) => median(xs.map((x, r) => x - ms.uncond[r]!));
  const what = `fmnist-adm-s (1.74M parameters), all 19 blocks, pool 2, t = 90, batch ${batch}`;
  const rows: SectionRow[] = [];
  for (const key of ['uncond', 'cond'] as const) {
    const name =
      key === 'uncond'
        ? `extract, unconditional default model (${what})`
        : 'extract, its class-conditional twin (+ label_emb(y) on the time embedding), class 3 for every image, same request';
    rows.push(
      {
        case: `${name}: best`,
        runtime,
        value: ips(Math.min(...ms[key])),
        unit: 'img/s',
        note: runs,
      },
      { case: `${name}: median`, runtime, value: ips(median(ms[key])), unit: 'img/s', note: runs },
    );
  }
  // Paired: run r of each model ran next to the other (A B B A …), so a slow stretch of the
  // machine cancels out of their difference; the median of those differences is the cost.
  const cost = paired(ms.cond);
  const spread = Math.max(...ms.uncond) - Math.min(...ms.uncond);
  // The speed ratio of each pair (uncond ms / cond ms), and their median, for the same reason.
  const ratio = median(ms.cond.map((c, r) => ms.uncond[r]! / c));
  rows.push(
    {
      case: 'conditional / unconditional extract speed (median of the paired ratios), default model size',
      runtime,
      value: ratio,
      unit: '×',
      note: `ratio of the medians ${(median(ms.uncond) / median(ms.cond)).toFixed(3)}×, of the bests ${(Math.min(...ms.uncond) / Math.min(...ms.cond)).toFixed(3)}×`,
    },
    {
      case: 'conditioning cost per batch (median of paired differences, conditional − unconditional), default model size',
      runtime,
      value: cost,
      unit: 'ms',
      note: `${Math.abs(cost) <= spread ? 'within' : 'outside'} the noise floor (${spread.toFixed(1)} ms); ${((cost / median(ms.uncond)) * 100).toFixed(1)} % of a batch; difference of the medians ${(median(ms.cond) - median(ms.uncond)).toFixed(1)} ms`,
    },
    {
      case: 'noise floor: run-to-run spread (max − min) of the unconditional model, ms per batch',
      runtime,
      value: spread,
      unit: 'ms',
      note: `median ${median(ms.uncond).toFixed(1)} ms per batch`,
    },
  );
  if (ms.control) {
    const control = paired(ms.control);
    rows.push({
      case: 'control: the unconditional model against itself in a third engine, same rounds (median of paired differences)',
      runtime,
      value: control,
      unit: 'ms',
      note: `what the bench reads as a cost where there is none; the conditioning's ${cost.toFixed(1)} ms is ${Math.abs(cost) <= Math.abs(control) ? 'no larger' : `${(Math.abs(cost) - Math.abs(control)).toFixed(1)} ms larger`}`,
    });
  }
  return { rows, ratio };
}

export const conditioningSection: BenchSection = {
  name: 'conditioning',
  async run({ browser, base, quick }) {
    const page = await browser.newPage();
    try {
      await page.goto(base);
      await page.waitForFunction(() => 'diffprobe' in globalThis);
      const batch = quick ? 16 : 32;
      // Many short runs rather than a few long ones: a pair of neighbouring runs then sees the
      // same load (this bench shares its machine with whatever else runs).
      const calls = 1;
      const load0 = loadavg()[0]!;
      const pair = defaultPair();
      // Full runs add a control: the unconditional model again, in a third engine.
      const models: Record<string, ModelFiles> = { uncond: pair.uncond, cond: pair.cond };
      if (!quick) models.control = pair.uncond;
      const real = await interleaved(
        page,
        models,
        { size: 32, batch, blocks: Array.from({ length: 19 }, (_, i) => i + 1), calls },
        quick ? 3 : 12,
        'default model',
      );
      const { uncond, cond, control } = real.ms;
      const { rows, ratio } = defaultRows(
        real.runtime,
        { uncond: uncond!, cond: cond!, ...(control ? { control } : {}) },
        batch,
        calls,
      );
      rows.find((r) => r.case.startsWith('noise floor'))!.note +=
        `; load average ${load0.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after (${cpus().length} cores)`;
      // What the twin adds, counted: per image one table row gathered and one Add of D values.
      const flops = pair.manifest.flops;
      if (flops) {
        rows.push({
          case: `work the twin adds per image: one Add of ${pair.dim} values (and a Gather of one ${pair.dim}-value row), as a share of the model's ${(flops / 1e6).toFixed(0)} MFLOP`,
          runtime: 'counted',
          value: pair.dim / flops,
          unit: 'share',
        });
      }
      const cpuBatch = quick ? 8 : 32;
      const cpu = await cpuTimes(pair.cpu, cpuBatch, quick ? 3 : 8);
      rows.push(...cpuRows(cpu, cpuBatch));
      const kernels = await addedKernelTime(
        pair.cpu,
        Object.values(TWIN_NODES),
        cpuBatch,
        quick ? 2 : 5,
      );
      rows.push(kernelRow(kernels, cpuBatch));

      const tinyCalls = quick ? 5 : 10;
      const tinyRuns = quick ? 3 : 9;
      const { runtime: tinyRuntime, ms: tiny } = await interleaved(
        page,
        tinyPair(),
        { size: TINY_SIZE, batch: TINY_BATCH, blocks: [1, 2, 3, 4], calls: tinyCalls },
        tinyRuns,
        'tiny graph',
      );
      rows.push({
        case: `tiny graph (4 nodes of work, ${TINY_SIZE}×${TINY_SIZE}, batch ${TINY_BATCH}): fixed cost per extract call of feeding a class and a context [2, 3] input`,
        runtime: tinyRuntime,
        value: median(tiny.cond.map((c, r) => c - tiny.uncond[r]!)),
        unit: 'ms',
        note: `median of the paired differences of ${tinyRuns} interleaved runs of ${tinyCalls} calls; the same graph with both as constants takes ${median(tiny.uncond).toFixed(1)} ms per call (spread ${(Math.max(...tiny.uncond) - Math.min(...tiny.uncond)).toFixed(1)} ms)`,
      });
      return {
        rows,
        goals: {
          'conditional / unconditional extract speed (default model size)': ratio,
          'conditional / unconditional CPU time per batch (default model size)': median(
            cpu.cond.map((c, r) => c / cpu.uncond[r]!),
          ),
        },
      };
    } finally {
      await page.close();
    }
  },
};
