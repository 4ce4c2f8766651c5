import { DEFAULT_SELECTION } from '../core/explorer/urlState';
import { useAppStore } from '../store';
import { startExplorerFeatures } from './explorerFeatures';
import { startExplorerImages } from './explorerImages';
import { startExplorerUrl } from './explorerUrl';
import { BUILTIN_MODELS } from './modelSession';

let started = false;

/** Starts the explorer once: selection from the URL, the explored image, and its feature maps. */
export function startExplorer(): void {
  if (started) return;
  started = true;
  startExplorerUrl();
  const wanted = useAppStore.getState().explorer.selection.model;
  if (!BUILTIN_MODELS.some((m) => m.id === wanted)) {
    const name = wanted.startsWith('user:') ? wanted.slice(5) : wanted;
    useAppStore
      .getState()
      .notify('info', `The link names the model “${name}”: open that file to see the same view.`);
  }
  // The selection names the model that runs.
  useAppStore.subscribe((s, prev) => {
    if (s.model.summary === prev.model.summary || s.model.status !== 'ready') return;
    const c = s.model.choice;
    if (!c) return;
    const model = c.kind === 'builtin' ? c.id : `user:${c.name}`;
    const m = s.model.summary?.manifest;
    const blocks = m?.blocks.map((b) => b.index) ?? [];
    const patch: Parameters<typeof s.select>[0] = { model };
    const { block, t } = s.explorer.selection;
    if (blocks.length && !blocks.includes(block))
      patch.block = blocks[Math.floor(blocks.length / 2)]!;
    if (m?.schedule && t >= m.schedule.T) patch.t = m.schedule.T - 1;
    s.select(patch);
  });
  startExplorerImages(DEFAULT_SELECTION.image);
  startExplorerFeatures();
}
