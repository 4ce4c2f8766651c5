import type { AppStore } from '../appStore';
import { JobSlot } from '../jobSlot';
import type { CkaEngine } from '../workers/ckaEngine';
import { JobCancelledError, userMessage } from '../workers/errors';
import type { KeptRun } from './run';

type MapView = { points: Float64Array; explained: [number, number] | null; knn: number };

/**
 * The 2-D map (PCA, or a seeded UMAP) of one row's features from the last CKA run, coloured by
 * class, with the features' k-NN accuracy. A newer request cancels an older one.
 */
export function createCkaMap(deps: {
  store: AppStore;
  cka: Pick<CkaEngine, 'pcaMap' | 'umapMap'>;
  kept: () => KeptRun | null;
}) {
  const { store, cka } = deps;
  const slot = new JobSlot();

  async function showCkaMap(row: number): Promise<void> {
    const st = store.getState();
    st.selectCkaRow(row);
    const k = deps.kept();
    const f = k?.rows[row];
    if (!k || !f) return;
    const method = st.cka.settings.mapMethod;
    const job = slot.start();
    const n = k.items.length;
    try {
      st.setCkaMapProgress(method === 'umap' ? 'UMAP: finding neighbours…' : 'PCA…');
      let view: MapView;
      if (method === 'pca') {
        const r = await cka.pcaMap(f.data, n, f.d, k.labels);
        view = { points: r.points, explained: r.explained, knn: r.knn };
      } else {
        const r = await cka.umapMap(f.data.slice(), n, f.d, k.labels, {
          signal: job.signal,
          onProgress: (p) => {
            if (job.isLatest()) store.getState().setCkaMapProgress(p.stage);
          },
        });
        view = { points: r.points, explained: null, knn: r.knn };
      }
      if (!job.isLatest() || store.getState().cka.selectedRow !== row) return;
      st.setCkaMap({
        label: k.rowLabels[row]!,
        method,
        labels: k.labels,
        classes: k.classes,
        ...view,
      });
    } catch (err) {
      if (!job.isLatest()) return;
      st.setCkaMapProgress(null);
      if (!(err instanceof JobCancelledError)) st.notify('error', `2-D map: ${userMessage(err)}`);
    } finally {
      job.end();
    }
  }

  /** Stops a UMAP map being computed (the last map stays). */
  return { showCkaMap, cancelCkaMap: () => slot.cancel() };
}
