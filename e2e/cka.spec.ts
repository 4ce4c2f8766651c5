import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CkaConsole } from '../src/engine/cka/console';
import { launch, openApp, screenshot } from './support/browser';

/**
 * The CKA worker on the page: a matrix of synthetic features on one device (and CPU kernel),
 * `runs` times on one engine, with the plain-JS float64 matrix of the page's main thread as the
 * reference.
 */
async function matrixInPage(
  page: Page,
  device: 'cpu' | 'webgpu',
  threads = 1,
  kernel: 'auto' | 'wasm-f32' | 'wasm-f64' | 'js' = 'auto',
  runs = 1,
) {
  return page.evaluate(
    async ({ device, threads, kernel, runs }) => {
      const api = (globalThis as unknown as { diffprobeCka: CkaConsole }).diffprobeCka;
      let s = 12345;
      const rnd = () => {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        return s / 2 ** 32 - 0.5;
      };
      const n = 300;
      const base = Float32Array.from({ length: n * 40 }, rnd);
      // related representations: a shared part, a block-specific part, an offset (centring matters)
      const reps = [40, 64, 24, 130].map((d, k) => ({
        d,
        data: Float32Array.from(
          { length: n * d },
          (_, i) => base[Math.floor(i / d) * 40 + (i % 40)]! * (k + 1) + rnd() * k + 50,
        ),
      }));
      const engine = api.createEngine();
      try {
        const started: number[] = [];
        let r;
        for (let k = 0; k < runs; k++) {
          r = await engine.matrix(reps, n, {
            method: 'linear',
            batchSize: 256,
            device,
            threads,
            kernel,
          });
          started.push(r.threads?.started ?? -1);
        }
        const ref = api.core.linearCkaMatrix(reps, n, { kernel: 'js' });
        return {
          values: Array.from(r!.values),
          ref: Array.from(ref),
          ranOn: r!.ranOn,
          note: r!.note,
          kernel: r!.kernel,
          started,
        };
      } finally {
        engine.dispose();
      }
    },
    { device, threads, kernel, runs },
  );
}

describe('CKA in Chromium (WebGPU: the software adapter in CI)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: true });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('the WebGPU and the threaded CPU Gram products agree with the float64 CPU products', async () => {
    const { page, context, errors } = await openApp(browser);
    await expect.poll(() => page.evaluate(() => typeof globalThis.diffprobeCka)).toBe('object');
    // the app's CPU path is the WebAssembly SIMD kernel with f32 products and float64 sums, in
    // the worker and in its threads: the plain-JS float64 numbers to 1e-6
    const cpu = await matrixInPage(page, 'cpu');
    expect(cpu.ranOn).toBe('cpu');
    expect(cpu.kernel).toBe('wasm-f32');
    expect(cpu.note).toMatch(/WebAssembly SIMD, f32 products, float64 sums/);
    cpu.values.forEach((v, i) => expect(v).toBeCloseTo(cpu.ref[i]!, 6));
    // the float64 SIMD kernel: the plain-JS numbers to 1e-12
    const f64 = await matrixInPage(page, 'cpu', 1, 'wasm-f64');
    expect(f64.kernel).toBe('wasm-f64');
    f64.values.forEach((v, i) => expect(v).toBeCloseTo(cpu.ref[i]!, 12));
    // three helper threads (shared memory): the same numbers; a second matrix on the same engine
    // finds them up (no thread started)
    const threaded = await matrixInPage(page, 'cpu', 3, 'auto', 2);
    expect(threaded.note).toMatch(/f32 products, float64 sums, 3 threads/);
    expect(threaded.kernel).toBe('wasm-f32');
    expect(threaded.started).toEqual([3, 0]);
    threaded.values.forEach((v, i) => expect(v).toBeCloseTo(cpu.values[i]!, 12));
    const threaded64 = await matrixInPage(page, 'cpu', 2, 'wasm-f64');
    expect(threaded64.kernel).toBe('wasm-f64');
    threaded64.values.forEach((v, i) => expect(v).toBeCloseTo(cpu.ref[i]!, 12));
    // the plain-JS fallback still runs in the worker's threads
    const js = await matrixInPage(page, 'cpu', 2, 'js');
    expect(js.kernel).toBe('js');
    js.values.forEach((v, i) => expect(v).toBeCloseTo(cpu.ref[i]!, 12));
    const gpu = await matrixInPage(page, 'webgpu');
    expect(gpu.ranOn).toBe('webgpu');
    expect(gpu.note).toMatch(/WebGPU/);
    let worst = 0;
    gpu.values.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - cpu.values[i]!))));
    expect(worst).toBeLessThan(1e-4);
    // the matrix is not trivial: off-diagonal values spread between 0 and 1
    expect(Math.min(...cpu.values)).toBeLessThan(0.9);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('block × block: matrix, hover readout, 2-D map with images, CSV and PNG export', async () => {
    const { page, context, foreign, errors } = await openApp(browser);
    await page.getByRole('tab', { name: 'CKA' }).click();
    await page.getByLabel('number of images').selectOption('100');
    await page.getByRole('button', { name: 'Compute CKA' }).click();
    const matrix = page.getByTestId('cka-matrix');
    await matrix.waitFor({ timeout: 150_000 });
    expect(await page.getByTestId('cka-note').textContent()).toMatch(
      /WebAssembly SIMD, f32 products, float64 sums/,
    );
    const box = (await matrix.boundingBox())!;
    // hover somewhere inside the cell area: the readout names two blocks and a value
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.3);
    await expect
      .poll(() => page.getByTestId('cka-readout').textContent())
      .toMatch(/^block \d+ \(\w+\) × block \d+ \(\w+\): CKA [01]\.\d{4}$/);
    // keyboard: focus, move to the first cell, read the diagonal (CKA 1)
    await matrix.focus();
    await page.keyboard.press('ArrowUp');
    await expect
      .poll(() => page.getByTestId('cka-readout').textContent())
      .toMatch(/: CKA \d\.\d{4}$/);
    await page.keyboard.press('Enter');
    const map = page.getByTestId('cka-map');
    await map.waitFor({ timeout: 30_000 });
    await map.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('cka-map-hover').textContent()).toMatch(/image 1: \w/);
    expect(await page.getByTestId('cka-map-hover').locator('canvas').count()).toBe(1);
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const text = await (await csv.createReadStream()).toArray();
    const lines = Buffer.concat(text).toString('utf8').trim().split('\n');
    expect(lines).toHaveLength(20);
    expect(lines[0]).toMatch(/^,block 1 \(encoder\),block 2 \(encoder\)/);
    expect(Number(lines[1]!.split(',')[1])).toBeCloseTo(1, 6);
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export PNG' }).click(),
    ]);
    expect(png.suggestedFilename()).toMatch(/^block-block-at-t-90-pool-2.*\.png$/);
    await map.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getByTestId('cka-map-hover').textContent()).toMatch(/image 1/);
    await screenshot(page, 'cka-blocks');
    expect(foreign).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('timestep × timestep at one block', async () => {
    const { page, context, errors } = await openApp(browser);
    await page.getByRole('tab', { name: 'CKA' }).click();
    await page.getByLabel('what to compare').selectOption('timesteps');
    await page.getByLabel('block for the timestep matrix').selectOption('12');
    await page.getByLabel('Timesteps').fill('10, 300, 900');
    await page.getByLabel('Timesteps').blur();
    await page.getByLabel('number of images').selectOption('100');
    await page.getByLabel('CPU precision').selectOption('float64');
    await page.getByRole('button', { name: 'Compute CKA' }).click();
    const matrix = page.getByTestId('cka-matrix');
    await matrix.waitFor({ timeout: 150_000 });
    expect(await matrix.getAttribute('aria-label')).toMatch(/timestep × timestep at block 12/);
    // the software adapter is skipped; the float64 SIMD kernel ran, as chosen
    expect(await page.getByTestId('cka-note').textContent()).toMatch(
      /products: CPU \(.*\), WebAssembly SIMD, float64, \d threads?/,
    );
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    const text = Buffer.concat(await (await csv.createReadStream()).toArray()).toString('utf8');
    const rows = text
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    expect(rows[0]).toEqual(['', 't = 10', 't = 300', 't = 900']);
    const v = (i: number, j: number) => Number(rows[i + 1]![j + 1]);
    expect(v(1, 1)).toBeCloseTo(1, 6);
    // nearer timesteps are more alike: t = 10 resembles t = 300 more than t = 900
    expect(v(0, 1)).toBeGreaterThan(v(0, 2));
    expect(v(0, 2)).toBe(v(2, 0));
    await screenshot(page, 'cka-timesteps');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('diffusion blocks × the shipped classifier’s layers; cancel keeps the last matrix', async () => {
    const { page, context, errors } = await openApp(browser);
    await page.getByRole('tab', { name: 'CKA' }).click();
    await page.getByLabel('what to compare').selectOption('classifier');
    await page.getByLabel('number of images').selectOption('100');
    await page.getByRole('button', { name: 'Compute CKA' }).click();
    await page.getByTestId('cka-matrix').waitFor({ timeout: 150_000 });
    const title = await page.getByTestId('cka-matrix').getAttribute('aria-label');
    expect(title).toMatch(/U-Net blocks \(t = 90\) × fmnist-resnet-s layers/);
    await screenshot(page, 'cka-classifier');
    // a large run, cancelled: the classifier matrix stays
    await page.getByLabel('what to compare').selectOption('blocks');
    await page.getByLabel('number of images').selectOption('2000');
    await page.getByRole('button', { name: 'Compute CKA' }).click();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => page.getByText('CKA cancelled').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('cka-matrix').getAttribute('aria-label')).toBe(title);
    // a bad timestep is refused with a message and the field returns to its value
    await page.getByLabel('timestep t').fill('5000');
    await page.getByLabel('timestep t').blur();
    await expect.poll(() => page.getByText(/timestep t must be a whole number/).count()).toBe(1);
    expect(await page.getByLabel('timestep t').inputValue()).toBe('90');
    expect(errors).toEqual([]);
    await context.close();
  });
});
