import { useState } from 'react';
import { loadBuiltinModel } from '../../engine/app';
import { BUILTIN_MODELS, DEFAULT_MODEL_ID } from '../../engine/model/load';
import { useAppStore } from '../../store';
import { ConditioningControls } from './ConditioningControls';
import { ModelFacts } from './ModelFacts';
import { OpenModel } from './OpenModel';
import './model.css';

/** The model: built-in ones, your own ONNX, loading progress, the backend and the model's facts. */
export function ModelPanel() {
  const model = useAppStore((s) => s.model);
  const runtime = useAppStore((s) => s.runtime);
  const [builtin, setBuiltin] = useState<string>(DEFAULT_MODEL_ID);
  const loading = model.status === 'loading';
  const summary = model.summary;
  return (
    <section className="model-panel" aria-labelledby="model-heading">
      <h2 id="model-heading">Model</h2>
      <div className="model-choose">
        <label>
          Built-in model{' '}
          <select value={builtin} onChange={(e) => setBuiltin(e.target.value)}>
            {BUILTIN_MODELS.map((m) => (
              <option key={m.id} value={m.id}>
                {m.title}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={loading} onClick={() => void loadBuiltinModel(builtin)}>
          Load built-in model
        </button>
        <OpenModel disabled={loading} />
      </div>
      {loading && (
        <div className="model-progress" role="status" aria-label="Model loading">
          <progress
            aria-label="Model loading progress"
            max={1}
            {...(typeof model.progress?.fraction === 'number'
              ? { value: model.progress.fraction }
              : {})}
          />
          <span>
            Loading {model.choice?.kind === 'builtin' ? model.choice.id : model.choice?.name}…{' '}
            {model.progress?.detail ?? ''}
          </span>
        </div>
      )}
      {model.error && (
        <p className="error-text" role="alert" data-testid="model-error">
          {model.error}
          {summary
            ? ` The previous model (${summary.manifest?.title ?? summary.name}) stays loaded.`
            : ''}
        </p>
      )}
      <p className="model-backend" data-testid="model-backend">
        Runs on{' '}
        {runtime.info
          ? `${runtime.info.backend === 'webgpu' ? 'WebGPU' : 'WASM'} — ${runtime.info.reason}`
          : runtime.status === 'error'
            ? `nothing: ${runtime.error ?? 'the runtime stopped'}`
            : '… (starting the runtime)'}
      </p>
      {summary?.warnings.length ? (
        <ul className="model-warnings" role="alert" aria-label="Model warnings">
          {summary.warnings.map((w) => (
            <li key={w}>⚠ {w}</li>
          ))}
        </ul>
      ) : null}
      {summary && <ModelFacts summary={summary} />}
      <ConditioningControls />
    </section>
  );
}
