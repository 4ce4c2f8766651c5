import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { assessFit, wasmSecondsPerImage } from '../src/core/manifest/fit';
import type { BlockInfo, ModelManifest } from '../src/core/manifest/types';
import type { ConsoleApi } from '../src/engine/consoleApi';
import type { BackendInfo } from '../src/protocol/model';
import type { BenchSection, SectionRow } from './sections';

/**
 * The paper's model (guided-diffusion ADM-256, 552M parameters, 37 blocks): time per image on
 * WebGPU when a real GPU is there and a converted copy is served (DIFFPROBE_ADM256_URL, a folder
 * under the bench server's root), else the reason it was not measured; the WASM estimate the
 * app shows; PyTorch on this CPU (full width when one image takes under a minute, else a
 * reduced-width copy with the same 37 blocks, said so) and on CUDA when torch has it.
 */
const PY = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const CPU_LIMIT_S = 60;
const REDUCED_WIDTH = 64;

interface Described {
  width: number;
  parameters: number;
  flops: number;
  blocks: BlockInfo[];
  image: { size: number; channels: 1 | 3 };
}
interface Timing {
  width: number;
  device: string;
  torch: string;
  threads: number;
  parameters: number;
  secondsPerImage: number;
}

function python<T>(
  args: string[],
  timeoutS: number,
): { ok: true; value: T } | { ok: false; why: string } {
  const r = spawnSync(PY, ['-m', 'diffprobe_tools.guided', 'bench', ...args], {
    cwd: 'tools',
    encoding: 'utf8',
    timeout: timeoutS * 1000,
  });
  if (r.error || r.status !== 0) {
    const why = r.error ? String(r.error.message) : (r.stderr || '').trim().split('\n').pop();
    return { ok: false, why: why || `exit ${r.status}` };
  }
  return { ok: true, value: JSON.parse(r.stdout.trim().split('\n').pop()!) as T };
}

/** The manifest the converter writes for ADM-256 with float16 weights (sizes from PyTorch). */
function adm256Manifest(d: Described): ModelManifest {
  return {
    schemaVersion: 1,
    id: 'adm-256-uncond',
    title: 'ADM-256 (bench)',
    kind: 'diffusion',
    license: 'MIT',
    provenance: 'bench',
    file: 'model.onnx',
    sha256: '0'.repeat(64),
    bytes: 1_000_000,
    externalData: [{ file: 'model.onnx.data', sha256: '0'.repeat(64), bytes: d.parameters * 2 }],
    dtype: 'float16',
    image: { size: d.image.size, channels: d.image.channels, range: [-1, 1] },
    inputs: { x: 'x', t: 't' },
    outputs: { eps: 'eps' },
    schedule: { kind: 'linear', T: 1000, betaStart: 1e-4, betaEnd: 0.02 },
    blocks: d.blocks,
    parameters: d.parameters,
    flops: d.flops,
  };
}

const mb = (n?: number) => (n === undefined ? '?' : `${Math.round(n / 1024 ** 2)} MB`);

export const paperModelSection: BenchSection = {
  name: 'paper-model',
  async run({ browser, base, quick }) {
    const rows: SectionRow[] = [];
    const described = python<{ model: Described }>(['--describe'], 120);
    if (!described.ok) throw new Error(`could not describe ADM-256: ${described.why}`);
    const d = described.value.model;
    const manifest = adm256Manifest(d);
    const page = await browser.newPage();
    await page.goto(base);
    await page.waitForFunction(() => 'diffprobe' in globalThis);
    const backend = (pref: 'webgpu' | 'wasm') =>
      page.evaluate(async (p) => {
        const engine = (globalThis as unknown as { diffprobe: ConsoleApi }).diffprobe.createEngine(
          p,
        );
        try {
          return await engine.backend();
        } finally {
          engine.dispose();
        }
      }, pref);
    const gpu: BackendInfo = await backend('webgpu');
    const wasm: BackendInfo = await backend('wasm');
    const url = process.env.DIFFPROBE_ADM256_URL;
    const software =
      gpu.backend !== 'webgpu' || /swiftshader|llvmpipe|software/i.test(gpu.adapter ?? '');
    if (!software && url) {
      const ms = await page.evaluate(async (folder) => {
        const api = (globalThis as unknown as { diffprobe: ConsoleApi }).diffprobe;
        const engine = api.createEngine('webgpu');
        try {
          const s = await engine.load({ kind: 'folder', base: folder });
          const outputs = s.manifest!.blocks.map((b) => b.output).concat('eps');
          const n = s.manifest!.image.size;
          const feeds = {
            x: {
              data: new Float32Array(3 * n * n).map((_, i) => Math.sin(i) * 0.9),
              dims: [1, 3, n, n],
            },
            t: { data: new Float32Array([90]), dims: [1] },
          };
          await engine.run(feeds, outputs);
          const start = performance.now();
          for (let i = 0; i < 3; i++) await engine.run(feeds, outputs);
          return (performance.now() - start) / 3;
        } finally {
          engine.dispose();
        }
      }, url);
      rows.push({
        case: 'ADM-256 full model, all 37 blocks + eps, batch 1',
        runtime: gpu.reason,
        value: ms / 1000,
        unit: 's/image',
      });
    } else {
      const fit = assessFit(manifest, {
        backend: 'webgpu',
        maxBufferSize: gpu.maxBufferSize,
        maxStorageBufferBindingSize: gpu.maxStorageBufferBindingSize,
        shaderF16: gpu.shaderF16,
      });
      const why = software
        ? `no GPU in this run: the only WebGPU adapter is ${gpu.backend === 'webgpu' ? `${gpu.adapter} (a software rasteriser on the CPU; shader-f16 ${gpu.shaderF16}, maxStorageBufferBindingSize ${mb(gpu.maxStorageBufferBindingSize)})` : `missing (${gpu.reason})`}, which cannot run a ${Math.round(d.parameters / 1e6)}M-parameter model (${((d.parameters * 4) / 1024 ** 3).toFixed(1)} GB of float32 weights, ${(d.flops / 1e12).toFixed(2)} TFLOP per image) in useful time; the app's fit check says: ${fit.ok ? `fits, ${fit.warnings.join(' ')}` : fit.reason}`
        : 'a GPU is here but no converted ADM-256 is served: set DIFFPROBE_ADM256_URL to a folder under the bench server (convert-guided-diffusion output)';
      console.log(`ADM-256 on WebGPU not measured: ${why}`);
      rows.push({
        case: 'ADM-256 full model on WebGPU: not measured',
        runtime: gpu.reason,
        value: Number.NaN,
        unit: 's/image',
        note: why,
      });
    }
    const est = wasmSecondsPerImage(manifest, wasm.threads) ?? Number.NaN;
    rows.push({
      case: 'ADM-256 full model on WASM: estimate (FLOPs ÷ measured throughput), not run',
      runtime: `${wasm.reason} · ${wasm.threads} threads`,
      value: est,
      unit: 's/image',
    });
    const cpus = String(os.cpus().length);
    let cpu = quick
      ? ({ ok: false, why: 'skipped with --quick' } as const)
      : python<{ timing: Timing }>(
          ['--time', '--width', '256', '--no-warmup', '--threads', cpus],
          240,
        );
    let note = '';
    if (!cpu.ok || cpu.value.timing.secondsPerImage >= CPU_LIMIT_S) {
      note = cpu.ok
        ? `full width took ${cpu.value.timing.secondsPerImage.toFixed(0)} s (over ${CPU_LIMIT_S} s): `
        : `full width not timed (${cpu.why}): `;
      note += `reduced width ${REDUCED_WIDTH} (same 37 blocks, about 1/16 of the FLOPs)`;
      cpu = python<{ timing: Timing }>(
        ['--time', '--width', String(REDUCED_WIDTH), '--threads', cpus],
        240,
      );
    }
    if (cpu.ok) {
      const t = cpu.value.timing;
      rows.push({
        case: `ADM-256 ${t.width === 256 ? 'full model' : `reduced width ${t.width}`} (${(t.parameters / 1e6).toFixed(0)}M parameters), random weights, batch 1`,
        runtime: `PyTorch ${t.torch} CPU · ${t.threads} threads`,
        value: t.secondsPerImage,
        unit: 's/image',
        ...(note ? { note } : {}),
      });
    }
    const cuda = python<{ timing: Timing }>(['--time', '--device', 'cuda'], 240);
    rows.push(
      cuda.ok
        ? {
            case: 'ADM-256 full model, random weights, batch 1',
            runtime: `PyTorch ${cuda.value.timing.torch} CUDA`,
            value: cuda.value.timing.secondsPerImage,
            unit: 's/image',
          }
        : {
            case: 'ADM-256 full model on CUDA: not measured',
            runtime: 'PyTorch CUDA',
            value: Number.NaN,
            unit: 's/image',
            note: `no GPU in this run (${cuda.why})`,
          },
    );
    for (const r of rows)
      console.log(
        `${r.case} · ${r.runtime}: ${r.value.toPrecision(4)} ${r.unit}${r.note ? ` — ${r.note}` : ''}`,
      );
    await page.close();
    return { rows, goals: {} };
  },
};
