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

/** Clicks the tour's `name` button and returns ms from the pointer-down until step k shows. */
async function timeStep(page: Page, name: 'Next' | 'Back', k: number): Promise<number> {
  const { id, panel, anchor } = TOUR_STEPS[k]!;
  await page.evaluate(() => {
    const g = globalThis as unknown as { __t0: number };
    g.__t0 = 0;
    document.addEventListener('pointerdown', () => (g.__t0 ||= performance.now()), {
      capture: true,
      once: true,
    });
  });
  await page.getByRole('region', { name: 'Tour' }).getByRole('button', { name }).click();
  return page.evaluate(
    async ({ id, panel, anchor }) => {
      const shown = () =>
        document.querySelector('section[aria-label="Tour"]')?.getAttribute('data-step') === id &&
        document.querySelector(`#tab-${panel}`)?.getAttribute('aria-selected') === 'true' &&
        !!document.querySelector(anchor);
      await new Promise<void>((resolve) => {
        const check = () => (shown() ? resolve() : requestAnimationFrame(check));
        check();
      });
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - (globalThis as unknown as { __t0: number }).__t0;
    },
    { id, panel, anchor },
  );
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
