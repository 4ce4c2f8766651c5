import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openApp, screenshot } from './support/browser';
import { factsTitle, mapsKey } from './support/modelPage';

const UNET = readFileSync('public/models/fmnist-adm-s/model.onnx');
const MANIFEST = readFileSync('public/models/fmnist-adm-s/manifest.json');
const TINY = readFileSync('public/selftest/model.onnx');

describe('model panel', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows the built-in model's facts and which backend runs and why", async () => {
    const { page, context } = await openApp(browser);
    expect(await factsTitle(page)).toBe('Fashion-MNIST ADM U-Net (small, 1.74M parameters)');
    const facts = await page.getByTestId('model-facts').innerText();
    expect(facts).toMatch(/Parameters\s+1\.74 M/);
    expect(facts).toMatch(/19 blocks: 9 encoder · 1 middle · 9 decoder/);
    expect(facts).toMatch(/32×32, grey/);
    expect(facts).toMatch(/linear β 0\.0001 … 0\.02, T = 1000/);
    expect(facts).toMatch(/Training data\s+Fashion-MNIST train/);
    await expect
      .poll(() => page.getByTestId('model-backend').innerText())
      .toMatch(/^Runs on WASM — .*WebGPU/);
    expect(await page.getByRole('combobox', { name: 'Built-in model' }).inputValue()).toBe(
      'fmnist-adm-s',
    );
    await page.getByRole('button', { name: 'Load built-in model' }).click();
    expect(await factsTitle(page)).toMatch(/^Fashion-MNIST ADM U-Net/);
    await screenshot(page, 'model-panel');
    await context.close();
  });

  it('asks for the schedule of an .onnx without a manifest, then explores it', async () => {
    const { page, context } = await openApp(browser);
    await mapsKey(page);
    const picker = page.getByLabel(/^Open your own model/);
    await picker.setInputFiles({
      name: 'my-unet.onnx',
      mimeType: 'application/octet-stream',
      buffer: UNET,
    });
    const form = page.getByRole('form', { name: 'Noise schedule' });
    await form.waitFor();
    expect(await form.getByRole('textbox', { name: 'T (steps)' }).inputValue()).toBe('1000');
    expect(await form.getByRole('textbox', { name: 'β start' }).inputValue()).toBe('0.0001');
    expect(await form.getByRole('textbox', { name: 'β end' }).inputValue()).toBe('0.02');
    await form.getByRole('textbox', { name: 'β end' }).fill('0.00001');
    await form.getByRole('button', { name: 'Load with this schedule' }).click();
    await form.getByRole('alert').filter({ hasText: 'β start must be less than β end.' }).waitFor();
    await screenshot(page, 'model-panel-schedule');
    await form.getByRole('textbox', { name: 'T (steps)' }).fill('500');
    await form.getByRole('textbox', { name: 'β end' }).fill('0.02');
    await form.getByRole('button', { name: 'Load with this schedule' }).click();
    await expect
      .poll(() => page.getByTestId('model-facts').innerText(), { timeout: 120_000 })
      .toMatch(/your ONNX, blocks found from its graph/);
    const facts = await page.getByTestId('model-facts').innerText();
    expect(facts).toMatch(/linear β 0\.0001 … 0\.02, T = 500 \(your choice\)/);
    expect(facts).toMatch(/19 blocks/);
    await expect
      .poll(() => new URL(page.url()).searchParams.get('model'))
      .toBe('user:my-unet.onnx');
    // The explorer runs on it: the timestep slider follows its T.
    expect(await page.getByRole('slider', { name: 'Timestep t' }).getAttribute('max')).toBe('499');
    await expect.poll(async () => JSON.parse(await mapsKey(page))[0]).not.toBe('');
    await context.close();
  });

  it('loads an .onnx with its manifest without asking', async () => {
    const { page, context } = await openApp(browser);
    await factsTitle(page);
    await page.getByLabel(/^Open your own model/).setInputFiles([
      { name: 'model.onnx', mimeType: 'application/octet-stream', buffer: UNET },
      { name: 'manifest.json', mimeType: 'application/json', buffer: MANIFEST },
    ]);
    await page.waitForFunction(() => !document.querySelector('[aria-label="Model loading"]'));
    expect(await page.getByRole('form', { name: 'Noise schedule' }).count()).toBe(0);
    await expect.poll(() => new URL(page.url()).searchParams.get('model')).toBe('user:model.onnx');
    expect(await factsTitle(page)).toBe('Fashion-MNIST ADM U-Net (small, 1.74M parameters)');
    await context.close();
  });

  it('refuses a broken or non-diffusion ONNX with a clear message and keeps the model', async () => {
    const { page, context } = await openApp(browser);
    const before = await mapsKey(page);
    const title = await factsTitle(page);
    const drop = async (name: string, buffer: Buffer) => {
      // Drag-and-drop, as a user would from the file manager.
      const dt = await page.evaluateHandle(
        ({ name, bytes }) => {
          const d = new DataTransfer();
          d.items.add(new File([new Uint8Array(bytes)], name));
          return d;
        },
        { name, bytes: [...buffer] },
      );
      await page.getByTestId('model-drop').dispatchEvent('drop', { dataTransfer: dt });
      await page
        .getByRole('form', { name: 'Noise schedule' })
        .getByRole('button', { name: 'Load with this schedule' })
        .click();
    };
    await drop(
      'broken.onnx',
      Buffer.from(Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)),
    );
    await expect
      .poll(() => page.getByTestId('model-error').innerText(), { timeout: 60_000 })
      .toMatch(
        /broken\.onnx is not a readable ONNX model.*The previous model \(Fashion-MNIST ADM U-Net/s,
      );
    expect(await factsTitle(page)).toBe(title);
    await drop('tiny.onnx', TINY);
    await expect
      .poll(() => page.getByTestId('model-error').innerText(), { timeout: 60_000 })
      .toMatch(/tiny\.onnx.*diffusion U-Net/s);
    await screenshot(page, 'model-panel-refused');
    expect(await factsTitle(page)).toBe(title);
    // The explorer still works on the model that was kept.
    await page.getByRole('button', { name: /^Block 4,/ }).click();
    await expect.poll(async () => JSON.parse(await mapsKey(page))[1]).toBe(4);
    expect(JSON.parse(before)[0]).toBe(JSON.parse(await mapsKey(page))[0]);
    await context.close();
  });
});
