/**
 * Bench section "explorer": in the real app UI on WASM, the time from a user's change (another
 * block picked in the diagram, another timestep typed) until the new maps are drawn, and what
 * the main thread does while the timestep slider is dragged (long tasks, requests dropped).
 */
import type { Page } from 'playwright-core';
import { launchWasmChromium } from './browser';
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

/** Notes, in the page, when the user's next input event arrives (the change's start). */
async function armClock(page: Page): Promise<void> {
  await page.evaluate(() => {
    const g = globalThis as unknown as { __t0: number; __armed?: boolean };
    g.__t0 = 0;
    if (g.__armed) return;
    g.__armed = true;
    for (const type of ['pointerdown', 'keydown', 'input']) {
      document.addEventListener(
        type,
        () => {
          if (!g.__t0) g.__t0 = performance.now();
        },
        { capture: true },
      );
    }
  });
}

/**
 * A real click on a block (or the timestep typed in), then waits in the page until the maps'
 * key shows it, the panel is no longer busy and two frames have passed (the maps painted).
 * Returns milliseconds from the input event.
 */
async function timeChange(page: Page, kind: 'block' | 't', value: number): Promise<number> {
  await armClock(page);
  if (kind === 'block') {
    const block = page.locator(`svg.unet [data-block="${value}"]`);
    await block.scrollIntoViewIfNeeded();
    const box = (await block.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  } else {
    await page.getByRole('spinbutton', { name: 'Timestep value' }).fill(String(value));
  }
  return page.evaluate(
    async ({ kind, value }) => {
      const title = () => document.querySelector('[data-testid="maps-title"]')!;
      const done = () => {
        const key = JSON.parse(title().getAttribute('data-key') ?? '[]') as unknown[];
        const ok = kind === 'block' ? key[1] === value : key[2] === value;
        return ok && !document.querySelector('.feature-maps[aria-busy="true"]');
      };
      await new Promise<void>((resolve) => {
        const check = () => (done() ? resolve() : requestAnimationFrame(check));
        check();
      });
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - (globalThis as unknown as { __t0: number }).__t0;
    },
    { kind, value },
  );
}

/**
 * Drags the timestep slider with the keyboard: `steps` arrow presses as fast as they come.
 * Collects long tasks, the frame intervals meanwhile, and how many distinct maps were drawn.
 */
async function drag(page: Page, steps: number) {
  const slider = page.getByRole('slider', { name: 'Timestep t' });
  await slider.scrollIntoViewIfNeeded();
  await slider.focus();
  const start = Number(await page.getByRole('spinbutton', { name: 'Timestep value' }).inputValue());
  await page.evaluate(() => {
    const g = globalThis as unknown as {
      __drag: {
        longTasks: number[];
        frames: number[];
        drawn: Set<string>;
        stop: boolean;
        t0: number;
      };
    };
    g.__drag = { longTasks: [], frames: [], drawn: new Set(), stop: false, t0: performance.now() };
    const d = g.__drag;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) d.longTasks.push(e.duration);
    }).observe({ type: 'longtask' });
    const title = document.querySelector('[data-testid="maps-title"]')!;
    new MutationObserver(() => d.drawn.add(title.getAttribute('data-key') ?? '')).observe(title, {
      attributes: true,
      attributeFilter: ['data-key'],
    });
    let last = performance.now();
    const frame = () => {
      const now = performance.now();
      d.frames.push(now - last);
      last = now;
      if (!d.stop) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  });
  for (let i = 0; i < steps; i++) await page.keyboard.press('ArrowRight');
  const want = start + steps;
  return page.evaluate(async (want) => {
    const d = (
      globalThis as unknown as {
        __drag: {
          longTasks: number[];
          frames: number[];
          drawn: Set<string>;
          stop: boolean;
          t0: number;
        };
      }
    ).__drag;
    const title = document.querySelector('[data-testid="maps-title"]')!;
    await new Promise<void>((resolve) => {
      const check = () => {
        const key = JSON.parse(title.getAttribute('data-key') ?? '[]') as unknown[];
        if (key[2] === want && !document.querySelector('.feature-maps[aria-busy="true"]'))
          resolve();
        else setTimeout(check, 10);
      };
      check();
    });
    d.stop = true;
    return {
      longTasks: d.longTasks,
      frames: d.frames,
      drawn: d.drawn.size,
      settleMs: performance.now() - d.t0,
    };
  }, want);
}

export const explorerSection: BenchSection = {
  name: 'explorer',
  async run({ base, quick }) {
    // WASM, as the issue asks: a browser without WebGPU.
    const browser = await launchWasmChromium();
    const rows: SectionRow[] = [];
    const goals: Record<string, number> = {};
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      // tsx keeps function names with a helper the page does not have.
      await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
      const page = await context.newPage();
      // A fresh seed: nothing comes from the feature cache.
      const seed = Date.now() % 1_000_000;
      await page.goto(new URL(`?block=12&t=90&seed=${seed}`, base).href);
      await settled(page);
      const backend = await page.getByTestId('backend').innerText();
      const runtime = `WASM (${backend})`;
      // Block 1 is left out: the engine refuses it (its pruned graph has no `t` input).
      const blocks = quick
        ? [3, 7, 10, 14, 18]
        : [3, 5, 7, 9, 10, 11, 13, 15, 17, 19, 2, 4, 6, 8, 12, 14, 16, 18];
      const blockMs: number[] = [];
      for (const b of blocks) blockMs.push(await timeChange(page, 'block', b));
      await timeChange(page, 'block', 12);
      const ts = quick
        ? [10, 150, 300, 500, 900]
        : [5, 10, 30, 50, 90, 150, 200, 300, 450, 500, 650, 800, 900, 999, 1];
      const tMs: number[] = [];
      for (const t of ts) tMs.push(await timeChange(page, 't', t));
      const steps = quick ? 30 : 60;
      const d = await drag(page, steps);
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
          note: `${steps} arrow presses`,
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
          note: `of ${steps} timesteps asked for`,
        },
        { case: 'slider drag: last maps drawn after', runtime, value: d.settleMs, unit: 'ms' },
      );
      console.log(
        `drag: ${steps} steps, frame p95 ${quantile(frames, 0.95).toFixed(0)} ms, ${d.longTasks.length} long tasks (max ${maxLong.toFixed(0)} ms), ${d.drawn} maps drawn, settled in ${d.settleMs.toFixed(0)} ms`,
      );
      return { rows, goals };
    } finally {
      await browser.close();
    }
  },
};
