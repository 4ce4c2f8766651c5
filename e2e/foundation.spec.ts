import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseURL, launch, openApp, screenshot } from './support/browser';

const readNumber = (text: string | null): number => {
  const m = /([0-9.]+e[-+]?[0-9]+|[0-9.]+)/i.exec(text ?? '');
  if (!m) throw new Error(`no number in "${text}"`);
  return Number(m[1]);
};

describe('the app shell in Chromium with WebGPU (software adapter in CI)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('is cross-origin isolated, under a strict CSP, and talks to no other host', async () => {
    const { page, context, foreign, errors } = await openApp(browser);
    const res = await page.request.get(baseURL());
    expect(res.headers()['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers()['cross-origin-embedder-policy']).toBe('require-corp');
    expect(res.headers()['content-security-policy']).toContain("default-src 'self'");
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    // The only adapter here is SwiftShader: automatic choice runs WASM and says why.
    await expect
      .poll(() => page.getByTestId('backend').textContent())
      .toMatch(/^WASM: the only WebGPU adapter is a software fallback/);
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('shows a first screen with the name, the backend and the four panels', async () => {
    const { page, context } = await openApp(browser);
    await expect
      .poll(() => page.getByRole('heading', { name: 'diffprobe', level: 1 }).count())
      .toBe(1);
    for (const name of ['Explorer', 'Datasets', 'Heads', 'CKA', 'System check']) {
      expect(await page.getByRole('tab', { name }).count()).toBe(1);
    }
    await page.getByRole('tab', { name: 'CKA' }).click();
    expect(await page.getByRole('heading', { name: 'CKA', level: 2 }).count()).toBe(1);
    await expect.poll(() => page.getByTestId('backend').textContent()).toMatch(/^WASM: /);
    await page.getByRole('tab', { name: 'Explorer' }).click();
    await screenshot(page, 'first-screen');
    await context.close();
  });

  it('runs the self-test model on WebGPU and on WASM; both match PyTorch and each other to 1e-4', async () => {
    const { page, context } = await openApp(browser);
    await page.getByRole('tab', { name: 'System check' }).click();
    await page.getByRole('button', { name: 'Run system check' }).click();
    await page.getByTestId('agreement').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('check-webgpu').getAttribute('data-ran')).toBe('true');
    expect(await page.getByTestId('check-wasm').getAttribute('data-ran')).toBe('true');
    expect(await page.getByTestId('check-webgpu').textContent()).toContain('WebGPU: ');
    expect(readNumber(await page.getByTestId('error-webgpu').textContent())).toBeLessThanOrEqual(
      1e-4,
    );
    expect(readNumber(await page.getByTestId('error-wasm').textContent())).toBeLessThanOrEqual(
      1e-4,
    );
    const agreement = await page.getByTestId('agreement').textContent();
    expect(agreement).toContain('WebGPU vs WASM');
    expect(readNumber(agreement)).toBeLessThanOrEqual(1e-4);
    expect(await page.getByTestId('isolation').textContent()).toContain('yes');
    await screenshot(page, 'system-check-webgpu');
    await context.close();
  });

  it('restarts a crashed worker and says what happened', async () => {
    const { page, context } = await openApp(browser);
    await expect.poll(() => page.getByTestId('backend').textContent()).toMatch(/^WASM: /);
    const worker = page.workers().find((w) => w.url().includes('unet.worker'));
    expect(worker).toBeDefined();
    // An uncaught error inside the worker, as a real crash would raise.
    await worker!.evaluate(() => {
      setTimeout(() => {
        throw new Error('simulated crash');
      });
    });
    await page.getByRole('alert').first().waitFor();
    expect(await page.getByRole('alert').first().textContent()).toContain(
      'The model worker stopped unexpectedly (',
    );
    await page.getByRole('button', { name: 'Restart runtime' }).click();
    await expect.poll(() => page.getByTestId('backend').textContent()).toMatch(/^WASM: /);
    await context.close();
  });

  it('runs on WebGPU when chosen, and survives a lost GPU device', async () => {
    const { page, context } = await openApp(browser);
    await page.getByRole('tab', { name: 'System check' }).click();
    await page.getByRole('combobox', { name: 'Run the model on' }).selectOption('webgpu');
    await expect.poll(() => page.getByTestId('backend').textContent()).toMatch(/^WebGPU: /);
    // A real device loss: the GPU process dies (as on a driver reset) and every device is lost.
    const cdp = await browser.newBrowserCDPSession();
    await cdp.send('Browser.crashGpuProcess');
    await page.getByRole('alert').first().waitFor();
    expect(await page.getByRole('alert').first().textContent()).toContain(
      'the GPU device was lost',
    );
    await page.getByRole('button', { name: 'Restart runtime' }).click();
    await expect.poll(() => page.getByTestId('backend').textContent()).toMatch(/^WebGPU: /);
    // The choice is kept for the next visit.
    await page.reload();
    await expect.poll(() => page.getByTestId('backend').textContent()).toMatch(/^WebGPU: /);
    await context.close();
  });
});

describe('the app shell in Chromium without WebGPU', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('falls back to multithreaded WASM and says why', async () => {
    const { page, context } = await openApp(browser);
    await expect.poll(() => page.getByTestId('backend').textContent()).toMatch(/^WASM: /);
    const text = (await page.getByTestId('backend').textContent()) ?? '';
    expect(text).toMatch(/no WebGPU/);
    expect(text).toMatch(/· [2-9]\d* threads|· 1[0-6] threads/);
    await page.getByRole('tab', { name: 'System check' }).click();
    await page.getByRole('button', { name: 'Run system check' }).click();
    await page.getByTestId('agreement').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('check-wasm').getAttribute('data-ran')).toBe('true');
    expect(await page.getByTestId('check-webgpu').getAttribute('data-ran')).toBe('false');
    expect(readNumber(await page.getByTestId('error-wasm').textContent())).toBeLessThanOrEqual(
      1e-4,
    );
    await screenshot(page, 'system-check-wasm');
    await context.close();
  });

  it('keeps working with the network cut after the first load', async () => {
    const { page, context } = await openApp(browser);
    await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller) {
        await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r));
      }
      return reg.active?.state;
    });
    await context.setOffline(true);
    await page.reload();
    await expect.poll(() => page.getByTestId('backend').textContent()).toMatch(/^WASM: /);
    await page.getByRole('tab', { name: 'System check' }).click();
    await page.getByRole('button', { name: 'Run system check' }).click();
    await page.getByTestId('agreement').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('check-wasm').getAttribute('data-ran')).toBe('true');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await context.close();
  });
});
