import { useAppStore } from '../store';
import type { ModelChoice } from '../store/slices/model';
import type { ModelSource } from '../../workers/unet.worker';
import type { NoiseSchedule } from '../core/schedule';
import { unetEngine } from './appRuntime';
import { userMessage } from './errors';

/** The models that ship with diffprobe, served from public/models/<id>/. */
export const BUILTIN_MODELS = [
  { id: 'fmnist-adm-s', title: 'Fashion-MNIST ADM-S (diffusion U-Net, 32×32)' },
] as const;

export const DEFAULT_MODEL_ID = BUILTIN_MODELS[0].id;

export function builtinSource(id: string): ModelSource {
  return { kind: 'folder', base: `models/${id}/` };
}

let loadSeq = 0;

/**
 * Loads a model into the app's engine and keeps the store in step. A failed load leaves the
 * model that was running in place and says why; a newer load wins over an older one.
 */
export async function loadModel(
  choice: ModelChoice,
  source: ModelSource,
  schedule?: NoiseSchedule,
): Promise<boolean> {
  const seq = ++loadSeq;
  const s = useAppStore.getState();
  s.setModelLoading(choice);
  try {
    const summary = await unetEngine.load(source, {
      ...(schedule ? { schedule } : {}),
      onProgress: (p) => {
        if (seq !== loadSeq) return;
        const fraction = p.total ? p.loaded / p.total : null;
        const detail =
          p.stage === 'download'
            ? `${p.file}: ${(p.loaded / 1e6).toFixed(1)} MB${p.total ? ` of ${(p.total / 1e6).toFixed(1)} MB` : ''}`
            : p.stage === 'verify'
              ? `checking ${p.file} against its manifest (sha256)`
              : `compiling ${p.file}`;
        useAppStore.getState().setModelProgress(fraction, detail);
      },
    });
    if (seq === loadSeq) useAppStore.getState().setModelReady(choice, summary);
    return true;
  } catch (err) {
    if (seq === loadSeq) {
      const message = userMessage(err);
      useAppStore.getState().setModelError(message);
      useAppStore.getState().notify('error', message);
    }
    return false;
  }
}

/**
 * Loads the files the user picked or dropped: one .onnx, with its manifest or, for a U-Net
 * without one, with the noise schedule the user confirmed.
 */
export async function loadModelFiles(
  files: readonly File[],
  schedule?: NoiseSchedule,
): Promise<boolean> {
  const onnx = files.find((f) => f.name.toLowerCase().endsWith('.onnx'));
  // The Files themselves go to the worker (by reference): the page never holds the bytes.
  const picked = files.map((f) => ({ name: f.name, bytes: f as Blob }));
  return loadModel(
    { kind: 'user', name: onnx?.name ?? files[0]?.name ?? 'model' },
    { kind: 'files', files: picked },
    schedule,
  );
}

export function loadBuiltinModel(id: string = DEFAULT_MODEL_ID): Promise<boolean> {
  return loadModel({ kind: 'builtin', id }, builtinSource(id));
}
