/**
 * Bench section "tour": in the built app on WASM, the time from a real click on the classroom
 * tour's Next (or Back) until the next step is shown — its text, its panel, and the part of the
 * panel it is about (for the sweep and CKA steps: the precomputed heatmap and matrix) — and two
 * frames have painted. Issue 21's goal: every step under a second after Next.
 */
import type { Page } from 'playwright-core';
import { TOUR_STEPS } from '../src/core/tour/steps';
import type { BenchSection, SectionRow } from './sections';

const GOAL_MS = 1000;

/**
 * Clicks the tour's `name` button and returns ms from the pointer-down until step k is shown
 * and two frames have painted, timed in the page (a watcher started before the click, so the
 * round trips to the browser do not count).
 */
async function timeStep(page: Page, name: 'Next' | 'Back', k: number): Promise<number> {
  const { id, panel, anchor } = TOUR_STEPS[k]!;
  // No named functions inside: tsx would wrap them in a helper the page does not have.
  await page.evaluate(
    ({ id, panel, anchor }) => {
      const g = globalThis as unknown as { __t0: number; __t1: number };
      g.__t0 = 0;
      g.__t1 = 0;
      document.addEventListener('pointerdown', () => (g.__t0 ||= performance.now()), {
        capture: true,
        once: true,
      });
      void (async () => {
        for (;;) {
          const tour = document.querySelector('section[aria-label="Tour"]');
          const tab = document.querySelector(`#tab-${panel}`);
          if (
            g.__t0 &&
            tour?.getAttribute('data-step') === id &&
            tab?.getAttribute('aria-selected') === 'true' &&
            document.querySelector(anchor)
          )
            break;
          await new Promise((r) => requestAnimationFrame(r));
        }
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        g.__t1 = performance.now();
      })();
    },
    { id, panel, anchor },
  );
  await page.getByRole('region', { name: 'Tour' }).getByRole('button', { name }).click();
  await page.waitForFunction(() => (globalThis as unknown as { __t1: number }).__t1 > 0);
  return page.evaluate(() => {
    const t = globalThis as unknown as { __t0: number; __t1: number };
    return t.__t1 - t.__t0;
  });
}

export const tourSection: BenchSection = {
  name: 'tour',
  async run({ browser, base, quick }) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    const next: number[][] = TOUR_STEPS.map(() => []);
    const back: number[][] = TOUR_STEPS.map(() => []);
    let backend = 'unknown';
    try {
      await page.goto(new URL('?tour=1', base).href);
      await page.locator('svg.unet g.block').first().waitFor({ timeout: 120_000 });
      backend = (await page.getByTestId('backend').textContent()) ?? backend;
      for (let round = 0; round < (quick ? 1 : 3); round++) {
        for (let k = 1; k < TOUR_STEPS.length; k++) next[k]!.push(await timeStep(page, 'Next', k));
        for (let k = TOUR_STEPS.length - 2; k >= 0; k--)
          back[k]!.push(await timeStep(page, 'Back', k));
      }
    } finally {
      await context.close();
    }
    const runtime = `Chromium 1280×720, U-Net ${backend}`;
    const rows: SectionRow[] = [];
    let slowest = 0;
    TOUR_STEPS.forEach((s, k) => {
      for (const [how, list] of [
        ['Next', next[k]!],
        ['Back', back[k]!],
      ] as const) {
        if (!list.length) continue;
        const max = Math.max(...list);
        slowest = Math.max(slowest, max);
        rows.push({
          case: `tour step ${k + 1} (${s.id}) after ${how}`,
          runtime,
          value: Math.round(max),
          unit: 'ms (slowest)',
          note: `${list.length} runs: ${list.map((v) => Math.round(v)).join(', ')} ms`,
        });
      }
    });
    return { rows, goals: { 'slowest tour step / 1 s': slowest / GOAL_MS } };
  },
};
