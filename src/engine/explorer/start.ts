import { DEFAULT_SELECTION } from '../../core/explorer/urlState';
import type { AppState } from '../../store';
import type { AppStore } from '../appStore';
import { BUILTIN_MODELS } from '../model/load';
import { startExplorerUrl } from './url';

/** The explorer's selection once another model is ready: its name, a block and t it has. */
function selectionFor(s: AppState): Parameters<AppState['select']>[0] | null {
  const c = s.model.choice;
  if (!c) return null;
  const model = c.kind === 'builtin' ? c.id : `user:${c.name}`;
  const m = s.model.summary?.manifest;
  const blocks = m?.blocks.map((b) => b.index) ?? [];
  const patch: Parameters<AppState['select']>[0] = { model };
  const { block, t } = s.explorer.selection;
  if (blocks.length && !blocks.includes(block))
    patch.block = blocks[Math.floor(blocks.length / 2)]!;
  if (m?.schedule && t >= m.schedule.T) patch.t = m.schedule.T - 1;
  return patch;
}

/** Starts the explorer once: selection from the URL, the explored image, and its feature maps. */
export function createExplorerStart(deps: {
  store: AppStore;
  images: { start(fallback: typeof DEFAULT_SELECTION.image): void };
  features: { start(): void };
}) {
  const { store } = deps;
  let started = false;
  return function startExplorer(): void {
    if (started) return;
    started = true;
    startExplorerUrl(store);
    const wanted = store.getState().explorer.selection.model;
    if (!BUILTIN_MODELS.some((m) => m.id === wanted)) {
      const name = wanted.startsWith('user:') ? wanted.slice(5) : wanted;
      store
        .getState()
        .notify('info', `The link names the model “${name}”: open that file to see the same view.`);
    }
    // The selection names the model that runs.
    store.subscribe((s, prev) => {
      if (s.model.summary === prev.model.summary || s.model.status !== 'ready') return;
      const patch = selectionFor(s);
      if (patch) s.select(patch);
    });
    deps.images.start(DEFAULT_SELECTION.image);
    deps.features.start();
  };
}
