import { parseSelection, serialiseSelection } from '../../core/explorer/urlState';
import type { AppStore } from '../appStore';

/**
 * Restores the explorer's selection from the page's URL, then mirrors every change back into it
 * (replaceState, at most a few times a second), so a reload or a shared link restores the view.
 */
export function startExplorerUrl(store: AppStore): void {
  const { selection, rejected } = parseSelection(location.search);
  const s = store.getState();
  s.select(selection);
  if (rejected.length) {
    s.notify('warning', `The link's ${rejected.join(', ')} could not be read; defaults are used.`);
  }
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = serialiseSelection(store.getState().explorer.selection);
  const write = () => {
    timer = null;
    const text = serialiseSelection(store.getState().explorer.selection);
    if (text === last) return;
    last = text;
    const url = new URL(location.href);
    // Sets the selection's keys only: parameters of other features (e.g. ?tour=3) stay.
    for (const [key, value] of new URLSearchParams(text)) url.searchParams.set(key, value);
    history.replaceState(history.state, '', url);
  };
  write();
  store.subscribe((st, prev) => {
    if (st.explorer.selection === prev.explorer.selection) return;
    timer ??= setTimeout(write, 200);
  });
}
