/**
 * Can this device hold and run this model? A pure estimate from the manifest and what the
 * runtime reports about the device, made before any weights are handed to onnxruntime: a model
 * that cannot fit is refused with the reason, one that fits but will be slow or tight gets
 * warnings for the user.
 *
 * What is true of onnxruntime-web here: a manifest with `dtype: float16` stores its weights as
 * float16 and casts them to float32 inside the graph (diffprobe's converter); onnxruntime folds
 * those casts once when the session starts, so the model runs in float32 on WebGPU with or
 * without `shader-f16` and on WASM alike, and the device holds float32 weights.
 */
import type { BlockInfo, ModelManifest } from './types';

export interface DeviceFacts {
  backend: 'webgpu' | 'wasm';
  /** WebGPU device limits (bytes). */
  maxBufferSize?: number;
  maxStorageBufferBindingSize?: number;
  shaderF16?: boolean;
  /** navigator.deviceMemory (GiB, rounded down and capped by the browser), when known. */
  memoryGiB?: number;
  /** WASM threads. */
  threads?: number;
}

export type FitResult = { ok: true; warnings: string[] } | { ok: false; reason: string };

/** WASM's address space: 4 GiB (wasm32). */
export const WASM_MEMORY_BYTES = 4 * 1024 ** 3;
/**
 * Measured onnxruntime-web WASM convolution throughput per thread (bench: the default model,
 * 0.73 GFLOP per image, 36 images/s on 2 threads at batch 32 ≈ 13 GFLOP/s per thread).
 */
export const WASM_GFLOPS_PER_THREAD = 13;
/** Above this many seconds per image on WASM the user is told before anything starts. */
export const SLOW_SECONDS_PER_IMAGE = 2;

const MB = 1024 ** 2;
const GB = 1024 ** 3;

function fmtBytes(n: number): string {
  return n >= GB ? `${(n / GB).toFixed(1)} GB` : `${Math.round(n / MB)} MB`;
}

function fmtSeconds(s: number): string {
  if (s < 90) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** Bytes of the files that hold the model (graph + external data). */
export function storedBytes(m: ModelManifest): number {
  return m.bytes + (m.externalData ?? []).reduce((a, e) => a + e.bytes, 0);
}

/** Weights as the runtime holds them: float32 (float16 weights are widened at session start). */
export function runtimeWeightBytes(m: ModelManifest): number {
  return m.parameters * 4;
}

export interface TensorEstimate {
  bytes: number;
  what: string;
}

/**
 * The largest float32 activation of one image: a block output, or a decoder block's input
 * (its predecessor's output concatenated with the skip from its mirror encoder block).
 */
export function largestActivation(m: ModelManifest): TensorEstimate {
  const byIndex = new Map<number, BlockInfo>(m.blocks.map((b) => [b.index, b]));
  let best: TensorEstimate = {
    bytes: m.image.channels * m.image.size * m.image.size * 4,
    what: 'the input image',
  };
  for (const b of m.blocks) {
    const out = b.channels * b.height * b.width * 4;
    if (out > best.bytes) best = { bytes: out, what: `block ${b.index}'s output` };
    const prev = byIndex.get(b.index - 1);
    const skip = b.mirror !== undefined ? byIndex.get(b.mirror) : undefined;
    if (b.stage === 'decoder' && prev && skip) {
      const input = (prev.channels + skip.channels) * prev.height * prev.width * 4;
      if (input > best.bytes)
        best = { bytes: input, what: `block ${b.index}'s input (with its skip)` };
    }
  }
  return best;
}

/** The largest float32 weight: a decoder block's first 3×3 convolution on its concatenated input. */
export function largestWeight(m: ModelManifest): TensorEstimate {
  const byIndex = new Map<number, BlockInfo>(m.blocks.map((b) => [b.index, b]));
  let best: TensorEstimate = { bytes: 0, what: 'no convolution' };
  for (const b of m.blocks) {
    const prev = byIndex.get(b.index - 1);
    if (!prev) continue;
    const skip =
      b.stage === 'decoder' && b.mirror !== undefined ? byIndex.get(b.mirror) : undefined;
    const cin = prev.channels + (skip?.channels ?? 0);
    const bytes = cin * b.channels * 9 * 4;
    if (bytes > best.bytes) best = { bytes, what: `block ${b.index}'s first convolution` };
  }
  return best;
}

/** Every encoder output is kept for its skip connection until the decoder takes it. */
function skipBytes(m: ModelManifest): number {
  return m.blocks
    .filter((b) => b.stage === 'encoder')
    .reduce((a, b) => a + b.channels * b.height * b.width * 4, 0);
}

/** Estimated seconds per image (one full forward pass) on WASM. */
export function wasmSecondsPerImage(m: ModelManifest, threads: number): number | null {
  if (!m.flops) return null;
  return m.flops / (WASM_GFLOPS_PER_THREAD * 1e9 * Math.max(1, threads));
}

function webgpuFit(m: ModelManifest, d: DeviceFacts): FitResult {
  const binding = d.maxStorageBufferBindingSize;
  const buffer = d.maxBufferSize;
  const act = largestActivation(m);
  const weight = largestWeight(m);
  for (const t of [act, weight]) {
    if (binding !== undefined && t.bytes > binding) {
      return {
        ok: false,
        reason:
          `This GPU cannot hold the model: ${t.what} needs ${fmtBytes(t.bytes)} in one buffer, ` +
          `more than this WebGPU device allows (maxStorageBufferBindingSize ${fmtBytes(binding)}). ` +
          `Use a browser or GPU with larger WebGPU limits.`,
      };
    }
    if (buffer !== undefined && t.bytes > buffer) {
      return {
        ok: false,
        reason:
          `This GPU cannot hold the model: ${t.what} needs ${fmtBytes(t.bytes)}, more than this ` +
          `WebGPU device's largest buffer (maxBufferSize ${fmtBytes(buffer)}).`,
      };
    }
  }
  const warnings: string[] = [];
  const weights = runtimeWeightBytes(m);
  const need = weights + skipBytes(m) + 2 * act.bytes;
  if (need > 1 * GB) {
    warnings.push(
      `The model needs about ${fmtBytes(need)} of GPU memory at batch 1 ` +
        `(${fmtBytes(weights)} of float32 weights${m.dtype === 'float16' ? ', widened from float16' : ''}); ` +
        `a GPU with less memory will lose the device.`,
    );
  }
  if (d.memoryGiB !== undefined && need > d.memoryGiB * GB) {
    warnings.push(
      `This computer reports ${d.memoryGiB} GB of memory, less than the model needs ` +
        `(${fmtBytes(need)}); loading may fail.`,
    );
  }
  return { ok: true, warnings };
}

function wasmFit(m: ModelManifest, d: DeviceFacts): FitResult {
  const act = largestActivation(m);
  // The external data is copied into WASM memory, then its weights are held as float32.
  const need = storedBytes(m) + runtimeWeightBytes(m) + skipBytes(m) + 2 * act.bytes;
  if (need > WASM_MEMORY_BYTES) {
    return {
      ok: false,
      reason:
        `This model is too large for the WASM runtime: it needs about ${fmtBytes(need)} ` +
        `(${fmtBytes(storedBytes(m))} of files, ${fmtBytes(runtimeWeightBytes(m))} of float32 weights), ` +
        `more than WebAssembly's 4 GB of memory. Open it in a browser with WebGPU.`,
    };
  }
  const warnings: string[] = [];
  if (need > WASM_MEMORY_BYTES / 2) {
    warnings.push(
      `The model needs about ${fmtBytes(need)} of WebAssembly's 4 GB of memory; other tabs and ` +
        `large batches may make it run out.`,
    );
  }
  const threads = d.threads ?? 1;
  const s = wasmSecondsPerImage(m, threads);
  if (s !== null && s >= SLOW_SECONDS_PER_IMAGE) {
    const gflop = (m.flops ?? 0) / 1e9;
    warnings.push(
      `Running on WASM (no WebGPU): about ${fmtSeconds(s)} per image ` +
        `(${gflop >= 100 ? Math.round(gflop) : gflop.toFixed(1)} GFLOP per forward pass on ${threads} ` +
        `thread${threads === 1 ? '' : 's'}; earlier blocks cost less), so 1,000 images take about ` +
        `${fmtSeconds(s * 1000)}. WebGPU is much faster.`,
    );
  }
  return { ok: true, warnings };
}

/** Refusal with the reason, or the warnings to show, for `manifest` on this device. */
export function assessFit(manifest: ModelManifest, device: DeviceFacts): FitResult {
  return device.backend === 'webgpu' ? webgpuFit(manifest, device) : wasmFit(manifest, device);
}
