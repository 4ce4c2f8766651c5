import { describe, expect, it } from 'vitest';
import {
  assessFit,
  largestActivation,
  largestWeight,
  runtimeWeightBytes,
  storedBytes,
  wasmSecondsPerImage,
} from './fit';
import type { BlockInfo, ModelManifest } from './types';
import defaultManifest from '../../../public/models/fmnist-adm-s/manifest.json';

/** The paper's ADM-256 (guided-diffusion, unconditional): 37 blocks, written from PAPER.md. */
function adm256(dtype: 'float16' | 'float32' = 'float16'): ModelManifest {
  const mult = [1, 1, 2, 2, 4, 4];
  const blocks: Omit<BlockInfo, 'index' | 'output'>[] = [
    { stage: 'encoder', channels: 256, height: 256, width: 256 },
  ];
  mult.forEach((m, l) => {
    const res = 256 >> l;
    for (let i = 0; i < 2; i++)
      blocks.push({ stage: 'encoder', channels: 256 * m, height: res, width: res });
    if (l < 5)
      blocks.push({ stage: 'encoder', channels: 256 * m, height: res / 2, width: res / 2 });
  });
  blocks.push({ stage: 'middle', channels: 1024, height: 8, width: 8 });
  for (let l = 5; l >= 0; l--) {
    const res = 256 >> l;
    for (let i = 0; i < 3; i++) {
      const up = l > 0 && i === 2 ? 2 : 1;
      blocks.push({
        stage: 'decoder',
        channels: 256 * mult[l]!,
        height: res * up,
        width: res * up,
      });
    }
  }
  const params = 552_814_086;
  const weightBytes = params * (dtype === 'float16' ? 2 : 4);
  return {
    schemaVersion: 1,
    id: 'adm-256-uncond',
    title: 'ADM 256',
    kind: 'diffusion',
    license: 'MIT',
    provenance: 'test',
    file: 'model.onnx',
    sha256: '0'.repeat(64),
    bytes: 1_000_000,
    externalData: [{ file: 'model.onnx.data', sha256: '1'.repeat(64), bytes: weightBytes }],
    dtype,
    image: { size: 256, channels: 3, range: [-1, 1] },
    inputs: { x: 'x', t: 't' },
    outputs: { eps: 'eps' },
    schedule: { kind: 'linear', T: 1000, betaStart: 1e-4, betaEnd: 0.02 },
    blocks: blocks.map((b, i) => ({
      ...b,
      index: i + 1,
      output: `block_${i + 1}`,
      ...(b.stage === 'middle' ? {} : { mirror: 38 - (i + 1) }),
    })),
    parameters: params,
    flops: 2_239_665_537_024,
  };
}

const MiB = 1024 ** 2;

describe('model fit on a device', () => {
  it('measures the paper model from its manifest', () => {
    const m = adm256();
    expect(m.blocks).toHaveLength(37);
    expect(m.blocks[23]).toMatchObject({ index: 24, channels: 1024, height: 16, mirror: 14 });
    // Decoder blocks 35–37 take 256 channels at 256² and a skip of 256 channels at 256².
    expect(largestActivation(m)).toEqual({
      bytes: 512 * 256 * 256 * 4,
      what: "block 35's input (with its skip)",
    });
    // Block 20: 1024 + 1024 channels in, 1024 out, 3×3.
    expect(largestWeight(m)).toEqual({
      bytes: 2048 * 1024 * 9 * 4,
      what: "block 20's first convolution",
    });
    expect(runtimeWeightBytes(m)).toBe(552_814_086 * 4);
    expect(storedBytes(m)).toBe(1_000_000 + 552_814_086 * 2);
    expect(wasmSecondsPerImage(m, 8)).toBeCloseTo(2_239.67 / (13 * 8), 1);
  });

  it('runs on WebGPU with 128 MiB bindings, with a memory warning', () => {
    const r = assessFit(adm256(), {
      backend: 'webgpu',
      maxBufferSize: 256 * MiB,
      maxStorageBufferBindingSize: 128 * MiB,
      shaderF16: false,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/about 2\.\d GB of GPU memory.*widened from float16/);
  });

  it('refuses a device whose buffers are too small, naming the limit', () => {
    const r = assessFit(adm256(), {
      backend: 'webgpu',
      maxBufferSize: 256 * MiB,
      maxStorageBufferBindingSize: 64 * MiB,
      shaderF16: true,
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toContain("block 35's input (with its skip) needs 128 MB in one buffer");
    expect(r.reason).toContain('maxStorageBufferBindingSize 64 MB');
    const small = assessFit(adm256(), {
      backend: 'webgpu',
      maxBufferSize: 100 * MiB,
      maxStorageBufferBindingSize: 200 * MiB,
    });
    expect(small.ok).toBe(false);
    if (!small.ok) expect(small.reason).toContain('maxBufferSize 100 MB');
  });

  it('warns how slow WASM will be before starting', () => {
    const r = assessFit(adm256(), { backend: 'wasm', threads: 4 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const slow = r.warnings.find((w) => w.startsWith('Running on WASM'));
    expect(slow).toBeDefined();
    expect(slow).toContain('about 43 s per image');
    expect(slow).toContain('2240 GFLOP per forward pass on 4 threads');
    expect(slow).toContain('1,000 images take about 12.0 h');
    expect(r.warnings.some((w) => w.includes("WebAssembly's 4 GB"))).toBe(true);
  });

  it('refuses float32 weights that cannot fit in WASM memory', () => {
    const r = assessFit(adm256('float32'), { backend: 'wasm', threads: 2 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/too large for the WASM runtime: it needs about 4\.\d GB/);
  });

  it('lets the small default model through without warnings', () => {
    const m = defaultManifest as unknown as ModelManifest;
    for (const d of [
      { backend: 'wasm' as const, threads: 1 },
      {
        backend: 'webgpu' as const,
        maxBufferSize: 256 * MiB,
        maxStorageBufferBindingSize: 128 * MiB,
      },
    ]) {
      expect(assessFit(m, d)).toEqual({ ok: true, warnings: [] });
    }
  });

  it('warns when the computer reports less memory than the model needs', () => {
    const r = assessFit(adm256(), { backend: 'webgpu', memoryGiB: 2 });
    expect(r.ok && r.warnings.some((w) => w.includes('reports 2 GB of memory'))).toBe(true);
  });
});
