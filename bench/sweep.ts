import type { Page } from 'playwright-core';
import type { HeadsConsole } from '../src/engine/heads/console';
import type { SweepStats } from '../src/engine/sweep/run';
import type { BenchSection, SectionRow } from './sections';

/** Issue #5: the default sweep on the default model and the demo set within 10 minutes on WASM. */
const GOAL_S = 600;

export interface Plan {
  label: string;
  ts: string;
  /** Images per class (0: the whole demo set). */
  limit: number;
  epochs: number;
}

const FULL: Plan = {
  label: 'default sweep',
  ts: '10, 50, 90, 150, 300, 500',
  limit: 0,
  epochs: 10,
};
const QUICK: Plan = { label: 'reduced sweep', ts: '10, 150, 500', limit: 30, epochs: 10 };

/** Starts the sweep from the Heads panel, as a user would, and waits for it to finish. */
export async function sweepInPage(page: Page, plan: Plan): Promise<SweepStats> {
  await page.getByRole('tab', { name: 'Heads' }).click();
  // The default model and the demo set's classes are in: the parameter count is a number.
  await page
    .getByTestId('head-params')
    .filter({ hasText: /: [\d,]+ parameters/ })
    .waitFor({ timeout: 120_000 });
  await page.getByTestId('sweep-ts').fill(plan.ts);
  await page.getByTestId('sweep-limit').fill(String(plan.limit));
  await page.getByTestId('sweep-epochs').fill(String(plan.epochs));
  await page.getByRole('button', { name: 'Run sweep' }).click();
  await page.waitForFunction(
    () => {
      const s = document.querySelector('[data-testid="sweep-status"]')?.getAttribute('data-status');
      return s === 'done' || s === 'error' || s === 'cancelled';
    },
    undefined,
    { timeout: 45 * 60_000, polling: 1000 },
  );
  const stats = await page.evaluate(() =>
    (globalThis as unknown as { diffprobeHeads: HeadsConsole }).diffprobeHeads.sweepStats(),
  );
  if (!stats || stats.status !== 'done') {
    const text = await page.getByTestId('sweep-status').textContent();
    throw new Error(`the sweep did not finish: ${stats?.status ?? 'no stats'} (${text})`);
  }
  return stats;
}

/**
 * The block × t sweep of linear probes in the built app (Chromium, U-Net on WASM, heads on the
 * automatic tfjs backend), started from the Heads panel in a fresh browser context (an empty
 * feature cache): total, feature and training time, images per second, the best cell.
 */
export const sweepSection: BenchSection = {
  name: 'sweep',
  async run({ browser, base, quick }) {
    const plan = quick ? QUICK : FULL;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    let stats: SweepStats;
    let backend: string;
    try {
      await page.goto(base);
      await page.waitForFunction(() => typeof globalThis.diffprobeHeads === 'object');
      stats = await sweepInPage(page, plan);
      backend = (await page.getByTestId('backend').textContent()) ?? 'unknown';
    } finally {
      await context.close();
    }
    const images = stats.images.train + stats.images.test;
    const caseName = `${plan.label}: ${stats.blocks} blocks × t {${stats.timesteps.join(', ')}}, ${stats.images.train} train + ${stats.images.test} test images, ${plan.epochs} epochs, batch ${stats.batchSize}`;
    const runtime = `Chromium, U-Net ${backend}`;
    const s = (ms: number) => ms / 1000;
    const best = stats.best;
    const rows: SectionRow[] = [
      { case: caseName, runtime, value: s(stats.totalMs), unit: 's total' },
      {
        case: caseName,
        runtime,
        value: s(stats.featureMs),
        unit: 's features',
        note: 'wall time of the extract calls (they overlap training)',
      },
      {
        case: caseName,
        runtime,
        value: s(stats.trainMs),
        unit: 's training',
        note: `${stats.cells} linear probes (wall time; overlaps extraction)`,
      },
      {
        case: caseName,
        runtime,
        value: (stats.passes * 1000) / stats.featureMs,
        unit: 'img/s extracted',
        note: `${stats.passes} (image, t) passes, ${stats.fromCache} from the cache; ${stats.computed} images through the U-Net in ${stats.forwardCalls} forward calls`,
      },
      {
        case: caseName,
        runtime,
        value: best ? 100 * best.acc : NaN,
        unit: '% best test accuracy',
        note: best ? `block ${best.block}, t=${best.t}` : 'no cell',
      },
    ];
    console.log(
      `sweep: ${s(stats.totalMs).toFixed(1)} s total (features ${s(stats.featureMs).toFixed(1)} s, ` +
        `training ${s(stats.trainMs).toFixed(1)} s), ${((images * stats.timesteps.length * 1000) / stats.featureMs).toFixed(1)} img/s; ` +
        `best block ${best?.block}, t=${best?.t}: ${best ? (100 * best.acc).toFixed(2) : '—'}%`,
    );
    // The goal is stated for the full default sweep; a reduced one reports its own ratio.
    return {
      rows,
      goals: { [quick ? 'reducedSweepVs600s' : 'sweepVs600s']: s(stats.totalMs) / GOAL_S },
    };
  },
};
