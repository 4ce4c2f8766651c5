/**
 * The CKA panel's matrix: gather the features (gather.ts), send them to the CKA worker, put the
 * labelled matrix in the store. Progress goes to the store and the jobs list; a cancel or an
 * error keeps the last matrix. What the run gathered is kept for the 2-D map (map.ts).
 */
import { subMatrix, type LabelledMatrix } from '../../core/cka/matrix';
import type { CkaBasis } from '../../core/cka/basis';
import {
  conditioningRecord,
  describeConditioning,
  type Conditioning,
} from '../../core/conditioning/conditioning';
import { checkPlan, interleaveByClass } from '../../core/cka/plan';
import type { FeatureItem } from '../../core/features/batch';
import type { ModelManifest } from '../../core/manifest/types';
import { selectedDatasetRef } from '../../core/sweep/datasetRef';
import type { AppState } from '../../store';
import type { CkaSettings } from '../../store/slices/cka';
import type { AppStore } from '../appStore';
import type { LabeledImages } from '../datasets/access';
import { activeConditioning } from '../conditioning/controls';
import { JobSlot } from '../jobSlot';
import { requireDiffusionManifest } from '../model/manifest';
import type { CkaEngine } from '../workers/ckaEngine';
import { JobCancelledError, userMessage } from '../workers/errors';
import type { UnetEngine } from '../workers/unetEngine';
import type { BlockFeatures } from './features';
import { gather, type CompareSource, type Gathered } from './gather';

const JOB = 'cka';

/** What the last run kept for the map and its hover images (not in the store: large). */
export interface KeptRun {
  items: FeatureItem[];
  labels: number[];
  classes: string[];
  /** One per matrix row. */
  rows: BlockFeatures[];
  rowLabels: string[];
  size: number;
  channels: number;
}

export interface CkaDeps {
  store: AppStore;
  unet: Pick<UnetEngine, 'extract'>;
  cka: Pick<CkaEngine, 'matrix'>;
  /** The current dataset, prepared for a model's size and channels. */
  dataset: (size: number, channels: 1 | 3) => Promise<LabeledImages>;
  compare: CompareSource;
}

/** The first `n` images of a dataset, classes interleaved (test images first). */
function sample(ds: LabeledImages, s: CkaSettings, T: number) {
  const pool = [...ds.test.items, ...ds.train.items];
  const poolLabels = [...ds.test.labels, ...ds.train.labels];
  const { n, method, batchSize, timesteps, kind } = s;
  const problem = checkPlan({ n, available: pool.length, method, batchSize, timesteps, T, kind });
  if (problem) throw new Error(problem);
  const order = interleaveByClass(poolLabels, s.n);
  return {
    order,
    items: order.map((i) => pool[i]!),
    labels: order.map((i) => poolLabels[i]!),
  };
}

/**
 * The matrix of the gathered rows × columns (one CKA job over all of them); a conditional
 * model's title says what its class and context inputs got.
 */
function labelled(
  g: Gathered,
  values: Float64Array,
  s: CkaSettings,
  n: number,
  cond: Conditioning,
): LabelledMatrix {
  const same = g.rows === g.cols;
  const m = same ? g.rows.length : g.rows.length + g.cols.length;
  const rowIdx = g.rows.map((_, i) => i);
  const colIdx = same ? rowIdx : g.cols.map((_, j) => g.rows.length + j);
  return {
    title: `${g.title}, n = ${n}${s.method === 'minibatch' ? `, minibatch ${s.batchSize}` : ''}${cond.length ? `, ${describeConditioning(cond)}` : ''}`,
    rowLabels: g.rowLabels,
    colLabels: g.colLabels,
    values: same ? values : subMatrix(values, m, rowIdx, colIdx),
  };
}

/** What a matrix computed now would be computed from: the model, the dataset, the conditioning. */
export function currentBasis(s: AppState): CkaBasis {
  const summary = s.model.summary;
  return {
    model: summary ? { sha256: summary.sha256, name: summary.name } : null,
    dataset: selectedDatasetRef(s.datasets.selectedId, s.datasets.list),
    conditioning: conditioningRecord(activeConditioning(s)),
  };
}

export function createCkaController(deps: CkaDeps) {
  const { store } = deps;
  const slot = new JobSlot();
  let kept: KeptRun | null = null;

  const progress = (fraction: number | null, text: string) => {
    store.getState().setCkaProgress(fraction, text);
    store.getState().updateJob(JOB, fraction, text);
  };
  const report = (stage: string) => (p: { done: number; total: number; fromCache?: number }) => {
    const cached = p.fromCache ? ` (${p.fromCache} from the cache)` : '';
    progress(
      p.total ? (p.done / p.total) * 0.7 : null,
      `${stage}: ${p.done}/${p.total} images${cached}`,
    );
  };

  async function run(s: CkaSettings, signal: AbortSignal): Promise<void> {
    const basis = currentBasis(store.getState());
    const conditioning = activeConditioning(store.getState());
    const manifest = requireDiffusionManifest(
      store.getState(),
      'CKA needs a diffusion U-Net with a manifest; load one first.',
    );
    const { size, channels } = manifest.image;
    const ds = await deps.dataset(size, channels);
    const { order, items, labels } = sample(ds, s, manifest.schedule.T);
    const itemsFor = async (m: ModelManifest): Promise<FeatureItem[]> => {
      if (m.image.size === size && m.image.channels === channels) return items;
      const other = await deps.dataset(m.image.size, m.image.channels);
      const all = [...other.test.items, ...other.train.items];
      return order.map((i) => all[i]!);
    };
    const ctx = {
      unet: deps.unet,
      compare: deps.compare,
      manifest,
      items,
      itemsFor,
      signal,
      conditioning,
      report,
    };
    const g = await gather(s, ctx);
    const reps = g.rows === g.cols ? g.rows : [...g.rows, ...g.cols];
    store.getState().setCkaProgress(0.7, `CKA of ${reps.length} representations`);
    const kernel = s.cpuPrecision === 'float64' ? ('wasm-f64' as const) : ('auto' as const);
    const r = await deps.cka.matrix(
      reps,
      items.length,
      { method: s.method, batchSize: s.batchSize, device: s.device, kernel },
      { signal, onProgress: (p) => progress(0.7 + 0.3 * p.done, p.stage) },
    );
    const matrix = labelled(g, r.values, s, items.length, conditioning);
    const { rows, rowLabels } = g;
    kept = { items, labels, classes: ds.classes, rows, rowLabels, size, channels };
    store
      .getState()
      .setCkaResult({ matrix, ranOn: r.ranOn, note: r.note, ms: r.ms, n: items.length, basis });
  }

  /** Runs the matrix for the current settings (a second call cancels the first). */
  async function runCka(): Promise<void> {
    const job = slot.start();
    const st = store.getState();
    st.setCkaRunning('loading the dataset');
    st.startJob(JOB, 'CKA matrix');
    try {
      await run(st.cka.settings, job.signal);
    } catch (err) {
      const s = store.getState();
      if (err instanceof JobCancelledError || job.signal.aborted) {
        s.setCkaError(null);
        s.notify('info', 'CKA cancelled; the last matrix is kept.');
      } else {
        const msg = userMessage(err);
        s.setCkaError(msg);
        s.notify('error', `CKA: ${msg}`);
      }
    } finally {
      store.getState().endJob(JOB);
      job.end();
    }
  }

  return {
    runCka,
    cancelCka: () => slot.cancel(),
    /** What the last finished run gathered (null before one). */
    kept: (): KeptRun | null => kept,
    keptItem(i: number): { x0: Float32Array; size: number; channels: number } | null {
      const it = kept?.items[i];
      return it && kept ? { x0: it.x0, size: kept.size, channels: kept.channels } : null;
    },
  };
}
