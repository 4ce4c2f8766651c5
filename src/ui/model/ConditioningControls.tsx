import { useMemo } from 'react';
import { conditioningControls } from '../../engine/app';
import {
  defaultConditioning,
  describeConditioning,
  type ClassChoice,
  type ContextChoice,
} from '../../core/conditioning/conditioning';
import { useAppStore } from '../../store';

/**
 * What a conditional model's class and context inputs get: one class for every image (or, turned
 * on explicitly and with a warning, each image's own label), and a context of zeros or a loaded
 * [L, D] .npy. Nothing shows for an unconditional model.
 */
export function ConditioningControls() {
  const summary = useAppStore((s) => s.model.summary);
  const state = useAppStore((s) => s.conditioning);
  // As activeConditioning (engine/conditioning), from the store's stable parts.
  const cond = useMemo(
    () =>
      !summary
        ? []
        : state.forSha === summary.sha256
          ? state.choice
          : defaultConditioning(summary.manifest),
    [summary, state],
  );
  const message = state.message;
  if (!cond.length) return null;
  const classes = cond.filter((c): c is ClassChoice => c.kind === 'class');
  const contexts = cond.filter((c): c is ContextChoice => c.kind === 'context');
  const suffix = (name: string, many: boolean) => (many ? ` (${name})` : '');
  return (
    <section className="model-conditioning" aria-labelledby="conditioning-heading">
      <h3 id="conditioning-heading">Conditioning</h3>
      <p data-testid="conditioning-summary">
        Every run (explorer, heads, sweep, CKA) feeds: {describeConditioning(cond)}
      </p>
      {classes.map((c) => (
        <div key={c.name} className="conditioning-class">
          <label>
            Class for every image{suffix(c.name, classes.length > 1)}{' '}
            {c.classes ? (
              <select
                value={c.id}
                disabled={c.ownLabel}
                onChange={(e) => conditioningControls.pickClass(c.name, Number(e.target.value))}
              >
                {Array.from({ length: c.classes }, (_, i) => (
                  <option key={i} value={i}>
                    {i}
                  </option>
                ))}
              </select>
            ) : (
              <input
                type="number"
                min={0}
                step={1}
                value={c.id}
                disabled={c.ownLabel}
                onChange={(e) => {
                  const v = Number(e.target.value);
                  if (Number.isInteger(v) && v >= 0) conditioningControls.pickClass(c.name, v);
                }}
              />
            )}
          </label>{' '}
          <label>
            <input
              type="checkbox"
              checked={c.ownLabel}
              onChange={(e) => conditioningControls.useOwnLabel(c.name, e.target.checked)}
            />{' '}
            Use each image&apos;s own label{suffix(c.name, classes.length > 1)}
          </label>
          {c.ownLabel && (
            <p className="warning-text" role="note" data-testid="own-label-warning">
              ⚠ Each image&apos;s own label is fed to input &apos;{c.name}&apos;: the label leaks
              into the features, so heads and sweeps measure the label, not what the model sees in
              the image. Images without a label (samples, dropped files) cannot run.
            </p>
          )}
        </div>
      ))}
      {contexts.map((c) => (
        <div key={c.name} className="conditioning-context">
          <p>
            Context &apos;{c.name}&apos; [{c.shape.join(', ')}]:{' '}
            <strong data-testid={`context-source-${c.name}`}>
              {c.source.kind === 'zeros' ? 'zeros' : c.source.file}
            </strong>
          </p>
          <label>
            Context .npy for {c.name}{' '}
            <input
              type="file"
              accept=".npy"
              onChange={(e) => {
                const file = e.target.files?.[0];
                e.target.value = '';
                if (file) void conditioningControls.loadContext(c.name, file);
              }}
            />
          </label>{' '}
          <button
            type="button"
            disabled={c.source.kind === 'zeros'}
            onClick={() => conditioningControls.useZeros(c.name)}
          >
            Use zeros for {c.name}
          </button>
        </div>
      ))}
      {message && (
        <p className="error-text" role="alert" data-testid="conditioning-message">
          {message}
        </p>
      )}
    </section>
  );
}
