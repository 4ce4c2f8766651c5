import { describe, expect, it } from 'vitest';
import type { ErrorKind } from '../../protocol/errors';
import type { ModelSummary } from '../../protocol/model';
import { deferred, storeWithModel, SUMMARY, until } from '../testing/fakes';
import { restoreError } from '../workers/errors';
import { createModelLoader } from './load';

/** A model client whose load fails as a worker's would: an error with a kind, rebuilt. */
function failingEngine(kind: ErrorKind, message: string) {
  return {
    load: async (): Promise<ModelSummary> => {
      throw restoreError(Object.assign(new Error(message), { kind }));
    },
  };
}

describe('model loading', () => {
  it.each([
    ['model-load', 'model.onnx is not an ONNX model.'],
    ['model-integrity', 'model.onnx does not match its manifest (sha256).'],
    ['manifest', 'The model manifest is not valid: blocks is missing.'],
  ] as const)('a %s error shows its message and keeps the running model', async (kind, msg) => {
    const store = storeWithModel();
    const loader = createModelLoader({ store, engine: failingEngine(kind, msg) });
    const ok = await loader.loadModel(
      { kind: 'user', name: 'bad.onnx' },
      { kind: 'files', files: [] },
    );
    expect(ok).toBe(false);
    const m = store.getState().model;
    expect(m).toMatchObject({ status: 'ready', error: msg, summary: SUMMARY });
    expect(store.getState().notices.at(-1)).toMatchObject({ kind: 'error', text: msg });
  });

  it('a newer load wins over an older one that finishes later', async () => {
    const store = storeWithModel();
    const slow = deferred<ModelSummary>();
    const loads = [slow.promise, Promise.resolve({ ...SUMMARY, name: 'new.onnx' })];
    const loader = createModelLoader({ store, engine: { load: () => loads.shift()! } });
    const first = loader.loadBuiltinModel('old');
    const second = loader.loadBuiltinModel('new');
    await second;
    await until(() => store.getState().model.status === 'ready');
    slow.resolve({ ...SUMMARY, name: 'old.onnx' });
    await first;
    expect(store.getState().model.summary?.name).toBe('new.onnx');
    expect(store.getState().model.choice).toEqual({ kind: 'builtin', id: 'new' });
  });

  it('an .onnx without a manifest goes with its schedule and the block names the user gave', async () => {
    const store = storeWithModel();
    const calls: unknown[] = [];
    const loader = createModelLoader({
      store,
      engine: {
        load: (source, options) => {
          calls.push({ source, schedule: options?.schedule, blockNames: options?.blockNames });
          return Promise.resolve({ ...SUMMARY, name: 'mine.onnx' });
        },
      },
    });
    const file = new File([new Uint8Array(4)], 'mine.onnx');
    const schedule = { kind: 'linear' as const, T: 500, betaStart: 1e-4, betaEnd: 0.02 };
    expect(
      await loader.loadModelFiles([file], schedule, { '/mid/Add_output_0': 'bottleneck' }),
    ).toBe(true);
    expect(calls).toEqual([
      {
        source: { kind: 'files', files: [{ name: 'mine.onnx', bytes: file }] },
        schedule,
        blockNames: { '/mid/Add_output_0': 'bottleneck' },
      },
    ]);
    expect(store.getState().model.choice).toEqual({ kind: 'user', name: 'mine.onnx' });
  });
});
