/**
 * The GPU kit's WebGPU step: the app's own feature engine (core's seeded noising and
 * `buildInputs`, the worker's `ModelRuntime` with pooling inside the graph) on onnxruntime-web's
 * WebGPU execution provider, in Node, through Dawn (the npm package `webgpu`).
 *
 *   tsx tools/device/webgpuNode.ts --model public/models/fmnist-adm-s --batches 1,32 --iters 20
 *
 * Prints one JSON object on stdout: the adapter, and img/s per batch size for all blocks at
 * pool 2, or `ok: false` with the exact reason it could not run (no Vulkan loader, no adapter,
 * a device or session error). Before it, one line (`partial: true`) after each batch size. `--backend wasm` runs the same path on ORT-web's CPU provider,
 * which proves the engine path in Node where no GPU adapter exists.
 *
 * On the GPU machine the kit runs a bundle of this file; Dawn and onnxruntime-web travel beside
 * it and are found through DIFFPROBE_DAWN / DIFFPROBE_ORT (module paths).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildInputs, type FeatureItem } from '../../src/core/features/batch';
import type { ModelManifest } from '../../src/core/manifest/types';
import { pruneToOutputs } from '../../src/core/onnx/edit';
import { makeSchedule } from '../../src/core/schedule';
import type { LoadedBackend } from '../../workers/ort/backend';
import { ModelRuntime } from '../../workers/ort/modelRuntime';
import { acceptSharedMemory } from './sharedWrite';

type Ort = LoadedBackend['ort'];

interface Args {
  model: string;
  batches: number[];
  iters: number;
  backend: 'webgpu' | 'wasm';
  pool: number;
}

interface BatchTiming {
  batch: number;
  iters: number;
  imgPerSec: number;
  msPerBatch: number;
  firstCallMs: number;
}

interface Report {
  ok: boolean;
  backend: 'webgpu' | 'wasm';
  reason?: string;
  adapter?: Record<string, unknown>;
  node: string;
  ortVersion?: string;
  model?: string;
  blocks?: number;
  pool?: number;
  timings: BatchTiming[];
}

function parseArgs(argv: string[]): Args {
  const get = (name: string, fallback: string): string => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
  };
  const batches = get('batches', '1,32')
    .split(',')
    .map((s) => Number.parseInt(s, 10));
  if (batches.some((b) => !Number.isInteger(b) || b < 1 || b > 1024)) {
    throw new Error('--batches takes comma-separated integers from 1 to 1024');
  }
  const iters = Number.parseInt(get('iters', '20'), 10);
  if (!Number.isInteger(iters) || iters < 1 || iters > 10_000) {
    throw new Error('--iters takes an integer from 1 to 10000');
  }
  const backend = get('backend', 'webgpu');
  if (backend !== 'webgpu' && backend !== 'wasm') throw new Error('--backend is webgpu or wasm');
  return { model: get('model', 'public/models/fmnist-adm-s'), batches, iters, backend, pool: 2 };
}

/** A module given as a path (the kit's carried copies) or a package name. */
async function importModule<T>(envName: string, fallback: string): Promise<T> {
  const spec = process.env[envName];
  return (await import(spec ? pathToFileURL(spec).href : fallback)) as T;
}

async function webgpuDevice(report: Report): Promise<GPUDevice | string> {
  const dawn = await importModule<{
    create: (flags: string[]) => GPU;
    globals: Record<string, unknown>;
  }>('DIFFPROBE_DAWN', 'webgpu').catch((err: unknown) => `Dawn did not load: ${String(err)}`);
  if (typeof dawn === 'string') return dawn;
  Object.assign(globalThis, dawn.globals);
  const queueClass = dawn.globals.GPUQueue as { prototype: GPUQueue } | undefined;
  if (queueClass) acceptSharedMemory(queueClass);
  const gpu = dawn.create([]);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  const adapter = await gpu
    .requestAdapter({ powerPreference: 'high-performance' })
    .catch((err: unknown) => String(err));
  if (typeof adapter === 'string') return `requestAdapter failed: ${adapter}`;
  if (!adapter) return 'no WebGPU adapter (Dawn found no usable Vulkan device; see stderr)';
  const info = adapter.info;
  report.adapter = {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    shaderF16: adapter.features.has('shader-f16'),
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  };
  // The same device request as the app's worker (workers/ort/backend.ts).
  const limits = adapter.limits;
  return adapter
    .requestDevice({
      requiredFeatures: adapter.features.has('shader-f16') ? ['shader-f16'] : [],
      requiredLimits: {
        maxBufferSize: limits.maxBufferSize,
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      },
    })
    .catch((err: unknown) => `requestDevice failed: ${String(err)}`);
}

async function loadBackend(args: Args, report: Report): Promise<LoadedBackend | string> {
  const device = args.backend === 'webgpu' ? await webgpuDevice(report) : null;
  if (typeof device === 'string') return device;
  const ort = await importModule<Ort>('DIFFPROBE_ORT', 'onnxruntime-web/webgpu');
  report.ortVersion = (ort as unknown as { env: { versions?: { web?: string } } }).env.versions
    ?.web;
  ort.env.wasm.numThreads = 1;
  // DIFFPROBE_ORT_OWN_DEVICE=1: let onnxruntime-web ask navigator.gpu for its own device.
  if (device && process.env.DIFFPROBE_ORT_OWN_DEVICE !== '1') ort.env.webgpu.device = device;
  return {
    ort,
    ...(device ? { device } : {}),
    info: {
      backend: args.backend,
      reason: 'GPU kit',
      shaderF16: false,
      threads: 1,
      crossOriginIsolated: false,
    },
  } as LoadedBackend;
}

/** Deterministic stand-in images in [-1, 1] (the timing does not depend on their content). */
function items(n: number, size: number): FeatureItem[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `kit-${i}`,
    x0: new Float32Array(size).map((_, j) => Math.sin(0.37 * j + i)),
  }));
}

async function time(args: Args, report: Report, backend: LoadedBackend): Promise<void> {
  const manifest = JSON.parse(
    readFileSync(join(args.model, 'manifest.json'), 'utf8'),
  ) as ModelManifest;
  const bytes = new Uint8Array(readFileSync(join(args.model, manifest.file)));
  const outputs = manifest.blocks.map((b) => b.output);
  report.model = manifest.id;
  report.blocks = outputs.length;
  report.pool = args.pool;
  const runtime = new ModelRuntime(
    backend,
    bytes,
    [manifest.outputs?.eps ?? 'eps', ...outputs],
    pruneToOutputs,
    'batch',
  );
  if (!manifest.schedule) throw new Error(`${args.model}: the manifest has no noise schedule`);
  const sched = makeSchedule(manifest.schedule);
  const { size, channels } = manifest.image;
  const pool = {
    size: args.pool,
    targets: manifest.blocks.map((b) => ({ name: b.output, height: b.height, width: b.width })),
  };
  for (const batch of args.batches) {
    const inputs = buildInputs(
      items(batch, channels * size * size),
      [channels, size, size],
      sched,
      {
        t: 90,
        seed: 0,
        noise: 'seeded',
      },
    );
    const feeds = {
      x: { data: inputs.x, dims: inputs.dims },
      t: { data: inputs.t, dims: [batch] },
    };
    let start = performance.now();
    await runtime.forward(feeds, outputs, pool);
    const firstCallMs = performance.now() - start;
    await runtime.forward(feeds, outputs, pool);
    start = performance.now();
    for (let i = 0; i < args.iters; i++) await runtime.forward(feeds, outputs, pool);
    const ms = (performance.now() - start) / args.iters;
    report.timings.push({
      batch,
      iters: args.iters,
      imgPerSec: Number(((1000 * batch) / ms).toPrecision(4)),
      msPerBatch: Number(ms.toFixed(3)),
      firstCallMs: Number(firstCallMs.toFixed(1)),
    });
    // What is measured so far, in case the caller's time limit stops the rest.
    process.stdout.write(`${JSON.stringify({ ...report, partial: true })}\n`);
  }
  await runtime.release();
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const report: Report = { ok: false, backend: args.backend, node: process.version, timings: [] };
  try {
    const backend = await loadBackend(args, report);
    if (typeof backend === 'string') {
      report.reason = backend;
    } else {
      await time(args, report, backend);
      report.ok = true;
    }
  } catch (err) {
    report.reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  }
  process.stdout.write(`${JSON.stringify(report)}\n`);
  // Dawn keeps the event loop alive; the report is out, so end here.
  process.exit(0);
}

void main();
