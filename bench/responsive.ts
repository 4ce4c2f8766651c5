/**
 * The page stays responsive under load: a sweep over a 20,000-image dataset (imported from a
 * zip through the panel, then one t, every block, 1 epoch) while a PerformanceObserver counts
 * the main thread's long tasks. The goal: none over 200 ms. The import's long tasks are
 * reported too.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { bigZip } from '../e2e/support/datasetFixtures';
import type { BenchSection, SectionRow } from './sections';
import { sweepInPage } from './sweep';

const GOAL_MS = 200;

declare global {
  interface Window {
    diffprobeLongTasks?: number[];
  }
}

/** Installed before the app: every main-thread long task's duration, in ms. */
function observeLongTasks(): void {
  window.diffprobeLongTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.diffprobeLongTasks!.push(e.duration);
  }).observe({ type: 'longtask', buffered: true });
}

/** The long tasks seen since the last call (and forgets them). */
async function takeLongTasks(page: Page): Promise<number[]> {
  return page.evaluate(() => window.diffprobeLongTasks!.splice(0));
}

/** A zip of `n` generated 28×28 PNGs in 10 class folders, written to a temporary file. */
export function zipFile(n: number): string {
  const path = join(mkdtempSync(join(tmpdir(), 'diffprobe-bench-')), `bench-${n}.zip`);
  writeFileSync(path, bigZip(n));
  return path;
}

function summary(label: string, tasks: number[], runtime: string): SectionRow[] {
  const longest = tasks.length ? Math.max(...tasks) : 0;
  const over = tasks.filter((d) => d > GOAL_MS).length;
  return [
    {
      case: `${label}: longest main-thread task`,
      runtime,
      value: longest,
      unit: 'ms',
      note: `${tasks.length} long tasks (over 50 ms), ${over} over ${GOAL_MS} ms`,
    },
  ];
}

export const responsiveSection: BenchSection = {
  name: 'responsive',
  async run({ browser, base, quick }) {
    // DIFFPROBE_BENCH_SWEEP_IMAGES measures another size (the full one takes about an hour on
    // 2 busy cores).
    const n = Number(process.env.DIFFPROBE_BENCH_SWEEP_IMAGES) || (quick ? 1000 : 20_000);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(observeLongTasks);
    const page = await context.newPage();
    const rows: SectionRow[] = [];
    let sweepTasks: number[];
    try {
      await page.goto(base);
      await page.getByRole('tab', { name: 'Datasets' }).click();
      await page.getByRole('button', { name: 'Choose a folder…' }).waitFor();
      await takeLongTasks(page);
      const started = performance.now();
      await page.getByLabel('Open a zip file').setInputFiles(zipFile(n));
      await page.waitForFunction(
        () =>
          document.querySelector('[data-testid="dataset-row"]') !== null &&
          !document.querySelector('[data-testid="import-progress"]'),
        undefined,
        { timeout: 30 * 60_000, polling: 200 },
      );
      const importS = (performance.now() - started) / 1000;
      const label = `${n.toLocaleString('en')} PNGs`;
      rows.push(
        ...summary(
          `import of ${label} from a zip (${importS.toFixed(0)} s)`,
          await takeLongTasks(page),
          'Chromium, page',
        ),
      );
      const sweepStart = performance.now();
      // A sweep that does not end in time still reports the long tasks seen until then.
      const stats = await sweepInPage(page, { label: 'load sweep', ts: '10', limit: 0, epochs: 1 })
        .then(
          (s) =>
            `${s.images.train} train + ${s.images.test} test, ${s.blocks} blocks, t=10, 1 epoch, ${(s.totalMs / 1000).toFixed(0)} s`,
        )
        .catch(
          (e: unknown) =>
            `stopped after ${((performance.now() - sweepStart) / 1000).toFixed(0)} s: ${(e as Error).message.split('\n')[0]}`,
        );
      sweepTasks = await takeLongTasks(page);
      const backend = (await page.getByTestId('backend').textContent()) ?? 'unknown';
      rows.push(
        ...summary(`sweep over ${label} (${stats})`, sweepTasks, `Chromium, U-Net ${backend}`),
      );
    } finally {
      await context.close();
    }
    for (const r of rows) console.log(`${r.case}: ${r.value.toFixed(0)} ${r.unit} (${r.note})`);
    const longest = sweepTasks.length ? Math.max(...sweepTasks) : 0;
    return { rows, goals: { longestSweepTaskVs200ms: longest / GOAL_MS } };
  },
};
