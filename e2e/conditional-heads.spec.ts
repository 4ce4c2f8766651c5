/**
 * Heads, the sweep and CKA on conditional models, through the UI: what the model's class and
 * context inputs get reaches the features (the feature cache tells conditionings apart), and
 * every result says which conditioning it was computed under (the head's name and export file,
 * the sweep's grid, the CKA matrix's title). The tiny conditional model of test/condUnet.ts on a
 * two-tone dataset of 120 images: all of it on WASM in a few seconds.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSweepResult } from '../src/core/sweep/result';
import type { SweepStats } from '../src/engine/sweep/run';
import { condManifest, condModel, type CondUnetOptions } from '../test/condUnet';
import { launch, openApp } from './support/browser';
import { flatPng, zip, type Files } from './support/datasetFixtures';
import { current, uploadZip } from './support/datasetPage';
import { dropContextNpy, dropWrongContext, factsTitle, mapsKey } from './support/modelPage';

/** Dark and light flat images: 50 train and 10 test of each (a head tells them apart). */
function twoTone(): Uint8Array {
  const files: Files = {};
  for (let i = 0; i < 60; i++) {
    const split = i < 50 ? 'train' : 'test';
    files[`${split}/dark/${i}.png`] = flatPng(8, 8, 10 + i);
    files[`${split}/light/${i}.png`] = flatPng(8, 8, 180 + i);
  }
  return zip(files, 0);
}
const IMAGES = 120;
const CLASS_MODEL: CondUnetOptions = { size: 8, contextInput: false };

/** A fresh page with the two-tone dataset selected and the tiny conditional model loaded. */
async function setup(browser: Browser, opts: CondUnetOptions, id: string) {
  const { page, context, errors, foreign } = await openApp(browser);
  await mapsKey(page);
  await page.getByRole('tab', { name: 'Datasets' }).click();
  await uploadZip(page, 'twotone.zip', twoTone());
  await page.getByRole('tab', { name: 'Explorer' }).click();
  const bytes = condModel(opts);
  await page.getByLabel(/^Open your own model/).setInputFiles([
    { name: 'model.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) },
    {
      name: 'manifest.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(condManifest(bytes, opts, id))),
    },
  ]);
  await expect.poll(() => factsTitle(page), { timeout: 120_000 }).toContain(id);
  const close = async () => {
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await context.close();
  };
  return { page, close };
}

/** Picks the class fed to every image (the model panel is in the Explorer). */
async function pickClass(page: Page, id: number): Promise<void> {
  await page.getByRole('tab', { name: 'Explorer' }).click();
  await page.getByRole('combobox', { name: 'Class for every image' }).selectOption(String(id));
  await expect
    .poll(() => page.getByTestId('conditioning-summary').innerText())
    .toMatch(new RegExp(`y: class ${id}$`));
}

/** The Heads panel, with a head on `block` (the panel keeps it across visits). */
async function openHeads(page: Page, block?: number): Promise<void> {
  await page.getByRole('tab', { name: 'Heads' }).click();
  if (block !== undefined) await page.getByTestId('head-block').selectOption(String(block));
  await expect
    .poll(() => page.getByTestId('head-params').textContent(), { timeout: 60_000 })
    .toMatch(/: [\d,]+ parameters/);
}

/** Trains the panel's head (one more saved head); returns the finished status line. */
async function trainHead(page: Page): Promise<string> {
  const rows = page.getByTestId('saved-heads').locator('tbody tr');
  const before = await rows.count();
  await page.getByRole('button', { name: 'Train head' }).click();
  await expect.poll(() => rows.count(), { timeout: 120_000 }).toBe(before + 1);
  const status = page.getByTestId('heads-status');
  expect(await status.getAttribute('data-status')).toBe('done');
  expect(await page.getByTestId('head-test-accuracy').textContent()).toMatch(/^\d+\.\d+%$/);
  return status.innerText();
}

/** The exported file of the saved head named `name`. */
async function exportHead(page: Page, name: string): Promise<Record<string, unknown>> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: `Export ${name}`, exact: true }).click(),
  ]);
  return JSON.parse(readFileSync((await download.path())!, 'utf8')) as Record<string, unknown>;
}

async function sweepStats(page: Page): Promise<SweepStats> {
  const stats = await page.evaluate(() => globalThis.diffprobeHeads!.sweepStats());
  expect(stats).not.toBeNull();
  return stats!;
}

async function runSweep(page: Page): Promise<SweepStats> {
  const before = await page.evaluate(() => globalThis.diffprobeHeads!.sweepStats()?.totalMs);
  await page.getByRole('button', { name: 'Run sweep' }).click();
  await expect
    .poll(() => page.getByTestId('sweep-status').getAttribute('data-status'), {
      timeout: 120_000,
    })
    .toBe('done');
  await expect
    .poll(() => page.evaluate(() => globalThis.diffprobeHeads!.sweepStats()?.totalMs))
    .not.toBe(before);
  return sweepStats(page);
}

describe('heads, the sweep and CKA on conditional models', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch({ webgpu: false });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('class-conditional: heads under two classes are other features, named and exported with their class; the sweep and CKA record it', async () => {
    const { page, close } = await setup(browser, CLASS_MODEL, 'class-tiny');
    await pickClass(page, 5);
    // The panel's block (12 on the built-in model) becomes this model's middle block.
    await page.getByRole('tab', { name: 'Heads' }).click();
    await expect.poll(() => page.getByTestId('head-block').inputValue()).toBe('3');
    await openHeads(page, 1);
    await page.getByTestId('head-epochs').fill('10');

    expect(await page.getByTestId('conditioning-note').innerText()).toMatch(/fed y: class 5 \(/);
    // Class 5: the head trains and tells dark from light.
    const first = await trainHead(page);
    expect(first).toMatch(new RegExp(`features of ${IMAGES} images: \\d+ computed`));
    expect(Number(/Test accuracy ([\d.]+)%/.exec(first)![1])).toBeGreaterThan(90);
    // The same again: every feature from the cache.
    expect(await trainHead(page)).toContain(
      `features of ${IMAGES} images: 0 computed, ${IMAGES} from the cache`,
    );
    // Class 2: the cache has none of these features (its key carries the class).
    await pickClass(page, 2);
    await openHeads(page);
    expect(await trainHead(page)).toContain(
      `features of ${IMAGES} images: ${IMAGES} computed, 0 from the cache`,
    );
    const names = await page
      .getByTestId('saved-heads')
      .locator('tbody tr td:nth-child(2)')
      .allInnerTexts();
    const underTwo = 'Linear, pool 2 · block 1 · t=10 · y: class 2';
    const underFive = 'Linear, pool 2 · block 1 · t=10 · y: class 5';
    expect(names).toEqual([underTwo, underFive, underFive]);
    const file = await exportHead(page, underTwo);
    expect(file).toMatchObject({
      format: 'diffprobe-head',
      model: { id: 'class-tiny' },
      block: 1,
      t: 10,
      conditioning: [{ name: 'y', role: 'class', class: 2 }],
    });

    // The class-2 head is refused while the model feeds class 5 (a dropped image).
    await pickClass(page, 5);
    await openHeads(page);
    await page.getByTestId('classify-input').setInputFiles({
      name: 'dark.png',
      mimeType: 'image/png',
      buffer: Buffer.from(flatPng(8, 8, 20)),
    });
    await expect
      .poll(() => page.getByRole('list', { name: 'Messages' }).innerText())
      .toContain(
        `dark.png could not be classified: ${underTwo} was trained with y: class 2; the model now feeds y: class 5.`,
      );

    // The sweep: every block × 2 timesteps under class 5, and its grid says so.
    await page.getByTestId('sweep-ts').fill('10, 300');
    await page.getByTestId('sweep-epochs').fill('3');
    const sweep = await runSweep(page);
    expect(sweep).toMatchObject({
      status: 'done',
      images: { train: 100, test: 20 },
      timesteps: [10, 300],
      cells: 8,
      conditioning: [{ name: 'y', role: 'class', class: 5 }],
    });
    expect(await page.getByTestId('sweep-heatmap').locator('rect').count()).toBe(8);
    const note = page.getByTestId('sweep-conditioning');
    expect(await note.innerText()).toBe('Features under y: class 5');
    // Another class: the grid is flagged as computed under class 5 …
    await pickClass(page, 7);
    await openHeads(page);
    expect(await note.getAttribute('data-same')).toBe('false');
    expect(await note.innerText()).toBe(
      'Features under y: class 5 — the model now feeds y: class 7; run the sweep again for it',
    );
    // … and a sweep under class 7 computes its features afresh.
    const again = await runSweep(page);
    expect(again.conditioning).toEqual([{ name: 'y', role: 'class', class: 7 }]);
    expect(again.fromCache).toBe(0);
    expect(again.computed).toBe(again.passes);
    expect(await note.innerText()).toBe('Features under y: class 7');
    // Exported: the CLI's sweep.json, with the class fed and the stored dataset it ran on.
    const [sweepFile] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export sweep result' }).click(),
    ]);
    const exported = parseSweepResult(JSON.parse(readFileSync((await sweepFile.path())!, 'utf8')));
    expect(exported).toMatchObject({
      model: { id: 'class-tiny' },
      conditioning: [{ name: 'y', role: 'class', class: 7 }],
      dataset: { source: 'twotone', classes: ['dark', 'light'], images: { train: 100, test: 20 } },
      split: { kind: 'dataset', testFraction: null },
      ts: [10, 300],
    });
    expect(exported.dataset.id).toMatch(/^stored:/);
    expect(exported.cells.length).toBe(8);
    // The demo set selected: the grid is flagged, naming both; twotone again: not.
    const changed = page.getByTestId('sweep-dataset-changed');
    expect(await changed.count()).toBe(0);
    await page.getByRole('tab', { name: 'Datasets' }).click();
    await page.getByRole('radio', { name: /Built-in Fashion-MNIST demo/ }).check();
    await openHeads(page);
    await expect.poll(() => changed.innerText()).toMatch(/“twotone”.*“Fashion-MNIST demo”/);
    await page.getByRole('tab', { name: 'Datasets' }).click();
    await page.getByRole('radio', { name: /^twotone/ }).check();
    await openHeads(page);
    await expect.poll(() => changed.count()).toBe(0);
    // A sweep.json of `diffprobe sweep --cond y=5` on this model: drawn, and flagged for class 5.
    const sha256 = condManifest(condModel(CLASS_MODEL), CLASS_MODEL, 'class-tiny').sha256;
    const opened = {
      format: 'diffprobe-sweep',
      version: 1,
      model: { id: 'class-tiny', sha256, file: 'model.onnx' },
      conditioning: [{ name: 'y', role: 'class', class: 5 }],
      dataset: { source: 'twotone', classes: ['dark', 'light'], images: { train: 100, test: 20 } },
      pool: 2,
      blocks: [1, 2, 3, 4],
      ts: [10],
      cells: [1, 2, 3, 4].map((block) => ({ block, t: 10, pool: 2, testAccuracy: 1 })),
    };
    await page.getByLabel('Open a sweep result…').setInputFiles({
      name: 'sweep.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(opened)),
    });
    await expect
      .poll(() => note.innerText())
      .toBe(
        'Features under y: class 5 — the model now feeds y: class 7; run the sweep again for it',
      );
    expect(await page.getByTestId('sweep-status').innerText()).toMatch(/images, y: class 5\.$/);
    expect(await page.getByTestId('sweep-open-model').getAttribute('data-other')).toBe('false');
    // A CLI result names no dataset id: the app cannot tell its dataset apart, nothing to flag.
    expect(await page.getByTestId('sweep-dataset-changed').count()).toBe(0);

    // Each image's own label, turned on explicitly: other features again, and the head says so.
    await page.getByRole('tab', { name: 'Explorer' }).click();
    await page.getByRole('checkbox', { name: "Use each image's own label" }).check();
    await openHeads(page);
    expect(await trainHead(page)).toContain(
      `features of ${IMAGES} images: ${IMAGES} computed, 0 from the cache`,
    );
    const ownName = "Linear, pool 2 · block 1 · t=10 · y: each image's own label";
    expect(await exportHead(page, ownName)).toMatchObject({
      conditioning: [{ name: 'y', role: 'class', class: 'own-label' }],
    });
    await page.getByRole('tab', { name: 'Explorer' }).click();
    await page.getByRole('checkbox', { name: "Use each image's own label" }).uncheck();

    // CKA (block × block) on the conditional model: its title names the class.
    await page.getByRole('tab', { name: 'CKA' }).click();
    await page.getByLabel('number of images').selectOption('100');
    await page.getByRole('button', { name: 'Compute CKA' }).click();
    expect(await page.getByTestId('conditioning-note').innerText()).toMatch(/fed y: class 7 \(/);
    const matrix = page.getByTestId('cka-matrix');
    await matrix.waitFor({ timeout: 120_000 });
    expect(await matrix.getAttribute('aria-label')).toMatch(
      /^block × block at t = 90, pool 2, n = 100, y: class 7\./,
    );
    // Another class: the matrix stays, flagged; back to class 7: the flag goes.
    const stale = page.getByTestId('cka-stale');
    expect(await stale.count()).toBe(0);
    await pickClass(page, 3);
    await page.getByRole('tab', { name: 'CKA' }).click();
    expect(await stale.innerText()).toBe(
      'Out of date: the conditioning (y: class 7 → y: class 3) has changed since this matrix was computed; compute CKA again.',
    );
    expect(await matrix.isVisible()).toBe(true);
    await pickClass(page, 7);
    await page.getByRole('tab', { name: 'CKA' }).click();
    expect(await stale.count()).toBe(0);
    await close();
  });

  it('text-conditional: a head and the sweep on a loaded context, the export keeps its digest; a wrong-shape context is refused and nothing changes', async () => {
    const { page, close } = await setup(browser, { size: 8, classInput: false }, 'ctx-tiny');
    const values = new Float32Array(6).fill(0.5);
    const digest = createHash('sha256').update(Buffer.from(values.buffer)).digest('hex');
    const file = page.getByLabel('Context .npy for ctx');
    const loadPrompt = async (v: Float32Array) => {
      await page.getByRole('tab', { name: 'Explorer' }).click();
      await dropContextNpy(file, 'prompt.npy', v, [2, 3]);
      await expect
        .poll(() => page.getByTestId('conditioning-summary').innerText())
        .toMatch(/ctx: prompt\.npy \[2, 3\]$/);
    };
    await loadPrompt(values);
    await openHeads(page, 2);
    await page.getByTestId('head-epochs').fill('10');
    const status = await trainHead(page);
    expect(status).toMatch(new RegExp(`features of ${IMAGES} images: \\d+ computed`));
    const name = 'Linear, pool 2 · block 2 · t=10 · ctx: prompt.npy';
    expect(
      await page.getByTestId('saved-heads').locator('tbody tr td:nth-child(2)').allInnerTexts(),
    ).toEqual([name]);
    expect(await exportHead(page, name)).toMatchObject({
      model: { id: 'ctx-tiny' },
      conditioning: [{ name: 'ctx', role: 'context', context: 'prompt.npy', digest }],
    });
    // The sweep (one t) under the loaded context.
    await page.getByTestId('sweep-ts').fill('10');
    await page.getByTestId('sweep-epochs').fill('2');
    const sweep = await runSweep(page);
    expect(sweep).toMatchObject({
      cells: 4,
      conditioning: [{ name: 'ctx', role: 'context', context: 'prompt.npy', digest }],
    });
    const note = page.getByTestId('sweep-conditioning');
    expect(await note.innerText()).toBe('Features under ctx: prompt.npy');

    // A context of the wrong shape: a clear message; the model, the dataset and the context stay.
    await page.getByRole('tab', { name: 'Explorer' }).click();
    expect(await dropWrongContext(page, file, 'wrong.npy', [3, 4])).toContain(
      "wrong.npy has shape [3, 4]; this model's context takes [2, 3]",
    );
    expect(await page.getByTestId('context-source-ctx').innerText()).toBe('prompt.npy');
    expect(await factsTitle(page)).toContain('ctx-tiny');
    expect((await current(page)).name).toBe('twotone');
    // The features are those of prompt.npy still: all from the cache.
    await openHeads(page);
    expect(await trainHead(page)).toContain(
      `features of ${IMAGES} images: 0 computed, ${IMAGES} from the cache`,
    );
    expect(await note.getAttribute('data-same')).toBe('true');
    // Another prompt.npy (other values, the same name): the sweep's grid is flagged by digest.
    await loadPrompt(new Float32Array(6).fill(1));
    await openHeads(page);
    expect(await note.getAttribute('data-same')).toBe('false');
    expect(await note.innerText()).toMatch(/the model now feeds ctx: prompt\.npy \[2, 3\]; run/);
    await close();
  });
});
