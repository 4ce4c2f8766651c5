import { cancelTraining, trainCurrentHead } from '../../engine/app';
import { useAppStore } from '../../store';
import { ResultView } from './ResultView';
import { TrainCurves } from './TrainCurves';

/** Train / cancel, progress, live curves and the result. */
export function TrainSection({ disabled }: { disabled: boolean }) {
  const run = useAppStore((s) => s.heads.run);
  const result = useAppStore((s) => s.heads.result);
  const backend = useAppStore((s) => s.heads.backend);
  const busy = run.status === 'features' || run.status === 'training';
  // The selected dataset must have two classes with images (the datasets slice says why not).
  const trainable = useAppStore((s) => s.datasets.trainable);
  return (
    <section className="heads-train" aria-labelledby="heads-train-heading">
      <h3 id="heads-train-heading">Train</h3>
      <div className="heads-actions">
        <button
          type="button"
          disabled={disabled || busy || !trainable.ok}
          aria-describedby={trainable.ok ? undefined : 'heads-train-blocked'}
          onClick={() => void trainCurrentHead()}
        >
          Train head
        </button>
        <button type="button" disabled={!busy} onClick={cancelTraining}>
          Cancel training
        </button>
        {backend && (
          <span className="muted" data-testid="heads-backend">
            Linear heads train on plain typed arrays (exact gradient); MLP, CNN and attention heads
            on tfjs {backend.backend.toUpperCase()} ({backend.reason}
            {backend.backend === 'wasm' ? `, ${backend.threads} threads` : ''})
          </span>
        )}
      </div>
      {!trainable.ok && (
        <p className="error-text" id="heads-train-blocked" data-testid="heads-train-blocked">
          {trainable.reason}
        </p>
      )}
      {(busy || run.detail) && (
        <p role="status" data-testid="heads-status" data-status={run.status}>
          {busy && <progress max={1} value={run.fraction} aria-label="Training progress" />}{' '}
          {run.detail}
        </p>
      )}
      {run.error && <p className="error-text">{run.error}</p>}
      <TrainCurves curves={run.curves} />
      {result && run.status !== 'features' && run.status !== 'training' && (
        <ResultView result={result} />
      )}
    </section>
  );
}
