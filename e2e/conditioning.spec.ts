import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { condManifest, condModel } from '../test/condUnet';
import { launch, openApp } from './support/browser';
import { dropContextNpy, dropWrongContext } from './support/modelPage';

/** The explorer's maps once they are computed: their request key and colour-scale range. */
async function maps(page: Page): Promise<{ key: string; lo: number; hi: number }> {
  await page.getByTestId('maps-title').waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => !document.querySelector('.feature-maps[aria-busy="true"]'));
  const key = (await page.getByTestId('maps-title').getAttribute('data-key')) ?? '';
  const scale = (await page.getByLabel(/^Colour scale from/).getAttribute('aria-label')) ?? '';
  const m = /from (\S+) to (\S+)$/.exec(scale);
  return { key, lo: Number(m?.[1]), hi: Number(m?.[2]) };
}

async function openModel(page: Page, opts: Parameters<typeof condModel>[0], id: string) {
  const bytes = condModel(opts);
  const manifest = condManifest(bytes, opts, id);
  await page.getByLabel(/^Open your own model/).setInputFiles([
    { name: 'model.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) },
    {
      name: 'manifest.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(manifest)),
    },
  ]);
  await expect
    .poll(() => page.getByTestId('model-facts').locator('h3').innerText(), { timeout: 120_000 })
    .toContain(id);
  await expect
    .poll(() => page.locator('.feature-maps').innerText(), { timeout: 60_000 })
    .toMatch(/^Block 3 /);
}

describe('conditional models in the app', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('feeds the picked class to every image; own labels only when turned on, with a warning', async () => {
    const { page, context } = await openApp(browser);
    await maps(page);
    await openModel(page, { size: 8, contextInput: false }, 'class-tiny');
    const picker = page.getByRole('combobox', { name: 'Class for every image' });
    expect(await picker.inputValue()).toBe('0');
    await expect
      .poll(() => page.getByTestId('conditioning-summary').innerText())
      .toMatch(/y: class 0/);
    const before = await maps(page);
    // Block 3 = x_t + y + t: class 5 shifts every value by 5.
    await picker.selectOption('5');
    await expect.poll(async () => (await maps(page)).key).not.toBe(before.key);
    const after = await maps(page);
    expect(after.lo - before.lo).toBeCloseTo(5, 2);
    expect(after.hi - before.hi).toBeCloseTo(5, 2);
    expect(await page.getByTestId('own-label-warning').count()).toBe(0);
    // The image's own label: only on request, with a visible warning that it leaks.
    await page.getByRole('checkbox', { name: "Use each image's own label" }).check();
    const warning = page.getByTestId('own-label-warning');
    expect(await warning.isVisible()).toBe(true);
    expect(await warning.innerText()).toMatch(/the label leaks\s+into the features/);
    expect(await picker.isDisabled()).toBe(true);
    await expect.poll(async () => (await maps(page)).key).not.toBe(after.key);
    await expect
      .poll(() => page.getByTestId('conditioning-summary').innerText())
      .toMatch(/y: each image's own label/);
    await page.getByRole('checkbox', { name: "Use each image's own label" }).uncheck();
    expect(await warning.count()).toBe(0);
    await expect.poll(async () => (await maps(page)).key).toBe(after.key);
    await context.close();
  });

  it('takes a context .npy of [L, D]; a wrong shape gets a message and nothing changes', async () => {
    const { page, context } = await openApp(browser);
    await maps(page);
    await openModel(page, { size: 8, classInput: false }, 'ctx-tiny');
    const source = page.getByTestId('context-source-ctx');
    expect(await source.innerText()).toBe('zeros');
    const zeros = await maps(page);
    const file = page.getByLabel('Context .npy for ctx');
    expect(await dropWrongContext(page, file, 'wrong.npy', [3, 4])).toContain(
      "wrong.npy has shape [3, 4]; this model's context takes [2, 3]",
    );
    expect(await source.innerText()).toBe('zeros');
    expect(await page.getByTestId('model-facts').locator('h3').innerText()).toContain('ctx-tiny');
    expect((await maps(page)).key).toBe(zeros.key);
    // Block 3 = x_t + mean(ctx) + t: a context of 2s shifts every value by 2.
    await dropContextNpy(file, 'prompt.npy', new Float32Array(6).fill(2), [2, 3]);
    await expect.poll(() => source.innerText()).toBe('prompt.npy');
    expect(await page.getByTestId('conditioning-message').count()).toBe(0);
    await expect.poll(async () => (await maps(page)).key).not.toBe(zeros.key);
    const loaded = await maps(page);
    expect(loaded.lo - zeros.lo).toBeCloseTo(2, 2);
    await page.getByRole('button', { name: 'Use zeros for ctx' }).click();
    await expect.poll(() => source.innerText()).toBe('zeros');
    await expect.poll(async () => (await maps(page)).lo).toBeCloseTo(zeros.lo, 3);
    await context.close();
  });

  it('opens a bare class-conditional .onnx (no manifest): blocks proposed, class 0 fed, picker works', async () => {
    const { page, context } = await openApp(browser);
    const first = await maps(page);
    const bytes = condModel({ size: 8, contextInput: false });
    await page.getByLabel(/^Open your own model/).setInputFiles([
      {
        name: 'bare-cond.onnx',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from(bytes),
      },
    ]);
    // A bare model first shows its proposed blocks and a schedule form: load them as proposed.
    await page.getByRole('button', { name: 'Load with this schedule' }).click({ timeout: 120_000 });
    await expect
      .poll(() => page.getByTestId('conditioning-summary').innerText(), { timeout: 120_000 })
      .toMatch(/y: class 0/);
    await expect.poll(async () => (await maps(page)).key).not.toBe(first.key);
    const before = await maps(page);
    const picker = page.getByLabel(/^Class for every image/);
    await picker.fill('5');
    await picker.press('Enter');
    await expect.poll(async () => (await maps(page)).key).not.toBe(before.key);
    const after = await maps(page);
    // Every block holds x_t + y: class 5 shifts every value by 5.
    expect(after.lo - before.lo).toBeCloseTo(5, 2);
    await context.close();
  });
});
