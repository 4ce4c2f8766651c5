/**
 * What the Heads panel sees of the datasets: a one-class dataset disables training and the
 * sweep with the reason beside the buttons, and the stored datasets and the selection are known
 * at start (after a reload, without opening the Datasets panel).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classFolders, writeFolder } from './support/datasetFixtures';
import { launch } from './support/browser';
import { current, dropPaths, importing, openDatasets } from './support/datasetPage';

let browser: Browser;

beforeAll(async () => {
  browser = await launch({ webgpu: false });
});

afterAll(async () => {
  await browser?.close();
});

const BUTTONS = [
  ['Train head', 'heads-train-blocked'],
  ['Run sweep', 'heads-sweep-blocked'],
] as const;

/** Both buttons disabled, each described by the paragraph that gives the reason. */
async function expectBlocked(page: Page, reason: RegExp): Promise<void> {
  for (const [name, id] of BUTTONS) {
    const button = page.getByRole('button', { name });
    await expect.poll(() => button.getAttribute('aria-describedby')).toBe(id);
    expect(await button.isDisabled()).toBe(true);
    expect(await page.locator(`#${id}`).textContent()).toMatch(reason);
  }
}

describe('datasets: heads follow the selected dataset', () => {
  it('disables Train and Sweep for a one-class dataset, with the reason, also right after a reload', async () => {
    const dir = writeFolder('one', classFolders(['only'], 4));
    const { page, errors, close } = await openDatasets(browser);
    await importing(page, 'one', () => dropPaths(page, [dir]));
    await page.getByRole('tab', { name: 'Heads' }).click();
    const reason =
      /^Training on “one” is disabled: only one class \(“only”\) — a head needs at least two/;
    await expectBlocked(page, reason);

    // A reload opens the explorer; the Datasets panel is never opened before Heads.
    await page.reload();
    expect(await page.getByRole('button', { name: 'Choose a folder…' }).count()).toBe(0);
    await page.getByRole('tab', { name: 'Heads' }).click();
    await expectBlocked(page, reason);
    expect((await current(page)).name).toBe('one');

    // Back to the demo set (ten classes): the reason goes and Train is offered once the model
    // has loaded.
    await page.getByRole('tab', { name: 'Datasets' }).click();
    await page.getByRole('radio', { name: /Built-in Fashion-MNIST demo/ }).check();
    await page.getByRole('tab', { name: 'Heads' }).click();
    for (const [name, id] of BUTTONS) {
      expect(await page.locator(`#${id}`).count()).toBe(0);
      expect(await page.getByRole('button', { name }).getAttribute('aria-describedby')).toBeNull();
    }
    await expect
      .poll(() => page.getByRole('button', { name: 'Train head' }).isEnabled(), {
        timeout: 60_000,
      })
      .toBe(true);
    expect(errors).toEqual([]);
    await close();
  });
});
