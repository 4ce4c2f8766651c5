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
    list: async () => [META],
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
