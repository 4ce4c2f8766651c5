import * as tf from '@tensorflow/tfjs-core';
import type { HeadsBackendInfo, HeadsBackendPreference } from '../../src/protocol/heads';
import type { Tf } from './model';
import { registerWasmConv2dFilterGrad } from './wasmConvGrad';

/** tfjs-backend-wasm's .wasm files, served from the app's own origin (build/tfjs-assets.ts). */
const TFJS_BASE = `${import.meta.env.BASE_URL}tfjs/`;

/** The adapter's name in words ("google swiftshader"), for the reason shown in the UI. */
function adapterName(adapter: GPUAdapter): string {
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  return [info?.vendor, info?.architecture].filter((s) => s && s.length).join(' ');
}

/** A software adapter (Chromium's SwiftShader) is flagged as a fallback adapter. */
function isFallback(adapter: GPUAdapter): boolean {
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info as
    (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined;
  return Boolean(
    info?.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter,
  );
}

/**
 * Starts tfjs on WebGPU; says whether it runs and why. With `auto`, a software fallback
 * adapter is refused: it trains far slower than WASM on the same CPU (the U-Net's engine refuses
 * it too). Asking for 'webgpu' explicitly still uses it.
 */
async function tryWebgpu(
  preference: HeadsBackendPreference,
): Promise<{ ok: boolean; reason: string }> {
  if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu)
    return { ok: false, reason: 'this browser has no WebGPU' };
  const adapter = await navigator.gpu.requestAdapter().catch(() => null);
  if (!adapter) return { ok: false, reason: 'no WebGPU adapter' };
  const name = adapterName(adapter);
  const named = name ? ` (${name})` : '';
  const software = isFallback(adapter);
  if (preference === 'auto' && software)
    return {
      ok: false,
      reason: `the only WebGPU adapter is a software fallback${named}, slower than WASM`,
    };
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu').catch(() => false)))
    return { ok: false, reason: 'the WebGPU backend did not start' };
  const kind = software ? 'software fallback adapter' : 'adapter';
  const asked = preference === 'webgpu' ? 'requested; ' : '';
  return { ok: true, reason: `${asked}WebGPU ${kind}${named}` };
}

async function tryWasm(): Promise<string | null> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // One thread: tfjs's pthread workers are built from a stringified function that a minified
  // bundle breaks ("e is not defined"), and the two cores are busy with the U-Net anyway.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  wasm.setWasmPaths(new URL(TFJS_BASE, self.location.origin).href);
  registerWasmConv2dFilterGrad();
  if (!(await tf.setBackend('wasm').catch(() => false))) return 'the WASM backend did not start';
  return null;
}

/**
 * Starts tfjs on WebGPU when there is a hardware adapter (or 'webgpu' is asked for), else WASM,
 * else the plain JS CPU backend.
 */
export async function startBackend(
  preference: HeadsBackendPreference,
): Promise<{ tf: Tf; info: HeadsBackendInfo }> {
  const why: string[] = [];
  if (preference === 'auto' || preference === 'webgpu') {
    const gpu = await tryWebgpu(preference);
    if (gpu.ok) return { tf, info: { backend: 'webgpu', reason: gpu.reason, threads: 1 } };
    why.push(gpu.reason);
  }
  if (preference !== 'cpu') {
    const failed = await tryWasm();
    if (!failed) {
      const threads = (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount();
      const reason = preference === 'wasm' ? 'requested' : `WASM: ${why.join(', ')}`;
      return { tf, info: { backend: 'wasm', reason, threads } };
    }
    why.push(failed);
  }
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  const reason = preference === 'cpu' ? 'requested' : `CPU: ${why.join(', ')}`;
  return { tf, info: { backend: 'cpu', reason, threads: 1 } };
}
