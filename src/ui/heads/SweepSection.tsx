import { useMemo, useState } from 'react';
import { bestCell, parseTimesteps, sweepCurves } from '../../core/heads/sweep';
import { POOL_SIZES } from '../../core/heads/spec';
import type { ModelManifest } from '../../core/manifest/types';
import {
  conditioningRecord,
  describeConditioning,
  describeConditioningRecord,
  sameConditioning,
} from '../../core/conditioning/conditioning';
import { datasetMismatch, selectedDatasetRef } from '../../core/sweep/datasetRef';
import { cancelSweep, runSweep } from '../../engine/app';
import { activeConditioning } from '../../engine/conditioning/controls';
import { useAppStore } from '../../store';
import { LineChart } from './LineChart';
import { LiveNumberField } from './LiveNumberField';
import { SweepExport } from './SweepExport';
import { SweepHeatmap } from './SweepHeatmap';
import { SweepResultInput } from './SweepResultInput';

const ACC: [number, number] = [0, 1];

/** The block × t sweep: a linear probe per cell, the heatmap and the paper's two curves. */
export function SweepSection({ manifest }: { manifest: ModelManifest | null }) {
  const sweep = useAppStore((s) => s.heads.sweep);
  const setSweep = useAppStore((s) => s.setSweep);
  const notify = useAppStore((s) => s.notify);
  const [tsText, setTsText] = useState(sweep.ts.join(', '));
  const busy = sweep.status === 'running';
  // A sweep trains probes too: the selected dataset must be trainable (the slice says why not).
  const trainable = useAppStore((s) => s.datasets.trainable);
  // What the model feeds now, to flag a grid computed under another conditioning.
  const feeding = useAppStore((s) => describeConditioning(activeConditioning(s)));
  // Compared as exported heads are: class ids, context files by digest.
  const same = useAppStore(
    (s) =>
      !s.heads.sweep.conditioning ||
      sameConditioning(s.heads.sweep.conditioning, conditioningRecord(activeConditioning(s))),
  );
  // The dataset the grid was computed on against the one selected now.
  const datasetChanged = useAppStore((s) =>
    datasetMismatch(
      s.heads.sweep.grid ? s.heads.sweep.record?.dataset : null,
      selectedDatasetRef(s.datasets.selectedId, s.datasets.list),
    ),
  );
  const best = sweep.grid ? bestCell(sweep.grid) : null;
  const curves = useMemo(() => (sweep.grid ? sweepCurves(sweep.grid) : null), [sweep.grid]);
  const byBlock = useMemo(
    () =>
      curves
        ? [
            {
              name: `t=${best?.t}`,
              color: '#60a5fa',
              points: curves.byBlock.map((p) => ({ x: p.x, y: p.acc })),
            },
          ]
        : [],
    [curves, best?.t],
  );
  const byT = useMemo(
    () =>
      curves
        ? [
            {
              name: `block ${best?.block}`,
              color: '#f59e0b',
              points: curves.byT.map((p) => ({ x: p.x, y: p.acc })),
            },
          ]
        : [],
    [curves, best?.block],
  );
  const start = () => {
    try {
      setSweep({ ts: parseTimesteps(tsText, manifest?.schedule?.T ?? 1000) });
    } catch (err) {
      notify('error', `Timesteps: ${(err as Error).message}`);
      return;
    }
    void runSweep();
  };
  return (
    <section className="heads-sweep" aria-labelledby="heads-sweep-heading">
      <h3 id="heads-sweep-heading">Sweep: block × timestep</h3>
      <p className="muted">
        A linear probe on every block at every t, with the training settings above. One U-Net pass
        per image and t feeds all blocks; cached features are reused.
      </p>
      <div className="heads-actions">
        <label className="heads-field">
          <span>Timesteps</span>
          <input
            type="text"
            value={tsText}
            data-testid="sweep-ts"
            onChange={(e) => setTsText(e.target.value)}
          />
        </label>
        <label className="heads-field">
          <span>Pool</span>
          <select value={sweep.pool} onChange={(e) => setSweep({ pool: Number(e.target.value) })}>
            {POOL_SIZES.map((p) => (
              <option key={p} value={p}>
                {p}×{p}
              </option>
            ))}
          </select>
        </label>
        <LiveNumberField
          label="Epochs per probe"
          value={sweep.epochs}
          step={1}
          min={1}
          testId="sweep-epochs"
          onChange={(epochs) => setSweep({ epochs })}
        />
        <LiveNumberField
          label="Images per class (0 = all)"
          value={sweep.limit}
          step={1}
          min={0}
          testId="sweep-limit"
          onChange={(limit) => setSweep({ limit })}
        />
        <button
          type="button"
          disabled={busy || !manifest || !trainable.ok}
          aria-describedby={trainable.ok ? undefined : 'heads-sweep-blocked'}
          onClick={start}
        >
          Run sweep
        </button>
        <button type="button" disabled={!busy} onClick={cancelSweep}>
          Cancel sweep
        </button>
      </div>
      <SweepResultInput sha256={manifest?.sha256 ?? null} busy={busy} />
      <SweepExport />
      {!trainable.ok && (
        <p className="error-text" id="heads-sweep-blocked" data-testid="heads-sweep-blocked">
          {trainable.reason}
        </p>
      )}
      {(busy || sweep.detail) && (
        <p role="status" data-testid="sweep-status" data-status={sweep.status}>
          {busy && <progress max={1} value={sweep.fraction} aria-label="Sweep progress" />}{' '}
          {sweep.detail}
          {sweep.totalMs > 0 &&
            ` · features ${(sweep.featureMs / 1000).toFixed(1)} s, training ${(sweep.trainMs / 1000).toFixed(1)} s, total ${(sweep.totalMs / 1000).toFixed(1)} s`}
        </p>
      )}
      {sweep.error && (
        <p className="error-text" data-testid="sweep-error">
          {sweep.error}{' '}
          {sweep.status === 'error' && (
            <button type="button" disabled={!manifest || !trainable.ok} onClick={start}>
              Retry sweep
            </button>
          )}
        </p>
      )}
      {sweep.grid && sweep.conditioning && (
        <p
          className={same ? 'muted' : 'error-text'}
          data-testid="sweep-conditioning"
          data-same={same}
        >
          Features under {describeConditioningRecord(sweep.conditioning)}
          {!same && ` — the model now feeds ${feeding}; run the sweep again for it`}
        </p>
      )}
      {datasetChanged && (
        <p className="error-text" data-testid="sweep-dataset-changed">
          {datasetChanged}
        </p>
      )}
      {sweep.grid && (
        <div className="heads-sweep-view">
          <SweepHeatmap grid={sweep.grid} best={best} />
          <div>
            {best && (
              <p data-testid="sweep-best-text">
                Best: block {best.block}, t={best.t}:{' '}
                <strong>{(100 * best.acc).toFixed(2)}%</strong>
              </p>
            )}
            {curves && (
              <>
                <LineChart
                  title={`Accuracy against block at t=${best?.t}`}
                  series={byBlock}
                  xLabel="block"
                  yLabel="test accuracy"
                  yDomain={ACC}
                  mark={best ? { x: best.block, y: best.acc } : undefined}
                  testId="sweep-by-block"
                />
                <LineChart
                  title={`Accuracy against t at block ${best?.block}`}
                  series={byT}
                  xLabel="t"
                  yLabel="test accuracy"
                  yDomain={ACC}
                  xTicks={sweep.grid.ts}
                  mark={best ? { x: best.t, y: best.acc } : undefined}
                  testId="sweep-by-t"
                />
              </>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
