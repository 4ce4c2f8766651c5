/**
 * A bare diffusers-style text-conditional export (sample, a scalar int64 timestep,
 * encoder_hidden_states [batch, 77, 32] → out_sample) dropped into the app: blocks proposed from
 * its module paths, zeros fed as context until a [77, 32] .npy is loaded, the maps follow the
 * context, and a context of the wrong shape is refused with the model kept.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextData, diffusersModel } from '../test/diffusersUnet';
import { launch, openApp } from './support/browser';
import { flatPng, zip, type Files } from './support/datasetFixtures';
import { uploadZip } from './support/datasetPage';
import { dropContextNpy, dropWrongContext, mapsKey } from './support/modelPage';

/** The explorer's maps once computed: their request key and colour-scale range. */
async function maps(page: Page): Promise<{ key: string; range: string }> {
  await page.getByTestId('maps-title').waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => !document.querySelector('.feature-maps[aria-busy="true"]'));
  const key = (await page.getByTestId('maps-title').getAttribute('data-key')) ?? '';
  const range = (await page.getByLabel(/^Colour scale from/).getAttribute('aria-label')) ?? '';
  return { key, range };
}

describe('a diffusers-style text-conditional U-Net', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('opens as is: blocks proposed, zeros as context until a [77, 32] .npy is loaded', async () => {
    const { page, context, errors } = await openApp(browser);
    await maps(page);
    await page.getByLabel(/^Open your own model/).setInputFiles({
      name: 'unet-diffusers.onnx',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(diffusersModel('scalar-int64')),
    });
    const form = page.getByRole('form', { name: 'Noise schedule' });
    const table = form.getByRole('table', { name: 'Proposed blocks' });
    await table.waitFor({ timeout: 60_000 });
    expect(await table.locator('tbody tr').count()).toBe(8);
    expect(await table.locator('tr[data-block="5"]').innerText()).toMatch(/^5\s+middle/);
    expect(
      await form.getByRole('textbox', { name: 'Name of block 4', exact: true }).inputValue(),
    ).toBe('down_blocks.1.resnets.0+attentions.0');
    await form.getByRole('button', { name: 'Load with this schedule' }).click();

    await expect
      .poll(() => page.getByTestId('model-facts').innerText(), { timeout: 60_000 })
      .toMatch(/8 blocks/);
    // No context given: zeros, and the panel says so.
    await expect
      .poll(() => page.getByTestId('conditioning-summary').innerText())
      .toContain('encoder_hidden_states: zeros [77, 32]');
    const source = page.getByTestId('context-source-encoder_hidden_states');
    expect(await source.innerText()).toBe('zeros');

    const mid = page.getByRole('button', { name: /^Block 5, middle, .*, mid_block$/ });
    await mid.click({ timeout: 60_000 });
    await expect
      .poll(() => page.getByTestId('maps-title').innerText(), { timeout: 60_000 })
      .toMatch(/^Block 5 \(middle\): 8 channels × 8×8/);
    const zeros = await maps(page);

    const file = page.getByLabel('Context .npy for encoder_hidden_states');
    await dropContextNpy(
      file,
      'prompt-a.npy',
      contextData((_, i) => Math.sin(i * 0.1)),
      [77, 32],
    );
    await expect.poll(() => source.innerText()).toBe('prompt-a.npy');
    await expect.poll(async () => (await maps(page)).key).not.toBe(zeros.key);
    const a = await maps(page);
    expect(a.range).not.toBe(zeros.range);

    await dropContextNpy(
      file,
      'prompt-b.npy',
      contextData((_, i) => 2 * Math.cos(i * 0.7)),
      [77, 32],
    );
    await expect.poll(() => source.innerText()).toBe('prompt-b.npy');
    await expect.poll(async () => (await maps(page)).key).not.toBe(a.key);
    const b = await maps(page);
    expect(b.range).not.toBe(a.range);

    // A context of the wrong width: refused, naming the shape it takes; nothing else changes.
    expect(await dropWrongContext(page, file, 'narrow.npy', [77, 16])).toContain(
      "narrow.npy has shape [77, 16]; this model's context takes [77, 32]",
    );
    expect(await source.innerText()).toBe('prompt-b.npy');
    expect(await page.getByTestId('model-facts').locator('h3').innerText()).toContain(
      'unet-diffusers',
    );
    expect((await maps(page)).key).toBe(b.key);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('trains a head on it: batches of images share the scalar timestep', async () => {
    const { page, context, errors } = await openApp(browser);
    await mapsKey(page);
    // Dark and light flat images: 30 train and 6 test of each.
    const files: Files = {};
    for (let i = 0; i < 36; i++) {
      const split = i < 30 ? 'train' : 'test';
      files[`${split}/dark/${i}.png`] = flatPng(16, 16, 10 + i);
      files[`${split}/light/${i}.png`] = flatPng(16, 16, 180 + i);
    }
    await page.getByRole('tab', { name: 'Datasets' }).click();
    await uploadZip(page, 'twotone.zip', zip(files, 0));
    await page.getByRole('tab', { name: 'Explorer' }).click();
    await page.getByLabel(/^Open your own model/).setInputFiles({
      name: 'unet-diffusers.onnx',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(diffusersModel('scalar-int64')),
    });
    await page.getByRole('button', { name: 'Load with this schedule' }).click({ timeout: 60_000 });
    await expect
      .poll(() => page.getByTestId('model-facts').innerText(), { timeout: 60_000 })
      .toMatch(/8 blocks/);
    await dropContextNpy(
      page.getByLabel('Context .npy for encoder_hidden_states'),
      'prompt.npy',
      contextData((_, i) => Math.sin(i * 0.1)),
      [77, 32],
    );
    await expect
      .poll(() => page.getByTestId('conditioning-summary').innerText())
      .toContain('encoder_hidden_states: prompt.npy [77, 32]');
    await page.getByRole('tab', { name: 'Heads' }).click();
    await page.getByTestId('head-block').selectOption('5');
    const rows = page.getByTestId('saved-heads').locator('tbody tr');
    const before = await rows.count();
    await page.getByRole('button', { name: 'Train head' }).click();
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(before + 1);
    expect(await page.getByTestId('heads-status').getAttribute('data-status')).toBe('done');
    expect(await page.getByTestId('head-test-accuracy').textContent()).toMatch(/^\d+\.\d+%$/);
    expect(errors).toEqual([]);
    await context.close();
  });
});
