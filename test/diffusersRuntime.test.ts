/**
 * The worker's ModelRuntime (on onnxruntime-node's CPU provider, the same API as ORT-web) feeds a
 * rank-0 timestep of a diffusers-style export the one t its batch shares, in the input's dtype;
 * and the app's loader describes such an export without a manifest.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { proposeBlocks } from '../src/core/onnx/blocks';
import { pruneToOutputs, withOutputs } from '../src/core/onnx/edit';
import type { LoadedBackend } from '../workers/ort/backend';
import { ModelRuntime } from '../workers/ort/modelRuntime';
import { describeUnknownModel, scalarInputs } from '../workers/unet/describeUnknownModel';
import { contextData, diffusersModel, type DiffusersTimestep } from './diffusersUnet';

const backend = {
  ort,
  info: { backend: 'cpu', reason: 'test', shaderF16: false, threads: 1 },
} as unknown as LoadedBackend;

async function run(kind: DiffusersTimestep, t: number[], ctx = 0.5) {
  const raw = diffusersModel(kind);
  const blocks = proposeBlocks(raw).blocks.map((b) => b.output);
  const bytes = withOutputs(raw, ['out_sample', ...blocks]);
  const rt = new ModelRuntime(
    backend,
    bytes,
    [],
    pruneToOutputs,
    'batch',
    2,
    {},
    scalarInputs(bytes),
  );
  const n = t.length;
  try {
    const out = await rt.forward(
      {
        sample: {
          data: Float32Array.from({ length: n * 256 }, (_, i) => Math.sin(i * 0.3)),
          dims: [n, 1, 16, 16],
        },
        timestep: {
          data: Float32Array.from(t),
          dims: [n],
          type: kind.endsWith('int64') ? 'int64' : 'float32',
        },
        encoder_hidden_states: {
          data: contextData((_, i) => ctx * Math.cos(i), n),
          dims: [n, 77, 32],
        },
      },
      [blocks[3]!, 'out_sample'],
    );
    return { block4: Array.from(out[blocks[3]!]!.data), eps: Array.from(out.out_sample!.data) };
  } finally {
    await rt.release();
  }
}

describe('a rank-0 timestep', () => {
  it('is fed the batch’s shared t, int64 or float32, as a [batch] timestep is', async () => {
    const ref = await run('batch-float', [40, 40]);
    for (const kind of ['scalar-int64', 'scalar-float', 'batch-int64'] as const) {
      const got = await run(kind, [40, 40]);
      got.eps.forEach((v, i) => expect(v).toBeCloseTo(ref.eps[i]!, 5));
    }
    // t matters (so the comparison above could fail) and so does the context.
    const other = await run('scalar-int64', [900, 900]);
    expect(other.eps.some((v, i) => Math.abs(v - ref.eps[i]!) > 1e-4)).toBe(true);
    const ctx = await run('scalar-int64', [40, 40], -1);
    expect(ctx.block4.some((v, i) => Math.abs(v - ref.block4[i]!) > 1e-4)).toBe(true);
  });

  it('refuses a batch whose items have different t, naming the input', async () => {
    await expect(run('scalar-int64', [40, 41])).rejects.toThrow(
      "input 'timestep' is a scalar (rank 0): every item of a batch must share one value",
    );
  });

  it('lets the app describe a bare diffusers export: out_sample is eps, t int64, context [77, 32]', async () => {
    for (const kind of ['scalar-int64', 'batch-float'] as const) {
      const bytes = diffusersModel(kind);
      const { manifest } = await describeUnknownModel(
        backend,
        {
          manifest: null,
          model: bytes,
          sha256: '0'.repeat(64),
          name: 'unet.onnx',
          externalData: [],
        },
        undefined,
      );
      expect(manifest.outputs).toEqual({ eps: 'out_sample' });
      expect(manifest.inputs).toEqual({
        x: 'sample',
        t: 'timestep',
        tDtype: kind === 'scalar-int64' ? 'int64' : 'float32',
        conditioning: [
          { name: 'encoder_hidden_states', role: 'context', dtype: 'float32', shape: [77, 32] },
        ],
      });
      expect(manifest.image).toEqual({ size: 16, channels: 1, range: [-1, 1] });
      expect(manifest.blocks.map((b) => [b.stage, b.channels, b.height])).toEqual([
        ['encoder', 4, 16],
        ['encoder', 4, 16],
        ['encoder', 4, 8],
        ['encoder', 8, 8],
        ['middle', 8, 8],
        ['decoder', 8, 8],
        ['decoder', 4, 16],
        ['decoder', 4, 16],
      ]);
    }
  });

  it('refuses a bare latent export (4-channel sample) with what to give instead', async () => {
    const bytes = diffusersModel('scalar-int64', 4);
    await expect(
      describeUnknownModel(
        backend,
        { manifest: null, model: bytes, sha256: '0'.repeat(64), name: 'sd.onnx', externalData: [] },
        undefined,
      ),
    ).rejects.toThrow(
      "sd.onnx takes 4-channel samples ('sample'), not images of 1 or 3 channels: a latent U-Net. Give it a manifest.json that names its encoder",
    );
  });
});
