import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openApp, screenshot } from './support/browser';
import { mapsKey } from './support/modelPage';

/** U-Nets exported from PyTorch with their own module names (tools/diffprobe_tools/byo_unets.py). */
const fixture = (name: string) => readFileSync(`test/fixtures/byo-unets/${name}.onnx`);

async function pick(page: Page, name: string) {
  await page.getByLabel(/^Open your own model/).setInputFiles({
    name: `${name}.onnx`,
    mimeType: 'application/octet-stream',
    buffer: fixture(name),
  });
  const form = page.getByRole('form', { name: 'Noise schedule' });
  await form.waitFor();
  const table = form.getByRole('table', { name: 'Proposed blocks' });
  await table.waitFor({ timeout: 60_000 });
  return { form, table };
}

describe('block review for a U-Net without a manifest', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('proposes blocks from structure, takes a new name, and the explorer shows it', async () => {
    const { page, context } = await openApp(browser);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await mapsKey(page);

    // No module paths at all: the skip structure alone.
    let { form, table } = await pick(page, 'no-paths');
    expect(await form.locator('legend').innerText()).toMatch(
      /Blocks: 13, found from the skip connections alone/,
    );
    expect(await table.locator('tbody tr').count()).toBe(13);
    await form.getByRole('button', { name: 'Cancel' }).click();
    await form.waitFor({ state: 'detached' });

    // Its own module names: inp.N, mid, out.N.
    ({ form, table } = await pick(page, 'inp-mid-out'));
    expect(await form.locator('legend').innerText()).toMatch(
      /Blocks: 13, found from the numbered module lists/,
    );
    const row = (i: number) => table.locator(`tr[data-block="${i}"]`);
    expect(await row(7).innerText()).toMatch(/^7\s+middle/);
    expect(await row(7).innerText()).toMatch(/1\/4/);
    expect(await row(13).innerText()).toMatch(/decoder[\s\S]*full\s+block 1/);
    const name7 = form.getByRole('textbox', { name: 'Name of block 7', exact: true });
    expect(await name7.inputValue()).toBe('mid');
    expect(
      await form.getByRole('textbox', { name: 'Name of block 1', exact: true }).inputValue(),
    ).toBe('inp.0');
    await name7.fill('bottleneck (mine)');
    await screenshot(page, 'model-panel-block-review');
    await form.getByRole('button', { name: 'Load with this schedule' }).click();

    await expect
      .poll(() => page.getByTestId('model-facts').innerText(), { timeout: 120_000 })
      .toMatch(/13 blocks/);
    const mid = page.getByRole('button', { name: /^Block 7, middle, .*, bottleneck \(mine\)$/ });
    await expect.poll(() => mid.count(), { timeout: 60_000 }).toBe(1);
    // The other names are the proposed ones.
    expect(await page.getByRole('button', { name: /^Block 1, encoder, .*, inp\.0$/ }).count()).toBe(
      1,
    );
    // The skip arcs come from the pairs found in the graph.
    expect(await page.locator('svg.unet path.skip').count()).toBe(6);
    await mid.click();
    await expect
      .poll(async () => page.getByTestId('maps-title').innerText(), { timeout: 60_000 })
      .toMatch(/^Block 7 \(middle\): 8 channels × 4×4 · bottleneck \(mine\)/);
    await mapsKey(page);
    // Going from a 32×32 model to a 16×16 one never renders the old image at the new size.
    expect(errors).toEqual([]);
    await context.close();
  });
});
