import { startRuntime } from '../engine/app';
import { useAppStore } from '../store';

/** Says which runtime runs the model and why — never only in the console. */
export function BackendBadge() {
  const runtime = useAppStore((s) => s.runtime);
  let text = 'Starting the model runtime…';
  let tone = 'pending';
  if (runtime.status === 'ready' && runtime.info) {
    const { info } = runtime;
    text =
      info.backend === 'wasm'
        ? `${info.reason} · ${info.threads} thread${info.threads === 1 ? '' : 's'}`
        : info.reason;
    tone = info.backend;
  } else if (runtime.status === 'error') {
    text = `Runtime stopped: ${runtime.error ?? 'unknown error'}`;
    tone = 'error';
  }
  return (
    <div className={`backend-badge ${tone}`} role="status" aria-label="Model runtime">
      <span className="backend-text" data-testid="backend">
        {text}
      </span>
      {runtime.status === 'error' && (
        <button type="button" onClick={() => void startRuntime()}>
          Restart runtime
        </button>
      )}
    </div>
  );
}
