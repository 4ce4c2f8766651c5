import { WorkerBridge } from './bridge';
import type { BridgeEvents, CancellableApi } from './bridge';
import type { CkaApi } from '../../../workers/cka.worker';
import type { DatasetApi } from '../../../workers/dataset.worker';
import type { HeadsApi } from '../../../workers/heads.worker';
import type { UnetApi } from '../../../workers/unet.worker';

/**
 * The one place where diffprobe's workers are created and wrapped. Each `new Worker(new URL(…))`
 * is spelled out: that literal form is what the bundler turns into a worker chunk.
 */
function bridge<Api extends CancellableApi>(
  name: string,
  create: () => Worker,
  timing: { idleMs: number; cancelGraceMs: number },
  events: BridgeEvents,
): WorkerBridge<Api> {
  return new WorkerBridge<Api>({ name, create, ...timing, ...events });
}

/** The model worker (onnxruntime-web); kept while the app runs, since it holds the model. */
export function createUnetBridge(events: BridgeEvents = {}): WorkerBridge<UnetApi> {
  const create = () =>
    new Worker(new URL('../../../workers/unet.worker.ts', import.meta.url), {
      type: 'module',
      name: 'diffprobe-unet',
    });
  return bridge('model', create, { idleMs: 0, cancelGraceMs: 3000 }, events);
}

/** The datasets worker (import, storage, preparing a stored set for a model). */
export function createDatasetBridge(events: BridgeEvents = {}): WorkerBridge<DatasetApi> {
  const create = () =>
    new Worker(new URL('../../../workers/dataset.worker.ts', import.meta.url), {
      type: 'module',
      name: 'diffprobe-datasets',
    });
  return bridge('datasets', create, { idleMs: 60_000, cancelGraceMs: 10_000 }, events);
}

/** The heads worker (tfjs training and prediction). */
export function createHeadsBridge(events: BridgeEvents = {}): WorkerBridge<HeadsApi> {
  const create = () =>
    new Worker(new URL('../../../workers/heads.worker.ts', import.meta.url), {
      type: 'module',
      name: 'diffprobe-heads',
    });
  return bridge('heads', create, { idleMs: 0, cancelGraceMs: 2000 }, events);
}

/** The CKA worker (matrices, PCA and UMAP maps). */
export function createCkaBridge(events: BridgeEvents = {}): WorkerBridge<CkaApi> {
  const create = () =>
    new Worker(new URL('../../../workers/cka.worker.ts', import.meta.url), {
      type: 'module',
      name: 'diffprobe-cka',
    });
  return bridge('CKA', create, { idleMs: 60_000, cancelGraceMs: 2000 }, events);
}
