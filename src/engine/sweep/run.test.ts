import { describe, expect, it } from 'vitest';
import {
  deferred,
  fakeHeads,
  fakeUnet,
  pickClass,
  storeWithClassModel,
  storeWithModel,
  tinyDataset,
  until,
} from '../testing/fakes';
import { WorkerCrashedError } from '../workers/errors';
import { createSweepController, SWEEP_BATCH } from './run';

function setup(
  options: {
    unet?: ReturnType<typeof fakeUnet>;
    heads?: ReturnType<typeof fakeHeads>;
    store?: ReturnType<typeof storeWithModel>;
  } = {},
) {
  const store = options.store ?? storeWithModel();
  store.getState().setSweep({ ts: [50, 10], pool: 1, epochs: 2, limit: 0 });
  const unet = options.unet ?? fakeUnet();
  const heads = options.heads ?? fakeHeads();
  const events = unet.events;
  const sweep = createSweepController({
    store,
    unet,
    heads: {
      train: (...args: Parameters<typeof heads.train>) => {
        events.push(`train ${heads.calls.length}`);
        return heads.train(...args);
      },
    },
    dataset: async () => tinyDataset(),
  });
  return { store, unet, heads, sweep, events };
}

describe('sweep scheduling', () => {
  it('extracts each t once for all blocks, the next t while this one trains', async () => {
    const { store, unet, sweep, events } = setup();
    await sweep.runSweep();
    expect(unet.calls.map((c) => [c.req.t, c.req.blocks])).toEqual([
      [10, [1, 2, 3]],
      [50, [1, 2, 3]],
    ]);
    // t = 50's features are asked for before t = 10's probes train.
    expect(events.slice(0, 4)).toEqual([
      'extract t=10 start',
      'extract t=10 end',
      'extract t=50 start',
      'train 0',
    ]);
    expect(events.filter((e) => e.startsWith('train'))).toHaveLength(6);
    const s = store.getState().heads.sweep;
    expect(s.status).toBe('done');
    expect(s.grid?.acc).toEqual([
      [0.5, 0.5],
      [0.5, 0.5],
      [0.5, 0.5],
    ]);
    expect(sweep.lastSweepStats()).toMatchObject({
      status: 'done',
      cells: 6,
      blocks: 3,
      timesteps: [10, 50],
      images: { train: 4, test: 2 },
      passes: 12,
      forwardCalls: 2,
    });
    // What "Export sweep result" writes next to the cells: the model, the dataset read, settings.
    const manifest = store.getState().model.summary!.manifest!;
    expect(s.record).toMatchObject({
      format: 'diffprobe-sweep',
      model: { id: manifest.id, sha256: manifest.sha256, file: manifest.file },
      dataset: { id: 'demo', source: 'tiny', classes: ['a', 'b'], images: { train: 4, test: 2 } },
      split: { kind: 'dataset', testFraction: null },
      pool: 1,
      train: { epochs: 2 },
      blocks: [1, 2, 3],
      ts: [10, 50],
      shards: { count: 1, size: 6 },
    });
    expect(s.record?.conditioning).toBeUndefined();
    expect(store.getState().jobs).toEqual({});
  });

  it('extracts in batches of the sweep batch size, or the one asked for, with the cache choice', async () => {
    const a = setup();
    await a.sweep.runSweep();
    expect(a.unet.calls.map((c) => c.options.batchSize)).toEqual([SWEEP_BATCH, SWEEP_BATCH]);
    expect(a.unet.calls.every((c) => c.options.useCache === true)).toBe(true);
    const b = setup();
    await b.sweep.runSweep({ batchSize: 8, useCache: false });
    expect(b.unet.calls.map((c) => c.options.batchSize)).toEqual([8, 8]);
    expect(b.unet.calls.every((c) => c.options.useCache === false)).toBe(true);
    expect(b.sweep.lastSweepStats()?.batchSize).toBe(8);
  });

  it('trains on at most `limit` images per class and split', async () => {
    const { store, unet, sweep } = setup();
    store.getState().setSweep({ limit: 1 });
    await sweep.runSweep();
    // 1 per class: 2 train + 2 test images per extract call.
    expect(unet.calls[0]!.items.map((i) => i.id)).toEqual(['t0', 't1', 's0', 's1']);
  });

  it('a cancel stops after the probe in flight and keeps the grid so far', async () => {
    const third = deferred();
    const heads = fakeHeads((i) => (i === 2 ? third.promise : Promise.resolve()));
    const { store, sweep } = setup({ heads });
    const run = sweep.runSweep();
    await until(() => heads.calls.length === 3);
    sweep.cancelSweep();
    await run;
    expect(heads.calls).toHaveLength(3);
    expect(heads.calls[2]!.signal?.aborted).toBe(true);
    const s = store.getState().heads.sweep;
    expect(s.status).toBe('cancelled');
    expect(s.detail).toBe('Cancelled after 2 of 6 probes.');
    expect(sweep.lastSweepStats()?.status).toBe('cancelled');
    expect(store.getState().jobs).toEqual({});
  });

  it('a second sweep cancels the first', async () => {
    const gate = deferred();
    const unet = fakeUnet(() => gate.promise);
    const { sweep } = setup({ unet });
    const first = sweep.runSweep();
    await until(() => unet.calls.length === 1);
    const second = sweep.runSweep();
    expect(unet.calls[0]!.options.signal?.aborted).toBe(true);
    gate.resolve();
    await Promise.all([first, second]);
    expect(sweep.lastSweepStats()?.status).toBe('done');
  });

  it('a failed extraction ends the sweep with its message', async () => {
    const unet = fakeUnet();
    unet.failWith = new Error('the model returned no features');
    const { store, sweep } = setup({ unet });
    await sweep.runSweep();
    expect(store.getState().heads.sweep).toMatchObject({
      status: 'error',
      error: 'the model returned no features',
    });
    expect(store.getState().notices.at(-1)?.text).toBe(
      'The sweep failed: the model returned no features',
    );
  });

  it('refuses timesteps outside the schedule before running anything', async () => {
    const { store, unet, sweep } = setup();
    store.getState().setSweep({ ts: [100] });
    await sweep.runSweep();
    expect(unet.calls).toHaveLength(0);
    expect(store.getState().notices.at(-1)?.text).toMatch(/^Cannot sweep: timestep 100/);
  });
});

describe('the sweep on a conditional model', () => {
  it('feeds the conditioning it started with at every t, and records it', async () => {
    const gate = deferred();
    const unet = fakeUnet((call) => (call.req.t === 10 ? gate.promise : Promise.resolve()));
    const { store, sweep } = setup({ unet, store: storeWithClassModel(3) });
    const run = sweep.runSweep();
    await until(() => unet.calls.length === 1);
    expect(store.getState().heads.sweep.conditioning).toEqual([
      { name: 'y', role: 'class', class: 3 },
    ]);
    // The class changes while the first t is extracted: the sweep keeps class 3.
    pickClass(store, 7);
    gate.resolve();
    await run;
    expect(unet.calls.map((c) => c.options.conditioning)).toEqual([
      [expect.objectContaining({ name: 'y', id: 3 })],
      [expect.objectContaining({ name: 'y', id: 3 })],
    ]);
    expect(sweep.lastSweepStats()?.conditioning).toEqual([{ name: 'y', role: 'class', class: 3 }]);
    expect(store.getState().heads.sweep).toMatchObject({
      status: 'done',
      conditioning: [{ name: 'y', role: 'class', class: 3 }],
      // The exported file records it too.
      record: { conditioning: [{ name: 'y', role: 'class', class: 3 }] },
    });
  });

  it('records no conditioning for an unconditional model', async () => {
    const { store, sweep } = setup();
    await sweep.runSweep();
    expect(sweep.lastSweepStats()?.conditioning).toEqual([]);
    expect(store.getState().heads.sweep.conditioning).toBeNull();
  });
});

describe('a model worker that dies during the sweep', () => {
  it('is told as such, with Retry; a retry runs the sweep again', async () => {
    const unet = fakeUnet();
    unet.failWith = new WorkerCrashedError('model', 'killed');
    const { store, sweep } = setup({ unet });
    await sweep.runSweep();
    const s = store.getState().heads.sweep;
    expect(s.status).toBe('error');
    expect(s.error).toBe(
      'The model worker stopped during the sweep, after 0 of 6 probes. Retry resumes it: the features already computed come from the cache.',
    );
    expect(store.getState().notices.map((n) => n.text)).toEqual([s.error]);
    unet.failWith = null;
    await sweep.runSweep();
    expect(store.getState().heads.sweep).toMatchObject({ status: 'done', error: null });
  });
});
