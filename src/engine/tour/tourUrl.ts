import { searchWithStep, stepFromSearch } from '../../core/tour/steps';
import type { AppStore } from '../appStore';

/**
 * The tour's step in the URL (`?tour=3`, 1-based), so a teacher can link a step: a link opens
 * the tour there, and every step change is written back (other parameters are kept).
 */
let started = false;

export function startTourUrl(store: AppStore, open: (step: number) => void): void {
  if (started) return;
  started = true;
  const step = stepFromSearch(location.search);
  if (step !== null) open(step);
  store.subscribe((s, prev) => {
    if (s.tour.open === prev.tour.open && s.tour.step === prev.tour.step) return;
    const search = searchWithStep(location.search, s.tour.open ? s.tour.step : null);
    if (search === location.search) return;
    const url = new URL(location.href);
    url.search = search;
    history.replaceState(history.state, '', url);
  });
}
