import type { TourStep } from '../../core/tour/steps';
import type { TourState } from '../../store/slices/tour';

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/** Two heads' test accuracies as bars: the gap between an early block and a decoder block. */
function HeadsGap({ rows }: { rows: { block: number; testAcc: number }[] }) {
  return (
    <ul className="tour-bars" aria-label="Linear head test accuracy by block">
      {rows.map((r) => (
        <li key={r.block} data-testid={`tour-head-${r.block}`}>
          <span className="tour-bar-label">Block {r.block}</span>
          <span className="tour-bar" style={{ width: `${Math.round(100 * r.testAcc)}%` }} />
          <strong>{pct(r.testAcc)}</strong>
        </li>
      ))}
    </ul>
  );
}

/**
 * What a result step shows beside its text: where its numbers come from ("precomputed" or
 * "live") and the button that recomputes them live with the panel's own job.
 */
export function TourResultView({
  step,
  tour,
  onRecompute,
}: {
  step: TourStep;
  tour: TourState;
  onRecompute: () => void;
}) {
  if (step.result === 'none') return null;
  const source = tour.source[step.result];
  const busy = tour.recomputing !== null;
  const data = tour.data;
  const heads =
    source === 'live' && tour.liveHeads.length
      ? tour.liveHeads
      : (data?.heads.map((h) => ({ block: h.block, testAcc: h.testAcc })) ?? []);
  const shown = step.result === 'heads' && tour.recomputing === 'heads' ? tour.liveHeads : heads;
  const seconds = data
    ? {
        heads: data.seconds.features / data.sweep.ts.length + data.seconds.heads,
        sweep: data.seconds.features + data.seconds.sweep,
        cka: data.seconds.features / data.sweep.ts.length + data.seconds.cka,
      }[step.result]
    : null;
  return (
    <div className="tour-result" data-testid="tour-result" data-source={source}>
      <p>
        <span className={`tour-source ${source}`} data-testid="tour-source">
          {source === 'live' ? 'live' : 'precomputed'}
        </span>{' '}
        {source === 'live'
          ? 'Recomputed in this browser.'
          : `Shipped with the built-in model${seconds ? `: about ${Math.round(seconds)} s of CPU work` : ''}.`}
      </p>
      {tour.dataStatus === 'error' && <p className="error-text">{tour.dataError}</p>}
      {step.result === 'heads' && shown.length > 0 && <HeadsGap rows={shown} />}
      <button type="button" onClick={onRecompute} disabled={busy}>
        {tour.recomputing === step.id ? 'Recomputing…' : 'Recompute live'}
      </button>
    </div>
  );
}
