import { formatBytes } from '../../core/datasets/limits';
import { deleteDataset, selectDataset } from '../../engine/app';
import { useAppStore } from '../../store';
import type { DatasetMeta } from '../../protocol/datasets';
import { ResumeImport } from './ResumeImport';

const STATUS: Record<DatasetMeta['status'], string> = {
  // Still 'importing' when no import runs: it stopped without saying why (the page was closed,
  // or the storage was too full to record the failure).
  importing: 'partial (import stopped)',
  complete: '',
  cancelled: 'partial (cancelled)',
  failed: 'partial (storage full)',
};

function summary(m: DatasetMeta, busy: boolean): string {
  const status = m.status === 'importing' && busy ? 'importing…' : STATUS[m.status];
  return [
    `${m.count.toLocaleString('en')} images`,
    `${m.classes.length} classes`,
    `${m.size}×${m.size} ${m.channels === 1 ? 'grey' : 'RGB'}`,
    formatBytes(m.bytes),
    status,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The datasets kept in this browser, and the built-in demo set; one is selected. */
export function DatasetList() {
  const list = useAppStore((s) => s.datasets.list);
  const selected = useAppStore((s) => s.datasets.selectedId);
  const storage = useAppStore((s) => s.datasets.storage);
  const busy = useAppStore((s) => s.datasets.importing !== null);
  return (
    <section className="ds-list" aria-label="Stored datasets">
      <h3>Datasets</h3>
      <p className="ds-storage" data-testid="storage-use">
        {storage.usage !== null && storage.quota !== null
          ? `Storage: ${formatBytes(storage.usage)} used of ${formatBytes(storage.quota)} available`
          : 'Storage use is not known in this browser'}
        {storage.persisted === true
          ? ' · kept by the browser (persistent)'
          : storage.persisted === false
            ? ' · the browser may clear it under storage pressure'
            : ''}
      </p>
      <ul role="radiogroup" aria-label="Dataset used by heads and CKA">
        <li role="none">
          <label>
            <input
              type="radio"
              name="dataset"
              checked={selected === null}
              onChange={() => selectDataset(null)}
            />{' '}
            Built-in Fashion-MNIST demo (2,000 train, 1,000 test, 10 classes)
          </label>
        </li>
        {list.map((m) => (
          <li key={m.id} role="none" data-testid="dataset-row">
            <label>
              <input
                type="radio"
                name="dataset"
                checked={selected === m.id}
                onChange={() => selectDataset(m.id)}
              />{' '}
              <strong>{m.name}</strong> <span className="ds-hint">{summary(m, busy)}</span>
            </label>{' '}
            <ResumeImport meta={m} disabled={busy} />{' '}
            <button
              type="button"
              disabled={busy}
              aria-label={`Delete ${m.name}`}
              onClick={() => {
                if (confirm(`Delete “${m.name}” from this browser?`)) void deleteDataset(m);
              }}
            >
              Delete
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
