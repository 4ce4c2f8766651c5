/**
 * The Heads panel opens a sweep.json written by `diffprobe sweep`: the same heatmap, best cell
 * and two curves as a sweep run in the browser, and a note when the result is from another model.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSweepArgs, sweep } from '../cli/commands/sweep';
import { bestCell } from '../src/core/heads/sweep';
import { parseSweepResult, resultGrid } from '../src/core/sweep/result';
import { writeSweepImages } from '../test/sweepData';
import { launch, openApp, screenshot } from './support/browser';

const tmp = mkdtempSync(join(tmpdir(), 'diffprobe-sweep-open-'));

describe('opening a CLI sweep result in the Heads panel', () => {
  let browser: Browser;
  let json = '';
  beforeAll(async () => {
    const images = join(tmp, 'images');
    await writeSweepImages(images);
    const out = join(tmp, 'out');
    await sweep(
      parseSweepArgs([
        '--model',
        'public/models/fmnist-adm-s',
        '--images',
        images,
        '--t',
        '10,90,300',
        '--blocks',
        '4,8,12',
        '--epochs',
        '3',
        '--out',
        out,
        '--no-progress',
      ]),
    );
    json = readFileSync(join(out, 'sweep.json'), 'utf8');
    browser = await launch({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('draws the heatmap, best cell and both curves; says when the model differs', async () => {
    const { page, context, errors, foreign } = await openApp(browser);
    await page.getByRole('tab', { name: 'Heads' }).click();
    await expect
      .poll(() => page.getByTestId('head-params').textContent(), { timeout: 60_000 })
      .toMatch(/: [\d,]+ parameters/);
    const input = page.getByLabel('Open a sweep result…');
    await input.setInputFiles({
      name: 'sweep.json',
      mimeType: 'application/json',
      buffer: Buffer.from(json),
    });
    const result = parseSweepResult(JSON.parse(json));
    const best = bestCell(resultGrid(result))!;
    await page.getByTestId('sweep-heatmap').waitFor();
    expect(await page.getByTestId('sweep-heatmap').locator('rect').count()).toBe(9);
    expect(await page.getByTestId('sweep-best').count()).toBe(1);
    expect(await page.getByTestId('sweep-best-text').textContent()).toBe(
      `Best: block ${best.block}, t=${best.t}: ${(100 * best.acc).toFixed(2)}%`,
    );
    expect(
      await page.getByTestId('sweep-by-block').locator('circle').count(),
    ).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('sweep-by-t').locator('circle').count()).toBeGreaterThanOrEqual(
      3,
    );
    expect(await page.getByTestId('sweep-status').getAttribute('data-status')).toBe('done');
    expect(await page.getByTestId('sweep-open-model').getAttribute('data-other')).toBe('false');
    await screenshot(page, 'heads-sweep-open');

    // The same result, said to come from another model.
    const other = JSON.parse(json) as { model: { sha256: string } };
    other.model.sha256 = 'f'.repeat(64);
    await input.setInputFiles({
      name: 'other.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(other)),
    });
    await expect
      .poll(() => page.getByTestId('sweep-open-model').getAttribute('data-other'))
      .toBe('true');
    expect(await page.getByTestId('sweep-open-model').textContent()).toMatch(/another model/);
    expect(await page.getByTestId('sweep-heatmap').locator('rect').count()).toBe(9);

    // Not a sweep result: a notice, nothing drawn over.
    await input.setInputFiles({
      name: 'head.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"format":"something-else"}'),
    });
    await expect.poll(() => page.getByText(/Cannot open head\.json/).count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await context.close();
  });
});
