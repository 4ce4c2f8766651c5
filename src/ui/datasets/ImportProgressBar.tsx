import { cancelImport } from '../../engine/app';
import { useAppStore } from '../../store';

function duration(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.ceil(s % 60)} s`;
}

/** The running import: counts, rate, time left, and a cancel that keeps what was stored. */
export function ImportProgressBar() {
  const importing = useAppStore((s) => s.datasets.importing);
  if (!importing) return null;
  const p = importing.progress;
  const fraction = p && p.total > 0 ? p.done / p.total : null;
  let text = `Reading “${importing.name}”…`;
  if (p && p.phase !== 'listing') {
    text = `${p.done.toLocaleString('en')} of ${p.total.toLocaleString('en')} images`;
    if (p.skipped) text += `, ${p.skipped} skipped`;
    if (p.duplicates) text += `, ${p.duplicates} duplicates`;
    if (p.rate !== null) text += ` · ${Math.round(p.rate)} images/s`;
    if (p.secondsLeft !== null && p.phase !== 'done') text += ` · ${duration(p.secondsLeft)} left`;
  }
  return (
    <div className="ds-progress" role="status" aria-live="polite">
      <progress
        aria-label={`Importing ${importing.name}`}
        max={1}
        {...(fraction === null ? {} : { value: fraction })}
      />
      <span data-testid="import-progress">{text}</span>
      <button type="button" onClick={cancelImport}>
        Cancel import
      </button>
    </div>
  );
}
