import { describe, expect, it } from 'vitest';
import { TOUR_STEPS } from '../../core/tour/steps';
import { createAppStore } from '../../store';
import { createTourController } from './controller';

const blocks = [1, 2, 3];
const DATA = {
  schemaVersion: 1,
  model: 'fmnist-adm-s',
  modelSha256: 'a'.repeat(64),
  dataset: 'fashion-mnist-demo',
  images: { train: 20, test: 10 },
  generator: 'test',
  sweep: {
    ts: [10, 90],
    blocks,
    pool: 2,
    epochs: 10,
    acc: [
      [0.5, 0.4],
      [0.7, 0.6],
      [0.8, 0.65],
    ],
  },
  heads: [
    { block: 2, t: 10, pool: 2, epochs: 20, testAcc: 0.72 },
    { block: 12, t: 10, pool: 2, epochs: 20, testAcc: 0.86 },
  ],
  cka: {
    t: 90,
    pool: 2,
    n: 30,
    blocks,
    values: [
      [1, 0.9, 0.5],
      [0.9, 1, 0.6],
      [0.5, 0.6, 1],
    ],
  },
  seconds: { features: 60, sweep: 6, heads: 1, cka: 1 },
};
const stepOf = (id: string) => TOUR_STEPS.findIndex((s) => s.id === id);

function setup(data: unknown = DATA) {
  const store = createAppStore();
  const calls: string[] = [];
  let fetches = 0;
  const tour = createTourController({
    store,
    fetchData: () => {
      fetches++;
      return Promise.resolve(data);
    },
    live: {
      trainHead: () => {
        const { block } = store.getState().heads;
        calls.push(`train ${block}`);
        const s = store.getState();
        s.setHeads({ result: { testAcc: block / 100 } as never });
        s.setHeadsRun({ status: 'done' });
        return Promise.resolve();
      },
      runSweep: () => {
        calls.push('sweep');
        store.getState().setSweep({ status: 'done', grid: { blocks: [5], ts: [7], acc: [[0.1]] } });
        return Promise.resolve();
      },
      runCka: () => {
        calls.push('cka');
        return Promise.resolve();
      },
    },
  });
  return { store, tour, calls, fetches: () => fetches };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('the tour controller', () => {
  it('opens each step’s panel and sets what the step shows there', async () => {
    const { store, tour } = setup();
    // A sweep run earlier on a conditional model: its conditioning is not the tour grid's.
    store.getState().setSweep({ conditioning: [{ name: 'y', role: 'class', class: 3 }] });
    tour.startTour();
    await flush();
    let s = store.getState();
    expect(s.tour).toMatchObject({ open: true, step: 0, dataStatus: 'ready' });
    expect(s.panel).toBe('explorer');
    expect(s.explorer.selection).toMatchObject({ block: 12, t: 300 });
    tour.next();
    expect(store.getState().explorer.selection).toMatchObject({ block: 12, t: 90 });
    tour.next();
    s = store.getState();
    expect(s.panel).toBe('heads');
    expect(s.heads).toMatchObject({ block: 12, t: 10, spec: { kind: 'linear', pool: 2 } });
    tour.next();
    s = store.getState();
    expect(s.heads.sweep.status).toBe('done');
    expect(s.heads.sweep.grid).toEqual({ blocks, ts: [10, 90], acc: DATA.sweep.acc });
    expect(s.heads.sweep.detail).toMatch(/^Precomputed/);
    expect(s.heads.sweep.conditioning).toBeNull();
    tour.next();
    s = store.getState();
    expect(s.panel).toBe('cka');
    expect(s.cka.settings).toMatchObject({ kind: 'blocks', t: 90, pool: 2, n: 30 });
    expect(s.cka.result?.note).toContain('precomputed');
    expect(Array.from(s.cka.result!.matrix.values)).toEqual(DATA.cka.values.flat());
    tour.next();
    expect(store.getState().panel).toBe('datasets');
    tour.next(); // stays on the last step
    expect(store.getState().tour.step).toBe(TOUR_STEPS.length - 1);
    tour.back();
    expect(store.getState().tour.step).toBe(TOUR_STEPS.length - 2);
    tour.closeTour();
    expect(store.getState().tour.open).toBe(false);
  });

  it('shows data-backed results once tour.json arrives, and reads it once', async () => {
    const { store, tour, fetches } = setup();
    tour.startTour(stepOf('sweep'));
    expect(store.getState().heads.sweep.grid).toBeNull();
    await flush();
    expect(store.getState().heads.sweep.grid?.blocks).toEqual(blocks);
    tour.goTo(stepOf('cka'));
    tour.goTo(stepOf('sweep'));
    expect(fetches()).toBe(1);
  });

  it('says why when tour.json is not valid, and shows nothing from it', async () => {
    const { store, tour } = setup({ ...DATA, sweep: { ...DATA.sweep, acc: [[2]] } });
    tour.startTour(stepOf('sweep'));
    await flush();
    expect(store.getState().tour.dataStatus).toBe('error');
    expect(store.getState().tour.dataError).toMatch(/sweep\.acc/);
    expect(store.getState().heads.sweep.grid).toBeNull();
  });

  it('never replaces a sweep that runs, nor one recomputed live', async () => {
    const { store, tour, calls } = setup();
    store.getState().setSweep({ status: 'running' });
    tour.startTour(stepOf('sweep'));
    await flush();
    expect(store.getState().heads.sweep.grid).toBeNull();
    store.getState().setSweep({ status: 'idle' });
    tour.goTo(stepOf('sweep'));
    expect(store.getState().heads.sweep.grid?.blocks).toEqual(blocks);
    await tour.recomputeLive();
    expect(calls).toEqual(['sweep']);
    expect(store.getState().tour.source.sweep).toBe('live');
    tour.goTo(stepOf('cka'));
    tour.goTo(stepOf('sweep'));
    expect(store.getState().heads.sweep.grid?.blocks).toEqual([5]);
  });

  it('names the blocks’ stages once the model is in, when the step came first', async () => {
    const { store, tour } = setup();
    tour.startTour(stepOf('cka'));
    await flush();
    expect(store.getState().cka.result?.matrix.rowLabels).toEqual([
      'block 1',
      'block 2',
      'block 3',
    ]);
    const stages = ['encoder', 'middle', 'decoder'] as const;
    const manifest = { blocks: blocks.map((index, i) => ({ index, stage: stages[i] })) };
    store.getState().setModelReady({ kind: 'builtin', id: 'fmnist-adm-s' }, { manifest } as never);
    expect(store.getState().cka.result?.matrix.rowLabels).toEqual([
      'block 1 (encoder)',
      'block 2 (middle)',
      'block 3 (decoder)',
    ]);
  });

  it('recomputes the two heads live, early block first', async () => {
    const { store, tour, calls } = setup();
    tour.startTour(stepOf('heads'));
    await tour.recomputeLive();
    expect(calls).toEqual(['train 2', 'train 12']);
    const t = store.getState().tour;
    expect(t.source.heads).toBe('live');
    expect(t.liveHeads).toEqual([
      { block: 2, testAcc: 0.02 },
      { block: 12, testAcc: 0.12 },
    ]);
    expect(t.recomputing).toBeNull();
  });

  it('leaves a result precomputed when the live job did not finish', async () => {
    const { store, tour, calls } = setup();
    tour.startTour(stepOf('cka'));
    await flush();
    store.getState().setCkaError('cancelled');
    await tour.recomputeLive();
    expect(calls).toEqual(['cka']);
    expect(store.getState().tour.source.cka).toBe('precomputed');
    expect(store.getState().notices.at(-1)?.text).toMatch(/Recompute live/);
  });
});
