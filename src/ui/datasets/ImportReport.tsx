import { useAppStore } from '../../store';
import type { DatasetMeta } from '../../protocol/datasets';

/** Why an import is partial: its own note, or, when it stopped without one, what may have happened. */
function stopNote(meta: DatasetMeta, busy: boolean): string | null {
  if (meta.note) return meta.note;
  if (meta.status !== 'importing' || busy) return null;
  return `stopped after ${meta.count.toLocaleString('en')} of ${meta.total.toLocaleString('en')} images (the page was closed, or the storage was too full to record why); the stored images can be used`;
}

/** What an import left out, and why: skipped files, duplicates, empty class folders. */
export function ImportReport({ meta }: { meta: DatasetMeta }) {
  const busy = useAppStore((s) => s.datasets.importing !== null);
  const { skipped, skippedCount, duplicates, emptyClasses } = meta;
  const note = stopNote(meta, busy);
  if (!skippedCount && !duplicates.length && !emptyClasses.length && !note) return null;
  return (
    <div className="ds-report" data-testid="import-report">
      {note && <p className="ds-note">Import {note}.</p>}
      {emptyClasses.length > 0 && (
        <p>
          Empty class folders (no images, left out): {emptyClasses.map((c) => `“${c}”`).join(', ')}
        </p>
      )}
      {skippedCount > 0 && (
        <details>
          <summary>
            {skippedCount} file{skippedCount === 1 ? '' : 's'} skipped
            {skipped.length < skippedCount ? ` (first ${skipped.length} listed)` : ''}
          </summary>
          <ul data-testid="skipped-list">
            {skipped.map((s) => (
              <li key={s.path}>
                <code>{s.path}</code>: {s.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      {duplicates.length > 0 && (
        <details>
          <summary>
            {meta.duplicateCount} duplicate files left out
            {duplicates.length < meta.duplicateCount ? ` (first ${duplicates.length} listed)` : ''}
          </summary>
          <ul data-testid="duplicate-list">
            {duplicates.map((d) => (
              <li key={d.path}>
                <code>{d.path}</code> is the same as <code>{d.of}</code>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
