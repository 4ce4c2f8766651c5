import { WorkerBridge } from './bridge';
import type { BridgeEvents } from './bridge';
import type { CkaApi } from '../../../workers/cka.worker';
import type { DatasetApi } from '../../../workers/dataset.worker';
import type { HeadsApi } from '../../../workers/heads.worker';
import type { UnetApi } from '../../../workers/unet.worker';

/** The one place where diffprobe's workers are created and wrapped. */
export function createUnetBridge(events: BridgeEvents = {}): WorkerBridge<UnetApi> {
  return new WorkerBridge<UnetApi>({
    name: 'model',
    create: () =>
      new Worker(new URL('../../../workers/unet.worker.ts', import.meta.url), {
        type: 'module',
        name: 'diffprobe-unet',
      }),
    idleMs: 0,
    cancelGraceMs: 3000,
    ...events,
  });
}

/** The datasets worker (import, storage, preparing a stored set for a model). */
export function createDatasetBridge(events: BridgeEvents = {}): WorkerBridge<DatasetApi> {
  return new WorkerBridge<DatasetApi>({
    name: 'datasets',
    create: () =>
      new Worker(new URL('../../../workers/dataset.worker.ts', import.meta.url), {
        type: 'module',
        name: 'diffprobe-datasets',
      }),
    idleMs: 60_000,
    cancelGraceMs: 10_000,
    ...events,
  });
}

/** The heads worker (tfjs training and prediction). */
export function createHeadsBridge(events: BridgeEvents = {}): WorkerBridge<HeadsApi> {
  return new WorkerBridge<HeadsApi>({
    name: 'heads',
    create: () =>
      new Worker(new URL('../../../workers/heads.worker.ts', import.meta.url), {
        type: 'module',
        name: 'diffprobe-heads',
      }),
    idleMs: 0,
    cancelGraceMs: 2000,
    ...events,
  });
}

/** The CKA worker (matrices, PCA and UMAP maps). */
export function createCkaBridge(events: BridgeEvents = {}): WorkerBridge<CkaApi> {
  return new WorkerBridge<CkaApi>({
    name: 'CKA',
    create: () =>
      new Worker(new URL('../../../workers/cka.worker.ts', import.meta.url), {
        type: 'module',
        name: 'diffprobe-cka',
      }),
    idleMs: 60_000,
    cancelGraceMs: 2000,
    ...events,
  });
}
