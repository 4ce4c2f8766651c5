/**
 * The Datasets panel as the browser tests drive it: open it, import and wait for the import's
 * closing message, drop real files and folders from disk (Chromium's CDP drag events, which
 * give the page real FileSystemEntry objects), and read what heads and CKA would get.
 */
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { openApp } from './browser';

export interface OpenPage {
  page: Page;
  errors: string[];
  close: () => Promise<void>;
}

/** A fresh page on the app with the Datasets panel open. */
export async function openDatasets(browser: Browser): Promise<OpenPage> {
  const { context, page, errors, foreign } = await openApp(browser);
  await page.getByRole('tab', { name: 'Datasets' }).click();
  await page.getByRole('button', { name: 'Choose a folder…' }).waitFor();
  return {
    page,
    errors,
    close: async () => {
      expect(foreign).toEqual([]);
      await context.close();
    },
  };
}

/** Waits for the import to end (the progress line goes away). */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () => !document.querySelector('[data-testid="import-progress"]'),
    null,
    { timeout: 120_000 },
  );
}

/** Runs `start` and waits for the import it starts to end (its closing message names it). */
export async function importing(
  page: Page,
  name: string,
  start: () => Promise<void>,
): Promise<void> {
  const messages = page.getByRole('list', { name: 'Messages' }).getByText(`“${name}”`);
  const before = await messages.count();
  await start();
  await expect.poll(() => messages.count(), { timeout: 120_000 }).toBeGreaterThan(before);
  await settled(page);
}

export async function uploadZip(page: Page, name: string, bytes: Uint8Array): Promise<void> {
  await importing(page, name.replace(/\.zip$/, ''), () =>
    page.getByLabel('Open a zip file').setInputFiles({
      name,
      mimeType: 'application/zip',
      buffer: Buffer.from(bytes),
    }),
  );
}

/**
 * Drops files or folders from disk (absolute paths) on the drop zone, as a user dragging them
 * from a file manager does: dragEnter, dragOver and drop at the zone's centre through CDP.
 */
export async function dropPaths(page: Page, paths: string[]): Promise<void> {
  const zone = page.getByTestId('dataset-drop');
  await zone.scrollIntoViewIfNeeded();
  const box = (await zone.boundingBox())!;
  const x = box.x + box.width / 2;
  const y = box.y + Math.min(box.height / 2, 20);
  const cdp = await page.context().newCDPSession(page);
  const data = { items: [], files: paths, dragOperationsMask: 1 };
  try {
    for (const type of ['dragEnter', 'dragOver', 'drop'] as const) {
      await cdp.send('Input.dispatchDragEvent', { type, x, y, data });
    }
  } finally {
    await cdp.detach();
  }
}

export async function notices(page: Page): Promise<string> {
  return (await page.getByRole('list', { name: 'Messages' }).textContent()) ?? '';
}

export interface Snapshot {
  name: string;
  classes: string[];
  train: number;
  test: number;
  ids: string[];
  testIds: string[];
  first: number[];
}

/** `window.diffprobeDatasets` (src/engine/datasetAccess.ts), as the specs read it in the page. */
export interface DatasetsHook {
  currentDataset(
    size: number,
    channels: 1 | 3,
  ): Promise<{
    name: string;
    classes: string[];
    train: { items: { id: string; x0: Float32Array }[] };
    test: { items: { id: string; x0: Float32Array }[] };
  }>;
}

/** What heads and CKA would get: `currentDataset(32, 1)` in the page. */
export async function current(page: Page): Promise<Snapshot> {
  return page.evaluate(async () => {
    const api = (globalThis as unknown as { diffprobeDatasets: DatasetsHook }).diffprobeDatasets;
    const d = await api.currentDataset(32, 1);
    return {
      name: d.name,
      classes: d.classes,
      train: d.train.items.length,
      test: d.test.items.length,
      ids: [...d.train.items, ...d.test.items].map((i) => i.id).sort(),
      testIds: d.test.items.map((i) => i.id).sort(),
      first: Array.from(d.train.items[0]?.x0.slice(0, 70) ?? []),
    };
  });
}

/** Every image of the current dataset (train, then test) as heads would get it at 32×32 grey. */
export async function currentPixels(page: Page): Promise<{ id: string; x0: number[] }[]> {
  return page.evaluate(async () => {
    const api = (globalThis as unknown as { diffprobeDatasets: DatasetsHook }).diffprobeDatasets;
    const d = await api.currentDataset(32, 1);
    return [...d.train.items, ...d.test.items].map((i) => ({ id: i.id, x0: Array.from(i.x0) }));
  });
}

/** The text of the skipped-files list (opens its details first). */
export async function skippedList(page: Page): Promise<string> {
  await page.locator('summary', { hasText: /files? skipped/ }).click();
  return (await page.getByTestId('skipped-list').textContent()) ?? '';
}
