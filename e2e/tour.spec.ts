import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOUR_STEPS } from '../src/core/tour/steps';
import { launch, openApp } from './support/browser';

/**
 * The classroom tour on WASM: every step by keyboard and by clicks, each step's panel state,
 * a screenshot per step, axe-core (WCAG 2.x A/AA) on every step, ?tour=k links, offline after
 * the first visit, and large text at 1280×720. How long each step takes to appear after "Next"
 * is written to test-results/tour-timings.json (speed is reported, not asserted).
 */
const AXE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
const N = TOUR_STEPS.length;

/** In the page: is step `id` fully shown (tour text and its panel's state)? */
function stepShown(id: string, k: number, n: number): boolean {
  const q = (s: string) => document.querySelector(s);
  const tour = q('section[aria-label="Tour"]');
  if (!tour || tour.getAttribute('data-step') !== id) return false;
  if (q('[data-testid="tour-counter"]')?.textContent !== `Step ${k + 1} of ${n}`) return false;
  const tab = (name: string) => q(`#tab-${name}`)?.getAttribute('aria-selected') === 'true';
  const value = (s: string) => (q(s) as HTMLInputElement | null)?.value;
  const block = () => (q('svg.unet g.block.selected') as SVGGElement | null)?.dataset['block'];
  const src = () => q('[data-testid="tour-source"]')?.textContent;
  switch (id) {
    case 'noise':
      return (
        tab('explorer') &&
        value('[aria-label="Timestep value"]') === '300' &&
        !!q('[data-testid="snr"]') &&
        block() === '12'
      );
    case 'block':
      return tab('explorer') && value('[aria-label="Timestep value"]') === '90' && block() === '12';
    case 'heads':
      return (
        tab('heads') &&
        value('[data-testid="head-block"]') === '12' &&
        !!q('[data-testid="tour-head-2"]') &&
        !!q('[data-testid="tour-head-12"]') &&
        src() === 'precomputed'
      );
    case 'sweep':
      return (
        tab('heads') &&
        !!q('[data-testid="sweep-heatmap"]') &&
        !!q('[data-testid="sweep-by-block"]') &&
        !!q('[data-testid="sweep-by-t"]') &&
        src() === 'precomputed'
      );
    case 'cka':
      return (
        tab('cka') &&
        !!q('[data-testid="cka-matrix"]') &&
        !!q('[data-testid="cka-note"]')?.textContent?.includes('precomputed') &&
        src() === 'precomputed'
      );
    case 'yours':
      return tab('datasets');
  }
  return false;
}

/** In the page: presses an arrow key on the focused element, or clicks a tour button. */
function act(how: 'key' | 'click', dir: 'next' | 'back'): void {
  if (how === 'key') {
    const key = dir === 'next' ? 'ArrowRight' : 'ArrowLeft';
    const target = document.activeElement ?? document.body;
    target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
  } else {
    const name = dir === 'next' ? 'Next' : 'Back';
    const tour = document.querySelector('section[aria-label="Tour"]')!;
    [...tour.querySelectorAll('button')].find((b) => b.textContent === name)!.click();
  }
}

/**
 * Presses (a key) or clicks (a button) and returns the ms until step k is fully shown, timed in
 * the page. (Sent as source text: the app's CSP forbids eval inside the page.)
 */
async function advance(page: Page, k: number, how: 'key' | 'click', dir: 'next' | 'back') {
  const args = `${JSON.stringify(TOUR_STEPS[k]!.id)}, ${k}, ${N}`;
  return page.evaluate<number>(`(async () => {
    const shown = ${stepShown.toString()};
    const t0 = performance.now();
    (${act.toString()})(${JSON.stringify(how)}, ${JSON.stringify(dir)});
    while (!shown(${args})) {
      if (performance.now() - t0 > 30000) throw new Error('step ${k + 1} did not appear');
      await new Promise((r) => requestAnimationFrame(r));
    }
    return performance.now() - t0;
  })()`);
}

async function waitStep(page: Page, k: number): Promise<void> {
  const code = `(${stepShown.toString()})(${JSON.stringify(TOUR_STEPS[k]!.id)}, ${k}, ${N})`;
  await expect.poll(() => page.evaluate<boolean>(code), { timeout: 60_000 }).toBe(true);
}

/** What the class sees: the viewport (a full-page capture would misplace the sticky tour). */
async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: `test-results/screenshots/${name}.png` });
}

async function waitModel(page: Page): Promise<void> {
  await expect.poll(() => page.locator('svg.unet g.block').count(), { timeout: 120_000 }).toBe(19);
}

interface AxeResult {
  violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[];
}

async function axe(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const r = await page.evaluate(async () => {
    const w = globalThis as unknown as { axe: { run: (o: unknown) => Promise<AxeResult> } };
    return w.axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
  });
  return r.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

function tourQuery(page: Page): string | null {
  return new URL(page.url()).searchParams.get('tour');
}

describe('the classroom tour (WASM)', () => {
  let browser: Browser;
  const timings: Record<string, number[]> = {};
  const record = (what: string, ms: number) => (timings[what] ??= []).push(Math.round(ms));
  beforeAll(async () => {
    browser = await launch({ webgpu: false });
  });
  afterAll(async () => {
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/tour-timings.json', JSON.stringify(timings, null, 1) + '\n');
    console.log('tour timings (ms after Next / Back):', JSON.stringify(timings));
    await browser?.close();
  });

  it('walks every step with the keyboard and with clicks; each step drives its panel and passes axe', async () => {
    const { page, context, errors, foreign } = await openApp(browser);
    await waitModel(page);
    await page.getByRole('button', { name: 'Start the tour' }).click();
    const tour = page.getByRole('region', { name: 'Tour' });
    await tour.waitFor();
    await waitStep(page, 0);
    expect(await tour.getByRole('button', { name: 'Back' }).isDisabled()).toBe(true);
    expect(await tour.getByRole('button', { name: 'Next' }).count()).toBe(1);
    const violations: string[] = [];
    // Clicks forward: screenshot and axe on every step.
    for (let k = 0; k < N; k++) {
      if (k > 0) record(`click:${TOUR_STEPS[k]!.id}`, await advance(page, k, 'click', 'next'));
      await expect.poll(() => tourQuery(page)).toBe(String(k + 1));
      // The explorer's maps (the one step result computed live) are ready too.
      if (TOUR_STEPS[k]!.panel === 'explorer') {
        const t0 = Date.now();
        await page.waitForFunction(
          () => {
            const h = document.querySelector('[data-testid="maps-title"]');
            return !!h && !document.querySelector('.feature-maps[aria-busy="true"]');
          },
          undefined,
          { timeout: 60_000 },
        );
        record(`maps-ready-after-step:${TOUR_STEPS[k]!.id}`, Date.now() - t0);
      }
      await screenshot(page, `tour-${k + 1}-${TOUR_STEPS[k]!.id}`);
      violations.push(...(await axe(page)).map((v) => `step ${k + 1}: ${v}`));
    }
    expect(violations).toEqual([]);
    // The keyboard back to the start and forward again.
    await page.getByTestId('tour-title').focus();
    for (let k = N - 2; k >= 0; k--)
      record(`key-back:${TOUR_STEPS[k]!.id}`, await advance(page, k, 'key', 'back'));
    for (let k = 1; k < N; k++)
      record(`key:${TOUR_STEPS[k]!.id}`, await advance(page, k, 'key', 'next'));
    // Arrows in a text field stay with the field.
    await page.keyboard.press('ArrowRight');
    await waitStep(page, N - 1);
    await page.keyboard.press('Escape');
    await expect.poll(() => tour.count()).toBe(0);
    await expect.poll(() => tourQuery(page)).toBe(null);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('start-tour');
    expect(errors).toEqual([]);
    expect(foreign).toEqual([]);
    await context.close();
  });

  it('opens a linked step (?tour=3) and keeps the explorer’s parameters and the step in the URL', async () => {
    const { page, context } = await openApp(browser, '?tour=3');
    await waitStep(page, 2);
    expect(await page.getByTestId('tour-counter').textContent()).toBe(`Step 3 of ${N}`);
    expect(await page.getByTestId('tour-head-12').textContent()).toMatch(/Block 12\s*\d+\.\d%/);
    await context.close();
    // The explorer writes its selection into the URL; the tour's step stays there.
    const second = await openApp(browser, '?tour=2');
    await waitStep(second.page, 1);
    await waitModel(second.page);
    await second.page.locator('svg.unet g.block[data-block="5"]').click();
    await expect.poll(() => new URL(second.page.url()).searchParams.get('block')).toBe('5');
    expect(tourQuery(second.page)).toBe('2');
    await second.context.close();
  });

  it('recomputes the CKA matrix live on request, and the live matrix matches the precomputed one', async () => {
    const { page, context, errors } = await openApp(browser, '?tour=5');
    await waitStep(page, 4);
    /** Block 1 × block 19, read with the matrix's own arrow keys (the tour must not move). */
    const corner = async () => {
      const readout = async () => {
        await page.getByTestId('cka-matrix').focus();
        for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
        for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowUp');
        return (await page.getByTestId('cka-readout').textContent()) ?? '';
      };
      // The blocks are named with their stages once the model is in.
      await expect
        .poll(readout, { timeout: 120_000 })
        .toMatch(/^block 1 \(encoder\) × block 19 \(decoder\): CKA /);
      return Number(/CKA ([0-9.]+)/.exec(await readout())![1]);
    };
    const pre = await corner();
    expect(await page.getByTestId('tour-counter').textContent()).toBe(`Step 5 of ${N}`);
    await page.getByRole('button', { name: 'Recompute live' }).click();
    await expect
      .poll(() => page.getByTestId('tour-source').textContent(), { timeout: 240_000 })
      .toBe('live');
    expect(await page.getByTestId('cka-note').textContent()).not.toContain('precomputed');
    const live = await corner();
    expect(Math.abs(live - pre)).toBeLessThan(0.01);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('works offline after the first visit: the precomputed results come from the cache', async () => {
    const { page, context } = await openApp(browser);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      if (!navigator.serviceWorker.controller)
        await new Promise((r) => navigator.serviceWorker.addEventListener('controllerchange', r));
    });
    await context.setOffline(true);
    await page.goto(new URL('?tour=4', page.url()).href);
    await waitStep(page, 3);
    await page.getByRole('button', { name: 'Next' }).click();
    await waitStep(page, 4);
    await context.close();
  });

  it('holds at 1280×720 in large text: no horizontal overflow, larger tour and panel text', async () => {
    const context: BrowserContext = await browser.newContext({
      viewport: { width: 1280, height: 720 },
    });
    const page = await context.newPage();
    const { baseURL } = await import('./support/browser');
    await page.goto(new URL('?tour=1', baseURL()).href);
    await waitStep(page, 0);
    const sizes = () =>
      page.evaluate(() => ({
        tour: parseFloat(getComputedStyle(document.querySelector('.tour p')!).fontSize),
        panel: parseFloat(getComputedStyle(document.querySelector('main.panel')!).fontSize),
      }));
    const before = await sizes();
    await page.getByRole('checkbox', { name: 'Large text' }).check();
    const after = await sizes();
    expect(after.tour).toBeGreaterThan(before.tour * 1.3);
    expect(after.panel).toBeGreaterThan(before.panel * 1.3);
    for (let k = 0; k < N; k++) {
      if (k > 0) await advance(page, k, 'click', 'next');
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, TOUR_STEPS[k]!.id).toBeLessThanOrEqual(0);
      await screenshot(page, `tour-large-${k + 1}-${TOUR_STEPS[k]!.id}`);
    }
    await context.close();
  });
});
