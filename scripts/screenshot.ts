/**
 * `npm run screenshot`: writes docs/screenshot.png, the README's picture of the first screen.
 *
 * Builds the app when dist/ is missing or older than its sources, serves it with `vite preview`
 * (the production headers), opens it in Debian's headless Chromium at 1280×960, waits until the
 * explorer shows the default model's feature maps (a block selected, every heatmap drawn),
 * scrolls to the U-Net diagram and saves what the window shows. `--port N` (default 4339) if that port is taken.
 * `--correspondence` instead writes docs/correspondence.png: the Correspondence section after a
 * click on the source, matched on the default shifted copy (see matchShot below).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { clickSource } from '../e2e/support/correspondencePage';
import { withServedApp } from './servedApp';

const CORRESPONDENCE = process.argv.includes('--correspondence');
const OUT = CORRESPONDENCE ? 'docs/correspondence.png' : 'docs/screenshot.png';
const VIEWPORT = { width: 1280, height: 960 };
const portAt = process.argv.indexOf('--port');
const PORT = portAt >= 0 ? Number(process.argv[portAt + 1]) : 4339;
/** What the built app is made from: a newer file here means dist/ is stale. */
const SOURCES = ['index.html', 'vite.config.ts', 'src', 'workers', 'public', 'build'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

function buildIfNeeded(): void {
  const built = existsSync('dist/index.html') ? statSync('dist/index.html').mtimeMs : 0;
  const sources = Math.max(...SOURCES.map(newestMtime));
  if (built > sources) return;
  console.log(built ? 'dist/ is older than the sources: building…' : 'Building the app…');
  const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('vite build failed');
}

async function main(): Promise<void> {
  const start = performance.now();
  buildIfNeeded();
  await withServedApp(PORT, async (browser, base) => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(base);
    if (CORRESPONDENCE) {
      await matchShot(page);
      await context.close();
      return;
    }
    // The explorer is ready when a block is selected on the U-Net diagram, its maps' title
    // carries the key they were drawn for, no request is pending and every channel's heatmap
    // canvas is painted (its pixels are opaque; a blank canvas is transparent).
    await page.waitForFunction(
      () => {
        const selected = document.querySelector('svg.unet [aria-pressed="true"]');
        const title = document.querySelector('[data-testid="maps-title"]');
        const busy = document.querySelector('.feature-maps[aria-busy="true"]');
        const cells = [
          ...document.querySelectorAll<HTMLCanvasElement>('[data-testid="channel-grid"] canvas'),
        ];
        return (
          !!selected &&
          !!title?.getAttribute('data-key') &&
          !busy &&
          cells.length > 0 &&
          cells.every((c) => c.getContext('2d')!.getImageData(0, 0, 1, 1).data[3] === 255)
        );
      },
      undefined,
      { timeout: 120_000 },
    );
    // The model panel fills the top of the first screen: scroll to the U-Net diagram so the
    // picture holds the blocks, the timestep, x₀ and x_t and the selected block's maps. Then
    // two frames, so the canvases are painted before the picture is taken.
    await page.evaluate(async () => {
      document.querySelector('section.diagram')!.scrollIntoView({ block: 'start' });
      window.scrollBy(0, -12);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    });
    if (errors.length) throw new Error(`the page reported errors: ${errors.join('; ')}`);
    const key = await page.getByTestId('maps-title').getAttribute('data-key');
    await page.screenshot({ path: OUT });
    await context.close();
    const seconds = ((performance.now() - start) / 1000).toFixed(1);
    console.log(`${OUT}: ${VIEWPORT.width}×${VIEWPORT.height}, maps ${key} (${seconds} s)`);
  });
}

/**
 * The Correspondence section after a click on source pixel (16, 12) of the default image, matched
 * on the copy shifted by (3, 2) at the default block 12, t = 90; the section alone is saved.
 */
async function matchShot(page: Page): Promise<void> {
  await clickSource(page, 16, 12);
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid="best-match"]')?.getAttribute('data-point') === '16,12',
    undefined,
    { timeout: 120_000 },
  );
  await page.evaluate(
    () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
  );
  const best = await page.getByTestId('best-match').innerText();
  await page.locator('.corr-views').screenshot({ path: OUT });
  console.log(`${OUT}: source (16, 12) → best match ${best}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
