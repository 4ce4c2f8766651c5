import { describe, expect, it } from 'vitest';
import { restoreError } from '../workers/errors';
import {
  deferred,
  fakeHeads,
  fakeUnet,
  MANIFEST,
  pickClass,
  storeWithClassModel,
  storeWithModel,
  tinyDataset,
  until,
} from '../testing/fakes';
import type { TrainedHead } from '../../core/heads/format';
import { createHeadTrainer, headBlockFor } from './train';

function setup(unet = fakeUnet(), heads = fakeHeads(), store = storeWithModel()) {
  store.getState().setHeads({ block: 2, t: 10 });
  const stored: TrainedHead[] = [];
  const trainer = createHeadTrainer({
    store,
    unet,
    heads,
    dataset: async () => tinyDataset(),
    storage: { put: async (h: TrainedHead) => void stored.push(h) },
  });
  return { store, unet, heads, trainer, stored };
}

const SAVED = {
  id: 'old',
  name: 'kept head',
  modelId: 'tiny-unet',
  block: 1,
  t: 5,
  description: 'linear',
  testAcc: 0.9,
  createdAt: '2026-01-01',
};

describe('head training', () => {
  it('extracts the block at t, trains, stores and lists the head', async () => {
    const { store, unet, trainer, stored } = setup();
    await trainer.trainCurrentHead();
    expect(unet.calls.map((c) => [c.req.t, c.req.blocks, c.req.seed])).toEqual([[10, [2], 0]]);
    const h = store.getState().heads;
    expect(h.run.status).toBe('done');
    expect(h.result?.testAcc).toBe(1);
    expect(stored).toHaveLength(1);
    expect(h.saved[0]?.id).toBe(stored[0]!.id);
    expect(h.activeHeadId).toBe(stored[0]!.id);
    expect(stored[0]).toMatchObject({ block: 2, t: 10, channels: 2, model: { id: 'tiny-unet' } });
    expect(store.getState().jobs).toEqual({});
  });

  it('a second training aborts the first', async () => {
    const gate = deferred();
    const unet = fakeUnet(() => gate.promise);
    const { store, trainer } = setup(unet);
    const first = trainer.trainCurrentHead();
    await until(() => unet.calls.length === 1);
    const second = trainer.trainCurrentHead();
    expect(unet.calls[0]!.options.signal?.aborted).toBe(true);
    await until(() => unet.calls.length === 2);
    expect(unet.calls[1]!.options.signal?.aborted).toBe(false);
    gate.resolve();
    await Promise.all([first, second]);
    expect(store.getState().heads.run.status).toBe('done');
  });

  it('a cancel says so and is not an error', async () => {
    const gate = deferred();
    const unet = fakeUnet(() => gate.promise);
    const { store, trainer } = setup(unet);
    const run = trainer.trainCurrentHead();
    await until(() => unet.calls.length === 1);
    trainer.cancelTraining();
    await run;
    expect(store.getState().heads.run).toMatchObject({ status: 'cancelled', error: null });
    expect(store.getState().notices).toEqual([]);
  });

  it('a worker error shows its message and keeps the stored heads', async () => {
    const unet = fakeUnet();
    unet.failWith = restoreError(
      Object.assign(new Error('Storage is full'), { kind: 'dataset-quota' }),
    );
    const { store, trainer, stored } = setup(unet);
    store.getState().setHeads({ saved: [SAVED], activeHeadId: 'old' });
    await trainer.trainCurrentHead();
    const h = store.getState().heads;
    expect(h.run).toMatchObject({ status: 'error', error: 'Storage is full' });
    expect(h.saved).toEqual([SAVED]);
    expect(h.activeHeadId).toBe('old');
    expect(stored).toEqual([]);
    expect(store.getState().notices.at(-1)?.text).toBe('Training failed: Storage is full');
  });

  it('refuses a block the model does not have', async () => {
    const { store, unet, trainer } = setup();
    store.getState().setHeads({ block: 9 });
    await trainer.trainCurrentHead();
    expect(unet.calls).toHaveLength(0);
    expect(store.getState().notices.at(-1)?.text).toBe('Cannot train: the model has no block 9');
  });

  it('says how many features were computed and how many came from the cache', async () => {
    const { store, trainer } = setup();
    await trainer.trainCurrentHead();
    expect(store.getState().heads.run.detail).toBe(
      'Test accuracy 100.00% · features of 6 images: 6 computed, 0 from the cache',
    );
  });

  it('feeds and records the conditioning it started with, shown with the head', async () => {
    const gate = deferred();
    const unet = fakeUnet(() => gate.promise);
    const { store, trainer, stored } = setup(unet, fakeHeads(), storeWithClassModel(4));
    const run = trainer.trainCurrentHead();
    await until(() => unet.calls.length === 1);
    pickClass(store, 8); // the picker moves while the features are extracted
    gate.resolve();
    await run;
    expect(unet.calls[0]!.options.conditioning).toEqual([
      expect.objectContaining({ name: 'y', id: 4 }),
    ]);
    expect(stored[0]!.conditioning).toEqual([{ name: 'y', role: 'class', class: 4 }]);
    const h = store.getState().heads;
    expect(h.saved[0]!.name).toBe('Linear, pool 2 · block 2 · t=10 · y: class 4');
    expect(h.result!.title).toBe('Linear, pool 2 · block 2 · t=10 · y: class 4');
  });

  it('tells the user to load a diffusion U-Net first', async () => {
    const { store, trainer } = setup();
    const summary = store.getState().model.summary!;
    store.getState().setModelReady({ kind: 'builtin', id: 'x' }, { ...summary, manifest: null });
    await trainer.trainCurrentHead();
    expect(store.getState().notices.at(-1)?.text).toBe(
      'Load a diffusion U-Net with a manifest first.',
    );
  });
});

describe('the head block on another model', () => {
  it('keeps a block the model has, else takes its middle block', () => {
    expect(headBlockFor(MANIFEST, 2)).toBe(2);
    expect(headBlockFor(MANIFEST, 12)).toBe(2);
    const withMiddle = {
      blocks: [1, 2, 3, 4].map((index) => ({
        ...MANIFEST.blocks[0]!,
        index,
        stage: index === 3 ? ('middle' as const) : ('encoder' as const),
      })),
    };
    expect(headBlockFor(withMiddle, 12)).toBe(3);
  });
});
