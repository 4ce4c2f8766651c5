import { useState } from 'react';
import { describeConditioningRecord } from '../../core/conditioning/conditioning';
import type { SweepGrid } from '../../core/heads/sweep';
import { resultGrid, parseSweepResult } from '../../core/sweep/result';
import { useAppStore } from '../../store';

/**
 * "Open a sweep result…": a sweep.json from `diffprobe sweep` drawn as the panel draws its own
 * sweep (the same heatmap, best cell and two curves). A result from another model than the one
 * loaded (by sha256) is still drawn, with a note that says so.
 */
export function SweepResultInput({ sha256, busy }: { sha256: string | null; busy: boolean }) {
  const setSweep = useAppStore((s) => s.setSweep);
  const grid = useAppStore((s) => s.heads.sweep.grid);
  const notify = useAppStore((s) => s.notify);
  // The note belongs to the grid it drew: a later sweep (run or opened) hides it.
  const [note, setNote] = useState<{ text: string; other: boolean; grid: SweepGrid } | null>(null);
  const open = async (file: File) => {
    try {
      const r = parseSweepResult(JSON.parse(await file.text()) as unknown);
      const other = sha256 !== null && r.model.sha256 !== sha256;
      const model = r.model.id ?? r.model.file;
      const drawn = resultGrid(r);
      const { cells, ...record } = r;
      setSweep({
        status: 'done',
        grid: drawn,
        fraction: 1,
        detail: `Opened ${file.name}: ${cells.length} probes of ${model}, pool ${r.pool}, ${r.dataset.images.train} train / ${r.dataset.images.test} test images${r.conditioning?.length ? `, ${describeConditioningRecord(r.conditioning)}` : ''}.`,
        error: null,
        featureMs: 0,
        trainMs: 0,
        totalMs: 0,
        conditioning: r.conditioning?.length ? r.conditioning : null,
        record,
      });
      setNote({
        grid: drawn,
        other,
        text: other
          ? `This result is from another model (sha256 ${r.model.sha256.slice(0, 12)}…), not the one loaded (${(sha256 ?? '').slice(0, 12)}…).`
          : `Model ${model}: the loaded one (same sha256).`,
      });
    } catch (err) {
      setNote(null);
      notify('error', `Cannot open ${file.name}: ${(err as Error).message}`);
    }
  };
  return (
    <div className="heads-sweep-open">
      <label className="heads-field">
        <span>Open a sweep result…</span>
        <input
          type="file"
          accept=".json,application/json"
          disabled={busy}
          data-testid="sweep-open"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void open(file);
          }}
        />
      </label>
      {note && note.grid === grid && (
        <p
          className={note.other ? 'error-text' : 'muted'}
          role={note.other ? 'alert' : undefined}
          data-testid="sweep-open-model"
          data-other={note.other}
        >
          {note.text}
        </p>
      )}
    </div>
  );
}
