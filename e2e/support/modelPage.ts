import type { Page } from 'playwright-core';

/** The model panel's title (the loaded model's name), once the panel shows it. */
export async function factsTitle(page: Page): Promise<string> {
  const facts = page.getByTestId('model-facts');
  await facts.waitFor({ timeout: 120_000 });
  return facts.locator('h3').innerText();
}

/** The explorer maps' request key, once they are computed. */
export async function mapsKey(page: Page): Promise<string> {
  await page.getByTestId('maps-title').waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => !document.querySelector('.feature-maps[aria-busy="true"]'));
  return (await page.getByTestId('maps-title').getAttribute('data-key')) ?? '';
}
