import type * as OrtNamespace from 'onnxruntime-web';
import type { DeviceFacts } from '../../src/core/manifest/fit';
import type { BackendInfo, BackendPreference } from '../../src/protocol/model';

export type Ort = typeof OrtNamespace;
export interface LoadedBackend {
  ort: Ort;
  info: BackendInfo;
  device?: GPUDevice;
}

const ORT_BASE = `${import.meta.env.BASE_URL}ort/`;

/** What a model's fit is judged on: the runtime's limits and the computer's reported memory. */
export function deviceFacts(info: BackendInfo): DeviceFacts {
  const memory = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
  return {
    backend: info.backend,
    maxBufferSize: info.maxBufferSize,
    maxStorageBufferBindingSize: info.maxStorageBufferBindingSize,
    shaderF16: info.shaderF16,
    threads: info.threads,
    ...(typeof memory === 'number' ? { memoryGiB: memory } : {}),
  };
}

function describeAdapter(adapter: GPUAdapter): string {
  const i = adapter.info;
  const parts = [i.vendor, i.architecture, i.description, i.device].filter((s) => s && s.length);
  return parts.length ? parts.join(' ') : 'unknown adapter';
}

function wasmThreads(): number {
  const isolated = typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated;
  if (!isolated) return 1;
  return Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 16));
}

async function loadWasm(reason: string): Promise<LoadedBackend> {
  const ort = (await import('onnxruntime-web/wasm')) as unknown as Ort;
  const threads = wasmThreads();
  ort.env.wasm.wasmPaths = ORT_BASE;
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.simd = true;
  return {
    ort,
    info: {
      backend: 'wasm',
      reason,
      shaderF16: false,
      threads,
      crossOriginIsolated: typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated,
    },
  };
}

/**
 * Chooses the runtime for this worker: WebGPU when an adapter exists (and was not refused),
 * else WebAssembly, with the reason in words. The WASM path loads the plain SIMD+threads build,
 * which is several times faster on the CPU than the WebGPU bundle's fallback path.
 */
async function loadBaseline(): Promise<LoadedBackend> {
  const ort = (await import('onnxruntime-web/webgpu')) as unknown as Ort;
  ort.env.wasm.wasmPaths = ORT_BASE;
  const isolated = typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated;
  return {
    ort,
    info: {
      backend: 'wasm',
      reason: 'WASM: onnxruntime-web default settings (baseline)',
      baseline: true,
      shaderF16: false,
      threads:
        ort.env.wasm.numThreads ?? Math.min(4, Math.ceil((navigator.hardwareConcurrency || 1) / 2)),
      crossOriginIsolated: isolated,
    },
  };
}

export async function loadBackend(preference: BackendPreference): Promise<LoadedBackend> {
  if (preference === 'wasm') return loadWasm('WASM: requested explicitly');
  if (preference === 'wasm-baseline') return loadBaseline();
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return loadWasm('WASM: this browser has no WebGPU (navigator.gpu is missing)');
  const adapter = await gpu
    .requestAdapter({ powerPreference: 'high-performance' })
    .catch((err: unknown) => String(err));
  if (typeof adapter === 'string') {
    return loadWasm(`WASM: asking for a WebGPU adapter failed (${adapter})`);
  }
  if (!adapter) return loadWasm('WASM: this browser has no WebGPU adapter');
  const adapterInfo = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  const fallback =
    (adapterInfo as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined)
      ?.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  if (preference === 'auto' && fallback) {
    // A software adapter (SwiftShader) runs a U-Net far slower than WASM on the same CPU.
    const name = [adapterInfo?.vendor, adapterInfo?.architecture].filter(Boolean).join(' ');
    return loadWasm(
      `WASM: the only WebGPU adapter is a software fallback${name ? ` (${name})` : ''}, slower than WASM`,
    );
  }
  const shaderF16 = adapter.features.has('shader-f16');
  const limits = adapter.limits;
  try {
    const device = await adapter.requestDevice({
      requiredFeatures: shaderF16 ? ['shader-f16'] : [],
      requiredLimits: {
        maxBufferSize: limits.maxBufferSize,
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      },
    });
    void device.lost.then((lost) => {
      // A lost device (driver reset, GPU removed, out of memory) ends this worker: the bridge
      // reports it and the next request starts a fresh worker with a new device (or WASM).
      if (lost.reason === 'destroyed') return;
      setTimeout(() => {
        throw new Error(`the GPU device was lost: ${lost.message || lost.reason}`);
      });
    });
    const ort = (await import('onnxruntime-web/webgpu')) as unknown as Ort;
    ort.env.wasm.wasmPaths = ORT_BASE;
    ort.env.wasm.numThreads = 1;
    ort.env.webgpu.device = device;
    const adapterName = describeAdapter(adapter);
    return {
      ort,
      device,
      info: {
        backend: 'webgpu',
        reason: `WebGPU: ${adapterName}${shaderF16 ? '' : ' (no shader-f16: fp32 only)'}`,
        adapter: adapterName,
        shaderF16,
        threads: 1,
        crossOriginIsolated: typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated,
        maxBufferSize: limits.maxBufferSize,
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      },
    };
  } catch (err) {
    return loadWasm(`WASM: the WebGPU device could not start (${String(err)})`);
  }
}
