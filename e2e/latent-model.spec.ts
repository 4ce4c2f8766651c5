import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openApp } from './support/browser';
import { mapsKey } from './support/modelPage';

/** The latent pair (tools/ latent_pair.py): encoder 32×32 RGB → 4×16×16, a U-Net on it. */
const DIR = 'test/fixtures/latent-pair/';
const UNET = readFileSync(`${DIR}model.onnx`);
const ENCODER = readFileSync(`${DIR}encoder.onnx`);
const MANIFEST = JSON.parse(readFileSync(`${DIR}manifest.json`, 'utf8')) as {
  title: string;
  encoder: { sha256: string };
};

const file = (name: string, buffer: Buffer) => ({
  name,
  mimeType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream',
  buffer,
});

/** Distinct RGBA values drawn on each canvas in the group (more than one: a map, not a fill). */
function distinctColours(page: Page, testId: string): Promise<number[]> {
  return page.getByTestId(testId).evaluate((el) =>
    [...el.querySelectorAll('canvas')].map((c) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<number>();
      for (let i = 0; i < d.length; i += 4) seen.add((d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!);
      return seen.size;
    }),
  );
}

describe('a latent model with its encoder', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('loads with its encoder; the explorer shows the latent channels as the input', async () => {
    const { page, context } = await openApp(browser);
    const before = await mapsKey(page);
    await page
      .getByLabel(/^Open your own model/)
      .setInputFiles([
        file('model.onnx', UNET),
        file('encoder.onnx', ENCODER),
        file('manifest.json', Buffer.from(JSON.stringify(MANIFEST))),
      ]);
    await expect
      .poll(() => page.getByTestId('model-facts').locator('h3').innerText(), { timeout: 120_000 })
      .toBe(MANIFEST.title);
    await expect.poll(() => mapsKey(page), { timeout: 120_000 }).not.toBe(before);

    // x0 and x_t as the U-Net takes them: 4 latent channels of 16×16 each.
    const x0 = page.getByRole('group', { name: 'Latent x0' });
    await x0.waitFor({ timeout: 60_000 });
    const canvases = x0.getByRole('img');
    expect(await canvases.count()).toBe(4);
    expect(await canvases.nth(3).getAttribute('aria-label')).toBe('Latent channel 4 of 4 at x0');
    expect(
      await page.getByTestId('latent-x0').locator('canvas').first().getAttribute('width'),
    ).toBe('16');
    expect(await page.getByRole('group', { name: /^Latent x_t, t = \d+$/ }).count()).toBe(1);
    for (const n of await distinctColours(page, 'latent-x0')) expect(n).toBeGreaterThan(1);
    for (const n of await distinctColours(page, 'latent-xt')) expect(n).toBeGreaterThan(1);
    // No RGB thumbnail of the image stands in for the input.
    expect(await page.getByTestId('xt').count()).toBe(0);
    await context.close();
  });

  it('refuses an encoder that does not match its manifest, and the loaded model stays', async () => {
    const { page, context } = await openApp(browser);
    const before = await mapsKey(page);
    const manifest = { ...MANIFEST, encoder: { ...MANIFEST.encoder, sha256: '0'.repeat(64) } };
    await page
      .getByLabel(/^Open your own model/)
      .setInputFiles([
        file('model.onnx', UNET),
        file('encoder.onnx', ENCODER),
        file('manifest.json', Buffer.from(JSON.stringify(manifest))),
      ]);
    await expect
      .poll(() => page.getByTestId('model-error').innerText(), { timeout: 60_000 })
      .toMatch(/encoder\.onnx \(the encoder\) does not match its manifest/);
    expect(await mapsKey(page)).toBe(before);
    await context.close();
  });
});
