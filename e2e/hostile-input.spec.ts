/**
 * Bad input at the app's doors, as a new user meets it: a file that cannot be read in a dropped
 * dataset folder, a head file whose id is stored, an import that keeps nothing, and a
 * stored dataset that is not the demo set when the explorer starts. Each gives one message that
 * names the file and says what is wrong; nothing stored is lost.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeHead } from '../src/core/heads/format';
import { sampleHead } from '../test/sampleHead';
import { classFolders, corruptPng, greyPng, writeFolder, zip } from './support/datasetFixtures';
import { launch, openApp } from './support/browser';
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

async function messages(page: Page): Promise<string[]> {
  // Each message is an alert or a status (not a plain list item).
  return page.getByRole('list', { name: 'Messages' }).locator('li').allTextContents();
}

describe('hostile input at the doors', () => {
  it('a dropped dataset folder with a file that cannot be read: the file is named, the rest imported', async () => {
    const dir = writeFolder('changing', {
      ...classFolders(['a', 'b'], 300),
      'b/zz-last.png': greyPng(90_000),
    });
    const { page, errors, close } = await openDatasets(browser);
    await importing(page, 'changing', async () => {
      await dropPaths(page, [dir]);
      // The folder is listed; its last file changes on disk before it is read, so the
      // browser refuses to read it (as for a file moved, deleted or locked meanwhile).
      await page.getByTestId('import-progress').waitFor();
      appendFileSync(join(dir, 'b', 'zz-last.png'), new Uint8Array(16));
    });
    const row = (await page.getByTestId('dataset-row').textContent()) ?? '';
    expect(row).toMatch(/changing.*600 images · 2 classes/);
    expect(await skippedList(page)).toMatch(/b\/zz-last\.png: \S/);
    expect(errors).toEqual([]);
    await close();
  });

  it('an import that keeps nothing leaves no dataset and one message that does not repeat itself', async () => {
    const { page, errors, close } = await openDatasets(browser);
    await uploadZip(page, 'kept.zip', zip(classFolders(['x', 'y'], 2)));
    await uploadZip(
      page,
      'bad_images.zip',
      zip({ 'cat/1.png': corruptPng(), 'dog/2.png': new TextEncoder().encode('not a png') }),
    );
    const rows = await page.getByTestId('dataset-row').allTextContents();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('kept');
    const said = (await messages(page)).filter((m) => m.includes('bad_images'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(
      /^Nothing was imported from “bad_images”: 2 files skipped \(cat\/1\.png: [^;]+; dog\/2\.png: [^)]+\)\. No dataset was kept\./,
    );
    expect(said[0]!.match(/bad_images/g)).toHaveLength(1);
    expect(errors).toEqual([]);
    await close();
  });

  it('a stored dataset selected when the explorer starts shows its own image, not an unrelated error', async () => {
    const { page, errors, close } = await openDatasets(browser);
    await uploadZip(
      page,
      'mixed.zip',
      zip({ ...classFolders(['train/Sneaker', 'train/Bag'], 3), ...classFolders(['test/Bag'], 2) }),
    );
    expect((await current(page)).name).toBe('mixed');
    await page.reload();
    await expect
      .poll(() => page.getByTestId('image-label').textContent(), { timeout: 120_000 })
      .toMatch(/^mixed: /);
    const all = (await messages(page)).join('\n');
    expect(all).not.toMatch(/is not in the/);
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(errors).toEqual([]);
    await close();
  });

  it('a head file whose id is stored asks: keep both or replace', async () => {
    const { page, context, errors } = await openApp(browser);
    await page.getByRole('tab', { name: 'Heads' }).click();
    const head = { ...sampleHead('linear'), name: 'probe A' };
    const file = (name: string, text: string) => ({
      name,
      mimeType: 'application/json',
      buffer: Buffer.from(text),
    });
    const input = page.getByTestId('head-import');
    await input.setInputFiles(file('a.head.json', serializeHead(head)));
    const table = page.getByTestId('saved-heads');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(1);

    await input.setInputFiles(file('b.head.json', serializeHead({ ...head, name: 'probe B' })));
    const dialog = page.getByRole('dialog', { name: 'A head with this id is stored' });
    expect(await dialog.textContent()).toContain(
      '“probe B” has the id of the stored head “probe A”',
    );
    await dialog.getByRole('button', { name: 'Keep both' }).click();
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    expect(await table.textContent()).toContain('probe B (2)');
    expect(await table.textContent()).toContain('probe A');

    await input.setInputFiles(file('c.head.json', serializeHead({ ...head, name: 'probe C' })));
    await dialog.getByRole('button', { name: 'Replace' }).click();
    await expect.poll(() => table.textContent()).toContain('probe C');
    expect(await table.textContent()).not.toContain('probe A');
    expect(await table.locator('tbody tr').count()).toBe(2);

    // A file that is not a head is refused with its name; the stored heads stay.
    await input.setInputFiles(file('notes.head.json', '{"format":"something else"}'));
    await expect.poll(() => notices(page)).toMatch(/notes\.head\.json: /);
    expect(await table.locator('tbody tr').count()).toBe(2);
    expect(errors).toEqual([]);
    await context.close();
  });
});
