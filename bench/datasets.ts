/**
 * Datasets import at scale: 10,000 generated 28×28 PNGs through the panel, as a zip and as a
 * folder (<input webkitdirectory>), stored at the default model's 32×32 grey. Measures images/s
 * (from the moment the files are handed over until the import ends) and peak memory: the page's
 * JS heap (CDP Performance.getMetrics) and the resident memory of Chromium's renderer
 * processes (the page and its workers), sampled every 100 ms. Then 50,000 from a zip (5× the
 * first case; the goal: the renderer under 1 GB).
 */
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { Page } from 'playwright-core';
import { bigZip, greyPng, writeFolder } from '../e2e/support/datasetFixtures';
import type { Files } from '../e2e/support/datasetFixtures';
import { zipFile } from './responsive';
import type { BenchSection, SectionRow } from './sections';

const MiB = 1024 * 1024;

/** Resident memory of the given processes, in bytes (Linux /proc). */
function rssOf(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+) kB/.exec(status);
      if (kb) total += Number(kb[1]) * 1024;
    } catch {
      // the process ended
    }
  }
  return total;
}

interface Measured {
  images: number;
  seconds: number;
  peakHeap: number;
  peakRss: number;
  progressSeen: string;
}

/** The renderer processes of this browser (the bench's page and its workers), by CDP. */
async function rendererPids(browser: Browser): Promise<number[]> {
  const session = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = await session.send('SystemInfo.getProcessInfo');
    return processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
  } finally {
    await session.detach();
  }
}

async function measureImport(
  browser: Browser,
  page: Page,
  handOver: () => Promise<void>,
): Promise<Measured> {
  const cdp = await page.context().newCDPSession(page);
  const rendererRss = async () => rssOf(await rendererPids(browser));
  await cdp.send('Performance.enable');
  let peakHeap = 0;
  let peakRss = await rendererRss();
  let sampling = true;
  let progressSeen = '';
  const sampler = (async () => {
    while (sampling) {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
      peakHeap = Math.max(peakHeap, heap);
      peakRss = Math.max(peakRss, await rendererRss());
      const text = await page
        .getByTestId('import-progress')
        .textContent({ timeout: 50 })
        .catch(() => null);
      if (text && /images\/s/.test(text)) progressSeen = text;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const before = await page.getByTestId('dataset-row').count();
  // the clock starts before the files are handed over: the import may begin while Playwright
  // still transfers them, so the rate is a lower bound of the app's
  const start = performance.now();
  await handOver();
  await page.waitForFunction(
    (n) =>
      document.querySelectorAll('[data-testid="dataset-row"]').length > n &&
      !document.querySelector('[data-testid="import-progress"]'),
    before,
    { timeout: 600_000, polling: 50 },
  );
  const seconds = (performance.now() - start) / 1000;
  sampling = false;
  await sampler;
  await cdp.detach();
  const row = (await page.getByTestId('dataset-row').first().textContent()) ?? '';
  const images = Number(/([\d,]+) images/.exec(row)?.[1]?.replace(/,/g, '') ?? 0);
  return { images, seconds, peakHeap, peakRss, progressSeen };
}

function rows(label: string, m: Measured): SectionRow[] {
  const runtime = 'Chromium, datasets worker';
  return [
    {
      case: `${label}: import rate`,
      runtime,
      value: m.images / m.seconds,
      unit: 'images/s',
      note: `${m.images} images in ${m.seconds.toFixed(1)} s; last progress line: ${m.progressSeen}`,
    },
    { case: `${label}: peak page JS heap`, runtime, value: m.peakHeap / MiB, unit: 'MiB' },
    {
      case: `${label}: peak renderer memory (RSS, page + workers)`,
      runtime,
      value: m.peakRss / MiB,
      unit: 'MiB',
    },
  ];
}

export const datasetsSection: BenchSection = {
  name: 'datasets',
  async run({ browser, base, quick }) {
    const n = quick ? 2000 : 10_000;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(base);
    await page.getByRole('tab', { name: 'Datasets' }).click();
    await page.getByRole('button', { name: 'Choose a folder…' }).waitFor();
    const out: SectionRow[] = [];
    const zipped = bigZip(n);
    const zipRun = await measureImport(browser, page, () =>
      page.getByLabel('Open a zip file').setInputFiles({
        name: `bench-${n}.zip`,
        mimeType: 'application/zip',
        buffer: Buffer.from(zipped),
      }),
    );
    out.push(...rows(`${n.toLocaleString('en')} PNGs from a zip`, zipRun));
    const files: Files = {};
    for (let i = 0; i < n; i++) files[`class-${i % 10}/${i}.png`] = greyPng(n + i);
    const dir = writeFolder(`bench-${n}`, files);
    const folderRun = await measureImport(browser, page, () =>
      page.getByLabel('Choose a folder of class folders').setInputFiles(dir),
    );
    out.push(...rows(`${n.toLocaleString('en')} PNGs from a folder`, folderRun));
    // 5× the case above, from a zip on disk (too large to hand over as a buffer).
    const big = quick ? 5 * 2000 : 50_000;
    const bigRun = await measureImport(browser, page, () =>
      page.getByLabel('Open a zip file').setInputFiles(zipFile(big)),
    );
    out.push(...rows(`${big.toLocaleString('en')} PNGs from a zip`, bigRun));
    await context.close();
    for (const r of out)
      console.log(`${r.case}: ${r.value.toFixed(1)} ${r.unit}${r.note ? ` (${r.note})` : ''}`);
    const rate = Math.min(zipRun.images / zipRun.seconds, folderRun.images / folderRun.seconds);
    const peak = Math.max(zipRun.peakRss, folderRun.peakRss);
    return {
      rows: out,
      goals: {
        importRateVs200PerSecond: rate / 200,
        peakRendererMemoryVs1GB: peak / (1024 * MiB),
        [`import${big}PeakRendererMemoryVs1GB`]: bigRun.peakRss / (1024 * MiB),
      },
    };
  },
};
