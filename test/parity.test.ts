import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { maxRelativeError } from '../src/core/compare';
import { adaptiveAvgPool2d } from '../src/core/pool';
import { qSampleBatch } from '../src/core/qsample';
import { makeSchedule, PAPER_SCHEDULE } from '../src/core/schedule';
import { fixture, MODEL_DIR, parityIndex, pooledBlock } from './fixtures';

const index = parityIndex();
const sched = makeSchedule(PAPER_SCHEDULE);

describe('parity with the PyTorch fixtures from tools/', () => {
  it('were made from the shipped model file', () => {
    const bytes = readFileSync(`${MODEL_DIR}/${index.model.file}`);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(index.model.sha256);
  });

  it('q_sample gives the fixtures x_t from x0 and the stored noise', () => {
    const x0 = fixture('x0.npy');
    const noise = fixture('noise.npy');
    for (const t of index.timesteps) {
      const n = x0.shape[0]!;
      const xt = qSampleBatch(x0.data, noise.data, sched, new Array<number>(n).fill(t));
      expect(maxRelativeError(xt, fixture(`xt_t${t}.npy`).data)).toBeLessThan(1e-6);
    }
  });

  it('adaptive pooling of the full block outputs gives the pooled fixtures', () => {
    const pooled = fixture(`pooled2_t${index.fullBlocks.t}.npy`);
    for (const block of index.fullBlocks.blocks) {
      const full = fixture(`block_${block}_t${index.fullBlocks.t}.npy`);
      const info = index.pooled2.blocks.find((b) => b.block === block)!;
      const mine = adaptiveAvgPool2d(full.data, full.shape as [number, number, number, number], 2);
      expect(
        maxRelativeError(mine, pooledBlock(pooled, info.channelStart, info.channels)),
      ).toBeLessThan(1e-6);
    }
  });

  it('onnxruntime-node (the headless CLI runtime) matches every block to 1e-4', async () => {
    const session = await ort.InferenceSession.create(`${MODEL_DIR}/${index.model.file}`);
    for (const t of index.timesteps) {
      const xt = fixture(`xt_t${t}.npy`);
      const n = xt.shape[0]!;
      const out = await session.run({
        x: new ort.Tensor('float32', xt.data, xt.shape),
        t: new ort.Tensor('float32', new Float32Array(n).fill(t), [n]),
      });
      expect(
        maxRelativeError(out.eps!.data as Float32Array, fixture(`eps_t${t}.npy`).data),
      ).toBeLessThan(1e-4);
      const pooled = fixture(`pooled2_t${t}.npy`);
      for (const b of index.pooled2.blocks) {
        const o = out[b.output]!;
        const mine = adaptiveAvgPool2d(
          o.data as Float32Array,
          o.dims as [number, number, number, number],
          2,
        );
        const err = maxRelativeError(mine, pooledBlock(pooled, b.channelStart, b.channels));
        expect(err, `block ${b.block} at t=${t}`).toBeLessThan(index.tolerance.relative);
      }
    }
  });
});
