import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HeadSpec } from '../src/core/heads/spec';
import type { TrainConfig } from '../src/core/heads/optim';
import type { HeadsConsole } from '../src/engine/heads/console';
import { demoFeatures } from '../test/heads-features';
import type { FeatureSplit } from '../test/heads-features';
import { launch, openApp } from './support/browser';

/**
 * The heads' tfjs WebGPU training path, run on Chromium's software adapter (SwiftShader): small
 * heads on a few hundred real feature rows (the default model's block 12 at t=10, pool 2, demo
 * set), compared with the same seeded run on WASM. SwiftShader is slow, so the runs are tiny.
 */
const BLOCK = 12;
const T = 10;
const POOL = 2;
const N_TRAIN = 320;
const N_TEST = 160;

const CONFIG: TrainConfig = {
  optimizer: 'sgd',
  lr: 1e-2,
  momentum: 0.9,
  weightDecay: 0,
  epochs: 2,
  batchSize: 32,
  schedule: { kind: 'constant' },
  standardize: true,
  seed: 3,
};

interface Run {
  backend: string;
  reason: string;
  trainLoss: number[];
  testLoss: number[];
  testLogits: number[];
  params: number[];
}

interface Rows {
  trainX: number[];
  trainY: number[];
  testX: number[];
  testY: number[];
  channels: number;
}

function head(split: FeatureSplit, n: number): { x: number[]; y: number[] } {
  return { x: Array.from(split.x.subarray(0, n * split.d)), y: Array.from(split.y.subarray(0, n)) };
}

/** Trains `spec` in a fresh heads worker (the app's code) started with `preference`. */
async function trainIn(
  page: Page,
  preference: 'webgpu' | 'wasm',
  spec: HeadSpec,
  rows: Rows,
): Promise<Run> {
  return page.evaluate(
    async ({ preference, spec, rows, config }) => {
      const api = (globalThis as unknown as { diffprobeHeads: HeadsConsole }).diffprobeHeads;
      const engine = api.createEngine(preference);
      try {
        const info = await engine.backend();
        const out = await engine.train(
          { spec, channels: rows.channels, classes: 10 },
          {
            trainX: Float32Array.from(rows.trainX),
            trainY: Int32Array.from(rows.trainY),
            testX: Float32Array.from(rows.testX),
            testY: Int32Array.from(rows.testY),
          },
          config,
          () => undefined,
        );
        return {
          backend: info.backend,
          reason: info.reason,
          trainLoss: out.curves.map((c) => c.trainLoss),
          testLoss: out.curves.map((c) => c.testLoss),
          testLogits: Array.from(out.testLogits),
          params: out.params.flatMap((p) => Array.from(p.data)),
        };
      } finally {
        engine.dispose();
      }
    },
    { preference, spec, rows, config: CONFIG },
  );
}

function maxAbs(a: number[]): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

function maxAbsDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

function argmax(logits: number[], k: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < logits.length / k; r++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (logits[r * k + j]! > logits[r * k + best]!) best = j;
    out.push(best);
  }
  return out;
}

describe('heads on WebGPU (tfjs-backend-webgpu on the software adapter)', () => {
  let browser: Browser;
  let rows: Rows;
  beforeAll(async () => {
    browser = await launch({ webgpu: true });
    const train = head(await demoFeatures(BLOCK, T, POOL, 'train'), N_TRAIN);
    const test = head(await demoFeatures(BLOCK, T, POOL, 'test'), N_TEST);
    rows = {
      trainX: train.x,
      trainY: train.y,
      testX: test.x,
      testY: test.y,
      channels: train.x.length / N_TRAIN / POOL ** 2,
    };
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('auto skips the software adapter and trains on WASM, saying why', async () => {
    const { page, context, errors } = await openApp(browser);
    await page.waitForFunction(() => typeof globalThis.diffprobeHeads === 'object');
    const info = await page.evaluate(async () => {
      const api = (globalThis as unknown as { diffprobeHeads: HeadsConsole }).diffprobeHeads;
      const engine = api.createEngine('auto');
      try {
        return await engine.backend();
      } finally {
        engine.dispose();
      }
    });
    expect(info.backend).toBe('wasm');
    expect(info.reason).toMatch(/^WASM: the only WebGPU adapter is a software fallback/);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  const specs: HeadSpec[] = [
    { kind: 'mlp', pool: POOL, hidden: [32] },
    { kind: 'cnn', pool: POOL, channels: [8], kernel: 3 },
  ];
  for (const spec of specs) {
    it(`trains a ${spec.kind} head on WebGPU: the loss falls and it matches WASM (same seed)`, async () => {
      const { page, context, errors } = await openApp(browser);
      await page.waitForFunction(() => typeof globalThis.diffprobeHeads === 'object');
      const gpu = await trainIn(page, 'webgpu', spec, rows);
      const cpu = await trainIn(page, 'wasm', spec, rows);
      expect(gpu.backend).toBe('webgpu');
      expect(gpu.reason).toMatch(/software fallback adapter/);
      expect(cpu.backend).toBe('wasm');
      // Learning: chance is ln 10 ≈ 2.30; the second epoch's loss is below the first's.
      expect(gpu.trainLoss[1]!).toBeLessThan(gpu.trainLoss[0]!);
      expect(gpu.testLoss[1]!).toBeLessThan(gpu.testLoss[0]!);
      expect(gpu.testLoss[1]!).toBeLessThan(Math.log(10));
      // Same seed ⇒ same init and batch order: the two backends differ only by float32 rounding.
      for (let e = 0; e < 2; e++) {
        expect(Math.abs(gpu.trainLoss[e]! - cpu.trainLoss[e]!)).toBeLessThan(1e-3);
        expect(Math.abs(gpu.testLoss[e]! - cpu.testLoss[e]!)).toBeLessThan(1e-3);
      }
      expect(maxAbsDiff(gpu.params, cpu.params)).toBeLessThan(1e-3 * maxAbs(cpu.params));
      expect(maxAbsDiff(gpu.testLogits, cpu.testLogits)).toBeLessThan(
        1e-3 * maxAbs(cpu.testLogits),
      );
      const a = argmax(gpu.testLogits, 10);
      const b = argmax(cpu.testLogits, 10);
      expect(a.filter((v, i) => v !== b[i]).length).toBeLessThanOrEqual(1);
      console.log(
        `${spec.kind}: loss ${gpu.trainLoss.map((v) => v.toFixed(4)).join(' → ')} (WebGPU), ` +
          `params max |Δ| ${maxAbsDiff(gpu.params, cpu.params).toExponential(2)}, ` +
          `logits max |Δ| ${maxAbsDiff(gpu.testLogits, cpu.testLogits).toExponential(2)}`,
      );
      expect(errors).toEqual([]);
      await context.close();
    }, 300_000);
  }
});
