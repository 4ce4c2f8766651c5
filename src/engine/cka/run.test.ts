import { describe, expect, it } from 'vitest';
import { staleNote } from '../../core/cka/basis';
import type { CkaMatrixResult } from '../../protocol/cka';
import { DEFAULT_CKA_SETTINGS } from '../../store/slices/cka';
import {
  cancellable,
  deferred,
  fakeUnet,
  pickClass,
  storeWithClassModel,
  storeWithModel,
  tinyDataset,
  until,
} from '../testing/fakes';
import type { JobOptions } from '../workers/bridge';
import { restoreError } from '../workers/errors';
import { createCkaController, currentBasis } from './run';

const RESULT: CkaMatrixResult = {
  values: Float64Array.from([1, 0.5, 0.5, 1]),
  ranOn: 'cpu',
  note: 'test',
  ms: 1,
};

function setup(
  matrix: (options: JobOptions<never>) => Promise<CkaMatrixResult>,
  store = storeWithModel(),
) {
  store.getState().setCkaSettings({
    ...DEFAULT_CKA_SETTINGS,
    kind: 'timesteps',
    n: 4,
    timesteps: [10, 50],
    block: 2,
  });
  const unet = fakeUnet();
  const cka = createCkaController({
    store,
    unet,
    cka: { matrix: (_r, _n, _o, options = {}) => cancellable(matrix(options), options.signal) },
    dataset: async () => tinyDataset(),
    compare: () => {
      throw new Error('no comparison in this test');
    },
  });
  return { store, unet, cka };
}

describe('CKA runs', () => {
  it('gathers one extract per timestep and puts the labelled matrix in the store', async () => {
    const { store, unet, cka } = setup(async () => RESULT);
    await cka.runCka();
    expect(unet.calls.map((c) => [c.req.t, c.req.blocks])).toEqual([
      [10, [2]],
      [50, [2]],
    ]);
    const r = store.getState().cka.result;
    expect(r?.matrix.rowLabels).toEqual(['t = 10', 't = 50']);
    expect(r?.n).toBe(4);
    expect(cka.keptItem(0)).toMatchObject({ size: 2, channels: 1 });
  });

  it('on a conditional model: every extract feeds the class it started with; the title says it', async () => {
    const gate = deferred();
    const { store, unet, cka } = setup(async () => {
      await gate.promise;
      return RESULT;
    }, storeWithClassModel(2));
    const run = cka.runCka();
    await until(() => unet.calls.length === 2);
    pickClass(store, 9);
    gate.resolve();
    await run;
    expect(unet.calls.map((c) => c.options.conditioning)).toEqual([
      [expect.objectContaining({ name: 'y', id: 2 })],
      [expect.objectContaining({ name: 'y', id: 2 })],
    ]);
    expect(store.getState().cka.result?.matrix.title).toMatch(/, n = 4, y: class 2$/);
    // The matrix records class 2, so it is flagged under class 9 and not once class 2 is back.
    const basis = store.getState().cka.result!.basis!;
    expect(basis.conditioning).toEqual([{ name: 'y', role: 'class', class: 2 }]);
    expect(staleNote(basis, currentBasis(store.getState()))).toMatch(
      /the conditioning \(y: class 2 → y: class 9\)/,
    );
    pickClass(store, 2);
    expect(staleNote(basis, currentBasis(store.getState()))).toBeNull();
    store.getState().setSelectedDataset('other');
    expect(staleNote(basis, currentBasis(store.getState()))).toMatch(
      /the dataset \(Fashion-MNIST demo → other\)/,
    );
  });

  it('an unconditional model’s title names no conditioning', async () => {
    const { store, cka } = setup(async () => RESULT);
    await cka.runCka();
    expect(store.getState().cka.result?.matrix.title).toMatch(/, n = 4$/);
  });

  it('a second run aborts the first', async () => {
    const signals: AbortSignal[] = [];
    const gate = deferred();
    const { store, cka } = setup(async (o) => {
      signals.push(o.signal!);
      await gate.promise;
      return RESULT;
    });
    const first = cka.runCka();
    await until(() => signals.length === 1);
    const second = cka.runCka();
    expect(signals[0]!.aborted).toBe(true);
    await until(() => signals.length === 2);
    gate.resolve();
    await Promise.all([first, second]);
    expect(store.getState().cka.status).toBe('done');
  });

  it('an error shows its message and keeps the last matrix', async () => {
    let fail = false;
    const { store, cka } = setup(async () => {
      if (fail) throw restoreError(Object.assign(new Error('out of GPU memory'), {}));
      return RESULT;
    });
    await cka.runCka();
    const kept = store.getState().cka.result;
    fail = true;
    await cka.runCka();
    const s = store.getState().cka;
    expect(s).toMatchObject({ status: 'error', error: 'out of GPU memory' });
    expect(s.result).toBe(kept);
    expect(store.getState().notices.at(-1)?.text).toBe('CKA: out of GPU memory');
  });

  it('a cancel keeps the last matrix and is not an error', async () => {
    const gate = deferred();
    let calls = 0;
    const { store, cka } = setup(async () => {
      if (++calls === 2) await gate.promise;
      return RESULT;
    });
    await cka.runCka();
    const run = cka.runCka();
    await until(() => calls === 2);
    cka.cancelCka();
    gate.resolve();
    await run;
    expect(store.getState().cka).toMatchObject({ status: 'done', error: null });
    expect(store.getState().notices.at(-1)?.text).toBe('CKA cancelled; the last matrix is kept.');
  });
});
