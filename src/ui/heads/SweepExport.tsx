import { datasetMismatch, selectedDatasetRef } from '../../core/sweep/datasetRef';
import { serializeSweepResult, sweepResultOf } from '../../core/sweep/result';
import { useAppStore } from '../../store';
import { downloadJson } from './downloadJson';

/**
 * "Export sweep result": the grid (live or finished) as the sweep.json `diffprobe sweep` writes
 * and "Open a sweep result…" opens; and a flag when the selected dataset is not the grid's.
 */
export function SweepExport() {
  const grid = useAppStore((s) => s.heads.sweep.grid);
  const record = useAppStore((s) => s.heads.sweep.record);
  const mismatch = useAppStore((s) =>
    datasetMismatch(
      s.heads.sweep.grid ? s.heads.sweep.record?.dataset : null,
      selectedDatasetRef(s.datasets.selectedId, s.datasets.list),
    ),
  );
  if (!grid || !record) return null;
  return (
    <>
      <button
        type="button"
        data-testid="sweep-export"
        onClick={() =>
          downloadJson('sweep.json', serializeSweepResult(sweepResultOf(record, grid)))
        }
      >
        Export sweep result
      </button>
      {mismatch && (
        <p className="error-text" data-testid="sweep-dataset-changed">
          {mismatch}
        </p>
      )}
    </>
  );
}
