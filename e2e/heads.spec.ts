import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepStats } from '../src/engine/sweep/run';
import { launch, openApp, screenshot } from './support/browser';

/** A test image from the demo set (a sandal) as a PNG file. */
function demoPng(): Buffer {
  const files = unzipSync(readFileSync('public/datasets/fashion-mnist-demo.zip'));
  const name = Object.keys(files).find((p) => /^test\/[^/]*[Ss]andal[^/]*\/.+\.png$/.test(p))!;
  return Buffer.from(files[name]!);
}

async function openHeads(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Heads' }).click();
  // The model and the dataset's classes are in: the parameter count is a number.
  await expect
    .poll(() => page.getByTestId('head-params').textContent(), { timeout: 60_000 })
    .toMatch(/: [\d,]+ parameters/);
}

/** `window.diffprobeHeads.sweepStats()`: what the last sweep did. */
async function sweepStats(page: Page): Promise<SweepStats> {
  const stats = await page.evaluate(() => globalThis.diffprobeHeads!.sweepStats());
  expect(stats).not.toBeNull();
  return stats!;
}

async function fill(page: Page, testId: string, value: string): Promise<void> {
  await page.getByTestId(testId).fill(value);
}

describe('heads in Chromium (tfjs on WASM)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('trains a linear probe with live curves, then shows accuracy, confusion and mistakes; export, import, classify', async () => {
    const { page, context, errors, foreign } = await openApp(browser);
    await openHeads(page);
    // Linear head, pool 2 on an early block (fast to extract): 64·2·2·10 + 10 parameters.
    await page.getByTestId('head-block').selectOption('5');
    await expect
      .poll(() => page.getByTestId('head-params').textContent())
      .toContain('2,570 parameters');
    await fill(page, 'head-epochs', '6');
    await page.getByRole('button', { name: 'Train head' }).click();
    await page.getByTestId('train-curves').waitFor({ timeout: 150_000 });
    await expect
      .poll(() => page.getByTestId('heads-status').getAttribute('data-status'), {
        timeout: 120_000,
      })
      .toBe('done');
    expect(await page.getByTestId('train-curves').getAttribute('data-epochs')).toBe('6');
    expect(await page.getByTestId('heads-backend').textContent()).toMatch(/WASM/);
    const acc = Number(
      (await page.getByTestId('head-test-accuracy').textContent())!.replace('%', ''),
    );
    // The default model's block 5 at pool 2 reaches ≈85% with a full probe; 6 epochs on 2,000 images
    // are well above chance (10%).
    expect(acc).toBeGreaterThan(65);
    expect(await page.getByTestId('confusion-matrix').locator('tbody tr').count()).toBe(10);
    expect(await page.getByTestId('per-class-accuracy').locator('tr').count()).toBe(10);
    expect(await page.getByTestId('misclassified').locator('li').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('saved-heads').locator('tbody tr').count()).toBe(1);
    await screenshot(page, 'heads-trained');

    // Export one file, import it back (a second row), and refuse a broken file with a reason.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page
        .getByRole('button', { name: /^Export / })
        .first()
        .click(),
    ]);
    const text = readFileSync((await download.path())!, 'utf8');
    const file = JSON.parse(text) as {
      format: string;
      block: number;
      t: number;
      pool: number;
      classes: string[];
    };
    expect(file).toMatchObject({ format: 'diffprobe-head', block: 5, t: 10, pool: 2 });
    expect(file.classes).toHaveLength(10);
    const copy = JSON.stringify({ ...JSON.parse(text), id: 'imported-copy' });
    await page.getByTestId('head-import').setInputFiles({
      name: 'copy.head.json',
      mimeType: 'application/json',
      buffer: Buffer.from(copy),
    });
    await expect.poll(() => page.getByTestId('saved-heads').locator('tbody tr').count()).toBe(2);
    await page.getByTestId('head-import').setInputFiles({
      name: 'broken.head.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"format":"diffprobe-head","version":1}'),
    });
    await expect
      .poll(() => page.getByText(/broken\.head\.json: not a diffprobe head file/).count())
      .toBeGreaterThan(0);
    expect(await page.getByTestId('saved-heads').locator('tbody tr').count()).toBe(2);

    // Classify a dropped image with the imported head: top 3 with probabilities.
    await page
      .getByTestId('classify-input')
      .setInputFiles({ name: 'sandal.png', mimeType: 'image/png', buffer: demoPng() });
    await page.getByTestId('classify-result').waitFor({ timeout: 60_000 });
    const ranked = await page.getByTestId('classify-result').locator('li').allTextContents();
    expect(ranked).toHaveLength(3);
    const probs = ranked.map((r) => Number(/([\d.]+)%/.exec(r)![1]));
    expect(probs[0]).toBeGreaterThanOrEqual(probs[1]!);
    expect(probs.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(100.1);

    // Stored heads survive a reload.
    await page.reload();
    await openHeads(page);
    await expect.poll(() => page.getByTestId('saved-heads').locator('tbody tr').count()).toBe(2);
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 400_000);

  it('cancels a training run at once and keeps the worker usable', async () => {
    const { page, context, errors } = await openApp(browser);
    await openHeads(page);
    await page.getByTestId('head-block').selectOption('5');
    await page.getByTestId('head-kind').selectOption('attention');
    await fill(page, 'head-epochs', '200');
    await page.getByRole('button', { name: 'Train head' }).click();
    await expect
      .poll(() => page.getByTestId('heads-status').getAttribute('data-status'), {
        timeout: 150_000,
      })
      .toBe('training');
    await page.getByTestId('train-curves').waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Cancel training' }).click();
    await expect
      .poll(() => page.getByTestId('heads-status').getAttribute('data-status'))
      .toBe('cancelled');
    const epochs = Number(await page.getByTestId('train-curves').getAttribute('data-epochs'));
    expect(epochs).toBeLessThan(200);
    expect(errors).toEqual([]);
    await context.close();
  }, 400_000);

  it('a reduced sweep: every block × 2 timesteps on a subset, heatmap with the best cell and both curves', async () => {
    const { page, context, errors } = await openApp(browser);
    await openHeads(page);
    await fill(page, 'sweep-ts', '10, 300');
    await fill(page, 'sweep-limit', '10');
    await fill(page, 'sweep-epochs', '5');
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await expect
      .poll(() => page.getByTestId('sweep-status').getAttribute('data-status'), {
        timeout: 300_000,
        interval: 1000,
      })
      .toBe('done');
    const cells = page.getByTestId('sweep-heatmap').locator('rect');
    expect(await cells.count()).toBe(19 * 2);
    expect(await page.getByTestId('sweep-best').count()).toBe(1);
    expect(await page.getByTestId('sweep-best-text').textContent()).toMatch(
      /Best: block \d+, t=(10|300)/,
    );
    expect(
      await page.getByTestId('sweep-by-block').locator('circle').count(),
    ).toBeGreaterThanOrEqual(19);
    expect(await page.getByTestId('sweep-by-t').locator('circle').count()).toBeGreaterThanOrEqual(
      2,
    );
    await screenshot(page, 'heads-sweep');

    // One U-Net pass per (image, t) feeds all 19 blocks: 10 per class of the demo set's train
    // and test splits (100 + 100 images) × 2 timesteps, all computed (a fresh context: nothing
    // is cached yet).
    const first = await sweepStats(page);
    expect(first).toMatchObject({
      status: 'done',
      images: { train: 100, test: 100 },
      timesteps: [10, 300],
      blocks: 19,
      cells: 38,
    });
    expect(first.passes).toBe((100 + 100) * 2);
    expect(first.fromCache).toBe(0);
    // The U-Net really ran on each image once per t, one forward call per batch for all 19
    // blocks (one call per block would be 19 times as many).
    expect(first.computed).toBe(first.passes);
    expect(first.forwardCalls).toBe(2 * Math.ceil((100 + 100) / first.batchSize));

    // The same sweep again: every (image, t) row comes from the feature cache, no new pass.
    await page.evaluate(() => {
      (globalThis as unknown as { e2eFirstSweep: unknown }).e2eFirstSweep =
        globalThis.diffprobeHeads!.sweepStats();
    });
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await expect
      .poll(
        () =>
          page.evaluate(() => {
            const now = globalThis.diffprobeHeads!.sweepStats();
            const before = (globalThis as unknown as { e2eFirstSweep: unknown }).e2eFirstSweep;
            return now !== before ? now?.status : 'not finished';
          }),
        { timeout: 300_000, interval: 1000 },
      )
      .toBe('done');
    expect(await page.getByTestId('sweep-status').getAttribute('data-status')).toBe('done');
    const again = await sweepStats(page);
    expect(again).toMatchObject({
      images: { train: 100, test: 100 },
      timesteps: [10, 300],
      cells: 38,
    });
    expect(again.passes).toBe((100 + 100) * 2);
    expect(again.fromCache).toBe(again.passes);
    expect(again.computed).toBe(0);
    expect(again.forwardCalls).toBe(0);
    // Cached features are the computed ones: the probes train to the same best cell.
    expect(again.best).toEqual(first.best);
    expect(errors).toEqual([]);
    await context.close();
  }, 400_000);
});
