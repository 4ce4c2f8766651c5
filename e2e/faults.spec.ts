/**
 * Faults in the middle of a job, in the built app: the model worker dies during a sweep, the tab
 * is closed during an import, the storage quota is reached while the feature cache writes, and a
 * stored dataset record is corrupted. Each says what happened and loses nothing else.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bigZip, classFolders, zip } from './support/datasetFixtures';
import { baseURL, launch, openApp } from './support/browser';
import {
  current,
  importing,
  notices,
  openDatasets,
  settled,
  uploadZip,
} from './support/datasetPage';

let browser: Browser;

beforeAll(async () => {
  browser = await launch({ webgpu: false });
});

afterAll(async () => {
  await browser?.close();
});

async function openHeads(page: Page): Promise<void> {
  await page.getByRole('tab', { name: 'Heads' }).click();
  await expect
    .poll(() => page.getByTestId('head-params').textContent(), { timeout: 120_000 })
    .toMatch(/: [\d,]+ parameters/);
}

async function sweep(page: Page, ts: string, limit: number): Promise<void> {
  await page.getByTestId('sweep-ts').fill(ts);
  await page.getByTestId('sweep-limit').fill(String(limit));
  await page.getByTestId('sweep-epochs').fill('1');
  await page.getByRole('button', { name: 'Run sweep' }).click();
}

function sweepStatus(page: Page): Promise<string | null> {
  return page.getByTestId('sweep-status').getAttribute('data-status', { timeout: 1000 });
}

function sweepStats(page: Page) {
  return page.evaluate(() => globalThis.diffprobeHeads!.sweepStats());
}

describe('faults mid-job', () => {
  it('the model worker killed during a sweep: the sweep says so, and Retry resumes from the feature cache', async () => {
    const { page, context, errors } = await openApp(browser);
    await openHeads(page);
    await sweep(page, '10, 300, 600', 5);
    // t=10's features are extracted (and cached) once its first probe is trained; t=300's
    // extraction runs then, alongside the training.
    await expect
      .poll(() => page.getByTestId('sweep-status').textContent(), { timeout: 150_000 })
      .toMatch(/t=10: block \d+ trained/);
    const worker = page.workers().find((w) => w.url().includes('unet.worker'));
    expect(worker).toBeDefined();
    await worker!.evaluate(() => {
      setTimeout(() => {
        throw new Error('killed during the sweep');
      });
    });
    await expect.poll(() => sweepStatus(page), { timeout: 60_000 }).toBe('error');
    expect(await page.getByTestId('sweep-error').textContent()).toMatch(
      /The model worker stopped during the sweep, after \d+ of 57 probes\. Retry resumes it/,
    );
    const images = (await sweepStats(page))!.images;
    const perT = images.train + images.test;

    await page.getByRole('button', { name: 'Retry sweep' }).click();
    await expect.poll(() => sweepStatus(page), { timeout: 170_000, interval: 1000 }).toBe('done');
    const stats = (await sweepStats(page))!;
    expect(stats.status).toBe('done');
    // At least t=10's images come from the cache: they are not run through the U-Net again.
    expect(stats.fromCache).toBeGreaterThanOrEqual(perT);
    expect(stats.computed).toBeLessThanOrEqual(3 * perT - perT);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the tab closed during an import: on reopening, the partial dataset is marked and can be resumed or deleted', async () => {
    const { page, errors, close } = await openDatasets(browser);
    const source = Buffer.from(bigZip(3000));
    const file = { name: 'interrupted.zip', mimeType: 'application/zip', buffer: source };
    await page.getByLabel('Open a zip file').setInputFiles(file);
    // Some batches are stored, then the tab goes away mid-import.
    await expect
      .poll(() => page.getByTestId('import-progress').textContent({ timeout: 1000 }), {
        timeout: 120_000,
        interval: 100,
      })
      .toMatch(/[1-9][\d,]* of 3,000 images/);
    const context = page.context();
    await page.close();

    const again = await context.newPage();
    again.on('pageerror', (err) => errors.push(err.message));
    await again.goto(baseURL());
    await again.getByRole('tab', { name: 'Datasets' }).click();
    const row = again.getByTestId('dataset-row').filter({ hasText: 'interrupted' });
    await expect
      .poll(() => row.textContent(), { timeout: 30_000 })
      .toMatch(/partial \(import stopped\)/);
    const stored = Number(
      /([\d,]+) images/.exec((await row.textContent())!)![1]!.replace(/,/g, ''),
    );
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(3000);
    expect(await row.getByRole('button', { name: 'Delete interrupted' }).isEnabled()).toBe(true);

    // A zip that is not the one it came from is refused, and the partial dataset stays.
    await again.getByLabel('The zip to resume interrupted from').setInputFiles({
      ...file,
      name: 'other.zip',
      buffer: Buffer.from(zip(classFolders(['p', 'q'], 3))),
    });
    await expect
      .poll(() => notices(again), { timeout: 60_000 })
      .toContain(
        '“interrupted” could not be imported: the chosen zip holds none of the images stored in “interrupted”: choose the folder or zip it was imported from',
      );
    await settled(again);
    expect(await row.textContent()).toContain(`${stored.toLocaleString('en')} images`);

    // Resumed from the same zip: the rest is imported, nothing twice.
    await importing(again, 'interrupted', () =>
      again.getByLabel('The zip to resume interrupted from').setInputFiles(file),
    );
    await expect.poll(() => row.textContent()).toMatch(/3,000 images · 10 classes/);
    expect(await row.textContent()).not.toMatch(/partial/);
    await again.getByRole('radio', { name: /interrupted/ }).check();
    const snap = await current(again);
    expect(snap.train + snap.test).toBe(3000);
    expect(new Set(snap.ids).size).toBe(3000);
    expect(errors).toEqual([]);
    await close();
  });

  it('the storage quota reached while the feature cache writes: extraction goes on uncached, with one notice', async () => {
    const { page, context, errors } = await openApp(browser);
    await openHeads(page);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    const origin = new URL(page.url()).origin;
    const cdp = await context.newCDPSession(page);
    // No room for any feature: the quota is below what is stored already.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: Math.floor(usage / 2) });
    const cacheNotices = async () =>
      (await page.getByRole('list', { name: 'Messages' }).locator('li').allTextContents()).filter(
        (t) => t.includes('The feature cache is not being written'),
      ).length;
    let before: number | undefined;
    for (let run = 0; run < 2; run++) {
      await sweep(page, '10', 3);
      // This run's stats (not the last run's): they are set when it ends.
      await expect
        .poll(async () => (await sweepStats(page))?.totalMs, { timeout: 150_000, interval: 1000 })
        .not.toBe(before);
      const stats = (await sweepStats(page))!;
      before = stats.totalMs;
      expect(stats.status).toBe('done');
      // Nothing was cached: the second run computes every image again.
      expect(stats.fromCache).toBe(0);
      expect(stats.computed).toBe(stats.images.train + stats.images.test);
    }
    expect(await cacheNotices(), await notices(page).catch(() => 'no messages')).toBe(1);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    await cdp.detach();
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a corrupted IndexedDB record is skipped with a notice; the rest stays readable', async () => {
    const { page, errors, close } = await openDatasets(browser);
    await uploadZip(page, 'sound.zip', zip(classFolders(['x', 'y'], 4)));
    // Two records written behind the app's back: one corrupted, one from an older version
    // (no status, note or duplicate fields).
    await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('diffprobe-datasets');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const tx = db.transaction('meta', 'readwrite');
      const store = tx.objectStore('meta');
      store.put({ id: 'ds-broken', name: 'broken', size: 32, channels: 1, classes: 'x,y' });
      store.put({
        id: 'ds-old',
        name: 'older version',
        origin: 'folder',
        createdAt: 1,
        size: 32,
        channels: 1,
        fit: 'crop',
        classes: [{ name: 'a', folder: 'a', included: true, count: 0 }],
        ownSplit: false,
        split: { seed: 0, testFraction: 0.2 },
        count: 0,
        total: 0,
        bytes: 0,
        skipped: [],
        emptyClasses: [],
      });
      await new Promise((resolve) => (tx.oncomplete = resolve));
      db.close();
    });
    await page.reload();
    await page.getByRole('tab', { name: 'Datasets' }).click();
    await expect
      .poll(() => notices(page), { timeout: 30_000 })
      .toContain(
        'A stored dataset record could not be read and is skipped: ds-broken (its classes are not a list). The other datasets are unaffected.',
      );
    const rows = await page.getByTestId('dataset-row').allTextContents();
    expect(rows.some((r) => r.includes('sound') && r.includes('8 images'))).toBe(true);
    expect(rows.some((r) => r.includes('older version'))).toBe(true);
    expect(rows.some((r) => r.includes('broken'))).toBe(false);
    await page.getByRole('radio', { name: /sound/ }).check();
    const snap = await current(page);
    expect([snap.name, snap.train + snap.test]).toEqual(['sound', 8]);
    expect(errors).toEqual([]);
    await close();
  });
});
