/**
 * The datasets panel's actions: import (with progress, cancel and the outcome told to the
 * user), the stored list, selection, edits, deletion and storage use. The store follows.
 */
import { checkClassName } from '../../core/datasets/names';
import { formatBytes } from '../../core/datasets/limits';
import type {
  DatasetMeta,
  DatasetPatch,
  ImportResult,
  ImportSource,
} from '../../protocol/datasets';
import type { SkippedRecord } from '../../core/datasets/storedRecord';
import type { AppStore } from '../appStore';
import type { DatasetEngine, RunningImport } from '../workers/datasetEngine';
import { userMessage } from '../workers/errors';
import { selectedDatasetId, setSelectedDatasetId } from './access';
import { isPersisted, requestPersistence, storageInfo } from './storage';

function outcome(result: ImportResult): string {
  const m = result.meta;
  const parts = [
    `${m.count.toLocaleString('en')} images in ${m.classes.length} classes`,
    m.skippedCount ? `${m.skippedCount} files skipped` : '',
    m.duplicateCount ? `${m.duplicateCount} duplicates left out` : '',
    m.emptyClasses.length ? `${m.emptyClasses.length} empty class folders` : '',
  ].filter(Boolean);
  const verb = result.cancelled ? 'Import cancelled; kept' : 'Imported';
  return `${verb} “${m.name}”: ${parts.join(', ')}.`;
}

/** An import that stored nothing (its record is gone): why, with the first files named. */
export function nothingImported(result: ImportResult): string {
  const m = result.meta;
  const named = m.skipped
    .slice(0, 3)
    .map((f) => `${f.path}: ${f.reason}`)
    .join('; ');
  const more = m.skippedCount > 3 ? `; ${(m.skippedCount - 3).toLocaleString('en')} more` : '';
  const plural = (n: number, one: string) =>
    `${n.toLocaleString('en')} ${one}${n === 1 ? '' : 's'}`;
  const why =
    [
      m.skippedCount > 0 ? `${plural(m.skippedCount, 'file')} skipped (${named}${more})` : '',
      m.duplicateCount > 0 ? `${plural(m.duplicateCount, 'duplicate')} left out` : '',
    ]
      .filter(Boolean)
      .join(', ') || 'no image files in class folders';
  return `Nothing was imported from “${m.name}”: ${why}. No dataset was kept.`;
}

/** The notice for stored records that could not be read (they are left as they are). */
export function skippedRecordsText(skipped: SkippedRecord[]): string {
  const named = skipped
    .slice(0, 3)
    .map((r) => `${r.key} (${r.reason})`)
    .join('; ');
  const more = skipped.length > 3 ? ` and ${skipped.length - 3} more` : '';
  const n =
    skipped.length === 1 ? 'A stored dataset record' : `${skipped.length} stored dataset records`;
  return `${n} could not be read and ${skipped.length === 1 ? 'is' : 'are'} skipped: ${named}${more}. The other datasets are unaffected.`;
}

/** The datasets panel's actions on the app's store and the datasets worker. */
export function createDatasetsController(deps: {
  store: AppStore;
  engine: Pick<DatasetEngine, 'import' | 'list' | 'update' | 'remove'>;
}) {
  const { store, engine } = deps;
  let running: RunningImport | null = null;
  /** Records already reported as unreadable (each is told once, not on every refresh). */
  const toldSkipped = new Set<string>();

  async function refreshStorage(): Promise<void> {
    const [info, persisted] = await Promise.all([storageInfo(), isPersisted()]);
    store.getState().setDatasetStorage({ ...info, persisted });
  }

  async function refreshDatasets(): Promise<DatasetMeta[]> {
    const s = store.getState();
    try {
      const { datasets: list, skipped } = await engine.list();
      const fresh = skipped.filter((r) => !toldSkipped.has(r.key));
      for (const r of fresh) toldSkipped.add(r.key);
      if (fresh.length) s.notify('warning', skippedRecordsText(fresh));
      let selected = selectedDatasetId();
      if (selected !== null && !list.some((m) => m.id === selected)) {
        selected = null;
        setSelectedDatasetId(null);
      }
      s.setDatasetList(list);
      s.setSelectedDataset(selected);
      return list;
    } catch (e) {
      s.notify('error', `The stored datasets could not be read: ${userMessage(e)}`);
      return [];
    } finally {
      void refreshStorage();
    }
  }

  function selectDataset(id: string | null): void {
    setSelectedDatasetId(id);
    store.getState().setSelectedDataset(id);
  }

  /**
   * Imports a source for the current model; resolves with the result (null on failure). With
   * `resume`, completes that partial dataset from the same source (what is stored is kept).
   */
  async function importDataset(
    source: ImportSource,
    resume?: DatasetMeta,
  ): Promise<ImportResult | null> {
    const s = store.getState();
    if (running) {
      s.notify('warning', 'An import is already running: wait for it or cancel it first.');
      return null;
    }
    const manifest = s.model.summary?.manifest ?? null;
    const size = manifest?.image.size ?? 32;
    const channels = manifest?.image.channels ?? 1;
    const { fit, split } = s.datasets;
    s.setDatasetImport({ name: source.name, progress: null });
    void requestPersistence().then(() => refreshStorage());
    const options = resume
      ? { size: resume.size, channels: resume.channels, fit: resume.fit, split, resume: resume.id }
      : { size, channels, fit, split };
    const job = engine.import(source, options, (progress) =>
      store.getState().setDatasetImport({ name: source.name, progress }),
    );
    running = job;
    try {
      const result = await job.result;
      const m = result.meta;
      if (m.count === 0 && result.cancelled) {
        s.notify(
          'info',
          `Import of “${m.name}” cancelled before any image was stored: nothing kept.`,
        );
      } else if (m.count === 0) {
        s.notify('error', nothingImported(result));
      } else {
        s.notify(m.skippedCount || m.duplicateCount ? 'warning' : 'info', outcome(result));
      }
      await refreshDatasets();
      if (m.count > 0) selectDataset(m.id);
      return result;
    } catch (e) {
      s.notify('error', `“${source.name}” could not be imported: ${userMessage(e)}`);
      await refreshDatasets();
      return null;
    } finally {
      running = null;
      store.getState().setDatasetImport(null);
    }
  }

  function cancelImport(): void {
    running?.cancel();
  }

  async function patch(id: string, change: DatasetPatch): Promise<void> {
    try {
      await engine.update(id, change);
    } catch (e) {
      store.getState().notify('error', `The change was not saved: ${userMessage(e)}`);
    }
    await refreshDatasets();
  }

  async function renameClass(meta: DatasetMeta, index: number, name: string): Promise<void> {
    const others = meta.classes.filter((_, i) => i !== index).map((c) => c.name);
    const check = checkClassName(name, others);
    if (!check.ok) {
      store.getState().notify('error', `The class was not renamed: ${check.reason}.`);
      await refreshDatasets(); // puts the old name back in the field
      return;
    }
    const classes = meta.classes.map((c, i) => (i === index ? { ...c, name: check.name } : c));
    await patch(meta.id, { classes });
  }

  async function includeClass(meta: DatasetMeta, index: number, included: boolean): Promise<void> {
    const classes = meta.classes.map((c, i) => (i === index ? { ...c, included } : c));
    await patch(meta.id, { classes });
  }

  async function setSplit(meta: DatasetMeta, seed: number, testFraction: number): Promise<void> {
    if (!Number.isInteger(seed) || seed < 0) {
      store.getState().notify('error', 'The split seed must be a whole number ≥ 0.');
      return;
    }
    if (!(testFraction >= 0.05 && testFraction <= 0.5)) {
      store.getState().notify('error', 'The test share must be between 5% and 50%.');
      return;
    }
    await patch(meta.id, { split: { seed, testFraction } });
  }

  async function renameDataset(meta: DatasetMeta, name: string): Promise<void> {
    if (name.trim() === '') return;
    await patch(meta.id, { name: name.trim() });
  }

  async function deleteDataset(meta: DatasetMeta): Promise<void> {
    try {
      await engine.remove(meta.id);
      store
        .getState()
        .notify('info', `Deleted “${meta.name}” (${formatBytes(meta.bytes)} of images).`);
    } catch (e) {
      store.getState().notify('error', `“${meta.name}” was not deleted: ${userMessage(e)}`);
    }
    await refreshDatasets();
  }

  return {
    refreshStorage,
    refreshDatasets,
    selectDataset,
    importDataset,
    cancelImport,
    renameClass,
    includeClass,
    setSplit,
    renameDataset,
    deleteDataset,
  };
}
