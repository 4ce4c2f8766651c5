import { maxRelativeError } from '../../core/compare';
import type { BackendInfo, BackendName, TensorMap } from '../../protocol/model';
import { createUnetBridge } from '../workers/create';
import { userMessage } from '../workers/errors';
import { UnetEngine } from '../workers/unetEngine';

/** The self-test model: a tiny conv net whose intermediate activations are graph outputs. */
const BASE = `${import.meta.env.BASE_URL}selftest/`;

/** reference.json, written by tools/ (diffprobe_tools.tiny) from PyTorch. */
interface Reference {
  inputs: { x: { shape: number[]; data: number[] } };
  outputs: Record<string, { shape: number[]; data: number[] }>;
}

export interface BackendCheck {
  requested: BackendName;
  info: BackendInfo | null;
  ran: boolean;
  error: string | null;
  ms: number;
  /** max relative error of each output against the PyTorch reference. */
  errors: Record<string, number>;
  outputs: TensorMap;
}

export interface SystemReport {
  crossOriginIsolated: boolean;
  checks: BackendCheck[];
  /** max relative difference WebGPU vs WASM over all outputs, when both ran. */
  agreement: number | null;
}

async function checkOne(requested: BackendName, ref: Reference): Promise<BackendCheck> {
  const engine = new UnetEngine(createUnetBridge(), requested);
  const result: BackendCheck = {
    requested,
    info: null,
    ran: false,
    error: null,
    ms: 0,
    errors: {},
    outputs: {},
  };
  try {
    result.info = await engine.backend();
    if (result.info.backend !== requested) {
      result.error = result.info.reason;
      return result;
    }
    await engine.load({ kind: 'onnx-url', url: `${BASE}model.onnx` });
    const names = Object.keys(ref.outputs);
    const t0 = performance.now();
    const out = await engine.run(
      { x: { data: Float32Array.from(ref.inputs.x.data), dims: ref.inputs.x.shape } },
      names,
    );
    result.ms = performance.now() - t0;
    for (const name of names) {
      result.errors[name] = maxRelativeError(out[name]!.data, ref.outputs[name]!.data);
    }
    result.outputs = out;
    result.ran = true;
  } catch (err) {
    result.error = userMessage(err);
  } finally {
    engine.dispose();
  }
  return result;
}

/** Runs the self-test model on WebGPU and on WASM, against PyTorch's outputs and each other. */
export async function runSystemCheck(): Promise<SystemReport> {
  const res = await fetch(`${BASE}reference.json`);
  if (!res.ok) throw new Error(`the self-test reference is missing (HTTP ${res.status})`);
  const ref = (await res.json()) as Reference;
  const checks = [await checkOne('webgpu', ref), await checkOne('wasm', ref)];
  const [gpu, cpu] = checks as [BackendCheck, BackendCheck];
  let agreement: number | null = null;
  if (gpu.ran && cpu.ran) {
    agreement = 0;
    for (const name of Object.keys(ref.outputs)) {
      agreement = Math.max(
        agreement,
        maxRelativeError(gpu.outputs[name]!.data, cpu.outputs[name]!.data),
      );
    }
  }
  return {
    crossOriginIsolated: typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated,
    checks,
    agreement,
  };
}
