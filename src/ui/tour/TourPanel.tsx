import { useEffect, useRef } from 'react';
import { stepAfterKey, TOUR_STEPS } from '../../core/tour/steps';
import {
  backTourStep,
  closeTour,
  goToTourStep,
  nextTourStep,
  recomputeLive,
  startTourFromUrl,
} from '../../engine/app';
import { useAppStore } from '../../store';
import { TourResultView } from './TourResult';
import './tour.css';

/** Arrow keys move the tour unless a control that uses them has the focus. */
function ownsArrows(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['button', 'checkbox', 'radio', 'submit', 'reset'].includes(type);
}

function scrollBelowTour(selector: string): void {
  const el = document.querySelector(selector);
  if (!el) return;
  const band = document.querySelector('.tour')?.getBoundingClientRect().height ?? 0;
  const top = el.getBoundingClientRect().top + window.scrollY - band - 8;
  window.scrollTo({ top: Math.max(0, top) });
}

/** The classroom tour: a step's text, its result, Back / Next, and keyboard control. */
export function TourPanel() {
  const tour = useAppStore((s) => s.tour);
  const heading = useRef<HTMLHeadingElement>(null);
  const wasOpen = useRef(false);
  useEffect(() => startTourFromUrl(), []);
  useEffect(() => {
    if (!tour.open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        closeTour();
        document.getElementById('start-tour')?.focus();
        return;
      }
      if (ownsArrows(e.target)) return;
      const to = stepAfterKey(useAppStore.getState().tour.step, e.key);
      if (to === null) return;
      e.preventDefault();
      goToTourStep(to);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [tour.open]);
  // Opening the tour moves the focus to it, so a screen reader reads the first step.
  useEffect(() => {
    if (tour.open && !wasOpen.current) heading.current?.focus();
    wasOpen.current = tour.open;
  }, [tour.open]);
  // The part of the panel the step is about comes into view below the (sticky) tour.
  const anchor = tour.open ? TOUR_STEPS[tour.step]!.anchor : null;
  useEffect(() => {
    if (!anchor) return;
    const frame = requestAnimationFrame(() => scrollBelowTour(anchor));
    return () => cancelAnimationFrame(frame);
  }, [anchor, tour.dataStatus]);
  if (!tour.open) return null;
  const step = TOUR_STEPS[tour.step]!;
  const n = TOUR_STEPS.length;
  const last = tour.step === n - 1;
  return (
    <section className="tour" aria-label="Tour" data-step={step.id}>
      <div className="tour-text">
        <p className="tour-counter" data-testid="tour-counter">
          Step {tour.step + 1} of {n}
        </p>
        <h2 ref={heading} tabIndex={-1} data-testid="tour-title">
          {step.title}
        </h2>
        {step.text.map((t) => (
          <p key={t}>{t}</p>
        ))}
      </div>
      <TourResultView step={step} tour={tour} onRecompute={() => void recomputeLive()} />
      <div className="tour-nav">
        <button type="button" onClick={backTourStep} disabled={tour.step === 0}>
          Back
        </button>
        <button type="button" onClick={last ? closeTour : nextTourStep}>
          {last ? 'Finish' : 'Next'}
        </button>
        <button
          type="button"
          className="tour-close"
          onClick={() => {
            closeTour();
            document.getElementById('start-tour')?.focus();
          }}
        >
          Close tour
        </button>
        <p className="muted tour-keys">Keys: ← → to move, Esc to close.</p>
      </div>
    </section>
  );
}
