import { describe, expect, it } from 'vitest';
import type { DatasetMeta, ImportResult } from '../../protocol/datasets';
import { storeWithModel } from '../testing/fakes';
import { restoreError } from '../workers/errors';
import { createDatasetsController } from './actions';

const META = { id: 'kept', name: 'kept set', classes: [] } as unknown as DatasetMeta;

function engineFailing(kind: 'dataset-quota' | 'dataset-source', message: string) {
  return {
    import: () => ({
      result: Promise.reject(restoreError(Object.assign(new Error(message), { kind }))),
      cancel: () => undefined,
    }),
    list: async () => ({ datasets: [META], skipped: [] }),
    update: async () => META,
    remove: async () => undefined,
  };
}

describe('dataset import errors', () => {
  it.each([
    [
      'dataset-quota',
      'The browser’s storage is full (2.0 GB of 2.0 GB used); 120 images were kept.',
    ],
    ['dataset-source', 'not a zip file (too short)'],
  ] as const)('a %s error is told to the user and the stored list stays', async (kind, msg) => {
    const store = storeWithModel();
    store.getState().setDatasetList([META]);
    const ctl = createDatasetsController({ store, engine: engineFailing(kind, msg) });
    const result: ImportResult | null = await ctl.importDataset({
      kind: 'url',
      name: 'set.zip',
      url: 'x',
    });
    expect(result).toBeNull();
    expect(store.getState().notices.at(-1)).toMatchObject({
      kind: 'error',
      text: `“set.zip” could not be imported: ${msg}`,
    });
    expect(store.getState().datasets.list).toEqual([META]);
    expect(store.getState().datasets.importing).toBeNull();
  });
});

describe('what an import that keeps nothing, and unreadable records, tell the user', () => {
  const empty = {
    ...META,
    name: 'bomb_size',
    count: 0,
    skipped: [
      { path: 'a/1.png', reason: 'corrupt or unsupported image' },
      { path: 'a/2.png', reason: 'the file is too large' },
    ],
    skippedCount: 2,
    duplicateCount: 0,
  } as DatasetMeta;

  it('names the skipped files once, without repeating itself', async () => {
    const store = storeWithModel();
    const ctl = createDatasetsController({
      store,
      engine: {
        import: () => ({
          result: Promise.resolve({ meta: empty, cancelled: false, ms: 1 }),
          cancel: () => undefined,
        }),
        list: async () => ({ datasets: [], skipped: [] }),
        update: async () => META,
        remove: async () => undefined,
      },
    });
    await ctl.importDataset({ kind: 'url', name: 'bomb_size', url: 'x' });
    const texts = store.getState().notices.map((n) => n.text);
    expect(texts).toEqual([
      'Nothing was imported from “bomb_size”: 2 files skipped (a/1.png: corrupt or unsupported image; a/2.png: the file is too large). No dataset was kept.',
    ]);
    expect(store.getState().datasets.list).toEqual([]);
  });

  it('tells each unreadable record once and lists the readable ones', async () => {
    const store = storeWithModel();
    const skipped = [{ key: 'ds-bad', reason: 'its classes are not a list' }];
    const ctl = createDatasetsController({
      store,
      engine: {
        import: () => ({ result: new Promise(() => undefined), cancel: () => undefined }),
        list: async () => ({ datasets: [META], skipped }),
        update: async () => META,
        remove: async () => undefined,
      },
    });
    await ctl.refreshDatasets();
    await ctl.refreshDatasets();
    expect(store.getState().datasets.list).toEqual([META]);
    const warnings = store.getState().notices.filter((n) => n.kind === 'warning');
    expect(warnings.map((n) => n.text)).toEqual([
      'A stored dataset record could not be read and is skipped: ds-bad (its classes are not a list). The other datasets are unaffected.',
    ]);
  });
});
