import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../src/core/image/png';
import { withOutputs } from '../src/core/onnx/edit';
import { launch, openApp, screenshot } from './support/browser';
import { clickSource } from './support/correspondencePage';

const S = 32;

/** Waits until the maps for the current selection are computed and the match is drawn on them. */
async function matched(page: Page): Promise<[number, number]> {
  await page.waitForFunction(
    () => {
      const out = document.querySelector('[data-testid="best-match"]');
      const section = document.querySelector('section.correspondence');
      return (
        !!out &&
        section?.getAttribute('aria-busy') === 'false' &&
        /^\d+, \d+$/.test(out.textContent ?? '')
      );
    },
    undefined,
    { timeout: 120_000 },
  );
  const text = await page.getByTestId('best-match').innerText();
  return text.split(', ').map(Number) as [number, number];
}

const WAIT = { timeout: 60_000 };

/**
 * One part of the drawn match's key: [model, block, t, seed, noise, noise samples, image, target].
 */
async function matchKey(page: Page, part: number): Promise<unknown> {
  const key = await page.getByTestId('best-match').getAttribute('data-key');
  return key ? (JSON.parse(key) as unknown[])[part] : undefined;
}

describe('correspondence (WASM)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a clicked point is found on a shifted copy within one feature cell; block, t, samples and keys update it', async () => {
    const { page, context, errors, foreign } = await openApp(browser);
    await page
      .getByRole('heading', { name: 'Correspondence', exact: true })
      .waitFor({ timeout: 120_000 });
    // The default: block 12 (8×8 cells of 4 px), t = 90, target a copy shifted by (3, 2).
    const target = page.getByRole('combobox', { name: 'Target' });
    expect(await target.inputValue()).toBe('warp');
    await page.getByRole('spinbutton', { name: 'Shift x' }).fill('5');
    await page.getByRole('spinbutton', { name: 'Shift y' }).fill('-3');
    await clickSource(page, 16, 12);
    const [bx, by] = await matched(page);
    const cell = S / 8;
    expect(Math.abs(bx - (16 + 5))).toBeLessThanOrEqual(cell);
    expect(Math.abs(by - (12 - 3))).toBeLessThanOrEqual(cell);
    await screenshot(page, 'correspondence-match');

    // Another block (16, 32×32): the maps are asked again and the match is redrawn on them.
    await page.getByRole('button', { name: /^Block 16, decoder/ }).click();
    await expect.poll(() => matchKey(page, 1), WAIT).toBe(16);
    const [fx, fy] = await matched(page);

    // Arrow keys move the probe point; the match follows.
    await page.getByRole('img', { name: 'Source: click a point' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(() => page.locator('.corr-views figcaption').first().innerText())
      .toContain('point 17, 13');
    await expect.poll(async () => (await matched(page)).join(','), WAIT).not.toBe(`${fx},${fy}`);

    // Two noise samples: the maps are asked again (the key names k = 2).
    await page.getByRole('spinbutton', { name: 'noise samples' }).fill('2');
    await expect.poll(() => matchKey(page, 5), WAIT).toBe(2);
    await matched(page);

    // Clean features: t = 0, no noise.
    await page.getByRole('button', { name: 'Clean features (t = 0, no noise)' }).click();
    await expect.poll(() => matchKey(page, 2), WAIT).toBe(0);
    expect(await matchKey(page, 4)).toBe('none');
    await matched(page);

    // Another dataset image as the target: a match is drawn, without a known true point.
    const other = await target.locator('option[value^="item:"]').nth(1).getAttribute('value');
    await target.selectOption(other!);
    await expect.poll(() => matchKey(page, 7), WAIT).toBe(`item:${other!.slice(5)}`);
    await matched(page);
    expect(await page.getByTestId('true-point').count()).toBe(0);

    // A file as the target: it becomes the select's choice and is matched against.
    const rgb = new Uint8Array(40 * 40 * 3).map((_, i) => (i * 7) % 251);
    await page.getByLabel('Open a target image file').setInputFiles({
      name: 'pattern.png',
      mimeType: 'image/png',
      buffer: Buffer.from(encodePng(rgb, 40, 40, 3)),
    });
    await expect.poll(() => target.inputValue(), WAIT).toBe('file:pattern.png');
    await expect.poll(() => matchKey(page, 7), WAIT).toBe('file:pattern.png');
    await matched(page);
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await context.close();
  });

  it('the correspondence sweep reports PCK@0.1 per block beside the classification’s best cell', async () => {
    const { page, context, errors } = await openApp(browser);
    await page
      .getByRole('heading', { name: 'Correspondence', exact: true })
      .waitFor({ timeout: 120_000 });
    await page.getByRole('spinbutton', { name: 'Images' }).fill('2');
    await page.getByRole('button', { name: 'Run the correspondence sweep' }).click();
    const best = page.getByTestId('corr-sweep-best');
    await expect
      .poll(() => best.innerText(), { timeout: 120_000 })
      .toMatch(/PCK@0\.1 = [01]\.\d{3}/);
    expect(await best.innerText()).toMatch(
      /Best for classifying\s+block 14 at t = 10: 90\.4% \(the model card\)/,
    );
    expect(await page.locator('.corr-chart .bar').count()).toBe(19);
    expect(errors).toEqual([]);
    await context.close();
  });
  it('runs on your own model (an .onnx without a manifest) through the same path', async () => {
    const { page, context, errors } = await openApp(browser);
    await clickSource(page, 16, 12);
    await matched(page);
    const shipped = await matchKey(page, 0);
    await page.getByLabel(/^Open your own model/).setInputFiles({
      name: 'my-unet.onnx',
      mimeType: 'application/octet-stream',
      // A plain export (only the predicted noise is an output): other bytes, another hash.
      buffer: Buffer.from(
        withOutputs(readFileSync('public/models/fmnist-adm-s/model.onnx'), ['eps']),
      ),
    });
    const form = page.getByRole('form', { name: 'Noise schedule' });
    await form.getByRole('button', { name: 'Load with this schedule' }).click();
    await expect
      .poll(() => page.getByTestId('model-facts').innerText(), { timeout: 120_000 })
      .toMatch(/your ONNX, blocks found from its graph/);
    // The point stays; the maps are asked of the new model and the match redrawn.
    await expect.poll(async () => (await matchKey(page, 0)) ?? shipped, WAIT).not.toBe(shipped);
    const [x, y] = await matched(page);
    expect(Math.abs(x - 19)).toBeLessThanOrEqual(S / 8);
    expect(Math.abs(y - 14)).toBeLessThanOrEqual(S / 8);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('correspondence (WebGPU, software adapter)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a tiny case: one click on the default shifted copy (3, 2), block 12, t = 90', async () => {
    const { page, context, errors } = await openApp(browser);
    await expect
      .poll(() => page.getByTestId('backend').innerText(), { timeout: 120_000 })
      .toMatch(/WebGPU/i);
    await page
      .getByRole('heading', { name: 'Correspondence', exact: true })
      .waitFor({ timeout: 120_000 });
    await clickSource(page, 16, 12);
    const [x, y] = await matched(page);
    // Within one cell of block 12's 8×8 map (4 px) of the true position (19, 14).
    expect(Math.abs(x - 19)).toBeLessThanOrEqual(S / 8);
    expect(Math.abs(y - 14)).toBeLessThanOrEqual(S / 8);
    expect(errors).toEqual([]);
    await context.close();
  });
});
