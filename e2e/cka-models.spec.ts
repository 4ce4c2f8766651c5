import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openApp } from './support/browser';

const modelFile = (id: string, name: string) =>
  fileURLToPath(new URL(`../public/models/${id}/${name}`, import.meta.url));

async function csvOf(page: Page): Promise<string[][]> {
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  const text = Buffer.concat(await (await csv.createReadStream()).toArray()).toString('utf8');
  return text
    .trim()
    .split('\n')
    .map((l) => l.split(','));
}

async function compareWithFiles(page: Page, files: string[]): Promise<void> {
  await page
    .getByLabel('open a model to compare with (.onnx with its manifest.json)')
    .setInputFiles(files);
}

describe('CKA against another model: a shipped one or one the user opens', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the U-Net against its own copy opened from files: every block matches itself (CKA 1)', async () => {
    const { page, context, errors, foreign } = await openApp(browser);
    await page.getByRole('tab', { name: 'CKA' }).click();
    await page.getByLabel('what to compare').selectOption('classifier');
    await compareWithFiles(page, [
      modelFile('fmnist-adm-s', 'model.onnx'),
      modelFile('fmnist-adm-s', 'manifest.json'),
    ]);
    const picker = page.getByLabel('model to compare with', { exact: true });
    await expect.poll(() => picker.inputValue()).toBe('files:model.onnx');
    await page.getByLabel('number of images').selectOption('100');
    await page.getByRole('button', { name: 'Compute CKA' }).click();
    const matrix = page.getByTestId('cka-matrix');
    await matrix.waitFor({ timeout: 150_000 });
    expect(await matrix.getAttribute('aria-label')).toMatch(
      /U-Net blocks \(t = 90\) × fmnist-adm-s blocks \(t = 90\), pool 2, n = 100/,
    );
    const rows = await csvOf(page);
    expect(rows).toHaveLength(20);
    expect(rows[0]![1]).toBe('fmnist-adm-s block 1');
    expect(rows[0]![19]).toBe('fmnist-adm-s block 19');
    // the same images, the same seeded noise, the same weights: each block equals its copy
    for (let b = 1; b <= 19; b++) expect(Number(rows[b]![b])).toBeCloseTo(1, 5);
    // and differs from the other blocks (the matrix is not all ones)
    expect(Number(rows[1]![13])).toBeLessThan(0.9);
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('refuses a model without its manifest, or with a manifest of another file, and keeps the last matrix', async () => {
    const { page, context, errors } = await openApp(browser);
    await page.getByRole('tab', { name: 'CKA' }).click();
    await page.getByLabel('what to compare').selectOption('classifier');
    await page.getByLabel('number of images').selectOption('100');
    await page.getByRole('button', { name: 'Compute CKA' }).click();
    const matrix = page.getByTestId('cka-matrix');
    await matrix.waitFor({ timeout: 150_000 });
    const title = await matrix.getAttribute('aria-label');
    expect(title).toMatch(/× fmnist-resnet-s layers/);
    // an .onnx alone: the comparison needs the manifest's layers
    await compareWithFiles(page, [modelFile('fmnist-resnet-s', 'model.onnx')]);
    await expect
      .poll(() => page.getByText(/open its manifest\.json too/).count())
      .toBeGreaterThan(0);
    // the U-Net's file with the CNN's manifest: the sha256 check refuses it
    await compareWithFiles(page, [
      modelFile('fmnist-adm-s', 'model.onnx'),
      modelFile('fmnist-resnet-s', 'manifest.json'),
    ]);
    await page.getByRole('button', { name: 'Compute CKA' }).click();
    await expect
      .poll(() => page.getByText(/sha256/i).count(), { timeout: 60_000 })
      .toBeGreaterThan(0);
    expect(await matrix.getAttribute('aria-label')).toBe(title);
    // back to the shipped CNN: it runs again
    await page.getByLabel('model to compare with', { exact: true }).selectOption('fmnist-resnet-s');
    await page.getByRole('button', { name: 'Compute CKA' }).click();
    await expect
      .poll(() => page.getByRole('button', { name: 'Compute CKA' }).isEnabled(), {
        timeout: 150_000,
      })
      .toBe(true);
    expect(await page.locator('.error-text').count()).toBe(0);
    expect(await matrix.getAttribute('aria-label')).toBe(title);
    expect(errors).toEqual([]);
    await context.close();
  });
});
