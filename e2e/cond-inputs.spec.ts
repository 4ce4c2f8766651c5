import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rewriteModel, writeValueInfo } from '../src/core/onnx/edit';
import { F, parseModel, type Dim } from '../src/core/onnx/model';
import { forEachField, Writer } from '../src/core/onnx/wire';
import { formatSnr, snrInfo } from '../src/core/explorer/timestep';
import { makeSchedule } from '../src/core/schedule';
import { launch, openApp } from './support/browser';
import { factsTitle, mapsKey } from './support/modelPage';

const UNET = readFileSync('public/models/fmnist-adm-s/model.onnx');
const ELEM_FLOAT = 1;

/** The shipped U-Net with one more graph input (which no node reads). */
function withExtraInput(bytes: Uint8Array, name: string, elemType: number, shape: Dim[]): Buffer {
  const model = parseModel(bytes);
  const g = new Writer();
  const { contentRange } = model.graph;
  forEachField(bytes, contentRange.start, contentRange.end, (f) => g.copy(bytes, f));
  g.message(F.Graph.input, (v) => writeValueInfo(v, name, elemType, shape));
  return Buffer.from(rewriteModel(model, g));
}

describe('a model with an input nothing can fill', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('is refused with a message that names the input, and the loaded model stays', async () => {
    const { page, context } = await openApp(browser);
    const before = await mapsKey(page);
    const title = await factsTitle(page);

    // Without a manifest: a context input [B, L, D] of no stated shape cannot be made up.
    await page.getByLabel(/^Open your own model/).setInputFiles({
      name: 'cond.onnx',
      mimeType: 'application/octet-stream',
      buffer: withExtraInput(UNET, 'ctx', ELEM_FLOAT, ['batch', 'L', 'D']),
    });
    await page
      .getByRole('form', { name: 'Noise schedule' })
      .getByRole('button', { name: 'Load with this schedule' })
      .click();
    await expect
      .poll(() => page.getByTestId('model-error').innerText(), { timeout: 60_000 })
      .toMatch(
        /cond\.onnx has an input that nothing fills — input 'ctx' \(float32 \[batch, L, D\], role context\).*declare it in manifest\.json.*--cond ctx=FILE\.npy.*The previous model \(Fashion-MNIST ADM U-Net/s,
      );
    expect(await factsTitle(page)).toBe(title);

    // Without a manifest: a float input [B, 4] has no role diffprobe can fill.
    await page.getByLabel(/^Open your own model/).setInputFiles({
      name: 'masked.onnx',
      mimeType: 'application/octet-stream',
      buffer: withExtraInput(UNET, 'mask', ELEM_FLOAT, ['batch', 4]),
    });
    await page
      .getByRole('form', { name: 'Noise schedule' })
      .getByRole('button', { name: 'Load with this schedule' })
      .click();
    await expect
      .poll(() => page.getByTestId('model-error').innerText(), { timeout: 60_000 })
      .toMatch(
        /masked\.onnx has an input that nothing fills — input 'mask' \(float32 \[batch, 4\], role other\): diffprobe cannot fill it: export the model without this input.*The previous model/s,
      );
    expect(await factsTitle(page)).toBe(title);
    // The model that was loaded still runs: the explorer's maps are the same.
    expect(await mapsKey(page)).toBe(before);
    await context.close();
  });

  it('loads an .onnx with the cosine schedule chosen in the form; the SNR follows it', async () => {
    const { page, context } = await openApp(browser);
    await mapsKey(page);
    await page.getByLabel(/^Open your own model/).setInputFiles({
      name: 'cosine-unet.onnx',
      mimeType: 'application/octet-stream',
      buffer: UNET,
    });
    const form = page.getByRole('form', { name: 'Noise schedule' });
    await form.getByRole('combobox', { name: 'Schedule kind' }).selectOption('cosine');
    expect(await form.getByRole('textbox', { name: 'β start' }).count()).toBe(0);
    await form.getByRole('button', { name: 'Load with this schedule' }).click();
    await expect
      .poll(() => page.getByTestId('model-facts').innerText(), { timeout: 120_000 })
      .toMatch(/cosine \(s = 0\.008\), T = 1000 \(your choice\)/);
    const caption = await page.locator('figcaption', { hasText: /^x_t, t = \d+$/ }).innerText();
    const t = Number(/t = (\d+)/.exec(caption)![1]);
    const cosine = formatSnr(snrInfo(makeSchedule({ kind: 'cosine', T: 1000 }), t));
    const linear = formatSnr(
      snrInfo(makeSchedule({ kind: 'linear', T: 1000, betaStart: 1e-4, betaEnd: 0.02 }), t),
    );
    expect(cosine).not.toBe(linear);
    await expect.poll(() => page.getByTestId('snr').innerText()).toBe(cosine);
    await context.close();
  });
});
