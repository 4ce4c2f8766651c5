import * as tf from '@tensorflow/tfjs-core';
import type { Tf } from './model';

export type HeadsBackendName = 'webgpu' | 'wasm' | 'cpu';
export type HeadsBackendPreference = 'auto' | HeadsBackendName;

export interface HeadsBackendInfo {
  backend: HeadsBackendName;
  /** Why this backend trains the heads, for the UI. */
  reason: string;
  threads: number;
}

/** tfjs-backend-wasm's .wasm files, served from the app's own origin (build/tfjs-assets.ts). */
const TFJS_BASE = `${import.meta.env.BASE_URL}tfjs/`;

async function tryWebgpu(): Promise<string | null> {
  if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu)
    return 'this browser has no WebGPU';
  const adapter = await navigator.gpu.requestAdapter().catch(() => null);
  if (!adapter) return 'no WebGPU adapter';
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu').catch(() => false)))
    return 'the WebGPU backend did not start';
  return null;
}

async function tryWasm(): Promise<string | null> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // One thread: tfjs's pthread workers are built from a stringified function that a minified
  // bundle breaks ("e is not defined"), and the two cores are busy with the U-Net anyway.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  wasm.setWasmPaths(new URL(TFJS_BASE, self.location.origin).href);
  if (!(await tf.setBackend('wasm').catch(() => false))) return 'the WASM backend did not start';
  return null;
}

/** Starts tfjs on WebGPU when there is an adapter, else WASM, else the plain JS CPU backend. */
export async function startBackend(
  preference: HeadsBackendPreference,
): Promise<{ tf: Tf; info: HeadsBackendInfo }> {
  const why: string[] = [];
  if (preference === 'auto' || preference === 'webgpu') {
    const failed = await tryWebgpu();
    if (!failed)
      return { tf, info: { backend: 'webgpu', reason: 'WebGPU adapter found', threads: 1 } };
    why.push(failed);
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
