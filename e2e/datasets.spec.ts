import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bigZip,
  classFolders,
  corruptPng,
  flatPng,
  greyPng,
  writeFolder,
  zip,
  zipDeclaring,
  zipDeclaringEntries,
  zipWithBombEntry,
} from './support/datasetFixtures';
import { baseURL, launch, openApp, screenshot } from './support/browser';
import {
  current,
  currentPixels,
  importing,
  notices,
  openDatasets,
  settled,
  uploadZip,
  type DatasetsHook,
} from './support/datasetPage';
import { formatBytes } from '../src/core/datasets/limits';

let browser: Browser;

const SIZE = /([\d.]+) (B|kB|MB|GB)/;

function bytesOf(text: string): number {
  const [, n, unit] = SIZE.exec(text)!;
  const scale = { B: 1, kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[unit as 'B' | 'kB' | 'MB' | 'GB'];
  return Number(n) * scale;
}

/**
 * The storage-use line names the used and available bytes (the available ones exactly as the
 * browser's estimate formats) and the persistence state the browser reports.
 */
async function expectStorageLine(page: Page): Promise<void> {
  const line = page.getByTestId('storage-use');
  const browserSays = () =>
    page.evaluate(async () => {
      const { usage, quota } = await navigator.storage.estimate();
      return {
        usage: usage ?? 0,
        quota: quota ?? 0,
        persisted: await navigator.storage.persisted(),
      };
    });
  const persistence = (persisted: boolean) =>
    persisted
      ? 'kept by the browser (persistent)'
      : 'the browser may clear it under storage pressure';
  const pattern =
    /^Storage: ([\d.]+ (?:B|kB|MB|GB)) used of ([\d.]+ (?:B|kB|MB|GB)) available · (.+)$/;
  // The line is refreshed after the import and again once persist() has answered.
  await expect
    .poll(async () => {
      const text = (await line.textContent()) ?? '';
      return pattern.test(text) && text.endsWith(persistence((await browserSays()).persisted));
    })
    .toBe(true);
  const text = (await line.textContent()) ?? '';
  const [, used, available] = pattern.exec(text)!;
  const now = await browserSays();
  expect(available).toBe(formatBytes(now.quota));
  expect(bytesOf(used!)).toBeGreaterThan(0); // a dataset is stored
  expect(bytesOf(used!)).toBeLessThanOrEqual(bytesOf(available!));
  expect(bytesOf(used!)).toBeLessThanOrEqual(now.usage * 1.1 + 1024);
}

beforeAll(async () => {
  browser = await launch({ webgpu: false });
});

afterAll(async () => {
  await browser?.close();
});

describe('datasets: sources', () => {
  it('imports a folder with bad files, lists what it skipped, survives a reload', async () => {
    const files = {
      ...classFolders(['cat', 'dog', 'café ☕ #1'], 5),
      'cat/notes.txt': new TextEncoder().encode('not an image'),
      'dog/broken.png': corruptPng(),
      'dog/copy-of-1.png': greyPng(10_000),
      'empty-class/readme.md': new TextEncoder().encode('# nothing here'),
    };
    const dir = writeFolder('pets', files);
    const { page, errors, close } = await openDatasets(browser);
    await importing(page, 'pets', () =>
      page.getByLabel('Choose a folder of class folders').setInputFiles(dir),
    );
    const row = page.getByTestId('dataset-row');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toMatch(/pets.*15 images.*3 classes/);
    const report = (await page.getByTestId('import-report').textContent()) ?? '';
    expect(report).toContain('Empty class folders');
    expect(report).toContain('“empty-class”');
    await page.locator('summary', { hasText: /files? skipped/ }).click();
    const skipped = (await page.getByTestId('skipped-list').textContent()) ?? '';
    expect(skipped).toContain('cat/notes.txt: not an image');
    expect(skipped).toContain('dog/broken.png: corrupt');
    expect(skipped).toContain('empty-class/readme.md: not an image');
    await page.locator('summary', { hasText: /duplicate files left out/ }).click();
    expect(await page.getByTestId('duplicate-list').textContent()).toContain(
      'dog/copy-of-1.png is the same as dog/1.png',
    );
    expect(await page.getByLabel('Name of class café ☕ #1').inputValue()).toBe('café ☕ #1');
    expect(await page.getByRole('img', { name: 'First images of cat' }).count()).toBe(1);
    await screenshot(page, 'datasets-folder');

    // Storage use: the origin's usage and quota as navigator.storage.estimate() gives them,
    // and whether the browser keeps the data (the import asked: navigator.storage.persist()).
    await expectStorageLine(page);

    const snap = await current(page);
    expect(snap.name).toBe('pets');
    expect(snap.classes).toEqual(['café ☕ #1', 'cat', 'dog']);
    expect(snap.train + snap.test).toBe(15);
    expect(snap.test).toBe(3); // 20% of 5 per class
    expect(snap.ids).toContain('café ☕ #1/1.png');
    // Pixels: the 28×28 image padded to 32×32 exactly as prepareImage does (row 2, from x=2).
    expect(snap.first[64]).toBe(-1);

    // Rename a class and leave one out: currentDataset follows.
    await page.getByLabel('Name of class cat').fill('kitten');
    await page.getByLabel('Name of class cat').press('Enter');
    await page.getByLabel('Use class dog').click();
    await expect.poll(async () => (await current(page)).classes).toEqual(['café ☕ #1', 'kitten']);

    await page.reload();
    await page.getByRole('tab', { name: 'Datasets' }).click();
    await expect.poll(() => page.getByTestId('dataset-row').count()).toBe(1);
    expect((await current(page)).classes).toEqual(['café ☕ #1', 'kitten']);
    expect(errors).toEqual([]);
    await close();
  });

  it('reads a zip with train/ and test/ as its own split, with a 50-megapixel image', async () => {
    const files: Record<string, Uint8Array> = {};
    for (const split of ['train', 'test']) {
      for (const [p, b] of Object.entries(
        classFolders(['a', 'b'], split === 'train' ? 4 : 2, split === 'train' ? 0 : 500),
      )) {
        files[`${split}/${p}`] = b;
      }
    }
    files['train/a/huge.png'] = flatPng(8000, 6250, 200); // 50 megapixels
    const { page, errors, close } = await openDatasets(browser);
    await uploadZip(page, 'split-set.zip', zip(files, 0));
    await settled(page);
    expect(await page.getByTestId('dataset-row').textContent()).toMatch(/13 images.*2 classes/);
    expect(await page.getByText('The dataset brings its own split').count()).toBe(1);
    const snap = await current(page);
    expect([snap.train, snap.test]).toEqual([9, 4]);
    const huge = await page.evaluate(async () => {
      const api = (globalThis as unknown as { diffprobeDatasets: DatasetsHook }).diffprobeDatasets;
      const d = await api.currentDataset(32, 1);
      const item = d.train.items.find((i) => i.id === 'train/a/huge.png')!;
      return [Math.min(...item.x0), Math.max(...item.x0)];
    });
    // Flat 200 everywhere: centre-cropped and downscaled, no padding.
    expect(huge[0]).toBeCloseTo(200 / 127.5 - 1, 2);
    expect(huge[1]).toBeCloseTo(200 / 127.5 - 1, 2);
    expect(errors).toEqual([]);
    await close();
  });

  it('fits a 64×32 image by padding (black rows above and below) or by centre-cropping', async () => {
    const { page, errors, close } = await openDatasets(browser);
    const fit = page.getByRole('combobox', { name: /^Fit/ });
    // Bright and flat, a little different per file (the same bytes twice would be a duplicate).
    const values = [230, 231, 232, 233];
    const wide = (offset: number) => ({
      'a/1.png': flatPng(64, 32, values[0]! + offset),
      'a/2.png': flatPng(64, 32, values[1]! + offset),
      'b/1.png': flatPng(64, 32, values[2]! + offset),
      'b/2.png': flatPng(64, 32, values[3]! + offset),
    });
    /** Per stored image, each of its 32 rows' min and max (pixels in [-1, 1]). */
    const rows = async (name: string) => {
      const items = await currentPixels(page);
      expect((await current(page)).name).toBe(name);
      expect(items).toHaveLength(4);
      return items.map(({ id, x0 }) => ({
        id,
        rows: Array.from({ length: 32 }, (_, y) => {
          const row = x0.slice(y * 32, (y + 1) * 32);
          return [Math.min(...row), Math.max(...row)] as const;
        }),
      }));
    };
    const level = (v: number) => v / 127.5 - 1;
    const tolerance = 1.5 / 127.5; // a level and a half: resampling a flat image keeps it flat

    await fit.selectOption('pad');
    await uploadZip(page, 'wide-pad.zip', zip(wide(0), 0));
    for (const { id, rows: r } of await rows('wide-pad')) {
      const v = level(values[['a/1.png', 'a/2.png', 'b/1.png', 'b/2.png'].indexOf(id)]!);
      // 64×32 scaled to 32×16 and centred: rows 0–7 and 24–31 are the black padding.
      r.forEach(([lo, hi], y) => {
        if (y < 8 || y >= 24) expect([id, y, lo, hi]).toEqual([id, y, -1, -1]);
        else {
          expect(Math.abs(lo - v), `${id} row ${y}`).toBeLessThanOrEqual(tolerance);
          expect(Math.abs(hi - v), `${id} row ${y}`).toBeLessThanOrEqual(tolerance);
        }
      });
    }

    await fit.selectOption('crop');
    await uploadZip(page, 'wide-crop.zip', zip(wide(10), 0));
    for (const { id, rows: r } of await rows('wide-crop')) {
      const v = level(values[['a/1.png', 'a/2.png', 'b/1.png', 'b/2.png'].indexOf(id)]! + 10);
      // The centre 32×32 of the 64×32 image fills the square: no black row anywhere.
      r.forEach(([lo, hi], y) => {
        expect(Math.abs(lo - v), `${id} row ${y}`).toBeLessThanOrEqual(tolerance);
        expect(Math.abs(hi - v), `${id} row ${y}`).toBeLessThanOrEqual(tolerance);
      });
    }
    expect(errors).toEqual([]);
    await close();
  });

  it('imports the built-in demo set through the same pipeline', async () => {
    const { page, close } = await openDatasets(browser);
    await importing(page, 'Fashion-MNIST demo', () =>
      page.getByRole('button', { name: 'Import the demo set' }).click(),
    );
    expect(await page.getByTestId('dataset-row').textContent()).toMatch(/3,000 images.*10 classes/);
    const snap = await current(page);
    expect([snap.train, snap.test]).toEqual([2000, 1000]);
    await close();
  });
});

describe('datasets: bad input loses nothing', () => {
  it('refuses a zip bomb, a > 2 GB zip, a zip listing > 100,000 files and a non-zip, keeps what was loaded, disables one class', async () => {
    const { page, errors, close } = await openDatasets(browser);
    await uploadZip(page, 'good.zip', zip(classFolders(['x', 'y'], 3)));
    await settled(page);
    await expect.poll(() => page.getByTestId('dataset-row').count()).toBe(1);

    await uploadZip(
      page,
      'declared-3gb.zip',
      zipDeclaring(classFolders(['x', 'y'], 1), 1.5 * 1024 ** 3),
    );
    await settled(page);
    expect(await notices(page)).toMatch(
      /declared-3gb.*could not be imported.*more than 2\.0 GB; nothing was unpacked/,
    );

    await uploadZip(
      page,
      'not-a-zip.zip',
      new TextEncoder().encode('this is only text, not a zip at all'),
    );
    await settled(page);
    expect(await notices(page)).toMatch(/not-a-zip.*not a zip file/);

    // A ZIP64 end record declaring 100,001 entries (the file is 445 bytes and lists two):
    // refused from the declared count (DEFAULT_LIMITS.maxEntries), before the list is read.
    await uploadZip(
      page,
      'too-many.zip',
      zipDeclaringEntries({ 'x/1.png': greyPng(1, 4), 'y/1.png': greyPng(2, 4) }, 100_001),
    );
    await settled(page);
    expect(await notices(page)).toContain(
      '“too-many” could not be imported: the zip lists 100,001 files; at most 100,000 are read',
    );
    expect(await page.getByTestId('dataset-row').count()).toBe(1);
    expect(await page.getByTestId('dataset-row').textContent()).toMatch(/good.*6 images/);
    expect((await current(page)).name).toBe('good');

    await uploadZip(page, 'bomb-entry.zip', zipWithBombEntry(64));
    await settled(page);
    await page.locator('summary', { hasText: /files? skipped/ }).click();
    expect(await page.getByTestId('skipped-list').textContent()).toMatch(
      /a\/bomb\.png: expands \d+× \(a zip bomb\?\)/,
    );

    await uploadZip(page, 'one-class.zip', zip(classFolders(['only'], 4)));
    await settled(page);
    expect(await page.getByTestId('train-disabled').textContent()).toMatch(
      /only one class \(“only”\)/,
    );

    const names = await page.getByTestId('dataset-row').allTextContents();
    expect(names.join('\n')).toMatch(/good/);
    expect(names).toHaveLength(3);
    expect(errors).toEqual([]);
    await close();
  });

  it('skips loose files and zip entries that climb out of the folder', async () => {
    const { page, close } = await openDatasets(browser);
    const files = {
      ...classFolders(['a', 'b'], 2),
      'loose.png': greyPng(1),
      '../evil/x.png': greyPng(2),
    };
    await uploadZip(page, 'odd.zip', zip(files));
    await settled(page);
    await page.locator('summary', { hasText: /files? skipped/ }).click();
    const skipped = (await page.getByTestId('skipped-list').textContent()) ?? '';
    expect(skipped).toContain('loose.png: not in a class folder');
    expect(skipped).toContain('../evil/x.png: the path leaves the zip');
    await close();
  });
});

describe('datasets: cancel keeps what was imported', () => {
  it('stops a 6,000-image import part way and keeps the stored images', async () => {
    const { page, close } = await openDatasets(browser);
    await page.getByLabel('Open a zip file').setInputFiles({
      name: 'many.zip',
      mimeType: 'application/zip',
      buffer: Buffer.from(bigZip(6000)),
    });
    await page.getByText(/images\/s/).waitFor({ timeout: 60_000 });
    // Progress: counts so far of the total, the rate and the time left.
    expect(await page.getByTestId('import-progress').textContent()).toMatch(
      /^[\d,]+ of 6,000 images · \d+ images\/s · (\d+ min )?\d+ s left$/,
    );
    await page.getByRole('button', { name: 'Cancel import' }).click();
    await page.getByText(/Import cancelled; kept “many”/).waitFor({ timeout: 60_000 });
    const row = (await page.getByTestId('dataset-row').textContent()) ?? '';
    expect(row).toContain('partial (cancelled)');
    const kept = Number(/([\d,]+) images/.exec(row)![1]!.replace(/,/g, ''));
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(6000);
    const snap = await current(page);
    expect(snap.train + snap.test).toBe(kept);
    await close();
  });
});

describe('datasets: cancel before anything is stored', () => {
  it('cancels while the source is still downloading: nothing kept, no empty entry', async () => {
    // No service worker: the demo zip comes from the network, where it is held back.
    const context = await browser.newContext({ serviceWorkers: 'block' });
    let held = 0;
    await context.route('**/datasets/fashion-mnist-demo.zip', () => {
      held += 1; // never answered: the download hangs until it is aborted
    });
    const page = await context.newPage();
    await page.goto(baseURL());
    await page.getByRole('tab', { name: 'Datasets' }).click();
    await page.getByRole('button', { name: 'Import the demo set' }).click();
    await expect.poll(() => held).toBeGreaterThan(0);
    expect(await page.getByTestId('import-progress').textContent()).toBe(
      'Reading “Fashion-MNIST demo”…',
    );
    await page.getByRole('button', { name: 'Cancel import' }).click();
    await page
      .getByText(
        'Import of “Fashion-MNIST demo” cancelled before any image was stored: nothing kept.',
      )
      .waitFor({ timeout: 30_000 });
    await settled(page);
    expect(await page.getByTestId('dataset-row').count()).toBe(0);
    await context.close();
  });
});

describe('datasets: webcam', () => {
  it('captures frames into classes while a button is held, then saves them', async () => {
    const cam = await launch({
      webgpu: false,
      args: ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
    });
    try {
      const { context, page } = await openApp(cam);
      await page.getByRole('tab', { name: 'Datasets' }).click();
      await page.getByRole('button', { name: 'Capture from the webcam…' }).click();
      await page.getByLabel('Webcam preview').waitFor();
      await page.waitForFunction(() => (document.querySelector('video')?.videoWidth ?? 0) > 0);
      const hold = async (i: number) => {
        const box = (await page
          .getByRole('button', { name: 'Hold to capture' })
          .nth(i)
          .boundingBox())!;
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await page.mouse.down();
        await page.waitForTimeout(900);
        await page.mouse.up();
      };
      await page.getByLabel('Webcam class 1 name').fill('thumbs up');
      await hold(0);
      await hold(1);
      const counts = await page.getByTestId('webcam-count').allTextContents();
      for (const c of counts) expect(Number(c.split(' ')[0])).toBeGreaterThan(2);
      await page.getByRole('button', { name: 'Save as a dataset' }).click();
      await page.getByText(/Imported “Webcam/).waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('dataset-row').textContent()).toMatch(/2 classes/);
      expect(await page.getByLabel('Name of class thumbs up').inputValue()).toBe('thumbs up');
      await context.close();
    } finally {
      await cam.close();
    }
  });
});
