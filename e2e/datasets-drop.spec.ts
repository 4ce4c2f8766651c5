/**
 * Real files from disk: folders and zips dropped on the Datasets panel through Chromium's CDP
 * drag events (the page walks real FileSystemDirectoryEntry objects with webkitGetAsEntry), a
 * > 2 GB zip (a sparse file), and a full disk (a real QuotaExceededError from a lowered quota).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bigZip,
  classFolders,
  corruptPng,
  greyPng,
  noisyPng,
  sparseFile,
  writeFolder,
  zip,
} from './support/datasetFixtures';
import type { Files } from './support/datasetFixtures';
import { launch } from './support/browser';
import {
  current,
  dropPaths,
  importing,
  notices,
  openDatasets,
  skippedList,
  uploadZip,
} from './support/datasetPage';

let browser: Browser;

beforeAll(async () => {
  browser = await launch({ webgpu: false });
});

afterAll(async () => {
  await browser?.close();
});

describe('datasets: a folder dropped from disk', () => {
  it('walks class folders (150 files in one: several readEntries calls), skips and lists bad files, reports an empty class folder', async () => {
    const files: Files = {
      ...classFolders(['cat'], 150),
      ...classFolders(['dog', '100% sure & <b>', 'café ☕ #1'], 3, 500),
      'cat/notes.txt': new TextEncoder().encode('not an image'),
      'dog/broken.png': corruptPng(),
      'dog/copy.png': greyPng(500), // the same bytes as dog/1.png
      '.DS_Store': new Uint8Array([0, 0, 0, 1]),
      // The same name twice: composed (é) and decomposed (e + ◌́), as macOS writes it.
      'dog/caf\u00e9.png': greyPng(7001),
      'dog/cafe\u0301.png': greyPng(7002),
    };
    const dir = writeFolder('dropped pets', files, ['empty-class']);
    const { page, errors, close } = await openDatasets(browser);
    await importing(page, 'dropped pets', () => dropPaths(page, [dir]));

    const row = (await page.getByTestId('dataset-row').textContent()) ?? '';
    expect(row).toMatch(/dropped pets.*160 images · 4 classes/);
    const report = (await page.getByTestId('import-report').textContent()) ?? '';
    expect(report).toContain('Empty class folders (no images, left out): “empty-class”');
    const skipped = await skippedList(page);
    expect(skipped).toContain('cat/notes.txt: not an image');
    expect(skipped).toContain('dog/broken.png: corrupt');
    expect(skipped).not.toContain('.DS_Store'); // hidden files are not part of a dataset
    expect(skipped).toContain('dog/caf\u00e9.png: another file has the same name');
    await page.locator('summary', { hasText: /duplicate files left out/ }).click();
    expect(await page.getByTestId('duplicate-list').textContent()).toContain(
      'dog/copy.png is the same as dog/1.png',
    );
    expect(await page.getByLabel('Name of class 100% sure & <b>').inputValue()).toBe(
      '100% sure & <b>',
    );

    const snap = await current(page);
    expect(snap.name).toBe('dropped pets');
    expect(snap.classes).toEqual(['100% sure & <b>', 'café ☕ #1', 'cat', 'dog']);
    expect(snap.train + snap.test).toBe(160);
    expect(snap.ids).toContain('dog/caf\u00e9.png');
    expect(snap.ids.filter((id) => id.startsWith('cat/'))).toHaveLength(150);
    expect(snap.ids).toContain('café ☕ #1/3.png');
    expect(errors).toEqual([]);
    await close();
  });

  it('keeps the split of a dropped folder with train/ and test/ inside', async () => {
    const files: Files = {};
    for (const [split, n, offset] of [
      ['train', 6, 0],
      ['test', 2, 900],
    ] as const) {
      for (const [p, b] of Object.entries(classFolders(['ant', 'bee'], n, offset))) {
        files[`${split}/${p}`] = b;
      }
    }
    const dir = writeFolder('insects', files);
    const { page, errors, close } = await openDatasets(browser);
    await importing(page, 'insects', () => dropPaths(page, [dir]));
    expect(await page.getByTestId('dataset-row').textContent()).toMatch(/16 images · 2 classes/);
    expect(await page.getByText('The dataset brings its own split').count()).toBe(1);
    const snap = await current(page);
    expect(snap.classes).toEqual(['ant', 'bee']);
    expect([snap.train, snap.test]).toEqual([12, 4]);
    expect(snap.ids).toContain('test/bee/2.png');
    expect(errors).toEqual([]);
    await close();
  });

  it('imports a dropped zip file, and refuses a dropped zip larger than 2 GB keeping what was loaded', async () => {
    const small = join(writeFolder('zips', {}), 'shapes.zip');
    writeFileSync(small, zip(classFolders(['round', 'square'], 4)));
    const huge = sparseFile('huge.zip', 2.5 * 1024 ** 3);
    const { page, errors, close } = await openDatasets(browser);
    await importing(page, 'shapes', () => dropPaths(page, [small]));
    expect(await page.getByTestId('dataset-row').textContent()).toMatch(/8 images · 2 classes/);

    await importing(page, 'huge', () => dropPaths(page, [huge]));
    expect(await notices(page)).toMatch(
      /“huge” could not be imported: the zip is 2\.5 GB; at most 2\.0 GB can be read/,
    );
    expect(await page.getByTestId('dataset-row').count()).toBe(1);
    expect((await current(page)).name).toBe('shapes');
    expect(errors).toEqual([]);
    await close();
  });
});

describe('datasets: the folder picker', () => {
  it('walks a real directory handle from "Choose a folder…", and the split can be changed', async () => {
    const { page, errors, close } = await openDatasets(browser);
    const files = Object.entries(classFolders(['left', 'right'], 10)).map(
      ([path, bytes]) => [path, Array.from(bytes)] as const,
    );
    await page.evaluate(async (entries) => {
      const root = await navigator.storage.getDirectory();
      const dir = await root.getDirectoryHandle('picked', { create: true });
      for (const [path, bytes] of entries) {
        const [cls, name] = path.split('/') as [string, string];
        const folder = await dir.getDirectoryHandle(cls, { create: true });
        const out = await (await folder.getFileHandle(name, { create: true })).createWritable();
        await out.write(new Uint8Array(bytes));
        await out.close();
      }
      await dir.getDirectoryHandle('nothing-yet', { create: true });
      // The picker is the browser's own dialog; here it hands over this real directory.
      (window as unknown as { showDirectoryPicker: () => Promise<unknown> }).showDirectoryPicker =
        () => Promise.resolve(dir);
    }, files);
    await importing(page, 'picked', () =>
      page.getByRole('button', { name: 'Choose a folder…' }).click(),
    );
    expect(await page.getByTestId('dataset-row').textContent()).toMatch(/20 images · 2 classes/);
    expect(await page.getByTestId('import-report').textContent()).toContain('“nothing-yet”');
    const first = await current(page);
    expect([first.train, first.test]).toEqual([16, 4]); // 20% of each class

    const split = async (share: string, seed: string): Promise<string[]> => {
      await page.getByLabel('Test share (%)', { exact: true }).fill(share);
      await page.getByLabel('Seed', { exact: true }).fill(seed);
      await page.getByRole('button', { name: 'Apply split' }).click();
      await expect
        .poll(async () => (await current(page)).test)
        .toBe(Math.round((Number(share) / 100) * 10) * 2);
      return (await current(page)).testIds;
    };
    const a = await split('40', '3');
    expect(a.filter((id) => id.startsWith('left/'))).toHaveLength(4); // stratified
    expect(await split('40', '4')).not.toEqual(a);
    expect(await split('40', '3')).toEqual(a); // seeded: the same split again
    expect(errors).toEqual([]);
    await close();
  });
});

describe('datasets: a full disk is explained', () => {
  it('stops at the quota with a clear message and keeps everything stored before', async () => {
    const { page, errors, close } = await openDatasets(browser);
    // Let the service worker finish its precache, so only the imports write from here on.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    const origin = new URL(page.url()).origin;
    const cdp = await page.context().newCDPSession(page);
    // Room for a small dataset and about a third of the next one (3,000 noisy images of 1 kB).
    // Set before anything is written: IndexedDB keeps the space it was last granted for 30 s.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 1024 ** 2 });
    await uploadZip(page, 'kept.zip', zip(classFolders(['x', 'y'], 5)));

    await uploadZip(page, 'too-big.zip', bigZip(3000, 10, noisyPng));
    const text = await notices(page);
    const said =
      /“too-big” could not be imported: The browser's storage is full \([\d.]+ [kMG]?B of [\d.]+ [kMG]?B used\)\. ([\d,]+) of 3,000 images of “too-big” were saved and are kept\. Delete a dataset you no longer need/.exec(
        text,
      );
    expect(said, text).not.toBeNull();
    const saved = Number(said![1]!.replace(/,/g, ''));
    expect(saved).toBeGreaterThan(0);
    expect(saved).toBeLessThan(3000);

    // What was there before is untouched and still the one in use.
    const rows = await page.getByTestId('dataset-row').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.includes('kept'))).toMatch(/10 images · 2 classes/);
    const partial = rows.find((r) => r.includes('too-big'))!;
    // 'storage full' when the failure could be recorded, 'import stopped' when even the
    // record's few bytes did not fit (Chromium's quota leaves none here).
    expect(partial).toMatch(/partial \((storage full|import stopped)\)/);
    expect(partial).toContain(`${saved.toLocaleString('en')} images`);
    const snap = await current(page);
    expect([snap.name, snap.train + snap.test]).toEqual(['kept', 10]);

    // With room again, the saved part of the partial import can be used.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    await page.getByRole('radio', { name: /too-big/ }).check();
    expect(await page.getByTestId('import-report').textContent()).toMatch(
      new RegExp(`Import (storage is full|stopped) after ${saved.toLocaleString('en')} `),
    );
    const part = await current(page);
    expect([part.name, part.train + part.test]).toEqual(['too-big', saved]);
    await cdp.detach();
    expect(errors).toEqual([]);
    await close();
  });
});
