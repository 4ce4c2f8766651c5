/**
 * "Export sweep result": a reduced sweep run in the app downloads as the sweep.json the CLI
 * writes, parses with the CLI-side tests' parser, and opens back to the same grid, unflagged.
 * A result from another dataset opens flagged, naming both.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DATASET } from '../src/core/sweep/datasetRef';
import { parseSweepResult } from '../src/core/sweep/result';
import { launch, openApp, screenshot } from './support/browser';

/** Each heatmap cell's title (block, t and accuracy to 0.01%) and colour. */
function cellsOf(page: Page): Promise<string[]> {
  return page
    .getByTestId('sweep-heatmap')
    .locator('rect')
    .evaluateAll((rects) => rects.map((r) => `${r.textContent} ${r.getAttribute('fill')}`));
}

describe('exporting the sweep grid as sweep.json', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('round-trips: run, export, parse in Node, open again; another dataset is flagged', async () => {
    const { page, context, errors, foreign } = await openApp(browser);
    await page.getByRole('tab', { name: 'Heads' }).click();
    await expect
      .poll(() => page.getByTestId('head-params').textContent(), { timeout: 60_000 })
      .toMatch(/: [\d,]+ parameters/);
    const exportButton = page.getByRole('button', { name: 'Export sweep result' });
    expect(await exportButton.count()).toBe(0);
    // Every block at one t on 3 images per class, 2 epochs per probe.
    await page.getByTestId('sweep-ts').fill('10');
    await page.getByTestId('sweep-limit').fill('3');
    await page.getByTestId('sweep-epochs').fill('2');
    await page.getByRole('button', { name: 'Run sweep' }).click();
    await expect
      .poll(() => page.getByTestId('sweep-status').getAttribute('data-status'), {
        timeout: 120_000,
        interval: 500,
      })
      .toBe('done');
    const ran = await cellsOf(page);
    expect(ran.length).toBe(19);
    expect(await page.getByTestId('sweep-dataset-changed').count()).toBe(0);

    const [download] = await Promise.all([page.waitForEvent('download'), exportButton.click()]);
    expect(download.suggestedFilename()).toBe('sweep.json');
    const text = readFileSync((await download.path())!, 'utf8');
    const r = parseSweepResult(JSON.parse(text));
    expect(r.format).toBe('diffprobe-sweep');
    expect(r.model.id).toBe('fmnist-adm-s');
    expect(r.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.ts).toEqual([10]);
    expect(r.blocks.length).toBe(19);
    expect(r.pool).toBe(2);
    expect(r.train.epochs).toBe(2);
    expect(r.dataset).toMatchObject({
      id: DEMO_DATASET.id,
      source: DEMO_DATASET.name,
      images: { train: 30, test: 30 },
    });
    expect(r.dataset.classes.length).toBe(10);
    expect(r.conditioning).toBeUndefined();
    expect(r.cells.length).toBe(19);
    // The file's cells are the grid drawn: the same accuracies, cell by cell.
    for (const c of r.cells) {
      const title = `block ${c.block}, t=${c.t}: ${(100 * c.testAccuracy).toFixed(2)}%`;
      expect(ran.some((s) => s.startsWith(title + ' '))).toBe(true);
    }

    // Opened again: the same grid, the loaded model, no flag.
    const input = page.getByLabel('Open a sweep result…');
    await input.setInputFiles({
      name: 'sweep.json',
      mimeType: 'application/json',
      buffer: Buffer.from(text),
    });
    await expect.poll(() => page.getByTestId('sweep-open-model').count()).toBe(1);
    expect(await page.getByTestId('sweep-open-model').getAttribute('data-other')).toBe('false');
    expect(await cellsOf(page)).toEqual(ran);
    expect(await page.getByTestId('sweep-dataset-changed').count()).toBe(0);
    expect(await page.getByTestId('sweep-conditioning').count()).toBe(0);
    expect(await page.getByTestId('sweep-status').textContent()).toContain('Opened sweep.json');
    // The reopened grid exports the same file again.
    const [again] = await Promise.all([page.waitForEvent('download'), exportButton.click()]);
    expect(readFileSync((await again.path())!, 'utf8')).toBe(text);
    await screenshot(page, 'heads-sweep-export');

    // The same result said to be from another dataset: flagged, naming both.
    const other = JSON.parse(text) as { dataset: { id: string; source: string } };
    other.dataset.id = 'stored:elsewhere';
    other.dataset.source = 'Leaves';
    await input.setInputFiles({
      name: 'leaves.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(other)),
    });
    const flag = page.getByTestId('sweep-dataset-changed');
    await flag.waitFor();
    expect(await flag.textContent()).toMatch(
      /“Leaves”.*“Fashion-MNIST demo”.*run the sweep again/i,
    );
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await context.close();
  }, 120_000);
});
