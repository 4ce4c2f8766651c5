/**
 * Bench section "cka": the block × block linear-CKA matrix of every block of the default model
 * on n = 1,000 demo images (t = 90, pool 2), in the browser's CKA worker on the CPU (the
 * WebAssembly SIMD kernel the app uses, f32 products and float64 sums; the float64 SIMD kernel;
 * the plain JS fallback) and on WebGPU (f32 products, float64 sums), against NumPy (float64, the
 * faster of the feature and Gram forms, the fastest NumPy at hand) on the same features, written
 * as .npy from the page. Each runtime's best of 3 is its time (NumPy's too); the first matrix of
 * a fresh CKA worker, which also starts its threads, is reported beside it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { encodeNpy } from '../src/core/npy';
import type { CkaConsole } from '../src/engine/cka/console';
import type { BenchSection, SectionRow } from './sections';

const T = 90;
const POOL = 2;

interface NumpyResult {
  numpy: string;
  blas: string;
  python: string;
  seconds: { feature: number; gram: number; best: number };
  cka: number[][];
}

interface PageMatrix {
  ms: number;
  wallMs: number;
  ranOn: string;
  note: string;
  values: number[];
  threads?: { count: number; setupMs: number; started: number };
}

async function gatherInPage(page: Page, n: number) {
  await page.waitForFunction(() => 'diffprobeCka' in globalThis);
  for (let i = 0; ; i++) {
    try {
      return await page.evaluate(
        ({ n, t, pool }) =>
          (globalThis as unknown as { diffprobeCka: CkaConsole }).diffprobeCka.gather(n, t, pool),
        { n, t: T, pool: POOL },
      );
    } catch (e) {
      // the default model loads at app start
      if (i > 120 || !String(e).includes('no diffusion model')) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

interface Run {
  device: 'cpu' | 'webgpu';
  /** The CPU kernel ('auto' on WebGPU: not used). */
  kernel: 'auto' | 'wasm-f32' | 'wasm-f64' | 'js';
  goal: string;
}

const RUNS: Run[] = [
  {
    device: 'cpu',
    kernel: 'auto',
    goal: 'cka CPU (the app: WASM SIMD, f32 products, float64 sums) / NumPy (goal ≤ 1.0)',
  },
  { device: 'cpu', kernel: 'wasm-f64', goal: 'cka CPU (WASM SIMD, float64) / NumPy' },
  { device: 'cpu', kernel: 'js', goal: 'cka CPU (plain JS, fallback) / NumPy' },
  { device: 'webgpu', kernel: 'auto', goal: 'cka WebGPU / NumPy (goal ≤ 1.0)' },
];

function matrixInPage(page: Page, { device, kernel }: Run): Promise<PageMatrix> {
  return page.evaluate(
    async ({ device, kernel }) => {
      const api = (globalThis as unknown as { diffprobeCka: CkaConsole }).diffprobeCka;
      const t0 = performance.now();
      const r = await api.matrix({ method: 'linear', batchSize: 256, device, kernel });
      return {
        ms: r.ms,
        wallMs: performance.now() - t0,
        ranOn: r.ranOn,
        note: r.note,
        values: Array.from(r.values),
        ...(r.threads ? { threads: r.threads } : {}),
      };
    },
    { device, kernel },
  );
}

function maxDiff(a: readonly number[], b: readonly number[]): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

export const ckaSection: BenchSection = {
  name: 'cka',
  async run({ browser, base, quick }) {
    const n = quick ? 250 : 1000;
    const repeat = quick ? 1 : 3;
    const page = await browser.newPage();
    const dir = mkdtempSync(join(tmpdir(), 'diffprobe-bench-cka-'));
    const rows: SectionRow[] = [];
    const goals: Record<string, number> = {};
    try {
      await page.goto(base);
      const g = await gatherInPage(page, n);
      const m = g.dims.length;
      console.log(
        `cka: features of ${m} blocks for ${g.n} images in ${(g.ms / 1000).toFixed(1)} s`,
      );
      for (let i = 0; i < m; i++) {
        const b64 = await page.evaluate(
          (i) =>
            (globalThis as unknown as { diffprobeCka: CkaConsole }).diffprobeCka.blockBase64(i),
          i,
        );
        const bytes = Buffer.from(b64, 'base64');
        const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
        writeFileSync(join(dir, `block_${i + 1}.npy`), encodeNpy(data, [g.n, g.dims[i]!]));
      }
      // Every NumPy at hand: Debian's (tools/ use it; it may call the reference BLAS) and the
      // one on PATH, if that is another; the fastest is the baseline.
      const pythons = ['/usr/bin/python3', 'python3'].filter(
        (p) => p !== '/usr/bin/python3' || existsSync(p),
      );
      const seen = new Set<string>();
      let np: NumpyResult | null = null;
      const caseName = `block × block, ${m} blocks, n = ${g.n}, pool ${POOL}, t = ${T}`;
      for (const py of pythons) {
        const r = spawnSync(
          py,
          ['-m', 'diffprobe_tools.cka_numpy', dir, '--repeat', String(repeat)],
          {
            cwd: 'tools',
            encoding: 'utf8',
          },
        );
        if (r.status !== 0) {
          console.warn(`NumPy baseline with ${py} failed: ${r.stderr.trim().split('\n').pop()}`);
          continue;
        }
        const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as NumpyResult;
        if (seen.has(res.python)) continue;
        seen.add(res.python);
        for (const form of ['feature', 'gram'] as const) {
          rows.push({
            case: caseName,
            runtime: `NumPy ${res.numpy} (${res.blas}) float64, ${form} form`,
            value: res.seconds[form] * 1000,
            unit: 'ms',
          });
        }
        if (!np || res.seconds.best < np.seconds.best) np = res;
      }
      if (!np) throw new Error('no NumPy baseline could run');
      const ref = np.cka.flat();
      const npMs = np.seconds.best * 1000;
      for (const run of RUNS) {
        let best: PageMatrix | null = null;
        let first: PageMatrix | null = null;
        try {
          for (let k = 0; k < repeat; k++) {
            const res = await matrixInPage(page, run);
            first ??= res;
            if (!best || res.ms < best.ms) best = res;
            if (res.ms > 15_000) break; // a software adapter: one run says enough
          }
        } catch (e) {
          console.warn(`cka on ${run.device} not measured: ${String(e).split('\n')[0]}`);
          continue;
        }
        const label = `browser worker, ${best!.note}`;
        const diff = maxDiff(best!.values, ref);
        const t = best!.threads;
        const cold =
          first!.threads && first!.threads.started > 0
            ? `; first run ${Math.round(first!.ms)} ms (started ${first!.threads.started} threads)`
            : '';
        rows.push({
          case: caseName,
          runtime: label,
          value: best!.ms,
          unit: 'ms',
          note:
            `max |Δ| vs NumPy ${diff.toExponential(1)}; with transfer ${Math.round(best!.wallMs)} ms` +
            (t ? `; threads had their copies after ${Math.round(t.setupMs)} ms` : '') +
            cold,
        });
        goals[run.goal] = best!.ms / npMs;
      }
      for (const row of rows) {
        console.log(
          `${row.runtime.padEnd(60)} ${row.value.toFixed(0).padStart(7)} ms${row.note ? '  ' + row.note : ''}`,
        );
      }
      for (const [k, v] of Object.entries(goals)) console.log(`${k}: ${v.toFixed(2)}×`);
      return { rows, goals };
    } finally {
      await page.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
