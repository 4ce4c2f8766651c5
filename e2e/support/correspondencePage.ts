import type { Page } from 'playwright-core';

/**
 * Clicks cell (x, y) of the correspondence section's source canvas (a `size` × `size` image),
 * once the explorer's own maps have settled so the page's layout no longer moves.
 */
export async function clickSource(page: Page, x: number, y: number, size = 32): Promise<void> {
  const canvas = page.getByRole('img', { name: 'Source: click a point' });
  await canvas.waitFor({ timeout: 120_000 });
  await page.waitForFunction(
    () =>
      !!document.querySelector('[data-testid="maps-title"]')?.getAttribute('data-key') &&
      !document.querySelector('.feature-maps[aria-busy="true"]'),
    undefined,
    { timeout: 120_000 },
  );
  await canvas.evaluate((e) => e.scrollIntoView({ block: 'center' }));
  const box = (await canvas.boundingBox())!;
  await page.mouse.click(
    box.x + ((x + 0.5) / size) * box.width,
    box.y + ((y + 0.5) / size) * box.height,
  );
}
