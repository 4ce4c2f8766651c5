/**
 * The classroom tour's engine: each step opens the real panel and sets what the step shows
 * there (the explorer's block and t, the heads panel's head, the sweep table, the CKA matrix).
 * Results that take minutes on a CPU come from the shipped tour.json (labelled precomputed);
 * "Recompute live" runs the panel's own job instead and the tour then shows that.
 */
import { defaultSpec } from '../../core/heads/spec';
import { DEFAULT_TRAIN } from '../../core/heads/optim';
import { TOUR_FILE, TOUR_SETTINGS, validateTourData, type TourData } from '../../core/tour/data';
import { TOUR_STEPS, type TourStep } from '../../core/tour/steps';
import type { AppState } from '../../store';
import type { AppStore } from '../appStore';
import { userMessage } from '../workers/errors';

export interface TourDeps {
  store: AppStore;
  /** Reads tour.json (the built-in model's precomputed results). */
  fetchData: () => Promise<unknown>;
  /** The panels' own jobs, for "Recompute live". */
  live: {
    trainHead: () => Promise<void>;
    runSweep: () => Promise<void>;
    runCka: () => Promise<void>;
  };
}

const H = TOUR_SETTINGS.heads;

function blockLabel(s: AppState, b: number): string {
  const stage = s.model.summary?.manifest?.blocks.find((x) => x.index === b)?.stage;
  return stage ? `block ${b} (${stage})` : `block ${b}`;
}

/** The precomputed sweep into the heads panel (not over a sweep that runs or ran live). */
function showSweep(s: AppState, data: TourData): void {
  if (s.heads.sweep.status === 'running' || s.tour.source.sweep === 'live') return;
  const { ts, blocks, pool, epochs, acc } = data.sweep;
  s.setSweep({
    status: 'done',
    ts: [...ts],
    pool,
    epochs,
    limit: 0,
    grid: { blocks: [...blocks], ts: [...ts], acc: acc.map((r) => [...r]) },
    fraction: 1,
    detail: `Precomputed with the built-in model on the demo set (${data.images.train} train / ${data.images.test} test images); it took ${Math.round(data.seconds.features + data.seconds.sweep)} s on a CPU.`,
    error: null,
    featureMs: 0,
    trainMs: 0,
    totalMs: 0,
    conditioning: null, // the built-in model has no class or context input
  });
}

const PRECOMPUTED_NOTE = 'precomputed, float64';

/** The precomputed block × block matrix into the CKA panel (not over one computed live). */
function showCka(s: AppState, data: TourData): void {
  const { t, pool, n, blocks, values } = data.cka;
  s.setCkaSettings({ kind: 'blocks', t, pool, n, method: 'linear' });
  if (s.cka.status === 'running' || s.tour.source.cka === 'live') return;
  const labels = blocks.map((b) => blockLabel(s, b));
  s.setCkaResult({
    matrix: {
      title: `block × block at t = ${t}, pool ${pool}, n = ${n} (precomputed)`,
      rowLabels: labels,
      colLabels: labels,
      values: Float64Array.from(values.flat()),
    },
    ranOn: 'cpu',
    note: PRECOMPUTED_NOTE,
    ms: data.seconds.cka * 1000,
    n,
  });
}

/** Reads the built-in model's tour.json (from the service worker's cache when offline). */
export async function fetchTourData(): Promise<unknown> {
  const res = await fetch(new URL(`models/${TOUR_SETTINGS.model}/${TOUR_FILE}`, location.href));
  if (!res.ok) throw new Error(`${TOUR_FILE}: HTTP ${res.status}`);
  return res.json();
}

export function createTourController(deps: TourDeps) {
  const { store } = deps;
  let loading: Promise<TourData | null> | null = null;

  /** tour.json, read once (null, with the reason in the slice, when it cannot be read). */
  function loadData(): Promise<TourData | null> {
    loading ??= (async () => {
      store.getState().setTour({ dataStatus: 'loading', dataError: null });
      try {
        const v = validateTourData(await deps.fetchData());
        if (!v.ok) throw new Error(`tour.json is not valid: ${v.errors.join('; ')}`);
        store.getState().setTour({ data: v.data, dataStatus: 'ready' });
        return v.data;
      } catch (err) {
        loading = null;
        store.getState().setTour({ dataStatus: 'error', dataError: userMessage(err) });
        return null;
      }
    })();
    return loading;
  }

  /** Sets what the step shows in its panel; data-backed parts follow once tour.json is read. */
  function apply(step: TourStep): void {
    const s = store.getState();
    s.setPanel(step.panel);
    if (step.explorer) s.select(step.explorer);
    if (step.heads) {
      s.setHeads({
        block: step.heads.block,
        t: step.heads.t,
        spec: defaultSpec('linear', step.heads.pool),
        train: { ...DEFAULT_TRAIN, epochs: H.epochs },
      });
    }
    if (step.result !== 'sweep' && step.result !== 'cka') return;
    const show = (data: TourData | null) => {
      const now = store.getState();
      if (!data || !now.tour.open || TOUR_STEPS[now.tour.step] !== step) return;
      if (step.result === 'sweep') return showSweep(now, data);
      showCka(now, data);
      if (now.model.summary?.manifest) return;
      // A linked step can come before the model: relabel the blocks with their stages once it is in.
      const stop = store.subscribe((st) => {
        if (!st.model.summary?.manifest) return;
        stop();
        if (st.cka.result?.note === PRECOMPUTED_NOTE && st.tour.source.cka === 'precomputed')
          showCka(st, data);
      });
    };
    const data = s.tour.data;
    if (data) show(data);
    else void loadData().then(show);
  }

  function goTo(step: number): void {
    const k = Math.max(0, Math.min(TOUR_STEPS.length - 1, Math.trunc(step)));
    store.getState().setTour({ open: true, step: k });
    apply(TOUR_STEPS[k]!);
  }

  return {
    loadData,
    /** Opens the tour at `step` (0-based; default the first). */
    startTour: (step = 0) => {
      void loadData();
      goTo(step);
    },
    goTo,
    next: () => goTo(store.getState().tour.step + 1),
    back: () => goTo(store.getState().tour.step - 1),
    closeTour: () => store.getState().setTour({ open: false }),

    /** Runs the current step's result live with the panel's own job; the tour then shows it. */
    async recomputeLive(): Promise<void> {
      const s = store.getState();
      const step = TOUR_STEPS[s.tour.step]!;
      if (s.tour.recomputing || step.result === 'none') return;
      s.setTour({ recomputing: step.id });
      try {
        if (step.result === 'heads') {
          const liveHeads: TourState['liveHeads'] = [];
          for (const block of H.blocks) {
            store.getState().setHeads({ block, t: H.t, spec: defaultSpec('linear', H.pool) });
            await deps.live.trainHead();
            const after = store.getState().heads;
            if (after.run.status !== 'done' || !after.result) throw new Error('training stopped');
            liveHeads.push({ block, testAcc: after.result.testAcc });
            store.getState().setTour({ liveHeads: [...liveHeads] });
          }
          const src = { ...store.getState().tour.source, heads: 'live' as const };
          store.getState().setTour({ source: src });
        } else if (step.result === 'sweep') {
          await deps.live.runSweep();
          if (store.getState().heads.sweep.status !== 'done') throw new Error('the sweep stopped');
          const src = { ...store.getState().tour.source, sweep: 'live' as const };
          store.getState().setTour({ source: src });
        } else {
          await deps.live.runCka();
          if (store.getState().cka.status !== 'done') throw new Error('CKA stopped');
          const src = { ...store.getState().tour.source, cka: 'live' as const };
          store.getState().setTour({ source: src });
        }
      } catch (err) {
        store.getState().notify('warning', `Recompute live: ${userMessage(err)}`);
      } finally {
        store.getState().setTour({ recomputing: null });
      }
    },
  };
}

type TourState = AppState['tour'];
export type TourController = ReturnType<typeof createTourController>;
