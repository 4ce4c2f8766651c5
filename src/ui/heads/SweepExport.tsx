import { serializeSweepResult, sweepResultOf } from '../../core/sweep/result';
import { useAppStore } from '../../store';
import { downloadJson } from './downloadJson';

/**
 * "Export sweep result": the grid (live or finished) as the sweep.json `diffprobe sweep` writes
 * and "Open a sweep result…" opens.
 */
export function SweepExport() {
  const grid = useAppStore((s) => s.heads.sweep.grid);
  const record = useAppStore((s) => s.heads.sweep.record);
  if (!grid || !record) return null;
  return (
    <button
      type="button"
      data-testid="sweep-export"
      onClick={() => downloadJson('sweep.json', serializeSweepResult(sweepResultOf(record, grid)))}
    >
      Export sweep result
    </button>
  );
}
