/**
 * S_ij = ⟨K_i, K_j⟩ (K_i = Xc_i·Xc_iᵀ) on WebGPU: the Gram panels and their pairwise products
 * run in compute shaders (./shaders.ts) in f32; centring happens before (float64, on the CPU)
 * and the per-workgroup partial sums are added in float64 here. Memory on the GPU: the n×D
 * features plus m panels of P×n f32, P chosen to fit the device's binding limit.
 */
import { GRAM_PANEL_WGSL, GRAM_TILE, PAIR_DOTS_WGSL } from './shaders';

export interface GpuContext {
  device: GPUDevice;
  adapter: string;
  /** A software adapter (SwiftShader): slower than the CPU path for these products. */
  fallback: boolean;
}

let ctx: Promise<GpuContext | string> | null = null;

function describe(adapter: GPUAdapter): string {
  const i = adapter.info;
  return [i.vendor, i.architecture, i.description].filter(Boolean).join(' ') || 'unknown adapter';
}

/** The worker's GPU device, or why there is none (asked once; a lost device asks again). */
export function gpuContext(): Promise<GpuContext | string> {
  ctx ??= (async () => {
    const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
    if (!gpu) return 'this browser has no WebGPU';
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return 'this browser has no WebGPU adapter';
    const l = adapter.limits;
    const device = await adapter.requestDevice({
      requiredLimits: {
        maxBufferSize: l.maxBufferSize,
        maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      },
    });
    void device.lost.then(() => {
      ctx = null;
    });
    const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    const fallback =
      info.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
    return { device, adapter: describe(adapter), fallback: fallback === true };
  })().catch((e: unknown) => `WebGPU failed to start (${String(e)})`);
  return ctx;
}

const PER_THREAD = 64;

/**
 * The m×m matrix S for column-centred representations `Xc` (n×d_i each, float64), computed on
 * the GPU. `onPanel(share)` runs after each panel and may throw to cancel.
 */
export async function gpuGramDots(
  { device }: GpuContext,
  Xc: readonly Float64Array[],
  dims: readonly number[],
  n: number,
  onPanel: (share: number) => Promise<void> | void,
): Promise<Float64Array> {
  const m = Xc.length;
  const D = dims.reduce((a, b) => a + b, 0);
  const offsets = dims.map((_, i) => dims.slice(0, i).reduce((a, b) => a + b, 0));
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, 256 * 2 ** 20);
  if (n * D * 4 > limit) {
    throw new RangeError(`${n}×${D} features do not fit one GPU buffer (${limit} bytes)`);
  }
  const P = Math.max(1, Math.min(n, Math.floor(limit / (4 * m * n))));

  const X = new Float32Array(n * D);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < m; i++) {
      const d = dims[i]!;
      X.set(Xc[i]!.subarray(r * d, (r + 1) * d), r * D + offsets[i]!);
    }
  }
  const pairs: number[] = [];
  for (let i = 0; i < m; i++) for (let j = 0; j <= i; j++) pairs.push(i, j);
  const npairs = pairs.length / 2;

  const buffers: GPUBuffer[] = [];
  const buffer = (size: number, usage: number): GPUBuffer => {
    const b = device.createBuffer({ size: Math.max(16, Math.ceil(size / 4) * 4), usage });
    buffers.push(b);
    return b;
  };
  const S = GPUBufferUsage.STORAGE;
  const xBuf = buffer(X.byteLength, S | GPUBufferUsage.COPY_DST);
  device.queue.writeBuffer(xBuf, 0, X);
  const gBuf = buffer(m * P * n * 4, S);
  const pairBuf = buffer(pairs.length * 4, S | GPUBufferUsage.COPY_DST);
  device.queue.writeBuffer(pairBuf, 0, Uint32Array.from(pairs));
  const maxChunks = Math.ceil((P * n) / (256 * PER_THREAD));
  const partBuf = buffer(npairs * maxChunks * 4, S | GPUBufferUsage.COPY_SRC);
  const readBuf = buffer(npairs * maxChunks * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  const ALIGN = device.limits.minUniformBufferOffsetAlignment;
  const gramParams = buffer(m * ALIGN, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
  const dotParams = buffer(16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);

  try {
    const gramPipe = device.createComputePipeline({
      layout: 'auto',
      compute: { module: device.createShaderModule({ code: GRAM_PANEL_WGSL }), entryPoint: 'main' },
    });
    const dotPipe = device.createComputePipeline({
      layout: 'auto',
      compute: { module: device.createShaderModule({ code: PAIR_DOTS_WGSL }), entryPoint: 'main' },
    });
    const gramGroups = dims.map((_, i) =>
      device.createBindGroup({
        layout: gramPipe.getBindGroupLayout(0),
        entries: [
          { binding: 0, resource: { buffer: xBuf } },
          { binding: 1, resource: { buffer: gBuf } },
          { binding: 2, resource: { buffer: gramParams, offset: i * ALIGN, size: 32 } },
        ],
      }),
    );
    const dotGroup = device.createBindGroup({
      layout: dotPipe.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: gBuf } },
        { binding: 1, resource: { buffer: pairBuf } },
        { binding: 2, resource: { buffer: partBuf } },
        { binding: 3, resource: { buffer: dotParams } },
      ],
    });

    const out = new Float64Array(m * m);
    for (let r0 = 0; r0 < n; r0 += P) {
      const rows = Math.min(P, n - r0);
      const len = rows * n;
      const chunks = Math.ceil(len / (256 * PER_THREAD));
      const gp = new Uint32Array((m * ALIGN) / 4);
      for (let i = 0; i < m; i++) {
        gp.set([n, D, r0, rows, offsets[i]!, dims[i]!, i * len, 0], (i * ALIGN) / 4);
      }
      device.queue.writeBuffer(gramParams, 0, gp);
      device.queue.writeBuffer(dotParams, 0, Uint32Array.from([len, PER_THREAD, chunks, 0]));
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(gramPipe);
      for (let i = 0; i < m; i++) {
        pass.setBindGroup(0, gramGroups[i]!);
        pass.dispatchWorkgroups(Math.ceil(n / GRAM_TILE), Math.ceil(rows / GRAM_TILE));
      }
      pass.setPipeline(dotPipe);
      pass.setBindGroup(0, dotGroup);
      pass.dispatchWorkgroups(chunks, npairs);
      pass.end();
      enc.copyBufferToBuffer(partBuf, 0, readBuf, 0, npairs * chunks * 4);
      device.queue.submit([enc.finish()]);
      await readBuf.mapAsync(GPUMapMode.READ, 0, npairs * chunks * 4);
      const part = new Float32Array(readBuf.getMappedRange(0, npairs * chunks * 4).slice(0));
      readBuf.unmap();
      for (let k = 0; k < npairs; k++) {
        let s = 0;
        for (let w = 0; w < chunks; w++) s += part[k * chunks + w]!;
        out[pairs[2 * k]! * m + pairs[2 * k + 1]!]! += s;
      }
      await onPanel((r0 + rows) / n);
    }
    for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) out[j * m + i] = out[i * m + j]!;
    return out;
  } finally {
    for (const b of buffers) b.destroy();
  }
}
