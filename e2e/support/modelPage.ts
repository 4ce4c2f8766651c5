import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { encodeNpy } from '../../src/core/npy';

/** The model panel's title (the loaded model's name), once the panel shows it. */
export async function factsTitle(page: Page): Promise<string> {
  const facts = page.getByTestId('model-facts');
  await facts.waitFor({ timeout: 120_000 });
  return facts.locator('h3').innerText();
}

/** The explorer maps' request key, once they are computed. */
export async function mapsKey(page: Page): Promise<string> {
  await page.getByTestId('maps-title').waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => !document.querySelector('.feature-maps[aria-busy="true"]'));
  return (await page.getByTestId('maps-title').getAttribute('data-key')) ?? '';
}

/** Drops a context .npy of `data` shaped `shape` on a model panel's context file input. */
export async function dropContextNpy(
  input: Locator,
  name: string,
  data: Float32Array,
  shape: number[],
): Promise<void> {
  await input.setInputFiles({
    name,
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(encodeNpy(data, shape)),
  });
}

/**
 * Drops a context .npy of zeros of the wrong shape; returns the panel's message once it names
 * the file's shape (the caller checks the shape it says the context takes).
 */
export async function dropWrongContext(
  page: Page,
  input: Locator,
  name: string,
  shape: number[],
): Promise<string> {
  await dropContextNpy(input, name, new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  const message = page.getByTestId('conditioning-message');
  const says = `${name} has shape [${shape.join(', ')}]`;
  await expect.poll(() => message.innerText()).toContain(says);
  return message.innerText();
}
