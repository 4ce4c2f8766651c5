import { useState } from 'react';
import { bestCell } from '../../core/heads/sweep';
import type { ModelManifest } from '../../core/manifest/types';
import { cancelCorrespondenceSweep, runCorrespondenceSweep } from '../../engine/app';
import { useAppStore } from '../../store';
import type { CorrespondenceSweepRow } from '../../store/slices/correspondence';

interface ClassifyBest {
  block: number;
  t: number;
  acc: number;
  from: string;
}

/** The classification sweep's best cell: the user's sweep if one ran, else the model card's. */
function useClassifyBest(manifest: ModelManifest): ClassifyBest | null {
  const grid = useAppStore((s) => s.heads.sweep.grid);
  const cell = grid ? bestCell(grid) : null;
  if (cell) return { ...cell, from: 'your classification sweep' };
  const probe = (manifest.quality?.linearProbe as { best?: Partial<ClassifyBest> } | undefined)
    ?.best;
  if (probe && typeof probe.block === 'number' && typeof probe.t === 'number')
    return { block: probe.block, t: probe.t, acc: Number(probe.acc), from: 'the model card' };
  return null;
}

/** The matching block: highest PCK (ties: the earlier block). */
export function bestRow(rows: readonly CorrespondenceSweepRow[]): CorrespondenceSweepRow | null {
  let best: CorrespondenceSweepRow | null = null;
  for (const r of rows) if (Number.isFinite(r.pck) && (!best || r.pck > best.pck)) best = r;
  return best;
}

function PckChart({ rows, classify }: { rows: CorrespondenceSweepRow[]; classify: number | null }) {
  const best = bestRow(rows);
  const w = 22;
  const h = 120;
  return (
    <svg
      className="corr-chart"
      viewBox={`0 0 ${rows.length * w + 30} ${h + 34}`}
      role="img"
      aria-label={`PCK@0.1 by block${best ? `; best block ${best.block}` : ''}`}
    >
      {[0, 0.5, 1].map((v) => (
        <g key={v}>
          <line
            x1={26}
            x2={rows.length * w + 28}
            y1={h * (1 - v) + 4}
            y2={h * (1 - v) + 4}
            className="grid"
          />
          <text x={22} y={h * (1 - v) + 8} textAnchor="end">
            {v}
          </text>
        </g>
      ))}
      {rows.map((r, i) => {
        const v = Number.isFinite(r.pck) ? r.pck : 0;
        const cls = [
          'bar',
          best && r.block === best.block ? 'best' : '',
          classify === r.block ? 'classify' : '',
        ].join(' ');
        return (
          <g key={r.block} className={cls}>
            <rect x={28 + i * w} y={h * (1 - v) + 4} width={w - 4} height={Math.max(0.5, h * v)}>
              <title>
                block {r.block}: PCK@0.1 {Number.isFinite(r.pck) ? r.pck.toFixed(3) : '—'} (
                {r.points} points)
              </title>
            </rect>
            <text x={28 + i * w + (w - 4) / 2} y={h + 18} textAnchor="middle">
              {r.block}
            </text>
          </g>
        );
      })}
      <text x={28} y={h + 32}>
        block (red outline: best for classifying)
      </text>
    </svg>
  );
}

/** PCK@0.1 per block on N images against warped copies, beside the classification's best cell. */
export function CorrespondenceSweep({ manifest }: { manifest: ModelManifest }) {
  const sweep = useAppStore((s) => s.correspondence.sweep);
  const t = useAppStore((s) => s.explorer.selection.t);
  const [n, setN] = useState(String(sweep.n));
  const classify = useClassifyBest(manifest);
  const best = bestRow(sweep.rows);
  const running = sweep.status === 'running';
  const count = Number(n);
  const valid = Number.isInteger(count) && count >= 1 && count <= 256;
  return (
    <div className="corr-sweep">
      <h3>Correspondence sweep</h3>
      <p className="muted">
        Each image against a copy warped by the target’s warp (shift, scale, rotation): PCK@0.1 is
        the share of probe points (an 8×8 grid on the object) matched within 0.1 of the image size,
        per block at t = {t}.
      </p>
      <div className="corr-controls">
        <label>
          Images{' '}
          <input type="number" min={1} max={256} value={n} onChange={(e) => setN(e.target.value)} />
        </label>
        <button
          type="button"
          disabled={running || !valid}
          onClick={() => void runCorrespondenceSweep(count)}
        >
          Run the correspondence sweep
        </button>
        {running && (
          <button type="button" onClick={cancelCorrespondenceSweep}>
            Cancel
          </button>
        )}
        {running && (
          <progress aria-label="Correspondence sweep progress" value={sweep.fraction} max={1} />
        )}
      </div>
      {sweep.error && (
        <p className="error-text" role="alert">
          {sweep.error}
        </p>
      )}
      <div className="corr-sweep-result">
        {sweep.rows.length > 0 && (
          <figure>
            <PckChart rows={sweep.rows} classify={classify?.block ?? null} />
            <figcaption className="muted">
              {sweep.detail}; {(sweep.ms / 1000).toFixed(1)} s
            </figcaption>
          </figure>
        )}
        <dl className="corr-best" data-testid="corr-sweep-best">
          <dt>Best for matching</dt>
          <dd>
            {best
              ? `block ${best.block} at t = ${sweep.t}: PCK@0.1 = ${best.pck.toFixed(3)}`
              : 'run the sweep'}
          </dd>
          <dt>Best for classifying</dt>
          <dd>
            {classify
              ? `block ${classify.block} at t = ${classify.t}: ${(classify.acc * 100).toFixed(1)}% (${classify.from})`
              : 'run the classification sweep (Heads panel)'}
          </dd>
          {best && classify && (
            <dd className="corr-verdict">
              {best.block === classify.block
                ? 'The same block serves both on this model.'
                : `Different blocks: ${best.block} matches best, ${classify.block} classifies best.`}
            </dd>
          )}
        </dl>
      </div>
    </div>
  );
}
