/**
 * Bench section "explorer": in the real app UI on WASM, the time from a user's change (another
 * block picked in the diagram, another timestep typed) until the new maps are drawn, and what
 * the main thread does while the timestep slider is dragged (long tasks, requests dropped).
 */
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';
import { CHROMIUM_FLAGS, chromiumPath } from '../scripts/chromium-path.mjs';
import type { BenchSection, SectionRow } from './sections';

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      !!document.querySelector('[data-testid="maps-title"]') &&
      !document.querySelector('.feature-maps[aria-busy="true"]'),
    undefined,
    { timeout: 120_000 },
  );
}

/**
 * In the page: performs `change`, then waits until the maps' key contains `want` and the panel
 * is no longer busy, and two animation frames (the maps painted). Returns milliseconds.
 */
async function timeChange(page: Page, kind: 'block' | 't', value: number): Promise<number> {
  return page.evaluate(
    async ({ kind, value }) => {
      const title = () => document.querySelector('[data-testid="maps-title"]')!;
      const done = () => {
        const key = JSON.parse(title().getAttribute('data-key') ?? '[]') as unknown[];
        const ok = kind === 'block' ? key[1] === value : key[2] === value;
        return ok && !document.querySelector('.feature-maps[aria-busy="true"]');
      };
      const t0 = performance.now();
      if (kind === 'block') {
        document
          .querySelector(`svg.unet [data-block="${value}"]`)!
          .dispatchEvent(new MouseEvent('click', { bubbles: true }));
      } else {
        const input = document.querySelector<HTMLInputElement>(
          'input[aria-label="Timestep value"]',
        )!;
        const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
        set.call(input, String(value));
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }
      await new Promise<void>((resolve) => {
        const check = () => (done() ? resolve() : requestAnimationFrame(check));
        check();
      });
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - t0;
    },
    { kind, value },
  );
}

/** Drags the slider through `steps` timesteps, one per frame; long tasks and results drawn. */
async function drag(page: Page, steps: number) {
  return page.evaluate(async (steps) => {
    const longTasks: number[] = [];
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push(e.duration);
    });
    obs.observe({ type: 'longtask', buffered: false });
    const slider = document.querySelector<HTMLInputElement>('input[aria-label="Timestep t"]')!;
    const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    const title = document.querySelector('[data-testid="maps-title"]')!;
    const drawn = new Set<string>();
    const mo = new MutationObserver(() => drawn.add(title.getAttribute('data-key') ?? ''));
    mo.observe(title, { attributes: true, attributeFilter: ['data-key'] });
    const frames: number[] = [];
    let last = performance.now();
    const t0 = last;
    for (let i = 0; i < steps; i++) {
      set.call(slider, String(200 + i * 3));
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      frames.push(now - last);
      last = now;
    }
    const want = 200 + (steps - 1) * 3;
    await new Promise<void>((resolve) => {
      const check = () => {
        const key = JSON.parse(title.getAttribute('data-key') ?? '[]') as unknown[];
        if (key[2] === want && !document.querySelector('.feature-maps[aria-busy="true"]'))
          resolve();
        else setTimeout(check, 10);
      };
      check();
    });
    const settleMs = performance.now() - t0;
    obs.disconnect();
    mo.disconnect();
    return { longTasks, frames, drawn: drawn.size, settleMs };
  }, steps);
}

export const explorerSection: BenchSection = {
  name: 'explorer',
  async run({ base, quick }) {
    // WASM, as the issue asks: a browser without WebGPU.
    const browser = await chromium.launch({
      executablePath: chromiumPath(),
      headless: true,
      args: [...CHROMIUM_FLAGS, '--disable-features=WebGPU,Vulkan', '--disable-gpu'],
    });
    const rows: SectionRow[] = [];
    const goals: Record<string, number> = {};
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      // A fresh seed: nothing comes from the feature cache.
      const seed = Date.now() % 1_000_000;
      await page.goto(new URL(`?block=12&t=90&seed=${seed}`, base).href);
      await settled(page);
      const backend = await page.getByTestId('backend').innerText();
      const runtime = `WASM (${backend})`;
      const blocks = quick
        ? [3, 7, 10, 14, 18]
        : [1, 3, 5, 7, 9, 10, 11, 13, 15, 17, 19, 2, 4, 6, 8, 12, 14, 16, 18];
      const blockMs: number[] = [];
      for (const b of blocks) blockMs.push(await timeChange(page, 'block', b));
      await timeChange(page, 'block', 12);
      const ts = quick
        ? [10, 150, 300, 500, 900]
        : [5, 10, 30, 50, 90, 150, 200, 300, 450, 500, 650, 800, 900, 999, 1];
      const tMs: number[] = [];
      for (const t of ts) tMs.push(await timeChange(page, 't', t));
      const d = await drag(page, quick ? 30 : 60);
      await context.close();

      const report = (name: string, ms: number[]) => {
        const s = [...ms].sort((a, b) => a - b);
        const p50 = quantile(s, 0.5);
        const p95 = quantile(s, 0.95);
        rows.push(
          {
            case: `${name}: median`,
            runtime,
            value: p50,
            unit: 'ms',
            note: `${ms.length} changes`,
          },
          { case: `${name}: p95`, runtime, value: p95, unit: 'ms' },
          { case: `${name}: max`, runtime, value: s[s.length - 1]!, unit: 'ms' },
        );
        goals[`explorer ${name} p95 / 500 ms (goal ≤ 1.0)`] = p95 / 500;
        console.log(
          `${name}: median ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${s[s.length - 1]!.toFixed(0)} ms`,
        );
      };
      report('block change → new maps', blockMs);
      report('timestep change → new maps', tMs);
      const frames = [...d.frames].sort((a, b) => a - b);
      const maxLong = d.longTasks.length ? Math.max(...d.longTasks) : 0;
      rows.push(
        {
          case: 'slider drag: frame interval p95',
          runtime,
          value: quantile(frames, 0.95),
          unit: 'ms',
          note: `${d.frames.length} timesteps, one per frame`,
        },
        {
          case: 'slider drag: long tasks (> 50 ms)',
          runtime,
          value: d.longTasks.length,
          unit: 'count',
          note: `longest ${maxLong.toFixed(0)} ms`,
        },
        {
          case: 'slider drag: maps drawn (stale ones dropped)',
          runtime,
          value: d.drawn,
          unit: 'count',
          note: `of ${d.frames.length} requests`,
        },
        { case: 'slider drag: last maps drawn after', runtime, value: d.settleMs, unit: 'ms' },
      );
      console.log(
        `drag: ${d.frames.length} steps, frame p95 ${quantile(frames, 0.95).toFixed(0)} ms, ${d.longTasks.length} long tasks (max ${maxLong.toFixed(0)} ms), ${d.drawn} maps drawn, settled in ${d.settleMs.toFixed(0)} ms`,
      );
      return { rows, goals };
    } finally {
      await browser.close();
    }
  },
};
