import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { TrainConfig } from '../src/core/heads/optim';
import type { HeadsConsole } from '../src/engine/heads/console';
import type { EpochReport, HeadTrainer, TrainOutcome } from '../src/protocol/heads';
import { demoFeatures, python, writeHeadsNpy } from '../test/heads-features';
import type { FeatureSplit } from '../test/heads-features';
import type { BenchSection, SectionRow } from './sections';

const BLOCK = 12;
const T = 10;
const POOL = 2;

/** The paper's optimiser (SGD, momentum 0.9) at batch 64; test evaluation only at the end. */
function recipe(epochs: number): TrainConfig {
  return {
    optimizer: 'sgd',
    lr: 1e-2,
    momentum: 0.9,
    weightDecay: 0,
    epochs,
    batchSize: 64,
    schedule: { kind: 'step', every: 7, gamma: 0.1 },
    standardize: true,
    seed: 0,
  };
}

interface PageRun {
  backend: string;
  reason: string;
  msPerEpoch: number;
  testAcc: number;
}

/**
 * Trains the linear probe in the heads worker (the app's code) on one tfjs backend: with
 * `trainer` 'auto' the way the app does (engine.train: the typed-array trainer for a linear
 * head), with 'tfjs' on tfjs autodiff (the library's number).
 */
async function trainInPage(
  page: Page,
  preference: 'wasm' | 'cpu' | 'webgpu',
  trainer: HeadTrainer,
  train: FeatureSplit,
  test: FeatureSplit,
  config: TrainConfig,
): Promise<PageRun> {
  return page.evaluate(
    async ({ preference, trainer, trainX, trainY, testX, testY, d, config }) => {
      const api = (globalThis as unknown as { diffprobeHeads: HeadsConsole }).diffprobeHeads;
      const engine = api.createEngine(preference);
      try {
        const info = await engine.backend();
        const head = { spec: { kind: 'linear' as const, pool: 2 }, channels: d / 4, classes: 10 };
        const data = {
          trainX: Float32Array.from(trainX),
          trainY: Int32Array.from(trainY),
          testX: Float32Array.from(testX),
          testY: Int32Array.from(testY),
        };
        const out =
          trainer === 'auto'
            ? await engine.train(head, data, config, () => undefined, { evalEveryEpoch: false })
            : await engine.bridge.call<TrainOutcome, EpochReport>((w, ctx) =>
                w.train(ctx.jobId, head, data, config, ctx.progress, false, trainer),
              );
        const steady = out.curves.slice(1);
        return {
          backend: info.backend,
          reason: info.reason,
          msPerEpoch: steady.reduce((a, c) => a + c.ms, 0) / Math.max(1, steady.length),
          testAcc: out.curves.at(-1)!.testAcc,
        };
      } finally {
        engine.dispose();
      }
    },
    {
      preference,
      trainer,
      trainX: Array.from(train.x),
      trainY: Array.from(train.y),
      testX: Array.from(test.x),
      testY: Array.from(test.y),
      d: train.d,
      config,
    },
  );
}

/**
 * Linear-probe training time per epoch: the heads worker in Chromium — the app's path for a
 * linear head (the typed-array trainer), and tfjs autodiff on WASM and on the plain JS CPU
 * backend — against PyTorch on the CPU, on the same features (block 12, t=10, pool 2 of the demo
 * set: 2,000 × 256 training rows). Goal (issue #5): app path ÷ PyTorch ≤ 1.5.
 */
export const headsSection: BenchSection = {
  name: 'heads',
  async run({ browser, base, quick }) {
    const epochs = quick ? 4 : 10;
    const config = recipe(epochs);
    const train = await demoFeatures(BLOCK, T, POOL, 'train');
    const test = await demoFeatures(BLOCK, T, POOL, 'test');
    const dir = mkdtempSync(join(tmpdir(), 'diffprobe-bench-heads-'));
    writeHeadsNpy(dir, train, test);
    const caseName = `linear probe, ${train.y.length} × ${train.d} features (block ${BLOCK}, t=${T}, pool ${POOL}), batch 64, ms per epoch`;
    const rows: SectionRow[] = [];
    const r = spawnSync(
      python(),
      ['-m', 'diffprobe_tools.heads_torch', '--features', dir, '--config', '-', '--threads', '2'],
      {
        cwd: 'tools',
        encoding: 'utf8',
        input: JSON.stringify({ spec: { kind: 'linear', pool: POOL }, train: config, classes: 10 }),
      },
    );
    if (r.status !== 0)
      throw new Error(`PyTorch baseline failed: ${r.stderr.trim().split('\n').pop()}`);
    const torch = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
      msPerEpochSteady: number;
      testAcc: number;
      threads: number;
    };
    rows.push({
      case: caseName,
      runtime: `PyTorch CPU · ${torch.threads} threads`,
      value: torch.msPerEpochSteady,
      unit: 'ms',
      note: `test accuracy ${(100 * torch.testAcc).toFixed(2)}%`,
    });
    const page = await browser.newPage();
    const goals: Record<string, number> = {};
    try {
      await page.goto(base);
      await page.waitForFunction(() => typeof globalThis.diffprobeHeads === 'object');
      const runs = [
        { preference: 'wasm', trainer: 'auto', goal: 'appVsTorchPerEpoch' },
        { preference: 'wasm', trainer: 'tfjs', goal: 'tfjsWasmVsTorchPerEpoch' },
        { preference: 'cpu', trainer: 'tfjs', goal: 'tfjsCpuVsTorchPerEpoch' },
      ] as const;
      for (const { preference, trainer, goal } of runs) {
        const run = await trainInPage(page, preference, trainer, train, test, config);
        const runtime =
          trainer === 'auto'
            ? 'Chromium heads worker, app path: linear head on typed arrays (no tfjs)'
            : `Chromium heads worker, tfjs ${run.backend.toUpperCase()} (${run.reason})`;
        rows.push({
          case: caseName,
          runtime,
          value: run.msPerEpoch,
          unit: 'ms',
          note: `test accuracy ${(100 * run.testAcc).toFixed(2)}%`,
        });
        goals[goal] = run.msPerEpoch / torch.msPerEpochSteady;
        console.log(
          `heads: ${trainer === 'auto' ? 'app path' : `tfjs ${run.backend}`} ${run.msPerEpoch.toFixed(1)} ms/epoch vs PyTorch ${torch.msPerEpochSteady.toFixed(1)}`,
        );
      }
    } finally {
      await page.close();
    }
    return { rows, goals };
  },
};
