import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../src/core/image/png';
import { launch, openApp, screenshot } from './support/browser';

/** The maps' key (block, t, seed, noise, image) once they are drawn and no request is pending. */
async function mapsKey(page: Page): Promise<string> {
  const title = page.getByTestId('maps-title');
  await title.waitFor({ timeout: 120_000 });
  await page.waitForFunction(
    () => !document.querySelector('.feature-maps[aria-busy="true"]'),
    undefined,
    { timeout: 60_000 },
  );
  return (await title.getAttribute('data-key')) ?? '';
}

async function title(page: Page): Promise<string> {
  await mapsKey(page);
  return (await page.getByTestId('maps-title').innerText()).split('\n')[0]!;
}

function query(page: Page): URLSearchParams {
  return new URL(page.url()).searchParams;
}

describe('explorer', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('draws the U-Net as blocks and the selected block’s maps; a click or the keyboard picks a block', async () => {
    const { page, context, errors, foreign } = await openApp(browser);
    const blocks = page.locator('svg.unet g.block');
    await expect.poll(() => blocks.count(), { timeout: 60_000 }).toBe(19);
    expect(
      await page.getByRole('button', { name: 'Block 10, middle, 64 channels, 8×8' }).count(),
    ).toBe(1);
    expect(await page.locator('svg.unet path.skip').count()).toBe(9);
    expect(await title(page)).toMatch(/^Block 12 \(decoder\): 64 channels × 8×8/);
    expect(await page.getByTestId('channel-grid').locator('canvas').count()).toBe(64);
    await screenshot(page, 'explorer-default');

    await page.getByRole('button', { name: /^Block 3, encoder/ }).click();
    await expect.poll(() => title(page)).toMatch(/^Block 3 \(encoder\): 32 channels × 32×32/);
    // Keyboard: the selected block has the focus stop; arrows move the selection.
    await page.getByRole('button', { name: /^Block 3, encoder/ }).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => title(page)).toMatch(/^Block 5 \(encoder\): 64 channels × 16×16/);
    expect(await page.getByRole('button', { name: /^Block 5,/ }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    await expect.poll(() => query(page).get('block')).toBe('5');
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await context.close();
  });

  it('moves through timesteps: slider, log scale, step and play; x_t and the SNR follow', async () => {
    const { page, context } = await openApp(browser);
    await mapsKey(page);
    const snr90 = await page.getByTestId('snr').innerText();
    const xt90 = await page.getByTestId('xt').screenshot();
    const t = page.getByRole('spinbutton', { name: 'Timestep value' });
    await t.fill('500');
    await expect.poll(() => query(page).get('t')).toBe('500');
    const snr500 = await page.getByTestId('snr').innerText();
    expect(snr500).not.toBe(snr90);
    expect(Number.parseFloat(snr500)).toBeLessThan(Number.parseFloat(snr90));
    expect(Buffer.compare(await page.getByTestId('xt').screenshot(), xt90)).not.toBe(0);
    const key500 = await mapsKey(page);
    expect(JSON.parse(key500)[2]).toBe(500);

    await page.getByRole('button', { name: 'Step forward' }).click();
    await expect.poll(async () => JSON.parse(await mapsKey(page))[2]).toBe(501);
    await page.getByRole('button', { name: 'Step back' }).click();
    await page.getByRole('button', { name: 'Step back' }).click();
    await expect.poll(() => t.inputValue()).toBe('499');

    // Log scale: the slider's middle is t ≈ 31.
    await page.getByRole('checkbox', { name: 'Log scale' }).check();
    const slider = page.getByRole('slider', { name: 'Timestep t' });
    expect(await slider.getAttribute('max')).toBe('1000');
    await slider.fill('500');
    await expect.poll(() => t.inputValue()).toBe('31');
    await expect.poll(() => query(page).get('log')).toBe('1');

    // Play runs t forward, the maps following; pause stops it.
    await page.getByRole('button', { name: 'Play through the timesteps' }).click();
    await expect
      .poll(async () => Number(await t.inputValue()), { timeout: 30_000 })
      .toBeGreaterThan(40);
    await page.getByRole('button', { name: 'Pause' }).click();
    const stopped = Number(await t.inputValue());
    await page.waitForTimeout(600);
    expect(Number(await t.inputValue())).toBe(stopped);

    // No noise: x_t is x0.
    await page.getByRole('checkbox', { name: /No noise/ }).check();
    await expect.poll(async () => JSON.parse(await mapsKey(page))[5]).toBe('none');
    await screenshot(page, 'explorer-timestep');
    await context.close();
  });

  it('restores the view from a link and says what it could not read', async () => {
    const link =
      '?model=fmnist-adm-s&block=7&t=300&pool=2&seed=3&noise=seeded&image=item%3Atest%2FBag%2F2.png&log=1';
    const { page, context } = await openApp(browser, link);
    expect(await title(page)).toMatch(/^Block 7 \(encoder\): 64 channels × 2×2/);
    expect(await page.getByRole('spinbutton', { name: 'Timestep value' }).inputValue()).toBe('300');
    expect(await page.getByRole('spinbutton', { name: 'Seed', exact: true }).inputValue()).toBe(
      '3',
    );
    expect(await page.getByRole('checkbox', { name: 'Log scale' }).isChecked()).toBe(true);
    expect(await page.getByRole('combobox', { name: 'Pool' }).inputValue()).toBe('2');
    expect(await page.getByTestId('image-label').innerText()).toMatch(/Bag \(test\/Bag\/2\.png\)/);
    expect(JSON.parse(await mapsKey(page)).slice(1)).toEqual([
      7,
      300,
      2,
      3,
      'seeded',
      'test/Bag/2.png',
      '', // the conditioning's part: none for an unconditional model
    ]);
    // A reload keeps it.
    await page.reload();
    expect(await title(page)).toMatch(/^Block 7 /);
    await context.close();

    const bad = await openApp(browser, '?block=banana&t=90');
    await bad.page.getByText(/The link's block could not be read/).waitFor();
    expect(await title(bad.page)).toMatch(/^Block 12 /);
    await bad.context.close();
  });

  it('draws the maps as the user asks: order, normalisation, colours, hover, channel, overlay', async () => {
    const { page, context } = await openApp(browser, '?block=2&t=10');
    await mapsKey(page);
    const first = await page
      .getByTestId('channel-grid')
      .getByRole('button')
      .first()
      .getAttribute('aria-label');
    await page.getByRole('combobox', { name: 'Sort channels' }).selectOption('index');
    expect(
      await page.getByTestId('channel-grid').getByRole('button').first().getAttribute('aria-label'),
    ).toMatch(/^Channel 0 /);
    expect(first).toMatch(/^Channel \d+ \(variance/);
    const loChannel = await page.getByTestId('legend-lo').innerText();
    await page.getByRole('combobox', { name: 'Normalise' }).selectOption('block');
    await page.getByRole('combobox', { name: 'Normalise' }).selectOption('global');
    await page.getByRole('button', { name: 'Reset global range' }).waitFor();
    await page.getByRole('combobox', { name: 'Colours' }).selectOption('diverging');
    const lo = Number(await page.getByTestId('legend-lo').innerText());
    const hi = Number(await page.getByTestId('legend-hi').innerText());
    expect(lo).toBeCloseTo(-hi, 6);
    expect(loChannel).not.toBe('');
    // Hover shows the value under the pointer.
    const big = page.getByTestId('big-map');
    const box = (await big.boundingBox())!;
    await big.hover({ position: { x: box.width * 0.5 + 1, y: box.height * 0.5 + 1 } });
    await expect
      .poll(() => page.getByTestId('hover-value').innerText())
      .toMatch(/^\(16, 16\) = -?\d/);
    // One channel large, then over the input image.
    await page.getByRole('button', { name: /^Channel 5 / }).click();
    await expect
      .poll(() => page.locator('.overview figcaption').first().innerText())
      .toMatch(/^Channel 5/);
    await page.getByRole('checkbox', { name: 'Overlay on the input image' }).check();
    expect(await page.getByRole('img', { name: 'Input image' }).count()).toBe(1);
    await page.getByRole('img', { name: 'PCA of the block to RGB' }).waitFor();
    await screenshot(page, 'explorer-maps-options');
    await context.close();
  });

  it('explores an image the user opens, fitted to the model, and keeps it on a bad file', async () => {
    const { page, context } = await openApp(browser);
    await mapsKey(page);
    // 64×48 RGB: cropped to its centre 48×48, resized to 32×32, made grey.
    const W = 64;
    const H = 48;
    const rgb = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) rgb.set([x * 4, y * 5, 128], (y * W + x) * 3);
    const png = encodePng(rgb, W, H, 3);
    const input = page.getByLabel('Open an image file to explore');
    await input.setInputFiles({
      name: 'gradient.png',
      mimeType: 'image/png',
      buffer: Buffer.from(png),
    });
    await expect
      .poll(() => page.getByTestId('image-label').innerText())
      .toMatch(/gradient\.png — 64×48: centre 48×48 cropped, resized to 32×32; colour → grey/);
    await expect
      .poll(async () => JSON.parse(await mapsKey(page))[6])
      .toMatch(/^file:gradient\.png:/);
    await expect.poll(() => query(page).get('image')).toBe('file:gradient.png');
    await page.getByRole('combobox', { name: 'Fit' }).selectOption('pad');
    await expect
      .poll(() => page.getByTestId('image-label').innerText())
      .toMatch(/resized to 32×24, padded to 32×32/);
    await screenshot(page, 'explorer-own-image');
    await input.setInputFiles({
      name: 'notes.png',
      mimeType: 'image/png',
      buffer: Buffer.from('not a png at all'),
    });
    await page
      .getByRole('alert')
      .filter({ hasText: /notes\.png/ })
      .first()
      .waitFor();
    expect(await page.getByTestId('image-label').innerText()).toMatch(/gradient\.png/);
    // The demo set's items are one pick away.
    await page.getByRole('combobox', { name: 'Class' }).selectOption({ label: 'Sneaker' });
    await expect
      .poll(() => page.getByTestId('image-label').innerText())
      .toMatch(/Sneaker \(test\/Sneaker\/0\.png\)/);
    await context.close();
  });

  it('generates samples with the same model, shows them denoising, and explores one', async () => {
    const { page, context } = await openApp(browser);
    await mapsKey(page);
    await page.getByRole('spinbutton', { name: 'Samples', exact: true }).fill('2');
    await page.getByRole('spinbutton', { name: 'DDIM steps' }).fill('8');
    await page.getByRole('spinbutton', { name: 'Sample seed' }).fill('4');
    const seen = page.evaluate(
      () =>
        new Promise<string[]>((resolve) => {
          const out: string[] = [];
          const el = document.querySelector('[data-testid="sample-status"]')!;
          new MutationObserver(() => {
            out.push(el.textContent ?? '');
            if (/^2 samples/.test(el.textContent ?? '')) resolve(out);
          }).observe(el, { childList: true, subtree: true, characterData: true });
        }),
    );
    await page.getByRole('button', { name: 'Generate samples' }).click();
    const statuses = await seen;
    expect(statuses.some((s) => /^step [1-7] of 8/.test(s))).toBe(true);
    expect(await page.getByRole('img', { name: /^Sample \d$/ }).count()).toBe(2);
    await page.getByRole('button', { name: 'Explore sample 2' }).click();
    await expect
      .poll(() => page.getByTestId('image-label').innerText())
      .toMatch(/^sample 2 \(seed 4, 8 DDIM steps\)/);
    await expect.poll(() => query(page).get('image')).toBe('sample:4:8:1');
    await expect.poll(async () => JSON.parse(await mapsKey(page))[6]).toBe('sample:4:8:1');
    await screenshot(page, 'explorer-samples');
    // A link to a sample makes it again.
    const url = page.url();
    await context.close();
    const again = await openApp(browser, new URL(url).search);
    await expect
      .poll(() => again.page.getByTestId('image-label').innerText(), { timeout: 60_000 })
      .toMatch(/^sample 2 \(seed 4, 8 DDIM steps\)/);
    await again.context.close();
  });

  it('reads on a projector: large text, every control named', async () => {
    const { page, context } = await openApp(browser);
    await mapsKey(page);
    await page.getByRole('checkbox', { name: 'Large text' }).check();
    const unnamed = await page.evaluate(() =>
      [
        ...document.querySelectorAll(
          '.explorer input, .explorer select, .explorer button, .explorer [tabindex="0"]',
        ),
      ]
        .filter((el) => {
          const e = el as HTMLElement;
          const labelled = e.getAttribute('aria-label') || (e as HTMLInputElement).labels?.length;
          return !labelled && !(e.textContent ?? '').trim();
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unnamed).toEqual([]);
    // Tab reaches the diagram's selected block.
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(
        () => document.activeElement?.getAttribute('data-block') === '12',
      );
    }
    expect(reached).toBe(true);
    await screenshot(page, 'explorer-large-text');
    await context.close();
  });
});
