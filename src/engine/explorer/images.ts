import { fitDescription } from '../../core/explorer/imageFit';
import { DEFAULT_SELECTION, imageRefToString, type ImageRef } from '../../core/explorer/urlState';
import { decodePng } from '../../core/image/png';
import { prepareImage, type FitMode, type PixelImage } from '../../core/image/prepare';
import type { ModelManifest } from '../../core/manifest/types';
import type { AppState } from '../../store';
import type { ExplorerImage } from '../../store/slices/explorer';
import type { AppStore } from '../appStore';
import type { LabeledImages } from '../datasets/access';
import { JobSlot } from '../jobSlot';
import { userMessage } from '../workers/errors';

export async function decodeFile(file: File): Promise<PixelImage> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const isPng = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  if (isPng) return decodePng(bytes);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes], { type: file.type || 'image/*' }));
  } catch {
    throw new Error(`${file.name} is not an image this browser can read (PNG, JPEG, WebP, GIF…).`);
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot read image pixels (no 2D canvas).');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  return { width: canvas.width, height: canvas.height, channels: 4, data };
}

function isDefaultImage(ref: ImageRef): boolean {
  const d = DEFAULT_SELECTION.image;
  return ref.kind === 'item' && d.kind === 'item' && ref.id === d.id;
}

/** The dataset's item `id` as the explored image, or null when the dataset has none. */
function datasetItem(ds: LabeledImages, id: string): ExplorerImage | null {
  for (const split of [ds.test, ds.train]) {
    const i = split.items.findIndex((it) => it.id === id);
    if (i >= 0) {
      return {
        ref: { kind: 'item', id },
        id,
        label: `${ds.name}: ${ds.classes[split.labels[i]!]} (${id})`,
        x0: split.items[i]!.x0,
        classId: split.labels[i]!,
        fit: null,
      };
    }
  }
  return null;
}

/**
 * The explored image: a dataset item, a DDIM sample or a file the user dropped, prepared for the
 * loaded model. A newer choice wins over one still being prepared.
 */
export function createExplorerImages(deps: {
  store: AppStore;
  /** The current dataset, prepared for a model's size and channels. */
  dataset: (size: number, channels: 1 | 3) => Promise<LabeledImages>;
  sampleImage: (seed: number, steps: number, index: number) => Promise<Float32Array>;
}) {
  const { store } = deps;
  const slot = new JobSlot();
  const datasets = new Map<string, Promise<LabeledImages>>();
  /** Files the user dropped this session, by name (a file cannot come back from a URL). */
  const files = new Map<string, { file: File; mode: FitMode }>();

  /** The current dataset at the model's size (read once per size and channels). */
  function explorerDataset(size: number, channels: 1 | 3): Promise<LabeledImages> {
    const key = `${size}x${channels}`;
    let p = datasets.get(key);
    if (!p) {
      p = deps.dataset(size, channels);
      p.catch(() => datasets.delete(key));
      datasets.set(key, p);
    }
    return p;
  }

  async function fromFile(name: string, m: ModelManifest): Promise<ExplorerImage> {
    const entry = files.get(name);
    if (!entry) throw new Error(`The file ${name} is not open any more; drop it in again.`);
    const { file, mode } = entry;
    const px = await decodeFile(file);
    const { size, channels } = m.image;
    return {
      ref: { kind: 'file', name },
      id: `file:${name}:${file.size}:${file.lastModified}:${mode}`,
      label: name,
      x0: prepareImage(px, { size, channels, mode }),
      fit: fitDescription(px.width, px.height, px.channels, size, channels, mode),
    };
  }

  async function resolve(ref: ImageRef, m: ModelManifest): Promise<ExplorerImage> {
    const { size, channels } = m.image;
    if (ref.kind === 'file') return fromFile(ref.name, m);
    if (ref.kind === 'sample') {
      const x0 = await deps.sampleImage(ref.seed, ref.steps, ref.index);
      return {
        ref,
        id: imageRefToString(ref),
        label: `sample ${ref.index + 1} (seed ${ref.seed}, ${ref.steps} DDIM steps)`,
        x0,
        fit: null,
      };
    }
    const ds = await explorerDataset(size, channels);
    const found = datasetItem(ds, ref.id);
    if (found) return found;
    // The default image is the demo set's: another selected dataset shows its first image
    // instead (no error: the user asked for nothing in particular).
    const first = ds.test.items[0] ?? ds.train.items[0];
    if (isDefaultImage(ref) && first) return datasetItem(ds, first.id)!;
    throw new Error(`The image ${ref.id} is not in the selected dataset “${ds.name}”.`);
  }

  /** Makes `ref` the explored image; a failure keeps the image that was shown and says why. */
  async function showImage(ref: ImageRef): Promise<boolean> {
    const job = slot.start();
    const m = store.getState().model.summary?.manifest;
    if (!m) return false;
    try {
      const image = await resolve(ref, m);
      if (!job.isLatest()) return false;
      store.getState().setExplorerImage(image);
      store.getState().select({ image: image.ref });
      return true;
    } catch (err) {
      if (!job.isLatest()) return false;
      const message = userMessage(err);
      store.getState().setExplorerImage(null, message);
      store.getState().notify('error', message);
      return false;
    } finally {
      job.end();
    }
  }

  /** Opens an image file the user picked or dropped, fitted to the model (crop or pad). */
  async function openImageFile(file: File, mode: FitMode = 'crop'): Promise<boolean> {
    files.set(file.name, { file, mode });
    return showImage({ kind: 'file', name: file.name });
  }

  /** Re-fits the open file with another mode. */
  function refitImageFile(name: string, mode: FitMode): Promise<boolean> {
    const entry = files.get(name);
    if (!entry) return Promise.resolve(false);
    files.set(name, { ...entry, mode });
    return showImage({ kind: 'file', name });
  }

  function fileFitMode(name: string): FitMode {
    return files.get(name)?.mode ?? 'crop';
  }

  let started = false;

  /** Prepares the explored image again whenever another model (size, channels) is loaded. */
  function start(fallback: ImageRef): void {
    if (started) return;
    started = true;
    let lastModel: string | null = null;
    const check = (s: AppState) => {
      const sha = s.model.status === 'ready' ? (s.model.summary?.sha256 ?? null) : null;
      if (!sha || sha === lastModel || s.model.summary?.manifest?.kind !== 'diffusion') return;
      lastModel = sha;
      void showImage(s.explorer.selection.image).then((ok) => {
        if (!ok && imageRefToString(s.explorer.selection.image) !== imageRefToString(fallback)) {
          void showImage(fallback);
        }
      });
    };
    store.subscribe(check);
    check(store.getState());
  }

  return { explorerDataset, showImage, openImageFile, refitImageFile, fileFitMode, start };
}
