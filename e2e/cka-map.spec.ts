import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openApp } from './support/browser';

describe('CKA 2-D map: PCA or UMAP, with the k-NN class separation', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('maps a block by PCA, then by UMAP; both say how well the block separates the classes', async () => {
    const { page, context, errors } = await openApp(browser);
    await page.getByRole('tab', { name: 'CKA' }).click();
    await page.getByLabel('number of images').selectOption('100');
    await page.getByRole('button', { name: 'Compute CKA' }).click();
    const matrix = page.getByTestId('cka-matrix');
    await matrix.waitFor({ timeout: 150_000 });
    // the last block's row (keyboard: focus, go down to row 19, Enter)
    await matrix.focus();
    for (let i = 0; i < 18; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const map = page.getByTestId('cka-map');
    await map.waitFor({ timeout: 30_000 });
    expect(await map.getAttribute('aria-label')).toMatch(
      /^PCA map of block 19 \(decoder\), 100 images/,
    );
    const knnText = await page.getByTestId('cka-map-knn').textContent();
    const knn = Number(/([\d.]+)%/.exec(knnText ?? '')![1]);
    // a decoder block of a model trained on these images separates them far above chance (10%)
    expect(knn).toBeGreaterThan(30);
    expect(knn).toBeLessThanOrEqual(100);

    await page.getByLabel('2-D map method').selectOption('umap');
    await expect
      .poll(() => map.getAttribute('aria-label'), { timeout: 120_000 })
      .toMatch(/^UMAP map of block 19 \(decoder\), 100 images/);
    expect(await page.getByText(/UMAP \(15 neighbours, seed 0\)/).count()).toBe(1);
    // k-NN is measured on the full features: the same number whichever map is drawn
    expect(await page.getByTestId('cka-map-knn').textContent()).toBe(knnText);
    await map.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('cka-map-hover').textContent()).toMatch(/image 1: \w/);
    expect(errors).toEqual([]);
    await context.close();
  });
});
