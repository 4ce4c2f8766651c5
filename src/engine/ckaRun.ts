/**
 * The CKA panel's jobs: gather the features (one extract for all blocks, or one per timestep,
 * plus a classifier's layers), send them to the CKA worker, put the labelled matrix in the store;
 * and the 2-D map (PCA or UMAP) of one row's features. Progress goes to the store and the jobs list;
 * a cancel or an error keeps the last matrix.
 */
import { subMatrix, type LabelledMatrix } from '../core/cka/matrix';
import { checkPlan, interleaveByClass } from '../core/cka/plan';
import type { FeatureItem } from '../core/features/batch';
import type { ModelManifest } from '../core/manifest/types';
import { useAppStore } from '../store';
import type { CkaSettings } from '../store/slices/cka';
import { unetEngine } from './appRuntime';
import { installCkaConsole } from './ckaConsole';
import { CkaEngine } from './ckaEngine';
import {
  classifierFeatures,
  compareModel,
  diffusionFeatures,
  type BlockFeatures,
} from './ckaFeatures';
import { currentDataset } from './datasetAccess';
import { JobCancelledError, userMessage } from './errors';

export const ckaEngine = new CkaEngine();

// The panel imports this module at app start: the console API comes with it.
installCkaConsole();

/** What the last run kept for the map and its hover images (not in the store: large). */
interface Kept {
  items: FeatureItem[];
  labels: number[];
  classes: string[];
  /** One per matrix row. */
  rows: BlockFeatures[];
  rowLabels: string[];
  size: number;
  channels: number;
}

let kept: Kept | null = null;
let running: AbortController | null = null;
const JOB = 'cka';

export function keptItem(i: number): { x0: Float32Array; size: number; channels: number } | null {
  const it = kept?.items[i];
  return it && kept ? { x0: it.x0, size: kept.size, channels: kept.channels } : null;
}

function diffusionManifest(): ModelManifest {
  const manifest = useAppStore.getState().model.summary?.manifest;
  if (!manifest || manifest.kind !== 'diffusion' || !manifest.schedule) {
    throw new Error('CKA needs a diffusion U-Net with a manifest; load one first.');
  }
  return manifest;
}

const blockLabel = (m: ModelManifest, b: number): string => {
  const stage = m.blocks.find((x) => x.index === b)?.stage;
  return stage && stage !== 'layer' ? `block ${b} (${stage})` : `layer ${b}`;
};

async function gather(
  s: CkaSettings,
  manifest: ModelManifest,
  items: FeatureItem[],
  itemsFor: (m: ModelManifest) => Promise<FeatureItem[]>,
  signal: AbortSignal,
): Promise<{
  rows: BlockFeatures[];
  rowLabels: string[];
  cols: BlockFeatures[];
  colLabels: string[];
  title: string;
}> {
  const st = useAppStore.getState();
  const report = (stage: string) => (p: { done: number; total: number; fromCache?: number }) => {
    const text = `${stage}: ${p.done}/${p.total} images${p.fromCache ? ` (${p.fromCache} from the cache)` : ''}`;
    st.setCkaProgress(p.total ? (p.done / p.total) * 0.7 : null, text);
    st.updateJob(JOB, p.total ? (p.done / p.total) * 0.7 : null, text);
  };
  const all = manifest.blocks.map((b) => b.index);
  const req = { t: s.t, blocks: all, pool: s.pool, seed: 0, noise: 'seeded' as const };
  if (s.kind === 'blocks') {
    const f = await diffusionFeatures(unetEngine, items, req, {
      signal,
      onProgress: report('features'),
    });
    const labels = f.map((x) => blockLabel(manifest, x.block));
    return {
      rows: f,
      rowLabels: labels,
      cols: f,
      colLabels: labels,
      title: `block × block at t = ${s.t}, pool ${s.pool}`,
    };
  }
  if (s.kind === 'timesteps') {
    const f: BlockFeatures[] = [];
    for (const t of s.timesteps) {
      const [one] = await diffusionFeatures(
        unetEngine,
        items,
        { ...req, t, blocks: [s.block] },
        {
          signal,
          onProgress: report(`features at t = ${t}`),
        },
      );
      f.push(one!);
    }
    const labels = s.timesteps.map((t) => `t = ${t}`);
    return {
      rows: f,
      rowLabels: labels,
      cols: f,
      colLabels: labels,
      title: `timestep × timestep at block ${s.block}, pool ${s.pool}`,
    };
  }
  const f = await diffusionFeatures(unetEngine, items, req, {
    signal,
    onProgress: report('U-Net features'),
  });
  const other = compareModel(s.compareWith);
  const om = await other.manifest;
  // The same images, prepared for the other model's input (its size and channels).
  const theirs = await itemsFor(om);
  let g: BlockFeatures[];
  let unit: string;
  if (om.kind === 'diffusion' && om.schedule) {
    unit = 'block';
    g = await diffusionFeatures(
      other.engine,
      theirs,
      { ...req, blocks: om.blocks.map((b) => b.index) },
      { signal, onProgress: report(`${om.id} features`) },
    );
  } else {
    unit = 'layer';
    g = await classifierFeatures(other.engine, om, theirs, s.pool, {
      signal,
      onProgress: (done, total) => report(`${om.id} layers`)({ done, total }),
    });
  }
  return {
    rows: f,
    rowLabels: f.map((x) => blockLabel(manifest, x.block)),
    cols: g,
    colLabels: g.map((x) => `${om.id} ${unit} ${x.block}`),
    title: `U-Net blocks (t = ${s.t}) × ${om.id} ${unit}s${unit === 'block' ? ` (t = ${s.t})` : ''}, pool ${s.pool}`,
  };
}

/** Runs the matrix for the current settings (a second call cancels the first). */
export async function runCka(): Promise<void> {
  running?.abort();
  const controller = new AbortController();
  running = controller;
  const signal = controller.signal;
  const st = useAppStore.getState();
  const s = st.cka.settings;
  st.setCkaRunning('loading the dataset');
  st.startJob(JOB, 'CKA matrix');
  try {
    const manifest = diffusionManifest();
    const ds = await currentDataset(manifest.image.size, manifest.image.channels);
    const pool = [...ds.test.items, ...ds.train.items];
    const poolLabels = [...ds.test.labels, ...ds.train.labels];
    const problem = checkPlan({
      n: s.n,
      available: pool.length,
      method: s.method,
      batchSize: s.batchSize,
      timesteps: s.timesteps,
      T: manifest.schedule!.T,
      kind: s.kind,
    });
    if (problem) throw new Error(problem);
    const order = interleaveByClass(poolLabels, s.n);
    const items = order.map((i) => pool[i]!);
    const labels = order.map((i) => poolLabels[i]!);
    const itemsFor = async (m: ModelManifest): Promise<FeatureItem[]> => {
      const { size, channels } = m.image;
      if (size === manifest.image.size && channels === manifest.image.channels) return items;
      const other = await currentDataset(size, channels);
      const all = [...other.test.items, ...other.train.items];
      return order.map((i) => all[i]!);
    };
    const g = await gather(s, manifest, items, itemsFor, signal);
    const same = g.rows === g.cols;
    const reps = same ? g.rows : [...g.rows, ...g.cols];
    const text = `CKA of ${reps.length} representations`;
    st.setCkaProgress(0.7, text);
    const r = await ckaEngine.matrix(
      reps,
      items.length,
      {
        method: s.method,
        batchSize: s.batchSize,
        device: s.device,
        kernel: s.cpuPrecision === 'float64' ? 'wasm-f64' : 'auto',
      },
      {
        signal,
        onProgress: (p) => {
          st.setCkaProgress(0.7 + 0.3 * p.done, p.stage);
          st.updateJob(JOB, 0.7 + 0.3 * p.done, p.stage);
        },
      },
    );
    const m = reps.length;
    const rowIdx = g.rows.map((_, i) => i);
    const colIdx = same ? rowIdx : g.cols.map((_, j) => g.rows.length + j);
    const matrix: LabelledMatrix = {
      title: `${g.title}, n = ${items.length}${s.method === 'minibatch' ? `, minibatch ${s.batchSize}` : ''}`,
      rowLabels: g.rowLabels,
      colLabels: g.colLabels,
      values: same ? r.values : subMatrix(r.values, m, rowIdx, colIdx),
    };
    kept = {
      items,
      labels,
      classes: ds.classes,
      rows: g.rows,
      rowLabels: g.rowLabels,
      size: manifest.image.size,
      channels: manifest.image.channels,
    };
    st.setCkaResult({ matrix, ranOn: r.ranOn, note: r.note, ms: r.ms, n: items.length });
  } catch (err) {
    if (err instanceof JobCancelledError || signal.aborted) {
      useAppStore.getState().setCkaError(null);
      useAppStore.getState().notify('info', 'CKA cancelled; the last matrix is kept.');
    } else {
      const msg = userMessage(err);
      useAppStore.getState().setCkaError(msg);
      useAppStore.getState().notify('error', `CKA: ${msg}`);
    }
  } finally {
    useAppStore.getState().endJob(JOB);
    if (running === controller) running = null;
  }
}

export function cancelCka(): void {
  running?.abort();
}

let mapping: AbortController | null = null;

/**
 * The 2-D map (PCA, or a seeded UMAP) of one row's features from the last run, coloured by
 * class, with the features' k-NN accuracy. A newer request cancels an older one.
 */
export async function showCkaMap(row: number): Promise<void> {
  const st = useAppStore.getState();
  st.selectCkaRow(row);
  const k = kept;
  const f = k?.rows[row];
  if (!k || !f) return;
  const method = st.cka.settings.mapMethod;
  mapping?.abort();
  const controller = new AbortController();
  mapping = controller;
  const n = k.items.length;
  try {
    st.setCkaMapProgress(method === 'umap' ? 'UMAP: finding neighbours…' : 'PCA…');
    let view: { points: Float64Array; explained: [number, number] | null; knn: number };
    if (method === 'pca') {
      const r = await ckaEngine.pcaMap(f.data, n, f.d, k.labels);
      view = { points: r.points, explained: r.explained, knn: r.knn };
    } else {
      const r = await ckaEngine.umapMap(f.data.slice(), n, f.d, k.labels, {
        signal: controller.signal,
        onProgress: (p) => {
          if (mapping === controller) useAppStore.getState().setCkaMapProgress(p.stage);
        },
      });
      view = { points: r.points, explained: null, knn: r.knn };
    }
    const now = useAppStore.getState().cka;
    if (mapping !== controller || now.selectedRow !== row) return;
    st.setCkaMap({
      label: k.rowLabels[row]!,
      method,
      labels: k.labels,
      classes: k.classes,
      ...view,
    });
  } catch (err) {
    if (mapping !== controller) return;
    st.setCkaMapProgress(null);
    if (!(err instanceof JobCancelledError)) st.notify('error', `2-D map: ${userMessage(err)}`);
  } finally {
    if (mapping === controller) mapping = null;
  }
}

/** Stops a UMAP map being computed (the last map stays). */
export function cancelCkaMap(): void {
  mapping?.abort();
}
