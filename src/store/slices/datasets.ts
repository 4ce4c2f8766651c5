import type { StateCreator } from 'zustand';
import type { DatasetMeta, ImportProgress } from '../../protocol/datasets';
import { trainingReadiness } from '../../core/datasets/readiness';
import type { Readiness } from '../../core/datasets/readiness';
import { DEFAULT_SPLIT } from '../../core/datasets/split';
import type { SplitOptions } from '../../core/datasets/split';
import type { FitMode } from '../../core/image/prepare';
import type { AppState } from '../types';

export interface DatasetsState {
  /** The stored datasets (newest first). */
  list: DatasetMeta[];
  /** The selected stored dataset, or null for the built-in demo set. */
  selectedId: string | null;
  /** The import that runs now. */
  importing: { name: string; progress: ImportProgress | null } | null;
  /** Storage of this origin, and whether the browser keeps it under pressure. */
  storage: { usage: number | null; quota: number | null; persisted: boolean | null };
  /** Settings for the next import. */
  fit: FitMode;
  split: SplitOptions;
  /** Whether the selected dataset can train a head (heads read this). */
  trainable: Readiness;
}

/** The datasets panel's state (owned by that panel; other panels only read it). */
export interface DatasetsSlice {
  datasets: DatasetsState;
  setDatasetList: (list: DatasetMeta[]) => void;
  setSelectedDataset: (id: string | null) => void;
  setDatasetImport: (importing: DatasetsState['importing']) => void;
  setDatasetStorage: (storage: DatasetsState['storage']) => void;
  setImportSettings: (settings: Partial<Pick<DatasetsState, 'fit' | 'split'>>) => void;
}

const DEMO_READY: Readiness = { ok: true };

function readiness(list: DatasetMeta[], id: string | null): Readiness {
  if (id === null) return DEMO_READY;
  const meta = list.find((m) => m.id === id);
  return meta ? trainingReadiness(meta.classes, meta.name) : DEMO_READY;
}

export const createDatasetsSlice: StateCreator<AppState, [], [], DatasetsSlice> = (set) => ({
  datasets: {
    list: [],
    selectedId: null,
    importing: null,
    storage: { usage: null, quota: null, persisted: null },
    fit: 'crop',
    split: DEFAULT_SPLIT,
    trainable: DEMO_READY,
  },
  setDatasetList: (list) =>
    set((s) => ({
      datasets: { ...s.datasets, list, trainable: readiness(list, s.datasets.selectedId) },
    })),
  setSelectedDataset: (selectedId) =>
    set((s) => ({
      datasets: {
        ...s.datasets,
        selectedId,
        trainable: readiness(s.datasets.list, selectedId),
      },
    })),
  setDatasetImport: (importing) => set((s) => ({ datasets: { ...s.datasets, importing } })),
  setDatasetStorage: (storage) => set((s) => ({ datasets: { ...s.datasets, storage } })),
  setImportSettings: (settings) => set((s) => ({ datasets: { ...s.datasets, ...settings } })),
});
