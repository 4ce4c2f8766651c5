import type { NoiseSchedule } from '../../core/schedule';
import type { BlockNames } from '../../protocol/proposal';
import type { LoadProgress, ModelSource } from '../../protocol/model';
import type { ModelChoice } from '../../store/slices/model';
import type { AppStore } from '../appStore';
import { JobSlot } from '../jobSlot';
import { userMessage } from '../workers/errors';
import type { UnetEngine } from '../workers/unetEngine';

/** The models that ship with diffprobe, served from public/models/<id>/. */
export const BUILTIN_MODELS = [
  { id: 'fmnist-adm-s', title: 'Fashion-MNIST ADM-S (diffusion U-Net, 32×32)' },
] as const;

export const DEFAULT_MODEL_ID = BUILTIN_MODELS[0].id;

export function builtinSource(id: string): ModelSource {
  return { kind: 'folder', base: `models/${id}/` };
}

/** A load's progress in words, for the model panel. */
export function loadProgressText(p: LoadProgress): string {
  if (p.stage === 'download')
    return `${p.file}: ${(p.loaded / 1e6).toFixed(1)} MB${p.total ? ` of ${(p.total / 1e6).toFixed(1)} MB` : ''}`;
  if (p.stage === 'verify') return `checking ${p.file} against its manifest (sha256)`;
  return `compiling ${p.file}`;
}

export interface ModelLoaderDeps {
  store: AppStore;
  engine: Pick<UnetEngine, 'load'>;
}

/**
 * Loads models into the app's engine and keeps the store in step. A failed load leaves the
 * model that was running in place and says why; a newer load wins over an older one (the older
 * one finishes in the worker, its result is dropped).
 */
export function createModelLoader({ store, engine }: ModelLoaderDeps) {
  const slot = new JobSlot();

  async function loadModel(
    choice: ModelChoice,
    source: ModelSource,
    schedule?: NoiseSchedule,
    blockNames?: BlockNames,
  ): Promise<boolean> {
    const job = slot.start();
    store.getState().setModelLoading(choice);
    try {
      const summary = await engine.load(source, {
        ...(schedule ? { schedule } : {}),
        ...(blockNames ? { blockNames } : {}),
        onProgress: (p) => {
          if (!job.isLatest()) return;
          const fraction = p.total ? p.loaded / p.total : null;
          store.getState().setModelProgress(fraction, loadProgressText(p));
        },
      });
      if (job.isLatest()) store.getState().setModelReady(choice, summary);
      return true;
    } catch (err) {
      if (job.isLatest()) {
        const message = userMessage(err);
        store.getState().setModelError(message);
        store.getState().notify('error', message);
      }
      return false;
    } finally {
      job.end();
    }
  }

  return {
    loadModel,

    /**
     * Loads the files the user picked or dropped: one .onnx, with its manifest or, for a U-Net
     * without one, with the noise schedule the user confirmed and the block names they gave.
     */
    loadModelFiles(
      files: readonly File[],
      schedule?: NoiseSchedule,
      blockNames?: BlockNames,
    ): Promise<boolean> {
      const onnx = files.find((f) => f.name.toLowerCase().endsWith('.onnx'));
      // The Files themselves go to the worker (by reference): the page never holds the bytes.
      const picked = files.map((f) => ({ name: f.name, bytes: f as Blob }));
      return loadModel(
        { kind: 'user', name: onnx?.name ?? files[0]?.name ?? 'model' },
        { kind: 'files', files: picked },
        schedule,
        blockNames,
      );
    },

    loadBuiltinModel(id: string = DEFAULT_MODEL_ID): Promise<boolean> {
      return loadModel({ kind: 'builtin', id }, builtinSource(id));
    },
  };
}
