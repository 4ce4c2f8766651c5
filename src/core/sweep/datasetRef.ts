/**
 * Which dataset a sweep grid was computed on, and whether the one selected now is another: the
 * panel flags the grid then, as it does when the model's conditioning changed.
 */

export interface DatasetRef {
  /** `demo:fashion-mnist` for the built-in set, `stored:<id>` for an imported one. */
  id: string;
  name: string;
}

/** The built-in demo set, used while no stored dataset is selected. */
export const DEMO_DATASET: DatasetRef = { id: 'demo:fashion-mnist', name: 'Fashion-MNIST demo' };

/** The id a stored dataset has in sweeps, heads and CKA. */
export function storedDatasetId(id: string): string {
  return `stored:${id}`;
}

/** The dataset selected now: a stored one by id (named from the list when it is in), or the demo. */
export function selectedDatasetRef(
  selectedId: string | null,
  list: readonly { id: string; name: string }[],
): DatasetRef {
  if (selectedId === null) return DEMO_DATASET;
  const meta = list.find((m) => m.id === selectedId);
  return { id: storedDatasetId(selectedId), name: meta?.name ?? selectedId };
}

/**
 * Why a grid computed on `grid` does not describe the dataset selected `now` (null when it is
 * the same one, or when the grid names no dataset id, as a CLI result does).
 */
export function datasetMismatch(
  grid: { id?: string; source: string } | null | undefined,
  now: DatasetRef,
): string | null {
  if (!grid?.id || grid.id === now.id) return null;
  return `This grid was computed on the dataset “${grid.source}”; the selected dataset is now “${now.name}”. Run the sweep again for it.`;
}
